"""Drivers chosen by name in ``[hardware]``; the built-in simulator when no URL is configured.

generator: ``simulator`` (the simulator's firmware; built in when ``generator_url`` is empty) or
``serial`` (a generator at ``generator_url`` speaking docs/hardware-protocol.md).
detector: ``simulator`` (the simulator's panel; built in when ``detector_url`` is empty).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vxacq.config import HardwareConfig
from vxacq.hal.errors import HardwareError
from vxacq.hal.serial_generator import SerialGenerator
from vxacq.hal.sim_detector import SimDetector

GENERATOR_DRIVERS = ("simulator", "serial")
DETECTOR_DRIVERS = ("simulator",)
SYNC_MODES = ("triggered", "aed")


@dataclass
class RoomDevices:
    generator: SerialGenerator
    detector: SimDetector
    simulator: Any = None  # hardware_sim.Simulator when we started it ourselves
    detector_model: str = ""


def needs_builtin_simulator(hw: HardwareConfig) -> bool:
    return (hw.generator == "simulator" and not hw.generator_url) or \
        (hw.detector == "simulator" and not hw.detector_url)


def sim_panel_memory(data_dir: Path | str) -> Path:
    """Where the built-in simulator's panel keeps the exposures not yet acknowledged, so that
    they outlive the process that runs it, as a real panel outlives the console."""
    return Path(data_dir) / "sim-panel"


@contextlib.contextmanager
def open_room(hw: HardwareConfig, faults: Iterable[str] = (), model: str | None = None,
              time_scale: float | None = None,
              memory_dir: Path | None = None) -> Iterator[RoomDevices]:
    """Open generator and detector as configured (starting the simulator if needed, with its
    panel's memory in ``memory_dir``: :func:`sim_panel_memory`)."""
    if hw.generator not in GENERATOR_DRIVERS:
        raise HardwareError("config", f"unknown generator driver '{hw.generator}'")
    if hw.detector not in DETECTOR_DRIVERS:
        raise HardwareError("config", f"unknown detector driver '{hw.detector}'")
    if hw.generator == "serial" and not hw.generator_url:
        raise HardwareError("config", "generator 'serial' needs generator_url (e.g. /dev/ttyUSB0)")
    faults = [*hw.faults, *faults]
    scale = hw.sim_time_scale if time_scale is None else time_scale
    sim = None
    with contextlib.ExitStack() as stack:
        if needs_builtin_simulator(hw):
            from hardware_sim.simulator import Simulator  # only when the room is simulated

            sim = Simulator(model=model or hw.detector_model, time_scale=scale, faults=faults,
                            memory_dir=str(memory_dir) if memory_dir else None)
            stack.callback(sim.close)
            sim.start()
        gen_url = hw.generator_url or sim.generator_url
        det_url = hw.detector_url or sim.detector_url
        generator = SerialGenerator(gen_url)
        stack.callback(generator.close)
        detector = SimDetector(det_url)
        stack.callback(detector.close)
        if sim is None:  # an external simulator: faults go over its control channel
            for spec in faults:
                detector.request("fault", spec=spec)
        yield RoomDevices(generator, detector, sim, model or hw.detector_model)

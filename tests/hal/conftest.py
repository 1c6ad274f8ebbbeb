"""A running simulated room (small test panel, fast timing) and a configuration that points at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware_sim.simulator import Simulator
from tests.hal.helpers import TIME_SCALE
from vxacq.config import Config, HardwareConfig, StationConfig


@pytest.fixture
def sim() -> Iterator[Simulator]:
    simulator = Simulator(model="DRTEST", time_scale=TIME_SCALE, seed=1).start()
    yield simulator
    simulator.close()


@pytest.fixture
def room_config(sim: Simulator, tmp_path: Path) -> Config:
    return Config(station=StationConfig(data_dir=str(tmp_path / "data")),
                  hardware=HardwareConfig(generator_url=sim.generator_url,
                                          detector_url=sim.detector_url,
                                          detector_model="DRTEST"))

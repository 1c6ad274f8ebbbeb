"""``vxacq demo``: the console on the simulator with a local demo department (``make demo``).

Starts the simulated X-ray room and the demo department of ``hardware_sim.department`` (a
worklist with about twenty orders, an MPPS receiver, an archive with storage commitment and a
printer) on loopback, then the console connected to them; when the window closes, everything
the demo started is stopped. The demo keeps its own configuration and data under ``--dir``
(default ``.demo`` in the current folder), so it never touches a real station's configuration
or exam database. The simulated detector is calibrated on first use.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from vxacq import config as configuration
from vxacq.config import Config, HardwareConfig, StationConfig

log = logging.getLogger(__name__)

# The demo department listens on these loopback ports (the console on DEMO_CONSOLE_PORT).
DEMO_PORTS = {"ris": 11120, "pacs": 11121, "printer": 11122}
DEMO_CONSOLE_PORT = 11119
DEMO_DETECTOR = "DR4343"


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("demo", help="start the console with a local demo department")
    parser.add_argument("--dir", default=".demo",
                        help="folder for the demo's configuration and data")
    parser.set_defaults(run=run)


def department(folder: Path, config: Config):
    """The demo department for this demo station (not started)."""
    from hardware_sim.department import DemoDepartment

    return DemoDepartment(folder / "department", config.station.ae_title,
                          config.station.listen_port, ris_port=DEMO_PORTS["ris"],
                          pacs_port=DEMO_PORTS["pacs"], printer_port=DEMO_PORTS["printer"],
                          detector_model=config.hardware.detector_model,
                          time_scale=config.hardware.sim_time_scale)


def demo_config(folder: Path) -> Config:
    """The demo station's configuration, written on first use and reused after."""
    path = (folder / "vxacq.toml").resolve()
    if path.exists():
        return configuration.load(path)
    config = Config(
        station=StationConfig(ae_title="VXACQ_DEMO", listen_port=DEMO_CONSOLE_PORT,
                              station_name="DEMO-DX-1", institution_name="VXacq Demo Hospital",
                              institutional_department_name="Radiology",
                              data_dir=str((folder / "data").resolve())),
        hardware=HardwareConfig(detector_model=DEMO_DETECTOR),
    )
    config.nodes = department(folder, config).nodes()
    configuration.save(config, path)
    return configuration.load(path)


def ensure_calibrated(config: Config) -> None:
    """Calibrate the simulated detector when it has no current calibration (first launch)."""
    from vxacq.cli import main

    args = ["--config", str(config.path)]
    if main([*args, "calibrate", "--status"]) != 0:
        log.info("calibrating the simulated detector (first launch)")
        main([*args, "calibrate"])


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import CommandError, end_of_startup
    from vxacq.ui.app import run_console

    end_of_startup()  # it loads no configuration through vxacq.cli
    folder = Path(args.dir)
    try:
        config = demo_config(folder)
    except configuration.ConfigError as exc:
        raise CommandError(f"{exc} (delete the demo folder to start afresh)", 2) from None
    ensure_calibrated(config)
    dept = department(folder, config)
    try:
        dept.start()
    except OSError as exc:
        ports = ", ".join(map(str, DEMO_PORTS.values()))
        raise CommandError(f"the demo department cannot start: {exc} (is another demo "
                           f"running? it uses ports {ports})") from None
    try:
        return run_console(dept.console_config(config))
    finally:
        dept.stop()

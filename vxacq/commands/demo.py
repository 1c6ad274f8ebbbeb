"""``vxacq demo``: the console on the simulator with a local demo department (``make demo``).

The demo keeps its own configuration and data under ``--dir`` (default ``.demo`` in the current
folder), so it never touches a real station's configuration or exam database.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vxacq import config as configuration
from vxacq.config import Config, NodeConfig, StationConfig

# The demo department listens on these loopback ports.
DEMO_NODES = (
    NodeConfig(name="ris", ae_title="DEMO_RIS", host="127.0.0.1", port=11120,
               services=["worklist", "mpps"]),
    NodeConfig(name="pacs", ae_title="DEMO_PACS", host="127.0.0.1", port=11121,
               services=["store", "commitment", "query"]),
    NodeConfig(name="printer", ae_title="DEMO_PRINT", host="127.0.0.1", port=11122,
               services=["print"]),
)


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("demo", help="start the console with a local demo department")
    parser.add_argument("--dir", default=".demo", help="folder for the demo's configuration and data")
    parser.set_defaults(run=run)


def demo_config(folder: Path) -> Config:
    """The demo station's configuration, written on first use and reused after."""
    path = (folder / "vxacq.toml").resolve()
    if path.exists():
        return configuration.load(path)
    config = Config(
        station=StationConfig(ae_title="VXACQ_DEMO", listen_port=11119, station_name="DEMO-DX-1",
                              institution_name="VXacq Demo Hospital",
                              data_dir=str((folder / "data").resolve())),
        nodes=[NodeConfig(**vars(n)) for n in DEMO_NODES],
    )
    configuration.save(config, path)
    return configuration.load(path)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import CommandError
    from vxacq.ui.app import run_console

    try:
        config = demo_config(Path(args.dir))
    except configuration.ConfigError as exc:
        raise CommandError(f"{exc} (delete the demo folder to start afresh)", 2) from None
    return run_console(config)

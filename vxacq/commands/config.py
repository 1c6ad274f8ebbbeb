"""``vxacq config check|show``: validate the configuration file, or print it as loaded."""

from __future__ import annotations

import argparse

from vxacq import config as configuration
from vxacq.cli import emit, load_config


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("config", help="check or show the configuration")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", parents=[parents["config"], parents["json"]],
        help="validate the configuration (exit 0 and a summary, or exit 2 and the error)",
    )
    check.set_defaults(run=run_check)
    show = actions.add_parser(
        "show", parents=[parents["config"], parents["json"]],
        help="print the configuration with every default filled in",
    )
    show.set_defaults(run=run_show)


def run_check(args: argparse.Namespace) -> int:
    config = load_config(args, logs=False)
    emit(args, {"ok": True, "path": str(config.path), "station": config.station.ae_title,
                "nodes": [n.name for n in config.nodes]}, config.summary())
    return 0


def run_show(args: argparse.Namespace) -> int:
    config = load_config(args, logs=False)
    data = configuration.to_dict(config)
    if args.json:
        emit(args, data, "")
    else:
        import tomli_w

        print(f"# {config.path}\n" + tomli_w.dumps(data), end="")
    return 0

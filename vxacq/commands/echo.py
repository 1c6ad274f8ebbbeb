"""``vxacq echo NODE``: C-ECHO a configured node; the round-trip time, or exactly why not."""

from __future__ import annotations

import argparse

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("echo", parents=[parents["config"], parents["json"]],
                                   help="check a node answers DICOM (C-ECHO; a DICOMweb node: a QIDO-RS query)")
    parser.add_argument("node", help="name of a configured node")
    # pixels=False: no pixel data in a C-ECHO or a QIDO-RS answer; the `vxacq echo` process
    # does without pydicom's pixel codecs and numpy (vxacq.dicom.no_pixels)
    parser.set_defaults(run=run, pixels=False)


def run(args: argparse.Namespace) -> int:
    # vxacq.net.echo, not workflow.station.echo_node (which calls it): the station module
    # brings the database and the imaging chain, which an echo does not need.
    from vxacq.net.echo import echo

    config = cli.load_config(args)
    node = cli.node_for(config, args.node)
    result = echo(config, node)
    if not result.ok and not args.json:
        raise CommandError(result.message, EXIT_FAILED)
    emit(args, result.to_dict(), result.describe())
    return EXIT_OK if result.ok else EXIT_FAILED

"""``vxacq print NODE FILE... [--film-size SIZE] [--layout 'STANDARD\\C,R']``: print images on a
DICOM printer through the outbox.

The files become one queued PRINT job (film size and layout from the node's print options
unless given here), and this process makes the first attempt; a printer that is busy or
unreachable leaves the job queued for the console or ``vxacq serve``.
"""

from __future__ import annotations

import argparse
import getpass
import os

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.config import FILM_SIZES


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "print", parents=[parents["config"], parents["json"]],
        help="print images on a DICOM printer (Basic Grayscale Print) through the outbox",
    )
    parser.add_argument("node", help="name of a configured node with the print service")
    parser.add_argument("files", nargs="+", metavar="FILE", help="DICOM images to print")
    parser.add_argument("--film-size", choices=FILM_SIZES, metavar="SIZE",
                        help=f"film size ({', '.join(FILM_SIZES)}); default: the node's")
    parser.add_argument("--layout", metavar="'STANDARD\\C,R'",
                        help="images per film: STANDARD\\1,1, \\1,2, \\2,1 or \\2,2 "
                        "(columns,rows); default: the node's")
    parser.add_argument("--label", default="", help="film session label")
    parser.add_argument("--wait", action="store_true",
                        help="keep retrying (per the node's retries) until printed or failed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.db import JobKind, JobState, database_for
    from vxacq.net.outbox import enqueue, send_now
    from vxacq.net.printing import PrintError, print_options, read_images
    from vxacq.security import audit

    # Looked up at call time: tests replace cli.load_config, and a name bound at import would
    # keep whichever function was there when this module was first imported.
    config = cli.load_config(args)
    node = cli.node_for(config, args.node, "print")
    files = [os.path.abspath(f) for f in args.files]
    try:
        print_options(node, film_size=args.film_size, layout=args.layout)
        read_images(files)
    except (PrintError, ValueError) as exc:
        raise CommandError(f"nothing queued: {exc}", EXIT_USAGE) from None
    payload = {"files": files, "label": args.label or config.station.station_name}
    if args.film_size:
        payload["film_size"] = args.film_size
    if args.layout:
        payload["layout"] = args.layout
    db = database_for(config.data_dir)
    try:
        with audit.application_activity(db, "vxacq print", user=getpass.getuser()):
            job_id = enqueue(db, JobKind.PRINT, node.name, payload)
            job = send_now(config, db, job_id, node.name, wait=args.wait, owner="cli-print")
    finally:
        db.close()
    text = job.describe()
    if job.state == JobState.QUEUED:
        text += ("\nThe job stays queued: the console or `vxacq serve` prints it at its next "
                 "attempt; `vxacq queue` shows it.")
    emit(args, job.to_dict(), text)
    return EXIT_OK if job.state == JobState.DONE else EXIT_FAILED

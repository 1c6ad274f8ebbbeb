"""``vxacq store NODE FILE... [--wait]``: send DICOM files to a node through the outbox.

The files become one queued STORE job (written before anything is sent), then this process
makes the first attempt. With ``--wait`` it keeps going through the node's retries until the
job is done or failed; without, a job the node refused for now stays queued for the console
or ``vxacq serve`` to send, and ``vxacq queue`` shows it.
"""

from __future__ import annotations

import argparse
import getpass

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "store", parents=[parents["config"], parents["json"]],
        help="send DICOM files to a node (C-STORE) through the outbox",
    )
    parser.add_argument("node", help="name of a configured node with the store service")
    parser.add_argument("files", nargs="+", metavar="FILE", help="DICOM files to send")
    parser.add_argument("--wait", action="store_true",
                        help="keep retrying (per the node's retries) until the job is done or failed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.db import JobState, database_for
    from vxacq.net.outbox import send_now
    from vxacq.net.store import StoreFileError, enqueue_store
    from vxacq.security import audit

    config = cli.load_config(args)
    node = cli.node_for(config, args.node, "store")
    db = database_for(config.data_dir)
    try:
        with audit.application_activity(db, "vxacq store", user=getpass.getuser()):
            try:
                job_id = enqueue_store(db, node.name, args.files)
            except StoreFileError as exc:
                raise CommandError(f"nothing queued: {exc}", EXIT_USAGE) from None
            job = send_now(config, db, job_id, node.name, wait=args.wait, owner="cli-store")
    finally:
        db.close()
    text = job.describe()
    if job.state == JobState.QUEUED:
        text += ("\nThe job stays queued: the console or `vxacq serve` sends it at its next "
                 "attempt; `vxacq queue` shows it, `vxacq store --wait` waits for it.")
    emit(args, job.to_dict(), text)
    return EXIT_OK if job.state == JobState.DONE else EXIT_FAILED

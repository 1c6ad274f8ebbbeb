"""``vxacq commit NODE FILE... [--wait SECONDS]``: ask a node to commit stored instances
(Storage Commitment Push Model) through the outbox, and show what it answered.

The request is a queued COMMITMENT job, tried once here. The node may report on the same
association (within the node's ``commitment_wait_seconds``) or later on a new one to our
listener: this command runs the listener itself while it works and, with ``--wait``, that
much longer (unless the console or ``vxacq serve`` already holds the port — then that one
records the report in the same database, which is watched here).
"""

from __future__ import annotations

import argparse
import getpass
import os

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "commit", parents=[parents["config"], parents["json"]],
        help="ask a node to commit stored instances (storage commitment) and show the result",
    )
    parser.add_argument("node", help="name of a configured node with the commitment service")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="DICOM files already stored on the node")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for the node's report (default: only while the "
                        "request's association is open)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.db import CommitmentState, JobKind, JobState, database_for
    from vxacq.net import commitment
    from vxacq.net.listener import Listener
    from vxacq.net.outbox import Outbox, enqueue, get_job
    from vxacq.net.store import StoreFileError
    from vxacq.security import audit

    # Looked up at call time: tests replace cli.load_config, and a name bound at import would
    # keep whichever function was there when this module was first imported.
    config = cli.load_config(args)
    node = cli.node_for(config, args.node, "commitment")
    if args.wait < 0:
        raise CommandError("--wait must not be negative", EXIT_USAGE)
    files = [os.path.abspath(f) for f in args.files]
    try:
        instances = commitment.instances_from_files(files)
    except StoreFileError as exc:
        raise CommandError(f"nothing asked: {exc}", EXIT_USAGE) from None
    db = database_for(config.data_dir)
    commitment.expire_overdue(config, db)
    listener = None
    note = ""
    audit.record(db, "application start", user=getpass.getuser(), detail="vxacq commit")
    try:
        # A node may report on a new association at once (Orthanc does): listen from the start.
        listener = Listener(config, **commitment.listener_options(config, db))
        status = listener.start()
        if not status.running:
            note = (f"\nOur listener was not started here ({status.error}); a report on a "
                    "new association is recorded by whichever process holds the port.")
        job_id = enqueue(db, JobKind.COMMITMENT, node.name,
                         {"instances": [list(i) for i in instances], "files": files})
        Outbox(config, db, owner="cli-commit", nodes=[node.name]).run_once([job_id])
        job = get_job(db, job_id)
        uid = job.payload.get("checkpoint", {}).get("TransactionUID")
        view = None
        if uid and job.state == JobState.DONE:
            view = commitment.wait_for_report(db, uid, args.wait)
    finally:
        if listener is not None:
            listener.stop()
        audit.record(db, "application stop", user=getpass.getuser(), detail="vxacq commit")
        db.close()
    result = {"job": job.to_dict(), "commitment": view.to_dict() if view else None}
    if view is None:
        emit(args, result, job.describe())
        return EXIT_FAILED
    text = view.describe()
    if view.state == CommitmentState.PENDING:
        text += ("\nNo report yet: it is recorded when the node sends it to our listener "
                 f"(timed out after {node.commitment_timeout_minutes:g} min)." + note)
    emit(args, result, text)
    if view.state == CommitmentState.COMMITTED:
        return EXIT_OK
    if view.state == CommitmentState.PENDING and args.wait == 0:
        return EXIT_OK  # asked, as requested; the answer comes later
    return EXIT_FAILED

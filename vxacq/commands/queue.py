"""``vxacq queue``: the outbox's jobs (send, commit, print, MPPS); retry or cancel one."""

from __future__ import annotations

import argparse
import getpass

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit

# vxacq.db.JobState's values, spelled out so that building the parser does not import the
# database (tests/test_startup_imports.py checks they agree).
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    common = [parents["config"], parents["json"]]
    parser = subparsers.add_parser("queue", parents=common,
                                   help="list the outbox's jobs; retry or cancel one")
    parser.add_argument("--state", action="append", choices=JOB_STATES,
                        help="only jobs in this state (repeatable)")
    parser.add_argument("--limit", type=int, default=50, help="at most this many, newest first")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    retry = actions.add_parser("retry", parents=common,
                               help="queue a failed, cancelled or done job again, now")
    retry.add_argument("job_id", type=int, metavar="ID")
    retry.set_defaults(run=run_retry)
    cancel = actions.add_parser("cancel", parents=common,
                                help="cancel a queued, running or failed job")
    cancel.add_argument("job_id", type=int, metavar="ID")
    cancel.set_defaults(run=run_cancel)


def run_list(args: argparse.Namespace) -> int:
    from vxacq.db import database_for
    from vxacq.workflow import station

    config = cli.load_config(args)
    db = database_for(config.data_dir)
    try:
        rows = station.list_jobs(config, db, "all", states=args.state, limit=args.limit)
    finally:
        db.close()
    text = "\n".join(r.job.describe() + ("" if r.node_known or r.job.finished
                                         else f" — {r.error}") for r in rows) or "no jobs"
    emit(args, [r.to_dict() for r in rows], text)
    return EXIT_OK


def run_retry(args: argparse.Namespace) -> int:
    from vxacq.workflow import station

    return _change(args, lambda config, db, job_id, user: station.retry_job(
        config, db, job_id, user=user))


def run_cancel(args: argparse.Namespace) -> int:
    from vxacq.workflow import station

    return _change(args, lambda config, db, job_id, user: station.cancel_job(
        db, job_id, user=user))


def _change(args: argparse.Namespace, action) -> int:
    from vxacq.db import database_for
    from vxacq.security import audit
    from vxacq.workflow import station

    config = cli.load_config(args)
    db = database_for(config.data_dir)
    try:
        with audit.application_activity(db, f"vxacq queue {args.action}",
                                        user=getpass.getuser()):
            outcome = action(config, db, args.job_id, getpass.getuser())
    except station.JobError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    finally:
        db.close()
    emit(args, outcome.job.to_dict(), f"{outcome.message}\n{outcome.job.describe()}")
    return EXIT_OK

"""``vxacq reconcile STUDY ACCESSION``: tie an unscheduled (emergency) exam to the order that
arrived for it (see :mod:`vxacq.workflow.reconcile`); ``--list`` shows the exams waiting."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "reconcile", parents=[parents["config"], parents["json"]],
        help="tie an unscheduled (emergency) exam to its order: correct and re-send its "
             "images and dose report, and report it to the RIS under the order (MPPS)")
    parser.add_argument("study", nargs="?", type=int, metavar="STUDY",
                        help="the exam's study number (see --list)")
    parser.add_argument("accession", nargs="?", metavar="ACCESSION",
                        help="the order's Accession Number (asked of the worklist when it is "
                             "not in the exam database yet)")
    parser.add_argument("--list", action="store_true",
                        help="list the unscheduled exams that can be reconciled")
    parser.add_argument("--operator", default="", help="who reconciles (for the audit trail)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="S",
                        help="send now and wait up to S seconds for the jobs (default: leave "
                             "them queued for `vxacq serve` or the console)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.net.association import DicomNetworkError
    from vxacq.workflow.reconcile import ReconcileError, reconcile, unscheduled_exams
    from vxacq.workflow.runtime import Services, fetch_order, wait_for_jobs

    config = load_config(args)
    db = database_for(config.data_dir)
    try:
        if args.list:
            exams = unscheduled_exams(db)
            emit(args, [e.__dict__ for e in exams], "\n".join(
                f"{e.study_id:6} {e.state:6} {e.StudyDate} {e.StudyTime[:4]} {e.PatientID:28} "
                f"{e.PatientName} ({e.images} image(s))" for e in exams)
                or "no unscheduled exam")
            return EXIT_OK
        if args.study is None or not args.accession:
            raise CommandError("give the exam's STUDY number and the order's ACCESSION "
                               "(or --list)", EXIT_USAGE)
        try:
            order = fetch_order(config, db, args.accession)
        except DicomNetworkError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        if order is None:
            raise CommandError(f"no active order with accession {args.accession} in the exam "
                               "database or on the worklist", EXIT_FAILED)
        try:
            result = reconcile(config, db, args.study, order.id, operator=args.operator)
        except ReconcileError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        unfinished: list[str] = []
        if args.wait > 0:
            with Services(config, db, application="vxacq reconcile") as services:
                unfinished = wait_for_jobs(db, services.outbox, result.study_id, args.wait)
        doc = {"study_id": result.study_id, "order_id": result.order_id,
               "temporary_id": result.temporary_id, "PatientID": result.PatientID,
               "AccessionNumber": result.AccessionNumber, "files": result.files,
               "jobs": result.jobs, "unfinished": unfinished}
        emit(args, doc, "\n".join([result.describe(), *unfinished]))
        return EXIT_FAILED if unfinished else EXIT_OK
    finally:
        db.close()

"""``vxacq refile STUDY ACCESSION``: move the images of an exam filed under the wrong worklist
entry to the right order (IHE IOCM; see :mod:`vxacq.workflow.refile`)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "refile", parents=[parents["config"], parents["json"]],
        help="move the images of an exam filed under the wrong patient or order to the right "
             "order: new images under the right patient, rejection notes (Incorrect Modality "
             "Worklist Entry) for the wrong ones, MPPS for both")
    parser.add_argument("study", type=int, metavar="STUDY",
                        help="the wrong exam's study number (`vxacq db` / the History)")
    parser.add_argument("accession", metavar="ACCESSION",
                        help="the right order's Accession Number (asked of the worklist when "
                             "it is not in the exam database yet)")
    parser.add_argument("--image", action="append", default=None, metavar="SOP_INSTANCE_UID",
                        help="move only this image (repeat; default: every accepted image)")
    parser.add_argument("--operator", default="", help="who corrects (for the audit trail)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.net.association import DicomNetworkError
    from vxacq.workflow.refile import RefileError, move_to_order
    from vxacq.workflow.rejection import RejectionError, image_id_for
    from vxacq.workflow.runtime import fetch_order

    config = load_config(args)
    db = database_for(config.data_dir)
    try:
        try:
            order = fetch_order(config, db, args.accession)
        except DicomNetworkError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        if order is None:
            raise CommandError(f"no active order with accession {args.accession} in the exam "
                               "database or on the worklist", EXIT_FAILED)
        try:
            images = [image_id_for(db, uid) for uid in args.image] if args.image else None
            result = move_to_order(config, db, args.study, order.id, image_ids=images,
                                   operator=args.operator)
        except (RefileError, RejectionError) as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        doc = {"from_study_id": result.from_study_id, "to_study_id": result.to_study_id,
               "moved": result.moved, "notes": result.notes, "jobs": result.jobs,
               "mpps_unchanged": result.mpps_unchanged}
        emit(args, doc, result.describe())
        return EXIT_OK
    finally:
        db.close()

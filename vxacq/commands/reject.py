"""``vxacq reject SOP_INSTANCE_UID --reason KEY``: withdraw an image that was already sent
(IHE IOCM rejection note to every node it went to; see :mod:`vxacq.workflow.rejection`)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "reject", parents=[parents["config"], parents["json"]],
        help="reject an image already sent to PACS: a rejection note (Key Object Selection) "
             "goes to every node it went to, and the MPPS is corrected while the RIS still "
             "has the step open")
    parser.add_argument("image", metavar="SOP_INSTANCE_UID",
                        help="the image's SOP Instance UID (the tooltip of its row in the History)")
    parser.add_argument("--reason", required=True,
                        help="a reject reason key (`vxacq exam --list-reasons`); its IOCM "
                             "title is in the reasons table")
    parser.add_argument("--operator", default="", help="who rejects (for the audit trail)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="S",
                        help="send now and wait up to S seconds for the jobs (default: leave "
                             "them queued for `vxacq serve` or the console)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.workflow.rejection import RejectionError, image_id_for, reject_sent
    from vxacq.workflow.runtime import Services, wait_for_jobs

    config = load_config(args)
    db = database_for(config.data_dir)
    try:
        try:
            result = reject_sent(config, db, image_id_for(db, args.image), args.reason,
                                 operator=args.operator)
        except RejectionError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        unfinished: list[str] = []
        if args.wait > 0:
            with Services(config, db) as services:
                unfinished = wait_for_jobs(db, services.outbox, result.study_id, args.wait)
        doc = {"SOPInstanceUID": result.SOPInstanceUID, "note": result.note_uid,
               "note_path": result.note_path, "title": result.title.value,
               "store_jobs": result.store_jobs, "mpps_corrected": result.mpps_corrected,
               "mpps_unchanged": result.mpps_unchanged, "unfinished": unfinished}
        emit(args, doc, "\n".join([result.describe(), *unfinished]))
        return EXIT_FAILED if unfinished else EXIT_OK
    finally:
        db.close()

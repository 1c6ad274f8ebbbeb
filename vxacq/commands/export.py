"""``vxacq export --to DIR [--deidentify] (--study UID... | FILE...)``: studies or files
written to a folder or USB stick as a DICOM file set with a DICOMDIR (STD-GEN-USB/CD), see
:mod:`vxacq.workflow.media`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "export", parents=[parents["config"], parents["json"]],
        help="write studies or files to a folder or USB stick as DICOM media with a DICOMDIR "
             "(General Purpose USB/CD profiles), optionally de-identified")
    parser.add_argument("files", nargs="*", metavar="FILE", help="DICOM files to export")
    parser.add_argument("--to", required=True, metavar="DIR",
                        help="an empty folder, or the root of a USB stick")
    parser.add_argument("--study", action="append", default=[], metavar="UID",
                        help="a study of the exam database (its Study Instance UID; repeat): "
                             "its accepted images, presentation states and dose reports")
    parser.add_argument("--deidentify", action="store_true",
                        help="de-identify every object (PS3.15 E.1 Basic Application Level "
                             "Confidentiality Profile, Clean Structured Content Option)")
    parser.add_argument("--operator", default="", help="who exports (for the audit trail)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.workflow.media import MediaError, export_media

    if not args.files and not args.study:
        raise CommandError("name what to export: --study UID or FILE", EXIT_USAGE)
    config = load_config(args)
    db = database_for(config.data_dir)
    try:
        try:
            result = export_media(db, args.to, study_uids=args.study, files=args.files,
                                  deidentify_objects=args.deidentify, operator=args.operator)
        except MediaError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        emit(args, result.__dict__,
             f"{result.files} object(s) of {len(result.studies)} stud(ies) written to "
             f"{result.folder} (DICOMDIR{', de-identified' if result.deidentified else ''})")
        return EXIT_OK
    finally:
        db.close()

"""``vxacq import DIR [--study UID... [--to-pacs NODE]]``: the studies on DICOM media listed,
and the chosen ones stored as priors or sent to a PACS (see :mod:`vxacq.workflow.media`).
The module is not called ``import``: that is a Python keyword."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "import", parents=[parents["config"], parents["json"]],
        help="list the studies on DICOM media (a folder or USB stick with a DICOMDIR); store "
             "the chosen ones as priors or send them to a PACS")
    parser.add_argument("folder", metavar="DIR", help="the media's root (holds DICOMDIR)")
    parser.add_argument("--study", action="append", default=[], metavar="UID",
                        help="import this study (repeat; without it the studies are listed)")
    parser.add_argument("--to-pacs", metavar="NODE", default=None,
                        help="queue the studies to this store node instead of keeping them "
                             "as priors")
    parser.add_argument("--operator", default="", help="who imports (for the audit trail)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.workflow.media import MediaError, import_studies, read_media

    config = load_config(args)
    db = database_for(config.data_dir)
    try:
        try:
            if not args.study:
                studies, problems = read_media(args.folder)
                doc = {"studies": [s.__dict__ for s in studies],
                       "problems": [p.__dict__ for p in problems]}
                lines = [f"{s.StudyDate:8} {s.PatientID:16} {s.PatientName:24} "
                         f"{'/'.join(s.Modalities):10} {len(s.files):3} file(s) "
                         f"{s.StudyDescription}  {s.StudyInstanceUID}" for s in studies]
                lines += [f"not taken: {p.message}" for p in problems]
                emit(args, doc, "\n".join(lines) or "no study on this media")
                return EXIT_FAILED if problems else EXIT_OK
            result = import_studies(config, db, args.folder, args.study, node=args.to_pacs,
                                    operator=args.operator)
        except MediaError as exc:
            raise CommandError(str(exc), EXIT_FAILED) from None
        doc = {"studies": list(result.studies), "stored": list(result.stored),
               "jobs": list(result.jobs), "problems": [p.__dict__ for p in result.problems]}
        text = (f"{len(result.stored)} file(s) stored as priors" if not args.to_pacs
                else f"queued to {args.to_pacs} (job {', '.join(map(str, result.jobs))})")
        emit(args, doc, "\n".join([text, *(f"not taken: {p.message}" for p in result.problems)]))
        return EXIT_FAILED if result.problems else EXIT_OK
    finally:
        db.close()

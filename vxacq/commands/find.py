"""``vxacq find NODE``: Study Root C-FIND at a node (studies; ``--series`` for one study)."""

from __future__ import annotations

import argparse
import getpass
from dataclasses import asdict

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.config import ConfigError
from vxacq.logs import escape


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("find", parents=[parents["config"], parents["json"]],
                                   help="query a node's studies (Study Root C-FIND)")
    parser.add_argument("node", help="name of a configured node")
    parser.add_argument("--patient-id", default="")
    parser.add_argument("--patient-name", default="", help="wildcards * and ? allowed")
    parser.add_argument("--date", default="", metavar="YYYYMMDD|YYYYMMDD-YYYYMMDD",
                        help="study date or range (default: any)")
    parser.add_argument("--accession", default="")
    parser.add_argument("--modality", default="", help="Modalities in Study, e.g. DX")
    parser.add_argument("--series", metavar="STUDY_UID", default="",
                        help="list the series of this study instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.db import database_for
    from vxacq.dicom.query import StudyQuery
    from vxacq.dicom.worklist import parse_dates
    from vxacq.net import query
    from vxacq.net.association import DicomNetworkError
    from vxacq.workflow.priors import record_query

    config = cli.load_config(args)
    try:
        node = config.node(args.node)
        dates = parse_dates(args.date) if args.date else ""
    except (ConfigError, ValueError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    try:
        if args.series:
            series = query.find_series(config, node, args.series)
            # values from the network are escaped: a newline in one forges no line here
            emit(args, {"node": node.name, "series": [asdict(s) for s in series]},
                 "\n".join(f"{s.SeriesNumber:>4} {escape(s.Modality):4} "
                           f"{escape(s.SeriesDescription)} "
                           f"({s.NumberOfSeriesRelatedInstances or '?'} images) "
                           f"{escape(s.SeriesInstanceUID)}" for s in series) or "no series")
            return EXIT_OK
        keys = StudyQuery(PatientID=args.patient_id, PatientName=args.patient_name,
                          StudyDate=dates, AccessionNumber=args.accession,
                          ModalitiesInStudy=args.modality)
        studies = query.find_studies(config, node, keys)
    except DicomNetworkError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    db = database_for(config.data_dir)
    try:
        record_query(db, node, keys, len(studies), user=getpass.getuser())
    finally:
        db.close()
    emit(args, {"node": node.name, "studies": [asdict(s) for s in studies]},
         "\n".join(f"{escape(s.StudyDate)} {escape(s.AccessionNumber):16} "
                   f"{escape(s.PatientID):16} {escape(s.PatientName)} — "
                   f"{escape(s.StudyDescription)} [{escape('/'.join(s.ModalitiesInStudy))}] "
                   f"{escape(s.StudyInstanceUID)}" for s in studies) or "no studies")
    return EXIT_OK

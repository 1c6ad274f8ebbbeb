"""``vxacq worklist [--date ...]``: query every worklist node and save the orders in the exam
database (in the configured data dir)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.logs import escape

if TYPE_CHECKING:
    from vxacq.dicom.worklist import WorklistOrder


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "worklist", parents=[parents["config"], parents["json"]],
        help="fetch the worklist from every worklist node and save it in the exam database")
    parser.add_argument("--date", default="today", metavar="YYYYMMDD|today|YYYYMMDD-YYYYMMDD",
                        help="scheduled date or range (default: today)")
    parser.add_argument("--modality", help="default: DX")
    parser.add_argument("--patient-name", default="", help="match Patient's Name (wildcards * ?)")
    parser.add_argument("--patient-id", default="", help="match Patient ID")
    parser.add_argument("--accession", default="", help="match Accession Number")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.db import database_for
    from vxacq.net import worklist
    from vxacq.net.association import DicomNetworkError

    config = cli.load_config(args)
    nodes = config.nodes_with("worklist")
    if not nodes:
        raise CommandError("no node has the worklist service; add 'worklist' to a node's "
                           "services", EXIT_USAGE)
    try:
        criteria = worklist.criteria_for(config, args.date,
                                         modality=args.modality or worklist.DEFAULT_MODALITY,
                                         PatientName=args.patient_name,
                                         PatientID=args.patient_id,
                                         AccessionNumber=args.accession)
    except ValueError as exc:
        raise CommandError(f"--date: {exc}", EXIT_USAGE) from None
    db = database_for(config.data_dir)
    results, lines, failed = [], [], False
    try:
        for node in nodes:
            try:
                result, saved = worklist.query_and_sync(config, db, node, criteria)
            except DicomNetworkError as exc:
                failed = True
                results.append({"node": node.name, "ok": False, "error": str(exc), "kind": exc.kind})
                lines.append(f"{node.name}: {exc}")
                continue
            results.append({
                "node": node.name, "ok": True, "complete": result.complete,
                "cancelled": result.cancelled, "limited": result.limited,
                "added": saved.added, "updated": saved.updated, "unchanged": saved.unchanged,
                "gone": saved.gone, "problems": result.problems,
                "orders": [_order_dict(o) for o in result.orders],
            })
            lines.append(f"{node.name}: {len(result.orders)} order(s) for {criteria.dates} — "
                         f"{saved.describe()}")
            if result.limited:
                lines.append(f"  stopped at worklist_match_limit ({node.worklist_match_limit}); "
                             "narrow the query")
            # values from the network are escaped: a newline in a name forges no line here
            lines += [f"  {escape(o.ScheduledProcedureStepStartDate)} "
                      f"{escape(o.ScheduledProcedureStepStartTime):6} "
                      f"{escape(o.order.AccessionNumber):16} {escape(o.patient.PatientID):16} "
                      f"{escape(o.patient.PatientName)}" for o in result.orders]
            lines += [f"  warning: {escape(p)}" for p in result.problems]
    finally:
        db.close()
    emit(args, {"date": criteria.dates, "nodes": results}, "\n".join(lines))
    return EXIT_FAILED if failed else EXIT_OK


def _order_dict(o: WorklistOrder) -> dict[str, object]:
    return {
        "PatientName": o.patient.PatientName, "PatientID": o.patient.PatientID,
        "AccessionNumber": o.order.AccessionNumber,
        "RequestedProcedureID": o.order.RequestedProcedureID,
        "ScheduledProcedureStepID": o.order.ScheduledProcedureStepID,
        "ScheduledProcedureStepDescription": o.order.ScheduledProcedureStepDescription,
        "ScheduledProcedureStepStartDate": o.ScheduledProcedureStepStartDate,
        "ScheduledProcedureStepStartTime": o.ScheduledProcedureStepStartTime,
        "Modality": o.Modality, "ScheduledStationAETitle": o.ScheduledStationAETitle,
        "StudyInstanceUID": o.order.StudyInstanceUID,
        "SpecificCharacterSet": o.order.SpecificCharacterSet, "problems": o.problems,
    }

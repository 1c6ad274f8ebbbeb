"""``vxacq exam``: a whole exam without the window, for scripted checks.

Selects the order by accession (asking the worklist nodes when the database lacks it), starts
the exam (MPPS IN PROGRESS), exposes each ``--protocol`` on the configured hardware, accepts
every image, closes (MPPS COMPLETED), and waits for the outbox to send the images and dose
report and for the archive's storage commitment. Prints per image whether each node has it
(sent) and has committed to keep it, then the exam summary (each exposure's delivered technique,
DAP and exposure indices; the exam's DAP total). Exit 0 when everything was sent and committed; 1 when
something is left (it stays queued and is sent later); 2 for usage errors.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "exam", parents=[parents["config"], parents["json"]],
        help="run a whole exam headless: order, exposures, accept, close, send, commit")
    parser.add_argument("--accession", metavar="ACC", help="the order's Accession Number")
    parser.add_argument("--protocol", action="append", default=[], metavar="ID",
                        help="protocol to expose (repeat for several, in order)")
    parser.add_argument("--laterality", choices=("L", "R"),
                        help="side for protocols of paired body parts (default: the order's)")
    parser.add_argument("--operator", default="", help="Operators' Name, DICOM PN form")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="S",
                        help="seconds to wait for sending and commitment (default 120)")
    parser.add_argument("--confirm-dose", default="", metavar="REASON",
                        help="confirm any dose notification (an exposure past a reference "
                             "level) with this reason, recorded with the exam and audited; "
                             "without it such an exposure is refused")
    parser.add_argument("--list-reasons", action="store_true",
                        help="list the reject reasons (CID 7011 and local) and exit")
    parser.set_defaults(run=run)


def _status_text(run) -> str:
    lines = [f"study {run.StudyInstanceUID}: MPPS {run.status}"]
    for status in run.per_image:
        where = ", ".join(
            f"{node} {word}" + (f", {run_word}" if (run_word := _commit(status, node)) else "")
            for node, word in status.sent.items()) or "not sent"
        lines.append(f"  {status.SOPInstanceUID} ({status.state}): {where}")
    lines += [f"  not finished: {w}" for w in run.unfinished]
    return "\n".join(lines)


def _commit(status, node: str) -> str:
    word = status.committed.get(node)
    return f"commitment {word}" if word else ""


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit, load_config
    from vxacq.db import database_for
    from vxacq.net.association import DicomNetworkError
    from vxacq.workflow.dose import exam_summary, summary_text
    from vxacq.workflow.exam import ExamError
    from vxacq.workflow.reasons import reject_reasons
    from vxacq.workflow.runtime import Services, run_exam

    if args.list_reasons:
        reasons = reject_reasons()
        emit(args, [{"key": r.key, "value": r.code.value, "scheme": r.code.scheme_designator,
                     "meaning": r.code.meaning, "local": r.local} for r in reasons],
             "\n".join(f"{r.key}: {r.code.meaning}" + (" (local)" if r.local else "")
                       for r in reasons))
        return EXIT_OK
    if not args.accession or not args.protocol:
        raise CommandError("--accession and at least one --protocol are required", EXIT_USAGE)
    config = load_config(args)
    db = database_for(config.data_dir)
    services = Services(config, db, application="vxacq exam").start()
    try:
        result = run_exam(config, db, services, args.accession, args.protocol,
                          laterality=args.laterality, operator=args.operator,
                          timeout=args.timeout, confirm_dose=args.confirm_dose)
    except (ExamError, DicomNetworkError) as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    finally:
        services.stop()
    summary = exam_summary(db, result.study_id, config.imaging.di_warning,
                           config.imaging.di_alarm)
    doc = {
        "study_id": result.study_id, "StudyInstanceUID": result.StudyInstanceUID,
        "status": result.status, "dose_report": result.dose_report, "jobs": result.jobs,
        "images": [{"SOPInstanceUID": s.SOPInstanceUID, "SOPClassUID": s.SOPClassUID,
                    "state": s.state, "file": s.file_path, "sent": s.sent,
                    "committed": s.committed} for s in result.per_image],
        "exposures": [{"protocol": i.protocol_id, "SOPInstanceUID": i.SOPInstanceUID,
                       "ei": i.ExposureIndex, "di": i.DeviationIndex, "kv": i.KVP,
                       "mas": i.Exposure} for i in result.images],
        "summary": summary.to_dict(),
        "unfinished": result.unfinished,
    }
    emit(args, doc, _status_text(result) + "\n\n" + summary_text(summary))
    return EXIT_OK if result.ok else EXIT_FAILED

"""``vxacq acquire``: one exposure with an anatomical protocol on the configured hardware.

Starts the built-in simulator when no hardware URL is configured. Writes the raw frame and its
JSON sidecar, then the processed DX or MG image (and with ``--dose-report`` the exposure's
X-Ray Radiation Dose SR) and, with ``--json``, prints the result: ``files`` written, the
technique the generator ``reported``, ``ei``/``ei_t``/``di``, any ``error``. The patient is a QA
patient unless ``--patient-id``/``--patient-name`` say otherwise: scripted checks, not exams.
While an earlier exposure's frame is not stored (a failed transfer left it in the panel) no new
exposure is made: ``--recover`` fetches it and stores it as the exposure that made it (into its
exam when it was an exam's, else as this command's QA image), and ``--discard UID --reason``
gives it up, in the audit trail.
"""

from __future__ import annotations

import argparse

from vxacq.hal.faults import FAULTS, parse_fault


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "acquire", parents=[parents["config"], parents["json"]],
        help="make one exposure with a protocol and store the raw frame")
    parser.add_argument("--protocol", metavar="ID", help="protocol id, e.g. CHEST_PA")
    parser.add_argument("--kv", type=float, help="tube voltage (default: the protocol's)")
    parser.add_argument("--mas", type=float, help="current-time product (default: the protocol's)")
    parser.add_argument("--sid", type=float, metavar="MM", help="source-image distance in mm")
    parser.add_argument("--laterality", choices=("L", "R"), help="side, for paired body parts")
    parser.add_argument("--sync", choices=("triggered", "aed"), help="detector sync mode")
    parser.add_argument("--out", metavar="DIR", help="folder for every file written "
                        "(default: <data_dir>/raw and <data_dir>/images)")
    parser.add_argument("--dose-report", action="store_true",
                        help="also write the X-Ray Radiation Dose SR of this exposure")
    parser.add_argument("--fields", action="store_true",
                        help="long-length protocols: also write each field's own image")
    parser.add_argument("--from-field", type=int, default=1, metavar="N",
                        help="long-length protocols: go on from field N (after a failed field; "
                        "the fields before it are not taken again). Needs --sequence")
    parser.add_argument("--sequence", metavar="UID",
                        help="long-length protocols: the sequence a repeat belongs to")
    parser.add_argument("--patient-id", default="QA", help="Patient ID (default QA)")
    parser.add_argument("--patient-name", default="QA^Phantom",
                        help="Patient's Name, DICOM PN form (default QA^Phantom)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[:VALUE]",
                        help="simulator only, for QA: inject " + ", ".join(FAULTS))
    parser.add_argument("--recover", action="store_true",
                        help="fetch the frames the panel kept after a failed transfer and store "
                        "each as the exposure that made it")
    parser.add_argument("--discard", metavar="UID",
                        help="give up the frame of this exposure (lost); needs --reason")
    parser.add_argument("--reason", default="", help="why the frame is discarded (audited)")
    parser.add_argument("--operator", default="", help="who discards, for the audit trail")
    parser.set_defaults(run=run)


def write_dicom(config, protocol, result, args: argparse.Namespace, patient_name: str,
                patient_id: str) -> dict:
    """Process the stored frame and write its image (and dose report); return JSON additions."""
    from pathlib import Path

    from vxacq.hal import rawstore
    from vxacq.imaging.chain import process_exposure
    from vxacq.workflow import acquisition

    raw_folder = Path(result.files[0]).parent
    pixels, sidecar = rawstore.load(raw_folder, result.uid)
    processed, calibration = process_exposure(pixels, sidecar, config,
                                              ei_target=protocol.target_ei)
    ctx = _qa_context(config, protocol, patient_name, patient_id, sidecar)
    folder = Path(args.out) if args.out else Path(config.data_dir) / "images"
    image = acquisition.build_image(protocol, sidecar, processed, ctx)
    files = list(result.files) + [str(acquisition.write(image, folder))]
    if args.dose_report:
        record = acquisition.acquisition_record(protocol, sidecar, processed, image)
        report = acquisition.dose_report(ctx, [record], mammography=protocol.modality == "MG")
        files.append(str(acquisition.write(report, folder)))
    warnings = list(result.warnings)
    if calibration.state != "ok":
        warnings.append(calibration.message)
    return {**processed.exposure.to_dict(), "files": files, "warnings": warnings}


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit, load_config
    from vxacq.hal.exposure import run_exposure
    from vxacq.imaging.calibration import CalibrationError
    from vxacq.protocols import ProtocolError, get

    config = load_config(args)
    if args.discard:
        return _discard(config, args)
    if args.recover:
        return _recover(config, args)
    if not args.protocol:
        raise CommandError("--protocol is required (e.g. --protocol CHEST_PA)", EXIT_USAGE)
    try:
        for spec in args.fault:
            parse_fault(spec)
        protocol = get(args.protocol)
        if not (args.laterality or protocol.laterality):
            raise ValueError(f"{protocol.id} images a paired body part: give --laterality L or R")
        if protocol.long_length:
            return _long_length(config, protocol, args)
        result = run_exposure(config, protocol, kv=args.kv, mas=args.mas, sid_mm=args.sid,
                              out_dir=args.out, faults=tuple(args.fault),
                              sync_mode=args.sync, laterality=args.laterality,
                              context={"PatientID": args.patient_id,
                                       "PatientName": args.patient_name})
    except (ProtocolError, ValueError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    doc = result.as_dict()
    if result.ok:
        try:
            doc.update(write_dicom(config, protocol, result, args, args.patient_name,
                                   args.patient_id))
        except CalibrationError as exc:
            # The exposure itself succeeded and its raw frame is safe; the image can be made
            # from it once the detector is calibrated, so this is a warning, not a failure.
            doc["warnings"].append(f"no image was made: {exc}; the raw frame is kept")
        except (ValueError, OSError) as exc:
            raise CommandError(f"the raw frame is kept ({', '.join(result.files)}) but no image "
                               f"was made: {exc}", EXIT_FAILED) from None
        result.files, result.warnings = doc["files"], doc["warnings"]
    text = _text(result, doc)
    if result.error:
        if args.json:
            emit(args, doc, "")
            import sys

            print(f"vxacq: {result.error['message']}", file=sys.stderr)
            return EXIT_FAILED
        if result.files:
            print(text)
        raise CommandError(result.error["message"], EXIT_FAILED)
    emit(args, doc, text)
    return EXIT_OK


def _text(result, doc: dict) -> str:
    if result.reported:
        r = result.reported
        text = (f"{result.protocol or 'recovered'}: {r['kv']:g} kV {r['mas']:g} mAs "
                f"({r['ma']:g} mA, {r['ms']:g} ms), DAP {r['dap_Gy_cm2']:.4g} Gy·cm²")
    else:
        text = f"{result.protocol or 'recovered'}"
    if "ei" in doc:
        text += f"\n  EI {doc['ei']:.0f}, target {doc['ei_t']:g}, DI {doc['di']:+.1f} ({doc['di_band']})"
    text += "".join(f"\n  wrote {f}" for f in result.files)
    text += "".join(f"\n  warning: {w}" for w in result.warnings)
    return text


def _qa_context(config, protocol, patient_name: str, patient_id: str,
                sidecar: dict | None = None):
    """The QA patient, study and series of a scripted exposure (``sidecar``: its stored
    frame's, whose detector firmware the equipment lists)."""
    import datetime as dt

    from vxacq.dicom.inputs import PatientInfo, SeriesInfo, StudyInfo
    from vxacq.dicom.uids import new_uid
    from vxacq.workflow import acquisition

    now = dt.datetime.now().astimezone()
    return acquisition.ImageContext(
        patient=PatientInfo(PatientName=patient_name, PatientID=patient_id),
        study=StudyInfo(StudyInstanceUID=new_uid(), StudyDate=now.date(), StudyTime=now.time(),
                        StudyID=now.strftime("QA%y%m%d%H%M%S"),
                        StudyDescription=f"QA {protocol.name}"),
        series=SeriesInfo(SeriesInstanceUID=new_uid(), SeriesNumber=1, SeriesDate=now.date(),
                          SeriesTime=now.time(), SeriesDescription=protocol.name,
                          ProtocolName=protocol.name),
        equipment=acquisition.equipment(config, sidecar),
    )


def _long_length(config, protocol, args: argparse.Namespace) -> int:
    """The fields of a long-length protocol as one sequence, then the stitched image. A field
    that fails ends the sequence: the message says how to go on from it alone."""
    from pathlib import Path

    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit
    from vxacq.hal.long_length import run_long_length
    from vxacq.imaging.calibration import CalibrationError
    from vxacq.imaging.stitching import StitchError
    from vxacq.hal import rawstore
    from vxacq.workflow.long_length import sequence_fields, write_long_length

    if args.from_field != 1 and not args.sequence:
        raise CommandError("--from-field needs --sequence UID (the sequence it goes on)",
                           EXIT_USAGE)
    try:
        result = run_long_length(
            config, protocol, first_field=args.from_field - 1, sequence_uid=args.sequence,
            faults=tuple(args.fault), kv=args.kv, mas=args.mas, sid_mm=args.sid,
            out_dir=args.out, sync_mode=args.sync, laterality=args.laterality,
            context={"PatientID": args.patient_id, "PatientName": args.patient_name})
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    doc = {"protocol": protocol.id, "sequence": result.sequence_uid, "planned": result.planned,
           "fields": [f.as_dict() for f in result.fields], "warnings": list(result.warnings),
           "files": [name for f in result.fields for name in f.files]}
    lines = [f"{protocol.id}: fields {result.first_field + 1}–{result.next_field} of "
             f"{result.planned} taken (sequence {result.sequence_uid})"]
    if result.failed is not None:
        doc["failed"] = result.failed.as_dict()
        message = (f"field {result.next_field + 1} of {result.planned} failed: "
                   f"{result.failed.error['message']}. The fields before it are kept; go on "
                   f"from this field alone with --from-field {result.next_field + 1} "
                   f"--sequence {result.sequence_uid}")
        emit(args, doc, "\n".join(lines))
        raise CommandError(message, EXIT_FAILED)
    raw_folder = Path(args.out) if args.out else rawstore.raw_dir(config.data_dir)
    folder = Path(args.out) if args.out else Path(config.data_dir) / "images"
    try:
        fields = sequence_fields(raw_folder, result.sequence_uid)  # a repeat's earlier ones too
        ctx = _qa_context(config, protocol, args.patient_name, args.patient_id)
        output = write_long_length(config, protocol, fields, ctx, folder,
                                   keep_fields=args.fields, dose_report=args.dose_report)
    except (CalibrationError, StitchError, ValueError, OSError) as exc:
        raise CommandError(f"the raw fields are kept ({', '.join(doc['files'])}) but no image "
                           f"was made: {exc}", EXIT_FAILED) from None
    processed = output.image.processed
    doc.update(processed.exposure.to_dict())
    doc["files"] += output.files
    doc["warnings"] += output.warnings
    doc["seams"] = [{"shift_px": list(seam.shift), "correction_mm": seam.correction_mm,
                     "registered": seam.registered} for seam in output.image.geometry.seams]
    lines.append(f"  stitched {processed.pixels.shape[1]}×{processed.pixels.shape[0]}, EI "
                 f"{processed.ei:.0f}, target {processed.ei_t:g}, DI {processed.di:+.1f}")
    lines += [f"  seam {i + 1}: positioner corrected by {seam.correction_mm:+.1f} mm"
              + ("" if seam.registered else " (not registered: nothing to match in the overlap)")
              for i, seam in enumerate(output.image.geometry.seams)]
    lines += [f"  wrote {name}" for name in doc["files"]]
    lines += [f"  warning: {w}" for w in doc["warnings"]]
    emit(args, doc, "\n".join(lines))
    return EXIT_OK


def _recover(config, args: argparse.Namespace) -> int:
    """Every frame left in the panel, stored as its exposure: an exam's into its exam, a QA
    exposure's as its image (as `vxacq acquire` would have written it)."""
    from vxacq.cli import EXIT_FAILED, EXIT_OK, emit
    from vxacq.db import database_for
    from vxacq.imaging.calibration import CalibrationError
    from vxacq.protocols import get
    from vxacq.workflow import recovery

    docs, texts = [], []
    for outcome in recovery.recover(config, database_for(config.data_dir)):
        result = outcome.result
        doc = {**result.as_dict(), "ok": outcome.ok, "message": outcome.message,
               "study_id": outcome.study_id}
        if outcome.ok and outcome.study_id is None and result.protocol and result.reported:
            context = result.context
            try:
                doc.update(write_dicom(config, get(result.protocol), result, args,
                                       context.get("PatientName", args.patient_name),
                                       context.get("PatientID", args.patient_id)))
            except (CalibrationError, ValueError, OSError) as exc:
                doc["warnings"].append(f"the raw frame is kept but no image was made: {exc}")
            result.files, result.warnings = doc["files"], doc["warnings"]
        docs.append(doc)
        texts.append(_text(result, doc) + f"\n  {'recovered' if outcome.ok else 'NOT recovered'}"
                     f": {outcome.message}")
    emit(args, docs, "\n".join(texts))
    return EXIT_OK if all(d["ok"] for d in docs) else EXIT_FAILED


def _discard(config, args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, CommandError, emit
    from vxacq.db import database_for
    from vxacq.workflow import recovery
    from vxacq.workflow.exam_types import ExamError

    try:
        recovery.discard(config, database_for(config.data_dir), args.discard, args.reason,
                         operator=args.operator)
    except ExamError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    emit(args, {"discarded": args.discard, "reason": args.reason},
         f"exposure {args.discard} discarded: {args.reason}")
    return EXIT_OK

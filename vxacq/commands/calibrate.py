"""``vxacq calibrate``: take dark and flat-field frames and store a detector calibration (QA).

``vxacq calibrate --status`` only reports whether the configured detector mode has a current
calibration (exit 1 when it is missing or expired, so a morning check script can act on it).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "calibrate", parents=[parents["config"], parents["json"], parents["login"]],
        help="take dark and flat-field frames and store a detector calibration",
        description="Take dark frames (no exposure) and flat-field frames (uniform RQA5 beam, "
        "no object, no grid) on the configured detector, build offset, gain and defect maps "
        "and store them as the detector's current calibration for the mode.")
    parser.add_argument("--mode", default="default", help="detector mode (default: %(default)s)")
    parser.add_argument("--detector", metavar="MODEL",
                        help="simulated panel model (default: [hardware] detector_model)")
    parser.add_argument("--darks", type=int, default=4, help="dark frames (default: %(default)s)")
    parser.add_argument("--flats", type=int, default=4, help="flat-field frames (default: %(default)s)")
    parser.add_argument("--kerma", type=float, default=20.0,
                        help="flat-field air kerma at the detector centre, µGy (default: %(default)s)")
    parser.add_argument("--status", action="store_true",
                        help="only report the current calibration's state and age")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_USAGE, CommandError, emit, load_config, login
    from vxacq.workflow.calibration import (
        CalibrationError, calibrate, calibration_status, can_calibrate, detector_id,
    )

    config = load_config(args)
    model = args.detector or config.hardware.detector_model
    if args.status:
        try:
            detector = detector_id(model)
            status = calibration_status(config, model=model, mode=args.mode)
        except CalibrationError as exc:
            raise CommandError(str(exc)) from None
        emit(args, {"detector_id": detector, "mode": args.mode, "state": status.state,
                    "created": status.created, "age_days": status.age_days,
                    "message": status.message}, status.message)
        return 0 if status.state == "ok" else EXIT_FAILED

    if args.darks < 1 or args.flats < 1:
        raise CommandError("--darks and --flats must be at least 1", EXIT_USAGE)
    from vxacq.security.roles import Role
    from vxacq.workflow.console import open_database

    db = open_database(config.data_dir)
    who = login(args, config, db, Role.SERVICE, "calibrating the detector")
    if why := can_calibrate(config):
        raise CommandError(f"{why}, or set [hardware] detector = \"simulator\"")
    try:
        calibration, path = calibrate(config, model=model, mode=args.mode, darks=args.darks,
                                      flats=args.flats, kerma_uGy=args.kerma)
        detector = calibration.detector_id
    except CalibrationError as exc:
        raise CommandError(f"calibration failed: {exc}") from None
    except OSError as exc:
        raise CommandError(f"calibration not saved: {exc.strerror} ({exc.filename}); "
                           "the previous calibration stays in use") from None
    from vxacq.security import audit

    audit.record(db, "configuration changed", user=who.audit_user,
                 detail=f"detector {detector} mode '{args.mode}' calibrated")
    summary = {**calibration.summary(), "model": model, "path": str(path)}
    emit(args, summary,
         f"detector {detector} ({model}) mode '{args.mode}' calibrated at "
         f"{calibration.created:%Y-%m-%d %H:%M:%S} UTC: "
         f"{args.darks} dark and {args.flats} flat-field frames at {args.kerma:g} µGy, "
         f"{calibration.defect_count} defect pixels; saved to {path}")
    return 0

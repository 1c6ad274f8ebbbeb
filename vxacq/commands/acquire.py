"""``vxacq acquire``: one exposure with an anatomical protocol on the configured hardware.

Starts the built-in simulator when no hardware URL is configured. Writes the raw frame and its
JSON sidecar (later issues add the processed image and the dose report) and, with ``--json``,
prints the result: ``files`` written, the technique the generator ``reported``, any ``error``.
``--recover`` instead fetches a frame the panel still holds after a failed transfer.
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
    parser.add_argument("--out", metavar="DIR", help="folder for the raw files "
                        "(default: <data_dir>/raw)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[:VALUE]",
                        help="simulator only, for QA: inject " + ", ".join(FAULTS))
    parser.add_argument("--recover", action="store_true",
                        help="fetch and store a frame the panel kept after a failed transfer")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit, load_config
    from vxacq.hal.exposure import recover_frame, run_exposure
    from vxacq.protocols import ProtocolError, get

    config = load_config(args)
    if args.recover:
        result = recover_frame(config, args.out)
    else:
        if not args.protocol:
            raise CommandError("--protocol is required (e.g. --protocol CHEST_PA)", EXIT_USAGE)
        try:
            for spec in args.fault:
                parse_fault(spec)
            protocol = get(args.protocol)
            result = run_exposure(config, protocol, kv=args.kv, mas=args.mas, sid_mm=args.sid,
                                  out_dir=args.out, faults=tuple(args.fault),
                                  sync_mode=args.sync, laterality=args.laterality)
        except (ProtocolError, ValueError) as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    doc = result.as_dict()
    if result.reported:
        r = result.reported
        text = (f"{result.protocol or 'recovered'}: {r['kv']:g} kV {r['mas']:g} mAs "
                f"({r['ma']:g} mA, {r['ms']:g} ms), DAP {r['dap_Gy_cm2']:.4g} Gy·cm²")
    else:
        text = f"{result.protocol or 'recovered'}"
    text += "".join(f"\n  wrote {f}" for f in result.files)
    text += "".join(f"\n  warning: {w}" for w in result.warnings)
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

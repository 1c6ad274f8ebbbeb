"""``vxacq retrieve NODE --study UID``: fetch an earlier study into the priors cache (C-MOVE to
our listener or C-GET, as the node's ``retrieve`` setting says)."""

from __future__ import annotations

import argparse

from vxacq import cli
from vxacq.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.config import ConfigError
from vxacq.logs import escape


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("retrieve", parents=[parents["config"], parents["json"]],
                                   help="retrieve an earlier study into the priors cache "
                                        "(C-MOVE or C-GET)")
    parser.add_argument("node", help="name of a configured node with the query service")
    parser.add_argument("--study", required=True, metavar="UID", help="Study Instance UID")
    parser.add_argument("--patient-id", default="",
                        help="refuse every object that is not this patient's")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq.net.association import DicomNetworkError
    from vxacq.workflow import priors

    config = cli.load_config(args)
    try:
        outcome = priors.retrieve_prior(config, args.node, args.study,
                                        PatientID=args.patient_id)
    except (ConfigError, ValueError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except DicomNetworkError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    folder = priors.cache_dir(config) / args.study
    emit(args, {"node": outcome.node, "study": outcome.StudyInstanceUID,
                "files": [str(p) for p in outcome.files], "completed": outcome.completed,
                "failed": outcome.failed, "warning": outcome.warning,
                "partial": outcome.partial},
         f"{len(outcome.files)} object(s) of study {escape(args.study)} retrieved into "
         f"{folder}" + (f"\n{escape(outcome.partial)}" if outcome.partial else ""))
    return EXIT_OK

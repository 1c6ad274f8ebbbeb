"""``vxacq audit``: the station's local audit trail, with each event's forwarding state."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from vxacq import cli
from vxacq.cli import EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.logs import escape

if TYPE_CHECKING:
    from vxacq.security.audit import EventView

_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "audit", parents=[parents["config"], parents["json"]],
        help="list the audit trail (who did what) and whether each event reached the audit "
             "repository")
    parser.add_argument("--since", metavar="DATE|DURATION", type=since,
                        help="events from this time on: 2026-12-01, 2026-12-01T08:00 (local "
                             "time), or a duration back from now: 30m, 12h, 7d, 2w")
    parser.add_argument("--limit", type=int, default=200,
                        help="at most this many, the newest (default 200; 0 = all)")
    parser.set_defaults(run=run)


def since(value: str) -> datetime:
    """A date, a local date and time, or a duration back from now, as a UTC time."""
    text = value.strip()
    if match := _DURATION.fullmatch(text):
        return datetime.now(timezone.utc) - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is neither a date (2026-12-01, 2026-12-01T08:00) nor a duration "
            "(30m, 12h, 7d, 2w)") from None
    if when.tzinfo is None:
        when = when.astimezone()  # the station's local time
    return when.astimezone(timezone.utc)


def run(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CommandError("--limit must be 0 (all) or more", exit_code=EXIT_USAGE)
    from vxacq.db import database_for
    from vxacq.security import audit

    config = cli.load_config(args)
    db = database_for(config.data_dir)
    try:
        events = audit.list_events(db, since=args.since, limit=args.limit or None)
        waiting, last_error = audit.sender_status(db)
    finally:
        db.close()
    repository = config.audit.repository
    if not repository:
        state = f"not forwarded: no [audit] repository configured ({waiting} event(s) kept)"
    elif last_error:
        state = f"{waiting} event(s) waiting for {repository}: {last_error}"
    else:
        state = f"forwarded to {repository}; {waiting} event(s) waiting"
    lines = [_line(e) for e in events] or ["no audit events"]
    emit(args, {"repository": repository, "waiting": waiting, "last_error": last_error,
                "events": [e.as_dict() for e in events]},
         "\n".join([*lines, escape(state)]))
    return EXIT_OK


def _line(event: EventView) -> str:
    when = event.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    who = event.user or "-"
    study = f" study {event.study_id}" if event.study_id is not None else ""
    detail = f": {event.detail}" if event.detail else ""
    return escape(f"{when} #{event.id} [{event.forwarding}] {who} {event.action}{study}{detail}")

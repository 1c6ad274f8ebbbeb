"""``vxacq report rejects|dose``: reject analysis (TG-305) and exposure-index/DAP monitoring
(TG-116) over the station's database or, with ``--db``, any database with the same tables (a
department's PostgreSQL). Read only: a report never writes to the database it reads."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from vxacq import cli
from vxacq.cli import EXIT_OK, EXIT_USAGE, CommandError, emit
from vxacq.logs import escape

# vxacq.workflow.qa_reports.PERIODS, spelt out so that building the parser imports no database
# (tests/test_startup_imports.py checks they agree)
PERIODS = ("day", "week", "month")


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "report", help="quality reports: reject analysis (AAPM TG-305), exposure index and "
                       "DAP against the reference levels (TG-116)")
    kinds = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    rejects = kinds.add_parser(
        "rejects", parents=[parents["config"], parents["json"]],
        help="reject and repeat rates by reason, protocol, body part, radiographer, room and "
             "period, with the counts behind each rate")
    rejects.add_argument("--period", choices=PERIODS, default="month",
                         help="group the rates by day, ISO week or month (default month)")
    dose = kinds.add_parser(
        "dose", parents=[parents["config"], parents["json"]],
        help="deviation-index bands and DAP (median, 75th percentile) per protocol against "
             "the reference levels")
    for sub, run_it in ((rejects, run_rejects), (dose, run_dose)):
        sub.add_argument("--from", dest="start", metavar="DATE", default="",
                         help="first study date counted, YYYY-MM-DD (default: the first)")
        sub.add_argument("--to", dest="end", metavar="DATE", default="",
                         help="last study date counted, YYYY-MM-DD (default: the last)")
        sub.add_argument("--protocol", default="", help="only this protocol (its id)")
        sub.add_argument("--operator", default="",
                         help="only this radiographer (Operators' Name as stored, Family^Given)")
        sub.add_argument("--room", default="", help="only this room (its station name)")
        sub.add_argument("--csv", action="store_true", help="print one CSV table on stdout")
        sub.add_argument("--html", metavar="FILE", type=Path,
                         help="also write a printable HTML report with the plots to FILE")
        sub.add_argument("--db", metavar="URL", default="",
                         help="read this database instead of the station's own: `department` "
                              "(the [department] database), postgresql://user@host/name, or "
                              "sqlite:///path/to/vxacq.sqlite")
        sub.add_argument("--password-file", metavar="FILE", default="",
                         help="the password of a postgresql:// --db (default: [department] "
                              "password_file when --db is that database)")
        sub.set_defaults(run=run_it)


def run_rejects(args: argparse.Namespace) -> int:
    return _run(args, "rejects")


def run_dose(args: argparse.Namespace) -> int:
    return _run(args, "dose")


def _run(args: argparse.Namespace, kind: str) -> int:
    from vxacq.workflow import qa_html, qa_reports
    from vxacq.workflow.qa_reports import ReportError

    if args.json and args.csv:
        raise CommandError("give --json or --csv, not both", EXIT_USAGE)
    try:
        selection = qa_reports.filters(args.start, args.end, protocol=args.protocol,
                                       operator=args.operator, station=args.room)
    except ReportError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    config = cli.load_config(args)
    engine, source, own = _source(args, config)
    try:
        unnamed = config.station.station_name if own else ""
        if kind == "rejects":
            report: Any = qa_reports.reject_analysis(engine, selection, period=args.period,
                                                     unnamed_station=unnamed)
            parts = (report, None)
        else:
            report = qa_reports.dose_analysis(engine, selection, _levels(config),
                                              unnamed_station=unnamed)
            parts = (None, report)
    except ReportError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except Exception as exc:  # a department database that is down or lacks the tables
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise CommandError(f"the report could not be read from {source}: "
                               f"{escape(str(exc).splitlines()[0])}") from None
        raise
    finally:
        engine.dispose()
    if args.html:
        try:
            qa_html.write(args.html, *parts, source=source)
        except OSError as exc:
            raise CommandError(f"--html {args.html}: cannot be written ({exc.strerror})") \
                from None
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(report.rows())
    else:
        emit(args, report.as_dict(), _text(report, kind))
    if args.html:
        print(f"report written to {args.html}", file=sys.stderr)
    return EXIT_OK


def _source(args: argparse.Namespace, config) -> tuple[Any, str, bool]:
    """The engine to read, what to call it in messages (no password), and whether it is the
    station's own database."""
    if not args.db:
        from vxacq.db import database_for

        db = database_for(config.data_dir)
        return db.engine, str(db.path), True
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from vxacq.workflow.department import (
        CONFIGURED, DepartmentSettingError, report_engine,
    )

    try:
        url = make_url(args.db) if args.db != CONFIGURED else None
        if url is None or url.get_backend_name() in ("postgresql", "postgres"):
            engine, name = report_engine(config, args.db, password_file=args.password_file)
            return engine, name, False
        return create_engine(url), url.render_as_string(hide_password=True), False
    except DepartmentSettingError as exc:
        raise CommandError(f"--db: {escape(str(exc))}", EXIT_USAGE) from None
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise CommandError(f"--db: '{escape(args.db)}' cannot be used as a database URL "
                           f"({escape(str(exc))}); write it as postgresql://user@host/name or "
                           "sqlite:///path/to/vxacq.sqlite", EXIT_USAGE) from None


def _levels(config):
    from vxacq.workflow import reference_levels

    try:
        return reference_levels.load(config.data_dir)
    except reference_levels.ReferenceLevelError as exc:
        print(f"vxacq: {exc}; the shipped reference levels are used", file=sys.stderr)
        return reference_levels.load(None)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _text(report: Any, kind: str) -> str:
    from vxacq.workflow.qa_reports import DI_BANDS

    if kind == "rejects":
        lines = [f"{report.images} images, {report.rejected} rejected "
                 f"({_percent(report.reject_rate.rate)}), {report.repeated} repeated "
                 f"({_percent(report.repeat_rate.rate)})"]
        for group in report.GROUPS:
            rates = report.group(group)
            if rates:
                lines.append(f"{group.replace('_', ' ')}:")
                lines += [f"  {r.key}: {r.count}/{r.total} ({_percent(r.rate)})" for r in rates]
        return "\n".join(map(escape, lines))
    lines = ["deviation index (" + ", ".join(b[0] for b in DI_BANDS) + "):"]
    lines += [f"  {d.protocol}: n={d.n} median={_num(d.median)} "
              + " ".join(str(c) for c in d.counts) for d in report.deviation] or ["  none"]
    lines.append("DAP per exposure (Gy·cm²): median, 75th percentile, reference level:")
    lines += [f"  {d.protocol}: n={d.n} {_num(d.median_Gy_cm2)} {_num(d.p75_Gy_cm2)} "
              f"{_num(d.level_Gy_cm2)}" + (" ABOVE" if d.above_level else "")
              + (f", {d.confirmations} notification(s) confirmed" if d.confirmations else "")
              for d in report.dap] or ["  none"]
    return "\n".join(map(escape, lines))


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"

"""The department database: one PostgreSQL database many consoles publish their exams to.

It holds the same tables as each console's SQLite (``models.py``), made by SQLModel's
``create_all`` on the PostgreSQL engine, plus the department's own indexes. Rows are matched by
what identifies them everywhere, not by the console's ids: a patient by Patient ID and Issuer
of Patient ID, a study, series or performed step by its instance UID, an image by its SOP
Instance UID; foreign keys are remapped to the department's ids. So fifty consoles publish
into one database without clashing, and publishing a study again (after a rejection, a
reconciliation, or a retried job) changes its rows in place: it is idempotent.

What is published: the patient, the study (with the console's Station Name), its performed
steps, series and images (exposure, DAP, EI/DI, accepted or rejected with the reason) and the
dose notifications confirmed in it. Not published: the worklist orders (the department's
study has no order), file paths, jobs, accounts and the audit trail, which stay on the console.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, create_engine, inspect, literal, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlmodel import SQLModel, select

from vxacq.db.models import (
    DoseConfirmation, Image, Order, Patient, PerformedStep, Series, Study,
)

# The tables the department holds (orders only because a study's order_id refers to it).
TABLES: tuple[type[SQLModel], ...] = (Patient, Order, Study, PerformedStep, Series, Image,
                                      DoseConfirmation)
# Console-local values that mean nothing elsewhere.
LOCAL_COLUMNS = {"file_path": "", "raw_path": ""}


class DepartmentError(RuntimeError):
    """The department database cannot be used as configured; the message says why."""


# What the department needs beyond the console's indexes: one patient per identity (concurrent
# publishers meet there), one row per confirmed notification, and the columns the cross-room
# reports filter and group by. (Plain SQL: these must not join the console's table metadata.)
DEPARTMENT_INDEXES: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("ux_dept_patient_identity", "patient", ("PatientID", "IssuerOfPatientID"), True),
    ("ux_dept_dose_confirmation", "dose_confirmation",
     ("study_id", "at", "level_kind", "protocol_id"), True),
    ("ix_dept_study_station", "study", ("StationName",), False),
    ("ix_dept_study_date", "study", ("StudyDate",), False),
    ("ix_dept_series_protocol", "series", ("ProtocolName",), False),
)


def engine_url(url: str, password: str | None = None) -> URL:
    """The SQLAlchemy URL (pg8000 driver) of ``postgresql://user@host[:port]/database`` with
    ``password`` (read by the caller from its password_file through
    :func:`vxacq.security.secrets.read_secret`), else the URL's own."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise DepartmentError(f"'{url}' is not a postgresql:// URL")
    if password is None:
        password = parsed.password
    return parsed.set(drivername="postgresql+pg8000", password=password)


def connect(url: str, *, password: str | None = None, connect_timeout: float = 10.0,
            ssl_context: Any = None) -> Engine:
    """An engine on the department database (nothing is connected until it is used)."""
    target = engine_url(url, password)
    # "" rather than None: a server that asks for a password then refuses the login, saying
    # so, where pg8000 would fail on the missing value
    args: dict[str, Any] = {"timeout": connect_timeout, "password": target.password or ""}
    if ssl_context is not None:
        args["ssl_context"] = ssl_context
    return create_engine(target.set(password=None), connect_args=args, pool_pre_ping=True)


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


_ready: set[str] = set()
_ready_lock = threading.Lock()


def ensure_schema(engine: Engine) -> None:
    """Create the tables and indexes that are missing, and add the columns a newer console
    has and the department's tables do not yet (a newer console publishing into an older
    department). Run once per engine URL and process."""
    key = engine.url.render_as_string(hide_password=True)
    with _ready_lock:
        if key in _ready:
            return
        tables = [t.__table__ for t in TABLES]  # type: ignore[attr-defined]
        with engine.begin() as conn:
            # One publisher at a time makes the schema (fifty consoles may start together).
            conn.execute(text("SELECT pg_advisory_xact_lock(761800001)"))
            SQLModel.metadata.create_all(conn, tables=tables)
            _add_missing_columns(conn, tables)
            for name, table, columns, unique in DEPARTMENT_INDEXES:
                quoted = ", ".join(f'"{c}"' for c in columns)
                conn.execute(text(f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS "
                                  f"{name} ON {table} ({quoted})"))
        _ready.add(key)


def _add_missing_columns(conn: Connection, tables: Iterable[Table]) -> None:
    present = inspect(conn)
    for table in tables:
        have = {c["name"] for c in present.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = column.default.arg if column.default is not None and \
                column.default.is_scalar else None
            clause = ""  # without a plain default the older rows get NULL
            if default is not None:
                value = literal(str(default) if isinstance(default, str) else default)
                clause = " NOT NULL DEFAULT " + str(value.compile(
                    dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'
                              + clause))


# --- publishing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """What one publish wrote (inserted or updated) in the department database."""

    StudyInstanceUID: str
    series: int
    images: int
    dose_confirmations: int

    def describe(self) -> str:
        return (f"study {self.StudyInstanceUID}: {self.series} series, {self.images} "
                f"image(s), {self.dose_confirmations} dose confirmation(s) published")


@dataclass
class StudyRows:
    """One study as the console holds it, read in one session."""

    patient: Patient
    study: Study
    steps: list[PerformedStep]
    series: list[Series]
    images: list[Image]
    confirmations: list[DoseConfirmation]


def read_study(local: Any, study_id: int) -> StudyRows:
    """The study ``study_id`` of the console's database ``local`` (a vxacq.db.Database)."""
    with local.session() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise DepartmentError(f"there is no study {study_id} in the exam database")
        series = list(session.exec(select(Series).where(Series.study_id == study_id)
                                   .order_by(Series.id)).all())
        series_ids = [s.id for s in series]
        images = list(session.exec(select(Image).where(Image.series_id.in_(series_ids))
                                   .order_by(Image.id)).all()) if series_ids else []
        return StudyRows(
            patient=session.get(Patient, study.patient_id), study=study,
            steps=list(session.exec(select(PerformedStep).where(
                PerformedStep.study_id == study_id).order_by(PerformedStep.id)).all()),
            series=series, images=images,
            confirmations=list(session.exec(select(DoseConfirmation).where(
                DoseConfirmation.study_id == study_id).order_by(DoseConfirmation.id)).all()))


def _values(row: SQLModel, **changes: Any) -> dict[str, Any]:
    """The row's columns as the department stores them: without the console's id and paths,
    its foreign keys replaced by ``changes``."""
    table: Table = type(row).__table__  # type: ignore[attr-defined]
    out = {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}
    for name, value in LOCAL_COLUMNS.items():
        if name in out:
            out[name] = value
    out.update(changes)
    return out


def _upsert(conn: Connection, model: type[SQLModel], values: dict[str, Any],
            key: tuple[str, ...]) -> int:
    """Insert or update the row matched by ``key``; return its department id."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in key],
        set_={k: statement.excluded[k] for k in values if k not in key},
    ).returning(table.c.id)
    return int(conn.execute(statement).scalar_one())


def publish_rows(engine: Engine, rows: StudyRows, station_name: str) -> Published:
    """Write one study into the department database in one transaction."""
    ensure_schema(engine)
    with engine.begin() as conn:
        patient_id = _upsert(conn, Patient, _values(rows.patient),
                             ("PatientID", "IssuerOfPatientID"))
        study_id = _upsert(conn, Study, _values(
            rows.study, patient_id=patient_id, order_id=None,
            StationName=rows.study.StationName or station_name), ("StudyInstanceUID",))
        steps = {step.id: _upsert(conn, PerformedStep, _values(step, study_id=study_id),
                                  ("SOPInstanceUID",)) for step in rows.steps}
        series = {s.id: _upsert(conn, Series, _values(
            s, study_id=study_id, performed_step_id=steps.get(s.performed_step_id)),
            ("SeriesInstanceUID",)) for s in rows.series}
        for image in rows.images:
            _upsert(conn, Image, _values(image, series_id=series[image.series_id]),
                    ("SOPInstanceUID",))
        table: Table = DoseConfirmation.__table__  # type: ignore[attr-defined]
        for confirmation in rows.confirmations:
            conn.execute(insert(table).values(**_values(confirmation, study_id=study_id))
                         .on_conflict_do_nothing())
    return Published(rows.study.StudyInstanceUID, len(rows.series), len(rows.images),
                     len(rows.confirmations))


def counts(engine: Engine) -> dict[str, int]:
    """Rows per department table (for `vxacq department status` and tests)."""
    with engine.connect() as conn:
        return {t.__tablename__: int(conn.execute(text(
            f"SELECT count(*) FROM {t.__tablename__}")).scalar_one()) for t in TABLES}



"""Reject analysis (AAPM TG-305) and exposure-index and dose monitoring (TG-116) over the exam
database: the station's own SQLite or a department database on PostgreSQL with the same tables.

Every figure comes with the counts behind it. The queries use only portable SQL (joins,
GROUP BY, EXISTS, string comparison of the DICOM dates); medians and percentiles are taken in
Python, so the same functions answer on SQLite and on PostgreSQL. On PostgreSQL (a department's
year: hundreds of thousands of exposures) the server does more of the work, with the same
results: the reject counts' groupings in one pass (GROUPING SETS), the DI bands and the
quantiles by ``percentile_cont`` (the same linear interpolation as :func:`quantile`).

Definitions (TG-305 §2):

- an *image* is an exposure: every Image row of a DX/MG series (rejection notes and dose
  reports are not); its date is its study's StudyDate, the day the exam was made;
- the *reject rate* of a group is its rejected images over all its images;
- a *repeat* is a rejected image followed, later in the same study, by another image of the same
  protocol and side: the exposure that was made again. The repeat rate is repeats over images.

The exposure index (TG-116, IEC 62494-1): the deviation index of each image in bands
``DI < -3``, ``-3 ≤ DI < -1``, ``-1 ≤ DI ≤ +1``, ``+1 < DI ≤ +3``, ``DI > +3`` with the median. DAP
per protocol: every exposure's DAP (rejected ones too: their dose was given), median and third
quartile against the protocol's per-exposure reference level
(:mod:`vxacq.workflow.reference_levels`), as a DRL survey compares them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, text, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session

from vxacq.db import NOT_EXPOSURES, DoseConfirmation, Image, ImageState, Series, Study
from vxacq.workflow.reference_levels import ReferenceLevels

PERIODS = ("day", "week", "month")
# (label, lower bound, upper bound, lower included, upper included) — TG-116's action levels
DI_BANDS: tuple[tuple[str, float, float, bool, bool], ...] = (
    ("DI < -3", -math.inf, -3.0, False, False),
    ("-3 ≤ DI < -1", -3.0, -1.0, True, False),
    ("-1 ≤ DI ≤ +1", -1.0, 1.0, True, True),
    ("+1 < DI ≤ +3", 1.0, 3.0, False, True),
    ("DI > +3", 3.0, math.inf, False, False),
)
UNKNOWN = "(unknown)"


class ReportError(ValueError):
    """A report asked for with a wrong value; the message names it."""


@dataclass(frozen=True)
class Filters:
    """Which images a report counts. Dates are inclusive (the study's date); protocol is a
    protocol id of this console or a protocol name as stored; empty means any."""

    start: dt.date | None = None
    end: dt.date | None = None
    protocol: str = ""
    operator: str = ""
    station: str = ""


def parse_date(text: str, what: str) -> dt.date | None:
    """A date given as 2026-12-01 (or 20261201); None for ""; ReportError names ``what``."""
    text = text.strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ReportError(f"{what}: '{text}' is not a date; write it as YYYY-MM-DD (e.g. 2026-12-01)")


def filters(start: str = "", end: str = "", *, protocol: str = "", operator: str = "",
            station: str = "") -> Filters:
    """Filters from text as typed (command line, QA page); ReportError for a bad date or a
    period that ends before it starts."""
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first and last and last < first:
        raise ReportError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
    return Filters(first, last, protocol.strip(), operator.strip(), station.strip())


@dataclass(frozen=True)
class Rate:
    """A share with the counts behind it; ``rate`` is None when there is nothing to divide."""

    key: str
    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "count": self.count, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class RejectReport:
    filters: Filters
    period: str
    images: int
    rejected: int
    repeated: int
    by_reason: tuple[Rate, ...]  # rejected for that reason over all images
    by_protocol: tuple[Rate, ...]
    by_body_part: tuple[Rate, ...]
    by_operator: tuple[Rate, ...]
    by_station: tuple[Rate, ...]
    by_period: tuple[Rate, ...]
    repeats_by_protocol: tuple[Rate, ...]

    @property
    def reject_rate(self) -> Rate:
        return Rate("all", self.rejected, self.images)

    @property
    def repeat_rate(self) -> Rate:
        return Rate("all", self.repeated, self.images)

    GROUPS = ("reason", "protocol", "body_part", "operator", "station", "period",
              "repeats_by_protocol")

    def group(self, name: str) -> tuple[Rate, ...]:
        return getattr(self, name if name == "repeats_by_protocol" else f"by_{name}")

    def as_dict(self) -> dict[str, Any]:
        return {"filters": _filters_dict(self.filters), "period": self.period,
                "images": self.images, "rejected": self.rejected, "repeated": self.repeated,
                "reject_rate": self.reject_rate.rate, "repeat_rate": self.repeat_rate.rate,
                **{g: [r.as_dict() for r in self.group(g)] for g in self.GROUPS}}

    def rows(self) -> list[list[Any]]:
        """One table for CSV: group, key, count, total, rate."""
        out: list[list[Any]] = [["group", "key", "count", "total", "rate"],
                                ["rejected", "all", self.rejected, self.images,
                                 _fmt(self.reject_rate.rate)],
                                ["repeated", "all", self.repeated, self.images,
                                 _fmt(self.repeat_rate.rate)]]
        for name in self.GROUPS:
            out += [[name, r.key, r.count, r.total, _fmt(r.rate)] for r in self.group(name)]
        return out


@dataclass(frozen=True)
class DeviationBands:
    """The deviation indices of one protocol's images in TG-116's bands."""

    protocol: str
    counts: tuple[int, ...]  # one per DI_BANDS entry
    median: float | None

    @property
    def n(self) -> int:
        return sum(self.counts)

    def as_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol, "n": self.n, "median": self.median,
                "bands": dict(zip((b[0] for b in DI_BANDS), self.counts))}


@dataclass(frozen=True)
class DapSummary:
    """One protocol's exposures' DAP against its per-exposure reference level (Gy·cm², as the
    DRLs are published; the database keeps dGy·cm²)."""

    protocol: str
    n: int
    median_Gy_cm2: float | None
    p75_Gy_cm2: float | None
    level_Gy_cm2: float | None  # None: no per-exposure level for this protocol
    source: str
    confirmations: int  # dose notifications confirmed before its exposures

    @property
    def above_level(self) -> bool | None:
        """The third quartile passes the level (a DRL survey's review trigger)."""
        if self.level_Gy_cm2 is None or self.p75_Gy_cm2 is None:
            return None
        return self.p75_Gy_cm2 > self.level_Gy_cm2

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "above_level": self.above_level}


@dataclass(frozen=True)
class DoseReport:
    filters: Filters
    deviation: tuple[DeviationBands, ...]
    dap: tuple[DapSummary, ...]
    confirmations: int = 0
    no_index: int = 0  # images without a deviation index (no target EI)
    protocols_without_level: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"filters": _filters_dict(self.filters), "di_bands": [b[0] for b in DI_BANDS],
                "deviation": [d.as_dict() for d in self.deviation],
                "dap": [d.as_dict() for d in self.dap], "confirmations": self.confirmations,
                "images_without_deviation_index": self.no_index}

    def rows(self) -> list[list[Any]]:
        """One table for CSV: per protocol, the DI bands then the DAP figures."""
        dap = {d.protocol: d for d in self.dap}
        head = ["protocol", "di_n", "di_median", *(b[0] for b in DI_BANDS), "dap_n",
                "dap_median_Gy_cm2", "dap_p75_Gy_cm2", "level_Gy_cm2", "p75_above_level",
                "confirmations"]
        out: list[list[Any]] = [head]
        deviation = {d.protocol: d for d in self.deviation}
        for name in sorted(set(dap) | set(deviation)):
            di, d = deviation.get(name), dap.get(name)
            out.append([name, di.n if di else 0, _fmt(di.median if di else None),
                        *(di.counts if di else (0,) * len(DI_BANDS)),
                        d.n if d else 0, _fmt(d.median_Gy_cm2 if d else None),
                        _fmt(d.p75_Gy_cm2 if d else None), _fmt(d.level_Gy_cm2 if d else None),
                        "" if d is None or d.above_level is None else str(d.above_level).lower(),
                        d.confirmations if d else 0])
        return out


# --- the figures -----------------------------------------------------------------------------


def quantile(values: Iterable[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between closest ranks (numpy's default, Excel's
    PERCENTILE.INC); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def band_of(di: float) -> int:
    """The DI_BANDS index a deviation index falls in."""
    for index, (_, low, high, low_in, high_in) in enumerate(DI_BANDS):
        above = di >= low if low_in else di > low
        below = di <= high if high_in else di < high
        if above and below:
            return index
    raise ValueError(f"deviation index {di!r} is not a number")


def period_of(study_date: str, period: str) -> str:
    """The day (2026-12-01), ISO week (2026-W49) or month (2026-12) of a DICOM date."""
    try:
        day = dt.datetime.strptime(study_date, "%Y%m%d").date()
    except ValueError:
        return UNKNOWN
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def reject_analysis(source: Any, selection: Filters = Filters(), *, period: str = "month",
                    unnamed_station: str = "") -> RejectReport:
    """Reject and repeat rates of the images ``selection`` picks, grouped every way TG-305 asks.

    ``source``: an SQLAlchemy Engine or a :class:`vxacq.db.Database`. ``unnamed_station``: the
    room to count studies under whose StationName is empty (made before it was recorded);
    give the station's own name when reading its own database."""
    if period not in PERIODS:
        raise ReportError(f"period '{period}' is not one of {', '.join(PERIODS)}")
    names = _protocol_ids()
    # One row per distinct combination, counted in SQL; every grouping is summed from these.
    later_image = aliased(Image)
    later_series = aliased(Series)
    repeat = select(later_image.id).join(later_series, later_image.series_id == later_series.id) \
        .where(later_series.study_id == Series.study_id,
               later_series.ProtocolName == Series.ProtocolName,
               later_series.Laterality == Series.Laterality,
               later_series.Modality.not_in(NOT_EXPOSURES),
               or_(later_image.acquired_at > Image.acquired_at,
                   and_(later_image.acquired_at == Image.acquired_at,
                        later_image.id > Image.id))).exists()
    # Counted in SQL by three small groupings (one would have a row per image of a
    # department's year, every one carried to Python): room × radiographer × reason, protocol ×
    # body part, and study date; every rate is summed from these.
    def counted(*dims: Any, rejected_only: bool = False, study_columns: bool = True) -> list[Any]:
        query = _where(select(*dims, Image.state, func.count(Image.id)), selection, names,
                       unnamed_station, study_columns=study_columns)
        if rejected_only:
            query = query.where(Image.state == ImageState.REJECTED.value, repeat)
        return list(session.execute(query.group_by(*dims, Image.state)).all())

    people_dims = (Study.StationName, Study.OperatorsName, Image.reject_code_meaning)
    protocol_dims = (Series.ProtocolName, Series.BodyPartExamined)
    engine = _engine(source)
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            _in_parallel(session)
            # PostgreSQL counts the three groupings in one pass (GROUPING SETS)
            people, protocols, dates = _grouping_sets(session, _where(
                select(func.grouping(Study.StationName, Series.ProtocolName, Study.StudyDate),
                       *people_dims, *protocol_dims, Study.StudyDate, Image.state,
                       func.count(Image.id)), selection, names, unnamed_station),
                [people_dims, protocol_dims, (Study.StudyDate,)])
        else:
            people = counted(*people_dims)
            protocols = counted(*protocol_dims)
            dates = counted(Study.StudyDate)
        repeats = counted(Series.ProtocolName, rejected_only=True, study_columns=False)
    groups = ("reason", "protocol", "body_part", "operator", "station", "period")
    totals: dict[str, dict[str, int]] = {g: defaultdict(int) for g in groups}
    rejects: dict[str, dict[str, int]] = {g: defaultdict(int) for g in groups}

    def add(keys: dict[str, str], state: str, n: int) -> None:
        for group, key in keys.items():
            totals[group][key] += n
            if state == ImageState.REJECTED.value:
                rejects[group][key] += n

    images = rejected = 0
    for station, operator, reason, state, n in people:
        images += n
        add({"operator": operator or UNKNOWN,
             "station": station or unnamed_station or UNKNOWN}, state, n)
        if state == ImageState.REJECTED.value:
            rejected += n
            rejects["reason"][reason or UNKNOWN] += n
    for protocol, body_part, state, n in protocols:
        add({"protocol": names.get(protocol, protocol) or UNKNOWN,
             "body_part": body_part or UNKNOWN}, state, n)
    for date, state, n in dates:
        add({"period": period_of(date, period)}, state, n)
    repeated_by: dict[str, int] = defaultdict(int)
    for protocol, _, n in repeats:
        repeated_by[names.get(protocol, protocol) or UNKNOWN] += n

    def rates(group: str) -> tuple[Rate, ...]:
        return tuple(Rate(k, rejects[group].get(k, 0), totals[group][k])
                     for k in sorted(totals[group]))

    by_reason = tuple(sorted((Rate(k, n, images) for k, n in rejects["reason"].items()),
                             key=lambda r: (-r.count, r.key)))
    return RejectReport(
        selection, period, images, rejected, sum(repeated_by.values()), by_reason,
        rates("protocol"), rates("body_part"), rates("operator"), rates("station"),
        rates("period"),
        tuple(Rate(k, repeated_by.get(k, 0), totals["protocol"][k])
              for k in sorted(totals["protocol"])))


def _in_parallel(session: Session) -> None:
    """Let PostgreSQL spread this transaction's joins over its parallel workers. A report
    reads most of the department's images; with the default costs the planner keeps the join
    of a year (500,000 rows gathered) in one process, which takes about half again as long."""
    session.execute(text("SET LOCAL parallel_setup_cost = 0"))
    session.execute(text("SET LOCAL parallel_tuple_cost = 0.001"))


def _grouping_sets(session: Session, query: Any, sets: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The rows of ``query`` (grouping bits, every set's columns, state, count) grouped by each
    of ``sets`` (with the state), as one list per set of (its columns, state, count)."""
    query = query.group_by(func.grouping_sets(*(tuple_(*dims, Image.state) for dims in sets)))
    # grouping(first column of each set): its bit is 0 for the rows of that set
    width = [len(dims) for dims in sets]
    starts = [1 + sum(width[:n]) for n in range(len(sets))]
    state_at = 1 + sum(width)
    out: list[list[Any]] = [[] for _ in sets]
    for row in session.execute(query).all():
        bits = int(row[0])
        for n, start in enumerate(starts):
            if not bits & (1 << (len(sets) - 1 - n)):
                out[n].append((*row[start:start + width[n]], row[state_at], row[state_at + 1]))
                break
    return out


def dose_analysis(source: Any, selection: Filters = Filters(),
                  levels: ReferenceLevels | None = None, *,
                  unnamed_station: str = "") -> DoseReport:
    """Deviation-index bands and DAP against the reference levels, per protocol, over the
    images ``selection`` picks (``levels``: the station's, else the shipped ones)."""
    if levels is None:
        from vxacq.workflow.reference_levels import load

        levels = load(None)
    names = _protocol_ids()
    confirmed = select(DoseConfirmation.protocol_id, func.count(DoseConfirmation.id)) \
        .join(Study, DoseConfirmation.study_id == Study.id)
    confirmed = _study_where(confirmed, selection, unnamed_station) \
        .group_by(DoseConfirmation.protocol_id)
    if selection.protocol:  # a protocol id, or a stored name (as _where takes it)
        ids = {pid for name, pid in names.items() if name == selection.protocol}
        confirmed = confirmed.where(DoseConfirmation.protocol_id.in_(ids | {selection.protocol}))
    engine = _engine(source)
    with Session(engine) as session:
        confirmations = {p: n for p, n in session.execute(confirmed).all()}
        figures = None
        if engine.dialect.name == "postgresql":
            _in_parallel(session)
            figures = _dose_figures_on_server(session, selection, names, unnamed_station)
        if figures is None:
            figures = _dose_figures(session, selection, names, unnamed_station)
    deviation_figures, dap_figures, no_index = figures
    bands = [DeviationBands(key, counts, median)
             for key, (counts, median) in sorted(deviation_figures.items())]
    summaries = []
    for key in sorted(set(dap_figures) | set(confirmations)):
        n, median, p75 = dap_figures.get(key, (0, None, None))
        level = levels.for_protocol(key)
        summaries.append(DapSummary(key, n, median, p75, level.exposure_dap_Gy_cm2,
                                    level.source if level.exposure_dap_Gy_cm2 else "",
                                    confirmations.get(key, 0)))
    return DoseReport(selection, tuple(bands), tuple(summaries), sum(confirmations.values()),
                      no_index, tuple(s.protocol for s in summaries if s.level_Gy_cm2 is None))


# per protocol key: (band counts, DI median); (DAP n, median, 75th percentile in Gy·cm²); and
# how many images have no deviation index
DoseFigures = tuple[dict[str, tuple[tuple[int, ...], float | None]],
                    dict[str, tuple[int, float | None, float | None]], int]


def _dose_figures(session: Session, selection: Filters, names: dict[str, str],
                  unnamed_station: str) -> DoseFigures:
    """The figures from every image's values, taken in Python (any database)."""
    query = _where(select(Series.ProtocolName, Image.DeviationIndex,
                          Image.ImageAndFluoroscopyAreaDoseProduct),
                   selection, names, unnamed_station)
    deviations: dict[str, list[float]] = defaultdict(list)
    daps: dict[str, list[float]] = defaultdict(list)
    no_index = 0
    for protocol, di, dap in session.execute(query).all():
        key = names.get(protocol, protocol) or UNKNOWN
        if di is None or not math.isfinite(di):
            no_index += 1
        else:
            deviations[key].append(float(di))
        if dap is not None and math.isfinite(dap):
            daps[key].append(float(dap) / 10.0)  # dGy·cm² → Gy·cm²
    bands = {}
    for key, values in deviations.items():
        counts = [0] * len(DI_BANDS)
        for di in values:
            counts[band_of(di)] += 1
        bands[key] = (tuple(counts), quantile(values, 0.5))
    return (bands, {k: (len(v), quantile(v, 0.5), quantile(v, 0.75)) for k, v in daps.items()},
            no_index)


def _dose_figures_on_server(session: Session, selection: Filters, names: dict[str, str],
                            unnamed_station: str) -> DoseFigures | None:
    """The same figures taken by PostgreSQL (percentile_cont interpolates as
    :func:`quantile` does), so a department's year is not carried to Python row by row;
    None when two stored protocol names count as one protocol (then only all values do)."""
    di = Image.DeviationIndex
    dap = Image.ImageAndFluoroscopyAreaDoseProduct
    # NaN equals NaN in PostgreSQL; the infinities are left out as the Python figures leave them
    not_finite = (float("nan"), float("inf"), float("-inf"))
    finite = and_(di.is_not(None), di.not_in(not_finite))

    def in_band(low: float, high: float, low_in: bool, high_in: bool) -> Any:
        conditions = [finite]
        if math.isfinite(low):
            conditions.append(di >= low if low_in else di > low)
        if math.isfinite(high):
            conditions.append(di <= high if high_in else di < high)
        return func.count(di).filter(and_(*conditions))

    dap_known = and_(dap.is_not(None), dap.not_in(not_finite))
    query = _where(select(
        Series.ProtocolName,
        *(in_band(*band[1:]) for band in DI_BANDS),
        func.percentile_cont(0.5).within_group(di).filter(finite),
        func.count(dap).filter(dap_known),
        func.percentile_cont(0.5).within_group(dap).filter(dap_known),
        func.percentile_cont(0.75).within_group(dap).filter(dap_known),
        func.count(Image.id).filter(~finite)), selection, names, unnamed_station,
        study_columns=False).group_by(Series.ProtocolName)
    rows = session.execute(query).all()
    keys = [names.get(row[0], row[0]) or UNKNOWN for row in rows]
    if len(set(keys)) != len(keys):
        return None
    bands: dict[str, tuple[tuple[int, ...], float | None]] = {}
    daps: dict[str, tuple[int, float | None, float | None]] = {}
    no_index = 0
    width = len(DI_BANDS)
    for key, row in zip(keys, rows):
        counts = tuple(int(n) for n in row[1:1 + width])
        median, n_dap, dap_median, dap_p75, missing = row[1 + width:]
        no_index += int(missing)
        if sum(counts):
            bands[key] = (counts, float(median))
        if n_dap:
            daps[key] = (int(n_dap), float(dap_median) / 10.0, float(dap_p75) / 10.0)
    return bands, daps, no_index


@dataclass(frozen=True)
class Choices:
    """What the filters can pick from: values present in the database."""

    protocols: tuple[str, ...]
    operators: tuple[str, ...]
    stations: tuple[str, ...]


def choices(source: Any, *, unnamed_station: str = "") -> Choices:
    names = _protocol_ids()
    with Session(_engine(source)) as session:
        protocols = session.execute(select(Series.ProtocolName).distinct()
                                    .where(Series.Modality.not_in(NOT_EXPOSURES))).scalars().all()
        operators = session.execute(select(Study.OperatorsName).distinct()).scalars().all()
        stations = session.execute(select(Study.StationName).distinct()).scalars().all()
    return Choices(tuple(sorted({names.get(p, p) for p in protocols if p})),
                   tuple(sorted({o for o in operators if o})),
                   tuple(sorted({s or unnamed_station for s in stations} - {""})))


# --- helpers ---------------------------------------------------------------------------------


def _engine(source: Any) -> Engine:
    engine = getattr(source, "engine", source)
    if not isinstance(engine, Engine):
        raise TypeError(f"a report reads an SQLAlchemy Engine or a Database, not {source!r}")
    return engine


def _protocol_ids() -> dict[str, str]:
    """Stored ProtocolName (the protocol's name) → this console's protocol id."""
    from vxacq.protocols import load

    return {p.name: p.id for p in load().values()}


def _study_where(query: Any, selection: Filters, unnamed_station: str) -> Any:
    if selection.start:
        query = query.where(Study.StudyDate >= selection.start.strftime("%Y%m%d"))
    if selection.end:
        query = query.where(Study.StudyDate <= selection.end.strftime("%Y%m%d"))
    if selection.operator:
        query = query.where(Study.OperatorsName == selection.operator)
    if selection.station:
        if unnamed_station and selection.station == unnamed_station:
            query = query.where(Study.StationName.in_((selection.station, "")))
        else:
            query = query.where(Study.StationName == selection.station)
    return query


def _where(query: Any, selection: Filters, names: dict[str, str], unnamed_station: str, *,
           study_columns: bool = True) -> Any:
    """``query`` over the images ``selection`` picks. ``study_columns=False``: the query reads
    nothing of the study, which is then joined only when the selection filters by it (every
    series has its study: series.study_id is a foreign key, never NULL)."""
    query = query.select_from(Image).join(Series, Image.series_id == Series.id) \
        .where(Series.Modality.not_in(NOT_EXPOSURES))
    if study_columns or any((selection.start, selection.end, selection.operator,
                             selection.station)):
        query = query.join(Study, Series.study_id == Study.id)
    if selection.protocol:
        stored = {name for name, pid in names.items() if pid == selection.protocol}
        query = query.where(Series.ProtocolName.in_(stored | {selection.protocol}))
    return _study_where(query, selection, unnamed_station)


def _filters_dict(selection: Filters) -> dict[str, str]:
    return {"from": selection.start.isoformat() if selection.start else "",
            "to": selection.end.isoformat() if selection.end else "",
            "protocol": selection.protocol, "operator": selection.operator,
            "station": selection.station}


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"

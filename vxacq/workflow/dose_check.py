"""Dose notifications before an exposure, and repeated exposure indices off target.

Before each exposure the exam asks :func:`notices` whether the exposure about to be made would
pass a notification level of :mod:`vxacq.workflow.reference_levels`:

- the protocol's per-exposure level (a national DRL where one is published), by the projected
  DAP of the planned technique;
- the exam level, by the exam's total so far (every exposure, rejected ones too) plus the
  projected DAP.

The projected DAP (:func:`project_dap`) comes from this console's own earlier exposures of the
same protocol: DAP is proportional to mAs and, for one tube and filtration, close to kV², so the
median of DAP / (mAs · kV²) over the protocol's last exposures times the planned mAs · kV² is the
estimate. A protocol never exposed here has no projection: only the exam total already given is
checked then, and the notice says so.

A notice must be confirmed with a reason before the exposure is made
(:class:`DoseNotificationRequired` otherwise); the confirmation is stored with the exam
(table ``dose_confirmation``) and audited ("dose notification confirmed").
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlmodel import select

from vxacq.db import Database, DoseConfirmation, Image, Series
from vxacq.protocols import Protocol
from vxacq.security import audit
from vxacq.workflow.dose import exam_dose
from vxacq.workflow.exam_types import ExamError
from vxacq.workflow.reference_levels import Level

HISTORY = 20  # earlier exposures of the protocol the projection uses
REASON_MAX = 200


@dataclass(frozen=True)
class Projection:
    dap: float | None  # dGy·cm²
    how: str


@dataclass(frozen=True)
class DoseNotice:
    """One notification level the planned exposure would pass. DAP in dGy·cm²."""

    protocol_id: str
    level_kind: str  # "exposure" or "exam"
    projected_dap: float | None
    exam_total_dap: float  # before this exposure
    level_dap: float
    source: str
    estimate: str
    # exposures of the exam that reported no DAP: exam_total_dap leaves them out, so it is a
    # lower bound and the notice says so
    exposures_without_dap: int = 0

    @property
    def after(self) -> float:
        return self.exam_total_dap + (self.projected_dap or 0.0)

    @property
    def text(self) -> str:
        gy = lambda d: f"{d / 10.0:.3g} Gy·cm²"  # noqa: E731 (dGy·cm² shown as the DRLs are)
        projected = "unknown (no earlier exposure of this protocol here)" \
            if self.projected_dap is None else gy(self.projected_dap)
        at_least = "at least " if self.exposures_without_dap else ""
        n = self.exposures_without_dap
        so_far = at_least + gy(self.exam_total_dap) + (
            f" ({n} exposure{'s' if n > 1 else ''} without DAP)" if n else "")
        if self.level_kind == "exposure":
            return (f"{self.protocol_id}: the projected DAP of this exposure, {projected}, passes "
                    f"the exposure notification level {gy(self.level_dap)} ({self.source}); "
                    f"exam total so far {so_far}")
        return (f"{self.protocol_id}: the exam total would reach {at_least}{gy(self.after)} (so "
                f"far {so_far}, this exposure {projected}), passing the exam notification "
                f"level {gy(self.level_dap)} ({self.source})")


class DoseNotificationRequired(ExamError):
    """The exposure would pass a notification level: confirm with a reason to make it."""

    def __init__(self, found: list[DoseNotice]) -> None:
        self.notices = tuple(found)
        super().__init__("; ".join(n.text for n in found)
                         + ". Confirm with a reason to expose (the reason is recorded)")


def project_dap(db: Database, protocol: Protocol, kv: float, mas: float) -> Projection:
    """The DAP (dGy·cm²) the planned kV and mAs are expected to give; see the module text."""
    with db.session() as session:
        rows = session.exec(
            select(Image.ImageAndFluoroscopyAreaDoseProduct, Image.KVP, Image.Exposure)
            .join(Series, Image.series_id == Series.id)
            .where(Series.ProtocolName == protocol.name,
                   Image.ImageAndFluoroscopyAreaDoseProduct.is_not(None),  # type: ignore[union-attr]
                   Image.KVP > 0, Image.Exposure > 0)  # type: ignore[operator]
            .order_by(Image.acquired_at.desc(), Image.id.desc())  # type: ignore[union-attr]
            .limit(HISTORY)).all()
    if not rows:
        return Projection(None, f"no earlier {protocol.id} exposure on this console")
    per = statistics.median(dap / (mas_ * kv_ ** 2) for dap, kv_, mas_ in rows)
    return Projection(per * mas * kv ** 2,
                      f"median DAP/(mAs·kV²) of the last {len(rows)} {protocol.id} exposures "
                      f"× {mas:g} mAs × ({kv:g} kV)²")


def notices(db: Database, level: Level, study_id: int, protocol: Protocol, kv: float,
            mas: float) -> list[DoseNotice]:
    """The notification levels the planned exposure would pass (empty: expose freely)."""
    projection = project_dap(db, protocol, kv, mas)
    dose = exam_dose(db, study_id)
    total, without = dose.total_dap or 0.0, dose.without_dap
    found: list[DoseNotice] = []
    if level.exposure_dap_Gy_cm2 is not None and projection.dap is not None \
            and projection.dap > level.exposure_dap_Gy_cm2 * 10.0:
        found.append(DoseNotice(protocol.id, "exposure", projection.dap, total,
                                level.exposure_dap_Gy_cm2 * 10.0, level.source, projection.how,
                                without))
    exam_level = level.exam_dap_Gy_cm2 * 10.0
    if total + (projection.dap or 0.0) > exam_level:
        found.append(DoseNotice(protocol.id, "exam", projection.dap, total, exam_level,
                                level.source, projection.how, without))
    return found


def clean_reason(reason: str) -> str:
    """The reason as it is stored: one line, printable, not empty, at most REASON_MAX long."""
    text = " ".join("".join(c if c.isprintable() else " " for c in reason or "").split())
    if not text:
        raise ExamError("a dose notification needs a reason to confirm it (e.g. 'patient "
                        "habitus', 'repeat for motion')")
    if len(text) > REASON_MAX:
        raise ExamError(f"the reason is {len(text)} characters long; give at most {REASON_MAX}")
    return text


def confirm(db: Database, study_id: int, found: list[DoseNotice], reason: str, *,
            user: str = "") -> None:
    """Record the radiographer's confirmation of each notice, with the audit event, in one
    transaction."""
    text = clean_reason(reason)
    with db.session() as session:
        for notice in found:
            session.add(DoseConfirmation(
                study_id=study_id, user=user, protocol_id=notice.protocol_id,
                level_kind=notice.level_kind,
                projected_dap=-1.0 if notice.projected_dap is None else notice.projected_dap,
                exam_total_dap=notice.exam_total_dap, level_dap=notice.level_dap,
                estimate=notice.estimate, reason=text))
            audit.record(session, "dose notification confirmed", user=user, study_id=study_id,
                         detail=f"{notice.text}; reason: {text}")


def confirmations(db: Database, study_id: int) -> list[DoseConfirmation]:
    with db.session() as session:
        rows = session.exec(select(DoseConfirmation).where(
            DoseConfirmation.study_id == study_id).order_by(DoseConfirmation.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def ei_off_target(db: Database, level: Level, protocol: Protocol, window: int,
                  outside: int) -> str:
    """A warning when ``outside`` of the protocol's last ``window`` exposures on this console
    have a deviation index outside [di_low, di_high] (AAPM TG-116); "" otherwise."""
    with db.session() as session:
        dis = session.exec(
            select(Image.DeviationIndex).join(Series, Image.series_id == Series.id)
            .where(Series.ProtocolName == protocol.name,
                   Image.DeviationIndex.is_not(None))  # type: ignore[union-attr]
            .order_by(Image.acquired_at.desc(), Image.id.desc())  # type: ignore[union-attr]
            .limit(window)).all()
    off = [d for d in dis if not level.di_low <= d <= level.di_high]
    if len(off) < outside:
        return ""
    return (f"{protocol.id}: the exposure index was off target in {len(off)} of the last "
            f"{len(dis)} exposures (DI outside {level.di_low:g} … {level.di_high:g}); check the "
            "technique, the positioning and the detector calibration")

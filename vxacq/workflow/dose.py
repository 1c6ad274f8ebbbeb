"""The dose and technique of each image of an exam, as the generator reported them.

The values are those of the generator's exposure report (``ExposureResult.reported``), which
the exam writes into the image's row when the exposure is recorded (and the raw frame's
sidecar keeps): delivered kV, mA, ms, mAs and the dose-area product — not the technique that
was asked for. With them, the image chain's exposure indices (EI, EI_T, DI; IEC 62494-1).

:func:`exam_summary` is the exam summary the close dialog, the History and ``vxacq exam`` show:
one row per exposure (protocol, side, accepted/rejected with its reason, partial) with its
dose and technique, and the exam's totals; :func:`summary_text` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from vxacq.db import NOT_EXPOSURES, Database, Image, Series
from vxacq.hal import rawstore
from vxacq.imaging.exposure_index import di_band
from vxacq.workflow import acquisition
from vxacq.workflow.long_length import SEQUENCE_KIND


@dataclass(frozen=True)
class ImageDose:
    image_id: int
    state: str  # acquired, accepted or rejected
    KVP: float | None
    XRayTubeCurrent: float | None  # mA
    ExposureTime: float | None  # ms
    Exposure: float | None  # mAs
    ImageAndFluoroscopyAreaDoseProduct: float | None  # dGy·cm² (the DICOM unit)
    ExposureIndex: float | None
    TargetExposureIndex: float | None
    DeviationIndex: float | None


@dataclass(frozen=True)
class ExamDose:
    images: tuple[ImageDose, ...]

    @property
    def total_dap(self) -> float | None:
        """The exam's dose-area product in dGy·cm², every exposure counted (a rejected image's
        dose was given too); None when no exposure reported one. Only the DAP reported is
        summed: with :attr:`without_dap` above 0 the exam's dose is at least this, and
        wherever the total is shown it must say so (:func:`dap_total_text`)."""
        known = [i.ImageAndFluoroscopyAreaDoseProduct for i in self.images
                 if i.ImageAndFluoroscopyAreaDoseProduct is not None]
        return sum(known) if known else None

    @property
    def without_dap(self) -> int:
        """The exposures whose generator reported no DAP, so missing from :attr:`total_dap`."""
        return sum(i.ImageAndFluoroscopyAreaDoseProduct is None for i in self.images)

    def of(self, image_id: int) -> ImageDose | None:
        return next((i for i in self.images if i.image_id == image_id), None)


def exam_dose(db: Database, study_id: int) -> ExamDose:
    """Every exposure of the study (its images, not its dose report), in acquisition order."""
    with db.session() as session:
        rows = session.exec(
            select(Image).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id, Series.Modality.not_in(NOT_EXPOSURES))
            .order_by(Image.acquired_at, Image.id)).all()
        return ExamDose(tuple(_dose(r) for r in rows))


def raw_notes(raw_path: str) -> tuple[str, int]:
    """From an image's raw, read once: its partial-exposure note ("" when whole) and how many
    exposures it is made of (a long-length sequence's fields, else 1)."""
    try:
        sidecar = rawstore.read_sidecar(Path(raw_path).parent, Path(raw_path).stem)
    except (OSError, ValueError):
        return "", 1
    if sidecar.get("kind") == SEQUENCE_KIND:  # a stitched image is made of whole fields only
        return "", len(sidecar.get("fields") or ()) or 1
    return acquisition.partial_exposure(sidecar), 1


@dataclass(frozen=True)
class ExposureSummary:
    """One exposure of the exam summary: what was taken, what became of it, what it cost."""

    ProtocolName: str
    Laterality: str
    dose: ImageDose
    reject_reason: str  # the reason's meaning, for a rejected image
    partial: str  # "PARTIAL EXPOSURE: ..." when the generator stopped early, else ""
    di_band: str  # "ok", "warning", "alarm" or "none" (no target)

    @property
    def state(self) -> str:
        return self.dose.state


@dataclass(frozen=True)
class ExamSummary:
    exposures: tuple[ExposureSummary, ...]

    @property
    def total_dap(self) -> float | None:
        """dGy·cm², every exposure counted (a rejected image's dose was given too)."""
        return ExamDose(tuple(e.dose for e in self.exposures)).total_dap

    @property
    def without_dap(self) -> int:
        """Exposures without a reported DAP: the total leaves them out (a lower bound)."""
        return ExamDose(tuple(e.dose for e in self.exposures)).without_dap

    @property
    def rejected(self) -> int:
        return sum(e.state == "rejected" for e in self.exposures)

    @property
    def accepted(self) -> int:
        return sum(e.state == "accepted" for e in self.exposures)

    def to_dict(self) -> dict:
        return {"exposures": [{
            "protocol": e.ProtocolName, "laterality": e.Laterality, "state": e.state,
            "reject_reason": e.reject_reason, "partial": e.partial,
            "kv": e.dose.KVP, "ma": e.dose.XRayTubeCurrent, "ms": e.dose.ExposureTime,
            "mas": e.dose.Exposure, "dap_dGy_cm2": e.dose.ImageAndFluoroscopyAreaDoseProduct,
            "ei": e.dose.ExposureIndex, "ei_t": e.dose.TargetExposureIndex,
            "di": e.dose.DeviationIndex, "di_band": e.di_band} for e in self.exposures],
            "count": len(self.exposures), "rejected": self.rejected,
            "total_dap_dGy_cm2": self.total_dap,
            # above 0: the total is a lower bound, these exposures' DAP being unknown
            "exposures_without_dap": self.without_dap}


def exam_summary(db: Database, study_id: int, di_warning: float,
                 di_alarm: float) -> ExamSummary:
    """Every exposure of the study in acquisition order with its protocol, side, state and
    dose; the DI bands by the station's limits (``[imaging] di_warning``/``di_alarm``)."""
    with db.session() as session:
        rows = session.exec(
            select(Image, Series).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id, Series.Modality.not_in(NOT_EXPOSURES))
            .order_by(Image.acquired_at, Image.id)).all()
        exposures = tuple(ExposureSummary(
            series.ProtocolName, series.Laterality, _dose(image),
            image.reject_code_meaning if image.state == "rejected" else "",
            raw_notes(image.raw_path)[0] if image.raw_path else "",
            di_band(image.DeviationIndex, di_warning, di_alarm)
            if image.TargetExposureIndex is not None else "none")
            for image, series in rows)
    return ExamSummary(exposures)


def summary_text(summary: ExamSummary) -> str:
    """The summary as a table of text, for the command line."""
    def number(value: float | None, digits: int = 0) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [f"{'protocol':<24} {'side':<4} {'state':<24} {'kV':>5} {'mA':>6} {'ms':>7} "
             f"{'mAs':>7} {'DAP dGy*cm2':>11} {'EI':>6} {'EI_T':>6} {'DI':>5}  band"]
    for e in summary.exposures:
        d = e.dose
        state = e.state + (f": {e.reject_reason}" if e.reject_reason else "")
        state += ", partial" if e.partial else ""
        di = "-" if d.DeviationIndex is None else f"{d.DeviationIndex:+.1f}"
        lines.append(
            f"{e.ProtocolName:<24} {e.Laterality or '-':<4} {state:<24} {number(d.KVP):>5} "
            f"{number(d.XRayTubeCurrent):>6} {number(d.ExposureTime, 1):>7} "
            f"{number(d.Exposure, 2):>7} {number(d.ImageAndFluoroscopyAreaDoseProduct, 3):>11} "
            f"{number(d.ExposureIndex):>6} {number(d.TargetExposureIndex):>6} {di:>5}  "
            f"{e.di_band}")
    total = dap_total_text(summary.total_dap, summary.without_dap, len(summary.exposures))
    lines.append(f"{len(summary.exposures)} exposures, {summary.rejected} rejected, "
                 f"DAP total {total}")
    return "\n".join(lines)


def dap_total_text(total: float | None, without_dap: int, exposures: int,
                   unit: str = "dGy*cm2") -> str:
    """An exam's DAP total in words that never understate it: a lower bound ("at least")
    with the exposures that reported no DAP named, "unknown" when none reported one."""
    if not without_dap:
        return f"{'-' if total is None else f'{total:.3f}'} {unit}"
    missing = f"{without_dap} of {exposures} exposures without DAP"
    if total is None:
        return f"unknown ({missing})"
    return f">= {total:.3f} {unit} ({missing})"


def _dose(r: Image) -> ImageDose:
    return ImageDose(int(r.id), str(r.state), r.KVP, r.XRayTubeCurrent, r.ExposureTime,
                     r.Exposure, r.ImageAndFluoroscopyAreaDoseProduct, r.ExposureIndex,
                     r.TargetExposureIndex, r.DeviationIndex)

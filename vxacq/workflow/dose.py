"""The dose and technique of each image of an exam, as the generator reported them.

The values are those of the generator's exposure report (``ExposureResult.reported``), which
the exam writes into the image's row when the exposure is recorded (and the raw frame's
sidecar keeps): delivered kV, mA, ms, mAs and the dose-area product — not the technique that
was asked for. With them, the image chain's exposure indices (EI, EI_T, DI; IEC 62494-1).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from vxacq.db import Database, Image, Series


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
        dose was given too); None when no exposure reported one."""
        known = [i.ImageAndFluoroscopyAreaDoseProduct for i in self.images
                 if i.ImageAndFluoroscopyAreaDoseProduct is not None]
        return sum(known) if known else None

    def of(self, image_id: int) -> ImageDose | None:
        return next((i for i in self.images if i.image_id == image_id), None)


def exam_dose(db: Database, study_id: int) -> ExamDose:
    """Every exposure of the study (its images, not its dose report), in acquisition order."""
    with db.session() as session:
        rows = session.exec(
            select(Image).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id, Series.Modality != "SR")
            .order_by(Image.acquired_at, Image.id)).all()
        return ExamDose(tuple(ImageDose(
            int(r.id), str(r.state), r.KVP, r.XRayTubeCurrent, r.ExposureTime, r.Exposure,
            r.ImageAndFluoroscopyAreaDoseProduct, r.ExposureIndex, r.TargetExposureIndex,
            r.DeviationIndex) for r in rows))

"""The MG For Presentation image: one mammographic view of one breast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset
from pydicom.uid import DigitalMammographyXRayImageStorageForPresentation

from vxacq.dicom import codes, modules
from vxacq.dicom.inputs import (
    DetectorInfo,
    EquipmentInfo,
    ExposureInfo,
    ImageInfo,
    OrderInfo,
    PatientInfo,
    PerformedStepInfo,
    SeriesInfo,
    StudyInfo,
)
from vxacq.dicom.projection import build_projection_image
from vxacq.dicom.uids import new_uid

if TYPE_CHECKING:
    from pydicom.sr.coding import Code


def mammo_orientation(view: str, ImageLaterality: str) -> tuple[str, str]:
    """Patient Orientation of an MG view in the usual mammographic display (Mammography Image
    module, IHE Mammo): nipple towards the row direction for a left breast (A), away for a right one (P);
    down is towards the other breast for cranio-caudal views, towards the feet (and the other
    breast) for obliques, towards the feet for laterals. E.g. LCC A\\R, RMLO P\\FL."""
    if ImageLaterality not in ("L", "R"):
        raise ValueError("give native_orientation explicitly for a bilateral (B) mammogram")
    row = "A" if ImageLaterality == "L" else "P"
    other_side = "R" if ImageLaterality == "L" else "L"
    key = view.upper()
    if key in ("CC", "XCCL", "XCCM", "FB"):
        return row, other_side
    if key in ("MLO", "LMO", "SIO", "ISO"):
        return row, "F" + other_side
    return row, "F"


class MGImage(Dataset):
    """Digital Mammography X-Ray Image – For Presentation (PS3.3 A.27.1): the DX modules plus
    Mammography Series and Mammography Image (view and laterality codes, positioner, compression
    force and thickness, anode/filter, organ dose, entrance dose, implant, partial view).

    ``view`` is a key of :data:`codes.MG_VIEWS` (CID 4014), ``view_modifiers`` keys of
    :data:`codes.MG_VIEW_MODIFIERS` (CID 4015). ``ImageLaterality`` is L, R or B.
    ``native_orientation`` defaults to :func:`mammo_orientation`, i.e. a detector frame that is
    already the standard mammographic display; the image's rotation/flip is applied on top.
    ``PartialViewCodes`` are values of :data:`codes.PARTIAL_VIEW_OPTIONS` (CID 4005).
    """

    def __init__(
        self,
        *,
        patient: PatientInfo,
        study: StudyInfo,
        series: SeriesInfo,
        equipment: EquipmentInfo,
        detector: DetectorInfo,
        exposure: ExposureInfo,
        image: ImageInfo,
        view: str,
        ImageLaterality: str,
        BreastImplantPresent: bool = False,
        PartialView: bool = False,
        PartialViewCodes: Sequence[Code] = (),
        view_modifiers: Sequence[str] = (),
        native_orientation: tuple[str, str] | None = None,
        InstanceNumber: int = 1,
        SOPInstanceUID: str | None = None,
        order: OrderInfo | None = None,
        performed_step: PerformedStepInfo | None = None,
    ) -> None:
        super().__init__()
        mg_view = codes.mg_view(view)
        if ImageLaterality not in ("L", "R", "B"):
            raise ValueError(
                f"Image Laterality {ImageLaterality!r}: a mammogram is of the L, R or B breast (PS3.3 C.8.11.7)"
            )
        try:
            modifiers = [codes.MG_VIEW_MODIFIERS[m.upper()] for m in view_modifiers]
        except KeyError as exc:
            raise ValueError(f"view modifier {exc} is not in the CID 4015 table") from None
        if PartialView and not PartialViewCodes:
            raise ValueError(
                "Partial View YES needs Partial View Code Sequence (0028,1352) (PS3.3 C.8.11.7, Type 1C)"
            )
        if exposure.CompressionForce is None or exposure.BodyPartThickness is None:
            raise ValueError(
                "a mammography exposure needs Compression Force (0018,11A2) and Body Part Thickness "
                "(0018,11A0) from the positioner (IHE Mammography Acquisition Workflow)"
            )
        build_projection_image(
            self,
            sop_class=DigitalMammographyXRayImageStorageForPresentation,
            modality="MG",
            SOPInstanceUID=SOPInstanceUID or new_uid(),
            InstanceNumber=InstanceNumber,
            patient=patient,
            study=study,
            series=series,
            equipment=equipment,
            detector=detector,
            exposure=exposure,
            image=image,
            body_part=codes.BREAST,
            ImageLaterality=ImageLaterality,
            view_code=mg_view.code,
            ViewPosition=mg_view.ViewPosition,
            native_orientation=native_orientation or mammo_orientation(view, ImageLaterality),
            view_modifiers=modifiers,
            order=order,
            performed_step=performed_step,
        )
        # Mammography Image module (C.8.11.7)
        self.PositionerType = "MAMMOGRAPHIC"
        self.OrganExposed = "BREAST"
        self.CompressionForce = modules.ds_number(exposure.CompressionForce)
        self.BreastImplantPresent = "YES" if BreastImplantPresent else "NO"
        self.PartialView = "YES" if PartialView else "NO"
        if PartialView:
            self.PartialViewCodeSequence = modules.code_sequence(PartialViewCodes)

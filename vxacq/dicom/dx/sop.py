"""The DX For Presentation image: one exposure of one view, processed for display."""

from __future__ import annotations

from collections.abc import Sequence

from pydicom.dataset import Dataset
from pydicom.uid import DigitalXRayImageStorageForPresentation

from vxacq.dicom import codes
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


class DXImage(Dataset):
    """Digital X-Ray Image Storage – For Presentation (PS3.3 A.26.1), the modules of the VXvue
    Storage SCU table and the DX Positioning, X-Ray Generation/Filtration/Grid, Display Shutter
    and VOI LUT modules.

    ``body_part`` is a key of :data:`codes.BODY_PARTS` (CID 4031 + Body Part Examined), ``view``
    a key of :data:`codes.DX_VIEWS` (CID 4010 + View Position), ``native_orientation`` the
    Patient Orientation of the unrotated detector frame for this view (from the protocol).
    Every input is checked here; a built DXImage is a valid object.
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
        body_part: str,
        view: str,
        ImageLaterality: str,
        native_orientation: tuple[str, str],
        InstanceNumber: int = 1,
        SOPInstanceUID: str | None = None,
        anatomic_region_modifiers: Sequence[str] = (),
        order: OrderInfo | None = None,
        performed_step: PerformedStepInfo | None = None,
    ) -> None:
        super().__init__()
        part = codes.body_part(body_part)
        dx_view = codes.dx_view(view)
        try:
            modifiers = [codes.ANATOMIC_REGION_MODIFIERS[m.upper()] for m in anatomic_region_modifiers]
        except KeyError as exc:
            raise ValueError(f"anatomic region modifier {exc} is not in the CID 2 table") from None
        build_projection_image(
            self,
            sop_class=DigitalXRayImageStorageForPresentation,
            modality="DX",
            SOPInstanceUID=SOPInstanceUID or new_uid(),
            InstanceNumber=InstanceNumber,
            patient=patient,
            study=study,
            series=series,
            equipment=equipment,
            detector=detector,
            exposure=exposure,
            image=image,
            body_part=part,
            ImageLaterality=ImageLaterality,
            view_code=dx_view.code,
            ViewPosition=dx_view.ViewPosition,
            native_orientation=native_orientation,
            anatomic_region_modifiers=modifiers,
            order=order,
            performed_step=performed_step,
        )

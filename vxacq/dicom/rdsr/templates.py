"""The templates of the projection X-ray dose report (PS3.16), one class per TID.

Each template is a list of content items; the root template is a CONTAINER item. Values come
from what the generator reported for each exposure (``ExposureInfo``) and what the image chain
measured (EI, target EI, DI); nothing is estimated here except sums of reported values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from pydicom.dataset import Dataset

from vxacq.dicom import codes
from vxacq.dicom.inputs import Acquisition, EquipmentInfo, ExposureInfo
from vxacq.dicom.rdsr.content import (
    CONTAINS,
    HAS_CONCEPT_MOD,
    HAS_OBS_CONTEXT,
    HAS_PROPERTIES,
    code,
    container,
    datetime_item,
    image,
    num,
    text,
    uidref,
)

# DICOM keeps DAP in dGy·cm² (0018,115E); the dose report in Gy·m² (1 dGy·cm² = 1e-5 Gy·m²).
DGYCM2_TO_GYM2 = 1e-5
# Organ Dose (0040,0316) is in dGy; average glandular dose is reported in mGy.
DGY_TO_MGY = 100.0


class DeviceObserverContext(list[Dataset]):
    """:dcm:`TID 1002 <part16/chapter_A.html#sect_TID_1002>` Observer Context with Observer Type
    Device and :dcm:`TID 1004` Device Observer Identifying Attributes: the console itself."""

    def __init__(self, equipment: EquipmentInfo) -> None:
        super().__init__()
        self.append(code(HAS_OBS_CONTEXT, codes.RDSR.ObserverType, codes.RDSR.Device))
        self.append(uidref(HAS_OBS_CONTEXT, codes.RDSR.DeviceObserverUID, equipment.DeviceUID))
        for concept, value in (
            (codes.RDSR.DeviceObserverName, equipment.StationName),
            (codes.RDSR.DeviceObserverManufacturer, equipment.Manufacturer),
            (codes.RDSR.DeviceObserverModelName, equipment.ManufacturerModelName),
            (codes.RDSR.DeviceObserverSerialNumber, equipment.DeviceSerialNumber),
        ):
            if value:
                self.append(text(HAS_OBS_CONTEXT, concept, value))


class AccumulatedXRayDose(list[Dataset]):
    """:dcm:`TID 10002` Accumulated X-Ray Dose for a single-plane projection system, including
    :dcm:`TID 10004` (acquisition totals) and :dcm:`TID 10007` (projection radiography totals),
    or for mammography :dcm:`TID 10005` (accumulated average glandular dose per breast)."""

    def __init__(self, acquisitions: Sequence[Acquisition], mammography: bool = False) -> None:
        super().__init__()
        if mammography:
            self.append(container(CONTAINS, codes.RDSR.AccumulatedXRayDoseData, [
                code(HAS_CONCEPT_MOD, codes.RDSR.AcquisitionPlane, codes.RDSR.SinglePlane),
                *AccumulatedMammographyXRayDose(acquisitions),
            ]))
            return
        exposures = [a.exposure for a in acquisitions]
        daps = [e.ImageAndFluoroscopyAreaDoseProduct for e in exposures]
        doses = [e.DoseRP for e in exposures]
        dap_total = sum(daps) * DGYCM2_TO_GYM2 if all(d is not None for d in daps) else None
        dose_total = sum(doses) if all(d is not None for d in doses) else None  # type: ignore[arg-type]
        seconds = sum(e.ExposureTimeInms for e in exposures) / 1000.0

        items = [code(HAS_CONCEPT_MOD, codes.RDSR.AcquisitionPlane, codes.RDSR.SinglePlane)]
        # TID 10004: acquisition totals (a DR console has no fluoroscopy)
        if dap_total is not None:
            items.append(num(CONTAINS, codes.RDSR.AcquisitionDoseAreaProductTotal, dap_total, codes.UNITS.GyM2))
        if dose_total is not None:
            items.append(num(CONTAINS, codes.RDSR.AcquisitionDoseRPTotal, dose_total, codes.UNITS.Gy))
        items.append(num(CONTAINS, codes.RDSR.TotalAcquisitionTime, seconds, codes.UNITS.s))
        # TID 10007: projection radiography totals
        if dap_total is not None:
            items.append(num(CONTAINS, codes.RDSR.DoseAreaProductTotal, dap_total, codes.UNITS.GyM2))
        if dose_total is not None:
            items.append(num(CONTAINS, codes.RDSR.DoseRPTotal, dose_total, codes.UNITS.Gy))
        items.append(num(CONTAINS, codes.RDSR.TotalNumberOfRadiographicFrames, len(exposures), codes.UNITS.no_units))
        if dose_total is not None:
            items.append(code(CONTAINS, codes.RDSR.ReferencePointDefinition, codes.RDSR.InDetectorPlane))
        self.append(container(CONTAINS, codes.RDSR.AccumulatedXRayDoseData, items))


class AccumulatedMammographyXRayDose(list[Dataset]):
    """:dcm:`TID 10005` Accumulated Mammography X-Ray Dose: the sum of the reported average
    glandular doses, one value per breast imaged, left out for a breast where any exposure has
    no reported dose (a partial sum would understate it)."""

    def __init__(self, acquisitions: Sequence[Acquisition]) -> None:
        super().__init__()
        by_side: dict[str, list[float | None]] = {}
        for a in acquisitions:
            by_side.setdefault(a.ImageLaterality, []).append(a.exposure.OrganDose)
        for side, doses in by_side.items():
            if side in codes.BREAST_SIDES and all(d is not None for d in doses):
                item = num(CONTAINS, codes.RDSR.AccumulatedAverageGlandularDose,
                           sum(doses) * DGY_TO_MGY, codes.UNITS.mGy)  # type: ignore[arg-type]
                item.ContentSequence = [code(HAS_CONCEPT_MOD, codes.RDSR.Laterality, codes.BREAST_SIDES[side])]
                self.append(item)


class IrradiationEventXRayData(list[Dataset]):
    """:dcm:`TID 10003` Irradiation Event X-Ray Data for one exposure, with :dcm:`TID 10003A`
    (detector: EI, target EI, DI), :dcm:`TID 10003B` (source: kV, mA, ms, µAs, grid, focal spot)
    and :dcm:`TID 10003C` (mechanical: stand/table, angle, SID). A rejected exposure is
    reported too — the patient received the dose — with the reject reason as a comment."""

    def __init__(self, acquisition: Acquisition, mammography: bool = False, tz: tzinfo | None = None) -> None:
        super().__init__()
        a, e = acquisition, acquisition.exposure
        part = codes.body_part(a.body_part)
        view = codes.mg_view(a.view).code if mammography else codes.dx_view(a.view).code
        items = [
            code(HAS_CONCEPT_MOD, codes.RDSR.AcquisitionPlane, codes.RDSR.SinglePlane),
            uidref(CONTAINS, codes.RDSR.IrradiationEventUID, e.IrradiationEventUID),
            datetime_item(CONTAINS, codes.RDSR.DatetimeStarted, e.AcquisitionDateTime, tz),
            code(CONTAINS, codes.RDSR.IrradiationEventType, codes.RDSR.StationaryAcquisition),
        ]
        laterality = (
            [code(HAS_CONCEPT_MOD, codes.RDSR.Laterality, codes.LATERALITY[a.ImageLaterality])]
            if a.ImageLaterality in ("L", "R", "B") else []
        )
        modifiers = codes.MG_VIEW_MODIFIERS if mammography else {}
        items.append(code(CONTAINS, codes.RDSR.ImageView, view, [
            code(HAS_CONCEPT_MOD, codes.RDSR.ImageViewModifier, modifiers[m.upper()]) for m in a.view_modifiers
        ]))
        items.append(code(CONTAINS, codes.RDSR.TargetRegion, part.code, laterality))
        # TID 10003 row 10: Dose Area Product only where the procedure is not mammography.
        if e.ImageAndFluoroscopyAreaDoseProduct is not None and not mammography:
            items.append(num(CONTAINS, codes.RDSR.DoseAreaProduct,
                             e.ImageAndFluoroscopyAreaDoseProduct * DGYCM2_TO_GYM2, codes.UNITS.GyM2))
        # TID 10003 has one Comment: a rejection and a partial exposure share it
        comments = [f"Image rejected: {a.rejected_reason.meaning}"] if a.rejected_reason else []
        comments += [a.comment] if a.comment else []
        if comments:
            items.append(text(CONTAINS, codes.RDSR.Comment, "; ".join(comments)))
        # TID 10003A detector data
        for concept, value in (
            (codes.RDSR.ExposureIndex, a.ExposureIndex),
            (codes.RDSR.TargetExposureIndex, a.TargetExposureIndex),
            (codes.RDSR.DeviationIndex, a.DeviationIndex),
        ):
            if value is not None:
                items.append(num(CONTAINS, concept, value, codes.UNITS.no_units))
        # TID 10003B source data
        if mammography:
            if e.OrganDose is not None:
                items.append(num(CONTAINS, codes.RDSR.AverageGlandularDose, e.OrganDose * DGY_TO_MGY, codes.UNITS.mGy))
            if e.EntranceDoseInmGy is not None:
                # Entrance Dose (0040,8302) is the air kerma at the breast's entrance surface.
                items.append(num(CONTAINS, codes.RDSR.EntranceExposureAtRP, e.EntranceDoseInmGy, codes.UNITS.mGy))
                items.append(code(CONTAINS, codes.RDSR.ReferencePointDefinition, codes.RDSR.AtSurfaceOfPatient))
            if e.HalfValueLayer is not None:
                items.append(num(CONTAINS, codes.RDSR.HalfValueLayer, e.HalfValueLayer, codes.UNITS.mm))
        # TID 10003B row 1: Dose (RP) only where the procedure is not mammography (AGD is its dose).
        if e.DoseRP is not None and not mammography:
            items.append(num(CONTAINS, codes.RDSR.DoseRP, e.DoseRP, codes.UNITS.Gy))
            items.append(code(CONTAINS, codes.RDSR.ReferencePointDefinition, codes.RDSR.InDetectorPlane))
        items.append(num(CONTAINS, codes.RDSR.KVP, e.KVP, codes.UNITS.kV))
        items.append(num(CONTAINS, codes.RDSR.XRayTubeCurrent, e.XRayTubeCurrentInmA, codes.UNITS.mA))
        items.append(num(CONTAINS, codes.RDSR.ExposureTime, e.ExposureTimeInms, codes.UNITS.ms))
        # A radiographic exposure is one pulse (VXvue writes 1 too).
        items.append(num(CONTAINS, codes.RDSR.NumberOfPulses, 1, codes.UNITS.no_units))
        items.append(num(CONTAINS, codes.RDSR.Exposure, e.mAs * 1000.0, codes.UNITS.uAs))
        for spot in e.FocalSpots:
            items.append(num(CONTAINS, codes.RDSR.FocalSpotSize, spot, codes.UNITS.mm))
        if e.AnodeTargetMaterial:
            anode = codes.ANODE_TARGETS.get(e.AnodeTargetMaterial.upper())
            if anode is None:
                raise ValueError(f"anode target '{e.AnodeTargetMaterial}' has no CID 10016 code")
            items.append(code(CONTAINS, codes.RDSR.AnodeTargetMaterial, anode))
        items.extend(_filters(e))
        for term in e.Grid:
            if term.upper() not in codes.GRIDS:
                raise ValueError(f"grid '{term}' has no CID 10017 code; known: {', '.join(codes.GRIDS)}")
            items.append(code(CONTAINS, codes.RDSR.XRayGrid, codes.GRIDS[term.upper()]))
        # TID 10003C mechanical data
        if e.MechanicalConfiguration:
            config = codes.MECHANICAL_CONFIGURATIONS.get(e.MechanicalConfiguration.upper())
            if config is None:
                raise ValueError(
                    f"mechanical configuration '{e.MechanicalConfiguration}' has no CID 10031 code; "
                    f"known: {', '.join(codes.MECHANICAL_CONFIGURATIONS)}"
                )
            items.append(code(CONTAINS, codes.RDSR.CRDRMechanicalConfiguration, config))
        # TID 10003C rows 2-3 and 6 exclude each other (a C-arm's positioner angles, or a tube
        # column's angulation): a column angulation, when the view has one, is written alone.
        if e.ColumnAngulation is not None:
            items.append(num(CONTAINS, codes.RDSR.ColumnAngulation, e.ColumnAngulation, codes.UNITS.deg))
        else:
            for concept, angle in ((codes.RDSR.PositionerPrimaryAngle, e.PositionerPrimaryAngle),
                                   (codes.RDSR.PositionerSecondaryAngle, e.PositionerSecondaryAngle)):
                if angle is not None:
                    items.append(num(CONTAINS, concept, angle, codes.UNITS.deg))
        if mammography and e.BodyPartThickness is not None:
            items.append(num(CONTAINS, codes.RDSR.CompressionThickness, e.BodyPartThickness, codes.UNITS.mm))
        if e.DistanceSourceToDetector is not None:
            items.append(num(CONTAINS, codes.RDSR.DistanceSourceToDetector, e.DistanceSourceToDetector, codes.UNITS.mm))
        if a.image is not None:
            items.append(image(CONTAINS, codes.RDSR.AcquiredImage, a.image.SOPClassUID, a.image.SOPInstanceUID))
        self.append(container(CONTAINS, codes.RDSR.IrradiationEventXRayData, items))


def _has_mechanical_data(e: ExposureInfo, mammography: bool) -> bool:
    """Whether the event carries any TID 10003C item."""
    return any(v not in (None, "") for v in (
        e.MechanicalConfiguration, e.PositionerPrimaryAngle, e.PositionerSecondaryAngle,
        e.ColumnAngulation, e.DistanceSourceToDetector,
        e.BodyPartThickness if mammography else None))


def _filters(e: ExposureInfo) -> list[Dataset]:
    """The X-Ray Filters container of TID 10003B, when the generator said which filter it used."""
    if not e.FilterType or e.FilterType.upper() == "NONE" and not e.FilterMaterial:
        return []
    filter_type = codes.FILTER_TYPES.get(e.FilterType.upper())
    if filter_type is None:
        return []  # MULTIPLE and vendor terms have no CID 10007 code; the image keeps (0018,1160)
    items = [code(CONTAINS, codes.RDSR.XRayFilterType, filter_type)]
    for material in e.FilterMaterial:
        coded = codes.FILTER_MATERIALS.get(material.upper())
        if coded is None:
            raise ValueError(f"filter material '{material}' has no CID 10006 code; known: {', '.join(codes.FILTER_MATERIALS)}")
        items.append(code(CONTAINS, codes.RDSR.XRayFilterMaterial, coded))
    if e.FilterThicknessMinimum is not None:
        items.append(num(CONTAINS, codes.RDSR.XRayFilterThicknessMinimum, e.FilterThicknessMinimum, codes.UNITS.mm))
    if e.FilterThicknessMaximum is not None:
        items.append(num(CONTAINS, codes.RDSR.XRayFilterThicknessMaximum, e.FilterThicknessMaximum, codes.UNITS.mm))
    return [container(CONTAINS, codes.RDSR.XRayFilters, items)]


class ProjectionXRayRadiationDose(Dataset):
    """:dcm:`TID 10001 <part16/sect_TID_10001.html>` Projection X-Ray Radiation Dose: the root
    CONTAINER of the report, scoped to one study."""

    def __init__(
        self,
        StudyInstanceUID: str,
        equipment: EquipmentInfo,
        acquisitions: Sequence[Acquisition],
        mammography: bool = False,
        tz: tzinfo | None = None,
    ) -> None:
        """``tz`` is the report's time zone (its Timezone Offset From UTC): every DATETIME item
        is written in it without an offset of its own."""
        super().__init__()
        if not acquisitions:
            raise ValueError("a dose report needs at least one irradiation event (TID 10001, 1-n TID 10003)")
        children: list[Dataset] = [
            code(HAS_CONCEPT_MOD, codes.RDSR.ProcedureReported,
                 codes.MAMMOGRAPHY if mammography else codes.RDSR.ProjectionXRay,
                 [code(HAS_CONCEPT_MOD, codes.RDSR.HasIntent, codes.RDSR.DiagnosticIntent)]),
            *DeviceObserverContext(equipment),
            code(HAS_OBS_CONTEXT, codes.RDSR.ScopeOfAccumulation, codes.RDSR.Study,
                 [uidref(HAS_PROPERTIES, codes.RDSR.StudyInstanceUID, StudyInstanceUID)]),
            code(CONTAINS, codes.RDSR.XRayDetectorDataAvailable,
                 codes.RDSR.Yes if any(a.ExposureIndex is not None for a in acquisitions) else codes.RDSR.No),
            code(CONTAINS, codes.RDSR.XRaySourceDataAvailable, codes.RDSR.Yes),
            code(CONTAINS, codes.RDSR.XRayMechanicalDataAvailable,
                 codes.RDSR.Yes if any(_has_mechanical_data(a.exposure, mammography) for a in acquisitions) else codes.RDSR.No),
            *AccumulatedXRayDose(acquisitions, mammography),
        ]
        for a in acquisitions:
            children.extend(IrradiationEventXRayData(a, mammography, tz))
        children.append(code(CONTAINS, codes.RDSR.SourceOfDoseInformation, codes.RDSR.AutomatedDataCollection))
        self.ValueType = "CONTAINER"
        self.ConceptNameCodeSequence = [container(None, codes.RDSR.XRayRadiationDoseReport, []).ConceptNameCodeSequence[0]]
        self.ContinuityOfContent = "SEPARATE"
        template = Dataset()
        template.MappingResource = "DCMR"
        template.TemplateIdentifier = "10001"
        self.ContentTemplateSequence = [template]
        self.ContentSequence = children

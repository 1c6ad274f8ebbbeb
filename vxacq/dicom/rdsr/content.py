"""SR content items (PS3.3 C.17.3): one small constructor per value type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset

from vxacq.dicom.modules import code_item, ds_number, dt

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

CONTAINS = "CONTAINS"
HAS_CONCEPT_MOD = "HAS CONCEPT MOD"
HAS_OBS_CONTEXT = "HAS OBS CONTEXT"
HAS_PROPERTIES = "HAS PROPERTIES"


def _item(relationship: str | None, value_type: str, concept: Code) -> Dataset:
    item = Dataset()
    if relationship:
        item.RelationshipType = relationship
    item.ValueType = value_type
    item.ConceptNameCodeSequence = [code_item(concept)]
    return item


def container(relationship: str | None, concept: Code, children: Iterable[Dataset]) -> Dataset:
    item = _item(relationship, "CONTAINER", concept)
    item.ContinuityOfContent = "SEPARATE"
    item.ContentSequence = list(children)
    return item


def code(relationship: str, concept: Code, value: Code, children: Iterable[Dataset] = ()) -> Dataset:
    item = _item(relationship, "CODE", concept)
    item.ConceptCodeSequence = [code_item(value)]
    _children(item, children)
    return item


def num(relationship: str, concept: Code, value: float, unit: Code) -> Dataset:
    item = _item(relationship, "NUM", concept)
    measured = Dataset()
    measured.NumericValue = ds_number(value)
    measured.MeasurementUnitsCodeSequence = [code_item(unit)]
    item.MeasuredValueSequence = [measured]
    return item


def uidref(relationship: str, concept: Code, value: str, children: Iterable[Dataset] = ()) -> Dataset:
    item = _item(relationship, "UIDREF", concept)
    item.UID = value
    _children(item, children)
    return item


def text(relationship: str, concept: Code, value: str) -> Dataset:
    item = _item(relationship, "TEXT", concept)
    item.TextValue = value
    return item


def datetime_item(relationship: str, concept: Code, value: datetime, tz: tzinfo | None) -> Dataset:
    """A DATETIME in the report's time zone ``tz`` without a per-value offset: the instance's
    Timezone Offset From UTC (0008,0201) says it (PS3.3 C.12.1.1.8). DCMTK 3.6.7's dsrdump and
    dsr2xml refuse a content-item DT that ends in "+0000", so no value carries its own offset."""
    item = _item(relationship, "DATETIME", concept)
    if value.utcoffset() is not None:
        if tz is None:
            raise ValueError(f"{concept.meaning} {value.isoformat()} has a UTC offset but the report has no time zone")
        value = value.astimezone(tz).replace(tzinfo=None)
    item.DateTime = dt(value)
    return item


def image(relationship: str, concept: Code, sop_class: str, sop_instance: str) -> Dataset:
    item = _item(relationship, "IMAGE", concept)
    ref = Dataset()
    ref.ReferencedSOPClassUID = sop_class
    ref.ReferencedSOPInstanceUID = sop_instance
    item.ReferencedSOPSequence = [ref]
    return item


def _children(item: Dataset, children: Iterable[Dataset]) -> None:
    children = list(children)
    if children:
        item.ContentSequence = children

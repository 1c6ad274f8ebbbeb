"""Study Root Query/Retrieve C-FIND identifiers (PS3.4 C.6.2) and their answers as records.

Study level asks every return key of the VXvue Study Root table and those a study list
shows; series level lists one study's series. Answers are decoded with their own Specific
Character Set, or the node's fallback when they carry none.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from vxacq.dicom import charset

log = logging.getLogger(__name__)

STUDY_RETURN_KEYS = (
    "StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName", "StudyDescription",
    "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyID", "StudyInstanceUID",
)
SERIES_RETURN_KEYS = (
    "Modality", "SeriesNumber", "SeriesDescription", "SeriesDate", "SeriesTime",
    "BodyPartExamined", "NumberOfSeriesRelatedInstances", "SeriesInstanceUID",
)


@dataclass(frozen=True)
class StudyQuery:
    """Study-level matching keys; empty ones match everything. ``StudyDate`` is a date or a
    range (``YYYYMMDD-YYYYMMDD``); names may use ``*`` and ``?`` wildcards."""

    PatientID: str = ""
    PatientName: str = ""
    StudyDate: str = ""
    AccessionNumber: str = ""
    ModalitiesInStudy: str = ""
    StudyInstanceUID: str = ""


def study_identifier(query: StudyQuery) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = ""  # empty key: ask the SCP which set it answers in
    ds.QueryRetrieveLevel = "STUDY"
    for keyword in STUDY_RETURN_KEYS:
        setattr(ds, keyword, None)
    for keyword in ("PatientID", "PatientName", "StudyDate", "AccessionNumber",
                    "ModalitiesInStudy", "StudyInstanceUID"):
        value = getattr(query, keyword)
        if value:
            setattr(ds, keyword, value)
    return ds


def series_identifier(StudyInstanceUID: str, Modality: str = "") -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = ""
    ds.QueryRetrieveLevel = "SERIES"
    for keyword in SERIES_RETURN_KEYS:
        setattr(ds, keyword, None)
    ds.StudyInstanceUID = StudyInstanceUID
    if Modality:
        ds.Modality = Modality
    return ds


def values(ds: Dataset, keyword: str) -> tuple[str, ...]:
    """Every value of ``keyword`` in an answer, each as text; () when absent or empty.
    A multi-valued attribute (Modalities in Study) is a pydicom MultiValue, whose ``str``
    is a Python list's text, so each value is taken on its own."""
    try:
        value = ds.get(keyword)
    except Exception as exc:  # a value of the wrong form: shown empty, logged
        log.warning("query answer: %s cannot be read (%s); left empty", keyword, exc)
        return ()
    if value is None or value == "":
        return ()
    items = value if isinstance(value, (MultiValue, list, tuple)) else [value]
    return tuple(str(v).strip() for v in items if v is not None and str(v).strip())


def _text(ds: Dataset, keyword: str) -> str:
    """A single-valued attribute as text (several values, against the standard: joined with
    the DICOM delimiter, never a list's text)."""
    return "\\".join(values(ds, keyword))


def _count(ds: Dataset, keyword: str) -> int | None:
    text = _text(ds, keyword).strip()
    try:
        return int(text) if text else None
    except ValueError:
        log.warning("query answer: %s %r is not a number; left empty", keyword, text)
        return None


@dataclass(frozen=True)
class StudyRecord:
    StudyInstanceUID: str
    PatientName: str
    PatientID: str
    PatientBirthDate: str
    PatientSex: str
    StudyDate: str
    StudyTime: str
    AccessionNumber: str
    StudyID: str
    StudyDescription: str
    ReferringPhysicianName: str
    ModalitiesInStudy: tuple[str, ...]  # multi-valued (VM 1-n): one item per modality
    NumberOfStudyRelatedSeries: int | None
    NumberOfStudyRelatedInstances: int | None


@dataclass(frozen=True)
class SeriesRecord:
    SeriesInstanceUID: str
    Modality: str
    SeriesNumber: str
    SeriesDescription: str
    SeriesDate: str
    SeriesTime: str
    BodyPartExamined: str
    NumberOfSeriesRelatedInstances: int | None


def _decoded(answer: Dataset, fallback: str | None) -> Dataset:
    ds = copy.deepcopy(answer)
    try:
        charset.decode_received(ds, fallback)
    except Exception as exc:
        log.warning("query answer: text could not be decoded (%s); shown as received", exc)
    return ds


def study_record(answer: Dataset, fallback: str | None = None) -> StudyRecord:
    ds = _decoded(answer, fallback)
    return StudyRecord(
        **{k: _text(ds, k) for k in ("StudyInstanceUID", "PatientName", "PatientID",
                                     "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
                                     "AccessionNumber", "StudyID", "StudyDescription",
                                     "ReferringPhysicianName")},
        ModalitiesInStudy=values(ds, "ModalitiesInStudy"),
        NumberOfStudyRelatedSeries=_count(ds, "NumberOfStudyRelatedSeries"),
        NumberOfStudyRelatedInstances=_count(ds, "NumberOfStudyRelatedInstances"),
    )


def series_record(answer: Dataset, fallback: str | None = None) -> SeriesRecord:
    ds = _decoded(answer, fallback)
    return SeriesRecord(
        **{k: _text(ds, k) for k in ("SeriesInstanceUID", "Modality", "SeriesNumber",
                                     "SeriesDescription", "SeriesDate", "SeriesTime",
                                     "BodyPartExamined")},
        NumberOfSeriesRelatedInstances=_count(ds, "NumberOfSeriesRelatedInstances"),
    )

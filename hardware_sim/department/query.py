"""Demo-only Study Root Query/Retrieve C-FIND SCP: the archive's studies, so priors can be tried.

Answers at STUDY level from the studies the archive holds (grouped from its files) and the
demo patients' earlier studies (:func:`hardware_sim.department.orders.demo_priors`), and at
SERIES level for one study the archive holds. Matching covers what a console asks (PS3.4
C.6.1.1.5 Study Root): Patient ID, Patient's Name (``*``/``?`` wildcards, case-insensitive),
Accession Number, Study Date (single or range), Study Instance UID (a list), Modalities in
Study, and for series Modality. Each answer carries the keys the query asked for, in UTF-8.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import evt
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

from hardware_sim.department.worklist import _matches_date, _matches_text

log = logging.getLogger(__name__)

STUDY_KEYS = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
              "StudyTime", "AccessionNumber", "StudyID", "StudyDescription",
              "ReferringPhysicianName", "StudyInstanceUID")
SERIES_KEYS = ("Modality", "SeriesNumber", "SeriesDescription", "SeriesDate", "SeriesTime",
               "BodyPartExamined", "SeriesInstanceUID", "StudyInstanceUID")


class StudyFinder:
    def __init__(self, folder: Path, earlier: list[Dataset]) -> None:
        self.folder = Path(folder)
        self.earlier = earlier
        self.contexts = [StudyRootQueryRetrieveInformationModelFind]

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_C_FIND, self._on_find)]

    def _headers(self) -> list[Dataset]:
        out = []
        for path in sorted(self.folder.glob("*.dcm")):
            try:
                out.append(pydicom.dcmread(path, stop_before_pixels=True))
            except Exception as exc:  # a file being written or damaged is left out
                log.warning("query: %s unreadable (%s)", path.name, exc)
        return out

    def studies(self) -> list[Dataset]:
        """One study-level record per study: the archive's, then the earlier ones."""
        grouped: dict[str, list[Dataset]] = {}
        for ds in self._headers():
            grouped.setdefault(str(ds.StudyInstanceUID), []).append(ds)
        out = []
        for uid, instances in grouped.items():
            first = instances[0]
            study = Dataset()
            for keyword in STUDY_KEYS:
                setattr(study, keyword, first.get(keyword, ""))
            study.StudyInstanceUID = uid
            study.ModalitiesInStudy = sorted({str(i.get("Modality", "")) for i in instances})
            study.NumberOfStudyRelatedSeries = len({str(i.SeriesInstanceUID) for i in instances})
            study.NumberOfStudyRelatedInstances = len(instances)
            out.append(study)
        return out + self.earlier

    def _on_find(self, event: evt.Event) -> Iterator[tuple[int, Dataset | None]]:
        asked = event.identifier
        level = str(asked.get("QueryRetrieveLevel", ""))
        if level == "STUDY":
            records = [s for s in self.studies() if _study_matches(asked, s)]
        elif level == "SERIES":
            records = [s for s in self._series(str(asked.get("StudyInstanceUID", "")))
                       if _matches_text(asked.get("Modality"), s.Modality)]
        else:
            log.warning("query: level %r not offered", level)
            yield 0xA900, None  # Identifier does not match SOP Class
            return
        log.info("query: %s level, %d match(es)", level, len(records))
        for record in records:
            if event.is_cancelled:
                yield 0xFE00, None
                return
            yield 0xFF00, _answer(asked, record)

    def _series(self, StudyInstanceUID: str) -> list[Dataset]:
        grouped: dict[str, list[Dataset]] = {}
        for ds in self._headers():
            if str(ds.StudyInstanceUID) == StudyInstanceUID:
                grouped.setdefault(str(ds.SeriesInstanceUID), []).append(ds)
        out = []
        for uid, instances in grouped.items():
            series = Dataset()
            for keyword in SERIES_KEYS:
                setattr(series, keyword, instances[0].get(keyword, ""))
            series.SeriesInstanceUID = uid
            series.NumberOfSeriesRelatedInstances = len(instances)
            out.append(series)
        return out


def _study_matches(asked: Dataset, study: Dataset) -> bool:
    uids = str(asked.get("StudyInstanceUID", "") or "")
    wanted = str(asked.get("ModalitiesInStudy", "") or "")
    return (_matches_text(asked.get("PatientID"), study.PatientID)
            and _matches_text(asked.get("PatientName"), study.PatientName)
            and _matches_text(asked.get("AccessionNumber"), study.AccessionNumber)
            and _matches_date(asked.get("StudyDate"), study.StudyDate)
            and (not uids or study.StudyInstanceUID in uids.split("\\"))
            and (not wanted or bool(set(wanted.split("\\")) & _modalities(study))))


def _modalities(study: Dataset) -> set[str]:
    """Modalities in Study as a set of values: pydicom keeps a single value as a plain str,
    whose set() would be its letters."""
    value = study.get("ModalitiesInStudy", "")
    return {value} if isinstance(value, str) else {str(v) for v in value}


def _answer(asked: Dataset, record: Dataset) -> Dataset:
    answer = Dataset()
    answer.SpecificCharacterSet = "ISO_IR 192"
    answer.QueryRetrieveLevel = asked.QueryRetrieveLevel
    for element in asked:
        if element.keyword in ("SpecificCharacterSet", "QueryRetrieveLevel", ""):
            continue
        setattr(answer, element.keyword, record.get(element.keyword, ""))
    return answer

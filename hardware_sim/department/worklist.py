"""Demo-only Modality Worklist SCP: answers C-FIND from a list of worklist items.

Matching covers what a modality asks (PS3.4 K.6.1.2): Scheduled Station AE Title, Modality and
Scheduled Procedure Step Start Date (single or range) in the step, Patient's Name (with * and ?
wildcards, case-insensitive), Patient ID and Accession Number. Each answer carries the keys
the query asked for, in the item's own character set.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterator

from pydicom.dataset import Dataset
from pynetdicom import evt
from pynetdicom.sop_class import ModalityWorklistInformationFind

log = logging.getLogger(__name__)


def _matches_text(pattern: object, value: object) -> bool:
    pattern = str(pattern or "")
    if not pattern or pattern == "*":
        return True
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(str(value or "").lower(), pattern.lower())
    return str(value or "") == pattern


def _matches_date(pattern: object, value: object) -> bool:
    pattern, value = str(pattern or ""), str(value or "")
    if not pattern:
        return True
    if "-" in pattern:
        first, last = pattern.split("-", 1)
        return (not first or first <= value) and (not last or value <= last)
    return value == pattern


def matches(query: Dataset, item: Dataset) -> bool:
    for keyword in ("PatientID", "AccessionNumber", "RequestedProcedureID"):
        if not _matches_text(query.get(keyword), item.get(keyword)):
            return False
    if not _matches_text(query.get("PatientName"), str(item.get("PatientName", "")).split("=")[0]):
        return False
    wanted = (query.get("ScheduledProcedureStepSequence") or [Dataset()])[0]
    steps = item.get("ScheduledProcedureStepSequence") or [Dataset()]
    return any(_matches_text(wanted.get("ScheduledStationAETitle"), s.get("ScheduledStationAETitle"))
               and _matches_text(wanted.get("Modality"), s.get("Modality"))
               and _matches_date(wanted.get("ScheduledProcedureStepStartDate"),
                                 s.get("ScheduledProcedureStepStartDate"))
               for s in steps)


def answer(query: Dataset, item: Dataset) -> Dataset:
    """The item cut down to the query's keys (whole sequence items for sequence keys)."""
    out = Dataset()
    if "SpecificCharacterSet" in item:
        out.SpecificCharacterSet = item.SpecificCharacterSet
    for element in query:
        if element.keyword == "SpecificCharacterSet":
            continue
        if element.tag in item:
            out[element.tag] = item[element.tag]
        else:
            out[element.tag] = element  # asked for, unknown here: returned empty
    return out


class WorklistSCP:
    """The C-FIND handler over ``items`` (a list the demo may change while serving)."""

    contexts = (ModalityWorklistInformationFind,)

    def __init__(self, items: list[Dataset]) -> None:
        self.items = items

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_C_FIND, self._on_find)]

    def _on_find(self, event: evt.Event) -> Iterator[tuple[int, Dataset | None]]:
        query = event.identifier
        found = [i for i in list(self.items) if matches(query, i)]
        log.info("worklist query from %s: %d match(es)", event.assoc.requestor.ae_title, len(found))
        for item in found:
            if event.is_cancelled:
                yield 0xFE00, None
                return
            yield 0xFF00, answer(query, item)

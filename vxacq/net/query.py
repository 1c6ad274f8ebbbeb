"""Study Root Query/Retrieve C-FIND SCU: a node's studies (by patient, date, accession,
modality) and, on demand, one study's series."""

from __future__ import annotations

import logging

from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

from vxacq.config import Config, NodeConfig
from vxacq.dicom.query import (
    SeriesRecord, StudyQuery, StudyRecord, series_identifier, series_record, study_identifier,
    study_record, values,
)
from vxacq.net import dicomweb
from vxacq.net.cfind import Cancel, find

log = logging.getLogger(__name__)

FIND = StudyRootQueryRetrieveInformationModelFind


def find_studies(config: Config, node: NodeConfig, query: StudyQuery, *,
                 cancel: Cancel | None = None, limit: int = 0) -> list[StudyRecord]:
    """Studies at ``node`` matching ``query``; DicomNetworkError says why when it fails.
    ``limit`` (0: none) or ``cancel`` stop the query with a C-CANCEL. A DICOMweb node is
    asked by QIDO-RS (:func:`vxacq.net.dicomweb.find_studies`)."""
    if node.is_dicomweb:
        studies = dicomweb.find_studies(node, query, limit=limit)
        if query.ModalitiesInStudy:
            studies = [s for s in studies if _has_modality(config, node, s,
                                                           query.ModalitiesInStudy)]
        return studies
    outcome = find(config, node, FIND, study_identifier(query), what="the study query",
                   limit=limit, cancel=cancel)
    fallback = node.fallback_character_set or None
    studies = [study_record(a, fallback) for a in outcome.answers]
    if query.ModalitiesInStudy:
        studies = [s for s in studies if _has_modality(config, node, s, query.ModalitiesInStudy)]
    return studies


def _has_modality(config: Config, node: NodeConfig, study: StudyRecord, modality: str) -> bool:
    """Whether ``study`` has a series of ``modality``. Modalities in Study is an optional
    matching key (PS3.4 C.6.1.1.5.1); an SCP that ignores it answers with every study, so
    an answer without the value is checked at series level."""
    if study.ModalitiesInStudy:
        return modality in study.ModalitiesInStudy
    if node.is_dicomweb:
        return any(s.Modality == modality
                   for s in dicomweb.find_series(node, study.StudyInstanceUID, modality))
    outcome = find(config, node, FIND, series_identifier(study.StudyInstanceUID, modality),
                   what="the series query")
    return any(modality in values(a, "Modality") for a in outcome.answers)


def find_series(config: Config, node: NodeConfig, StudyInstanceUID: str, *,
                cancel: Cancel | None = None) -> list[SeriesRecord]:
    """The series of one study at ``node``."""
    if node.is_dicomweb:
        return dicomweb.find_series(node, StudyInstanceUID)
    outcome = find(config, node, FIND, series_identifier(StudyInstanceUID),
                   what="the series query", cancel=cancel)
    fallback = node.fallback_character_set or None
    return [series_record(a, fallback) for a in outcome.answers]

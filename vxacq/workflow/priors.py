"""A patient's earlier studies at the archives (Study Root C-FIND on every query node).

:func:`find_priors` asks each node with the ``query`` service; a node that is down or refuses
does not hide what the others answered: its reason is in ``errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vxacq.config import Config
from vxacq.dicom.query import StudyQuery, StudyRecord
from vxacq.net.association import DicomNetworkError
from vxacq.net.query import find_studies


@dataclass(frozen=True)
class Prior:
    study: StudyRecord
    node: str  # where it was found


@dataclass
class PriorsAnswer:
    priors: list[Prior] = field(default_factory=list)  # newest first
    errors: list[str] = field(default_factory=list)  # "node: why", one per node not answering
    asked: list[str] = field(default_factory=list)  # the query nodes asked


def find_priors(config: Config, PatientID: str, *, exclude_study: str = "") -> PriorsAnswer:
    """The studies of ``PatientID`` at every query node, newest first, without the study
    ``exclude_study`` (the exam itself, once sent). ValueError when no node offers query."""
    nodes = config.nodes_with("query")
    if not nodes:
        raise ValueError("no node with the query service is configured (Service → Nodes)")
    if not PatientID.strip():
        raise ValueError("the exam has no patient ID to ask the archive with")
    answer = PriorsAnswer(asked=[n.name for n in nodes])
    for node in nodes:
        try:
            for study in find_studies(config, node, StudyQuery(PatientID=PatientID)):
                if study.StudyInstanceUID != exclude_study:
                    answer.priors.append(Prior(study, node.name))
        except DicomNetworkError as exc:
            answer.errors.append(f"{node.name}: {exc}")
    answer.priors.sort(key=lambda p: (p.study.StudyDate, p.study.StudyTime), reverse=True)
    return answer

"""A patient's earlier studies at the archives (Study Root C-FIND on every query node).

:func:`find_priors` asks each node with the ``query`` service; a node that is down or refuses
does not hide what the others answered: its reason is in ``errors``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

from vxacq.config import Config, NodeConfig
from vxacq.db import Database
from vxacq.dicom.query import StudyQuery, StudyRecord
from vxacq.net.association import DicomNetworkError
from vxacq.net.query import find_studies
from vxacq.security import audit


@dataclass(frozen=True)
class Prior:
    study: StudyRecord
    node: str  # where it was found


@dataclass
class PriorsAnswer:
    priors: list[Prior] = field(default_factory=list)  # newest first
    errors: list[str] = field(default_factory=list)  # "node: why", one per node not answering
    asked: list[str] = field(default_factory=list)  # the query nodes asked


def record_query(db: Database, node: NodeConfig, query: StudyQuery, found: int, *,
                 user: str = "") -> None:
    """A Study Root C-FIND that was answered, as a Query event in the audit trail (the keys
    asked go into the audit message, not into the event's text)."""
    keys = ", ".join(f"{k}={v}" for k, v in asdict(query).items() if v)
    audit.record(db, "query", user=user, detail=f"Study Root C-FIND at {node.name}: {found} "
                 "study(ies)", peer_ae=node.ae_title, peer_address=node.host, query=keys,
                 query_model=str(StudyRootQueryRetrieveInformationModelFind),
                 PatientID=query.PatientID)


def find_priors(config: Config, PatientID: str, *, exclude_study: str = "",
                db: Database | None = None) -> PriorsAnswer:
    """The studies of ``PatientID`` at every query node, newest first, without the study
    ``exclude_study`` (the exam itself, once sent). ValueError when no node offers query.
    With ``db``, each answered query is a Query event in the audit trail."""
    nodes = config.nodes_with("query")
    if not nodes:
        raise ValueError("no node with the query service is configured (Service → Nodes)")
    if not PatientID.strip():
        raise ValueError("the exam has no patient ID to ask the archive with")
    answer = PriorsAnswer(asked=[n.name for n in nodes])
    for node in nodes:
        query = StudyQuery(PatientID=PatientID)
        try:
            studies = find_studies(config, node, query)
        except DicomNetworkError as exc:
            answer.errors.append(f"{node.name}: {exc}")
            continue
        if db is not None:
            record_query(db, node, query, len(studies))
        answer.priors += [Prior(study, node.name) for study in studies
                          if study.StudyInstanceUID != exclude_study]
    answer.priors.sort(key=lambda p: (p.study.StudyDate, p.study.StudyTime), reverse=True)
    return answer

"""Presentation contexts as every service proposes them: a node set to ``transfer_syntax =
"implicit"`` gets Implicit VR Little Endian only; a refused context is named for what the peer
refused (the SOP class, or only its transfer syntaxes); an association with nothing accepted
ends in a release, not an abort."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import AE, evt
from pynetdicom.sop_class import (
    DigitalXRayImageStorageForPresentation, ModalityWorklistInformationFind,
    SecondaryCaptureImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification,
)

import peers
from orders import node_config
from small_images import write_dx
from vxacq.db import open_database
from vxacq.dicom.query import StudyQuery
from vxacq.net import cfind, commitment, echo, mpps, printing, query
from vxacq.net.association import DicomNetworkError, associate
from vxacq.net.outbox import Outbox
from vxacq.net.store import enqueue_store

BOTH = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]


class Recorder:
    """A pynetdicom acceptor that takes what it is configured for and notes, per association,
    the transfer syntaxes each context was proposed with and how the association ended."""

    def __init__(self, contexts: list[tuple[str, list[str]]]) -> None:
        self.proposed: list[dict[str, list[str]]] = []
        self.endings: list[str] = []
        self.ended = threading.Event()
        ae = AE(ae_title="RECORDER")
        for sop_class, syntaxes in contexts:
            ae.add_supported_context(sop_class, syntaxes, scu_role=True, scp_role=True)
        handlers = [(evt.EVT_REQUESTED, self._requested), (evt.EVT_RELEASED, self._ended),
                    (evt.EVT_ABORTED, self._ended),
                    (evt.EVT_C_FIND, lambda _e: iter([(0x0000, None)])),
                    (evt.EVT_C_ECHO, lambda _e: 0x0000)]
        self.port = peers.free_port()
        self.server = ae.start_server((peers.HOST, self.port), block=False, evt_handlers=handlers)

    def _requested(self, event: evt.Event) -> None:
        self.proposed.append({cx.abstract_syntax: list(cx.transfer_syntax)
                              for cx in event.assoc.requestor.requested_contexts})

    def _ended(self, event: evt.Event) -> None:
        self.endings.append(event.event.name)
        self.ended.set()


@pytest.fixture
def recorder() -> Iterator[Callable[[list[tuple[str, list[str]]]], Recorder]]:
    made: list[Recorder] = []

    def make(contexts: list[tuple[str, list[str]]]) -> Recorder:
        made.append(Recorder(contexts))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()


def service_contexts() -> dict[str, list]:
    """The contexts each service module builds, as it passes them to associate() (store's,
    built per node, are checked in test_store)."""
    return {
        "echo": echo.CONTEXTS,
        "worklist": cfind.contexts(ModalityWorklistInformationFind),
        "query": cfind.contexts(StudyRootQueryRetrieveInformationModelFind),
        "mpps": mpps.CONTEXTS,
        "commitment": commitment.presentation_contexts(),
        "print": printing.presentation_contexts(),
    }


@pytest.mark.parametrize("service", ["echo", "worklist", "query", "mpps", "commitment", "print"])
def test_an_implicit_node_gets_implicit_vr_only_in_every_service(tmp_path: Path, recorder,
                                                                  service: str) -> None:
    contexts = service_contexts()[service]
    peer = recorder([(cx.abstract_syntax, BOTH) for cx in contexts])
    config = node_config(tmp_path, "RECORDER", peer.port, ["store"], transfer_syntax="implicit")
    with associate(config, config.node("ris"), contexts) as assoc:
        accepted = {cx.abstract_syntax: cx.transfer_syntax for cx in assoc.accepted_contexts}
    assert accepted and all(ts == [ImplicitVRLittleEndian] for ts in accepted.values()), accepted
    [proposed] = peer.proposed
    assert all(ts == [ImplicitVRLittleEndian] for ts in proposed.values()), proposed
    # An explicit node (the default) is still offered Explicit VR first.
    explicit = node_config(tmp_path, "RECORDER", peer.port, ["store"])
    with associate(explicit, explicit.node("ris"), contexts) as assoc:
        if service != "echo":
            assert ExplicitVRLittleEndian in {cx.transfer_syntax[0] for cx in assoc.accepted_contexts}


def test_echo_and_query_of_an_implicit_node_use_implicit_vr(tmp_path: Path, recorder) -> None:
    peer = recorder([(Verification, BOTH), (StudyRootQueryRetrieveInformationModelFind, BOTH)])
    config = node_config(tmp_path, "RECORDER", peer.port, ["query"], transfer_syntax="implicit")
    node = config.node("ris")
    echo.echo(config, node)
    assert query.find_studies(config, node, StudyQuery(PatientID="P")) == []
    assert len(peer.proposed) == 2
    for proposed in peer.proposed:
        assert set(map(tuple, proposed.values())) == {(ImplicitVRLittleEndian,)}, proposed


def test_a_refused_sop_class_is_named_and_the_association_released(tmp_path: Path,
                                                                   recorder) -> None:
    peer = recorder([(Verification, BOTH)])  # no query service at all
    config = node_config(tmp_path, "RECORDER", peer.port, ["query"])
    with pytest.raises(DicomNetworkError) as error:
        query.find_studies(config, config.node("ris"), StudyQuery())
    message = str(error.value)
    assert "abstract syntax not supported" in message and "transfer syntaxes" not in message
    assert "'services'" in message
    assert peer.ended.wait(5) and peer.endings == ["EVT_RELEASED"]


def test_refused_transfer_syntaxes_are_named_as_such(tmp_path: Path, recorder) -> None:
    peer = recorder([(StudyRootQueryRetrieveInformationModelFind, [ExplicitVRLittleEndian])])
    config = node_config(tmp_path, "RECORDER", peer.port, ["query"], transfer_syntax="implicit")
    with pytest.raises(DicomNetworkError) as error:
        query.find_studies(config, config.node("ris"), StudyQuery())
    message = str(error.value)
    assert "accepted none of the transfer syntaxes proposed (Implicit VR Little Endian)" in message
    assert "'transfer_syntax'" in message
    assert peer.ended.wait(5) and peer.endings == ["EVT_RELEASED"]


def test_store_names_a_refused_sop_class_not_its_syntaxes(tmp_path: Path, recorder) -> None:
    peer = recorder([(DigitalXRayImageStorageForPresentation, BOTH)])
    path = tmp_path / "sc.dcm"
    ds = write_dx(path)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.save_as(path, enforce_file_format=True)
    config = node_config(tmp_path, "RECORDER", peer.port, ["store"], retries=0)
    db = open_database(tmp_path / "data" / "vxacq.sqlite")
    try:
        [job] = Outbox(config, db).drain([enqueue_store(db, "ris", [path])], timeout=30)
    finally:
        db.close()
    assert "does not support the SOP class" in job.last_error, job.last_error
    assert "transfer syntaxes" not in job.last_error

"""The audit trail leaves for a real audit record repository (rsyslog, started here) as RFC 5424
syslog over TLS (RFC 5425) and UDP (RFC 5426): each message a valid DICOM audit message; while
the repository is away the events wait in the database and then arrive, all of them, once, in
order; a repository we cannot trust gets nothing and the reason is reported."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlmodel import select

from tests.net import certs
from tests.security.rsyslog import Rsyslog
from tests.security.test_audit_message import SCHEMA
from vxacq.config import AuditConfig, Config, ConfigError, StationConfig, from_dict
from vxacq.db import Database, open_database
from vxacq.db.models import AuditEvent
from vxacq.security import audit
from vxacq.security.audit_sender import AuditForwarder
from vxacq.security.syslog import BOM, MSGID


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> certs.Certificates:
    return certs.make(tmp_path_factory.mktemp("audit-certs"))


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory,
               certificates: certs.Certificates) -> Iterator[Rsyslog]:
    server = Rsyslog(tmp_path_factory.mktemp("rsyslog"), certificates.ca,
                     certificates.server.cert, certificates.server.key)
    server.start()
    yield server
    server.stop()


def station(tmp_path: Path, audit_config: AuditConfig) -> tuple[Config, Database]:
    config = Config(station=StationConfig(data_dir=str(tmp_path), ae_title="VXAUDIT",
                                          institution_name="Test Hospital"),
                    audit=audit_config)
    return config, open_database(tmp_path / "exam.sqlite", create=True)


def tls_audit(server: Rsyslog, certificates: certs.Certificates, **overrides: str) -> AuditConfig:
    settings = {"repository": f"tls://localhost:{server.tls_port}",
                "tls_ca": str(certificates.ca), "tls_cert": str(certificates.client.cert),
                "tls_key": str(certificates.client.key)} | overrides
    return AuditConfig(**settings)


def messages(lines: list[tuple[str, str, str]]) -> list[etree._Element]:
    documents = []
    for msgid, app, msg in lines:
        assert (msgid, app) == (MSGID, "vxacq")
        payload = msg.encode("utf-8").removeprefix(BOM)
        document = etree.fromstring(payload)
        assert SCHEMA.validate(document), SCHEMA.error_log
        documents.append(document)
    return documents


def waiting(db: Database) -> int:
    return audit.sender_status(db)[0]


def test_events_arrive_over_tls_as_valid_audit_messages(
        tmp_path: Path, repository: Rsyslog, certificates: certs.Certificates,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="vxacq")
    config, db = station(tmp_path, tls_audit(repository, certificates))
    marker = uuid.uuid4().hex
    audit.record(db, "user login", user="tech", detail=f"{marker} login")
    audit.record(db, "images sent", detail=f"{marker} sent", PatientID="P-7",
                 PatientName="Doe^Jane", StudyInstanceUID="1.2.3.7", peer_ae="PACS",
                 peer_address="127.0.0.1", sop_classes={"1.2.840.10008.5.1.4.1.1.1.1": 2})
    audit.record(db, "security: TLS refused", detail=f"{marker} refused")
    audit.record(db, "job retried", user="tech", detail=f"{marker} local only")
    forwarder = AuditForwarder(config, db)
    assert forwarder.forward() == 4
    documents = messages(repository.lines(marker, 3))
    assert [d.find("EventIdentification/EventID").get("csd-code") for d in documents] == \
        ["110114", "110104", "110113"]
    assert documents[1].find("ParticipantObjectIdentification").get("ParticipantObjectID") == "P-7"
    assert documents[0].find("AuditSourceIdentification").get("AuditEnterpriseSiteID") == \
        "Test Hospital"
    assert waiting(db) == 0 and forwarder.forward() == 0  # nothing is sent twice
    assert [e.forwarding for e in audit.list_events(db)] == ["forwarded"] * 3 + ["local"]
    forwarder.stop()
    db.close()
    # the patient is in the audit message, never in a log line
    assert "P-7" not in caplog.text and "Doe^Jane" not in caplog.text


def test_events_arrive_over_udp(tmp_path: Path, repository: Rsyslog) -> None:
    config, db = station(tmp_path, AuditConfig(repository=f"udp://127.0.0.1:{repository.udp_port}"))
    marker = uuid.uuid4().hex
    audit.record(db, "query", user="tech", detail=marker, peer_ae="PACS", query="PatientID=P-7",
                 query_model="1.2.840.10008.5.1.4.1.2.2.1")
    forwarder = AuditForwarder(config, db)
    assert forwarder.forward() == 1
    (document,) = messages(repository.lines(marker, 1))
    assert document.find("EventIdentification/EventID").get("csd-code") == "110112"
    forwarder.stop()
    db.close()


def test_repository_away_then_back_every_event_arrives_once_in_order(
        tmp_path: Path, repository: Rsyslog, certificates: certs.Certificates) -> None:
    config, db = station(tmp_path, tls_audit(repository, certificates))
    marker = uuid.uuid4().hex
    # two processes sharing the data dir, each with its forwarder running
    forwarders = [AuditForwarder(config, db, owner=name, poll_seconds=0.05,
                                 first_delay=0.1).start() for name in ("window", "serve")]
    try:
        audit.record(db, "user login", user="tech", detail=f"{marker} 0")
        assert len(repository.lines(marker, 1)) == 1
        repository.stop()
        for n in range(1, 6):
            audit.record(db, "image accepted", user="tech", detail=f"{marker} {n}")
        deadline = time.monotonic() + 5
        while not any(f.last_error for f in forwarders) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting(db) == 5
        assert "connection refused" in audit.sender_status(db)[1]
        repository.start()
        lines = repository.lines(marker, 6, timeout=15)
        deadline = time.monotonic() + 5
        while waiting(db) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        for forwarder in forwarders:
            forwarder.stop()
    details = [d.findtext("EventIdentification/EventOutcomeDescription")
               for d in messages(lines)]
    assert details == [f"{marker} {n}" for n in range(6)]
    assert waiting(db) == 0 and audit.sender_status(db)[1] == ""
    db.close()


def test_untrusted_repository_gets_nothing_and_the_reason_is_reported(
        tmp_path: Path, repository: Rsyslog, certificates: certs.Certificates,
        caplog: pytest.LogCaptureFixture) -> None:
    config, db = station(tmp_path, tls_audit(repository, certificates,
                                             tls_ca=str(certificates.stranger_ca)))
    marker = uuid.uuid4().hex
    audit.record(db, "user login", user="tech", detail=marker)
    forwarder = AuditForwarder(config, db)
    with caplog.at_level(logging.WARNING):
        assert forwarder.forward() == 0
    assert "certificate was refused" in forwarder.last_error
    assert "[audit] tls_ca" in caplog.text
    count, reason = audit.sender_status(db)
    assert (count, reason) == (1, forwarder.last_error)
    with db.session() as session:
        assert session.exec(select(AuditEvent.forwarded_at)).all() == [None]
    assert repository.lines(marker, 1, timeout=0.5) == []
    forwarder.stop()
    db.close()


@pytest.mark.parametrize(("section", "words"), [
    ({"repository": "syslog://host"}, "must start with tls://"),
    ({"repository": "tls://"}, "names no host"),
    ({"repository": "udp://host:0"}, "port must be 1..65535"),
    ({"repository": "tls://host:6514", "tls_ca": "/nonexistent/ca.pem"}, "tls_ca"),
])
def test_audit_section_is_checked_at_load(section: dict, words: str) -> None:
    with pytest.raises(ConfigError, match="audit: .*" + words.replace(".", r"\.")):
        from_dict({"audit": section})


def test_services_report_application_start_and_stop(
        tmp_path: Path, repository: Rsyslog, certificates: certs.Certificates) -> None:
    """The window, `vxacq serve` and `vxacq exam` run Services: its start and stop are
    Application Activity events, forwarded by the forwarder it runs."""
    from tests.peers import free_port
    from vxacq.workflow.runtime import Services

    config, db = station(tmp_path, tls_audit(repository, certificates))
    config.station.listen_port = free_port()
    name = f"serve-{uuid.uuid4().hex}"
    Services(config, db, application=name).start().stop()
    documents = messages(repository.lines(name, 2))
    assert [d.find("EventIdentification/EventTypeCode").get("csd-code") for d in documents] == \
        ["110120", "110121"]
    assert documents[0].find("ActiveParticipant/RoleIDCode").get("csd-code") == "110150"
    db.close()


def test_a_repository_set_on_the_service_page_gets_the_backlog(
        tmp_path: Path, repository: Rsyslog) -> None:
    """Events kept while no repository was configured leave, in order, once one is set
    (without a restart), the configuration change among them."""
    from tests.peers import free_port
    from vxacq import config as configuration
    from vxacq.workflow import station as station_workflow
    from vxacq.workflow.runtime import Services

    config, db = station(tmp_path, AuditConfig())
    config.station.listen_port = free_port()
    configuration.save(config, tmp_path / "vxacq.toml")
    marker = uuid.uuid4().hex
    services = Services(config, db, application=marker).start()
    try:
        audit.record(db, "user login", user="tech", detail=marker)
        changed = configuration.load(config.path)
        changed.audit.repository = f"udp://127.0.0.1:{repository.udp_port}"
        station_workflow.apply_config(services, changed)
        lines = repository.lines(marker, 2)
        changes = repository.lines(str(config.path), 1)
    finally:
        services.stop()
    assert [d.find("EventIdentification/EventTypeCode").get("csd-code")
            for d in messages(lines)] == ["110120", "110122"]
    [change] = messages(changes)
    assert change.find("EventIdentification/EventTypeCode").get("csd-code") == "110128"
    db.close()

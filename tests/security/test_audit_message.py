"""DICOM audit messages (PS3.15 A.5): every event the console records is a message the schema
of A.5.1 accepts, carrying who, what, which patient and study, and which peer."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from vxacq.db import Patient, Study, open_database
from vxacq.security import audit
from vxacq.security.audit_message import EVENTS, AuditSource, build, kind_of

SCHEMA = etree.RelaxNG(etree.parse(str(resources.files("vxacq") / "resources" /
                                       "dicom-audit-message.rng")))
SOURCE = AuditSource(ae_title="VXACQ", site="General Hospital", host="dx-room-1")
AT = datetime(2026, 12, 5, 21, 30, 0, 123000, tzinfo=timezone.utc)
FULL = {"PatientID": "P-1", "PatientName": "Doe^Jane", "StudyInstanceUID": "1.2.3.4",
        "AccessionNumber": "ACC1", "sop_classes": {"1.2.840.10008.5.1.4.1.1.1.1": 2},
        "peer_ae": "PACS", "peer_address": "10.0.0.5", "destination": "file:///media/usb",
        "query": "(0010,0020) P-1", "query_model": "1.2.840.10008.5.1.4.31"}


def valid(xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def code(element: etree._Element, path: str) -> str:
    return element.find(path).get("csd-code")


@pytest.mark.parametrize("action", [*EVENTS, "security: TLS refused"])
@pytest.mark.parametrize("data", [{}, FULL], ids=["bare", "full"])
def test_every_event_is_a_valid_audit_message(action: str, data: dict) -> None:
    document = valid(build(action=action, at=AT, user="jsmith", detail="why", data=data,
                           source=SOURCE))
    kind = kind_of(action)
    assert code(document, "EventIdentification/EventID") == kind.event[0]
    if kind.type_code:
        assert code(document, "EventIdentification/EventTypeCode") == kind.type_code[0]
    assert document.find("AuditSourceIdentification").get("AuditSourceID") == "VXACQ"
    assert document.find("AuditSourceIdentification").get("AuditEnterpriseSiteID") == \
        "General Hospital"
    assert document.find("ActiveParticipant").get("UserID") == "jsmith"


def test_the_schema_refuses_what_a_5_1_forbids() -> None:
    """The transcribed schema is not a permissive one: a coded value without its
    originalText, or an outcome outside 0/4/8/12, is refused."""
    xml = build(action="user login", at=AT, user="u", detail="", data={}, source=SOURCE)
    assert SCHEMA.validate(etree.fromstring(xml))
    assert not SCHEMA.validate(etree.fromstring(xml.replace(b' originalText="Login"', b"")))
    assert not SCHEMA.validate(etree.fromstring(
        xml.replace(b'EventOutcomeIndicator="0"', b'EventOutcomeIndicator="1"')))


def test_instances_sent_names_source_destination_patient_and_study() -> None:
    document = valid(build(action="images sent", at=AT, user="", detail="", data=FULL,
                           source=SOURCE))
    event = document.find("EventIdentification")
    assert (event.get("EventActionCode"), event.get("EventOutcomeIndicator")) == ("R", "0")
    assert event.get("EventDateTime") == "2026-12-05T21:30:00.123+00:00"
    ours, peer = document.findall("ActiveParticipant")
    assert (ours.get("UserID"), code(ours, "RoleIDCode"), ours.get("UserIsRequestor")) == \
        ("VXACQ", "110153", "true")
    assert (peer.get("AlternativeUserID"), code(peer, "RoleIDCode")) == ("AETITLES=PACS", "110152")
    assert (peer.get("NetworkAccessPointID"), peer.get("NetworkAccessPointTypeCode")) == \
        ("10.0.0.5", "2")
    patient, study = document.findall("ParticipantObjectIdentification")
    assert (patient.get("ParticipantObjectID"), patient.findtext("ParticipantObjectName")) == \
        ("P-1", "Doe^Jane")
    assert study.get("ParticipantObjectID") == "1.2.3.4"
    sop_class = study.find("ParticipantObjectDescription/SOPClass")
    assert (sop_class.get("UID"), sop_class.get("NumberOfInstances")) == \
        ("1.2.840.10008.5.1.4.1.1.1.1", "2")
    assert study.find("ParticipantObjectDescription/Accession").get("Number") == "ACC1"


def test_login_failure_and_worklist_direction() -> None:
    failed = valid(build(action="user login failed", at=AT, user="mallory", detail="bad password",
                         data={}, source=SOURCE))
    assert failed.find("EventIdentification").get("EventOutcomeIndicator") == "4"
    assert code(failed, "EventIdentification/EventTypeCode") == "110122"
    assert failed.findtext("EventIdentification/EventOutcomeDescription") == "bad password"
    order = valid(build(action="worklist received", at=AT, user="", detail="", data=FULL,
                        source=SOURCE))
    ours, ris = order.findall("ActiveParticipant")
    assert (code(ours, "RoleIDCode"), code(ris, "RoleIDCode")) == ("110152", "110153")


def test_text_from_the_network_cannot_break_the_message() -> None:
    """A peer's AE title or a name with markup or control characters stays data."""
    data = {"PatientName": "<x>&\x00\x1b]0;", "PatientID": "P\x07", "peer_ae": '"><AuditMessage>'}
    document = valid(build(action="images sent", at=AT, user="a&b", detail="\x00<", data=data,
                           source=SOURCE))
    assert document.find("ParticipantObjectIdentification").findtext(
        "ParticipantObjectName") == "<x>&]0;"


def test_local_only_events_have_no_message() -> None:
    assert kind_of("job retried") is None
    assert build(action="job retried", at=AT, user="", detail="", data={}, source=SOURCE) is None


def test_record_takes_the_patient_and_study_as_they_were(tmp_path: Path) -> None:
    db = open_database(tmp_path / "exam.sqlite", create=True)
    with db.session() as session:
        patient = Patient(PatientID="P-9", PatientName="Roe^Richard")
        session.add(patient)
        session.flush()
        study = Study(StudyInstanceUID="1.2.9", patient_id=patient.id, AccessionNumber="A9")
        session.add(study)
        session.flush()
        study_id = study.id
    audit.record(db, "exam started", user="tech", detail="order 1", study_id=study_id)
    audit.record(db, "images sent", study_id=study_id, peer_ae="PACS", peer_address="pacs.local",
                 sop_classes={"1.2.840.10008.5.1.4.1.1.1.1": 3})
    audit.record(db, "job retried", user="tech")
    with db.session() as session:
        session.get(Patient, patient.id).PatientName = "Renamed^Later"
    started, sent, retried = audit.list_events(db)
    assert started.data == {"PatientID": "P-9", "PatientName": "Roe^Richard",
                            "StudyInstanceUID": "1.2.9", "AccessionNumber": "A9"}
    assert (started.forwarding, retried.forwarding) == ("waiting", "local")
    document = valid(sent.message(SOURCE))
    assert document.findall("ParticipantObjectIdentification")[0].findtext(
        "ParticipantObjectName") == "Roe^Richard"
    assert document.findall("ActiveParticipant")[1].get("NetworkAccessPointTypeCode") == "1"
    db.close()


def test_every_audit_write_goes_through_record() -> None:
    """ARCHITECTURE rule 11: no module writes the audit table but security/audit.py."""
    root = Path(audit.__file__).parents[1]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if re.search(r"(?<!class )\bAuditEvent\(", p.read_text(encoding="utf-8"))
                 and p.name != "audit.py"]
    assert offenders == []


def test_clean_drops_exactly_what_xml_forbids() -> None:
    """XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."""
    from vxacq.security.audit_message import clean

    def allowed(c: int) -> bool:
        return c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or \
            0x10000 <= c <= 0x10FFFF

    points = [*range(0x11000), *range(0x10FF00, 0x110000)]
    text = "".join(map(chr, points))
    assert clean(text) == "".join(chr(c) for c in points if allowed(c))

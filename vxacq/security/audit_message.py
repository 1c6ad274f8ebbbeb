"""The DICOM audit message (PS3.15 A.5) for one event of the local audit trail.

:func:`kind_of` maps the action words the code records (``"user login"``, ``"images sent"``,
``"security: TLS refused"``, ...) to a DICOM audit event (PS3.15 A.5.3, codes of PS3.16 CID
400-403); :func:`build` writes the ``AuditMessage`` XML that the schema of A.5.1
(``resources/dicom-audit-message.rng``) accepts. Events with no DICOM counterpart (a job
retried in the send queue) stay in the local trail only: ``kind_of`` returns None for them.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# Every character XML 1.0 forbids (what its Char production leaves out); a value from the
# network may carry them. Listed as they are, not as "all but the allowed": that negated
# class took ~10 ms to compile, at the import of every command that records an audit event.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Audit Source Type Code (PS3.15 A.5.1.2.1): a data acquisition device.
ACQUISITION_DEVICE = "2"

# Outcome (EventOutcomeIndicator)
SUCCESS, MINOR_FAILURE, SERIOUS_FAILURE, MAJOR_FAILURE = 0, 4, 8, 12

Code = tuple[str, str]  # (code value, code meaning), coding scheme DCM


@dataclass(frozen=True)
class EventKind:
    """One DICOM audit event: its EventID, EventActionCode and EventTypeCode, the outcome its
    action word implies, and which way data flows between us and the peer (``"out"``: we are
    the Source (110153), the peer the Destination (110152); ``"in"``: the reverse)."""

    event: Code
    action_code: str
    type_code: Code | None = None
    outcome: int = SUCCESS
    flow: str = ""


APPLICATION_ACTIVITY = ("110100", "Application Activity")
BEGIN_TRANSFERRING = ("110102", "Begin Transferring DICOM Instances")
INSTANCES_ACCESSED = ("110103", "DICOM Instances Accessed")
INSTANCES_TRANSFERRED = ("110104", "DICOM Instances Transferred")
EXPORT = ("110106", "Export")
IMPORT = ("110107", "Import")
ORDER_RECORD = ("110109", "Order Record")
PATIENT_RECORD = ("110110", "Patient Record")
PROCEDURE_RECORD = ("110111", "Procedure Record")
QUERY = ("110112", "Query")
SECURITY_ALERT = ("110113", "Security Alert")
USER_AUTHENTICATION = ("110114", "User Authentication")

APPLICATION_START = ("110120", "Application Start")
APPLICATION_STOP = ("110121", "Application Stop")
LOGIN = ("110122", "Login")
LOGOUT = ("110123", "Logout")
NODE_AUTHENTICATION = ("110126", "Node Authentication")
EMERGENCY_OVERRIDE_STARTED = ("110127", "Emergency Override Started")
NETWORK_CONFIGURATION = ("110128", "Network Configuration")
USE_OF_RESTRICTED_FUNCTION = ("110132", "Use of Restricted Function")
USER_SECURITY_ATTRIBUTES_CHANGED = ("110137", "User Security Attributes Changed")

ROLE_APPLICATION = ("110150", "Application")
ROLE_APPLICATION_LAUNCHER = ("110151", "Application Launcher")
ROLE_DESTINATION = ("110152", "Destination Role ID")
ROLE_SOURCE = ("110153", "Source Role ID")
ROLE_DESTINATION_MEDIA = ("110154", "Destination Media")
MEDIA_URI = ("110037", "URI")

STUDY_INSTANCE_UID = ("110180", "Study Instance UID")
SOP_CLASS_UID = ("110181", "SOP Class UID")
NODE_ID = ("110182", "Node ID")

# The action words recorded across the code, and the event each one is.
EVENTS: dict[str, EventKind] = {
    "application start": EventKind(APPLICATION_ACTIVITY, "E", APPLICATION_START),
    "application stop": EventKind(APPLICATION_ACTIVITY, "E", APPLICATION_STOP),
    "user login": EventKind(USER_AUTHENTICATION, "E", LOGIN),
    "user login failed": EventKind(USER_AUTHENTICATION, "E", LOGIN, MINOR_FAILURE),
    "user logout": EventKind(USER_AUTHENTICATION, "E", LOGOUT),
    "user locked out": EventKind(SECURITY_ALERT, "E", USER_SECURITY_ATTRIBUTES_CHANGED,
                                 MINOR_FAILURE),
    "account changed": EventKind(SECURITY_ALERT, "E", USER_SECURITY_ATTRIBUTES_CHANGED),
    "break glass": EventKind(SECURITY_ALERT, "E", EMERGENCY_OVERRIDE_STARTED),
    "configuration changed": EventKind(SECURITY_ALERT, "E", NETWORK_CONFIGURATION),
    "association refused": EventKind(SECURITY_ALERT, "E", NODE_AUTHENTICATION, MINOR_FAILURE),
    "node authentication failed": EventKind(SECURITY_ALERT, "E", NODE_AUTHENTICATION,
                                            MINOR_FAILURE),
    "TLS failure": EventKind(SECURITY_ALERT, "E", NODE_AUTHENTICATION, MINOR_FAILURE),
    # a dose notification value (NEMA XR 25) passed on the operator's confirmation
    "dose notification confirmed": EventKind(SECURITY_ALERT, "E", USE_OF_RESTRICTED_FUNCTION),
    "patient record opened": EventKind(PATIENT_RECORD, "R"),
    "exam started": EventKind(PATIENT_RECORD, "R"),
    "exam reopened": EventKind(PATIENT_RECORD, "R"),
    "exam reconciled": EventKind(PATIENT_RECORD, "U"),
    "images moved to the right order": EventKind(PATIENT_RECORD, "U"),
    "worklist received": EventKind(ORDER_RECORD, "R", flow="in"),
    "query": EventKind(QUERY, "E", flow="out"),
    "export": EventKind(EXPORT, "R", flow="out"),
    "import": EventKind(IMPORT, "C", flow="in"),
    "begin transferring": EventKind(BEGIN_TRANSFERRING, "E", flow="out"),
    "images sent": EventKind(INSTANCES_TRANSFERRED, "R", flow="out"),
    "image accepted": EventKind(INSTANCES_ACCESSED, "C"),
    "frame recovered": EventKind(INSTANCES_ACCESSED, "C"),
    "image rejected": EventKind(INSTANCES_ACCESSED, "U"),
    "image rejected after sending": EventKind(INSTANCES_ACCESSED, "U"),
    "exposure moved here": EventKind(INSTANCES_ACCESSED, "U"),
    "image re-processed": EventKind(INSTANCES_ACCESSED, "U"),
    "exposure discarded": EventKind(INSTANCES_ACCESSED, "D"),
    "exam completed": EventKind(PROCEDURE_RECORD, "U"),
    "exam discontinued": EventKind(PROCEDURE_RECORD, "U"),
}
# What our listener's front door and the commitment handler refuse: "security: <what>".
SECURITY_PREFIX = "security: "


def kind_of(action: str) -> EventKind | None:
    """The DICOM audit event of an action word, or None for one kept in the local trail only."""
    if action in EVENTS:
        return EVENTS[action]
    if action.startswith(SECURITY_PREFIX):
        return EventKind(SECURITY_ALERT, "E", NODE_AUTHENTICATION, MINOR_FAILURE)
    return None


@dataclass(frozen=True)
class AuditSource:
    """Who reports: the station (AuditSourceID = its AE title), its site and host."""

    ae_title: str
    site: str = ""
    host: str = ""

    @classmethod
    def of_station(cls, ae_title: str, site: str = "") -> AuditSource:
        return cls(ae_title=ae_title, site=site, host=socket.gethostname())


def clean(value: object) -> str:
    """``value`` as text XML can carry: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", str(value))


def build(*, action: str, at: datetime, user: str, detail: str, data: dict[str, Any],
          source: AuditSource) -> bytes | None:
    """The AuditMessage (UTF-8 XML) of one recorded event, or None if the action has no DICOM
    audit event. ``data`` is the event's structured part (see ``audit.record``)."""
    kind = kind_of(action)
    if kind is None:
        return None
    root = ET.Element("AuditMessage")
    when = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    outcome = int(data.get("outcome", kind.outcome))
    event = _sub(root, "EventIdentification", EventActionCode=kind.action_code,
                 EventDateTime=when.isoformat(timespec="milliseconds"),
                 EventOutcomeIndicator=str(outcome))
    _code(event, "EventID", kind.event)
    if kind.type_code:
        _code(event, "EventTypeCode", kind.type_code)
    if detail:
        ET.SubElement(event, "EventOutcomeDescription").text = clean(detail)
    _participants(root, kind, user, data, source)
    site = {"AuditEnterpriseSiteID": source.site} if source.site else {}
    audit_source = _sub(root, "AuditSourceIdentification", AuditSourceID=source.ae_title, **site)
    _sub(audit_source, "AuditSourceTypeCode", **{"csd-code": ACQUISITION_DEVICE})
    _objects(root, kind, data)
    # one line: a syslog receiver stores each message as one
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8",
                                                                 xml_declaration=False)


def _participants(root: ET.Element, kind: EventKind, user: str, data: dict[str, Any],
                  source: AuditSource) -> None:
    peer_ae, peer_address = data.get("peer_ae", ""), data.get("peer_address", "")
    ours = {"UserID": source.ae_title, "AlternativeUserID": f"AETITLES={source.ae_title}",
            "UserIsRequestor": "false" if user else "true"}
    if source.host:
        ours |= {"NetworkAccessPointID": source.host, "NetworkAccessPointTypeCode": "1"}
    if user:
        person = _sub(root, "ActiveParticipant", UserID=user, UserIsRequestor="true")
        if kind.event == APPLICATION_ACTIVITY:
            _code(person, "RoleIDCode", ROLE_APPLICATION_LAUNCHER)
    application = _sub(root, "ActiveParticipant", **ours)
    if kind.event == APPLICATION_ACTIVITY:
        _code(application, "RoleIDCode", ROLE_APPLICATION)
    elif kind.flow == "out":
        _code(application, "RoleIDCode", ROLE_SOURCE)
    elif kind.flow == "in":
        _code(application, "RoleIDCode", ROLE_DESTINATION)
    if kind.event == EXPORT and data.get("destination"):
        media = _sub(root, "ActiveParticipant", UserID=data["destination"],
                     UserIsRequestor="false")
        _code(media, "RoleIDCode", ROLE_DESTINATION_MEDIA)
        _code(ET.SubElement(media, "MediaIdentifier"), "MediaType", MEDIA_URI)
    elif peer_ae or peer_address:
        attributes = {"UserID": peer_ae or peer_address, "UserIsRequestor": "false"}
        if peer_ae:
            attributes["AlternativeUserID"] = f"AETITLES={peer_ae}"
        if peer_address:
            attributes |= {"NetworkAccessPointID": peer_address,
                           "NetworkAccessPointTypeCode": "2" if _is_ip(peer_address) else "1"}
        peer = _sub(root, "ActiveParticipant", **attributes)
        if kind.flow:
            _code(peer, "RoleIDCode", ROLE_DESTINATION if kind.flow == "out" else ROLE_SOURCE)


def _objects(root: ET.Element, kind: EventKind, data: dict[str, Any]) -> None:
    if patient_id := data.get("PatientID"):
        patient = _sub(root, "ParticipantObjectIdentification", ParticipantObjectID=patient_id,
                       ParticipantObjectTypeCode="1", ParticipantObjectTypeCodeRole="1")
        _code(patient, "ParticipantObjectIDTypeCode", ("2", "Patient Number"), scheme="RFC-3881")
        ET.SubElement(patient, "ParticipantObjectName").text = clean(data.get("PatientName", ""))
    if study_uid := data.get("StudyInstanceUID"):
        study = _sub(root, "ParticipantObjectIdentification", ParticipantObjectID=study_uid,
                     ParticipantObjectTypeCode="2", ParticipantObjectTypeCodeRole="3")
        _code(study, "ParticipantObjectIDTypeCode", STUDY_INSTANCE_UID)
        # A.5.1 makes a name (or a query) mandatory: the accession names the study to people
        ET.SubElement(study, "ParticipantObjectName").text = clean(
            data.get("AccessionNumber") or study_uid)
        description = ET.SubElement(study, "ParticipantObjectDescription")
        if accession := data.get("AccessionNumber"):
            _sub(description, "Accession", Number=accession)
        for sop_class, count in (data.get("sop_classes") or {}).items():
            _sub(description, "SOPClass", UID=sop_class, NumberOfInstances=str(int(count)))
    if kind.event == QUERY and data.get("query") is not None:
        query = _sub(root, "ParticipantObjectIdentification",
                     ParticipantObjectID=data.get("query_model") or "unknown",
                     ParticipantObjectTypeCode="2", ParticipantObjectTypeCodeRole="3")
        _code(query, "ParticipantObjectIDTypeCode", SOP_CLASS_UID)
        ET.SubElement(query, "ParticipantObjectQuery").text = base64.b64encode(
            str(data["query"]).encode("utf-8")).decode("ascii")
    if kind.event == SECURITY_ALERT and data.get("peer_address"):
        node = _sub(root, "ParticipantObjectIdentification",
                    ParticipantObjectID=data["peer_address"], ParticipantObjectTypeCode="2",
                    ParticipantObjectTypeCodeRole="13")
        _code(node, "ParticipantObjectIDTypeCode", NODE_ID)
        ET.SubElement(node, "ParticipantObjectName").text = clean(
            data.get("peer_ae") or data["peer_address"])


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: clean(v) for k, v in attributes.items()})


def _code(parent: ET.Element, tag: str, code: Code, *, scheme: str = "DCM") -> ET.Element:
    # A.5.1's coded value: csd-code, codeSystemName and (mandatory) originalText
    return _sub(parent, tag, **{"csd-code": code[0], "codeSystemName": scheme,
                                "originalText": code[1]})


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True

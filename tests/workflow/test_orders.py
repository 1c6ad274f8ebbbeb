"""Manual registration, order lists, the procedure table and reject reasons (no network)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from vxacq.db import Order, Patient, database_for
from vxacq.dicom.codes import REJECT_REASONS
from vxacq.workflow import procedures
from vxacq.workflow.orders import (
    ManualPatient, ValidationError, find_by_scan, is_emergency, list_orders, next_emergency_id,
    order_inputs, register_emergency, register_manual, validate_manual,
)
from vxacq.workflow.reasons import reject_code, reject_reasons


def test_validation_names_every_wrong_field() -> None:
    problems = validate_manual(ManualPatient(
        PatientName="", PatientID="A\\B", PatientBirthDate="19711302", PatientSex="X",
        AccessionNumber="12345678901234567"), today=dt.date(2026, 1, 1))
    assert set(problems) == {"PatientName", "PatientID", "PatientBirthDate", "PatientSex",
                             "AccessionNumber"}
    assert "YYYYMMDD" in problems["PatientBirthDate"] and "16" in problems["AccessionNumber"]
    assert "future" in validate_manual(ManualPatient("Doe^John", "1", "20990101"))["PatientBirthDate"]


def test_name_the_station_character_set_cannot_write_is_refused() -> None:
    patient = ManualPatient("Ли^Анна", "E-1")
    assert "character set" in validate_manual(patient, "ISO_IR 100")["PatientName"]
    assert validate_manual(patient, "ISO_IR 192") == {}


def test_register_manual_saves_an_unscheduled_order(tmp_path: Path) -> None:
    db = database_for(tmp_path)
    with pytest.raises(ValidationError) as refused:
        register_manual(db, ManualPatient("Doe^John", ""))
    assert list(refused.value.problems) == ["PatientID"] and list_orders(db) == []
    order = register_manual(db, ManualPatient("Doe^John", "E-0001", "19800101", "M",
                                              RequestedProcedureDescription="trauma chest"))
    assert order.node == "" and order.StudyInstanceUID and order.state == "scheduled"
    assert [o.id for o in list_orders(db, text="doe")] == [order.id]
    assert list_orders(db, text="nobody") == []
    patient, scheduled = order_inputs(db, order.id)
    assert scheduled is None and patient.PatientBirthDate == dt.date(1980, 1, 1)


def test_emergency_patients_get_a_new_identity_each(tmp_path: Path) -> None:
    db = database_for(tmp_path)
    day = dt.date(2026, 12, 5)
    first = register_emergency(db, "DX1", today=day)
    second = register_emergency(db, "DX1", name_pattern="UNKNOWN^{n}", today=day)
    assert (first.PatientID, first.PatientName) == ("EMR-DX1-20261205-1", "TRAUMA^1")
    assert (second.PatientID, second.PatientName) == ("EMR-DX1-20261205-2", "UNKNOWN^2")
    assert is_emergency(first) and first.RequestedProcedurePriority == "STAT"
    # another station, another day: numbered on their own; a typed ID is never reused
    assert register_emergency(db, "DX2", today=day).PatientID == "EMR-DX2-20261205-1"
    assert next_emergency_id(db, "DX1", dt.date(2026, 12, 6)) == "EMR-DX1-20261206-1"
    register_manual(db, ManualPatient("Doe^John", "EMR-DX1-20261205-7"))
    assert register_emergency(db, "DX1", today=day).PatientID == "EMR-DX1-20261205-8"
    patient, order = order_inputs(db, first.id)
    assert order is None and patient.IssuerOfPatientID == "VXACQ-DX1"
    assert not is_emergency(register_manual(db, ManualPatient("Roe^Jane", "H-1")))


def test_a_scan_finds_accession_then_patient_id_then_requested_procedure(tmp_path: Path) -> None:
    db = database_for(tmp_path)
    with db.session() as session:
        for pid, accession, rpid in (("P1", "A1", "R1"), ("P2", "A2", "R2"), ("P2", "A3", "A1x"),
                                     ("A2", "A4", "R4")):
            patient = session.exec(select(Patient).where(Patient.PatientID == pid)).first() \
                or Patient(PatientID=pid, PatientName="Doe^John")
            session.add(patient)
            session.flush()
            session.add(Order(patient_id=patient.id, node="ris", AccessionNumber=accession,
                              RequestedProcedureID=rpid))
    assert [o.AccessionNumber for o in find_by_scan(db, " A1 ")] == ["A1"]
    assert [o.AccessionNumber for o in find_by_scan(db, "A2")] == ["A2"]  # accession first
    assert sorted(o.AccessionNumber for o in find_by_scan(db, "P2")) == ["A2", "A3"]
    assert [o.AccessionNumber for o in find_by_scan(db, "R4")] == ["A4"]
    assert find_by_scan(db, "A1x")[0].AccessionNumber == "A3"
    assert find_by_scan(db, "A") == [] and find_by_scan(db, "") == []


def test_an_emergency_opens_with_a_supine_chest_ap_else_a_chest() -> None:
    known = procedures.load_protocols()
    base = known["CHEST_PA"]
    ap = replace(base, id="CHEST_AP", name="Chest AP", view_position="AP")
    supine = replace(base, id="CHEST_AP_SUPINE", name="Chest AP supine", view_position="AP")
    hand = known["HAND_PA"]
    assert procedures.emergency_protocols({"H": hand, "C": base, "A": ap, "S": supine}) \
        == ["CHEST_AP_SUPINE"]
    assert procedures.emergency_protocols({"H": hand, "C": base, "A": ap}) == ["CHEST_AP"]
    assert procedures.emergency_protocols({"H": hand, "C": base}) == ["CHEST_PA"]
    assert procedures.emergency_protocols({"H": hand}) == []


def test_procedures_map_codes_then_words() -> None:
    assert procedures.protocols_for("RPID-CHEST2") == ["CHEST_PA", "CHEST_LAT"]
    assert procedures.protocols_for("", "Chest 2 views PA + lateral") == ["CHEST_PA", "CHEST_LAT"]
    assert procedures.protocols_for("", "XR chest") == ["CHEST_PA"]
    assert procedures.protocols_for("", "CT brain") == []
    assert procedures.laterality_for("Knee left") == "L"
    assert procedures.laterality_for("knees left and right") == ""


def test_procedure_table_with_an_unknown_protocol_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "p.toml"
    table.write_text('[[procedure]]\nwords = ["foot"]\nprotocols = ["FOOT_AP"]\n')
    with pytest.raises(ValueError, match="FOOT_AP"):
        procedures.load(table)


def test_reject_reasons_are_cid7011_then_local(tmp_path: Path) -> None:
    reasons = reject_reasons()
    assert [r.key for r in reasons if not r.local] == list(REJECT_REASONS)
    assert reject_code("PatientMoved").scheme_designator == "99VXACQ"
    local = tmp_path / "r.toml"
    local.write_text('[[reason]]\nkey = "Cold"\nvalue = "C1"\nscheme = "99X"\n')
    with pytest.raises(ValueError, match="meaning"):
        reject_reasons(local)
    with pytest.raises(ValueError, match="not a reject reason"):
        reject_code("Nope")


def test_procedures_map_the_common_examinations_to_their_views() -> None:
    rules = procedures.load()
    expected = {
        "XR C-SPINE TRAUMA": ["CSPINE_AP", "CSPINE_LAT", "CSPINE_ODONTOID"],
        "XR T-SPINE": ["TSPINE_AP", "TSPINE_LAT"],
        "XR LUMBAR SPINE 2 VIEWS": ["LSPINE_AP", "LSPINE_LAT"],
        "XR CHEST PORTABLE": ["CHEST_AP_MOBILE"],  # the specific chest before "chest"
        "XR CHEST PAEDIATRIC": ["CHEST_PAED_AP"],
        "XR ANKLE LEFT": ["ANKLE_AP", "ANKLE_MORTISE", "ANKLE_LAT"],
        "XR SCAPHOID RIGHT": ["WRIST_PA", "WRIST_LAT", "WRIST_OBL", "WRIST_SCAPHOID"],
        "XR ABDOMEN ERECT": ["ABDOMEN_AP", "ABDOMEN_ERECT"],
        "XR SPINE COMPLETE": [],  # "complete" is not the c of C-SPINE
        "XR WHOLE SPINE SCOLIOSIS": ["SPINE_FULL_AP"],
        "XR LEG LENGTH STANDING": ["LEG_LONG_AP"],
    }
    for description, protocols in expected.items():
        assert procedures.protocols_for("", description, rules=rules) == protocols, description


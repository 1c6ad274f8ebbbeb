"""Manual registration, order lists, the procedure table and reject reasons (no network)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vxacq.db import database_for
from vxacq.dicom.codes import REJECT_REASONS
from vxacq.workflow import procedures
from vxacq.workflow.orders import (
    ManualPatient, ValidationError, list_orders, order_inputs, register_manual, validate_manual,
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

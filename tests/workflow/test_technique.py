"""Patient size from the patient, and the protocol technique for it (and in the exam)."""

import datetime as dt

import pytest

from vxacq.dicom.inputs import PatientInfo
from vxacq.protocols import ProtocolError, get
from vxacq.workflow.technique import (
    age_years, patient_size, protocols_in_region, technique_for,
)

TODAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize("patient, size", [
    (PatientInfo(), "medium"),  # nothing known: the standard adult
    (PatientInfo(PatientAge="045Y"), "medium"),
    (PatientInfo(PatientAge="006M"), "infant"),
    (PatientInfo(PatientAge="003W"), "infant"),
    (PatientInfo(PatientBirthDate=dt.date(2021, 1, 1)), "child"),
    (PatientInfo(PatientAge="014Y"), "small"),  # a teenager: small adult
    (PatientInfo(PatientAge="008Y", PatientWeight=45.0), "small"),  # weight beats age
    (PatientInfo(PatientAge="002Y", PatientWeight=8.0), "infant"),
    (PatientInfo(PatientSize=1.80, PatientWeight=110.0), "large"),  # BMI 34
    (PatientInfo(PatientSize=1.70, PatientWeight=50.0), "small"),  # BMI 17.3
    (PatientInfo(PatientSize=1.90, PatientWeight=100.0), "medium"),  # BMI 27.7: tall, not large
    (PatientInfo(PatientWeight=120.0), "large"),
    (PatientInfo(PatientWeight=48.0), "small"),
    (PatientInfo(PatientWeight=0.0), "medium"),  # zero is "unknown", not tiny
])
def test_patient_size(patient: PatientInfo, size: str) -> None:
    assert patient_size(patient, on=TODAY) == size


def test_age_from_age_string_or_birth_date() -> None:
    assert age_years(PatientInfo(PatientAge="012M")) == pytest.approx(1.0)
    assert age_years(PatientInfo(PatientBirthDate=dt.date(2016, 12, 5)), on=TODAY) == \
        pytest.approx(10.0, abs=0.01)
    assert age_years(PatientInfo()) is None


def test_technique_for_size_and_fallback() -> None:
    chest = get("CHEST_PA")
    found, note = technique_for(chest, "infant")
    assert (found.kv, note) == (chest.technique_by_size["infant"][0], "")
    assert found.kv ** 2 * found.mas < chest.kv ** 2 * chest.mas  # tube output goes as kV²
    paed = get("CHEST_PAED_AP")
    found, note = technique_for(paed, "large")  # no adult sizes: the nearest one, said so
    assert found.size == "child" and "no technique for a large patient" in note
    with pytest.raises(ProtocolError, match="patient size 'huge'"):
        technique_for(chest, "huge")


def test_regions_list_their_protocols() -> None:
    ids = [p.id for p in protocols_in_region("hand")]
    assert "HAND_PA" in ids and "WRIST_SCAPHOID" in ids and "CHEST_PA" not in ids
    with pytest.raises(ProtocolError, match="region 'torso'"):
        protocols_in_region("torso")


def test_the_exam_exposes_a_child_with_the_child_technique(tmp_path, calibrated_data) -> None:
    from pathlib import Path

    from tests import peers
    from tests.workflow.conftest import write_station
    from vxacq.db import database_for
    from vxacq.hal import rawstore
    from vxacq.workflow.exam import Exam
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    born = dt.date.today().replace(year=dt.date.today().year - 5, day=1)
    order = register_manual(db, ManualPatient("Kid^Kim", "K-5", born.strftime("%Y%m%d")))
    exam = Exam.start(config, db, order.id)
    assert exam.patient_size == "child"
    hand = get("HAND_PA")
    child = hand.technique_for("child")
    assert exam.technique("HAND_PA") == (child.kv, child.mas) != (hand.kv, hand.mas)
    view = exam.expose("HAND_PA", laterality="L")
    _, sidecar = rawstore.load(Path(view.raw_path).parent, Path(view.raw_path).stem)
    assert (sidecar["requested"]["kv"], sidecar["requested"]["mas"]) == (child.kv, child.mas)
    # the radiographer's own technique wins
    view = exam.expose("HAND_PA", laterality="L", kv=57.0, mas=2.5)
    _, sidecar = rawstore.load(Path(view.raw_path).parent, Path(view.raw_path).stem)
    assert (sidecar["requested"]["kv"], sidecar["requested"]["mas"]) == (57.0, 2.5)

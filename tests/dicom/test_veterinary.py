"""Veterinary patients: the † attributes are written for animals and only for animals."""

from __future__ import annotations

from dataclasses import replace

import pytest
import samples as s

from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.inputs import AnimalInfo

VET_KEYWORDS = (
    "PatientSpeciesDescription", "PatientSpeciesCodeSequence", "PatientBreedDescription",
    "PatientBreedCodeSequence", "BreedRegistrationSequence", "ResponsiblePerson",
    "ResponsiblePersonRole", "ResponsibleOrganization", "PatientSexNeutered",
)


def build(patient, native=("CR", "D")):
    return DXImage(
        patient=patient, study=s.study(), series=s.series(), equipment=s.equipment(), detector=s.detector(),
        exposure=s.exposure(), image=s.image(rotation=90), body_part="ABDOMEN", view="LL",
        ImageLaterality="U", native_orientation=native,
    )


def test_animal_patient_has_every_veterinary_attribute(tmp_path, validate):
    dog = s.dog()
    back = part10.read(part10.write(tmp_path / "dog.dcm", build(dog)))
    assert back.PatientSpeciesDescription == "Canis lupus familiaris"
    assert back.PatientSpeciesCodeSequence[0].CodeValue == "448771007"
    assert back.PatientBreedDescription == "Beagle"
    assert back.PatientBreedCodeSequence[0].CodeValue == dog.animal.PatientBreedCode.value
    registration = back.BreedRegistrationSequence[0]
    assert registration.BreedRegistrationNumber == "AKC-1234"
    assert registration.BreedRegistryCodeSequence[0].CodeValue == "109200"
    assert str(back.ResponsiblePerson) == "Smith^John" and back.ResponsiblePersonRole == "OWNER"
    assert back.ResponsibleOrganization == "Happy Paws Clinic"
    assert back.PatientSexNeutered == "ALTERED"
    # Quadruped orientation terms, moved by the 90° rotation: cranial/dorsal → ventral/cranial.
    assert list(back.PatientOrientation) == ["V", "CR"]
    assert validate(tmp_path / "dog.dcm") == []


def test_animal_with_unknown_breed_writes_the_type_2c_attributes_empty(tmp_path, validate):
    animal = AnimalInfo(PatientSpeciesDescription="Felis catus", ResponsibleOrganization="Shelter")
    ds = build(replace(s.dog(), animal=animal))
    assert ds.PatientBreedDescription == "" and ds.PatientBreedCodeSequence == []
    assert ds.BreedRegistrationSequence == [] and ds.ResponsiblePerson == ""
    assert "ResponsiblePersonRole" not in ds and ds.PatientSexNeutered == ""
    assert validate(part10.write(tmp_path / "cat.dcm", ds)) == []


def test_human_patient_has_none_of_them():
    ds = build(s.patient(), native=("L", "F"))
    assert not any(k in ds for k in VET_KEYWORDS)


@pytest.mark.parametrize("animal, message", [
    (AnimalInfo(), "Patient Species"),
    (AnimalInfo(PatientSpeciesDescription="Equus", ResponsiblePerson="Doe^J"), "Responsible Person Role"),
    (AnimalInfo(PatientSpeciesDescription="Equus", ResponsiblePerson="Doe^J", ResponsiblePersonRole="BOSS"),
     "Responsible Person Role"),
    (AnimalInfo(PatientSpeciesDescription="Equus", PatientSexNeutered="SPAYED"), "Sex Neutered"),
])
def test_incomplete_animal_is_refused(animal, message):
    with pytest.raises(ValueError, match=message):
        build(replace(s.dog(), animal=animal))


def test_dose_report_of_an_animal(tmp_path, validate):
    from vxacq.dicom.inputs import Acquisition
    from vxacq.dicom.rdsr import XRayRadiationDoseSR

    sr = XRayRadiationDoseSR(patient=s.dog(), study=s.study(), equipment=s.equipment(),
                             acquisitions=[Acquisition(s.exposure(), "ABDOMEN", "LL", "U")])
    back = part10.read(part10.write(tmp_path / "dog-rdsr.dcm", sr))
    assert back.PatientSpeciesDescription == "Canis lupus familiaris" and back.PatientSexNeutered == "ALTERED"
    assert validate(tmp_path / "dog-rdsr.dcm") == []

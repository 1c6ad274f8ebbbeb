"""Worklist items and configurations shared by the order-side network tests."""

from __future__ import annotations

from pathlib import Path

from pydicom.dataset import Dataset

from vxacq import config as configuration

STATION_AE = "VXACQ"

# (Specific Character Set, Patient's Name) pairs: each set the issue names, the Japanese
# name with all three component groups, and one answer without (0008,0005) in Latin-1.
NAMES = {
    "latin1": ("ISO_IR 100", "Müller^Jürgen"),
    "utf8": ("ISO_IR 192", "Wang^XiaoDong=王^小東"),
    "japanese": ("\\ISO 2022 IR 87", "Yamada^Tarou=山田^太郎=やまだ^たろう"),
    "korean": ("\\ISO 2022 IR 149", "Hong^Gildong=洪^吉洞=홍^길동"),
    "none": (None, "Ødegård^Åse"),  # sent in Latin-1 with no (0008,0005)
}


def worklist_item(key: str, *, date: str, accession: str, station: str = STATION_AE,
                  modality: str = "DX", charset: str | None = None, name: str | None = None,
                  step_id: str | None = None) -> Dataset:
    """A complete MWL item (the attributes wlmscpfs -efr insists on, and more)."""
    default_charset, default_name = NAMES.get(key, ("ISO_IR 100", "Doe^Jane"))
    charset = charset if charset is not None else default_charset
    ds = Dataset()
    if charset:
        ds.SpecificCharacterSet = charset.split("\\") if "\\" in charset else charset
    ds.PatientName = name or default_name
    ds.PatientID = f"PID-{accession}"
    ds.PatientBirthDate = "19800229"
    ds.PatientSex = "F"
    ds.AccessionNumber = accession
    ds.ReferringPhysicianName = "Referrer^Rita"
    ds.RequestingPhysician = "Asker^Anna"
    ds.RequestedProcedureID = f"RP-{accession}"
    ds.RequestedProcedureDescription = "Chest two views"
    ds.RequestedProcedurePriority = "ROUTINE"
    ds.StudyInstanceUID = f"1.2.826.0.1.3680043.10.543.{abs(hash(accession)) % 10**8}"
    ds.AdmissionID = ""
    ds.CurrentPatientLocation = ""
    ds.PatientWeight = "70"
    step = Dataset()
    step.ScheduledStationAETitle = station
    step.ScheduledProcedureStepStartDate = date
    step.ScheduledProcedureStepStartTime = "090000"
    step.Modality = modality
    step.ScheduledPerformingPhysicianName = ""
    step.ScheduledProcedureStepDescription = "Chest PA and lateral"
    step.ScheduledProcedureStepID = step_id or f"SPS-{accession}"
    step.ScheduledStationName = "ROOM1"
    step.ScheduledProcedureStepLocation = ""
    ds.ScheduledProcedureStepSequence = [step]
    return ds


def node_config(tmp_path: Path, peer_ae: str, port: int, services: list[str], **node) -> configuration.Config:
    raw = {"station": {"ae_title": STATION_AE, "data_dir": str(tmp_path / "data")},
           "node": [{"name": "ris", "ae_title": peer_ae, "host": "127.0.0.1", "port": port,
                     "services": services, "connect_timeout": 3, "acse_timeout": 5,
                     "dimse_timeout": 10, "retries": 3, "retry_delay": 0.2, **node}]}
    return configuration.from_dict(raw)

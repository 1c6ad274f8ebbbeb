"""A small department of real peers for the workflow tests, and a calibrated DRTEST station.

wlmscpfs answers the worklist, Orthanc stores and commits (reporting on a new association to
our listener), the demo department's MPPS receiver records the steps (no DCMTK/Orthanc tool is
an MPPS SCP). The detector calibration is made once per session and copied into each test's
data dir.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydicom.dataset import Dataset

from hardware_sim.department.mpps import MppsReceiver
from hardware_sim.simulator import Simulator
from tests import peers
from vxacq import config as configuration
from vxacq.config import Config
from vxacq.db import Database, database_for

STATION_AE = "VXACQ_WF"


@pytest.fixture(scope="session")
def calibrated_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding a DRTEST calibration (made by `vxacq calibrate`)."""
    folder = tmp_path_factory.mktemp("calibrated")
    path = folder / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{folder / "data"}"\n[hardware]\n'
                    'detector_model = "DRTEST"\nsim_time_scale = 0.05\n')
    done = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(path), "calibrate"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder / "data"


def worklist_item(accession: str, name: str = "Müller^Jürgen", patient_id: str = "P-1001",
                  description: str = "XR CHEST PA AND LAT", procedure_code: str = "RPID-CHEST2",
                  charset: str = "ISO_IR 192", study_uid: str = "") -> Dataset:
    """One scheduled DX step for our station, today."""
    from pydicom.uid import generate_uid

    ds = Dataset()
    ds.SpecificCharacterSet = charset
    ds.PatientName = name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19710423"
    ds.PatientSex = "M"
    ds.AccessionNumber = accession
    ds.RequestedProcedureID = f"RP{accession}"[:16]
    ds.RequestedProcedureDescription = description
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = procedure_code, "99RIS", description
    ds.RequestedProcedureCodeSequence = [code]
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.ReferringPhysicianName = "Weber^Anna"
    ds.RequestedProcedurePriority = "ROUTINE"
    sps = Dataset()
    sps.ScheduledStationAETitle = STATION_AE
    sps.ScheduledProcedureStepStartDate = dt.date.today().strftime("%Y%m%d")
    sps.ScheduledProcedureStepStartTime = "090000"
    sps.Modality = "DX"
    sps.ScheduledProcedureStepID = f"SPS{accession}"[:16]
    sps.ScheduledProcedureStepDescription = description
    protocol = Dataset()
    protocol.CodeValue, protocol.CodingSchemeDesignator = f"P-{procedure_code}", "99RIS"
    protocol.CodeMeaning = description
    sps.ScheduledProtocolCodeSequence = [protocol]
    ds.ScheduledProcedureStepSequence = [sps]
    return ds


@dataclass
class Department:
    worklist: peers.Peer
    archive: peers.Peer
    mpps: MppsReceiver
    config: Config
    db: Database


def write_station(folder: Path, calibrated: Path, nodes: str, listen_port: int) -> Config:
    data = folder / "data"
    shutil.copytree(calibrated, data)
    path = folder / "vxacq.toml"
    path.write_text(
        f'[station]\nae_title = "{STATION_AE}"\nlisten_port = {listen_port}\n'
        f'station_name = "WF-TEST"\ninstitution_name = "Test Hospital"\ndata_dir = "{data}"\n'
        '[hardware]\ndetector_model = "DRTEST"\nsim_time_scale = 0.05\n' + nodes)
    return configuration.load(path)


@contextmanager
def simulated_station(folder: Path, calibrated: Path,
                      seed: int) -> Iterator[tuple[Simulator, Config, Database]]:
    """A station with no node whose simulator outlives each exposure (a frame can stay in its
    panel, a fault can be injected between exposures)."""
    sim = Simulator(model="DRTEST", time_scale=0.05, seed=seed).start()
    config = write_station(folder / "station", calibrated, "", peers.free_port())
    config.hardware.generator_url, config.hardware.detector_url = sim.generator_url, \
        sim.detector_url
    try:
        yield sim, config, database_for(config.data_dir)
    finally:
        sim.close()


def node(name: str, ae: str, port: int, services: list[str], **extra: object) -> str:
    lines = [f'[[node]]\nname = "{name}"\nae_title = "{ae}"\nhost = "127.0.0.1"\nport = {port}',
             "services = [" + ", ".join(f'"{s}"' for s in services) + "]",
             "retries = 20\nretry_delay = 0.5\nconnect_timeout = 2.0\nacse_timeout = 5.0",
             "dimse_timeout = 10.0"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def department(tmp_path: Path, calibrated_data: Path, wlmscpfs: peers.Peer,
               orthanc_factory) -> Iterator[Department]:
    listen_port = peers.free_port()
    archive = orthanc_factory(modalities={"console": (STATION_AE, "127.0.0.1", listen_port)})
    mpps = MppsReceiver("TEST_RIS", 0).start()
    nodes = (node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
             + node("mppsrx", "TEST_RIS", mpps.port, ["mpps"])
             + node("pacs", archive.ae_title, archive.port, ["store", "commitment"],
                    commitment_timeout_minutes=5.0))
    config = write_station(tmp_path / "station", calibrated_data, nodes, listen_port)
    try:
        yield Department(wlmscpfs, archive, mpps, config, database_for(config.data_dir))
    finally:
        mpps.stop()

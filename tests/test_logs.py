"""Logs: two rotating files in the data dir, patient data kept out unless configured."""

import logging
from pathlib import Path

from pydicom import Dataset

from vxacq.logs import phi, redact, setup_logging


def test_application_and_dicom_logs_are_separate_files(tmp_path: Path) -> None:
    log_dir = setup_logging(tmp_path)
    logging.getLogger("vxacq.test").info("application line")
    logging.getLogger("pynetdicom.assoc").info("association line")
    for h in logging.getLogger("vxacq").handlers + logging.getLogger("pynetdicom").handlers:
        h.flush()
    app = (log_dir / "vxacq.log").read_text()
    dicom = (log_dir / "dicom.log").read_text()
    assert "application line" in app and "association line" not in app
    assert "association line" in dicom and "application line" not in dicom


def test_patient_data_is_redacted_by_default(tmp_path: Path) -> None:
    log_dir = setup_logging(tmp_path, log_patient_data=False)
    ds = Dataset()
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "MRN-123"
    ds.AccessionNumber = "ACC9"
    log = logging.getLogger("pynetdicom.dimse")
    log.info("Identifier:\n%s", ds)
    logging.getLogger("vxacq.worklist").info("order for %s (PatientID=MRN-123)", phi("Doe^Jane"))
    for h in logging.getLogger("vxacq").handlers + logging.getLogger("pynetdicom").handlers:
        h.flush()
    text = (log_dir / "dicom.log").read_text() + (log_dir / "vxacq.log").read_text()
    assert "Doe^Jane" not in text and "MRN-123" not in text
    assert "ACC9" in text  # only patient-identifying attributes are masked


def test_patient_data_is_kept_when_configured(tmp_path: Path) -> None:
    setup_logging(tmp_path, log_patient_data=True)
    assert phi("Doe^Jane") == "Doe^Jane"
    setup_logging(tmp_path, log_patient_data=False)
    assert phi("Doe^Jane") == "<redacted>"


def test_redact_handles_dump_and_keyword_forms() -> None:
    assert "Doe" not in redact("(0010,0010) Patient's Name  PN: 'Doe^J'")
    assert "Doe" not in redact("(0010,0010) PN [Doe^John]")
    assert "Brien" not in redact('(0010,0010) Patient\'s Name  PN: "O\'Brien^Pat"')
    assert "123" not in redact("PatientID=123, StudyDate=2024")
    assert "StudyDate=2024" in redact("PatientID=123, StudyDate=2024")


def test_text_from_the_network_cannot_forge_a_log_line(tmp_path: Path) -> None:
    """Before: a newline in a Transaction UID wrote a well-formed forged line of its own."""
    from vxacq.config import Config, StationConfig
    from vxacq.db import open_database
    from vxacq.net.commitment import STATUS_UNKNOWN_TRANSACTION, record_report

    log_dir = setup_logging(tmp_path)
    forged = "1.2.3\n2026-12-05 10:00:00,000 INFO    vxacq.net.commitment [x] committed"
    info = Dataset()
    info.TransactionUID = forged
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        status = record_report(Config(station=StationConfig()), db, 1, info, caller="EVIL\r\nAE")
    finally:
        db.close()
    assert status == STATUS_UNKNOWN_TRANSACTION
    for h in logging.getLogger("vxacq").handlers:
        h.flush()
    lines = (log_dir / "vxacq.log").read_text().splitlines()
    assert not any(line.startswith("2026-12-05 10:00:00,000") for line in lines)
    [line] = [line for line in lines if "never requested" in line]
    assert "1.2.3\\n2026-12-05" in line and "EVIL\\r\\nAE" in line


def test_tracebacks_keep_their_lines(tmp_path: Path) -> None:
    log_dir = setup_logging(tmp_path)
    try:
        raise ValueError("inner")
    except ValueError:
        logging.getLogger("vxacq.test").exception("it failed")
    for h in logging.getLogger("vxacq").handlers:
        h.flush()
    text = (log_dir / "vxacq.log").read_text()
    assert "it failed\nTraceback (most recent call last):" in text

"""Logging: a rotating application log and a separate DICOM association log in the data dir.

Patient names and IDs stay out of both unless the station configuration sets
``log_patient_data``: our own code wraps them in :func:`phi`, and a filter masks the patient
attributes (group 0010) in the dataset dumps pynetdicom writes at debug level.

Every line is one record: control characters in a message (a newline in a Transaction UID or
a worklist name from the network) are escaped, so text from outside cannot forge a log line.
Tracebacks are formatted apart from the message and keep their lines.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from vxacq.security.permissions import file_mode, make_private_dirs

APP_LOG = "vxacq.log"
DICOM_LOG = "dicom.log"
_MAX_BYTES = 10 * 1024 * 1024
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

_show_patient_data = False

# Dataset dumps: "(0010,0010) PN [Doe^John]" (pynetdicom) and "(0010,0010) Patient's Name PN: 'Doe^John'"
# (pydicom); and "PatientName=Doe^John" (our key=value style).
_TAG_VALUE = re.compile(
    r"(\(0010,[0-9A-Fa-f]{4}\)[^\n]*?)(\[[^\]\n]*\]|: '[^'\n]*'|: \"[^\"\n]*\")"
)
_KEYWORD_VALUE = re.compile(
    r"\b(Patient(?:Name|ID|BirthDate|Address|TelephoneNumbers|MotherBirthName)|OtherPatient(?:IDs|Names))"
    r"(\s*[=:]\s*)('[^']*'|\"[^\"]*\"|[^\s,;)]+)"
)
REDACTED = "<redacted>"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(value: object) -> str:
    """Text from outside as it may appear on one line: control characters shown as escapes."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}")
                        if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", str(value))


class LogError(RuntimeError):
    """The log files cannot be written; the message names the folder and what to do."""


def phi(value: object) -> str:
    """A patient-identifying value as it may appear in a log line."""
    return str(value) if _show_patient_data else REDACTED


def redact(text: str) -> str:
    text = _TAG_VALUE.sub(lambda m: f"{m.group(1)}{_mask(m.group(2))}", text)
    return _KEYWORD_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def _mask(value: str) -> str:
    """Keep the dump's own brackets or quotes around the masked value."""
    if value.startswith("["):
        return f"[{REDACTED}]"
    return f"{value[:3]}{REDACTED}{value[-1]}"


class PatientDataFilter(logging.Filter):
    """Masks patient data (unless the site logs it) and keeps each record on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = escape(message if _show_patient_data else redact(message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(data_dir: Path, log_patient_data: bool = False, verbose: bool = False) -> Path:
    """Attach the two rotating log files under ``data_dir/logs``; return that folder."""
    global _show_patient_data
    _show_patient_data = log_patient_data
    log_dir = Path(data_dir) / "logs"
    try:
        make_private_dirs(log_dir)
        for name in (APP_LOG, DICOM_LOG):  # not for others, whatever the caller's umask
            os.close(os.open(log_dir / name, os.O_CREAT | os.O_APPEND | os.O_WRONLY,
                             file_mode()))
    except OSError as exc:
        raise LogError(f"the logs cannot be written in {log_dir} ({exc.strerror}): the data "
                       "dir must be writable by the user running VXacq (the service runs as "
                       "'vxacq'); check the owner and mode, and that the disk is not full or "
                       "mounted read-only") from None
    formatter = logging.Formatter(_FORMAT)
    redactor = PatientDataFilter()

    def handler(name: str) -> logging.Handler:
        h = logging.handlers.RotatingFileHandler(
            log_dir / name, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
        h.setFormatter(formatter)
        h.addFilter(redactor)
        return h

    app = logging.getLogger("vxacq")
    _replace_file_handlers(app, handler(APP_LOG))
    app.setLevel(logging.DEBUG if verbose else logging.INFO)

    # pynetdicom's association log: its own file, not mixed into the application log.
    dicom = logging.getLogger("pynetdicom")
    _replace_file_handlers(dicom, handler(DICOM_LOG))
    dicom.setLevel(logging.DEBUG if verbose else logging.INFO)
    dicom.propagate = False
    return log_dir


def _replace_file_handlers(logger: logging.Logger, new: logging.Handler) -> None:
    for old in [h for h in logger.handlers if isinstance(h, logging.FileHandler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(new)

"""The station as the console window sees it: its database, the room held open, the hand
switch, the calibration maps read ahead, the operator's name and the send queue in numbers.

The window (rule 10) reaches the database, the devices and the queue only through here, so
what it does can also be done headless (``vxacq serve``, the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vxacq.db import Database, database_for
from vxacq.dicom.charset import person_name_problem
from vxacq.hal.room import HandSwitch, RoomSession, RoomStatus
from vxacq.imaging.chain import preload_calibrations
from vxacq.workflow.station import queue_counts

__all__ = ["Database", "HandSwitch", "QueueSummary", "RoomSession", "RoomStatus",
           "open_database", "operator_name_problem", "preload_calibrations", "queue_summary"]


def open_database(data_dir: Path | str) -> Database:
    """The station's exam database in ``data_dir`` (created and migrated when needed), every
    page checked: the window acquires into it."""
    return database_for(data_dir, full_check=True)


def operator_name_problem(name: str, character_set: str) -> str:
    """Why ``name`` cannot be the Operators' Name (``Family^Given``), or "" when it can."""
    return person_name_problem(name, character_set)


@dataclass(frozen=True)
class QueueSummary:
    waiting: int  # queued or being sent
    failed: int


def queue_summary(db: Database) -> QueueSummary:
    """How many jobs wait to be sent and how many failed (the status bar's figures)."""
    return QueueSummary(*queue_counts(db))


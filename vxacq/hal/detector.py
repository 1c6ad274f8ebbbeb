"""What a flat-panel detector is to the console: states, sync modes, model data, health, frames."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vxacq.hal.observable import Observable
from vxacq.hal.status import Status


class DetectorState(str, enum.Enum):
    DISCONNECTED = "disconnected"
    IDLE = "idle"
    ARMING = "arming"
    READY = "ready"
    INTEGRATING = "integrating"
    READOUT = "readout"
    ERROR = "error"


class SyncMode(str, enum.Enum):
    TRIGGERED = "triggered"  # handshake with the generator (ready interlock)
    AED = "aed"  # automatic exposure detection: the panel senses the beam itself


@dataclass(frozen=True)
class DetectorInfo:
    manufacturer: str
    model_name: str
    serial_number: str
    rows: int
    columns: int
    pixel_pitch_mm: float
    bits_stored: int
    modality: str
    wireless: bool
    readout_s: float  # longest time from end of exposure to frame ready, as the panel states


@dataclass(frozen=True)
class DetectorHealth:
    temperature_C: float
    battery_percent: float | None  # None for a tethered panel
    link_quality_percent: float


@dataclass
class RawFrame:
    """A frame as read out: uint16 pixels plus what the panel reports about it."""

    pixels: np.ndarray
    frame_id: str
    sync_mode: str
    integration_start: str  # ISO 8601 UTC
    readout_end: str
    calibration_set: str
    metadata: dict[str, Any] = field(default_factory=dict)  # panel extras (e.g. simulator truth)


class Detector(abc.ABC):
    state: Observable[DetectorState]

    @abc.abstractmethod
    def connect(self) -> DetectorInfo: ...

    @abc.abstractmethod
    def health(self) -> DetectorHealth: ...

    @abc.abstractmethod
    def arm(self, mode: SyncMode, timeout: float) -> Status:
        """Prepare to integrate; the status finishes when the panel is READY."""

    @abc.abstractmethod
    def read_frame(self, timeout: float) -> Status:
        """The status finishes with the RawFrame once the panel has read it out."""

    @abc.abstractmethod
    def confirm_stored(self, frame_id: str) -> None:
        """Tell the panel the console has stored the frame, so it may drop its copy."""

    @abc.abstractmethod
    def recover_frame(self, timeout: float) -> RawFrame | None:
        """Fetch a frame the panel still holds after a failed transfer (None if it holds none)."""

    @abc.abstractmethod
    def disarm(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

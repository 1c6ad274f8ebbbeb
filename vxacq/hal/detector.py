"""What a flat-panel detector is to the console: states, sync modes, model data, health, frames."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vxacq.hal.frames import FrameExpectation, PanelMemory
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
    battery_min_percent: float | None = None  # below this the panel refuses to arm


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
    frame_number: int | None = None  # the panel's frame counter
    tag: str = ""  # what the panel was armed with: the exposure's UID


def readout_limit_s(info: DetectorInfo) -> float:
    """How long a readout may take before the panel is called stuck: thrice what it states."""
    return 3.0 * info.readout_s + 1.0


class Detector(abc.ABC):
    state: Observable[DetectorState]

    @abc.abstractmethod
    def connect(self) -> DetectorInfo: ...

    @abc.abstractmethod
    def health(self) -> DetectorHealth: ...

    @abc.abstractmethod
    def arm(self, mode: SyncMode, timeout: float, tag: str = "") -> Status:
        """Prepare to integrate the frame of exposure ``tag``; the status finishes when the
        panel is READY."""

    @abc.abstractmethod
    def memory(self) -> PanelMemory:
        """The panel's frame counter and the frames it holds that were never confirmed stored."""

    @abc.abstractmethod
    def read_frame(self, timeout: float, expected: FrameExpectation | None = None) -> Status:
        """The status finishes with the RawFrame once the panel has read it out; with
        ``expected``, only a frame that matches it is taken (an older one is left held)."""

    @abc.abstractmethod
    def confirm_stored(self, frame_id: str) -> None:
        """Tell the panel the console has stored the frame, so it may drop its copy."""

    @abc.abstractmethod
    def recover_frame(self, timeout: float, frame_id: str | None = None) -> RawFrame | None:
        """Fetch a frame the panel still holds after a failed transfer (``frame_id``, default
        the oldest; None if it holds none)."""

    @abc.abstractmethod
    def drop_frame(self, frame_id: str) -> None:
        """Tell the panel to drop a frame the console will not store (discarded with a reason,
        or already stored under its exposure)."""

    @abc.abstractmethod
    def disarm(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

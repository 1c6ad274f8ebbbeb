"""What an X-ray generator is to the console: states, technique, hand switch, exposure report."""

from __future__ import annotations

import abc
import enum
from dataclasses import asdict, dataclass

from vxacq.hal.observable import Observable
from vxacq.hal.status import Status


class GeneratorState(str, enum.Enum):
    OFF = "off"
    STANDBY = "standby"
    PREP = "prep"  # rotor spinning up, filament boosting (hand switch stage 1)
    READY = "ready"
    EXPOSING = "exposing"
    FAULT = "fault"


@dataclass(frozen=True)
class Technique:
    """Exposure settings: kV and either mAs, or mA and ms; focal spot; AEC and its chambers."""

    kv: float
    mas: float | None = None
    ma: float | None = None
    ms: float | None = None
    focus: str = "large"  # "small" or "large"
    aec: bool = False
    aec_chambers: str = "010"  # left, centre, right chamber on (1) or off (0)

    def __post_init__(self) -> None:
        if self.mas is None and (self.ma is None or self.ms is None):
            raise ValueError("a technique needs mAs, or both mA and ms")
        if self.focus not in ("small", "large"):
            raise ValueError(f"focus must be 'small' or 'large', got {self.focus!r}")
        if len(self.aec_chambers) != 3 or set(self.aec_chambers) - {"0", "1"}:
            raise ValueError(f"aec_chambers must be three 0/1 flags (left, centre, right), "
                             f"got {self.aec_chambers!r}")


# Chemical symbols of anode and filter materials on the line, and their DICOM terms
# (Anode Target Material (0018,1191), Filter Material (0018,7050)).
ELEMENTS = {"W": "TUNGSTEN", "MO": "MOLYBDENUM", "RH": "RHODIUM", "AG": "SILVER",
            "AL": "ALUMINUM", "CU": "COPPER"}


@dataclass(frozen=True)
class ExposureReport:
    """What the generator says it delivered (readings for the dose record).

    A mammography generator also says which beam it used: anode target and filter (DICOM terms),
    the filter's thickness, the beam's half-value layer at the actual kV, and the air kerma
    free in air at 1 m from the focal spot that its output calibration gives for the mAs."""

    number: int  # the generator's exposure counter
    kv: float
    ma: float
    ms: float
    mas: float
    dap_Gy_cm2: float
    heat_percent: float | None = None
    complete: bool = True  # False when a fault ended the exposure early
    anode_target: str = ""  # e.g. TUNGSTEN
    filter_material: str = ""  # e.g. RHODIUM
    filter_mm: float | None = None
    hvl_mm_al: float | None = None
    air_kerma_1m_mGy: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class Generator(abc.ABC):
    """The interface every generator driver implements (see SerialGenerator)."""

    state: Observable[GeneratorState]

    @abc.abstractmethod
    def connect(self) -> dict[str, str]:
        """Open the link and identify the device (manufacturer, model, serial, firmware)."""

    @abc.abstractmethod
    def set_technique(self, technique: Technique) -> None: ...

    @abc.abstractmethod
    def prepare(self, timeout: float) -> Status:
        """Hand switch stage 1; the status finishes when the generator is READY."""

    @abc.abstractmethod
    def expose(self, timeout: float) -> Status:
        """Hand switch stage 2; the status finishes with the ExposureReport."""

    @abc.abstractmethod
    def release(self) -> None:
        """Let go of the hand switch: stop prep or exposure now."""

    @abc.abstractmethod
    def reset(self) -> None:
        """Clear a latched fault."""

    @abc.abstractmethod
    def close(self) -> None: ...

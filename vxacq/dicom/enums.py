"""Enumerated and defined terms the builders accept, converted on entry so a bad value fails at the
call site with the rule it breaks, not at the PACS."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


class PatientSex(str, Enum):
    """(0010,0040), PS3.3 C.7.1.1: M, F, O or empty (unknown)."""

    M = "M"
    F = "F"
    O = "O"  # noqa: E741 - the DICOM term
    UNKNOWN = ""


class ImageLaterality(str, Enum):
    """(0020,0062), DX Anatomy Imaged module PS3.3 C.8.11.2: L, R, U (unpaired) or B (both)."""

    L = "L"
    R = "R"
    U = "U"
    B = "B"


class DetectorType(str, Enum):
    """(0018,7004), DX Detector module PS3.3 C.8.11.4."""

    DIRECT = "DIRECT"
    SCINTILLATOR = "SCINTILLATOR"
    STORAGE = "STORAGE"
    FILM = "FILM"


class PresentationLUTShape(str, Enum):
    """(2050,0020), DX Image module PS3.3 C.8.11.3: IDENTITY goes with MONOCHROME2, INVERSE with
    MONOCHROME1."""

    IDENTITY = "IDENTITY"
    INVERSE = "INVERSE"


class PixelIntensityRelationship(str, Enum):
    """(0028,1040), DX Image module PS3.3 C.8.11.3."""

    LIN = "LIN"
    LOG = "LOG"
    DISP = "DISP"


class ExposureControlMode(str, Enum):
    """(0018,7060), X-Ray Generation module PS3.3 C.8.7.7."""

    MANUAL = "MANUAL"
    AUTOMATIC = "AUTOMATIC"


class NeuteredStatus(str, Enum):
    """(0010,2203) Patient's Sex Neutered, Patient Study module PS3.3 C.7.2.2."""

    ALTERED = "ALTERED"
    UNALTERED = "UNALTERED"
    UNKNOWN = ""


class ResponsiblePersonRole(str, Enum):
    """(0010,2298), PS3.3 C.7.1.1 (CID 7450 Person Role in Relation to Patient, defined terms)."""

    OWNER = "OWNER"
    PARENT = "PARENT"
    CHILD = "CHILD"
    SPOUSE = "SPOUSE"
    SIBLING = "SIBLING"
    RELATIVE = "RELATIVE"
    GUARDIAN = "GUARDIAN"
    CUSTODIAN = "CUSTODIAN"
    AGENT = "AGENT"
    INVESTIGATOR = "INVESTIGATOR"
    VETERINARIAN = "VETERINARIAN"


class AnodeTargetMaterial(str, Enum):
    """(0018,1191), X-Ray Generation module PS3.3 C.8.7.7 (mammography defined terms)."""

    MOLYBDENUM = "MOLYBDENUM"
    RHODIUM = "RHODIUM"
    TUNGSTEN = "TUNGSTEN"


class RequestedProcedurePriority(str, Enum):
    """(0040,1003), PS3.3 C.4.11.3."""

    STAT = "STAT"
    HIGH = "HIGH"
    ROUTINE = "ROUTINE"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    UNKNOWN = ""


def convert(enum: type[E], value: object, what: str) -> E:
    """``value`` as a member of ``enum``; ValueError naming the attribute, its allowed values and
    the rule (the enum's docstring) otherwise."""
    try:
        return enum(value.value if isinstance(value, Enum) else value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        rule = (enum.__doc__ or "").strip().split("\n")[0]
        raise ValueError(f"{what} {value!r} is not one of {allowed} — {rule}") from None

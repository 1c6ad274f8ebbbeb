"""Every coded value the console writes, in one table module (PS3.16 context groups).

The body parts and views a protocol names are here, each with the name of its concept in
pydicom's dictionary; the Code itself is looked up when first asked for. The other tables are
in :mod:`vxacq.dicom.code_tables` and are built at the first ``codes.NAME`` (or ``from
vxacq.dicom.codes import NAME``) that needs one. Both come from pydicom's concept dictionary
(``pydicom.sr``), which costs 0.04-0.18 s of CPU to load and which the console's start, up to
its main window (protocols loaded and checked), does not need.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

    from vxacq.dicom.code_tables import *  # noqa: F403 (the names checkers see)

# Built by vxacq.dicom.code_tables when the first of them is used.
_TABLES = (
    "MG_VIEW_MODIFIERS", "PARTIAL_VIEW_OPTIONS", "ANATOMIC_REGION_MODIFIERS", "LATERALITY",
    "REJECT_REASONS", "MAMMOGRAPHY", "UNITS", "DISCONTINUATION_REASONS", "GRIDS",
    "MECHANICAL_CONFIGURATIONS", "ANODE_TARGETS", "FILTER_MATERIALS", "FILTER_TYPES",
    "BREAST_SIDES", "RDSR", "Code", "IMAGE_STITCHING", "SOURCE_IMAGE_FOR_MONTAGE",
    "REJECTION_TITLES", "BASIC_PROFILE_CODE", "CLEAN_STRUCTURED_CONTENT",
)
__all__ = ["BodyPart", "BODY_PARTS", "body_part", "DXView", "DX_VIEWS", "dx_view", "MGView",
           "MG_VIEWS", "mg_view", "BREAST", "MOUNTS", *_TABLES]


@cache
def _concept(cid: int, name: str) -> Code:
    """The Code pydicom's dictionary has for ``name`` in context group ``cid``."""
    from pydicom.sr.codedict import codes as concepts

    return getattr(getattr(concepts, f"cid{cid}"), name)


@dataclass(frozen=True)
class BodyPart:
    """A body part: its CID 4031 code, its Body Part Examined term (PS3.16 Annex L) and
    whether it comes in pairs (then Image Laterality must say which side)."""

    concept: str  # its name in CID 4031: pydicom's ``codes.cid4031.<concept>``
    BodyPartExamined: str
    paired: bool

    @property
    def code(self) -> Code:
        return _concept(4031, self.concept)


# key: our name for it (also the protocol key); value: (concept, Body Part Examined, paired)
BODY_PARTS: dict[str, BodyPart] = {
    key: BodyPart(concept, term, paired)
    for key, (concept, term, paired) in {
        "ABDOMEN": ("Abdomen", "ABDOMEN", False),
        "ACJOINT": ("AcromioclavicularJoint", "ACJOINT", True),
        "ANKLE": ("AnkleJoint", "ANKLE", True),
        "ARM": ("UpperArm", "ARM", True),
        "CHEST": ("Chest", "CHEST", False),
        "CLAVICLE": ("Clavicle", "CLAVICLE", True),
        "COCCYX": ("Coccyx", "COCCYX", False),
        "CSPINE": ("CervicalSpine", "CSPINE", False),
        "ELBOW": ("ElbowJoint", "ELBOW", True),
        "EXTREMITY": ("Extremity", "EXTREMITY", True),
        "FEMUR": ("Femur", "FEMUR", True),
        "FINGER": ("Finger", "FINGER", True),
        "FOOT": ("Foot", "FOOT", True),
        "FOREARM": ("Forearm", "FOREARM", True),
        "HAND": ("Hand", "HAND", True),
        "HEAD": ("Head", "HEAD", False),
        "HIP": ("HipJoint", "HIP", True),
        "HUMERUS": ("Humerus", "HUMERUS", True),
        "KNEE": ("Knee", "KNEE", True),
        "LEG": ("LowerLeg", "LEG", True),
        # The whole leg (long-length exams). LEG is the lower leg's term, so the whole limb
        # gets its own (Body Part Examined's terms are defined, not enumerated: dciodvfy warns
        # that it does not know this one).
        "LOWERLIMB": ("LowerLimb", "LOWERLIMB", True),
        "LSPINE": ("LumbarSpine", "LSPINE", False),
        "PATELLA": ("Patella", "PATELLA", True),
        "PELVIS": ("Pelvis", "PELVIS", False),
        "RIB": ("Rib", "RIB", True),
        "SACRUM": ("Sacrum", "SSPINE", False),
        "SCAPULA": ("Scapula", "SCAPULA", True),
        "SHOULDER": ("Shoulder", "SHOULDER", True),
        "SKULL": ("Skull", "SKULL", False),
        "SPINE": ("Spine", "SPINE", False),
        "STERNUM": ("Sternum", "STERNUM", False),
        "THUMB": ("Thumb", "THUMB", True),
        "TOE": ("Toe", "TOE", True),
        "TSPINE": ("ThoracicSpine", "TSPINE", False),
        "WRIST": ("WristJoint", "WRIST", True),
        "ZYGOMA": ("Zygoma", "ZYGOMA", True),
        "BREAST": ("Breast", "BREAST", True),
    }.items()
}
BREAST = BODY_PARTS["BREAST"]


def body_part(key: str) -> BodyPart:
    """The body part named ``key`` (a key of ``BODY_PARTS``); ValueError names the known ones."""
    try:
        return BODY_PARTS[key.upper()]
    except KeyError:
        raise ValueError(
            f"body part '{key}' is not in the CID 4031 table; known: {', '.join(sorted(BODY_PARTS))}"
        ) from None


@dataclass(frozen=True)
class DXView:
    """A radiographic view: its CID 4010 code and the DX View Position term (DX Positioning, PS3.3 C.8.11.5),
    empty where the standard has no term for it (e.g. a lateral knee)."""

    concept: str  # its name in CID 4010: pydicom's ``codes.cid4010.<concept>``
    ViewPosition: str

    @property
    def code(self) -> Code:
        return _concept(4010, self.concept)


DX_VIEWS: dict[str, DXView] = {
    "AP": DXView("AnteroPosterior", "AP"),
    "PA": DXView("PosteroAnterior", "PA"),
    "LL": DXView("LeftLateral", "LL"),
    "RL": DXView("RightLateral", "RL"),
    "LAO": DXView("LeftAnteriorOblique", "LAO"),
    "RAO": DXView("RightAnteriorOblique", "RAO"),
    "LPO": DXView("LeftPosteriorOblique", "LPO"),
    "RPO": DXView("RightPosteriorOblique", "RPO"),
    "LATERAL": DXView("LateralProjection", ""),
    "MEDIOLATERAL": DXView("MedioLateralProjection", ""),
    "LATEROMEDIAL": DXView("LateralMedial", ""),
    "OBLIQUE": DXView("ObliqueProjection", ""),
    "AXIAL": DXView("AxialProjection", ""),
    "TANGENTIAL": DXView("Tangential", ""),
    "DORSOPLANTAR": DXView("Dorsoplantar", ""),
    "PLANTODORSAL": DXView("Plantodorsal", ""),
}


def dx_view(key: str) -> DXView:
    try:
        return DX_VIEWS[key.upper()]
    except KeyError:
        raise ValueError(
            f"view '{key}' is not in the CID 4010 table; known: {', '.join(sorted(DX_VIEWS))}"
        ) from None


@dataclass(frozen=True)
class MGView:
    """A mammography view: its CID 4014 code and the MG View Position term (ACR MQCM)."""

    concept: str  # its name in CID 4014: pydicom's ``codes.cid4014.<concept>``
    ViewPosition: str

    @property
    def code(self) -> Code:
        return _concept(4014, self.concept)


MG_VIEWS: dict[str, MGView] = {
    "CC": MGView("CranioCaudal", "CC"),
    "MLO": MGView("MedioLateralObliqueProjection", "MLO"),
    "ML": MGView("MedioLateralProjection", "ML"),
    "LM": MGView("LateroMedial", "LM"),
    "LMO": MGView("LateroMedialOblique", "LMO"),
    "XCCL": MGView("CranioCaudalExaggeratedLaterally", "XCCL"),
    "XCCM": MGView("CranioCaudalExaggeratedMedially", "XCCM"),
    "FB": MGView("CaudoCranial", "FB"),
    "SIO": MGView("SuperolateralToInferomedialOblique", "SIO"),
    "ISO": MGView("InferomedialToSuperolateralOblique", "ISO"),
}


def mg_view(key: str) -> MGView:
    try:
        return MG_VIEWS[key.upper()]
    except KeyError:
        raise ValueError(
            f"mammography view '{key}' is not in the CID 4014 table; known: {', '.join(sorted(MG_VIEWS))}"
        ) from None


# CID 10031 CR/DR Mechanical Configuration: a protocol's detector mount (the keys of
# MECHANICAL_CONFIGURATIONS), by the concept's name in pydicom's dictionary.
MOUNTS: dict[str, str] = {
    "UPRIGHT": "UprightStandMount",
    "TABLE": "TableMount",
    "CARM": "CArmMount",
    "UNMOUNTED": "UnmountedDetector",  # a free (wireless) detector
}


def __getattr__(name: str) -> Any:
    """A table of :mod:`vxacq.dicom.code_tables`, which is imported now (all its names then
    become this module's own)."""
    if name not in _TABLES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    tables = import_module("vxacq.dicom.code_tables")
    globals().update((n, getattr(tables, n)) for n in _TABLES)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

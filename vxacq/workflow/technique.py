"""Patient size and the protocol technique for it: what the exam and the console's pickers call.

The size decides the technique (kV, mAs) of a protocol (``technique_by_size`` in
``vxacq/resources/protocols.toml``). It comes from the patient as the order gives it: a child
by age (or weight, when known), an adult by body-mass index (Patient's Size and Weight) or
weight alone, else ``medium``. The radiographer can always change the technique at the console.

Also the protocol library as the screens need it (Rule 10: ``ui`` reaches protocols through
``workflow``): ``protocol_library()``, ``protocols_in_region(region)`` and ``REGIONS``.
"""

from __future__ import annotations

import datetime as dt
import re

from vxacq.dicom.inputs import PatientInfo
from vxacq.protocols import (
    REGIONS, SIZES, Protocol, ProtocolError, SizeTechnique, by_region, load as load_protocols,
)

__all__ = ["REGIONS", "SIZES", "patient_size", "technique_for", "protocol_library",
           "protocols_in_region", "age_years"]

PAEDIATRIC_AGE = 16.0  # years: below it, the paediatric sizes apply
INFANT_AGE = 1.0
CHILD_AGE = 12.0  # from 12 to 16 a child is imaged as a small adult
INFANT_WEIGHT = 10.0  # kg
CHILD_WEIGHT = 40.0
# Adults (WHO body-mass index classes): underweight is small, obese is large.
SMALL_BMI, LARGE_BMI = 18.5, 30.0
SMALL_WEIGHT, LARGE_WEIGHT = 55.0, 95.0  # kg, when the height is unknown

_AGE_STRING = re.compile(r"^(\d{3})([DWMY])$")
_AGE_UNIT_YEARS = {"D": 1 / 365.25, "W": 7 / 365.25, "M": 1 / 12, "Y": 1.0}


def age_years(patient: PatientInfo, on: dt.date | None = None) -> float | None:
    """The patient's age in years: from Patient's Age (AS, e.g. "004Y") or the birth date."""
    match = _AGE_STRING.match(patient.PatientAge or "")
    if match:
        return int(match.group(1)) * _AGE_UNIT_YEARS[match.group(2)]
    if patient.PatientBirthDate is not None:
        today = on or dt.date.today()
        return max((today - patient.PatientBirthDate).days / 365.25, 0.0)
    return None


def patient_size(patient: PatientInfo, on: dt.date | None = None) -> str:
    """``infant``, ``child``, ``small``, ``medium`` or ``large`` for ``patient`` (module doc)."""
    age = age_years(patient, on)
    weight = patient.PatientWeight if patient.PatientWeight and patient.PatientWeight > 0 else None
    height = patient.PatientSize if patient.PatientSize and patient.PatientSize > 0 else None
    if age is not None and age < PAEDIATRIC_AGE:
        if weight is not None:
            return ("infant" if weight < INFANT_WEIGHT else
                    "child" if weight < CHILD_WEIGHT else "small")
        return "infant" if age < INFANT_AGE else "child" if age < CHILD_AGE else "small"
    if weight is None:
        return "medium"
    if height is not None:
        bmi = weight / (height * height)
        return "small" if bmi < SMALL_BMI else "large" if bmi >= LARGE_BMI else "medium"
    return "small" if weight < SMALL_WEIGHT else "large" if weight > LARGE_WEIGHT else "medium"


def technique_for(protocol: Protocol, size: str) -> tuple[SizeTechnique, str]:
    """The protocol's technique for ``size`` and a note: empty, or why another size's
    technique is given (a protocol without that size, e.g. an adult chest for an infant
    falls back to its nearest size)."""
    if size not in SIZES:
        raise ProtocolError(f"patient size '{size}' is not one of {', '.join(SIZES)}")
    if size in protocol.sizes:
        return protocol.technique_for(size), ""
    nearest = min(protocol.sizes, key=lambda s: abs(SIZES.index(s) - SIZES.index(size)))
    return (protocol.technique_for(nearest),
            f"{protocol.name} has no technique for a {size} patient: the {nearest} one is set; "
            "check kV and mAs")


def protocol_library() -> dict[str, Protocol]:
    """Every shipped protocol by id (``vxacq/resources/protocols.toml``)."""
    return load_protocols()


def protocols_in_region(region: str) -> list[Protocol]:
    """The protocols the body-part picker lists under ``region`` (one of :data:`REGIONS`)."""
    return by_region(load_protocols(), region)

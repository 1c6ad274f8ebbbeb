"""Fault injection specs shared by the configuration, the command lines and the simulator.

A spec is ``name`` or ``name:value``, e.g. ``generator-fault:3`` (fault on the 3rd exposure) or
``serial-garble:0.2`` (garble one line in five). The simulator applies them; the console only
parses and validates them so a typo is reported where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass

# name → (default value, kind, meaning)
FAULTS: dict[str, tuple[float, str, str]] = {
    "generator-fault": (1, "count", "the generator faults (tube arc) during the Nth exposure"),
    "link-drop": (1, "count", "the detector link drops during readout transfer, N times"),
    "readout-timeout": (1, "flag", "the detector never finishes reading out"),
    "arming-timeout": (1, "flag", "the detector stays arming: it never becomes ready"),
    "low-battery": (4, "percent", "the wireless detector's battery is at this charge"),
    "over-temperature": (55, "celsius", "the detector is at this temperature"),
    "aed-false-trigger": (1, "flag", "the detector in AED mode triggers without X-rays"),
    "serial-garble": (0.2, "probability", "each serial line is garbled with this probability"),
    "serial-drop": (0.2, "probability", "each serial line is lost with this probability"),
}


@dataclass(frozen=True)
class FaultSpec:
    name: str
    value: float

    def __str__(self) -> str:
        return f"{self.name}:{self.value:g}"


def parse_fault(spec: str) -> FaultSpec:
    """Parse ``name[:value]``; ValueError says what is wrong and lists the fault names."""
    name, _, raw = spec.strip().partition(":")
    if name not in FAULTS:
        raise ValueError(f"unknown fault '{name}' (known: {', '.join(FAULTS)})")
    default, kind, _ = FAULTS[name]
    try:
        value = float(raw) if raw else float(default)
    except ValueError:
        raise ValueError(f"fault '{name}': value '{raw}' is not a number") from None
    if kind == "probability" and not 0 <= value <= 1:
        raise ValueError(f"fault '{name}': probability {value:g} must be between 0 and 1")
    if kind == "count" and (value < 1 or value != int(value)):
        raise ValueError(f"fault '{name}': {value:g} must be a whole number of at least 1")
    if kind == "percent" and not 0 <= value <= 100:
        raise ValueError(f"fault '{name}': {value:g} % must be between 0 and 100")
    return FaultSpec(name, value)

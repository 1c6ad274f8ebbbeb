"""Hardware errors: each names the device, a code and what to do."""

from __future__ import annotations


class HardwareError(Exception):
    """A device failed; ``device`` is "generator" or "detector", ``code`` a short stable key."""

    device = "hardware"
    # An exposure report for dose that was delivered before the failure (set by the driver).
    partial: object = None

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{self.device}: {message}")
        self.code = code
        self.text = message


class GeneratorError(HardwareError):
    device = "generator"


class DetectorError(HardwareError):
    device = "detector"


class InterlockError(HardwareError):
    """An exposure was refused because a device was not ready (no dose was given)."""

    device = "interlock"

"""Dose reference levels and exposure-index limits per protocol.

Shipped in ``vxacq/resources/reference_levels.toml`` (national DRLs with their source and date,
site choices marked as such); the service role overrides them with a file of the same form in
the data dir. An override replaces a protocol's entry whole and the defaults key by key. Every
value is checked on load; a wrong one is refused with a message naming the file, the entry and
the key, and the program keeps the levels it had.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "reference_levels.toml"
OVERRIDE_NAME = "reference_levels.toml"
SITE_CHOICE = "site choice (defaults)"


class ReferenceLevelError(ValueError):
    """A reference-level file that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class Defaults:
    exam_dap_Gy_cm2: float
    di_low: float
    di_high: float
    ei_window: int
    ei_outside: int


@dataclass(frozen=True)
class Level:
    """The levels that apply to one protocol (DAP in Gy·cm²; None = no level)."""

    protocol: str
    exposure_dap_Gy_cm2: float | None
    exam_dap_Gy_cm2: float
    source: str
    di_low: float
    di_high: float


@dataclass(frozen=True)
class ReferenceLevels:
    defaults: Defaults
    levels: dict[str, Level]
    overridden_by: str = ""  # the data dir's file when one was applied

    def for_protocol(self, protocol_id: str) -> Level:
        found = self.levels.get(protocol_id)
        if found is not None:
            return found
        d = self.defaults
        return Level(protocol_id, None, d.exam_dap_Gy_cm2, SITE_CHOICE, d.di_low, d.di_high)


def _positive(where: str, key: str, value: Any, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value <= 0:
        raise ReferenceLevelError(f"{where}: {key} must be a number greater than 0 "
                                  f"(Gy·cm²), not {value!r}")
    return float(value)


def _defaults(where: str, raw: Any, base: Defaults | None) -> Defaults:
    if not isinstance(raw, dict):
        raise ReferenceLevelError(f"{where}: [defaults] must be a table")
    known = {"exam_dap_Gy_cm2", "di_low", "di_high", "ei_window", "ei_outside"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ReferenceLevelError(f"{where}: [defaults] has unknown keys {', '.join(unknown)}")
    merged = dict(vars(base)) if base else {}
    merged.update(raw)
    missing = sorted(known - set(merged))
    if missing:
        raise ReferenceLevelError(f"{where}: [defaults] lacks {', '.join(missing)}")
    exam = _positive(f"{where} [defaults]", "exam_dap_Gy_cm2", merged["exam_dap_Gy_cm2"])
    for key in ("di_low", "di_high"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ReferenceLevelError(f"{where} [defaults]: {key} must be a number, not {value!r}")
    if merged["di_low"] >= merged["di_high"]:
        raise ReferenceLevelError(f"{where} [defaults]: di_low ({merged['di_low']}) must be "
                                  f"below di_high ({merged['di_high']})")
    for key in ("ei_window", "ei_outside"):
        if isinstance(merged[key], bool) or not isinstance(merged[key], int) or merged[key] < 1:
            raise ReferenceLevelError(f"{where} [defaults]: {key} must be a whole number ≥ 1, "
                                      f"not {merged[key]!r}")
    if merged["ei_outside"] > merged["ei_window"]:
        raise ReferenceLevelError(f"{where} [defaults]: ei_outside ({merged['ei_outside']}) "
                                  f"cannot exceed ei_window ({merged['ei_window']})")
    return Defaults(float(exam), float(merged["di_low"]), float(merged["di_high"]),
                    merged["ei_window"], merged["ei_outside"])


def _levels(where: str, raw: Any, defaults: Defaults, protocols: set[str]) -> dict[str, Level]:
    if not isinstance(raw, list):
        raise ReferenceLevelError(f"{where}: [[level]] entries must be an array of tables")
    found: dict[str, Level] = {}
    for index, entry in enumerate(raw, 1):
        here = f"{where} level {index}"
        if not isinstance(entry, dict):
            raise ReferenceLevelError(f"{here}: must be a table")
        unknown = sorted(set(entry) - {"protocol", "exposure_dap_Gy_cm2", "exam_dap_Gy_cm2",
                                       "source"})
        if unknown:
            raise ReferenceLevelError(f"{here}: unknown keys {', '.join(unknown)}")
        protocol = entry.get("protocol")
        if not isinstance(protocol, str) or protocol not in protocols:
            raise ReferenceLevelError(f"{here}: protocol {protocol!r} is not a protocol of this "
                                      "console (see vxacq/resources/protocols.toml)")
        if protocol in found:
            raise ReferenceLevelError(f"{here}: protocol {protocol} is given twice")
        here = f"{where} level {protocol}"
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ReferenceLevelError(f"{here}: source is required (the publication and date, "
                                      "or 'site choice')")
        exposure = _positive(here, "exposure_dap_Gy_cm2", entry.get("exposure_dap_Gy_cm2"),
                             optional=True)
        exam = _positive(here, "exam_dap_Gy_cm2",
                         entry.get("exam_dap_Gy_cm2", defaults.exam_dap_Gy_cm2))
        if exposure is not None and exam is not None and exam < exposure:
            raise ReferenceLevelError(f"{here}: exam_dap_Gy_cm2 ({exam}) is below "
                                      f"exposure_dap_Gy_cm2 ({exposure})")
        found[protocol] = Level(protocol, exposure, float(exam), source.strip(),
                                defaults.di_low, defaults.di_high)
    return found


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceLevelError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ReferenceLevelError(f"{path}: cannot be read ({exc.strerror})") from None


def parse(shipped: dict[str, Any], override: dict[str, Any] | None = None, *,
          override_name: str = "override", protocols: set[str] | None = None) -> ReferenceLevels:
    """The levels from the shipped table and an optional override (both parsed TOML)."""
    if protocols is None:
        from vxacq.protocols import load as load_protocols
        protocols = set(load_protocols())
    defaults = _defaults("reference_levels.toml", shipped.get("defaults", {}), None)
    levels = _levels("reference_levels.toml", shipped.get("level", []), defaults, protocols)
    if override:
        unknown = sorted(set(override) - {"defaults", "level"})
        if unknown:
            raise ReferenceLevelError(f"{override_name}: unknown sections {', '.join(unknown)}")
        defaults = _defaults(override_name, override.get("defaults", {}), defaults)
        # the shipped entries take the overridden DI limits too
        levels = {k: Level(v.protocol, v.exposure_dap_Gy_cm2, v.exam_dap_Gy_cm2, v.source,
                           defaults.di_low, defaults.di_high) for k, v in levels.items()}
        levels.update(_levels(override_name, override.get("level", []), defaults, protocols))
    return ReferenceLevels(defaults, levels, override_name if override else "")


def load(data_dir: Path | str | None = None) -> ReferenceLevels:
    """The shipped levels with the data dir's override applied (when the file exists)."""
    override_path = Path(data_dir) / OVERRIDE_NAME if data_dir else None
    override = _read(override_path) if override_path and override_path.exists() else None
    return parse(_read(DEFAULT_PATH), override, override_name=str(override_path))


def save_override(data_dir: Path | str, text: str) -> ReferenceLevels:
    """Check ``text`` as an override file and, only when it is valid, write it atomically to the
    data dir (the service page's editor and `vxacq` scripts use this)."""
    import os
    import tempfile

    target = Path(data_dir) / OVERRIDE_NAME
    try:
        override = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceLevelError(f"{target}: not valid TOML ({exc})") from None
    levels = parse(_read(DEFAULT_PATH), override, override_name=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".reference_levels.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return levels


def override_text(data_dir: Path | str) -> str:
    """The data dir's override file as it is ("" when there is none), for the editor."""
    path = Path(data_dir) / OVERRIDE_NAME
    return path.read_text(encoding="utf-8") if path.exists() else ""

"""Processing parameters: one typed set per protocol, defaults per anatomy.

Presets live in ``vxacq/resources/processing.toml``: a ``[default]`` table and named presets
(``CHEST_PA``, ``EXTREMITY_AP``, ``MAMMO_LCC`` …) that override some of its fields. A protocol
uses the preset its ``processing`` key names (``vxacq/resources/protocols.toml``); a preset
named like the protocol itself takes precedence.
Scales are in millimetres at the detector, so a preset means the same on any pixel pitch.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PRESETS_PATH = Path(__file__).resolve().parents[1] / "resources" / "processing.toml"
ORIENTATION_LETTERS = set("APRLHF")


class ParamsError(ValueError):
    """A processing preset is invalid; the message names the preset and the field."""


@dataclass(frozen=True)
class ProcessingParams:
    """How a frame of one protocol is turned into a diagnostic image."""

    name: str = "default"
    mammography: bool = False
    # Multiscale (Laplacian pyramid) detail processing.
    edge_gain: float = 1.5  # gain of detail finer than edge_scale_mm (edge enhancement)
    edge_scale_mm: float = 0.6
    contrast_power: float = 0.75  # MUSICA exponent p (< 1 lifts subtle detail relative to strong)
    contrast_reference: float = 0.25  # MUSICA M: detail amplitude (ln units) kept unchanged
    noise_suppression: float = 1.5  # coring threshold in noise σ on the finest scales (0 = off)
    latitude: float = 0.45  # gain of structure coarser than latitude_scale_mm (1 = none)
    latitude_scale_mm: float = 25.0
    skin_equalisation: float = 0.0  # mammography: lift of the thin breast periphery (0–1)
    # Display.
    window_low_percentile: float = 0.5  # of the anatomy, mapped to 10 % of the output range
    window_high_percentile: float = 99.5  # … and to 90 %
    bits_stored: int = 12
    shutter: str = "black"  # outside the field: "black", "white" or "none"
    crop_to_field: bool = False
    # Patient Orientation (0020,0020) of the frame as the detector reads it out.
    patient_orientation: tuple[str, str] = ("L", "F")

    def with_overrides(self, **changes: Any) -> ProcessingParams:
        out = replace(self, **changes)
        out.validate()
        return out

    def validate(self) -> None:
        where = f"processing preset '{self.name}'"
        positive = ("edge_gain", "edge_scale_mm", "contrast_power", "contrast_reference",
                    "latitude", "latitude_scale_mm")
        for key in positive:
            if not getattr(self, key) > 0:
                raise ParamsError(f"{where}: {key} must be greater than 0")
        if not 0 < self.contrast_power <= 1.5:
            raise ParamsError(f"{where}: contrast_power must be in (0, 1.5]")
        if self.noise_suppression < 0:
            raise ParamsError(f"{where}: noise_suppression must not be negative")
        if not 0 <= self.skin_equalisation <= 1:
            raise ParamsError(f"{where}: skin_equalisation must be within 0–1")
        if not 0 <= self.window_low_percentile < self.window_high_percentile <= 100:
            raise ParamsError(f"{where}: need 0 ≤ window_low_percentile < window_high_percentile ≤ 100")
        if self.bits_stored not in (12, 14):
            raise ParamsError(f"{where}: bits_stored must be 12 or 14")
        if self.shutter not in ("black", "white", "none"):
            raise ParamsError(f"{where}: shutter must be black, white or none")
        if len(self.patient_orientation) != 2 or not all(
                v and set(v) <= ORIENTATION_LETTERS for v in self.patient_orientation):
            raise ParamsError(f"{where}: patient_orientation must be two values of A P R L H F")


@dataclass(frozen=True)
class Presets:
    default: ProcessingParams = field(default_factory=ProcessingParams)
    by_protocol: dict[str, ProcessingParams] = field(default_factory=dict)  # presets by name
    preset_of: dict[str, str] = field(default_factory=dict)  # protocol ID → preset name

    def for_protocol(self, protocol_id: str | None) -> ProcessingParams:
        """The protocol's preset, or the default set for an unknown protocol."""
        key = protocol_id or ""
        if key in self.by_protocol:
            return self.by_protocol[key]
        return self.by_protocol.get(self.preset_of.get(key, ""), self.default)


# Parsed presets by the versions of their file and of the protocol library (which names the
# preset of each protocol): every processing asks for them, and parsing is pure Python.
_parsed: dict[tuple, Presets] = {}
_parsed_lock = threading.Lock()


def load_presets(path: Path | str | None = None) -> Presets:
    """The processing presets of ``path`` (default: the shipped ``processing.toml``); the
    result is shared between callers and must not be changed."""
    from vxacq.protocols import DEFAULT_PATH, file_key

    path = Path(path or PRESETS_PATH)
    try:
        key = (file_key(path), file_key(DEFAULT_PATH))
    except OSError as exc:
        raise ParamsError(f"{path}: cannot be read: {exc.strerror}") from None
    with _parsed_lock:
        presets = _parsed.get(key)
    if presets is None:
        presets = _read_presets(path)
        with _parsed_lock:
            for old in [k for k in _parsed if k[0][0] == key[0][0]]:  # an older version
                del _parsed[old]
            _parsed[key] = presets
    return presets


def _read_presets(path: Path) -> Presets:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParamsError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParamsError(f"{path}: not valid TOML: {exc}") from None
    default = _params(raw.get("default", {}), ProcessingParams(), "default", path)
    by_protocol = {key: _params(table, default, key, path)
                   for key, table in raw.items() if key != "default"}
    from vxacq.protocols import load as load_protocols  # the protocols name their presets

    preset_of = {p.id: p.processing for p in load_protocols().values()}
    unknown = sorted({name for name in preset_of.values() if name not in by_protocol})
    if unknown:
        raise ParamsError(f"{path}: no preset {', '.join(unknown)} (named by protocols.toml)")
    return Presets(default, by_protocol, preset_of)


def _params(table: Any, base: ProcessingParams, name: str, path: Path) -> ProcessingParams:
    if not isinstance(table, dict):
        raise ParamsError(f"{path}: [{name}] must be a table")
    known = {f.name: f for f in fields(ProcessingParams)}
    values: dict[str, Any] = {"name": name}
    for key, value in table.items():
        if key not in known or key == "name":
            raise ParamsError(f"{path}: [{name}] unknown field '{key}'")
        default = getattr(base, key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(default, tuple):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ParamsError(f"{path}: [{name}] {key} has the wrong type ({value!r})")
        values[key] = value
    out = replace(base, **values)
    try:
        out.validate()
    except ParamsError as exc:
        raise ParamsError(f"{path}: {exc}") from None
    return out

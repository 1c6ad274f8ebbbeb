"""Anatomical protocols (exposure programs): loaded from ``vxacq/resources/protocols.toml``, validated.

Each protocol names the view (DICOM ViewPosition and an SCT view keyword), the body part
(BodyPartExamined and an SCT keyword), laterality, the default technique and geometry, and the
target Exposure Index (EI = 100 × detector kerma in µGy at RQA5 calibration, IEC 62494-1).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent / "resources" / "protocols.toml"
MODALITIES = ("DX", "MG")
LATERALITIES = ("", "U", "L", "R", "B")
KV_LIMITS = {"DX": (40.0, 150.0), "MG": (20.0, 49.0)}


class ProtocolError(ValueError):
    """A protocol file or entry is not valid; the message names the protocol and the field."""


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    modality: str
    body_part: str  # BodyPartExamined
    body_part_code: str  # pydicom SCT keyword
    view_position: str  # ViewPosition
    view_code: str  # pydicom SCT keyword
    laterality: str  # "" = given at the exam, "U" unpaired, "L", "R", "B"
    kv: float
    mas: float
    focus: str
    aec: bool
    aec_chambers: str
    sid_mm: float
    grid: bool
    field_mm: tuple[float, float]
    target_ei: float
    phantom: str

    @property
    def image_laterality(self) -> str:
        """ImageLaterality: the protocol's side, U for unpaired parts, "" when the exam decides."""
        return self.laterality

    def validate(self) -> None:
        where = f"protocol {self.id or '?'}"
        if not self.id or not self.id.replace("_", "").isalnum() or not self.id.isupper():
            raise ProtocolError(f"{where}: id must be upper-case letters, digits and '_'")
        if self.modality not in MODALITIES:
            raise ProtocolError(f"{where}: modality must be one of {', '.join(MODALITIES)}")
        low, high = KV_LIMITS[self.modality]
        if not low <= self.kv <= high:
            raise ProtocolError(f"{where}: kv {self.kv:g} outside {low:g}–{high:g} for "
                                f"{self.modality}")
        if not 0 < self.mas <= 1000:
            raise ProtocolError(f"{where}: mas {self.mas:g} must be in (0, 1000]")
        if self.focus not in ("small", "large"):
            raise ProtocolError(f"{where}: focus must be small or large")
        if len(self.aec_chambers) != 3 or set(self.aec_chambers) - {"0", "1"}:
            raise ProtocolError(f"{where}: aec_chambers must be three 0/1 flags, e.g. '010'")
        if not 300 <= self.sid_mm <= 4000:
            raise ProtocolError(f"{where}: sid_mm {self.sid_mm:g} outside 300–4000 mm")
        if len(self.field_mm) != 2 or min(self.field_mm) <= 0:
            raise ProtocolError(f"{where}: field_mm must be [width, height] in mm, both > 0")
        if self.target_ei <= 0:
            raise ProtocolError(f"{where}: target_ei must be greater than 0")
        if self.laterality not in LATERALITIES:
            raise ProtocolError(f"{where}: laterality must be one of "
                                f"{', '.join(repr(v) for v in LATERALITIES)}")
        for key in ("name", "body_part", "body_part_code", "view_position", "view_code"):
            if not getattr(self, key).strip():
                raise ProtocolError(f"{where}: {key} must not be blank")


def _build(raw: Any, index: int) -> Protocol:
    if not isinstance(raw, dict):
        raise ProtocolError(f"protocol #{index + 1}: must be a table")
    where = f"protocol {raw.get('id', f'#{index + 1}')}"
    names = {f.name: f for f in fields(Protocol)}
    unknown = set(raw) - set(names)
    if unknown:
        raise ProtocolError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    missing = set(names) - set(raw)
    if missing:
        raise ProtocolError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        kind = str(names[key].type)
        if kind == "float":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "str":
            ok = isinstance(value, str)
        else:  # field_mm
            ok = isinstance(value, list) and all(isinstance(v, (int, float)) for v in value)
            value = tuple(float(v) for v in value) if ok else value
        if not ok:
            raise ProtocolError(f"{where}: {key} has the wrong type ({value!r})")
        values[key] = value
    protocol = Protocol(**values)
    protocol.validate()
    return protocol


def load(path: Path | str | None = None) -> dict[str, Protocol]:
    """All protocols in the file, by id; ProtocolError names the file, protocol and field."""
    path = Path(path or DEFAULT_PATH)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot be read: {exc}") from None
    out: dict[str, Protocol] = {}
    try:
        for index, item in enumerate(raw.get("protocol", [])):
            protocol = _build(item, index)
            if protocol.id in out:
                raise ProtocolError(f"protocol {protocol.id}: id is used twice")
            out[protocol.id] = protocol
    except ProtocolError as exc:
        raise ProtocolError(f"{path}: {exc}") from None
    if not out:
        raise ProtocolError(f"{path}: no [[protocol]] entries")
    return out


def get(protocol_id: str, path: Path | str | None = None) -> Protocol:
    protocols = load(path)
    try:
        return protocols[protocol_id]
    except KeyError:
        raise ProtocolError(f"no protocol '{protocol_id}' (known: {', '.join(protocols)})") from None

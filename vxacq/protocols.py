"""Anatomical protocols (exposure programs): loaded from ``vxacq/resources/protocols.toml``, validated.

Each protocol names the picker region it is listed under, the body part (a key of
:data:`vxacq.dicom.codes.BODY_PARTS`: CID 4031 code and Body Part Examined), the view (a key of
the CID 4010 / 4014 view tables), laterality, geometry, the processing preset (a table of
``processing.toml``), the technique per patient size and the target Exposure Index (EI = 100 ×
detector kerma in µGy at RQA5 calibration, IEC 62494-1).

``kv`` and ``mas`` are the technique of the protocol's ``default_size`` (the size of the
simulator's standard phantom: ``medium`` adult, ``child`` for paediatric protocols);
``technique_by_size`` gives the other sizes. :meth:`Protocol.technique_for` answers for any size.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from vxacq.dicom import codes

DEFAULT_PATH = Path(__file__).resolve().parent / "resources" / "protocols.toml"
MODALITIES = ("DX", "MG")
LATERALITIES = ("", "U", "L", "R", "B")
KV_LIMITS = {"DX": (40.0, 150.0), "MG": (20.0, 49.0)}
# A long-length exposure: up to this many fields, each within this of the previous (a 43 cm
# panel must overlap its neighbour).
MAX_FIELDS = 5
MAX_FIELD_STEP_MM = 400.0
# Patient sizes, smallest first: the technique of a protocol is given per size.
SIZES = ("infant", "child", "small", "medium", "large")
# Regions of the body-part picker, head to foot; every protocol is listed under one.
REGIONS = ("head", "neck", "chest", "arm", "hand", "abdomen", "spine", "pelvis", "leg", "knee",
           "foot", "breast")


class ProtocolError(ValueError):
    """A protocol file or entry is not valid; the message names the protocol and the field."""


@dataclass(frozen=True)
class SizeTechnique:
    """kV and mAs for one patient size."""

    size: str
    kv: float
    mas: float


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    region: str  # body-part picker region (REGIONS)
    modality: str
    body_part: str  # key of codes.BODY_PARTS (CID 4031 + BodyPartExamined)
    view_position: str  # key of codes.DX_VIEWS (DX) or codes.MG_VIEWS (MG)
    laterality: str  # "" = given at the exam, "U" unpaired, "L", "R", "B"
    kv: float  # technique of default_size
    mas: float
    focus: str
    aec: bool
    aec_chambers: str
    sid_mm: float
    grid: bool
    field_mm: tuple[float, float]
    target_ei: float
    phantom: str  # what the simulator puts in the beam (hardware_sim.phantoms)
    processing: str  # processing preset: a table of processing.toml
    default_size: str = "medium"
    # the other sizes: size → (kV, mAs)
    technique_by_size: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Long-length imaging: overlapping fields taken as one sequence, the stand moving
    # field_step_mm between their centres, stitched into one image (1: an ordinary exposure).
    field_count: int = 1
    field_step_mm: float = 0.0
    # Mechanical data the view implies (dose report TID 10003C, DX/MG positioning), degrees:
    # the detector's mount (a key of codes.MOUNTS; "" = not said; none for
    # mammography); Positioner Primary Angle, the beam in the coronal plane, a source on the
    # patient's right negative (PS3.3 C.8.11.5; MG: RMLO +45, LMLO −45); Positioner Secondary
    # Angle, the beam in the sagittal plane; Column Angulation, the tube tilt along the image
    # columns, towards higher rows (caudal in a head-up image) positive.
    mount: str = ""
    positioner_primary_angle: float | None = None
    positioner_secondary_angle: float | None = None
    column_angulation: float | None = None

    @property
    def long_length(self) -> bool:
        return self.field_count > 1

    def stand_positions_mm(self) -> tuple[float, ...]:
        """Where the detector centre is for each field, head first, centred on the length."""
        middle = (self.field_count - 1) / 2
        return tuple((k - middle) * self.field_step_mm for k in range(self.field_count))

    @property
    def image_laterality(self) -> str:
        """ImageLaterality: the protocol's side, U for unpaired parts, "" when the exam decides."""
        return self.laterality

    @property
    def sizes(self) -> tuple[str, ...]:
        """The patient sizes this protocol has a technique for, smallest first."""
        given = {self.default_size, *self.technique_by_size}
        return tuple(s for s in SIZES if s in given)

    def technique_for(self, size: str) -> SizeTechnique:
        """kV and mAs for a patient of ``size``; ProtocolError when the protocol has none."""
        if size == self.default_size:
            return SizeTechnique(size, self.kv, self.mas)
        try:
            kv, mas = self.technique_by_size[size]
        except KeyError:
            raise ProtocolError(f"protocol {self.id} has no technique for a {size} patient "
                                f"(it has: {', '.join(self.sizes)})") from None
        return SizeTechnique(size, kv, mas)

    def validate(self) -> None:
        where = f"protocol {self.id or '?'}"
        if not self.id or not self.id.replace("_", "").isalnum() or not self.id.isupper():
            raise ProtocolError(f"{where}: id must be upper-case letters, digits and '_'")
        if self.modality not in MODALITIES:
            raise ProtocolError(f"{where}: modality must be one of {', '.join(MODALITIES)}")
        if self.region not in REGIONS:
            raise ProtocolError(f"{where}: region must be one of {', '.join(REGIONS)}")
        self._validate_codes(where)
        self._validate_technique(where, self.default_size, self.kv, self.mas)
        if self.default_size in self.technique_by_size:
            raise ProtocolError(f"{where}: technique_by_size repeats the default size "
                                f"{self.default_size} (its technique is kv and mas)")
        for size, (kv, mas) in self.technique_by_size.items():
            self._validate_technique(where, size, kv, mas)
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
        if not 1 <= self.field_count <= MAX_FIELDS:
            raise ProtocolError(f"{where}: field_count must be 1–{MAX_FIELDS}")
        if self.field_count > 1 and not 0 < self.field_step_mm < MAX_FIELD_STEP_MM:
            raise ProtocolError(f"{where}: field_step_mm must be in (0, {MAX_FIELD_STEP_MM:g}) "
                                "mm: the fields of a long-length exposure overlap")
        for key in ("name", "phantom", "processing"):
            if not getattr(self, key).strip():
                raise ProtocolError(f"{where}: {key} must not be blank")
        self._validate_mechanics(where)

    def _validate_mechanics(self, where: str) -> None:
        if self.mount and self.mount not in codes.MOUNTS:
            raise ProtocolError(f"{where}: mount must be one of "
                                f"{', '.join(codes.MOUNTS)} (CID 10031)")
        if self.mount and self.modality == "MG":
            raise ProtocolError(f"{where}: a mammography unit has no CR/DR mount: leave mount out")
        for key, limit in (("positioner_primary_angle", 180.0), ("positioner_secondary_angle", 90.0),
                           ("column_angulation", 90.0)):
            value = getattr(self, key)
            if value is not None and not -limit <= value <= limit:
                raise ProtocolError(f"{where}: {key} {value:g} outside -{limit:g}–{limit:g} degrees")
        angle = self.positioner_primary_angle
        # The source comes from the medial side for MLO and ML views (the patient's left, i.e.
        # positive, for a right breast) and from the lateral side for LM and LMO: an angle
        # with the sign of the other breast is refused.
        right_sign = {"MLO": 1, "ML": 1, "LM": -1, "LMO": -1}.get(self.view_position.upper())
        if self.modality == "MG" and angle is not None and right_sign and self.laterality in ("L", "R"):
            expected = right_sign if self.laterality == "R" else -right_sign
            if angle * expected <= 0:
                raise ProtocolError(f"{where}: positioner_primary_angle {angle:g} has the sign of the "
                                    f"other breast for a {self.laterality}{self.view_position} "
                                    f"({'positive' if expected > 0 else 'negative'} expected)")

    def _validate_codes(self, where: str) -> None:
        try:
            part = codes.body_part(self.body_part)
            if self.modality == "MG":
                codes.mg_view(self.view_position)
            else:
                codes.dx_view(self.view_position)
        except ValueError as exc:
            raise ProtocolError(f"{where}: {exc}") from None
        if self.laterality not in LATERALITIES:
            raise ProtocolError(f"{where}: laterality must be one of "
                                f"{', '.join(repr(v) for v in LATERALITIES)}")
        # The image would be refused at storage (DX Anatomy Imaged, PS3.3 C.8.11.2): say it now.
        if part.paired and self.laterality == "U":
            raise ProtocolError(f"{where}: {self.body_part} is paired: laterality must be '', "
                                "L, R or B, not U")
        if not part.paired and self.laterality in ("", "L", "R"):
            raise ProtocolError(f"{where}: {self.body_part} is not paired: laterality must be "
                                "U or B")

    def _validate_technique(self, where: str, size: str, kv: float, mas: float) -> None:
        if size not in SIZES:
            raise ProtocolError(f"{where}: size '{size}' is not one of {', '.join(SIZES)}")
        low, high = KV_LIMITS[self.modality]
        if not low <= kv <= high:
            label = "kv" if size == self.default_size else f"{size} kv"
            raise ProtocolError(f"{where}: {label} {kv:g} outside {low:g}–{high:g} for "
                                f"{self.modality}")
        if not 0 < mas <= 1000:
            label = "mas" if size == self.default_size else f"{size} mas"
            raise ProtocolError(f"{where}: {label} {mas:g} must be in (0, 1000]")


_OPTIONAL = {"default_size", "technique_by_size", "field_count", "field_step_mm", "mount",
             "positioner_primary_angle", "positioner_secondary_angle", "column_angulation"}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _convert(key: str, kind: str, value: Any) -> tuple[bool, Any]:
    if kind in ("float", "float | None"):
        return _number(value), float(value) if _number(value) else value
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok, value
    if kind == "bool":
        return isinstance(value, bool), value
    if kind == "str":
        return isinstance(value, str), value
    if key == "field_mm":
        ok = isinstance(value, list) and all(_number(v) for v in value)
        return ok, tuple(float(v) for v in value) if ok else value
    # technique_by_size: {size: [kV, mAs]}
    ok = isinstance(value, dict) and all(
        isinstance(v, list) and len(v) == 2 and all(_number(x) for x in v) for v in value.values())
    return ok, {s: (float(v[0]), float(v[1])) for s, v in value.items()} if ok else value


def _build(raw: Any, index: int) -> Protocol:
    if not isinstance(raw, dict):
        raise ProtocolError(f"protocol #{index + 1}: must be a table")
    where = f"protocol {raw.get('id', f'#{index + 1}')}"
    names = {f.name: f for f in fields(Protocol)}
    unknown = set(raw) - set(names)
    if unknown:
        raise ProtocolError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    missing = set(names) - set(raw) - _OPTIONAL
    if missing:
        raise ProtocolError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        ok, value = _convert(key, str(names[key].type), value)
        if not ok:
            raise ProtocolError(f"{where}: {key} has the wrong type ({value!r})")
        values[key] = value
    protocol = Protocol(**values)
    protocol.validate()
    return protocol


# Parsed libraries by (file, mtime, size): parsing and checking 86 protocols takes ~50 ms of
# pure Python, which every exposure's processing (its preset) and every exam would pay again,
# holding the interpreter the GUI thread waits for. An edited file is read again.
_parsed: dict[tuple[str, int, int], dict[str, Protocol]] = {}
_parsed_lock = threading.Lock()


def file_key(path: Path) -> tuple[str, int, int]:
    """What identifies one version of a file: its path, modification time and size."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def load(path: Path | str | None = None) -> dict[str, Protocol]:
    """All protocols in the file, by id; ProtocolError names the file, protocol and field."""
    path = Path(path or DEFAULT_PATH)
    try:
        key = file_key(path)
    except OSError as exc:
        raise ProtocolError(f"{path}: cannot be read: {exc}") from None
    with _parsed_lock:
        known = _parsed.get(key)
    if known is None:
        known = _read(path)
        with _parsed_lock:
            for old in [k for k in _parsed if k[0] == key[0]]:  # an older version
                del _parsed[old]
            _parsed[key] = known
    return dict(known)  # the Protocols are frozen; the caller's dict is its own


def _read(path: Path) -> dict[str, Protocol]:
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


def by_region(protocols: dict[str, Protocol], region: str) -> list[Protocol]:
    """The protocols listed under picker ``region``, in file order."""
    if region not in REGIONS:
        raise ProtocolError(f"region '{region}' is not one of {', '.join(REGIONS)}")
    return [p for p in protocols.values() if p.region == region]

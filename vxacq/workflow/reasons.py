"""Why an image is rejected: the standard's reasons (CID 7011) plus the site's own.

Local reasons live in ``vxacq/resources/reject_reasons.toml`` (or a file given by path); each has a
key, a code value, a coding scheme and the meaning shown to the radiographer, and may name the IHE
IOCM rejection title (``kos_title``: 113001, 113037, 113038 or 113039) its rejection note carries
when the image was already sent. CID 7011's reasons are all image quality: 113001 "Rejected for
Quality Reasons".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vxacq.dicom import codes

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "reject_reasons.toml"


@dataclass(frozen=True)
class RejectReason:
    key: str
    code: Code
    local: bool  # a site reason rather than one of CID 7011
    #: The rejection note's document title when an image already sent is rejected (IOCM).
    title: Code = field(default_factory=lambda: codes.REJECTION_TITLES["113001"])


def reject_reasons(path: Path | str | None = None) -> list[RejectReason]:
    """CID 7011's reasons, then the local ones; ValueError names a malformed local entry."""
    from pydicom.sr.coding import Code

    out = [RejectReason(key, code, False) for key, code in codes.REJECT_REASONS.items()]
    path = Path(path or DEFAULT_PATH)
    if not path.exists():
        return out
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read: {exc}") from None
    keys = {r.key for r in out}
    for number, entry in enumerate(raw.get("reason", []), start=1):
        missing = [k for k in ("key", "value", "scheme", "meaning")
                   if not str(entry.get(k, "")).strip()]
        if missing:
            raise ValueError(f"{path}: reason #{number} lacks {', '.join(missing)}")
        if entry["key"] in keys:
            raise ValueError(f"{path}: reason key '{entry['key']}' is used twice")
        keys.add(entry["key"])
        code = Code(entry["value"], entry["scheme"], entry["meaning"])
        title = str(entry.get("kos_title", "113001"))
        if title not in codes.REJECTION_TITLES:
            raise ValueError(f"{path}: reason '{entry['key']}' has kos_title '{title}'; one of "
                             + ", ".join(f"{c.value} ({c.meaning})"
                                         for c in codes.REJECTION_TITLES.values()))
        out.append(RejectReason(entry["key"], code, True, codes.REJECTION_TITLES[title]))
    return out


def rejection_title(reason: str | Code, path: Path | str | None = None) -> Code:
    """The IOCM rejection note title for a reason key or code (113001 for a code not listed)."""
    from pydicom.sr.coding import Code

    for item in reject_reasons(path):
        if item.key == reason or (isinstance(reason, Code) and item.code == reason):
            return item.title
    if isinstance(reason, Code):
        return codes.REJECTION_TITLES["113001"]
    raise ValueError(f"'{reason}' is not a reject reason; see `vxacq exam --list-reasons` "
                     "or vxacq/resources/reject_reasons.toml")


def reject_code(reason: str | Code, path: Path | str | None = None) -> Code:
    """The Code for a reason key (CID 7011 or local), or a Code given as is; ValueError for
    none given (a reason is always chosen, never filed by default) or an unknown key."""
    from pydicom.sr.coding import Code

    if isinstance(reason, Code):
        return reason
    if reason is None or not str(reason).strip():
        raise ValueError("no reject reason given: choose one (see `vxacq exam --list-reasons` "
                         "or vxacq/resources/reject_reasons.toml)")
    for item in reject_reasons(path):
        if item.key == reason:
            return item.code
    raise ValueError(f"'{reason}' is not a reject reason; see `vxacq exam --list-reasons` "
                     "or vxacq/resources/reject_reasons.toml")

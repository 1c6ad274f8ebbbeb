"""Which protocols an order needs: its requested procedure in ``vxacq/resources/procedures.toml``.

The table maps Requested Procedure codes (any scheme) and description words to protocol ids.
The first entry whose code matches wins; otherwise the first whose words all appear in the
order's descriptions. No match means an empty list: the radiographer adds protocols by hand.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

# Protocol and load_protocols are re-exported for the screens (rule 10)
from vxacq.protocols import Protocol, ProtocolError, load as load_protocols  # noqa: F401

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "procedures.toml"


@dataclass(frozen=True)
class ProcedureRule:
    codes: tuple[str, ...]
    words: tuple[str, ...]
    protocols: tuple[str, ...]


def load(path: Path | str | None = None,
         protocols_path: Path | str | None = None) -> list[ProcedureRule]:
    """The mapping table; ProtocolError names the entry and what is wrong with it."""
    path = Path(path or DEFAULT_PATH)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot be read: {exc}") from None
    known = load_protocols(protocols_path)
    rules = []
    for number, entry in enumerate(raw.get("procedure", []), start=1):
        rule = ProcedureRule(codes=tuple(entry.get("codes", [])),
                             words=tuple(w.lower() for w in entry.get("words", [])),
                             protocols=tuple(entry.get("protocols", [])))
        unknown = [p for p in rule.protocols if p not in known]
        if unknown or not rule.protocols or not (rule.codes or rule.words):
            detail = f" (unknown: {', '.join(unknown)})" if unknown else ""
            raise ProtocolError(f"{path}: procedure #{number} needs codes or words and known "
                                f"protocols{detail}")
        rules.append(rule)
    return rules


def protocols_for(code_value: str, *descriptions: str,
                  rules: list[ProcedureRule] | None = None) -> list[str]:
    """Protocol ids for a requested procedure code and its descriptions (may be empty)."""
    rules = load() if rules is None else rules
    if code_value:
        for rule in rules:
            if code_value in rule.codes:
                return list(rule.protocols)
    text = " ".join(descriptions).lower()
    # "C-SPINE" is the words c and spine, and also cspine: a rule can name it without "c"
    # matching every word that starts with c.
    words = set(re.findall(r"[a-z0-9]+", text)) | set(re.findall(r"[a-z0-9]+", text.replace("-", "")))
    for rule in rules:
        if rule.words and all(any(w.startswith(word) for w in words) for word in rule.words):
            return list(rule.protocols)
    return []


def laterality_for(*descriptions: str) -> str:
    """L or R when the order's description names one side only (LEFT, RIGHT, LT, RT), else ""."""
    words = set(re.findall(r"[a-z]+", " ".join(descriptions).lower()))
    left = bool(words & {"left", "lt", "links", "gauche"})
    right = bool(words & {"right", "rt", "rechts", "droite"})
    return "L" if left and not right else "R" if right and not left else ""


def emergency_protocols(known: dict | None = None) -> list[str]:
    """The protocol an emergency (trauma) exam opens with: a supine chest AP when the library
    has one, else a chest AP, else the first chest protocol; empty when there is no chest."""
    known = load_protocols() if known is None else known
    chests = [p for p in known.values() if p.body_part == "CHEST" and p.modality == "DX"]
    supine = [p for p in chests if p.view_position == "AP"
              and "supine" in f"{p.id} {p.name}".lower()]
    for group in (supine, [p for p in chests if p.view_position == "AP"], chests):
        if group:
            return [group[0].id]
    return []

"""Rule 10: the screens import only the ui itself, the workflow, the configuration and the
security layer (accounts, roles, audit: rule 11).

The screens not yet moved over are listed with what they still reach into, so a new
violation anywhere fails here and a removed one is noticed (its entry must go too).
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "vxacq" / "ui"
ALLOWED = ("vxacq.ui", "vxacq.workflow", "vxacq.config", "vxacq.logs", "vxacq.security")
# other owners' pages, still to be moved onto the workflow (issue 21, "Structure")
NOT_YET: dict[str, set[str]] = {}


def _core_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "vxacq":  # from vxacq import __version__ is the package itself
                names = [f"vxacq.{a.name}" for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n.startswith("vxacq") and not n.startswith(ALLOWED)}
    return found


def test_screens_reach_the_core_only_through_the_workflow() -> None:
    found = {p.name: _core_imports(p) for p in sorted(UI.glob("*.py"))}
    wrong = {name: sorted(mods) for name, mods in found.items()
             if mods and mods != NOT_YET.get(name)}
    assert not wrong, f"ui modules importing beyond ui/workflow/config: {wrong}"
    stale = {name for name in NOT_YET if not found.get(name)}
    assert not stale, f"{stale} no longer import the core: remove them from NOT_YET"

"""The licence of every distribution the console ships, and the check that none is GPL.

What ships is vxacq's runtime dependency closure as installed (``Requires-Dist`` followed
recursively; requirements of an extra left out, and those for another platform that are not
installed here): the venv's packages, which are what
PyInstaller bundles (``make dist``). Each distribution's licence comes from its metadata:
``License-Expression`` (SPDX), else a short ``License`` field, else the ``License ::``
classifiers. ``A OR B`` (and several classifiers) are alternatives: we may take any one.

The rule (Apache-2.0 product): a GPL or AGPL component is refused. LGPL is accepted for a
dynamically linked library (Qt through PySide6/shiboken6): the bundle keeps those shared
libraries as separate, replaceable files in ``/opt/vxacq/_internal``, which is what LGPL-3
section 4 asks of a combined work. A distribution whose licence cannot be read is refused too.

``python -m vxacq.docs.licences [--report FILE]`` prints the table (and writes it as Markdown),
exit status 1 when a component is refused; ``make dist-check`` runs it and the .deb carries the
report as /usr/share/doc/vxacq/licences.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT_DISTRIBUTION = "vxacq"
# a License field longer than this is the licence's text, not its name
SHORT_LICENCE = 100
_GPL = re.compile(r"\b(A?GPL|GNU (Affero )?General Public)", re.IGNORECASE)
_LGPL = re.compile(r"\b(LGPL|GNU Lesser|GNU Library)", re.IGNORECASE)
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Component:
    """One shipped distribution, its licence as its metadata states it, and the verdict."""

    name: str
    version: str
    licence: str
    alternatives: tuple[str, ...]

    @property
    def refused(self) -> str:
        """Why it may not ship, or "" when it may."""
        if not self.alternatives:
            return "no licence in its metadata"
        if all(_is_gpl(choice) for choice in self.alternatives):
            return "GPL: not allowed in an Apache-2.0 product"
        return ""

    @property
    def note(self) -> str:
        if self.refused:
            return "REFUSED: " + self.refused
        usable = [choice for choice in self.alternatives if not _is_gpl(choice)]
        if any(_LGPL.search(choice) for choice in usable) and not any(
                not _LGPL.search(choice) for choice in usable):
            return "LGPL: shipped as separate shared libraries the user can replace"
        return "ok"


def _is_gpl(choice: str) -> bool:
    """True when a licence alternative (its AND parts) includes a GPL or AGPL part."""
    return any(_GPL.search(part) and not _LGPL.search(part)
               for part in re.split(r"\s+AND\s+", choice.strip("() ")))


def licence_of(dist: metadata.Distribution) -> tuple[str, tuple[str, ...]]:
    """The licence as stated and its alternatives (each one licence or an AND of several)."""
    md = dist.metadata
    expression = (md.get("License-Expression") or "").strip()
    field = (md.get("License") or "").strip()
    if not expression and field and len(field) <= SHORT_LICENCE and "\n" not in field:
        expression = field
    if expression and expression.upper() not in ("UNKNOWN", "NONE"):
        return expression, tuple(re.split(r"\s+OR\s+", expression))
    classifiers = [c.split("::")[-1].strip() for c in md.get_all("Classifier") or []
                   if c.startswith("License ::") and c.count("::") >= 2]
    return " OR ".join(classifiers), tuple(classifiers)


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def shipped(root: str = ROOT_DISTRIBUTION) -> list[metadata.Distribution]:
    """``root`` and its runtime dependencies as installed, each once, by name."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(root, "")]
    while todo:
        name, marker = todo.pop()
        if _key(name) in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if marker:  # for another platform or Python: not installed, not shipped
                continue
            raise
        found[_key(name)] = dist
        for line in dist.requires or []:
            requirement, _, marker = line.partition(";")
            if "extra" not in marker:
                todo.append((_NAME.match(requirement).group(1), marker.strip()))
    return [found[key] for key in sorted(found)]


def components(dists: Iterable[metadata.Distribution]) -> list[Component]:
    out = []
    for dist in dists:
        licence, alternatives = licence_of(dist)
        out.append(Component(dist.metadata["Name"], dist.version, licence, alternatives))
    return out


def report(parts: list[Component]) -> str:
    """The Markdown licence report."""
    lines = [
        "# Licences of the components shipped with VXacq",
        "",
        "Generated by `python -m vxacq.docs.licences` (`make dist-check`) from the metadata of the",
        "installed runtime dependencies. VXacq is Apache-2.0; GPL components are refused, LGPL",
        "ones (Qt for Python) ship as separate shared libraries the user can replace.",
        "",
        "| Distribution | Version | Licence | Verdict |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {c.name} | {c.version} | {c.licence or '(none stated)'} | {c.note} |"
              for c in parts]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    parts = components(shipped(ROOT_DISTRIBUTION))
    width = max(len(c.name) for c in parts)
    for c in parts:
        print(f"{c.name:<{width}}  {c.version:<10}  {c.licence or '(none stated)'}  [{c.note}]")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(report(parts), encoding="utf-8")
    refused = [c for c in parts if c.refused]
    if refused:
        print("licence check FAILED: " + "; ".join(f"{c.name} ({c.refused})" for c in refused),
              file=sys.stderr)
        return 1
    print(f"licence check: {len(parts)} distributions, none GPL")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The licence check over what the console ships (make dist-check): the installed runtime
dependencies hold no GPL component, and a GPL one anywhere in the dependency tree is refused."""

from __future__ import annotations

import importlib.metadata as metadata
import sys

import pytest

from vxacq.docs import licences


def fake_dist(folder, name: str, *headers: str) -> metadata.Distribution:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("\n".join(["Metadata-Version: 2.4", f"Name: {name}",
                                              "Version: 1.0", *headers]) + "\n")
    return metadata.PathDistribution(info)


def test_the_installed_runtime_dependencies_hold_no_gpl_component():
    parts = licences.components(licences.shipped())
    names = {licences._key(c.name) for c in parts}
    assert "pylibjpeg-libjpeg" not in names  # the GPL-3 decoder the bundle used to carry
    assert {"python-gdcm", "pyjpegls", "pylibjpeg-openjpeg", "pydicom"} <= names
    assert [f"{c.name}: {c.refused}" for c in parts if c.refused] == []
    # Qt for Python is taken under its LGPL alternative, and the report says so
    pyside = next(c for c in parts if licences._key(c.name) == "pyside6-essentials")
    assert pyside.note.startswith("LGPL")
    assert f"| {pyside.name} | {pyside.version} | " in licences.report(parts)


@pytest.mark.parametrize("headers, refused", [
    (["License-Expression: GPL-3.0-or-later"], True),
    (["License: GPL-3.0"], True),
    (["Classifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)"], True),
    (["Classifier: License :: OSI Approved :: GNU Affero General Public License v3"], True),
    (["License-Expression: MIT AND GPL-2.0-only"], True),
    ([], True),  # no licence stated: cannot be shipped blind
    (["License-Expression: LGPL-3.0-only OR GPL-3.0-only"], False),
    (["Classifier: License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)"],
     False),
    (["License-Expression: BSD-3-Clause"], False),
    (["License: MIT", "Classifier: License :: OSI Approved :: MIT License"], False),
])
def test_a_gpl_or_unstated_licence_is_refused(tmp_path, headers, refused):
    (part,) = licences.components([fake_dist(tmp_path, "codec", *headers)])
    assert bool(part.refused) is refused, part


def test_a_gpl_dependency_deep_in_the_tree_fails_the_check(tmp_path, monkeypatch, capsys):
    fake_dist(tmp_path, "console", "License-Expression: Apache-2.0",
              "Requires-Dist: codecs-wrapper>=1", "Requires-Dist: pytest; extra == 'test'")
    fake_dist(tmp_path, "codecs_wrapper", "License-Expression: MIT", "Requires-Dist: gplcodec")
    fake_dist(tmp_path, "gplcodec", "License-Expression: GPL-3.0-only")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    parts = licences.components(licences.shipped("console"))
    assert [c.name for c in parts] == ["codecs_wrapper", "console", "gplcodec"]  # no extra
    assert [c.name for c in parts if c.refused] == ["gplcodec"]
    monkeypatch.setattr(licences, "ROOT_DISTRIBUTION", "console")
    report = tmp_path / "licences.md"
    assert licences.main(["--report", str(report)]) == 1
    assert "gplcodec (GPL" in capsys.readouterr().err
    assert "| gplcodec | 1.0 | GPL-3.0-only | REFUSED" in report.read_text()

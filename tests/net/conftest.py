# tests/net is a package (its test_worklist.py shares a name with tests/dicom's), so pytest puts
# tests/ on sys.path, not this folder: put it there too, for the helper modules beside the tests.

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import peers  # noqa: E402  (tests/, put on sys.path by tests/conftest.py)


@pytest.fixture
def pixelmed(tmp_path: Path) -> Iterator[peers.Peer]:
    """PixelMed's DicomAndWebStorageServer (AE PIXELMED): storage and Study Root C-FIND."""
    try:
        with peers.start_pixelmed(tmp_path / "peers") as peer:
            yield peer
    except peers.ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)

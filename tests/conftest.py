# Fixtures shared by the whole test suite. Tests never skip for a missing tool: they fail and say
# how to install it, so a green run always means every test really ran.

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # peers.py, whatever pytest's import mode

import peers  # noqa: E402
import pg  # noqa: E402


# --- Real DICOM peers (DCMTK, Orthanc) — see tests/peers.py -----------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg.PostgresServer]:
    """A real PostgreSQL server (tests/pg.py) for the session; skipped, saying why, only when
    Debian's server binaries are not installed (make test installs them)."""
    try:
        server = pg.start_postgres()
    except pg.PostgresMissing as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        pg.remove(server)


def require_tool(name: str) -> str:
    """Path of the program ``name``; fails the test (never skips) when it is not installed."""
    try:
        return peers.tool(name)
    except peers.ToolMissing as exc:
        pytest.fail(f"{exc} (missing: {name})", pytrace=False)


def _start(start: Callable[..., Any], *tools: str, **kwargs: Any) -> Iterator[peers.Peer]:
    for name in ("echoscu", *tools):
        require_tool(name)
    with start(**kwargs) as peer:
        yield peer


@pytest.fixture
def storescp(tmp_path: Path) -> Iterator[peers.Peer]:
    """DCMTK storescp (AE STORESCP) storing into ``storescp.storage_dir``."""
    yield from _start(peers.start_storescp, "storescp", "storescu", tmpdir=tmp_path / "peers")


@pytest.fixture
def wlmscpfs(tmp_path: Path) -> Iterator[peers.Peer]:
    """DCMTK wlmscpfs (AE WLMSCP); add items with peers.write_worklist_item."""
    yield from _start(peers.start_wlmscpfs, "wlmscpfs", "dump2dcm", "findscu", tmpdir=tmp_path / "peers")


@pytest.fixture
def dcmqrscp(tmp_path: Path) -> Iterator[peers.Peer]:
    """DCMTK dcmqrscp archive (AE DCMQRSCP); fill it with peers.load_dcmqrscp."""
    yield from _start(peers.start_dcmqrscp, "dcmqrscp", "storescu", "findscu", tmpdir=tmp_path / "peers")


@pytest.fixture
def dcmprscp(tmp_path: Path) -> Iterator[peers.Peer]:
    """DCMTK print SCP (AE PRINTSCP); printed films land in ``dcmprscp.database_dir``."""
    yield from _start(peers.start_dcmprscp, "dcmprscp", tmpdir=tmp_path / "peers")


@pytest.fixture
def orthanc(tmp_path: Path) -> Iterator[peers.Peer]:
    """Orthanc (AE ORTHANC) without modalities or worklists; REST via peers.orthanc_rest."""
    yield from _start(peers.start_orthanc, "Orthanc", tmpdir=tmp_path / "peers")


@pytest.fixture
def orthanc_factory(tmp_path: Path) -> Iterator[Callable[..., peers.Peer]]:
    """start(modalities=None, worklists_dir=None, **options) -> a running Orthanc, stopped after the test."""
    require_tool("echoscu")
    require_tool("Orthanc")
    with ExitStack() as stack:

        def start(**kwargs: Any) -> peers.Peer:
            if kwargs.get("worklists_dir") is not None:
                try:
                    peers.orthanc_worklist_plugin()
                except peers.ToolMissing as exc:
                    pytest.fail(str(exc), pytrace=False)
            kwargs.setdefault("tmpdir", tmp_path / "peers")
            return stack.enter_context(peers.start_orthanc(**kwargs))

        yield start


# --- end of real DICOM peers -------------------------------------------------------------------

"""A command's start-up imports only what the command needs.

Each check runs a fresh interpreter (``python -c``), does what ``vxacq`` does before a command
runs, and lists which heavy packages ended up in ``sys.modules``. Numbers of seconds are the
benchmark's business (benchmarks/startup_commands.py); this keeps the imports from creeping back.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "pydicom", "pynetdicom", "sqlalchemy", "sqlmodel", "PySide6", "scipy")

# Our own modules `vxacq echo` does not use: the database, the imaging chain, the workflow,
# the pixel decoders (pydicom imports its own; ours register at a decode), accounts and audit;
# nor the other commands' modules, nor what a configuration given by --config and naming its
# data_dir does without (platformdirs, and tomli_w, which writes one).
NOT_FOR_ECHO = ("vxacq.db", "vxacq.imaging", "vxacq.workflow", "vxacq.dicom.decoders",
                "vxacq.dicom.part10", "vxacq.hal.room", "vxacq.security.accounts",
                "vxacq.security.audit", "pyqtgraph", "vxacq.commands.store",
                "vxacq.commands.serve", "platformdirs", "tomli_w")

# A None in sys.modules is a package kept out (vxacq.dicom.no_pixels), not an import.
REPORT = """
import json, sys
print(json.dumps(sorted(m for m in {modules!r} if sys.modules.get(m) is not None)))
"""


def heavy_imports(code: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``modules`` (the heavy packages) a fresh interpreter has imported after
    running ``code``."""
    report = REPORT.format(modules=modules)
    result = subprocess.run([sys.executable, "-c", code + report], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_building_the_parser_imports_nothing_heavy() -> None:
    assert heavy_imports("from vxacq import cli\ncli.build_parser()") == []


def test_version_imports_nothing_heavy() -> None:
    code = """
import contextlib, io
from vxacq import cli
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    cli.main(["--version"])
assert out.getvalue().startswith("vxacq "), out.getvalue()
"""
    assert heavy_imports(code) == []


# The packages pydicom's pixel plugins import (vxacq.dicom.no_pixels.CODEC_PACKAGES)
PIXEL_CODECS = ("numpy", "gdcm", "PIL", "pylibjpeg", "openjpeg", "libjpeg", "rle", "jpeg_ls")

# `vxacq ARGS` as the vxacq program runs it (vxacq.__main__), then at its exit (an exit
# handler: the program ends with os._exit) which of MODULES it imported, as REPORT says.
PROGRAM = """
import atexit, json, sys
def report():
    print(json.dumps(sorted(m for m in {modules!r} if sys.modules.get(m) is not None)))
atexit.register(report)
sys.argv = ["vxacq", *{args!r}]
from vxacq.__main__ import main
main()
"""


def run_vxacq(args: list[str], modules: tuple[str, ...]) -> tuple[subprocess.CompletedProcess,
                                                                  list[str]]:
    """The finished ``vxacq`` process and which of ``modules`` it had imported."""
    code = PROGRAM.format(modules=modules, args=args)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    return result, json.loads(result.stdout.splitlines()[-1])


def echo_config(tmp_path: Path, ae_title: str, port: int) -> Path:
    config = tmp_path / "vxacq.toml"
    config.write_text(f"""
[station]
data_dir = "{tmp_path / 'data'}"

[[node]]
name = "archive"
ae_title = "{ae_title}"
host = "127.0.0.1"
port = {port}
services = ["store"]
""")
    return config


def test_echo_needs_the_network_stack_only(storescp, tmp_path: Path) -> None:
    """``vxacq echo`` against a real storescp: pynetdicom and pydicom, without pydicom's pixel
    codecs (numpy, gdcm, Pillow, pylibjpeg: a C-ECHO has no pixel data), the database, Qt or
    the imaging chain."""
    config = echo_config(tmp_path, storescp.ae_title, storescp.port)
    result, imported = run_vxacq(["echo", "archive", "--config", str(config)],
                                 HEAVY + PIXEL_CODECS + NOT_FOR_ECHO)
    assert result.returncode == 0, result.stderr
    assert "C-ECHO OK" in result.stdout
    assert imported == ["pydicom", "pynetdicom"]


def test_a_failing_echo_says_why_without_the_pixel_codecs(tmp_path: Path) -> None:
    """Nothing listening, or an association rejected: the message says so, as before, from a
    process without pydicom's pixel codecs."""
    from tests import peers
    from vxacq import config as configuration
    from vxacq.net.listener import Listener

    port = peers.free_port()
    config = echo_config(tmp_path, "NOBODY", port)
    result, imported = run_vxacq(["echo", "archive", "--config", str(config)], PIXEL_CODECS)
    assert result.returncode == 1
    assert f"connection refused on port {port}" in result.stderr
    assert imported == []
    # our own listener rejects a calling AE title it does not know, with the reason in words
    listener = Listener(configuration.from_dict({
        "station": {"ae_title": "CONSOLE", "listen_port": port},
        "node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 104,
                  "services": ["store"]}]}))
    assert listener.start().running
    try:
        config = echo_config(tmp_path, "CONSOLE", port)
        result, imported = run_vxacq(["echo", "archive", "--config", str(config)],
                                     PIXEL_CODECS)
    finally:
        listener.stop()
    assert result.returncode == 1
    assert "Calling AE title not recognised" in result.stderr
    assert imported == []


def test_echo_sharing_its_process_keeps_every_package(storescp, tmp_path: Path) -> None:
    """``cli.main`` called by a caller that shares its process (a test, a script) takes
    nothing away from it: pydicom imports numpy there as it always does."""
    config = echo_config(tmp_path, storescp.ae_title, storescp.port)
    code = f"""
from vxacq import cli
assert cli.main(["echo", "archive", "--config", {str(config)!r}]) == 0
import sys
assert sys.modules["numpy"] is not None
"""
    assert "numpy" in heavy_imports(code)


def test_pixel_codecs_are_kept_out_only_before_pydicom() -> None:
    """Before pydicom is imported, its pixel codecs can be kept out, and pydicom still reads
    and writes a dataset; after, nothing is taken away (pydicom's plugins hold them)."""
    code = """
import io, sys
from vxacq.dicom import no_pixels
assert no_pixels.CODEC_PACKAGES == {codecs!r}
assert no_pixels.keep_pixel_codecs_out()
from pydicom import dcmread, dcmwrite
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
ds = Dataset()
ds.PatientName, ds.Rows = "Doe^Jane", 512
ds.file_meta = FileMetaDataset()
ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
out = io.BytesIO()
dcmwrite(out, ds)
back = dcmread(io.BytesIO(out.getvalue()), force=True)
assert (back.PatientName, back.Rows) == ("Doe^Jane", 512)
try:
    import numpy
except ImportError:
    pass
else:
    raise AssertionError("numpy was imported")
""".format(codecs=PIXEL_CODECS)
    assert heavy_imports(code, PIXEL_CODECS + ("pydicom",)) == ["pydicom"]
    late = """
import pydicom
from vxacq.dicom import no_pixels
assert no_pixels.keep_pixel_codecs_out() is False
assert [name for name in no_pixels.CODEC_PACKAGES if name in sys.modules
        and sys.modules[name] is None] == []
"""
    assert "numpy" in heavy_imports("import sys\n" + late, PIXEL_CODECS)


def test_importing_accounts_hashes_nothing() -> None:
    """The hash an unknown name is compared with is made once, not at every start-up
    (an argon2id hash costs 20-30 ms of CPU on the development machine)."""
    code = """
import argon2
def refuse(*args, **kwargs):
    raise AssertionError("a password was hashed at import")
argon2.PasswordHasher.hash = refuse
import vxacq.security.accounts
"""
    assert "sqlmodel" in heavy_imports(code)  # it ran: accounts imports the database


def test_queue_states_are_the_job_states() -> None:
    """``vxacq queue --state`` spells the states out so that the parser needs no database."""
    from vxacq.commands.queue import JOB_STATES
    from vxacq.db import JobState

    assert JOB_STATES == tuple(s.value for s in JobState)


def test_report_periods_are_the_reports_periods() -> None:
    """``vxacq report rejects --period`` spells the periods out for the same reason."""
    from vxacq.commands.report import PERIODS
    from vxacq.workflow.qa_reports import PERIODS as REPORT_PERIODS

    assert PERIODS == tuple(REPORT_PERIODS)


def test_help_lists_every_command() -> None:
    """Every command still registers its arguments without its heavy imports."""
    from vxacq.cli import COMMANDS

    result = subprocess.run([sys.executable, "-m", "vxacq", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # one line a command in the COMMAND list
    assert re.findall(r"^    ([a-z]+)", result.stdout, re.MULTILINE) == list(COMMANDS)


def simulated_station(tmp_path: Path, port: int | None = None, *station: str) -> Path:
    """A station's configuration on the fast simulated panel, listening on ``port`` (a free
    one if None), with ``station``'s lines added to its [station] table."""
    from tests.peers import free_port

    config = tmp_path / "vxacq.toml"
    lines = [f'data_dir = "{tmp_path / "data"}"', f"listen_port = {port or free_port()}",
             *station]
    config.write_text("[station]\n" + "".join(f"{line}\n" for line in lines) +
                      '[hardware]\ndetector_model = "DRTEST"\nsim_time_scale = 0.05\n')
    return config


def test_console_window_shows_without_the_image_view(tmp_path: Path) -> None:
    """The console's window, built and shown as `vxacq` does (offscreen), has not imported
    pyqtgraph: the review image's scene is made when it is first shown or used (then it is)."""
    config = simulated_station(tmp_path)
    code = f"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from vxacq import config as configuration
from vxacq.ui.context import Console
from vxacq.ui.main_window import MainWindow
app = QApplication([])
console = Console.start(configuration.load({str(config)!r}))
window = MainWindow(console)
window.show()
app.processEvents()
shown = sorted(m for m in ("pyqtgraph", "vxacq.ui.review_graphics") if m in sys.modules)
window.exam.review.image  # asked for by name
built = "pyqtgraph" in sys.modules and window.exam.review.graphics.parent() is window.exam.review
window.close()
console.stop()
print(json.dumps([shown, built]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    shown, built = json.loads(result.stdout.splitlines()[-1])
    assert shown == [], "imported before the window showed"
    assert built, "the review view did not build its scene when asked for"


def test_console_starts_and_checks_its_protocols_without_the_concept_dictionary(
        tmp_path: Path) -> None:
    """The console's services started and its protocols loaded and checked (body parts, views,
    mounts) without ``pydicom.sr``, whose concept dictionary costs 0.04-0.18 s of CPU; the
    first code table used loads it (then it is)."""
    config = simulated_station(tmp_path)
    code = f"""
import sys
from vxacq import config as configuration
from vxacq.workflow.procedures import load_protocols
from vxacq.workflow.runtime import Services
from vxacq.workflow.console import open_database
config = configuration.load({str(config)!r})
services = Services(config, open_database(config.data_dir)).start()
try:
    known = load_protocols()
    assert known and "pydicom.sr" not in sys.modules, "loaded before a code was used"
    from vxacq.dicom import codes
    assert codes.body_part("CHEST").code.meaning == "Chest"
    assert "DetectorArtifacts" in codes.REJECT_REASONS
finally:
    services.stop()
"""
    assert heavy_imports(code, ("pydicom.sr",)) == ["pydicom.sr"]


def test_console_shows_its_window_before_the_network_and_the_concept_dictionary(
        tmp_path: Path) -> None:
    """``vxacq``'s console (vxacq.ui.app.run_console, offscreen) has imported neither
    pynetdicom nor ``pydicom.sr`` nor pyqtgraph when it logs "main window shown": the outbox
    and the listener start right after (pynetdicom then), by themselves, and the status bar
    says so; the reject reasons are read when a list of them is first needed."""
    from tests.peers import free_port

    port = free_port()
    config = simulated_station(tmp_path, port, "accept_any_calling_ae = true")
    code = f"""
import json, logging, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from vxacq import config as configuration
from vxacq.ui.app import run_console  # Qt is imported by run_console, as `vxacq` does

WATCHED = ("pynetdicom", "pydicom.sr", "pyqtgraph")
CORE = ("vxacq.db", "vxacq.dicom", "vxacq.workflow", "vxacq.security", "sqlmodel",
        "sqlalchemy", "pydantic", "pydicom", "numpy")
seen = {{}}


def after_show() -> None:
    from PySide6.QtWidgets import QApplication
    from vxacq.ui.main_window import MainWindow

    [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    services = window.console.services
    seen["started"] = services.started and services.listener.status.running
    seen["status_bar"] = window.listener_label.full_text()
    seen["after"] = sorted(m for m in WATCHED if m in sys.modules)
    window.pages.setCurrentWidget(window.history)  # its reject reasons: filled when shown
    seen["reasons"] = (window.history.reject_reason.findData("MotionBlur") > 0
                       and "pydicom.sr" in sys.modules)
    QApplication.quit()


class Shown(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        from PySide6.QtCore import QTimer

        if record.getMessage().startswith("main window shown"):
            seen["shown"] = sorted(m for m in WATCHED if m in sys.modules)
            names = list(sys.modules)  # in the order they were first imported
            seen["core_after_qt"] = [m for m in names[names.index("PySide6"):]
                                     if m.startswith(CORE)]
            QTimer.singleShot(0, after_show)  # after what the console posted for then


logging.getLogger("vxacq.ui.app").addHandler(Shown())
assert run_console(configuration.load({str(config)!r})) == 0
print(json.dumps(seen))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=90)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["shown"] == [], "imported before the window showed"
    # PySide6 reads the source of each module imported after it (vxacq.ui.app.WINDOW_CORE)
    assert seen["core_after_qt"] == [], "core modules the window uses imported after Qt"
    assert seen["started"], "the outbox and the listener did not start by themselves"
    assert f"listening as VXACQ on port {port}" in seen["status_bar"], seen["status_bar"]
    assert "pynetdicom" in seen["after"]
    assert seen["reasons"], "the History page's reject reasons were not filled"

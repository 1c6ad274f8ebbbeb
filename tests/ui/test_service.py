"""The service pages tell the truth, driven as a service engineer would: C-ECHO rows that end
within the node's timeout with the reason, the node dialog that keeps what was typed and
lists every problem, a node that takes effect without a restart, failed jobs where the status
bar points, Retry that says what it did, and a confirmation before the service tabs open.
Real peers: DCMTK storescp."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydicom.uid import generate_uid
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests import peers
from tests.net.test_store import write_dx
from tests.ui.driver import wait_until
from tests.workflow.conftest import calibrated_data, node, write_station  # noqa: F401 (fixture)
from vxacq.config import Config
from vxacq.net.outbox import enqueue, get_job
from vxacq.ui.context import Console
from vxacq.ui.main_window import MainWindow


@dataclass
class Station:
    window: MainWindow
    console: Console
    config: Config


@pytest.fixture
def station(qtbot, tmp_path: Path, calibrated_data: Path,  # noqa: F811
            storescp: peers.Peer) -> Iterator[Station]:
    nodes = (node("pacs", storescp.ae_title, storescp.port, ["store"])
             + node("down", "DOWN", peers.free_port(), ["store"])
             + node("nohost", "NOHOST", 104, ["store"]).replace('"127.0.0.1"',
                                                                 '"no-such-host.invalid"'))
    config = write_station(tmp_path / "station", calibrated_data, nodes, peers.free_port())
    console = Console.start(config, room_poll_s=0.2)
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    try:
        yield Station(window, console, config)
    finally:
        window.close()
        console.stop()


def _answer_confirmation(button: QMessageBox.StandardButton) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        box.button(button).click()

    QTimer.singleShot(20, answer)


def _enter_service_tab(window: MainWindow, tab) -> None:
    window.show_page(window.service)
    _answer_confirmation(QMessageBox.StandardButton.Yes)
    window.service.tabs.setCurrentWidget(tab)
    assert window.service.tabs.currentWidget() is tab


def test_the_service_page_is_built_when_its_tab_is_first_opened(station) -> None:
    """Not before the window shows (its tabs cost a tenth of the start-up); a click on its
    tab builds it, on its queue."""
    window = station.window
    assert window.service_scroll.widget() is None
    window.pages.setCurrentWidget(window.service_scroll)
    page = window.service_scroll.widget()
    assert page is not None and page is window.service
    assert page.isVisible() and page.tabs.currentWidget() is page.queue


def test_service_tabs_ask_before_they_open(station) -> None:
    window, service = station.window, station.window.service
    window.show_page(service)
    assert service.tabs.currentWidget() is service.queue  # the queue needs no confirmation
    _answer_confirmation(QMessageBox.StandardButton.Cancel)
    service.tabs.setCurrentWidget(service.nodes)
    assert service.tabs.currentWidget() is service.queue and not service.unlocked
    _enter_service_tab(window, service.nodes)
    assert service.unlocked
    window.pages.setCurrentWidget(window.worklist)  # leaving locks them again
    assert not service.unlocked and service.tabs.currentWidget() is service.queue


def test_echo_rows_end_within_the_timeout_with_the_reason(station) -> None:
    nodes = station.window.service.nodes
    _enter_service_tab(station.window, nodes)
    started = time.monotonic()
    nodes.echo_all()
    names = [n.name for n in station.config.nodes]
    column = 5
    wait_until(lambda: all(nodes.table.item(r, column).text() not in ("", "asking…")
                           for r in range(len(names))), 10, "every C-ECHO row")
    assert time.monotonic() - started < 2.0 + 1.0  # the nodes' connect timeout is 2 s
    rows = {names[r]: nodes.table.item(r, column).text() for r in range(len(names))}
    assert rows["pacs"].startswith("OK in")
    assert rows["down"].startswith("failed after") and "connection refused" in rows["down"]
    assert "cannot be resolved" in rows["nohost"]


def test_node_dialog_keeps_what_was_typed_and_lists_every_problem(station, tmp_path) -> None:
    window, nodes = station.window, station.window.service.nodes
    _enter_service_tab(window, nodes)
    nodes.edit(None)
    dialog = nodes.dialog
    wait_until(dialog.isVisible, 5, "the node dialog")
    dialog.name.setText("pacs")
    dialog.ae_title.setText("")
    dialog.host.setText("new pacs")
    dialog.port.setText("70000")
    dialog.submit()
    assert dialog.isVisible()
    problems = dialog.problems.text()
    for words in ("name 'pacs' is used by another node", "ae_title must not be blank",
                  "port 70000 is outside 1..65535", "host 'new pacs' contains a space",
                  "services is empty"):
        assert words in problems
    assert (dialog.name.text(), dialog.host.text(), dialog.port.text()) == (
        "pacs", "new pacs", "70000")  # nothing clamped, nothing lost
    assert [n.name for n in station.console.config.nodes] == ["pacs", "down", "nohost"]

    # fixed: the node is saved and the running outbox sends to it at once
    backup = peers.free_port()
    dialog.name.setText("backup")
    dialog.ae_title.setText("BACKUP")
    dialog.host.setText("127.0.0.1")
    dialog.port.setText(str(backup))
    dialog.services["store"].setChecked(True)
    dialog.submit()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    assert "saved and in effect" in nodes.banner.text()
    assert "backup" in station.console.services.outbox.nodes
    assert 'name = "backup"' in station.config.path.read_text()
    job_id = enqueue(station.console.db, "store", "backup", {"files": []})
    wait_until(lambda: get_job(station.console.db, job_id).state == "done", 10,
               "the new node's worker to send")


def test_a_changed_node_is_in_effect_without_a_restart(station, tmp_path) -> None:
    window, console = station.window, station.console
    nodes = window.service.nodes
    _enter_service_tab(window, nodes)
    pacs = console.config.node("pacs")
    nodes.table.selectRow([n.name for n in console.config.nodes].index("down"))
    nodes.edit(nodes.selected())
    dialog = nodes.dialog
    wait_until(dialog.isVisible, 5, "the node dialog")
    assert dialog.name.text() == "down"  # the node's own values to change
    dialog.ae_title.setText(pacs.ae_title)
    dialog.port.setText(str(pacs.port))  # the port it listens on now
    dialog.submit()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    assert "saved and in effect" in nodes.banner.text()
    job_id = enqueue(console.db, "store", "down", {"files": [_image(tmp_path)]})
    wait_until(lambda: get_job(console.db, job_id).state == "done", 15,
               "the running outbox to send to the node's new port")


def test_node_dialog_takes_a_dicomweb_node(station, tmp_path) -> None:
    window, nodes = station.window, station.window.service.nodes
    _enter_service_tab(window, nodes)
    nodes.edit(None)
    dialog = nodes.dialog
    wait_until(dialog.isVisible, 5, "the node dialog")
    dialog.name.setText("cloud")
    dialog.url.setText("http://pacs.example/dicom-web")
    assert not dialog.ae_title.isEnabled() and not dialog.port.isEnabled()
    dialog.auth.setCurrentText("basic")
    dialog.username.setText("room1")
    dialog.secret_file.setText(str(tmp_path / "missing.secret"))
    dialog.services["commitment"].setChecked(True)
    dialog.submit()
    assert dialog.isVisible()
    problems = dialog.problems.text()
    for words in ("would send the password in clear text", "missing.secret' cannot be read",
                  "storage commitment is not applicable to DICOMweb"):
        assert words in problems
    secret = tmp_path / "cloud.secret"
    secret.write_text("the-password\n")
    secret.chmod(0o600)
    dialog.url.setText("https://pacs.example:8443/dicom-web")
    dialog.secret_file.setText(str(secret))
    dialog.services["commitment"].setChecked(False)
    dialog.services["store"].setChecked(True)
    dialog.submit()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    saved = station.console.config.node("cloud")
    assert (saved.host, saved.port, saved.auth, saved.username) == (
        "pacs.example", 8443, "basic", "room1")
    text = station.config.path.read_text()
    assert 'url = "https://pacs.example:8443/dicom-web"' in text and "the-password" not in text


def _image(tmp_path: Path) -> str:
    return str(write_dx(tmp_path, 1, study=generate_uid()))


def test_failed_jobs_where_the_status_bar_points_and_retry_says_what_it_did(station,
                                                                            tmp_path) -> None:
    window, console = station.window, station.console
    failed = enqueue(console.db, "store", "down", {"files": ["/nowhere/a.dcm"]})
    # an unresolvable host: retried, so waiting in the queue
    waiting = enqueue(console.db, "store", "nohost", {"files": [_image(tmp_path)]})
    wait_until(lambda: get_job(console.db, failed).state == "failed", 15, "the job to fail")
    window.show_page(window.service)  # opened by hand: failed jobs are shown, first
    queue = window.service.queue
    assert window.service.tabs.currentWidget() is queue
    wait_until(lambda: [r.job.id for r in queue.rows][:1] == [failed], 10, "the failed job")
    window.show_page(window.worklist)
    window.refresh_status()
    wait_until(lambda: "1 failed" in window.queue_label.text(), 10, "the status bar")
    window.queue_label.click()
    queue = window.service.queue
    assert window.pages.currentWidget() is window.service_scroll
    assert window.service.tabs.currentWidget() is queue  # no confirmation for the queue
    wait_until(lambda: [r.job.id for r in queue.rows] == [failed], 10, "failed jobs only")
    assert queue.view.currentData() == "failed"
    assert "could not be stored" in queue.table.item(0, 7).text()

    queue.show_view("attention")  # the default: failed first, then waiting
    wait_until(lambda: [r.job.id for r in queue.rows][:1] == [failed]
               and waiting in [r.job.id for r in queue.rows], 10, "failed first")
    assert queue.select_job(failed)
    queue.retry_button.click()
    wait_until(lambda: queue.banner.isVisible(), 10, "what Retry did")
    assert f"Job #{failed} (store to down) was failed; it is queued again" in queue.banner.text()


def test_a_job_for_a_removed_node_says_so(station, tmp_path) -> None:
    window, console = station.window, station.console
    nodes = window.service.nodes
    _enter_service_tab(window, nodes)
    job_id = enqueue(console.db, "store", "nohost", {"files": [_image(tmp_path)]})
    nodes.table.selectRow([n.name for n in console.config.nodes].index("nohost"))
    nodes.remove_button.click()
    wait_until(lambda: "failed with that reason" in nodes.banner.text(), 10, "the removal")
    assert "nohost" not in [n.name for n in console.config.nodes]
    # failed at once, or when the attempt running at the removal ends: never retried
    wait_until(lambda: get_job(console.db, job_id).state == "failed", 5, "the job to fail")
    assert "node 'nohost' is no longer" in get_job(console.db, job_id).last_error
    queue = window.service.queue
    window.service.tabs.setCurrentWidget(queue)
    wait_until(lambda: any(r.job.id == job_id for r in queue.rows), 10, "the queue")
    row = [r.job.id for r in queue.rows].index(job_id)
    assert queue.table.item(row, 2).text() == "nohost (removed)"
    assert queue.select_job(job_id)
    queue.retry_button.click()
    wait_until(lambda: "cannot be retried" in queue.banner.text(), 10, "the refusal")
    assert get_job(console.db, job_id).state == "failed"


def test_reference_levels_tab_saves_a_valid_override_and_refuses_a_wrong_one(station,
                                                                            monkeypatch) -> None:
    from vxacq.workflow import reference_levels

    reads: list[threading.Thread] = []  # the files in the data dir, read off the GUI thread
    real = reference_levels.load

    def load(*args, **kwargs):
        reads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(reference_levels, "load", load)
    window, service = station.window, station.window.service
    _enter_service_tab(window, service.levels)
    tab = service.levels
    wait_until(lambda: tab.table.rowCount() > 0, 10, "the levels in force")
    assert reads and threading.main_thread() not in reads
    shipped = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert "CHEST_PA" in shipped and "KNEE_AP" not in shipped
    tab.editor.setPlainText('[[level]]\nprotocol = "KNEE_AP"\nexposure_dap_Gy_cm2 = 0.05\n'
                            'source = "local DRL"\n')
    tab.save_button.click()
    wait_until(lambda: "Saved" in tab.status.text(), 10, "the override to be saved")
    data_dir = window.console.config.data_dir
    assert reference_levels.load(data_dir).for_protocol("KNEE_AP").exposure_dap_Gy_cm2 == 0.05
    assert "KNEE_AP" in [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    tab.editor.setPlainText('[[level]]\nprotocol = "KNEE_AP"\nexposure_dap_Gy_cm2 = "a lot"\n'
                            'source = "local DRL"\n')
    tab.save_button.click()
    wait_until(lambda: "Not saved" in tab.status.text(), 10, "the refusal")
    assert "exposure_dap_Gy_cm2" in tab.status.text()
    assert reference_levels.load(data_dir).for_protocol("KNEE_AP").exposure_dap_Gy_cm2 == 0.05

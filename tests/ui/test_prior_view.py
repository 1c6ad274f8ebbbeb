"""The review shows a cached prior of the same patient beside the current image (same body
part and view first), with its own window/level; P toggles it; the columns do not move."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pydicom.uid import generate_uid

import peers
from tests.net.test_retrieve import PATIENT, Studies, image
from tests.ui.driver import wait_until
from tests.workflow.conftest import STATION_AE, calibrated_data, node, write_station  # noqa: F401
from vxacq.ui.context import Console
from vxacq.ui.main_window import MainWindow
from vxacq.workflow import priors
from vxacq.workflow.orders import ManualPatient, register_manual


def cache_prior(config, patient_id: str, body_part: str, view: str, date: str) -> str:
    study = generate_uid()
    folder = priors.cache_dir(config) / study
    folder.mkdir(parents=True)
    image(folder / "1.dcm", study_uid=study, patient_id=patient_id, body_part=body_part,
          view=view, date=date)
    index_path = priors.cache_dir(config) / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    index[study] = {"StudyInstanceUID": study, "node": "pacs", "retrieved_at": time.time(),
                    "files": 1, "bytes": 1000}
    index_path.write_text(json.dumps(index))
    return study


def test_a_prior_is_shown_beside_the_image_with_its_own_window(knee_exam_window) -> None:
    window = knee_exam_window
    page = window.exam
    protocol = page.selected_protocol()
    assert protocol is not None
    config = window.console.config
    cache_prior(config, "P-77", "CHEST", "PA", "20240101")
    cache_prior(config, "P-77", protocol.body_part, protocol.view_position, "20230101")
    cache_prior(config, "SOMEONE-ELSE", protocol.body_part, protocol.view_position, "20250101")
    controls = page.room_panel.expose_button.mapTo(window, page.room_panel.expose_button.rect().topLeft())
    width = page.room_panel.width()

    QTest.keyClick(window, Qt.Key.Key_P)  # the shortcut
    wait_until(lambda: page.prior_panel.view.has_image(), 10, "the prior on screen")

    shown = [page.prior_panel.choice.itemText(i) for i in range(page.prior_panel.choice.count())]
    assert len(shown) == 2  # never another patient's
    assert shown[0].startswith("PRIOR 2023-01-01") and protocol.body_part in shown[0]
    assert "CHEST PA" in shown[1]
    # the exposure controls stay where they were
    assert page.room_panel.expose_button.mapTo(window, page.room_panel.expose_button.rect().topLeft()) == controls
    assert page.room_panel.width() == width

    before = page.review.window
    page.prior_panel.view.set_window(100.0, 200.0)
    assert page.review.window == before and page.prior_panel.view.window == (100.0, 200.0)

    page.prior_panel.choice.setCurrentIndex(1)
    wait_until(lambda: "CHEST PA" in page.prior_panel.view.label.toPlainText(), 10,
               "the second prior")
    page.toolbar.buttons["prior"].click()
    assert not page.prior_panel.isVisible()


@pytest.fixture
def station_with_archive(qtbot, tmp_path: Path, calibrated_data: Path  # noqa: F811
                         ) -> Iterator[tuple[MainWindow, Studies]]:
    """A station whose query node is dcmqrscp, which knows the station as a move
    destination; the archive holds the priors of tests/net/test_retrieve.py."""
    listen_port = peers.free_port()
    studies = Studies(tmp_path / "files")
    with peers.start_dcmqrscp(tmp_path / "peers", move_destinations={
            STATION_AE: ("127.0.0.1", listen_port)}) as archive:
        peers.load_dcmqrscp(archive, studies.files)
        config = write_station(tmp_path / "station", calibrated_data,
                               node("pacs", archive.ae_title, archive.port, ["query"],
                                    retrieve='"move"'), listen_port)
        console = Console.start(config, room_poll_s=0.2)
        window = MainWindow(console)
        qtbot.addWidget(window)
        window.show()
        try:
            yield window, studies
        finally:
            window.close()
            console.stop()


def test_history_retrieves_a_prior_by_c_move_and_the_review_shows_it(station_with_archive):
    window, studies = station_with_archive
    order = register_manual(window.console.db, ManualPatient(
        PatientName="Prior^Paula", PatientID=PATIENT, RequestedProcedureDescription="XR CHEST"))
    window.start_exam(order.id)
    wait_until(lambda: window.exam.exam is not None, 30, "the exam")
    history = window.history
    window.pages.setCurrentWidget(history)
    history.text.setText(PATIENT)
    history.search()
    wait_until(lambda: history.table.rowCount() == 1, 10, "the exam in the history")
    history.table.selectRow(0)
    history.priors_button.click()
    wait_until(lambda: history.priors_table.rowCount() == 2, 20, "the patient's studies")
    row = next(i for i, p in enumerate(history.priors)
               if p.study.StudyInstanceUID == studies.whole)
    history.priors_table.selectRow(row)
    history.retrieve_button.click()
    wait_until(lambda: "retrieved" in history.banner.text(), 30, "the retrieve")
    assert "2 image(s) of the prior retrieved" in history.banner.text()
    window.pages.setCurrentWidget(window.exam)
    window.exam.toolbar.buttons["prior"].click()
    wait_until(lambda: window.exam.prior_panel.view.has_image(), 10, "the prior on screen")
    assert window.exam.prior_panel.choice.count() == 2

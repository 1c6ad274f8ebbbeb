"""The review shows a cached prior of the same patient beside the current image (same body
part and view first), with its own window/level; P toggles it; the columns do not move."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pydicom.uid import generate_uid

from tests.net.test_retrieve import image
from tests.ui.driver import wait_until
from vxacq.workflow import priors


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

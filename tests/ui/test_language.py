"""The window's language: chosen by the setting or the station's locale, installed before the
window is built, English when a translation is missing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from vxacq.ui.i18n import choose_language, install_translations, remove_translations
from vxacq.ui.widgets import ok_cancel


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    remove_translations(qapp)


@pytest.mark.parametrize(("setting", "ui_languages", "expected"), [
    ("auto", ["de-DE", "de"], "de"),
    ("auto", ["ja-JP", "ja"], "ja"),
    ("auto", ["de_AT"], "de"),
    ("auto", ["fr-FR", "fr"], "en"),          # a language we do not ship: English
    ("auto", ["fr-FR", "ja-JP"], "ja"),       # the first of the user's languages we speak
    ("auto", ["en-GB", "de-DE"], "en"),
    ("auto", ["C"], "en"),
    ("auto", [], "en"),
    ("ja", ["de-DE"], "ja"),                  # the setting wins over the locale
    ("en", ["de-DE"], "en"),
])
def test_language_from_setting_or_locale(setting: str, ui_languages: list[str],
                                         expected: str) -> None:
    assert choose_language(setting, ui_languages) == expected


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="language 'fr' is not one of auto, en, de, ja"):
        choose_language("fr", ["fr-FR"])


@pytest.mark.parametrize(("lang", "expected"), [("de_DE.UTF-8", "de"), ("ja_JP.UTF-8", "ja"),
                                                 ("fr_FR.UTF-8", "en")])
def test_auto_follows_the_station_locale(lang: str, expected: str, tmp_path: Path) -> None:
    """LANG as the station sets it, read by Qt at start-up (so in a process of its own)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env |= {"LANG": lang, "QT_QPA_PLATFORM": "offscreen"}
    script = ("import sys; from PySide6.QtCore import QCoreApplication; "
              "from vxacq.ui.i18n import install_translations; "
              "app = QCoreApplication([]); print(install_translations(app, 'auto'))")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_missing_translation_falls_back_to_english_with_a_log_line(
        app: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="vxacq.ui.i18n"):
        assert install_translations(app, "de", folder=tmp_path) == "en"
    assert f"no de translation at {tmp_path / 'vxacq_de.qm'}" in caplog.text
    assert "shown in English" in caplog.text
    dialog = QDialog()
    buttons = ok_cancel(dialog)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") \
        == "Cancel"


@pytest.mark.parametrize(("language", "cancel"), [("de", "Abbrechen"), ("ja", "キャンセル")])
def test_qt_own_texts_follow_the_language(app: QApplication, language: str,
                                          cancel: str) -> None:
    """Dialogs' standard buttons come translated from Qt's qtbase files."""
    assert install_translations(app, language) == language, "run `make translations`"
    dialog = QDialog()
    buttons = ok_cancel(dialog)
    text = buttons.button(QDialogButtonBox.StandardButton.Cancel).text()
    assert cancel in text, text
    remove_translations(app)
    assert "Cancel" in ok_cancel(QDialog()).button(QDialogButtonBox.StandardButton.Cancel).text()


def test_service_station_tab_sets_the_language_for_the_next_start(qtbot, tmp_path: Path) -> None:
    from tests import peers
    from tests.ui.driver import wait_until
    from vxacq import config as configuration
    from vxacq.config import LANGUAGES
    from vxacq.ui.context import Console
    from vxacq.ui.service_station import LANGUAGE_NAMES, StationTab

    assert ["auto", *(code for _, code in LANGUAGE_NAMES)] == list(LANGUAGES)
    path = tmp_path / "vxacq.toml"
    configuration.save(configuration.from_dict({
        "station": {"data_dir": str(tmp_path / "data"), "listen_port": peers.free_port()},
        "hardware": {"detector_model": "DRTEST", "sim_time_scale": 0.05}}), path)
    console = Console.start(configuration.load(path), room_poll_s=0.2)
    try:
        tab = StationTab(console)
        qtbot.addWidget(tab)
        assert tab.language.currentData() == "auto"
        tab.language.setCurrentIndex(tab.language.findData("ja"))
        tab.save()
        wait_until(lambda: tab.banner.isVisibleTo(tab), 10, "the save")
        assert "starts again" in tab.banner.text(), tab.banner.text()
        assert configuration.load(path).station.language == "ja"
        assert console.config.station.language == "ja"
    finally:
        console.stop()

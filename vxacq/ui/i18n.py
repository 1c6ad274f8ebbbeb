"""The window's language: Qt translators for our own texts and for Qt's, installed before any
window is built.

``[station] language`` chooses it: ``auto`` follows the station's locale (``QLocale.system()``,
which on Linux reads LC_ALL, LC_MESSAGES and LANG), ``en``, ``de`` or ``ja`` name one. English
is the source language: it needs no file, and it is what the window shows when a translation
is missing, so a broken installation is never a console that does not start.

Our translations are Qt Linguist files, ``vxacq/resources/i18n/vxacq_<language>.ts``, compiled
to ``.qm`` by ``make translations``; Qt's own (the standard buttons of dialogs, the context
menus of text fields) come with PySide6 as ``qtbase_<language>.qm``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vxacq.config import LANGUAGES

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
SOURCE_LANGUAGE = "en"
# the languages with a translation file: every configurable one but auto and the source
TRANSLATED = tuple(lang for lang in LANGUAGES if lang not in ("auto", SOURCE_LANGUAGE))

# what install_translations put on the application, so a second call replaces it
_installed: list[QTranslator] = []


def choose_language(setting: str, ui_languages: Sequence[str]) -> str:
    """The language to show: the setting, or for ``auto`` the first of the locale's UI
    languages (``de-DE``, ``ja``, ``en-US``, in the user's order) that the console speaks;
    English when it speaks none of them."""
    if setting not in LANGUAGES:
        raise ValueError(f"language '{setting}' is not one of {', '.join(LANGUAGES)}")
    if setting != "auto":
        return setting
    for tag in ui_languages:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary == SOURCE_LANGUAGE or primary in TRANSLATED:
            return primary
    return SOURCE_LANGUAGE


def install_translations(app: QCoreApplication, setting: str,
                         folder: Path = TRANSLATIONS_DIR) -> str:
    """Install the translators for ``setting`` on ``app``; returns the language the window
    will show (English when the chosen language's file is missing, with a warning logged)."""
    remove_translations(app)
    language = choose_language(setting, QLocale.system().uiLanguages())
    if language == SOURCE_LANGUAGE:
        log.info("language: English (setting %s)", setting)
        return language
    ours = QTranslator(app)
    path = folder / f"vxacq_{language}.qm"
    if not ours.load(str(path)):
        log.warning("language: no %s translation at %s (run `make translations`): the console "
                    "is shown in English", language, path)
        return SOURCE_LANGUAGE
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", qt_dir):
        _install(app, qt)
    else:
        log.warning("language: Qt's own %s translation (qtbase) is not in %s: dialog buttons "
                    "stay in English", language, qt_dir)
    _install(app, ours)
    log.info("language: %s (setting %s, %s)", language, setting, path)
    return language


def remove_translations(app: QCoreApplication) -> None:
    """Back to English: remove what :func:`install_translations` installed."""
    while _installed:
        app.removeTranslator(_installed.pop())


def _install(app: QCoreApplication, translator: QTranslator) -> None:
    app.installTranslator(translator)
    _installed.append(translator)

"""Service → Station: the station's own settings, checked by :func:`vxacq.config.validate`
(the rules of the configuration file) and in effect at once when saved."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.config import CHARACTER_SETS, Config, to_dict
from vxacq.security import audit
from vxacq.security.roles import Role, RoleError, require_role
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner
from vxacq.workflow.station import apply_config

log = logging.getLogger(__name__)

# [station] language: each named in itself, to be found whatever language the window speaks
LANGUAGE_NAMES = (("English", "en"), ("Deutsch", "de"), ("日本語", "ja"))  # untranslated: own


# One save at a time: each edits the configuration as the save before it left it (a node
# added on one tab is not lost to a station setting saved on another meanwhile).
_one_save_at_a_time = threading.Lock()


def save_config(widget: QWidget, console: Console, edit: Callable[[Config], None],
                saved: Callable[[str], None], failed: Callable[[Exception], None]) -> None:
    """Save the running configuration as ``edit`` changes it (a copy of it) and make that
    the running configuration, on a worker: a slow or network configuration path, or a busy
    database, never holds the window (service role, checked here; audited as "configuration
    changed"). Then ``saved(words)`` with what the services did (maybe ""), or
    ``failed(exc)`` when nothing was saved; neither once ``widget`` is gone."""
    try:
        identity = require_role(console.identity, Role.SERVICE,
                                widget.tr("Changing the configuration"))
    except RoleError as exc:
        failed(exc)
        return

    def work() -> str:
        with _one_save_at_a_time:
            current = console.config
            before = to_dict(current)
            changed = copy.deepcopy(current)
            edit(changed)
            done = apply_config(console.services, changed)
        after = to_dict(changed)
        parts = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        try:
            audit.record(console.db, "configuration changed", user=identity.audit_user,
                         detail="changed: " + (", ".join(parts) or "nothing"))
        except Exception:  # saved and in effect all the same: the screen must say so
            log.exception("the configuration was saved, its audit event was not")
        return done

    console.tasks.run(work, saved, failed, owner=widget)


def not_saved(widget: QWidget, banner: Banner, exc: Exception) -> None:
    banner.show_message(widget.tr("Not saved: {reason}").format(reason=exc), "alarm")


class StationTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        st = console.config.station
        self.ae_title = QLineEdit(st.ae_title)
        self.port = QLineEdit(str(st.listen_port))
        self.station_name = QLineEdit(st.station_name)
        self.institution = QLineEdit(st.institution_name)
        self.address = QLineEdit(st.institution_address)
        self.department = QLineEdit(st.institutional_department_name)
        self.charset = QComboBox()
        self.charset.addItems(CHARACTER_SETS)
        self.charset.setCurrentText(st.character_set)
        self.any_caller = QCheckBox(self.tr("Accept associations from any calling AE title"))
        self.any_caller.setChecked(st.accept_any_calling_ae)
        self.log_phi = QCheckBox(self.tr("Write patient names and IDs into the logs"))
        self.log_phi.setChecked(st.log_patient_data)
        self.auto_route = QCheckBox(self.tr("Send accepted images to the store nodes when the "
                                            "exam closes"))
        self.auto_route.setChecked(st.auto_route)
        self.language = QComboBox()
        self.language.addItem(self.tr("The station's locale"), "auto")
        for name, code in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(st.language)))
        im = console.config.imaging
        self.di_warning = QDoubleSpinBox(minimum=0.1, maximum=10, value=im.di_warning)
        self.di_alarm = QDoubleSpinBox(minimum=0.1, maximum=20, value=im.di_alarm)
        form = QFormLayout()
        form.addRow(self.tr("AE title"), self.ae_title)
        form.addRow(self.tr("Listen port"), self.port)
        form.addRow(self.tr("Station name"), self.station_name)
        form.addRow(self.tr("Institution"), self.institution)
        form.addRow(self.tr("Institution address"), self.address)
        form.addRow(self.tr("Department"), self.department)
        form.addRow(self.tr("Character set"), self.charset)
        form.addRow(self.tr("Language (at the next start)"), self.language)
        form.addRow("", self.any_caller)
        form.addRow("", self.log_phi)
        form.addRow("", self.auto_route)
        form.addRow(self.tr("DI warning beyond ±"), self.di_warning)
        form.addRow(self.tr("DI alarm beyond ±"), self.di_alarm)
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        self.listener = QLabel()
        self.files = QLabel(self.tr("Configuration: {path}\nData: {data}").format(
            path=console.config.path, data=console.config.data_dir))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.listener)
        layout.addWidget(self.files)
        layout.addStretch(1)
        self._timer = QTimer(self, interval=2000, timeout=self.refresh_listener)
        self._timer.start()
        self.refresh_listener()

    def refresh_listener(self) -> None:
        status = self.console.services.listener.status
        text = self.tr("Listener: {state}").format(state=status.describe())
        if status.echoes_answered:
            text += self.tr(" — {n} C-ECHO answered").format(n=status.echoes_answered)
        self.listener.setText(text)

    def save(self) -> None:
        if not self.save_button.isEnabled():  # a save is under way: one click saves once
            return
        port_text = self.port.text().strip()
        if not port_text.isdigit():
            self.banner.show_message(self.tr("Not saved: listen port '{text}' is not a whole "
                                             "number").format(text=port_text), "alarm")
            return
        # what the form says, taken here (widgets belong to the GUI thread)
        station = dict(
            ae_title=self.ae_title.text().strip(), listen_port=int(port_text),
            station_name=self.station_name.text().strip(),
            institution_name=self.institution.text().strip(),
            institution_address=self.address.text().strip(),
            institutional_department_name=self.department.text().strip(),
            character_set=self.charset.currentText(),
            accept_any_calling_ae=self.any_caller.isChecked(),
            log_patient_data=self.log_phi.isChecked(), auto_route=self.auto_route.isChecked(),
            language=self.language.currentData())
        imaging = dict(di_warning=self.di_warning.value(), di_alarm=self.di_alarm.value())
        language_changed = self.console.config.station.language != station["language"]

        def edit(changed: Config) -> None:
            for key, value in station.items():
                setattr(changed.station, key, value)
            for key, value in imaging.items():
                setattr(changed.imaging, key, value)

        def saved(done: str) -> None:
            self.save_button.setEnabled(True)
            self.refresh_listener()
            self.banner.show_message(self.tr("Saved and in effect.") + (f" {done}." if done
                                                                        else "")
                                     + (self.tr(" The window's language changes when the "
                                                "console starts again.")
                                        if language_changed else ""), "ok")

        def failed(exc: Exception) -> None:
            self.save_button.setEnabled(True)  # the form keeps what was typed: save again
            not_saved(self, self.banner, exc)

        self.save_button.setEnabled(False)
        save_config(self, self.console, edit, saved, failed)

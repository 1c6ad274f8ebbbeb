"""Service → Station: the station's own settings, checked by :func:`vxacq.config.validate`
(the rules of the configuration file) and in effect at once when saved."""

from __future__ import annotations

import copy

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.config import CHARACTER_SETS, Config, ConfigError, to_dict
from vxacq.security import audit
from vxacq.security.roles import Role, RoleError, require_role
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner
from vxacq.workflow.station import apply_config

# [station] language: each named in itself, to be found whatever language the window speaks
LANGUAGE_NAMES = (("English", "en"), ("Deutsch", "de"), ("日本語", "ja"))  # untranslated: own


def save_config(widget: QWidget, console: Console, changed: Config, banner: Banner) -> str | None:
    """Save ``changed`` and make it the running configuration (service role; audited as
    "configuration changed"); what the services did (in words, maybe "") or None when it was
    not saved (the banner says why)."""
    before = to_dict(console.config)
    try:
        identity = require_role(console.identity, Role.SERVICE,
                                widget.tr("Changing the configuration"))
        done = apply_config(console.services, changed)
    except (ConfigError, OSError, RoleError) as exc:
        banner.show_message(widget.tr("Not saved: {reason}").format(reason=exc), "alarm")
        return None
    after = to_dict(changed)
    parts = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    audit.record(console.db, "configuration changed", user=identity.audit_user,
                 detail="changed: " + (", ".join(parts) or "nothing"))
    return done


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
        save = QPushButton(self.tr("Save settings"))
        save.clicked.connect(self.save)
        self.listener = QLabel()
        self.files = QLabel(self.tr("Configuration: {path}\nData: {data}").format(
            path=console.config.path, data=console.config.data_dir))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(save)
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
        port_text = self.port.text().strip()
        if not port_text.isdigit():
            self.banner.show_message(self.tr("Not saved: listen port '{text}' is not a whole "
                                             "number").format(text=port_text), "alarm")
            return
        changed = copy.deepcopy(self.console.config)
        st = changed.station
        st.ae_title = self.ae_title.text().strip()
        st.listen_port = int(port_text)
        st.station_name = self.station_name.text().strip()
        st.institution_name = self.institution.text().strip()
        st.institution_address = self.address.text().strip()
        st.institutional_department_name = self.department.text().strip()
        st.character_set = self.charset.currentText()
        st.accept_any_calling_ae = self.any_caller.isChecked()
        st.log_patient_data = self.log_phi.isChecked()
        st.auto_route = self.auto_route.isChecked()
        language_changed = st.language != self.language.currentData()
        st.language = self.language.currentData()
        changed.imaging.di_warning = self.di_warning.value()
        changed.imaging.di_alarm = self.di_alarm.value()
        done = save_config(self, self.console, changed, self.banner)
        if done is not None:
            self.refresh_listener()
            self.banner.show_message(self.tr("Saved and in effect.") + (f" {done}." if done
                                                                        else "")
                                     + (self.tr(" The window's language changes when the "
                                                "console starts again.")
                                        if language_changed else ""), "ok")

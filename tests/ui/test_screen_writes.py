"""What a screen saves it writes on a worker (a slow disk, a locked database or a network
configuration path never holds the window): the station settings, a node added or removed,
the reference level override and a patient registered by hand. While the write runs its
button is off and a second press writes nothing (a double click never registers two
patients); a failure says what was not saved and the form keeps what was typed; the screen
changes only once the write has succeeded."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QAbstractButton, QDialog, QDialogButtonBox, QPushButton, QWidget
from sqlmodel import select

from tests import peers
from tests.ui.driver import pump, wait_until
from vxacq.db import Order, Patient
from vxacq.ui import registration_dialog, service_station
from vxacq.ui.main_window import MainWindow
from vxacq.ui.registration_dialog import RegistrationDialog
from vxacq.ui.service_dose import ReferenceLevelsTab
from vxacq.ui.service_nodes import NodesTab
from vxacq.ui.service_station import StationTab
from vxacq.workflow import reference_levels

pytestmark = pytest.mark.timeout(120)

GUI = threading.main_thread()
KNEE = '[[level]]\nprotocol = "KNEE_AP"\nexposure_dap_Gy_cm2 = 0.05\nsource = "local DRL"\n'


class _Writes:
    """``module.name`` recorded: the thread of each call; with ``hold`` each call waits for
    ``release`` first (a slow disk); with ``error`` it raises that instead of writing."""

    def __init__(self, monkeypatch, module, name: str, hold: bool = False,
                 error: Exception | None = None) -> None:
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()
        real = getattr(module, name)

        def recorded(*args, **kwargs):
            self.threads.append(threading.current_thread())
            if hold:
                self.release.wait(10)
            if error is not None:
                raise error
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)


def _button(widget: QWidget, text: str) -> QAbstractButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def _ok(dialog: QDialog) -> QAbstractButton:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def _station_tab(window: MainWindow, qtbot) -> StationTab:
    tab = StationTab(window.console)
    qtbot.addWidget(tab)
    return tab


def _save(tab: StationTab) -> QAbstractButton:
    return _button(tab, "Save settings")


def _nodes_tab(window: MainWindow, qtbot) -> NodesTab:
    tab = NodesTab(window.console)
    qtbot.addWidget(tab)
    return tab


def _type_node(tab: NodesTab, name: str = "backup"):
    tab.edit(None)
    dialog = tab.dialog
    dialog.name.setText(name)
    dialog.ae_title.setText(name.upper())
    dialog.host.setText("127.0.0.1")
    dialog.port.setText(str(peers.free_port()))
    dialog.services["store"].setChecked(True)
    return dialog


def _registration(window: MainWindow, qtbot) -> RegistrationDialog:
    dialog = RegistrationDialog(window.console)
    qtbot.addWidget(dialog)
    dialog.edits["family"].setText("Doe")
    dialog.edits["given"].setText("Anna")
    dialog.edits["PatientID"].setText("P-REG-1")
    dialog.edits["RequestedProcedureDescription"].setText("XR CHEST")
    return dialog


def _orders_of(window: MainWindow, patient_id: str) -> int:
    with window.console.db.session() as session:
        return len(session.exec(select(Order).join(Patient, Order.patient_id == Patient.id)
                                .where(Patient.PatientID == patient_id)).all())


# --- Service → Station ---------------------------------------------------------------------

def test_station_settings_are_saved_off_the_gui_thread(station_window, qtbot,
                                                      monkeypatch) -> None:
    tab = _station_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config")
    tab.institution.setText("General Hospital")
    _save(tab).click()
    wait_until(lambda: "Saved and in effect" in tab.banner.text(), 10, "the save")
    assert writes.threads and GUI not in writes.threads
    config = station_window.console.config
    assert config.station.institution_name == "General Hospital"
    assert 'institution_name = "General Hospital"' in config.path.read_text()


def test_station_settings_saved_twice_by_a_double_click_are_written_once(station_window, qtbot,
                                                                        monkeypatch) -> None:
    tab = _station_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config", hold=True)
    tab.institution.setText("General Hospital")
    _save(tab).click()
    wait_until(lambda: writes.threads, 10, "the save to start")
    assert not _save(tab).isEnabled()
    assert not tab.banner.isVisibleTo(tab)  # nothing said before it is saved
    _save(tab).click()
    tab.save()  # Enter, or a second click that came before the button went grey
    writes.release.set()
    wait_until(lambda: "Saved and in effect" in tab.banner.text(), 10, "the save")
    pump(0.2)
    assert len(writes.threads) == 1 and _save(tab).isEnabled()


def test_station_settings_not_saved_say_why_and_keep_what_was_typed(station_window, qtbot,
                                                                   monkeypatch) -> None:
    tab = _station_tab(station_window, qtbot)
    _Writes(monkeypatch, service_station, "apply_config",
            error=OSError("[Errno 28] No space left on device"))
    tab.institution.setText("General Hospital")
    _save(tab).click()
    wait_until(lambda: "Not saved" in tab.banner.text(), 10, "the failure")
    assert "No space left on device" in tab.banner.text()
    assert tab.institution.text() == "General Hospital" and _save(tab).isEnabled()
    assert station_window.console.config.station.institution_name != "General Hospital"


# --- Service → Nodes -----------------------------------------------------------------------

def test_a_node_is_added_and_removed_off_the_gui_thread(station_window, qtbot,
                                                        monkeypatch) -> None:
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config")
    dialog = _type_node(tab)
    dialog.submit()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    assert "saved and in effect" in tab.banner.text()
    assert [n.name for n in console.config.nodes] == ["backup"]
    tab.table.selectRow(0)
    tab.remove_button.click()
    wait_until(lambda: "removed" in tab.banner.text(), 10, "the removal")
    assert console.config.nodes == []
    assert len(writes.threads) == 2 and GUI not in writes.threads


def test_a_node_saved_twice_by_a_double_click_is_written_once(station_window, qtbot,
                                                              monkeypatch) -> None:
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config", hold=True)
    dialog = _type_node(tab)
    _ok(dialog).click()
    wait_until(lambda: writes.threads, 10, "the save to start")
    assert not _ok(dialog).isEnabled() and dialog.isVisible()
    _ok(dialog).click()
    dialog.submit()
    assert not tab.banner.isVisibleTo(tab) and console.config.nodes == []
    writes.release.set()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    pump(0.2)
    assert len(writes.threads) == 1 and [n.name for n in console.config.nodes] == ["backup"]


def test_a_node_removed_twice_by_a_double_click_is_written_once(station_window, qtbot,
                                                                monkeypatch) -> None:
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    dialog = _type_node(tab)
    dialog.submit()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    writes = _Writes(monkeypatch, service_station, "apply_config", hold=True)
    tab.table.selectRow(0)
    tab.remove_button.click()
    wait_until(lambda: writes.threads, 10, "the removal to start")
    assert not tab.remove_button.isEnabled()
    # not removed yet: the node stays listed, nothing said, until the write has succeeded
    assert tab.table.rowCount() == 1 and "removed" not in tab.banner.text()
    tab.reload()  # an echo's answer redraws the table meanwhile: Remove stays off
    tab.table.selectRow(0)
    assert not tab.remove_button.isEnabled()
    tab.remove_button.click()
    tab.remove()
    writes.release.set()
    wait_until(lambda: "removed" in tab.banner.text(), 10, "the removal")
    pump(0.2)
    assert len(writes.threads) == 1 and console.config.nodes == []


def test_cancel_waits_for_a_node_being_saved(station_window, qtbot, monkeypatch) -> None:
    """A node saved after Cancel (or its failure shown in a closed dialog) is not what the
    engineer was told: Cancel and Esc wait for the save."""
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config", hold=True)
    dialog = _type_node(tab)
    dialog.show()
    _ok(dialog).click()
    wait_until(lambda: writes.threads, 10, "the save to start")
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert not cancel.isEnabled()
    dialog.reject()
    pump(0.1)
    assert dialog.isVisible()
    writes.release.set()
    wait_until(lambda: not dialog.isVisible(), 10, "the node to be saved")
    assert [n.name for n in console.config.nodes] == ["backup"]


def test_a_row_means_the_node_it_shows_while_a_removal_is_followed(station_window, qtbot,
                                                                   monkeypatch) -> None:
    """The running list changes on the worker before the table is redrawn: a row must still
    name the node it shows (Edit and C-ECHO act on the selected one)."""
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    for name in ("alpha", "bravo", "charlie"):
        dialog = _type_node(tab, name)
        dialog.submit()
        wait_until(lambda: not dialog.isVisible(), 10, f"{name} to be saved")
    following, release = threading.Event(), threading.Event()
    follow = console.services.follow_config

    def slow_follow() -> str:  # the listener restarting, the removed node's jobs failed
        following.set()
        release.wait(10)
        return follow()

    monkeypatch.setattr(console.services, "follow_config", slow_follow)
    tab.table.selectRow(0)
    tab.remove_button.click()
    wait_until(following.is_set, 10, "the removal to be followed")
    assert [n.name for n in console.config.nodes] == ["bravo", "charlie"]
    tab.table.selectRow(1)
    assert tab.table.item(1, 0).text() == "bravo" and tab.selected().name == "bravo"
    release.set()
    wait_until(lambda: "removed" in tab.banner.text(), 10, "the removal")
    tab.table.selectRow(1)
    assert tab.table.item(1, 0).text() == "charlie" and tab.selected().name == "charlie"


def test_a_node_not_saved_keeps_the_dialog_open_with_what_was_typed(station_window, qtbot,
                                                                   monkeypatch) -> None:
    console = station_window.console
    tab = _nodes_tab(station_window, qtbot)
    _Writes(monkeypatch, service_station, "apply_config",
            error=OSError("[Errno 13] Permission denied: '/etc/vxacq.toml'"))
    dialog = _type_node(tab)
    dialog.submit()
    wait_until(lambda: dialog.problems.isVisibleTo(dialog), 10, "the failure")
    assert dialog.isVisible() and _ok(dialog).isEnabled()
    assert "Not saved" in dialog.problems.text() and "Permission denied" in dialog.problems.text()
    assert dialog.name.text() == "backup" and console.config.nodes == []
    assert not tab.banner.isVisibleTo(tab)


def test_a_node_added_while_settings_are_saved_is_kept(station_window, qtbot,
                                                       monkeypatch) -> None:
    """Two saves from two tabs at once: each edits the configuration as the other left it
    (the settings' save, started from a copy without the node, must not remove it)."""
    console = station_window.console
    nodes, station = _nodes_tab(station_window, qtbot), _station_tab(station_window, qtbot)
    writes = _Writes(monkeypatch, service_station, "apply_config", hold=True)
    dialog = _type_node(nodes)
    dialog.submit()
    wait_until(lambda: writes.threads, 10, "the node's save to start")
    station.institution.setText("General Hospital")
    _save(station).click()
    writes.release.set()
    wait_until(lambda: "Saved and in effect" in station.banner.text()
               and not dialog.isVisible(), 10, "both saves")
    assert len(writes.threads) == 2
    assert [n.name for n in console.config.nodes] == ["backup"]
    assert console.config.station.institution_name == "General Hospital"
    text = console.config.path.read_text()
    assert 'name = "backup"' in text and 'institution_name = "General Hospital"' in text


# --- Service → Reference levels ------------------------------------------------------------

def test_the_reference_level_override_is_saved_off_the_gui_thread(station_window, qtbot,
                                                                  monkeypatch) -> None:
    tab = ReferenceLevelsTab(station_window.console)
    qtbot.addWidget(tab)
    writes = _Writes(monkeypatch, reference_levels, "save_override")
    tab.editor.setPlainText(KNEE)
    tab.save_button.click()
    wait_until(lambda: "Saved" in tab.status.text(), 10, "the save")
    assert writes.threads and GUI not in writes.threads
    assert "KNEE_AP" in [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]


def _saving_override(window: MainWindow, qtbot, monkeypatch) -> tuple[ReferenceLevelsTab, _Writes]:
    """The Reference levels tab with KNEE being saved, its write held until released."""
    tab = ReferenceLevelsTab(window.console)
    qtbot.addWidget(tab)
    writes = _Writes(monkeypatch, reference_levels, "save_override", hold=True)
    tab.editor.setPlainText(KNEE)
    tab.save_button.click()
    wait_until(lambda: writes.threads, 10, "the save to start")
    return tab, writes


def test_the_override_saved_twice_by_a_double_click_is_written_once(station_window, qtbot,
                                                                    monkeypatch) -> None:
    tab, writes = _saving_override(station_window, qtbot, monkeypatch)
    assert not tab.save_button.isEnabled() and tab.table.rowCount() == 0
    tab.save_button.click()
    tab.save()
    writes.release.set()
    wait_until(lambda: "Saved" in tab.status.text(), 10, "the save")
    pump(0.2)
    assert len(writes.threads) == 1 and tab.save_button.isEnabled()


def test_the_tab_shown_again_during_a_save_keeps_what_is_saved(station_window, qtbot,
                                                               monkeypatch) -> None:
    """A reload while the file is being written read the old file and put its text over the
    editor's: "Saved", and the next Check and save wrote the old (empty) text back."""
    tab, writes = _saving_override(station_window, qtbot, monkeypatch)
    tab.reload()  # the tab shown again
    pump(0.3)
    writes.release.set()
    wait_until(lambda: "Saved" in tab.status.text(), 10, "the save")
    pump(0.3)
    assert tab.editor.toPlainText().strip() == KNEE.strip()
    tab.reload()  # and shown again later: the file's text, which is what was saved
    pump(0.3)
    assert tab.editor.toPlainText().strip() == KNEE.strip()
    assert "KNEE_AP" in [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]


def test_an_override_not_written_says_why_and_keeps_the_text(station_window, qtbot,
                                                             monkeypatch) -> None:
    tab = ReferenceLevelsTab(station_window.console)
    qtbot.addWidget(tab)
    _Writes(monkeypatch, reference_levels, "save_override",
            error=OSError("[Errno 30] Read-only file system"))
    tab.editor.setPlainText(KNEE)
    tab.save_button.click()
    wait_until(lambda: "Not saved" in tab.status.text(), 10, "the failure")
    assert "Read-only file system" in tab.status.text()
    assert tab.editor.toPlainText() == KNEE and tab.save_button.isEnabled()


# --- Worklist → Register -------------------------------------------------------------------

def test_a_patient_is_registered_off_the_gui_thread(station_window, qtbot,
                                                    monkeypatch) -> None:
    writes = _Writes(monkeypatch, registration_dialog, "register_manual")
    reads = _Writes(monkeypatch, registration_dialog, "next_emergency_id")
    dialog = _registration(station_window, qtbot)
    dialog.edits["PatientID"].clear()
    dialog._emergency_id()
    wait_until(lambda: dialog.edits["PatientID"].text(), 10, "the Emergency ID")
    dialog.submit()
    wait_until(lambda: dialog.order is not None, 10, "the registration")
    assert dialog.order.PatientName == "Doe^Anna" and dialog.order.PatientID.startswith("EMR-")
    assert dialog.result() == dialog.DialogCode.Accepted
    assert writes.threads and GUI not in writes.threads
    assert reads.threads and GUI not in reads.threads


def test_a_double_click_on_register_makes_one_patient_and_one_order(station_window, qtbot,
                                                                      monkeypatch) -> None:
    writes = _Writes(monkeypatch, registration_dialog, "register_manual", hold=True)
    dialog = _registration(station_window, qtbot)
    dialog.show()
    _ok(dialog).click()
    wait_until(lambda: writes.threads, 10, "the registration to start")
    assert not _ok(dialog).isEnabled() and dialog.isVisible() and dialog.order is None
    _ok(dialog).click()
    dialog.submit()
    writes.release.set()
    wait_until(lambda: dialog.order is not None, 10, "the registration")
    pump(0.2)
    assert len(writes.threads) == 1 and _orders_of(station_window, "P-REG-1") == 1
    assert not dialog.isVisible()


def test_cancel_waits_for_a_registration_under_way(station_window, qtbot, monkeypatch) -> None:
    """A patient written after a Cancel would be an order no exam was started for (and the
    radiographer, told nothing, registers the patient again): Cancel and Esc wait."""
    writes = _Writes(monkeypatch, registration_dialog, "register_manual", hold=True)
    dialog = _registration(station_window, qtbot)
    dialog.show()
    _ok(dialog).click()
    wait_until(lambda: writes.threads, 10, "the registration to start")
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert not cancel.isEnabled() and not dialog.emergency_button.isEnabled()
    dialog.reject()  # Esc, the window's close button
    pump(0.1)
    assert dialog.isVisible()  # still open: nothing cancelled
    writes.release.set()
    wait_until(lambda: dialog.order is not None, 10, "the registration")
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _orders_of(station_window, "P-REG-1") == 1


def test_a_late_emergency_id_never_replaces_a_typed_one(station_window, qtbot,
                                                      monkeypatch) -> None:
    reads = _Writes(monkeypatch, registration_dialog, "next_emergency_id", hold=True)
    dialog = _registration(station_window, qtbot)
    dialog._emergency_id()
    wait_until(lambda: reads.threads, 10, "the Emergency ID read")
    dialog.edits["PatientID"].setText("MRN-4711")  # the patient's real ID, found meanwhile
    reads.release.set()
    wait_until(lambda: dialog.emergency_button.isEnabled(), 10, "the Emergency ID")
    pump(0.1)
    assert dialog.edits["PatientID"].text() == "MRN-4711" and dialog.generated_id == ""


def test_a_registration_not_written_says_so_and_keeps_what_was_typed(station_window, qtbot,
                                                                     monkeypatch) -> None:
    _Writes(monkeypatch, registration_dialog, "register_manual",
            error=OSError("database is locked"))
    dialog = _registration(station_window, qtbot)
    dialog.show()
    dialog.submit()
    wait_until(lambda: "Not registered" in dialog.message.text(), 10, "the failure")
    assert "database is locked" in dialog.message.text()
    assert dialog.isVisible() and dialog.order is None and _ok(dialog).isEnabled()
    assert dialog.edits["family"].text() == "Doe" and dialog.edits["PatientID"].text() == "P-REG-1"
    assert _orders_of(station_window, "P-REG-1") == 0


def test_wrong_fields_are_marked_at_once_and_nothing_is_written(station_window, qtbot,
                                                                monkeypatch) -> None:
    writes = _Writes(monkeypatch, registration_dialog, "register_manual")
    dialog = _registration(station_window, qtbot)
    dialog.edits["PatientBirthDate"].setText("1971-04-23")
    dialog.submit()
    assert "YYYYMMDD" in dialog.problems["PatientBirthDate"].text()
    assert "nothing was registered" in dialog.message.text()
    pump(0.2)
    assert writes.threads == [] and _ok(dialog).isEnabled()

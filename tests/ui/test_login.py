"""Who works at the console: the login at start, the inactivity lock, roles on the pages,
break glass, and the Operators' Name of a logged-in exam, driven in the window."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pydicom
import pytest
from sqlmodel import select

from tests import peers
from tests.ui.driver import accept_dialog_when_shown, expose, pump, wait_until
from tests.workflow.conftest import calibrated_data, write_station  # noqa: F401 (fixture)
from vxacq.db import AuditEvent, database_for
from vxacq.security import accounts
from vxacq.security.roles import NO_ACCOUNTS, BREAK_GLASS_NAME, How
from vxacq.ui import login
from vxacq.ui.context import Console
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.orders import ManualPatient, register_manual
from vxacq.workflow.procedures import emergency_protocols

PASSWORDS = {"ada": "ada secret 1", "anna": "anna secret 1", "sam": "sam secret 1"}


@pytest.fixture
def secured(qtbot, tmp_path: Path, calibrated_data: Path  # noqa: F811
            ) -> Iterator[Callable[..., MainWindow]]:
    """A window on a station with an administrator, a radiographer (with a PIN) and a service
    engineer; ``lock_minutes`` for the inactivity lock."""
    made: list[tuple[MainWindow, Console]] = []

    def make(lock_minutes: float = 10.0) -> MainWindow:
        config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
        config.security.lock_minutes = lock_minutes
        db = database_for(config.data_dir)
        ada = NO_ACCOUNTS
        for user, name, roles in (("ada", "Admin^Ada", "administrator"),
                                  ("anna", "Nurse^Anna", "radiographer"),
                                  ("sam", "Engineer^Sam", "service")):
            accounts.add_account(db, config, ada, user, name, roles, PASSWORDS[user],
                                 pin="2468" if user == "anna" else "")
            if user == "ada":
                ada = accounts.authenticate(db, config, "ada", PASSWORDS["ada"])
        db.close()
        console = Console.start(config, room_poll_s=0.2)
        window = MainWindow(console)
        qtbot.addWidget(window)
        window.show()
        made.append((window, console))
        return window

    yield make
    for window, console in made:
        window.close()
        console.stop()


def log_in(window: MainWindow, user: str, secret: str | None = None) -> None:
    screen = window.lock_screen
    assert window.locked
    screen.user.setText(user)
    screen.secret.setText(PASSWORDS[user] if secret is None else secret)
    screen.login_button.click()
    wait_until(lambda: not window.locked, 10, f"{user} to be logged in")


def events(window: MainWindow) -> list[tuple[str, str, str, int | None]]:
    with window.console.db.session() as session:
        return [(e.user, e.action, e.detail, e.study_id)
                for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def open_knee_exam(window: MainWindow) -> None:
    order = register_manual(window.console.db, ManualPatient(
        PatientName="Doe^Jane", PatientID="P-77", RequestedProcedureDescription="XR KNEE LEFT"))
    window.start_exam(order.id)
    wait_until(lambda: window.exam.exam is not None, 30, "the exam")


def test_login_at_start_hides_the_pages_and_refuses_a_wrong_password(secured) -> None:
    window = secured()
    assert window.locked and not window.pages.isVisible()
    screen = window.lock_screen
    screen.user.setText("anna")
    screen.secret.setText("not her password")
    screen.login_button.click()
    wait_until(lambda: screen.banner.isVisible(), 10, "the refusal")
    assert screen.banner.text() == "unknown user name or wrong password"
    assert window.locked and screen.secret.text() == ""
    log_in(window, "anna", "2468")  # the PIN works as well
    assert window.pages.isVisible() and window.console.operator == "Nurse^Anna"
    assert window.user_label.text() == "NURSE, Anna" and window.logout_button.isVisible()
    assert ("anna", "user login failed", "wrong password", None) in events(window)
    assert ("anna", "user login", "local", None) in events(window)
    window.logout_button.click()
    assert window.locked and window.console.identity is None and window.console.operator == ""
    wait_until(lambda: ("anna", "user logout", "local", None) in events(window), 5, "logout")


def test_operators_name_of_a_logged_in_exam_is_in_the_stored_image(secured) -> None:
    window = secured()
    log_in(window, "anna")
    open_knee_exam(window)
    shot = expose(window)
    image = pydicom.dcmread(window.exam.exam.image(shot).file_path, stop_before_pixels=True)
    assert str(image.OperatorsName) == "Nurse^Anna"


def test_inactivity_lock_covers_the_screen_and_keeps_the_exam(secured) -> None:
    window = secured(lock_minutes=0.02)  # 1.2 s
    log_in(window, "anna")
    open_knee_exam(window)
    exam = window.exam.exam
    wait_until(lambda: window.locked, 10, "the inactivity lock")
    assert not window.exam.isVisible()  # no patient data on screen
    assert "Locked" in window.lock_screen.banner.text()
    assert window.lock_screen.user.text() == "anna"
    assert window.exam.exam is exam and exam.state == "open"  # nothing was closed
    log_in(window, "anna")
    assert window.pages.currentWidget() is window.exam and window.exam.exam is exam


def test_pages_and_exams_follow_the_roles(secured) -> None:
    window = secured()
    service = window.service
    log_in(window, "anna")  # a radiographer: no service tab, no accounts
    window.show_page(service)
    for tab in (service.station, service.nodes, service.logs, service.detector,
                service.accounts):
        service.tabs.setCurrentWidget(tab)
        assert service.tabs.currentWidget() is service.queue
        assert "role, which Nurse^Anna does not have" in service.refusal.text()
    window.lock_button.click()
    log_in(window, "sam")  # service: its tabs open without a question, accounts do not
    for tab in (service.station, service.nodes, service.logs, service.detector):
        service.tabs.setCurrentWidget(tab)
        assert service.tabs.currentWidget() is tab
    service.tabs.setCurrentWidget(service.accounts)
    assert service.tabs.currentWidget() is service.queue
    assert "administrator role" in service.refusal.text()
    order = register_manual(window.console.db, ManualPatient(
        PatientName="Doe^Jane", PatientID="P-78", RequestedProcedureDescription="XR KNEE"))
    window.start_exam(order.id)  # a service engineer does not examine patients
    assert "needs the radiographer role" in window.statusBar().currentMessage()
    window.lock_button.click()
    log_in(window, "ada")  # the administrator's switch closes the tab sam had open
    window.show_page(service)
    service.tabs.setCurrentWidget(service.nodes)
    assert service.tabs.currentWidget() is service.queue
    service.tabs.setCurrentWidget(service.accounts)
    page = service.accounts
    assert service.tabs.currentWidget() is page
    wait_until(lambda: len(page.accounts) == 3, 10, "the accounts")
    page.user.setText("bob")
    page.display_name.setText("Builder^Bob")
    page.role_boxes[accounts.Role.RADIOGRAPHER].setChecked(True)
    page.password.setText("bob secret 12")
    page.add_button.click()
    wait_until(lambda: len(page.accounts) == 4, 10, "bob's account")
    assert page.password.text() == "" and "Account bob added" in page.banner.text()
    assert ("ada", "account changed", "added bob (radiographer)", None) in events(window)


def test_break_glass_starts_a_trauma_exam_and_asks_for_a_login_after_it(secured) -> None:
    window = secured()
    window.lock_screen.emergency_button.click()
    wait_until(lambda: window.exam.exam is not None, 30, "the emergency exam")
    exam_page, exam = window.exam, window.exam.exam
    assert not window.locked and window.pages.currentWidget() is exam_page
    assert exam.patient.PatientName.startswith("TRAUMA^")
    assert window.console.identity.how == How.BREAK_GLASS
    assert exam.operator == BREAK_GLASS_NAME
    assert not window.pages.isTabEnabled(window.pages.indexOf(window.worklist))
    assert not window.pages.isTabEnabled(window.pages.indexOf(window.service_scroll))
    window.show_page(window.worklist)  # what Ctrl+1 and the status bar's queue label do
    window.show_queue()
    assert window.pages.currentWidget() is exam_page
    wait_until(lambda: (BREAK_GLASS_NAME, "break glass") in [e[:2] for e in events(window)],
               5, "the break-glass event")
    flagged = accounts.break_glass_studies(window.console.db)
    assert flagged == {exam.study_id}
    shot = expose(window, emergency_protocols()[0])
    image = pydicom.dcmread(exam.image(shot).file_path, stop_before_pixels=True)
    assert str(image.OperatorsName) == BREAK_GLASS_NAME
    exam_page.accept_button.click()
    wait_until(lambda: exam.image(shot).state == "accepted", 20, "the acceptance")
    wait_until(exam_page.close_button.isEnabled, 10, "Close exam to be possible")
    accept_dialog_when_shown()
    exam_page.close_button.click()
    wait_until(lambda: window.locked, 30, "the login after the emergency exam")
    assert "emergency exam is closed" in window.lock_screen.banner.text()
    assert window.console.identity is None
    log_in(window, "anna")
    assert window.pages.isTabEnabled(window.pages.indexOf(window.worklist))


def test_break_glass_under_the_typed_name(secured) -> None:
    window = secured()
    window.lock_screen.user.setText("Nurse^Night")
    window.lock_screen.emergency_button.click()
    wait_until(lambda: window.exam.exam is not None, 30, "the emergency exam")
    assert window.exam.exam.operator == "Nurse^Night"
    assert window.user_label.text() == "EMERGENCY (no login): NURSE, Night"
    wait_until(lambda: ("Nurse^Night", "break glass") in [e[:2] for e in events(window)],
               5, "the break-glass event")


def test_no_accounts_mode_works_as_before_and_says_so(station_window) -> None:
    window = station_window
    assert window.console.identity == NO_ACCOUNTS and not window.locked
    assert window.user_label.text() == "(no accounts configured)"
    assert window.operator_edit.isVisible() and not window.lock_button.isVisible()
    window.lock()
    assert not window.locked


def test_settings_saved_by_service_are_audited_and_refused_without_the_role(secured) -> None:
    window = secured()
    log_in(window, "sam")
    station = window.service.station
    window.show_page(window.service)
    window.service.tabs.setCurrentWidget(station)
    station.institution.setText("General Hospital")
    station.save()
    wait_until(lambda: "Saved and in effect" in station.banner.text(), 10, "the save")
    assert ("sam", "configuration changed", "changed: station", None) in events(window)
    # the role is checked at the save too: a user switch behind an open form changes nothing
    window.lock_button.click()
    log_in(window, "anna")
    station.institution.setText("Another Hospital")
    station.save()
    assert "Not saved" in station.banner.text() and "service role" in station.banner.text()
    assert window.console.config.station.institution_name == "General Hospital"


def test_the_password_is_checked_off_the_gui_thread_once_per_login(secured,
                                                                    monkeypatch) -> None:
    """The hash check takes a good part of a second: on a worker, with Log in off meanwhile
    (Enter in both fields, or a double click, checks once)."""
    window = secured()
    screen = window.lock_screen
    threads: list[threading.Thread] = []
    release = threading.Event()
    real = login.authenticate

    def authenticate(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(login, "authenticate", authenticate)
    screen.user.setText("anna")
    screen.secret.setText(PASSWORDS["anna"])
    screen.login_button.click()
    wait_until(lambda: threads, 10, "the check to start")
    assert not screen.login_button.isEnabled() and window.locked
    screen.login_button.click()
    screen.submit()
    release.set()
    wait_until(lambda: not window.locked, 10, "anna to be logged in")
    pump(0.2)
    assert len(threads) == 1 and threading.main_thread() not in threads


def test_the_inactivity_lock_waits_for_an_exposure_to_end(secured) -> None:
    """The lock never falls in the middle of an exposure sequence: it waits for its end."""
    window = secured(lock_minutes=0.01)  # 0.6 s
    log_in(window, "anna")
    window.exam.exposing = True  # what the exam page holds from prep to the image
    window.inactivity.timer.timeout.emit()
    assert not window.locked and window.inactivity.timer.isActive()
    window.exam.exposing = False
    wait_until(lambda: window.locked, 5, "the lock after the exposure")


def test_the_first_administrator_made_in_the_window_turns_the_login_on(station_window) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox
    from PySide6.QtCore import QTimer

    window = station_window
    service = window.service
    window.show_page(service)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(20, answer)  # without accounts: the confirmation, as before accounts
    service.tabs.setCurrentWidget(service.accounts)
    page = service.accounts
    assert service.tabs.currentWidget() is page
    page.user.setText("anna")
    page.display_name.setText("Nurse^Anna")
    page.role_boxes[accounts.Role.RADIOGRAPHER].setChecked(True)
    page.password.setText("anna secret 1")
    page.add_button.click()
    wait_until(lambda: "administrator role" in page.banner.text(), 10, "the refusal")
    assert not window.locked
    page.role_boxes[accounts.Role.ADMINISTRATOR].setChecked(True)
    page.password.setText("anna secret 1")
    page.add_button.click()
    wait_until(lambda: window.locked, 10, "the login to be asked for")
    assert window.console.accounts and window.console.identity is None
    log_in(window, "anna")
    assert window.user_label.text() == "NURSE, Anna"

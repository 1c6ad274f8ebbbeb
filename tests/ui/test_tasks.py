"""The console's workers: results come back on the GUI thread, and Python's cycle collector
runs there only (a widget in a cycle collected on a worker would be destroyed off its thread)."""

from __future__ import annotations

import gc
import threading
import time

import shiboken6
from PySide6.QtCore import QObject

from tests.ui.driver import pump, wait_until
from vxacq.ui.tasks import GuiGarbageCollector, Refresher, Tasks


def test_results_and_failures_arrive_on_the_gui_thread(qapp) -> None:
    tasks = Tasks(threads=2)
    gui = threading.current_thread()
    seen: list[tuple[str, object, threading.Thread]] = []
    tasks.run(lambda: threading.current_thread(),
              lambda worker: seen.append(("done", worker, threading.current_thread())))
    tasks.run(lambda: 1 / 0, None,
              lambda exc: seen.append(("failed", exc, threading.current_thread())))
    assert tasks.wait(5000)
    wait_until(lambda: len(seen) == 2, 5, "both results")
    outcomes = dict((kind, (value, thread)) for kind, value, thread in seen)
    worker, thread = outcomes["done"]
    assert worker is not gui and thread is gui
    exc, thread = outcomes["failed"]
    assert isinstance(exc, ZeroDivisionError) and thread is gui
    tasks.shutdown()


def test_no_answer_goes_to_a_screen_destroyed_meanwhile(qapp) -> None:
    tasks = Tasks(threads=2)
    kept, gone = QObject(), QObject()
    release = threading.Event()
    answered: list[str] = []
    tasks.run(release.wait, lambda _: answered.append("kept"), owner=kept)
    tasks.run(release.wait, lambda _: answered.append("gone"),
              lambda _: answered.append("gone failed"), owner=gone)
    shiboken6.delete(gone)  # the screen closed while its read ran
    release.set()
    assert tasks.wait(5000)
    wait_until(lambda: answered, 5, "the kept screen's answer")
    pump(0.1)
    assert answered == ["kept"]
    tasks.shutdown()


def test_wait_reports_a_task_still_running(qapp) -> None:
    tasks = Tasks(threads=1)
    release = threading.Event()
    tasks.run(release.wait)
    assert not tasks.wait(100)
    release.set()
    assert tasks.wait(5000)
    tasks.shutdown()


class _Cycle:
    collected_on: list[threading.Thread] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.collected_on.append(threading.current_thread())


def test_cycles_are_collected_on_the_gui_thread(qapp) -> None:
    collector = GuiGarbageCollector(interval_ms=20).start()
    try:
        assert not gc.isenabled()
        _Cycle.collected_on.clear()

        def make_garbage() -> None:
            # far past the generation-0 threshold: an automatic collection would run here
            for _ in range(3 * gc.get_threshold()[0]):
                _Cycle()
            time.sleep(0.05)

        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        assert _Cycle.collected_on == []
        wait_until(lambda: _Cycle.collected_on, 5, "a collection by the timer")
        assert set(_Cycle.collected_on) == {threading.current_thread()}
    finally:
        collector.stop()
    assert gc.isenabled()


def test_start_up_objects_are_left_out_of_later_collections(qapp) -> None:
    # settle() freezes what start-up made; garbage made afterwards is still collected, on the
    # GUI thread, and stop() gives the frozen objects back to the collector.
    collector = GuiGarbageCollector(interval_ms=20).start()
    try:
        collector.settle()
        assert gc.get_freeze_count() > 1000
        _Cycle.collected_on.clear()
        for _ in range(3 * gc.get_threshold()[0]):
            _Cycle()
        wait_until(lambda: _Cycle.collected_on, 5, "a collection by the timer")
        assert set(_Cycle.collected_on) == {threading.current_thread()}
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_refresher_takes_the_screens_inputs_on_the_gui_thread(qapp) -> None:
    """Widgets belong to the GUI thread: the search text is read there and handed to the
    read on the worker, never read from the worker."""
    tasks = Tasks(threads=2)
    gui = threading.current_thread()
    seen: dict[str, object] = {}

    def inputs() -> tuple[str]:
        seen["inputs"] = threading.current_thread()
        return ("garcia",)

    def read(text: str) -> str:
        seen["read"] = threading.current_thread()
        return text.upper()

    refresher = Refresher(tasks, read, lambda answer: seen.update(answer=answer), inputs=inputs)
    refresher.now()
    wait_until(lambda: "answer" in seen, 5, "the answer")
    assert seen["inputs"] is gui and seen["read"] is not gui and seen["answer"] == "GARCIA"
    tasks.shutdown()


def test_a_read_overtaken_by_the_users_newer_request_is_not_shown(qapp) -> None:
    """A search typed while the previous one is still being read: the older answer (for the
    older text) never reaches the screen; the newer one does, at once."""
    tasks = Tasks(threads=2)
    release = threading.Event()
    typed = ["mül"]
    shown: list[str] = []

    def read(text: str) -> str:
        if text == "mül":
            release.wait(5)
        return text

    refresher = Refresher(tasks, read, shown.append, inputs=lambda: (typed[0],))
    refresher.now()
    typed[0] = "müller"
    refresher.now()  # the first read is still running
    release.set()
    wait_until(lambda: shown, 5, "the newer answer")
    pump(0.3)
    assert shown == ["müller"]
    tasks.shutdown()

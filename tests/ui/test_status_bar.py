"""The status bar at the console's smallest screen: a message (what the radiographer just
changed) is never cut by the room, queue and listener states beside it; a state too long for
its share is cut with "…" and shown whole in its tooltip."""

from __future__ import annotations

from tests.ui.driver import pump, wait_until
from vxacq.ui.main_window import MainWindow


def _message_width(window: MainWindow) -> int:
    """The room QStatusBar leaves its message: from its left edge to the first state."""
    bar = window.statusBar()
    first = min(w.x() for w in (window.room_label, window.queue_label, window.listener_label)
                if w.isVisible())
    return min(bar.width() - 12, first - 2) - 6


def test_a_message_is_whole_beside_long_room_and_listener_states(station_window) -> None:
    window = station_window
    window.resize(1280, 800)
    window.show_page(window.worklist)
    before = window.room_label.full_text()
    window.console.room.inject_fault("low-battery:5")
    wait_until(lambda: "battery" in window.room_label.toolTip() + window.room_label.text(), 10,
               "the room's problem in the status bar")
    pump(0.1)
    window.operator_edit.setText("Weber^Anna-Maria")
    window.operator_edit.editingFinished.emit()
    message = window.statusBar().currentMessage()
    assert "Weber^Anna-Maria" in message
    need = window.statusBar().fontMetrics().horizontalAdvance(message)
    assert need <= _message_width(window), (
        f"the message needs {need} px, the status bar leaves it {_message_width(window)}")
    for label in (window.room_label, window.listener_label):  # whole in the tooltip
        shown = label.text()
        assert label.toolTip() == label.full_text() and label.full_text().startswith(
            shown.removesuffix("…"))
    assert "battery at 5 %" in window.room_label.toolTip()
    window.console.room.clear_faults()
    wait_until(lambda: window.room_label.full_text() == before, 10, "the fault's state gone")
    pump(0.1)
    assert window.room_label.text() == before  # a short state is never cut

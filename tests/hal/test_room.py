"""The console's open room: live status, hand switch, faults, and exposures through it."""

from __future__ import annotations

import threading
import time

from hardware_sim.simulator import Simulator
from vxacq.config import Config
from vxacq.hal.exposure import run_exposure
from vxacq.hal.room import HandSwitch, RoomSession, RoomStatus


def _wait(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_status_shows_the_idle_room_and_its_panel(sim: Simulator, room_config: Config) -> None:
    session = RoomSession(room_config, poll_interval=0.1).start()
    try:
        assert _wait(lambda: session.status.generator == "standby")
        status = session.status
        assert status.detector == "idle"
        assert status.detector_model == sim.model.model_name
        assert status.temperature_C is not None and status.ready
        assert status.problem == ""
    finally:
        session.stop()


def test_faults_injected_through_the_session_show_in_the_status(
        sim: Simulator, room_config: Config) -> None:
    session = RoomSession(room_config, poll_interval=60)
    try:
        session.inject_fault("over-temperature:58")
        assert session.status.temperature_C == 58
        assert "let it cool" in session.status.problem and not session.status.ready
        session.clear_faults()
        assert session.status.problem == "" and session.status.temperature_C < 45
    finally:
        session.stop()


def test_unreachable_room_is_a_problem_in_words(room_config: Config, sim: Simulator) -> None:
    sim.close()
    session = RoomSession(room_config, poll_interval=60)
    status = session.refresh()
    assert not status.ready
    assert "cannot" in status.problem or "lost" in status.problem or "refused" in status.problem
    session.stop()


def test_exposure_waits_for_stage_two_and_reports_prep_and_exposing(
        sim: Simulator, room_config: Config, tmp_path) -> None:
    session = RoomSession(room_config, poll_interval=60)
    seen: list[RoomStatus] = []
    session.subscribe(seen.append)
    switch = HandSwitch()
    results = []
    try:
        def expose() -> None:
            with session.devices() as room:
                results.append(run_exposure(room_config, "CHEST_PA", room=room, hand_switch=switch,
                                            out_dir=tmp_path / "raw"))

        worker = threading.Thread(target=expose)
        worker.start()
        # prep reaches ready, then the beam waits for stage 2
        assert _wait(lambda: session.status.generator == "ready")
        time.sleep(0.2)
        assert not results
        switch.expose()
        worker.join(timeout=30)
        result = results[0]
        assert result.ok and result.files
        states = [s.generator for s in seen]
        assert "prep" in states and "exposing" in states
    finally:
        session.stop()


def test_releasing_the_hand_switch_before_stage_two_exposes_nothing(
        sim: Simulator, room_config: Config, tmp_path) -> None:
    session = RoomSession(room_config, poll_interval=60)
    switch = HandSwitch()
    try:
        threading.Timer(0.5, switch.release).start()
        with session.devices() as room:
            result = run_exposure(room_config, "CHEST_PA", room=room, hand_switch=switch,
                                  out_dir=tmp_path / "raw")
        assert not result.ok and not result.files and result.reported is None
        assert result.error["code"] == "hand-switch"
        assert "released" in result.error["message"]
        # the room is usable again at once
        assert _wait(lambda: session.refresh().generator == "standby")
        with session.devices() as room:
            again = run_exposure(room_config, "CHEST_PA", room=room, out_dir=tmp_path / "raw")
        assert again.ok
    finally:
        session.stop()


def test_battery_below_the_arming_threshold_says_prep_is_not_possible(
        sim: Simulator, room_config: Config) -> None:
    session = RoomSession(room_config, poll_interval=60)
    try:
        session.inject_fault("low-battery:15")  # low, but the panel still arms
        assert session.status.ready and "15 %" in session.status.warning
        session.inject_fault("low-battery:6")
        status = session.status
        assert not status.ready
        assert "Prep is not possible" in status.problem and "below the 10 %" in status.problem
        session.clear_faults()
        assert session.status.problem == ""  # a cleared fault clears its message
    finally:
        session.stop()


def test_a_pending_frame_is_a_problem_until_recovered(sim: Simulator,
                                                      room_config: Config) -> None:
    from vxacq.hal.exposure import recover_frames

    sim.inject("link-drop:50")
    failed = run_exposure(room_config, "HAND_PA")
    assert not failed.ok
    session = RoomSession(room_config, poll_interval=60)
    try:
        status = session.refresh()
        assert failed.uid in status.frame_pending and not status.ready
        assert "no new exposure" in status.problem
        sim.clear_faults()
        with session.devices() as room:
            assert [r.ok for r in recover_frames(room_config, room=room)] == [True]
        status = session.refresh()
        assert status.frame_pending == "" and status.problem == "" and status.ready
    finally:
        session.stop()


def test_a_device_stuck_in_readout_is_said(sim: Simulator, room_config: Config) -> None:
    sim.inject("readout-timeout")
    sim.panel.arm("triggered")
    assert _wait(sim.panel.ready)
    sim.panel.beam_on()
    sim.panel.beam_off(60.0, 1.0)  # an exposure from elsewhere; the readout never ends
    session = RoomSession(room_config, poll_interval=60)
    try:
        assert session.refresh().detector == "readout" and session.status.problem == ""
        # the test panel's readout limit: 3 × its (scaled) readout time + 1 s
        time.sleep(3 * sim.model.readout_s * sim.panel.time_scale + 1.2)
        status = session.refresh()
        assert "detector stuck in readout for" in status.problem
        assert "restart the panel" in status.problem and not status.ready
    finally:
        session.stop()

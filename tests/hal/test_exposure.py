"""Whole exposures through the serial protocol and the panel link, with every injected fault."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from hardware_sim.simulator import Simulator
from tests.hal.helpers import TIME_SCALE, raw_files
from vxacq.config import Config, HardwareConfig, StationConfig
from vxacq.hal import rawstore
from vxacq.hal.exposure import recover_frames, run_exposure
from vxacq.hal.serial_generator import SerialGenerator
from vxacq.hal.sim_detector import SimDetector

pytestmark = pytest.mark.timeout(60)


def assert_whole(files: list[str]) -> dict:
    npy, meta = (Path(f) for f in files)
    doc = json.loads(meta.read_text())
    pixels = np.load(npy)
    assert pixels.dtype == np.uint16 and pixels.shape == (doc["rows"], doc["columns"])
    assert not list(npy.parent.glob(".*.tmp"))  # no half-written temp files
    return doc


def test_whole_exposure_through_the_serial_protocol(sim: Simulator, room_config: Config) -> None:
    result = run_exposure(room_config, "HAND_PA", kv=57, mas=2.5, seed=3)
    assert result.ok, result.error
    assert result.generator_state == "standby" and result.detector_state == "idle"
    reported = result.reported
    assert reported["kv"] == pytest.approx(57, rel=0.03)
    assert reported["mas"] == pytest.approx(2.5, rel=0.05)
    assert reported["complete"] and reported["dap_Gy_cm2"] > 0
    doc = assert_whole(result.files)
    assert doc["reported"] == reported and doc["protocol"] == "HAND_PA"
    assert doc["truth"]["phantom"] == "hand" and doc["truth"]["sid_mm"] == 1000.0
    assert doc["truth"]["field"]["width_mm"] == 240.0
    assert doc["detector"]["model_name"] and doc["frame"]["sync_mode"] == "triggered"
    assert sim.panel.held == []  # the panel dropped its copy only after the frame was stored
    assert sim.firmware.exposures == 1
    assert [Path(f).parent for f in result.files] == [Path(room_config.station.data_dir) / "raw"] * 2


def test_exposure_over_a_pty(tmp_path: Path) -> None:
    with Simulator(model="DRTEST", time_scale=TIME_SCALE, link="pty").start() as sim:
        assert sim.generator_url.startswith("/dev/")
        config = Config(station=StationConfig(data_dir=str(tmp_path)),
                        hardware=HardwareConfig(generator_url=sim.generator_url,
                                                detector_url=sim.detector_url))
        result = run_exposure(config, "KNEE_LAT", out_dir=tmp_path / "out")
    assert result.ok, result.error
    assert [Path(f).parent.name for f in result.files] == ["out", "out"]


def test_aec_ends_the_exposure_at_the_target_dose(sim: Simulator, room_config: Config) -> None:
    from vxacq import protocols

    proto = protocols.get("PELVIS_AP")
    aec = protocols.Protocol(**{**proto.__dict__, "aec": True, "mas": 200.0})
    result = run_exposure(room_config, aec, seed=2)
    assert result.ok, result.error
    assert result.reported["mas"] < 150  # the chamber ended it well before the backup mAs


def test_generator_fault_on_nth_exposure_keeps_the_partial_frame(
        sim: Simulator, room_config: Config) -> None:
    sim.inject("generator-fault:2")
    assert run_exposure(room_config, "HAND_PA").ok
    result = run_exposure(room_config, "HAND_PA")
    assert not result.ok
    assert result.error["device"] == "generator" and result.error["code"] == "E401"
    assert "Tube arc" in result.error["message"]
    assert result.generator_state == "fault"
    assert result.reported["complete"] is False
    doc = assert_whole(result.files)  # the dose was given: its frame is kept, marked partial
    assert doc["complete"] is False and doc["error"]["code"] == "E401"
    assert len(raw_files(room_config)) == 4
    # the fault is latched until reset
    again = run_exposure(room_config, "HAND_PA")
    assert again.error["code"] == "NAK201" and "RESET" in again.error["message"]
    assert again.detector_state != "ready"  # the refused PREP left no panel armed
    panel = SimDetector(sim.detector_url)
    try:
        assert panel.poll()["state"] == "idle"
    finally:
        panel.close()
    gen = SerialGenerator(sim.generator_url)
    try:
        gen.reset()
    finally:
        gen.close()
    assert run_exposure(room_config, "HAND_PA").ok


def test_link_drop_during_readout_recovers_the_frame_from_the_panel(
        sim: Simulator, room_config: Config) -> None:
    sim.inject("link-drop:1")
    result = run_exposure(room_config, "HAND_PA")
    assert result.ok, result.error
    assert any("link to the panel lost" in w for w in result.warnings)
    assert_whole(result.files)


def test_lasting_link_drop_fails_without_losing_the_frame(
        sim: Simulator, room_config: Config) -> None:
    sim.inject("link-drop:50")
    result = run_exposure(room_config, "HAND_PA")
    assert not result.ok
    assert result.error["device"] == "detector" and result.error["code"] == "link-lost"
    assert "still in the panel" in result.error["message"]
    assert result.detector_state == "error"
    assert raw_files(room_config) == []  # nothing half-written
    assert sim.panel.held  # ... and nothing lost
    sim.clear_faults()
    [recovered] = recover_frames(room_config)
    assert recovered.ok, recovered.error
    doc = assert_whole(recovered.files)
    assert doc["protocol"] == "HAND_PA" and doc["reported"] == result.reported  # as its exposure
    assert doc["truth"]["phantom"] == "hand" and sim.panel.held == []


def test_readout_timeout(sim: Simulator, room_config: Config) -> None:
    sim.inject("readout-timeout")
    result = run_exposure(room_config, "HAND_PA")
    assert not result.ok
    assert result.error["device"] == "detector" and result.error["code"] == "timeout"
    assert "detector readout did not finish" in result.error["message"]
    assert raw_files(room_config) == []
    sim.clear_faults()
    assert [r.ok for r in recover_frames(room_config)] == [True]


@pytest.mark.parametrize("fault, code, words", [
    ("low-battery:5", "low-battery", "battery at 5 %"),
    ("over-temperature:52", "over-temperature", "52 °C"),
])
def test_panel_health_faults_block_the_exposure(sim: Simulator, room_config: Config, fault: str,
                                                code: str, words: str) -> None:
    sim.inject(fault)
    result = run_exposure(room_config, "HAND_PA")
    assert not result.ok
    assert result.error["device"] == "detector" and result.error["code"] == code
    assert words in result.error["message"]
    assert result.detector_state == "error"
    assert result.generator_state == "standby"  # prep released: no dose
    assert sim.firmware.exposures == 0 and raw_files(room_config) == []


def test_aed_false_trigger(sim: Simulator, room_config: Config) -> None:
    sim.inject("aed-false-trigger")
    result = run_exposure(room_config, "HAND_PA", sync_mode="aed")
    assert not result.ok
    assert result.error["code"] == "aed-false-trigger"
    assert "without X-rays" in result.error["message"]
    assert sim.firmware.exposures == 0 and raw_files(room_config) == []
    sim.clear_faults()
    assert run_exposure(room_config, "HAND_PA", sync_mode="aed").ok


def test_triggered_interlock_refuses_expose_when_panel_not_armed(sim: Simulator) -> None:
    gen = SerialGenerator(sim.generator_url)
    try:
        gen.connect()
        gen.prepare(timeout=5).wait()
        with pytest.raises(Exception, match="detector not ready: interlock open"):
            gen.expose(timeout=5)
        gen.release()
    finally:
        gen.close()
    assert sim.firmware.exposures == 0


def test_exposure_survives_garbled_and_lost_serial_lines(sim: Simulator,
                                                         room_config: Config) -> None:
    sim.inject("serial-garble:0.1")
    sim.inject("serial-drop:0.05")
    for _ in range(2):
        result = run_exposure(room_config, "HAND_PA")
        assert result.ok, result.error
        assert_whole(result.files)
    assert sim.firmware.exposures == 2  # a repeated EXPOSE never made a second exposure
    assert sim.firmware.lines_garbled > 0 and sim.firmware.lines_dropped > 0


def test_faults_at_run_time_over_the_control_channel(sim: Simulator, room_config: Config) -> None:
    host, port = sim.detector_url.removeprefix("tcp://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        f = conn.makefile("rwb")
        f.write(b'{"cmd": "fault", "spec": "low-battery:3"}\n')
        f.flush()
        assert json.loads(f.readline()) == {"ok": True, "fault": "low-battery:3"}
        f.write(b'{"cmd": "fault", "spec": "melted"}\n')
        f.flush()
        answer = json.loads(f.readline())
        assert not answer["ok"] and "unknown fault 'melted'" in answer["error"]
        f.write(b"not json\n")
        f.flush()
        assert json.loads(f.readline())["code"] == "bad-request"
    assert run_exposure(room_config, "HAND_PA").error["code"] == "low-battery"


def test_faults_from_the_configuration(tmp_path: Path) -> None:
    config = Config(station=StationConfig(data_dir=str(tmp_path)),
                    hardware=HardwareConfig(detector_model="DRTEST", sim_time_scale=TIME_SCALE,
                                            faults=["over-temperature:60"]))
    result = run_exposure(config, "HAND_PA")  # starts the built-in simulator
    assert result.error["code"] == "over-temperature"


def test_raw_store_lists_orphans_and_loads_frames(tmp_path: Path) -> None:
    pixels = np.arange(12, dtype=np.uint16).reshape(3, 4)
    files = rawstore.save(tmp_path, "1.2.3", pixels, {"kind": "test"})
    loaded, meta = rawstore.load(tmp_path, "1.2.3")
    assert np.array_equal(loaded, pixels) and meta["rows"] == 3
    files[1].unlink()
    assert rawstore.orphans(tmp_path) == [files[0]]


def test_unwritable_raw_folder_keeps_the_frame_in_the_panel(sim: Simulator,
                                                            room_config: Config,
                                                            tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = run_exposure(room_config, "HAND_PA", out_dir=blocker / "raw")
    assert not result.ok and result.files == []
    assert result.error["device"] == "storage" and result.error["code"] == "write-failed"
    assert "cannot write the raw frame" in result.error["message"]
    assert sim.panel.held  # not confirmed, so not dropped
    [recovered] = recover_frames(room_config, out_dir=tmp_path / "good")
    assert recovered.ok and assert_whole(recovered.files)["truth"]["phantom"] == "hand"


def test_panel_stuck_arming_ends_the_sequence_with_a_remedy(sim: Simulator,
                                                            room_config: Config) -> None:
    sim.inject("arming-timeout")
    started = time.monotonic()
    result = run_exposure(room_config, "HAND_PA")
    took = time.monotonic() - started
    assert not result.ok
    assert result.error["device"] == "detector" and result.error["code"] == "timeout"
    message = result.error["message"]
    assert "detector arming did not finish within 5 s" in message
    assert "check its link, battery and temperature" in message and "Prep again" in message
    assert took < 8.0  # said at its time limit, not left waiting
    # nothing stays armed or prepared, no beam was given, nothing is pending
    assert sim.panel.state == "idle" and sim.firmware.state == "STANDBY"
    assert sim.firmware.exposures == 0
    assert raw_files(room_config) == [] and sim.panel.held == []
    sim.clear_faults()
    assert run_exposure(room_config, "HAND_PA").ok  # the next Prep works

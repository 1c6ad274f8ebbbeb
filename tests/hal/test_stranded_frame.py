"""A frame left in the panel by a failed transfer: never taken as a new exposure, recovered as
the exposure that made it, and no new exposure until then (issue 21, patient safety)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardware_sim.simulator import Simulator
from tests.hal.helpers import raw_files
from vxacq.config import Config
from vxacq.hal import pending
from vxacq.hal.detector import SyncMode
from vxacq.hal.exposure import recover_frames, run_exposure
from vxacq.hal.frames import FrameExpectation, FrameInfo, now
from vxacq.hal.sim_detector import SimDetector

pytestmark = pytest.mark.timeout(60)


def _strand_a_frame(sim: Simulator, config: Config, mas: float = 1.0):
    """An exposure whose frame stays in the panel: the link keeps dropping."""
    sim.inject("link-drop:50")
    result = run_exposure(config, "HAND_PA", mas=mas)
    assert not result.ok and "still in the panel" in result.error["message"]
    assert len(sim.panel.held) == 1 and sim.firmware.exposures == 1
    return result


def test_second_exposure_is_refused_while_a_frame_is_pending(sim: Simulator,
                                                             room_config: Config) -> None:
    first = _strand_a_frame(sim, room_config, mas=1.0)
    [record] = pending.open_records(room_config.data_dir)
    assert record.uid == first.uid and record.protocol == "HAND_PA"
    assert record.report["mas"] == pytest.approx(1.0, rel=0.05)  # the generator's report, kept
    second = run_exposure(room_config, "HAND_PA", mas=4.0)
    assert not second.ok
    assert second.error["device"] == "interlock" and second.error["code"] == "frame-pending"
    assert first.uid in second.error["message"] and "--recover" in second.error["message"]
    assert "--discard" in second.error["message"]
    assert sim.firmware.exposures == 1  # no second dose
    assert sim.panel.state == "idle"  # and the panel was never armed for it


def test_recover_stores_the_frame_as_the_exposure_that_made_it(sim: Simulator,
                                                               room_config: Config) -> None:
    first = _strand_a_frame(sim, room_config, mas=1.0)
    sim.clear_faults()
    [recovered] = recover_frames(room_config)
    assert recovered.ok, recovered.error
    assert recovered.uid == first.uid and recovered.protocol == "HAND_PA"
    doc = json.loads(Path(recovered.files[1]).read_text())
    assert doc["reported"]["mas"] == pytest.approx(1.0, rel=0.05)
    assert doc["reported"] == first.reported and doc["requested"] == first.requested
    assert doc["frame"]["tag"] == first.uid and doc["recovered"] is True
    assert doc["generator_exposure_number"] == first.reported["number"]
    assert pending.open_records(room_config.data_dir) == []
    assert pending.closed_record(room_config.data_dir, first.uid)["outcome"] == "stored"
    assert sim.panel.held == []
    assert run_exposure(room_config, "HAND_PA", mas=4.0).ok  # now a new exposure may be made


def test_a_frame_already_stored_is_not_stored_twice(sim: Simulator, room_config: Config) -> None:
    done = run_exposure(room_config, "HAND_PA")
    assert done.ok
    # a crash after the frame was written and before its record was closed
    closed = pending.closed_record(room_config.data_dir, done.uid)
    closed.pop("outcome"), closed.pop("closed")
    (pending.folder(room_config.data_dir) / "closed" / f"{done.uid}.json").unlink()
    pending.open_record(room_config.data_dir, pending.PendingExposure(**closed))
    before = raw_files(room_config)
    [again] = recover_frames(room_config)
    assert again.ok and "not stored twice" in " ".join(again.warnings)
    assert raw_files(room_config) == before
    assert pending.open_records(room_config.data_dir) == []


def test_a_frame_no_record_claims_blocks_arming(sim: Simulator, room_config: Config,
                                                tmp_path: Path) -> None:
    """Another console (another data directory) left a frame in the panel."""
    other = Config(station=type(room_config.station)(data_dir=str(tmp_path / "other")),
                   hardware=room_config.hardware)
    _strand_a_frame(sim, other)
    sim.clear_faults()
    result = run_exposure(room_config, "HAND_PA")
    assert not result.ok and result.error["code"] == "frame-in-panel"
    assert "never stored" in result.error["message"] and "Recover" in result.error["message"]
    assert sim.firmware.exposures == 1


def test_readout_takes_only_the_frame_of_its_exposure(sim: Simulator, room_config: Config,
                                                      tmp_path: Path) -> None:
    """Below the exposure sequence: with a stale frame held, the panel's read gives the new one."""
    other = Config(station=type(room_config.station)(data_dir=str(tmp_path / "other")),
                   hardware=room_config.hardware)
    stale = _strand_a_frame(sim, other)
    sim.clear_faults()
    det = SimDetector(sim.detector_url)
    try:
        det.connect()
        memory = det.memory()
        assert [f.tag for f in memory.held] == [stale.uid]
        expected = FrameExpectation("1.2.3.new", memory.frame_count, now())
        det.arm(SyncMode.TRIGGERED, timeout=5, tag="1.2.3.new").wait()
        frame_st = det.read_frame(timeout=5, expected=expected)
        sim.panel.beam_on()
        sim.panel.beam_off(57.0, 2.0)
        frame = frame_st.wait()
    finally:
        det.close()
    assert frame.tag == "1.2.3.new" and frame.frame_number == memory.frame_count + 1
    assert [h.metadata["tag"] for h in sim.panel.held] == [stale.uid, "1.2.3.new"]


def test_frame_expectation_names_what_contradicts_it() -> None:
    expected = FrameExpectation("1.2.3.9", frame_count=7, armed_at="2026-12-05T10:00:10+00:00")
    own = FrameInfo("a", 8, "1.2.3.9", "2026-12-05T10:00:12+00:00")
    assert expected.mismatch(own) == "" and expected.matches(own)
    assert "taken for exposure 1.2.3.1" in expected.mismatch(
        FrameInfo("b", 8, "1.2.3.1", "2026-12-05T10:00:12+00:00"))
    assert "read out before this exposure" in expected.mismatch(
        FrameInfo("c", 7, "", "2026-12-05T10:00:12+00:00"))
    assert "before the panel was armed" in expected.mismatch(
        FrameInfo("d", None, "", "2026-12-05T09:58:00+00:00"))
    untagged_next = FrameInfo("e", 8, "", "2026-12-05T10:00:11+00:00")
    assert expected.matches(untagged_next)
    assert not expected.matches(FrameInfo("f", None, "", "2026-12-05T10:00:11+00:00"))


def test_stuck_readout_ends_the_sequence_with_a_remedy(sim: Simulator,
                                                       room_config: Config) -> None:
    sim.inject("readout-timeout")
    result = run_exposure(room_config, "HAND_PA")
    assert result.error["code"] == "timeout"
    message = result.error["message"]
    assert "readout did not finish" in message and "restart the panel" in message
    assert "recover" in message
    assert pending.open_records(room_config.data_dir)  # the dose was given: it is pending
    # recovered while the panel is still stuck: said as such, never as a foreign frame
    [early] = recover_frames(room_config)
    assert not early.ok and early.error["code"] == "no-frame"
    assert "did not hand it over (still in readout?)" in early.error["message"]
    assert "restart the panel" in early.error["message"] and "not its own" not in \
        early.error["message"]
    assert pending.open_records(room_config.data_dir)  # still waiting for its frame
    sim.clear_faults()
    assert [r.ok for r in recover_frames(room_config)] == [True]

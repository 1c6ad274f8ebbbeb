"""The command lines as QA runs them: `vxacq acquire` and `python -m hardware_sim`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from vxacq.protocols import get as get_protocol

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(120)


def run(*args: str, env: dict | None = None, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


def environment(tmp_path: Path, hardware: str = "") -> dict:
    config = tmp_path / "vxacq.toml"
    config.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n[hardware]\n{hardware}')
    return {**os.environ, "VXACQ_CONFIG": str(config), "PYTHONPATH": str(ROOT)}


def test_acquire_chest_pa_json_on_default_hardware(tmp_path: Path) -> None:
    """The default configuration: the built-in simulator with the full 43×43 cm panel."""
    result = run("-m", "vxacq", "acquire", "--protocol", "CHEST_PA", "--json",
                 env=environment(tmp_path))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] and doc["protocol"] == "CHEST_PA"
    chest = get_protocol("CHEST_PA")  # its medium-adult technique, from the library
    assert doc["reported"]["kv"] == pytest.approx(chest.kv, rel=0.03)
    assert doc["reported"]["mas"] == pytest.approx(chest.mas, rel=0.05)
    npy, sidecar = (Path(f) for f in doc["files"])
    assert npy.parent == tmp_path / "data" / "raw"
    pixels = np.load(npy)
    assert pixels.shape == (3072, 3072) and pixels.dtype == np.uint16
    meta = json.loads(sidecar.read_text())
    assert meta["reported"] == doc["reported"]
    assert meta["truth"]["detector_kerma_uGy"] > 0 and meta["truth"]["phantom"] == "chest"


def test_acquire_with_fault_fails_with_message_and_exit_1(tmp_path: Path) -> None:
    env = environment(tmp_path, 'detector_model = "DRTEST"\nsim_time_scale = 0.05\n')
    result = run("-m", "vxacq", "acquire", "--protocol", "HAND_PA", "--laterality", "L",
                 "--fault", "low-battery:4",
                 "--json", env=env)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["error"]["code"] == "low-battery" and doc["files"] == []
    assert "battery at 4 %" in result.stderr
    bad = run("-m", "vxacq", "acquire", "--protocol", "HAND_PA", "--fault", "gremlins", env=env)
    assert bad.returncode == 2 and "unknown fault 'gremlins'" in bad.stderr
    unknown = run("-m", "vxacq", "acquire", "--protocol", "ELBOW_XRAY", env=env)
    assert unknown.returncode == 2 and "no protocol 'ELBOW_XRAY'" in unknown.stderr


def test_standalone_simulator_with_fault_from_its_command_line(tmp_path: Path) -> None:
    sim = subprocess.Popen(
        [sys.executable, "-m", "hardware_sim", "--model", "DRTEST", "--time-scale", "0.05",
         "--fault", "generator-fault:1", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        urls = json.loads(sim.stdout.readline())
        assert urls["faults"] == ["generator-fault:1"]
        hardware = (f'generator_url = "{urls["generator_url"]}"\n'
                    f'detector_url = "{urls["detector_url"]}"\n')
        result = run("-m", "vxacq", "acquire", "--protocol", "SKULL_AP", "--json",
                     "--out", str(tmp_path / "qa"), env=environment(tmp_path, hardware))
        doc = json.loads(result.stdout)
        assert result.returncode == 1
        assert doc["error"]["device"] == "generator" and "Tube arc" in doc["error"]["message"]
        assert doc["reported"]["complete"] is False
        assert [Path(f).parent for f in doc["files"]] == [tmp_path / "qa"] * 2
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert sim.returncode == 0


def test_simulator_refuses_unknown_fault() -> None:
    result = run("-m", "hardware_sim", "--fault", "cosmic-rays")
    assert result.returncode == 2 and "unknown fault 'cosmic-rays'" in result.stderr


def test_acquire_refuses_a_new_exposure_until_the_stranded_frame_is_recovered(
        tmp_path: Path) -> None:
    """Issue 21's scenario: the simulator as a process of its own, a link that keeps dropping."""
    sim = subprocess.Popen(
        [sys.executable, "-m", "hardware_sim", "--model", "DRTEST", "--time-scale", "0.05",
         "--fault", "link-drop:50", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        urls = json.loads(sim.stdout.readline())
        env = environment(tmp_path, f'generator_url = "{urls["generator_url"]}"\n'
                                    f'detector_url = "{urls["detector_url"]}"\n')
        acquire = ("-m", "vxacq", "acquire", "--protocol", "HAND_PA", "--laterality", "L",
                   "--json")
        first = run(*acquire, "--mas", "1", env=env)
        assert first.returncode == 1 and "its frame is still in the panel" in first.stderr
        uid = json.loads(first.stdout)["uid"]
        second = run(*acquire, "--mas", "4", env=env)
        assert second.returncode == 1
        refused = json.loads(second.stdout)
        assert refused["error"]["code"] == "frame-pending" and refused["reported"] is None
        assert uid in second.stderr and "--recover" in second.stderr
        host, port = urls["detector_url"].removeprefix("tcp://").split(":")
        import socket

        with socket.create_connection((host, int(port)), timeout=5) as conn:  # link back
            conn.sendall(b'{"cmd": "clear-faults"}\n')
            assert json.loads(conn.makefile("rb").readline())["ok"]
        recovered = run("-m", "vxacq", "acquire", "--recover", "--json", env=env)
        assert recovered.returncode == 0, recovered.stderr
        [doc] = json.loads(recovered.stdout)
        assert doc["uid"] == uid and doc["protocol"] == "HAND_PA"
        assert doc["reported"]["mas"] == pytest.approx(1.0, rel=0.05)  # the 1 mAs exposure
        assert doc["ok"] and "recovered" in " ".join(doc["warnings"])
        # stored as that exposure: its raw frame carries the 1 mAs report and the first UID
        sidecar = json.loads(Path(doc["files"][1]).read_text())
        assert sidecar["frame"]["tag"] == uid and sidecar["reported"] == doc["reported"]
        assert run(*acquire, "--mas", "4", env=env).returncode == 0
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def test_a_killed_acquire_loses_no_frame_with_the_built_in_simulator(tmp_path: Path) -> None:
    """Issue 14: `kill -9` of `vxacq acquire` during the readout lost the frame (the built-in
    panel died with the command) and `--recover` found nothing. The panel's memory outlives
    the process: the exposure is read out again and stored as itself."""
    env = environment(tmp_path, 'detector_model = "DRTEST"\nsim_time_scale = 4.0\n')
    command = [sys.executable, "-m", "vxacq", "acquire", "--protocol", "HAND_PA",
               "--laterality", "L", "--mas", "2", "--json"]
    acquire = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, cwd=ROOT)
    pending = tmp_path / "data" / "pending"
    deadline = time.monotonic() + 60
    record: dict = {}
    while time.monotonic() < deadline and not record.get("report"):
        for path in pending.glob("*.json"):  # the generator reported the end of the beam
            with contextlib.suppress(ValueError, OSError):
                record = json.loads(path.read_text())
        time.sleep(0.05)
    assert record.get("report"), "the exposure never ended"
    assert not (tmp_path / "data" / "raw" / f"{record['uid']}.npy").exists()  # still reading
    acquire.send_signal(signal.SIGKILL)
    acquire.wait(timeout=10)
    refused = run(*command[1:], env=env)
    assert refused.returncode == 1 and record["uid"] in refused.stderr  # no repeat exposure
    recovered = run("-m", "vxacq", "acquire", "--recover", "--json", env=env)
    assert recovered.returncode == 0, recovered.stderr
    [doc] = json.loads(recovered.stdout)
    assert doc["ok"] and doc["uid"] == record["uid"] and doc["protocol"] == "HAND_PA"
    assert doc["reported"]["mas"] == pytest.approx(2.0, rel=0.05)
    sidecar = json.loads(Path(doc["files"][1]).read_text())
    assert sidecar["frame"]["tag"] == record["uid"]
    assert not list(pending.glob("*.json"))  # closed
    assert not list((tmp_path / "data" / "sim-panel" / "DRTEST").glob("latent-*.json"))


@pytest.mark.parametrize("left_behind", ["temp pixels", "pixels without sidecar",
                                         "pixels and temp sidecar"])
def test_a_crash_while_the_frame_was_written_is_put_in_order_and_recovered(
        tmp_path: Path, left_behind: str) -> None:
    """Issue 14: a kill while the raw frame or its sidecar was written left a hidden temp
    file and an .npy without sidecar that nothing reported. The files are what such a kill
    leaves (the panel still holds the frame: it is told only after both files are written);
    `vxacq serve` reports and tidies them at start-up, and the frame is recovered whole."""
    env = environment(tmp_path, 'detector_model = "DRTEST"\nsim_time_scale = 0.05\n')
    first = run("-m", "vxacq", "acquire", "--protocol", "HAND_PA", "--laterality", "L",
                "--fault", "link-drop:50", "--json", env=env)
    assert first.returncode == 1 and "still in the panel" in first.stderr
    uid = json.loads(first.stdout)["uid"]
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    if left_behind == "temp pixels":
        (raw / f".{uid}.npy.k3j2.tmp").write_bytes(b"\x93NUMPY" + b"\0" * 4096)
    else:
        np.save(raw / f"{uid}.npy", np.zeros((8, 8), np.uint16))
        if left_behind == "pixels and temp sidecar":
            (raw / f".{uid}.json.x1.tmp").write_text('{"kind": "raw-exp')
    serve = subprocess.Popen([sys.executable, "-m", "vxacq", "serve"], stderr=subprocess.PIPE,
                             text=True, env=env, cwd=ROOT)
    try:
        lines = []
        for line in serve.stderr:
            lines.append(line)
            if "outbox running" in line:
                break
    finally:
        serve.terminate()
        serve.wait(timeout=20)
    said = "".join(lines)
    assert "raw frames:" in said and uid in said
    assert not list(raw.glob(".*.tmp"))
    if left_behind != "temp pixels":
        assert (raw / "orphans" / f"{uid}.npy").exists() and not (raw / f"{uid}.npy").exists()
    recovered = run("-m", "vxacq", "acquire", "--recover", "--json", env=env)
    assert recovered.returncode == 0, recovered.stderr
    [doc] = json.loads(recovered.stdout)
    assert doc["ok"] and doc["uid"] == uid
    assert np.load(raw / f"{uid}.npy").shape == (384, 384)  # the real frame, whole

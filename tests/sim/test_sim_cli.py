"""The command lines as QA runs them: `vxacq acquire` and `python -m hardware_sim`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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
    assert doc["reported"]["kv"] == pytest.approx(125, rel=0.03)
    assert doc["reported"]["mas"] == pytest.approx(1.0, rel=0.05)
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

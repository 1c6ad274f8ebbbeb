"""`vxacq calibrate` as QA runs it: takes frames on the simulator, stores, reports status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vxacq.cli import CommandError, build_parser
from vxacq.config import load
from vxacq.imaging.calibration import CalibrationStore


def vxacq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vxacq", *args], capture_output=True, text=True,
                          timeout=120)


def write_config(tmp_path: Path, detector: str = "simulator", max_age: int = 180) -> Path:
    path = tmp_path / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n'
                    f'[hardware]\ndetector = "{detector}"\ndetector_model = "DRTEST"\n'
                    f'[imaging]\ncalibration_max_age_days = {max_age}\n')
    return path


def test_calibrate_then_status(tmp_path) -> None:
    config = write_config(tmp_path)
    before = vxacq("calibrate", "--config", str(config), "--status")
    assert before.returncode == 1 and "no calibration" in before.stdout
    made = vxacq("calibrate", "--config", str(config), "--json", "--darks", "2", "--flats", "2")
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    assert result["detector_id"] == "SIM4343-0001_384x384" and result["defect_count"] > 100
    assert Path(result["path"]).exists()
    after = vxacq("calibrate", "--config", str(config), "--status", "--json")
    assert after.returncode == 0 and json.loads(after.stdout)["state"] == "ok"
    store = CalibrationStore.for_data_dir(tmp_path / "data")
    assert store.load("SIM4343-0001_384x384").defect_count == result["defect_count"]


def test_expired_calibration_fails_the_status_check(tmp_path) -> None:
    config = write_config(tmp_path, max_age=0)
    assert vxacq("calibrate", "--config", str(config), "--darks", "1", "--flats", "1").returncode == 0
    status = vxacq("calibrate", "--config", str(config), "--status")
    assert status.returncode == 1 and "beyond the 0-day limit" in status.stdout


def test_real_detector_is_never_calibrated_from_the_simulator(tmp_path, monkeypatch) -> None:
    # Only the simulator driver exists today; this guard keeps a future real-panel driver
    # from being "calibrated" with simulated frames until it offers calibration frames.
    config = load(write_config(tmp_path))
    config.hardware.detector = "vendor-x"
    # Parse first: building the parser imports every command module, and a module imported
    # under the patch would keep the fake load_config for the rest of the test session.
    args = build_parser().parse_args(["calibrate"])
    monkeypatch.setattr("vxacq.cli.load_config", lambda args: config)
    with pytest.raises(CommandError, match="cannot take calibration frames"):
        args.run(args)
    assert not (tmp_path / "data" / "calibrations").exists()

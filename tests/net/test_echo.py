"""Verification: our C-ECHO against DCMTK (success with its round-trip time), and exactly why
not — refused, rejected with the reason, no answer; DCMTK echoscu against our listener;
`vxacq echo`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from vxacq import cli
from vxacq import config as configuration
from vxacq.net.echo import echo
from vxacq.net.listener import Listener

import peers
from faulty_scp import free_port, mute_listener
from orders import STATION_AE, node_config


def test_echo_dcmtk_reports_round_trip(wlmscpfs, tmp_path):
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    result = echo(config, config.node("ris"))
    assert result.ok, result.message
    assert 0 < result.echo_ms <= result.round_trip_ms
    assert "C-ECHO OK" in result.describe()
    assert "Received Echo Request" in wlmscpfs.log() and STATION_AE in wlmscpfs.log()


def test_echo_says_why_not(tmp_path):
    port = free_port()
    config = node_config(tmp_path, "RIS", port, ["worklist"])
    refused = echo(config, config.node("ris"))
    assert (refused.ok, refused.kind) == (False, "unreachable")
    assert f"connection refused on port {port}" in refused.message
    # Our own listener rejects a caller it does not know, with the reason in words.
    listener_port = free_port()
    console = configuration.from_dict({"station": {"ae_title": "CONSOLE", "listen_port": listener_port},
                                       "node": [{"name": "pacs", "ae_title": "PACS",
                                                 "host": "127.0.0.1", "port": 104, "services": ["store"]}]})
    listener = Listener(console)
    assert listener.start().running
    try:
        config = node_config(tmp_path, "CONSOLE", listener_port, ["store"])
        rejected = echo(config, config.node("ris"))
    finally:
        listener.stop()
    assert (rejected.ok, rejected.kind) == (False, "rejected")
    assert "Calling AE title not recognised" in rejected.message and STATION_AE in rejected.message
    with mute_listener() as mute:
        config = node_config(tmp_path, "MUTE", mute, ["worklist"], acse_timeout=1)
        silent = echo(config, config.node("ris"))
    assert (silent.ok, silent.kind) == (False, "timeout")
    assert "did not answer the association request within 1 s" in silent.message


def test_dcmtk_echoscu_against_our_listener(tmp_path):
    port = free_port()
    console = configuration.from_dict({"station": {"ae_title": "CONSOLE", "listen_port": port},
                                       "node": [{"name": "pacs", "ae_title": "PACS",
                                                 "host": "127.0.0.1", "port": 104, "services": ["store"]}]})
    listener = Listener(console)
    assert listener.start().running
    try:
        command = [peers.tool("echoscu"), "-aec", "CONSOLE", "-to", "5", "127.0.0.1", str(port)]
        known = subprocess.run(command + ["-aet", "PACS"], capture_output=True, timeout=30)
        stranger = subprocess.run(command + ["-aet", "STRANGER"], capture_output=True, timeout=30)
    finally:
        listener.stop()
    assert known.returncode == 0, known.stderr
    assert stranger.returncode != 0 and b"Rejected" in stranger.stdout + stranger.stderr
    assert listener.status.echoes_answered == 1


def test_vxacq_echo_command(wlmscpfs, tmp_path, capsys):
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    config.nodes.append(configuration.NodeConfig(name="down", ae_title="DOWN", host="127.0.0.1",
                                                 port=free_port(), services=["query"], connect_timeout=2))
    path = configuration.save(config, tmp_path / "vxacq.toml")
    assert cli.main(["echo", "ris", "--config", str(path)]) == 0
    assert "C-ECHO OK" in capsys.readouterr().out
    assert cli.main(["echo", "ris", "--json", "--config", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["round_trip_ms"] > 0
    assert cli.main(["echo", "down", "--config", str(path)]) == 1
    assert "connection refused" in capsys.readouterr().err
    assert cli.main(["echo", "down", "--json", "--config", str(path)]) == 1
    assert json.loads(capsys.readouterr().out)["kind"] == "unreachable"
    assert cli.main(["echo", "nosuch", "--config", str(path)]) == 2


def test_every_command_writes_both_logs(wlmscpfs, tmp_path):
    """Before: only `vxacq serve` wrote vxacq.log and dicom.log, and -v did nothing else."""
    import logging

    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    path = configuration.save(config, tmp_path / "vxacq.toml")
    assert cli.main(["echo", "ris", "-v", "--config", str(path)]) == 0
    for handler in logging.getLogger("vxacq").handlers + logging.getLogger("pynetdicom").handlers:
        handler.flush()
    logs = Path(config.data_dir) / "logs"
    dicom_log = (logs / "dicom.log").read_text(encoding="utf-8")
    assert "Association Accepted" in dicom_log or "Association accepted" in dicom_log.lower()
    assert "DEBUG" in dicom_log  # -v reaches the association log
    assert "C-ECHO" in (logs / "vxacq.log").read_text(encoding="utf-8")
    # checking a configuration creates no folders of the station's
    other = tmp_path / "other.toml"
    other.write_text(f'[station]\ndata_dir = "{tmp_path / "untouched"}"\n', encoding="utf-8")
    assert cli.main(["config", "check", "--config", str(other)]) == 0
    assert not (tmp_path / "untouched").exists()

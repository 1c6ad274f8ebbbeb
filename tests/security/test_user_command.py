"""``vxacq user ...`` and the role checks of commands, end to end through main() and a process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vxacq.cli import main

ADMIN_PASSWORD = "admin secret 1"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n'
                    '[hardware]\nsim_time_scale = 0.01\n')
    monkeypatch.delenv("VXACQ_USER", raising=False)
    monkeypatch.delenv("VXACQ_PASSWORD", raising=False)
    return path


def run(config: Path, monkeypatch, *args: str, stdin: str = "", user: str = "",
        password: str | None = None) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    if user:
        monkeypatch.setenv("VXACQ_USER", user)
    if password is not None:
        monkeypatch.setenv("VXACQ_PASSWORD", password)
    try:
        return main([*args, "--config", str(config)])
    finally:
        monkeypatch.delenv("VXACQ_USER", raising=False)
        monkeypatch.delenv("VXACQ_PASSWORD", raising=False)


def bootstrap(config: Path, monkeypatch) -> None:
    assert run(config, monkeypatch, "user", "add", "ada", "--display-name", "Admin^Ada",
               "--role", "administrator", "--password-stdin", stdin=ADMIN_PASSWORD + "\n") == 0


def test_user_add_end_to_end_in_a_process(config_file: Path, monkeypatch, capsys) -> None:
    """The installed command as a script runs it: credentials in the environment, the new
    password on stdin; no secret in the output, the log or the list."""
    bootstrap(config_file, monkeypatch)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "VXACQ_USER": "ada",
           "VXACQ_PASSWORD": ADMIN_PASSWORD}
    done = subprocess.run([sys.executable, "-m", "vxacq", "user", "add", "--config",
                           str(config_file), "anna", "--display-name", "Nurse^Anna", "--role",
                           "radiographer", "--password-stdin"], input="anna secret 1\n",
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "secret" not in done.stdout + done.stderr
    assert run(config_file, monkeypatch, "user", "list", "--json", user="ada",
               password=ADMIN_PASSWORD) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["user"], a["display_name"], a["roles"]) for a in listed] == [
        ("ada", "Admin^Ada", ["administrator"]), ("anna", "Nurse^Anna", ["radiographer"])]
    logs = b"".join(p.read_bytes() for p in (config_file.parent / "data").rglob("*.log*"))
    assert b"secret 1" not in logs


def test_no_accounts_mode_lists_nothing_and_lets_commands_run(config_file, monkeypatch,
                                                              capsys) -> None:
    assert run(config_file, monkeypatch, "user", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_first_account_must_be_an_administrator(config_file, monkeypatch, capsys) -> None:
    assert run(config_file, monkeypatch, "user", "add", "anna", "--display-name", "N^A",
               "--role", "radiographer", "--password-stdin", stdin="anna secret 1\n") == 2
    assert "first account must hold the administrator role" in capsys.readouterr().err


def test_account_commands_need_an_administrator(config_file, monkeypatch, capsys) -> None:
    bootstrap(config_file, monkeypatch)
    add_anna = ("user", "add", "anna", "--display-name", "Nurse^Anna", "--role",
                "radiographer", "--password-stdin")
    assert run(config_file, monkeypatch, *add_anna, stdin="anna secret 1\n") == 2
    assert "needs the administrator role on this station: give --user" in capsys.readouterr().err
    assert run(config_file, monkeypatch, *add_anna, stdin="anna secret 1\n", user="ada",
               password="wrong one") == 1
    assert "unknown user name or wrong password" in capsys.readouterr().err
    assert run(config_file, monkeypatch, *add_anna, stdin="anna secret 1\n", user="ada",
               password=ADMIN_PASSWORD) == 0
    for action in (("list",), ("disable", "ada"), ("enable", "ada"),
                   ("roles", "ada", "--role", "service"), ("add", "bob", "--display-name",
                                                            "B^B", "--role", "service",
                                                            "--password-stdin")):
        assert run(config_file, monkeypatch, "user", *action, stdin="bob secret 12\n",
                   user="anna", password="anna secret 1") == 1
        assert "needs the administrator role, which Nurse^Anna does not have" \
            in capsys.readouterr().err
    # the own password: no administrator needed
    assert run(config_file, monkeypatch, "user", "passwd", "anna", "--password-stdin",
               stdin="anna secret 2\n", user="anna", password="anna secret 1") == 0
    assert run(config_file, monkeypatch, "user", "disable", "anna", user="ada",
               password=ADMIN_PASSWORD) == 0
    assert run(config_file, monkeypatch, "user", "list", "--json", user="ada",
               password=ADMIN_PASSWORD) == 0
    listed = {a["user"]: a for a in json.loads(capsys.readouterr().out)}
    assert listed["anna"]["disabled"] and not listed["ada"]["disabled"]


def test_the_password_is_never_an_argument(config_file, monkeypatch) -> None:
    with pytest.raises(SystemExit):
        run(config_file, monkeypatch, "user", "add", "ada", "--display-name", "A^A", "--role",
            "administrator", "--password", ADMIN_PASSWORD)


def test_calibration_needs_the_service_role_once_accounts_exist(config_file, monkeypatch,
                                                                capsys) -> None:
    bootstrap(config_file, monkeypatch)
    # an administrator is not by that a service engineer
    assert run(config_file, monkeypatch, "calibrate", "--darks", "1", "--flats", "1",
               user="ada", password=ADMIN_PASSWORD) == 1
    assert "calibrating the detector needs the service role" in capsys.readouterr().err
    assert run(config_file, monkeypatch, "user", "add", "sam", "--display-name", "Eng^Sam",
               "--role", "service", "--password-stdin", stdin="sam secret 12\n", user="ada",
               password=ADMIN_PASSWORD) == 0
    # past the role check the calibration itself runs (here refusing a zero dose at once)
    assert run(config_file, monkeypatch, "calibrate", "--darks", "1", "--flats", "1",
               "--kerma", "0", user="sam", password="sam secret 12") == 1
    assert "calibration failed: the simulator cannot take calibration frames: flat-field " \
        "kerma" in capsys.readouterr().err


def test_a_database_with_accounts_is_replaced_only_by_service(config_file, monkeypatch,
                                                              capsys) -> None:
    """An empty database would turn the logins off: `db init` on one with accounts needs the
    service role."""
    bootstrap(config_file, monkeypatch)
    assert run(config_file, monkeypatch, "db", "init", "--yes") == 2
    assert "replacing the exam database needs the service role" in capsys.readouterr().err
    assert run(config_file, monkeypatch, "db", "init", "--yes", user="ada",
               password=ADMIN_PASSWORD) == 1
    assert run(config_file, monkeypatch, "user", "add", "sam", "--display-name", "Eng^Sam",
               "--role", "service", "--password-stdin", stdin="sam secret 12\n", user="ada",
               password=ADMIN_PASSWORD) == 0
    assert run(config_file, monkeypatch, "db", "init", "--yes", user="sam",
               password="sam secret 12") == 0
    capsys.readouterr()
    assert run(config_file, monkeypatch, "user", "list", "--json") == 0  # no login any more
    assert json.loads(capsys.readouterr().out) == []

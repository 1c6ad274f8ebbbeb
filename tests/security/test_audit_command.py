"""`vxacq audit`: the local trail with each event's forwarding state, escaped, as text or JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import update

from vxacq import cli
from vxacq.db import database_for
from vxacq.db.models import AuditEvent
from vxacq.security import audit


@pytest.fixture
def station(tmp_path: Path) -> Path:
    config = tmp_path / "vxacq.toml"
    config.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n'
                      '[audit]\nrepository = "udp://127.0.0.1:9"\n')
    db = database_for(tmp_path / "data")
    audit.record(db, "user login", user="tech")
    audit.record(db, "images sent", detail="to PACS\x1b[31m", PatientID="P-1",
                 PatientName="Doe^Jane")
    audit.record(db, "job retried", user="tech")
    with db.session() as session:  # the login is a week old and was forwarded
        session.execute(update(AuditEvent.__table__).where(AuditEvent.id == 1).values(
            at=datetime.now(timezone.utc) - timedelta(days=7),
            forwarded_at=datetime.now(timezone.utc)))
    db.close()
    return config


def test_text_lists_events_with_forwarding_state_escaped(
        station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["audit", "--config", str(station)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "[forwarded] tech user login" in lines[0]
    assert lines[1].endswith("[waiting] - images sent: to PACS\\x1b[31m")
    assert "[local] tech job retried" in lines[2]
    assert lines[3] == "forwarded to udp://127.0.0.1:9; 1 event(s) waiting"
    assert "Doe^Jane" not in "\n".join(lines)  # the patient is in the audit message, not here


def test_json_and_since(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["audit", "--config", str(station), "--json", "--since", "2d"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in document["events"]] == ["images sent", "job retried"]
    assert document["events"][0]["data"]["PatientID"] == "P-1"
    assert (document["waiting"], document["repository"]) == (1, "udp://127.0.0.1:9")
    today = datetime.now().strftime("%Y-%m-%d")
    assert cli.main(["audit", "--config", str(station), "--json", "--since", today]) == 0
    assert len(json.loads(capsys.readouterr().out)["events"]) == 2


def test_bad_since_is_a_usage_error(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["audit", "--config", str(station), "--since", "last tuesday"])
    assert exc.value.code == 2
    assert "neither a date" in capsys.readouterr().err


def test_commands_that_change_state_are_application_activity(
        station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`vxacq queue cancel` (like store, print, commit) is framed by application start and
    stop in the trail, by the user who ran it, even when it fails."""
    import getpass

    assert cli.main(["queue", "cancel", "999", "--config", str(station)]) == 1
    capsys.readouterr()
    db = database_for(station.parent / "data")
    events = audit.list_events(db)[-2:]
    db.close()
    assert [(e.action, e.detail, e.user) for e in events] == [
        ("application start", "vxacq queue cancel", getpass.getuser()),
        ("application stop", "vxacq queue cancel", getpass.getuser())]

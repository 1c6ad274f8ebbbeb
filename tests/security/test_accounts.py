"""Local accounts: hashing, roles, lockout, the bootstrap, the directory hand-off."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from tests.security import slapd
from vxacq.config import Config, DirectorySettings, SecurityConfig, StationConfig
from vxacq.db import AuditEvent, UserAccount, database_for
from vxacq.security import accounts
from vxacq.security.accounts import AccountError, AuthenticationError
from vxacq.security.roles import (
    NO_ACCOUNTS, How, Identity, Role, RoleError, break_glass, parse_roles, require_role,
)

PASSWORD = "correct horse 7"


@pytest.fixture
def station(tmp_path: Path):
    config = Config(station=StationConfig(data_dir=str(tmp_path / "data")),
                    security=SecurityConfig(max_failed_logins=3, lockout_minutes=5))
    db = database_for(config.data_dir)
    admin = accounts.add_account(db, config, NO_ACCOUNTS, "ada", "Admin^Ada",
                                 "administrator", PASSWORD)
    assert admin.roles == ("administrator",)
    yield config, db
    db.close()


def login(station, user="ada", password=PASSWORD) -> Identity:
    config, db = station
    return accounts.authenticate(db, config, user, password)


def audit(db) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [(e.user, e.action, e.detail)
                for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_no_plain_secret_in_the_database_file(station) -> None:
    config, db = station
    accounts.add_account(db, config, login(station), "anna", "Nurse^Anna", "radiographer",
                         "anna's secret 1", pin="48151")
    data = b"".join(p.read_bytes() for p in Path(config.data_dir).glob("vxacq.sqlite*"))
    for secret in (PASSWORD, "anna's secret 1", "48151"):
        assert secret.encode() not in data
    with db.session() as session:
        row = session.exec(select(UserAccount).where(UserAccount.user == "anna")).one()
    assert row.password_hash.startswith("$argon2id$") and row.pin_hash.startswith("$argon2id$")
    assert all(PASSWORD not in detail and "48151" not in detail for *_, detail in audit(db))


def test_login_by_password_or_pin_gives_the_accounts_identity(station) -> None:
    config, db = station
    accounts.add_account(db, config, login(station), "anna", "Nurse^Anna",
                         "radiographer service", "anna's secret 1", pin="48151")
    for secret in ("anna's secret 1", "48151"):
        identity = login(station, "anna", secret)
        assert identity == Identity("anna", "Nurse^Anna",
                                    frozenset({Role.RADIOGRAPHER, Role.SERVICE}), How.LOCAL)
    assert ("anna", "user login", "local") in audit(db)


def test_first_account_must_be_an_administrator(tmp_path: Path) -> None:
    config = Config(station=StationConfig(data_dir=str(tmp_path)))
    db = database_for(tmp_path)
    with pytest.raises(AccountError, match="first account must hold the administrator"):
        accounts.add_account(db, config, NO_ACCOUNTS, "anna", "Nurse^Anna", "radiographer",
                             PASSWORD)
    assert not accounts.accounts_exist(db)


def test_later_accounts_need_an_administrator(station) -> None:
    config, db = station
    ada = login(station)
    accounts.add_account(db, config, ada, "anna", "Nurse^Anna", "radiographer", PASSWORD)
    anna = login(station, "anna")
    for by in (anna, break_glass()):
        with pytest.raises(RoleError, match="administrator role"):
            accounts.add_account(db, config, by, "bob", "B^Bob", "service", PASSWORD)
        with pytest.raises(RoleError, match="administrator role"):
            accounts.set_disabled(db, by, "ada", True)
    # the own password is the exception: anyone may change theirs
    accounts.change_password(db, anna, "anna", "a new secret 2")
    assert login(station, "anna", "a new secret 2").user == "anna"
    with pytest.raises(RoleError):
        accounts.change_password(db, anna, "ada", "a new secret 2")


def test_bad_names_roles_and_passwords_are_refused_without_echoing_the_password(station) -> None:
    config, db = station
    ada = login(station)
    cases = [("bad name", "A^B", "radiographer", PASSWORD, "user name"),
             ("bob", "A\\B", "radiographer", PASSWORD, "display name"),
             ("bob", "A^B", "", PASSWORD, "at least one role"),
             ("bob", "A^B", "radiographer", "short1", "at least 8")]
    for user, name, roles, password, message in cases:
        with pytest.raises(AccountError, match=message) as info:
            accounts.add_account(db, config, ada, user, name, roles, password)
        assert password not in str(info.value)
    with pytest.raises(ValueError, match="unknown role 'nurse'"):
        parse_roles("nurse")
    with pytest.raises(AccountError, match="exists already"):
        accounts.add_account(db, config, ada, "ada", "A^B", "service", PASSWORD)


def test_wrong_name_and_wrong_password_read_the_same(station) -> None:
    config, db = station
    messages = set()
    for user, password in (("ada", "Tr0ub4dor&3"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError) as info:
            login(station, user, password)
        messages.add(str(info.value))
        assert password not in str(info.value)
    assert messages == {"unknown user name or wrong password"}
    assert [a[1:] for a in audit(db)[-2:]] == [("user login failed", "wrong password"),
                                               ("user login failed", "unknown user")]


def test_an_unknown_name_is_checked_against_a_hash_as_costly_as_an_accounts() -> None:
    """The hash an unknown name is compared with has the parameters a password is hashed
    with today, so that a wrong name takes as long as a wrong password (no user-name
    oracle); raising the parameters needs a new one."""
    from vxacq.security import passwords

    assert accounts._DUMMY_HASH.startswith("$argon2id$")
    assert not passwords.needs_rehash(accounts._DUMMY_HASH)
    assert passwords.verify(accounts._DUMMY_HASH, "not a password of anyone")


def test_lockout_after_n_failures_for_m_minutes(station, monkeypatch) -> None:
    config, db = station
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            login(station, "ada", "not it at all")
    assert ("ada", "user locked out", "3 failed logins; refused for 5 minutes") in audit(db)
    with pytest.raises(AuthenticationError, match="locked until"):
        login(station)  # the right password is refused while locked
    view = accounts.list_accounts(db)[0]
    assert view.locked_until is not None
    later = view.locked_until + timedelta(seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert login(station).user == "ada"


def test_a_good_login_resets_the_count(station) -> None:
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            login(station, "ada", "not it at all")
    login(station)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            login(station, "ada", "not it at all")
    assert login(station).user == "ada"


def test_disabled_account_cannot_log_in_and_enabling_clears_lockout(station) -> None:
    config, db = station
    ada = login(station)
    accounts.add_account(db, config, ada, "anna", "Nurse^Anna", "radiographer", PASSWORD)
    accounts.set_disabled(db, ada, "anna", True)
    with pytest.raises(AuthenticationError, match="account disabled"):
        login(station, "anna")
    accounts.set_disabled(db, ada, "anna", False)
    assert login(station, "anna").display_name == "Nurse^Anna"
    assert ("ada", "account changed", "anna: disabled") in audit(db)


def test_the_last_administrator_cannot_be_disabled_or_demoted(station) -> None:
    config, db = station
    ada = login(station)
    with pytest.raises(AccountError, match="last enabled administrator"):
        accounts.set_disabled(db, ada, "ada", True)
    with pytest.raises(AccountError, match="last enabled administrator"):
        accounts.change_roles(db, ada, "ada", "service")
    assert login(station).has(Role.ADMINISTRATOR)


def test_require_role_refuses_and_allows() -> None:
    service = Identity("sam", "Eng^Sam", frozenset({Role.SERVICE}), How.LOCAL)
    assert require_role(service, Role.SERVICE) is service
    with pytest.raises(RoleError, match="needs the radiographer role, which Eng\\^Sam"):
        require_role(service, Role.RADIOGRAPHER, "starting an exam")
    with pytest.raises(RoleError, match="log in first"):
        require_role(None, Role.RADIOGRAPHER)
    for role in Role:  # the station without accounts works as before accounts
        require_role(NO_ACCOUNTS, role)
    assert not break_glass().has(Role.SERVICE)


@pytest.fixture(scope="module")
def directory_server(tmp_path_factory: pytest.TempPathFactory):
    with slapd.running(tmp_path_factory.mktemp("slapd")) as running:
        yield running


def test_local_names_never_reach_the_directory(station, directory_server) -> None:
    """A local account is checked locally even with a directory (it works when the directory
    is down); other names go to the real directory, whose groups give the identity's roles."""
    config, db = station
    config.directory = DirectorySettings(
        url=directory_server.tls_url, tls_ca=str(directory_server.certificates.ca),
        bind_template=f"uid={{user}},ou=people,{slapd.SUFFIX}",
        roles={"radiographers": "radiographer", "service": "service"},
        connect_timeout=2.0, receive_timeout=2.0)
    assert login(station).how == How.LOCAL
    with pytest.raises(AuthenticationError):
        login(station, "ada", "alice-pw")  # a directory password never opens a local account
    alice = login(station, "alice", "alice-pw")
    assert alice.how == How.DIRECTORY and alice.roles == frozenset({Role.RADIOGRAPHER})
    with pytest.raises(AuthenticationError, match="directory login refused"):
        login(station, "alice", "nope")
    with pytest.raises(AuthenticationError, match="no group that maps to a role"):
        login(station, "carol", "carol-pw")  # a clerk: in the directory, not on the console
    assert ("alice", "user login", "directory") in audit(db)
    config.directory = dataclasses.replace(config.directory, url="ldaps://127.0.0.1:1")
    assert login(station).how == How.LOCAL  # the directory is down: local accounts still work

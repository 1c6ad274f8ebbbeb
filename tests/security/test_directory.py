"""Directory login against a real OpenLDAP slapd (tests/security/slapd.py), over ldaps:// and
StartTLS: roles from groups (memberOf and a group search), every failure with its own message,
filter injection, an unknown CA, a server that is down or silent."""

from __future__ import annotations

import dataclasses
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security import slapd
from vxacq.config import ConfigError, DirectorySettings, from_dict
from vxacq.security.directory import (
    DirectoryError, DirectoryUser, ad_reason, authenticate, roles_of,
)

EXAMPLE = Path(__file__).parents[2] / "vxacq" / "resources" / "vxacq.example.toml"
PEOPLE = f"ou=people,{slapd.SUFFIX}"
GROUPS = f"ou=groups,{slapd.SUFFIX}"
ROLES = {f"cn=radiographers,{GROUPS}": "radiographer", "Service": "service",
         "admins": "administrator"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[slapd.Slapd]:
    with slapd.running(tmp_path_factory.mktemp("slapd")) as running:
        yield running


def direct(server: slapd.Slapd, **changes: object) -> DirectorySettings:
    """ldaps://, the user bound by a DN template, groups from memberOf."""
    settings = DirectorySettings(url=server.tls_url, tls_ca=str(server.certificates.ca),
                                 bind_template=f"uid={{user}},{PEOPLE}", roles=dict(ROLES),
                                 connect_timeout=2.0, receive_timeout=2.0)
    return dataclasses.replace(settings, **changes)


def searched(server: slapd.Slapd, tmp_path: Path, **changes: object) -> DirectorySettings:
    """ldap:// with StartTLS, the user found by the service account, groups searched."""
    password_file = tmp_path / "bind-password"
    password_file.write_text(slapd.SERVICE_PASSWORD + "\n")
    password_file.chmod(0o640)  # the service manual's root:vxacq 0640
    settings = DirectorySettings(
        url=server.url, start_tls=True, tls_ca=str(server.certificates.ca),
        tls_verify_host=False,  # the server's certificate names localhost; the url 127.0.0.1
        bind_dn=slapd.SERVICE_DN, bind_password_file=str(password_file), user_base=PEOPLE,
        user_filter="(&(objectClass=inetOrgPerson)(uid={user}))", group_base=GROUPS,
        roles=dict(ROLES), connect_timeout=2.0, receive_timeout=2.0)
    return dataclasses.replace(settings, **changes)


def refused(settings: DirectorySettings, user: str, password: str) -> str:
    with pytest.raises(DirectoryError) as caught:
        authenticate(settings, user, password)
    return str(caught.value)


# --- logins that work -----------------------------------------------------------------------


def test_a_user_bound_by_template_gets_the_roles_of_their_groups(server: slapd.Slapd) -> None:
    assert authenticate(direct(server), "alice", "alice-pw") == DirectoryUser(
        "alice", "Alice Example", frozenset({"radiographer"}))
    bob = authenticate(direct(server), "bob", "bob-pw")
    assert bob.roles == {"service", "administrator"}  # two groups, one by DN and one by CN


def test_a_user_found_by_the_service_account_over_starttls_gets_roles_from_a_group_search(
        server: slapd.Slapd, tmp_path: Path) -> None:
    bob = authenticate(searched(server, tmp_path), "bob", "bob-pw")
    assert (bob.display_name, bob.roles) == ("Bob Service", {"service", "administrator"})


def test_roles_compare_dns_as_dns_and_cns_without_case() -> None:
    groups = ["CN=Radiographers, OU=Groups,DC=example,DC=org", "cn=SERVICE,ou=groups,dc=x"]
    assert roles_of(groups, ROLES) == {"radiographer", "service"}
    assert roles_of(["cn=radiographers,ou=other,dc=example,dc=org"], ROLES) == frozenset()


# --- logins that are refused, each saying why ------------------------------------------------


def test_a_wrong_password_is_refused(server: slapd.Slapd, tmp_path: Path) -> None:
    assert "wrong password" in refused(direct(server), "alice", "bob-pw")
    assert "wrong password" in refused(searched(server, tmp_path), "alice", "Alice-pw")


def test_an_unknown_user_is_not_found(server: slapd.Slapd, tmp_path: Path) -> None:
    assert "user 'mallory' not found" in refused(searched(server, tmp_path), "mallory", "x")
    # Bound by template, the directory cannot tell an unknown DN from a wrong password.
    assert "unknown user" in refused(direct(server), "mallory", "x")


def test_a_user_in_no_mapped_group_is_refused_naming_their_groups(server: slapd.Slapd) -> None:
    message = refused(direct(server), "carol", "carol-pw")
    assert "in no group that maps to a role" in message and "clerks" in message


def test_active_directorys_reasons_for_a_refused_bind_are_named() -> None:
    # What AD returns with resultCode 49 (no AD here: its message text, as documented).
    locked = ("80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, "
              "data 775, v3839")
    assert ad_reason(locked) == "the directory account is locked (too many wrong passwords)"
    assert "disabled" in str(ad_reason("... data 533, v4563"))
    assert ad_reason("Invalid credentials") is None  # OpenLDAP: the generic message


def test_an_empty_password_is_refused_before_the_directory_is_asked(server: slapd.Slapd) -> None:
    # An empty password would be an unauthenticated bind, which slapd accepts as "success";
    # the url leads nowhere, so reaching the server would give another message.
    nowhere = DirectorySettings(url="ldaps://127.0.0.1:9", bind_template="uid={user},o=x",
                                roles=dict(ROLES))
    assert "no password given" in refused(nowhere, "alice", "")
    assert "no user name given" in refused(nowhere, " ", "pw")
    assert "no password given" in refused(direct(server), "alice", "")


def test_a_wrong_service_password_is_named_as_such(server: slapd.Slapd, tmp_path: Path) -> None:
    settings = searched(server, tmp_path)
    Path(settings.bind_password_file).write_text("not-it\n")
    assert "service account" in refused(settings, "alice", "alice-pw")


def test_a_service_password_file_every_user_can_read_is_refused(server: slapd.Slapd,
                                                               tmp_path: Path) -> None:
    settings = searched(server, tmp_path)
    Path(settings.bind_password_file).chmod(0o644)
    assert refused(settings, "alice", "alice-pw") == (
        f"bind_password_file '{settings.bind_password_file}' is readable by every user; "
        "chmod 600 (or 640 for the vxacq group) it")
    Path(settings.bind_password_file).chmod(0o640)
    Path(settings.bind_password_file).write_text("\n")
    assert refused(settings, "alice", "alice-pw") == (
        f"bind_password_file '{settings.bind_password_file}' is empty")


def test_a_bad_service_password_file_is_refused_before_connecting(tmp_path: Path) -> None:
    with socket.socket() as listener:  # a directory that notes whether anyone connected
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        for mode, words in ((0o644, "is readable by every user"), (0o600, "cannot be read")):
            password_file = tmp_path / "bind-password"
            password_file.write_text("secret\n")
            password_file.chmod(mode)
            if mode == 0o600:
                password_file.unlink()
            settings = DirectorySettings(
                url=f"ldap://127.0.0.1:{port}", bind_dn="cn=svc,o=x", user_base="o=x",
                bind_password_file=str(password_file), roles=dict(ROLES),
                connect_timeout=1.0, receive_timeout=1.0)
            assert words in refused(settings, "alice", "alice-pw")
        with pytest.raises(BlockingIOError):  # nobody connected
            listener.accept()


@pytest.mark.parametrize("user", ["al*", "*)(uid=*", "*", "alice)(|(uid=*"])
def test_filter_metacharacters_in_the_user_name_match_nobody(server: slapd.Slapd, tmp_path: Path,
                                                             user: str) -> None:
    # Unescaped, "al*" would find alice's entry and her password would log "al*" in.
    assert "not found" in refused(searched(server, tmp_path), user, "alice-pw")


def test_a_user_name_that_is_a_dn_fragment_binds_nobody(server: slapd.Slapd) -> None:
    message = refused(direct(server), f"alice,{PEOPLE}", "alice-pw")
    assert "wrong password" in message


# --- the server and TLS ---------------------------------------------------------------------


def test_a_server_certificate_from_an_unknown_ca_is_refused(server: slapd.Slapd,
                                                            tmp_path: Path) -> None:
    stranger = str(server.certificates.stranger_ca)
    for settings in (direct(server, tls_ca=stranger), searched(server, tmp_path, tls_ca=stranger)):
        message = refused(settings, "alice", "alice-pw")
        assert message.startswith("TLS failure") and "CA we do not trust" in message


def test_starttls_on_the_ldaps_port_is_a_tls_failure(server: slapd.Slapd) -> None:
    settings = direct(server, url=f"ldaps://127.0.0.1:{server.port}", tls_verify_host=False)
    assert "TLS" in refused(settings, "alice", "alice-pw")


def test_a_server_that_is_down_is_named_unreachable_within_the_timeout() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # nobody listens once it is closed
    settings = DirectorySettings(url=f"ldaps://127.0.0.1:{port}", bind_template="uid={user},o=x",
                                 roles=dict(ROLES), connect_timeout=1.0)
    started = time.monotonic()
    message = refused(settings, "alice", "alice-pw")
    assert time.monotonic() - started < 2.0
    assert f"cannot reach the directory 127.0.0.1:{port}" in message
    assert "connection refused" in message


def test_a_server_that_never_answers_is_given_up_after_receive_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        for url, start_tls in ((f"ldaps://127.0.0.1:{port}", False),
                               (f"ldap://127.0.0.1:{port}", True)):
            settings = DirectorySettings(url=url, start_tls=start_tls,
                                         bind_template="uid={user},o=x", roles=dict(ROLES),
                                         connect_timeout=1.0, receive_timeout=1.0)
            started = time.monotonic()
            message = refused(settings, "alice", "alice-pw")
            assert time.monotonic() - started < 3.0
            assert "did not answer within 1 s" in message


# --- the [directory] section ----------------------------------------------------------------


def test_the_example_configurations_directory_section_loads(server: slapd.Slapd) -> None:
    import tomllib

    text = EXAMPLE.read_text()
    block = text[text.index("# [directory]"):]
    uncommented = re.sub(r"^# ?", "", block, flags=re.MULTILINE)
    uncommented = uncommented.replace("/etc/vxacq/tls/directory-ca.pem", str(server.certificates.ca))
    config = from_dict(tomllib.loads(uncommented))
    assert config.directory is not None
    assert config.directory.url.startswith("ldaps://")
    assert set(config.directory.roles.values()) == {"radiographer", "service", "administrator"}
    assert from_dict({}).directory is None


@pytest.mark.parametrize(("changes", "named"), [
    ({"url": "ldap://dir.example:389"}, "clear text"),
    ({"url": "http://dir.example"}, "must be ldaps://host"),
    ({"start_tls": True}, "start_tls is for ldap://"),
    ({"bind_dn": "cn=svc,o=x"}, "either bind_template"),
    ({"bind_template": ""}, "either bind_template"),
    ({"bind_template": "{user}@corp.example"}, "user_base is needed"),
    ({"bind_template": "", "bind_dn": "cn=svc,o=x", "user_base": "o=x"}, "bind_password_file"),
    ({"user_filter": "uid={user}"}, "user_filter"),
    ({"roles": {}}, "roles is empty"),
    ({"roles": {"admins": "root"}}, "not one of radiographer, service, administrator"),
    ({"receive_timeout": 0}, "receive_timeout"),
    ({"connect_timeout": 600}, "at most 60"),
    ({"tls_ca": "/nonexistent/ca.pem"}, "tls_ca '/nonexistent/ca.pem' is not a file"),
])
def test_bad_directory_settings_are_named(changes: dict[str, object], named: str) -> None:
    raw: dict[str, object] = {"url": "ldaps://dir.example", "bind_template": "uid={user},o=x",
                              "roles": {"admins": "administrator"}}
    raw.update(changes)
    with pytest.raises(ConfigError, match=re.escape(named)):
        from_dict({"directory": raw})


def test_a_service_password_file_is_checked_when_the_configuration_is_loaded(
        tmp_path: Path) -> None:
    path = tmp_path / "directory.pw"
    raw = {"url": "ldaps://dir.example", "bind_dn": "cn=svc,o=x", "user_base": "o=x",
           "bind_password_file": str(path), "roles": {"admins": "administrator"}}
    with pytest.raises(ConfigError, match=re.escape(f"bind_password_file '{path}' cannot be "
                                                    "read (No such file")):
        from_dict({"directory": raw})
    path.write_text("pw\n")
    path.chmod(0o644)
    with pytest.raises(ConfigError, match=re.escape(f"bind_password_file '{path}' is readable "
                                                    "by every user")):
        from_dict({"directory": raw})
    path.chmod(0o640)  # root:vxacq, as the service manual installs it
    assert from_dict({"directory": raw}).directory.bind_password_file == str(path)


def test_the_service_password_is_never_in_the_configuration() -> None:
    with pytest.raises(ConfigError, match="unknown field 'bind_password'"):
        from_dict({"directory": {"url": "ldaps://dir.example", "bind_template": "uid={user},o=x",
                                 "bind_password": "secret", "roles": {"a": "service"}}})

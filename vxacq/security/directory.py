"""Directory login: a user name and password checked by an LDAP server or Active Directory
(``[directory]`` in the configuration), the user's groups mapped to the console's roles.

Always over TLS (ldaps:// or StartTLS; the context comes from :mod:`vxacq.security.tls`), every
wait bounded by ``connect_timeout`` and ``receive_timeout``. What the user typed is escaped
before it goes into a filter (RFC 4515) or a DN (RFC 4514), so a name like ``*)(uid=*`` matches
nobody. Every failure is a :class:`DirectoryError` whose message says which one it was.
"""

from __future__ import annotations

import math
import re
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import ldap3
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn, parse_dn

from vxacq.security import tls
from vxacq.security.secrets import SecretError, read_secret

if TYPE_CHECKING:
    from vxacq.config import DirectorySettings

INVALID_CREDENTIALS = 49  # LDAP resultCode (RFC 4511 4.1.9)
# Active Directory says why in the message of resultCode 49: "... data 775, ...".
AD_REASONS = {
    "525": "user not found in the directory",
    "52e": "wrong password for the directory",
    "530": "the directory does not allow this account to log in at this time",
    "531": "the directory does not allow this account to log in at this workstation",
    "532": "the directory password has expired; change it at a hospital PC first",
    "533": "the directory account is disabled",
    "701": "the directory account has expired",
    "773": "the directory password must be changed; change it at a hospital PC first",
    "775": "the directory account is locked (too many wrong passwords)",
}
MAX_USER_LENGTH = 256
MAX_DISPLAY_NAME = 64  # one component group of a DICOM PN (Operators' Name)


class DirectoryError(Exception):
    """A directory login failed; the message says why (server, TLS, credentials, user, groups)."""


@dataclass(frozen=True)
class DirectoryUser:
    user: str
    display_name: str
    roles: frozenset[str]


def authenticate(settings: DirectorySettings, user: str, password: str) -> DirectoryUser:
    """Check ``user``/``password`` against the directory and map the user's groups to roles.

    With ``bind_dn`` the service account finds the user's entry and groups, then the user's own
    bind checks the password; with ``bind_template`` the user binds directly and reads their
    own entry. DirectoryError when any step fails."""
    if not user.strip():
        raise DirectoryError("no user name given")
    if not password:
        # An empty password is an unauthenticated bind (RFC 4513 5.1.2) that many servers accept.
        raise DirectoryError("no password given; an empty password is never sent to the "
                             "directory")
    if len(user) > MAX_USER_LENGTH or not user.isprintable() or not password.isprintable():
        raise DirectoryError("the user name or password contains control characters or is "
                             "too long")
    # read and checked before connecting: a bad file is refused without a word to the server
    service_password = _service_password(settings) if settings.bind_dn else ""
    with _Session(settings) as session:
        if settings.bind_dn:
            session.bind(settings.bind_dn, service_password, service=True)
            dn, attributes = session.find_user(user)
            groups = session.groups(dn, attributes, user)
            session.bind(dn, password, service=False)
        else:
            session.bind(_bind_name(settings.bind_template, user), password, service=False)
            if "=" in settings.bind_template:
                dn, attributes = session.read_entry(_bind_name(settings.bind_template, user))
            else:
                dn, attributes = session.find_user(user)
            groups = session.groups(dn, attributes, user)
    roles = roles_of(groups, settings.roles)
    if not roles:
        mapped = ", ".join(sorted(settings.roles))
        raise DirectoryError(f"user '{user}' is in no group that maps to a role (member of: "
                             f"{', '.join(_cn(g) or g for g in groups) or 'no groups'}; "
                             f"[directory.roles] maps: {mapped})")
    return DirectoryUser(user=user, display_name=_display_name(attributes, settings, user),
                         roles=roles)


def ad_reason(message: str) -> str | None:
    """Active Directory's reason for a refused bind (its "data" code), or None."""
    match = re.search(r"\bdata ([0-9a-fA-F]{3})\b", message)
    return AD_REASONS.get(match.group(1).lower()) if match else None


def roles_of(groups: list[str], mapping: dict[str, str]) -> frozenset[str]:
    """The roles ``mapping`` (group DN or CN -> role) gives to members of ``groups`` (DNs);
    DNs compare as DNs (case and spacing ignored), CNs case-insensitively."""
    dns = {_dn_key(g) for g in groups}
    cns = {cn.casefold() for g in groups if (cn := _cn(g))}
    return frozenset(role for group, role in mapping.items()
                     if (_dn_key(group) in dns if "=" in group else group.casefold() in cns))


# --- the connection -------------------------------------------------------------------------


class _ContextTls(ldap3.Tls):
    """ldap3's TLS hook, wrapping sockets in our own SSLContext; keeps the ssl failure so the
    message can say what it was (ldap3 turns it into text)."""

    def __init__(self, context: ssl.SSLContext, hostname: str) -> None:
        super().__init__()
        self.context = context
        self.hostname = hostname
        self.failure: BaseException | None = None

    def wrap_socket(self, connection: Any, do_handshake: bool = False) -> None:
        try:
            connection.socket = self.context.wrap_socket(
                connection.socket, server_side=False, do_handshake_on_connect=do_handshake,
                server_hostname=self.hostname)
        except (ssl.SSLError, OSError) as exc:
            self.failure = exc
            raise


class _Session:
    def __init__(self, settings: DirectorySettings) -> None:
        self.settings = settings
        url = urlsplit(settings.url)
        self.host = url.hostname or ""
        self.port = url.port or (636 if url.scheme == "ldaps" else 389)
        self.where = f"{self.host}:{self.port}"
        self.tls = _ContextTls(tls.directory_context(settings), self.host)
        server = ldap3.Server(self.host, port=self.port, use_ssl=url.scheme == "ldaps",
                              tls=self.tls, get_info=ldap3.NONE,
                              connect_timeout=settings.connect_timeout)
        self.connection = ldap3.Connection(
            server, authentication=ldap3.SIMPLE, read_only=True, auto_referrals=False,
            # ldap3 packs it into SO_RCVTIMEO as whole seconds
            receive_timeout=math.ceil(settings.receive_timeout), raise_exceptions=False)

    def __enter__(self) -> _Session:
        self._talk(self.connection.open)
        if self.settings.start_tls:
            self._talk(self.connection.start_tls)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.connection.unbind()
        except (ldap_errors.LDAPException, OSError):
            pass  # the server went away: nothing to tell it

    def bind(self, name: str, password: str, *, service: bool) -> None:
        conn = self.connection
        conn.user, conn.password = name, password
        if self._talk(conn.bind):
            return
        code, text = conn.result.get("result"), conn.result.get("message") or \
            conn.result.get("description")
        if code == INVALID_CREDENTIALS and service:
            raise DirectoryError(f"the directory refused the service account bind_dn '{name}'; "
                                 "check bind_dn and bind_password_file")
        if code == INVALID_CREDENTIALS:
            raise DirectoryError(ad_reason(str(text or ""))
                                 or "wrong password (or unknown user) for the directory")
        raise DirectoryError(f"the directory {self.where} refused the bind as '{name}' "
                             f"({text or code})")

    def find_user(self, user: str) -> tuple[str, dict[str, Any]]:
        query = self.settings.user_filter.replace("{user}", escape_filter_chars(user))
        entries = self._search(self.settings.user_base, query, ldap3.SUBTREE, size_limit=2)
        if not entries:
            raise DirectoryError(f"user '{user}' not found in the directory (user_filter "
                                 f"{self.settings.user_filter} under {self.settings.user_base})")
        if len(entries) > 1:
            raise DirectoryError(f"user '{user}' is ambiguous: user_filter matches more than "
                                 "one entry; make it match one")
        return entries[0]

    def read_entry(self, dn: str) -> tuple[str, dict[str, Any]]:
        entries = self._search(dn, "(objectClass=*)", ldap3.BASE, size_limit=1)
        if not entries:
            raise DirectoryError(f"the directory has no readable entry '{dn}' for the user")
        return entries[0]

    def groups(self, dn: str, attributes: dict[str, Any], user: str) -> list[str]:
        """DNs of the groups the user belongs to."""
        s = self.settings
        if not s.group_base:
            return [str(v) for v in _values(attributes, s.member_of_attribute)]
        query = s.group_filter.replace("{dn}", escape_filter_chars(dn)) \
            .replace("{user}", escape_filter_chars(user))
        return [group_dn for group_dn, _ in self._search(s.group_base, query, ldap3.SUBTREE,
                                                         attributes=["cn"])]

    def _search(self, base: str, query: str, scope: str, *, size_limit: int = 0,
                attributes: list[str] | None = None) -> list[tuple[str, dict[str, Any]]]:
        s = self.settings
        wanted = attributes or [s.display_name_attribute, "cn", s.member_of_attribute]
        conn = self.connection
        self._talk(lambda: conn.search(base, query, search_scope=scope, attributes=wanted,
                                       size_limit=size_limit,
                                       time_limit=max(1, int(s.receive_timeout))))
        result = conn.result.get("result")
        if result not in (0, 4, 32):  # success, sizeLimitExceeded (ambiguous), noSuchObject
            raise DirectoryError(f"the directory {self.where} refused the search under "
                                 f"'{base}' ({conn.result.get('description')}: "
                                 f"{conn.result.get('message')})")
        return [(entry["dn"], dict(entry.get("attributes", {})))
                for entry in conn.response or () if entry.get("type") == "searchResEntry"]

    def _talk(self, operation: Any) -> Any:
        """Run one ldap3 operation, turning its exceptions into a DirectoryError that says
        whether the server was unreachable, silent, or failed the TLS handshake."""
        try:
            return operation()
        except ldap_errors.LDAPStartTLSError as exc:
            raise DirectoryError(self._tls_words() or f"the directory {self.where} refused "
                                 f"StartTLS ({exc}); check start_tls and the url") from None
        except (ldap_errors.LDAPSocketOpenError, ldap_errors.LDAPSocketReceiveError,
                ldap_errors.LDAPSocketSendError, ldap_errors.LDAPSessionTerminatedByServerError,
                ldap_errors.LDAPCommunicationError, OSError) as exc:
            if self._timed_out(exc):
                raise DirectoryError(
                    f"the directory {self.where} did not answer within "
                    f"{self.settings.receive_timeout:g} s (receive_timeout)") from None
            if words := self._tls_words():
                raise DirectoryError(words) from None
            raise DirectoryError(f"cannot reach the directory {self.where} ({_reason(exc)}); "
                                 "check the url and that the server is running") from None

    def _timed_out(self, exc: BaseException) -> bool:
        return isinstance(self.tls.failure, TimeoutError) or isinstance(exc, TimeoutError) \
            or "timed out" in str(exc)

    def _tls_words(self) -> str | None:
        failure = self.tls.failure
        if failure is None:
            return None
        words = tls.explain(failure, have_cert=False, owner="[directory]")
        if isinstance(failure, ssl.SSLError) and not isinstance(failure,
                                                                ssl.SSLCertVerificationError):
            words = (f"the TLS handshake failed ({failure.reason or failure}): is the port a "
                     "TLS port (ldaps://, usually 636), or does the server need start_tls?")
        return f"TLS failure with the directory {self.where}: {words or _reason(failure)}"


# --- values ---------------------------------------------------------------------------------


def _bind_name(template: str, user: str) -> str:
    """The name to bind as; a DN template gets the user name escaped as an RDN value."""
    return template.replace("{user}", escape_rdn(user) if "=" in template else user)


def _service_password(settings: DirectorySettings) -> str:
    """The service account's password; the file may be readable by the vxacq group (the
    service manual's root:vxacq 0640), not by every user."""
    try:
        return read_secret(settings.bind_password_file, field="bind_password_file",
                           group_may_read=True)
    except SecretError as exc:
        raise DirectoryError(str(exc)) from None


def _values(attributes: dict[str, Any], name: str) -> list[Any]:
    for key, value in attributes.items():
        if key.casefold() == name.casefold():
            return list(value) if isinstance(value, (list, tuple)) else [value]
    return []


def _display_name(attributes: dict[str, Any], settings: DirectorySettings, user: str) -> str:
    """The directory's name for the user, control characters removed (it is shown and may be
    written into images); the user name when the entry has none."""
    for name in (settings.display_name_attribute, "cn"):
        for value in _values(attributes, name):
            text = "".join(ch for ch in str(value) if ch.isprintable()).strip()
            if text:
                return text[:MAX_DISPLAY_NAME]
    return user


def _dn_key(dn: str) -> str:
    try:
        return ",".join(f"{attr.strip().casefold()}={value.strip().casefold()}"
                        for attr, value, _ in parse_dn(dn, strip=True))
    except ldap_errors.LDAPInvalidDnError:
        return dn.strip().casefold()


def _cn(dn: str) -> str | None:
    try:
        attr, value, _ = parse_dn(dn, strip=True)[0]
    except (ldap_errors.LDAPInvalidDnError, IndexError):
        return None
    return value.strip() if attr.strip().casefold() == "cn" else None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError) or "refused" in str(exc).lower():
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__

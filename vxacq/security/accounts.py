"""Local accounts in the exam database, and the login (:func:`authenticate`).

A station with no account works as it always did ("no accounts configured": every role, the
operator's name typed in the window). The first account made must be an administrator (the
bootstrap); from then on changing accounts needs the administrator role, and the console asks
who is working.

Login order: a name that exists as a local account is checked here and only here, so local
service and administrator accounts work while the directory is down, and a directory password
never opens a local account. Other names go to the directory when ``[directory]`` is enabled
(vxacq.security.directory, imported only then). A local account is refused for
``[security] lockout_minutes`` after ``max_failed_logins`` failures in a row; the directory
keeps its own lockout policy.

Passwords and PINs are hashed (vxacq.security.passwords); no message, log line or audit
detail holds one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from vxacq.config import Config, DirectorySettings
from vxacq.db import Database
from vxacq.db.models import UserAccount, aware, utcnow
from vxacq.dicom.charset import person_name_problem
from vxacq.security import audit, passwords
from vxacq.security.roles import (
    How, Identity, Role, RoleError, parse_roles, require_role, role_text,
)

log = logging.getLogger(__name__)

_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
# Compared against when the name is unknown, so a wrong name costs the time a wrong password
# does. A hash made once with the current parameters (tests/security/test_accounts.py checks
# they still are), not at import: a hash costs 20-30 ms of CPU here, which every start-up paid.
_DUMMY_HASH = ("$argon2id$v=19$m=19456,t=2,p=1$lmgG7Mq5py4JikzCRuKa5A$"
               "gd9iCDsBbc2oaxfy/kUJ5mMyBVX8U/F0BDzzTWFPoDk")


class AccountError(ValueError):
    """An account cannot be made or changed as asked; the message says why."""


class AuthenticationError(PermissionError):
    """A login refused; the message is for the person at the console (it does not say
    whether the name or the password was wrong)."""


@dataclass(frozen=True)
class AccountView:
    user: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    has_pin: bool
    locked_until: datetime | None
    created: datetime
    changed: datetime
    last_login: datetime | None

    def as_dict(self) -> dict:
        return {"user": self.user, "display_name": self.display_name, "roles": list(self.roles),
                "disabled": self.disabled, "has_pin": self.has_pin,
                "locked_until": self.locked_until, "created": self.created,
                "changed": self.changed, "last_login": self.last_login}


def _view(row: UserAccount) -> AccountView:
    return AccountView(row.user, row.display_name, tuple(role_text(_roles(row)).split()),
                       row.disabled, bool(row.pin_hash), aware(row.locked_until),
                       aware(row.created), aware(row.changed), aware(row.last_login))


def _roles(row: UserAccount) -> frozenset[Role]:
    return frozenset(Role(r) for r in row.roles.split() if r in Role.__members__.values())


def accounts_exist(db: Database) -> bool:
    with db.session() as session:
        return session.exec(select(UserAccount.id).limit(1)).first() is not None


def list_accounts(db: Database) -> list[AccountView]:
    with db.session() as session:
        return [_view(r) for r in session.exec(select(UserAccount).order_by(UserAccount.user))]


def add_account(db: Database, config: Config, by: Identity, user: str, display_name: str,
                roles: frozenset[Role] | str, password: str, *, pin: str = "") -> AccountView:
    """Make an account. The first one on a station must hold the administrator role; later
    ones need ``by`` to be an administrator."""
    roles = parse_roles(roles) if isinstance(roles, str) else frozenset(roles)
    if not _USER_NAME.fullmatch(user):
        raise AccountError(f"user name '{user}' must be 1-64 letters, digits, '.', '_', '@' "
                           "or '-', starting with a letter or digit")
    if not roles:
        raise AccountError(f"an account needs at least one role "
                           f"({', '.join(r.value for r in Role)})")
    if problem := person_name_problem(display_name, config.station.character_set):
        raise AccountError(f"display name '{display_name}' cannot be the Operators' Name "
                           f"(Family^Given): {problem}")
    if not display_name.strip():
        raise AccountError("a display name is needed (Family^Given): it is the Operators' "
                           "Name in the images")
    _check_secrets(password, pin)
    with db.session() as session:
        first = session.exec(select(UserAccount.id).limit(1)).first() is None
        if first and Role.ADMINISTRATOR not in roles:
            raise AccountError("the first account must hold the administrator role, or no one "
                               "could manage the accounts afterwards")
        if not first:
            require_role(by, Role.ADMINISTRATOR, "adding an account")
        if session.exec(select(UserAccount).where(UserAccount.user == user)).first():
            raise AccountError(f"an account named '{user}' exists already")
        row = UserAccount(user=user, display_name=display_name.strip(), roles=role_text(roles),
                          password_hash=passwords.hash_secret(password),
                          pin_hash=passwords.hash_secret(pin) if pin else "")
        session.add(row)
        audit.record(session, "account changed", user=by.audit_user or user,
                     detail=f"added {user} ({role_text(roles)})"
                     + (" as the first administrator" if first else ""))
        session.flush()
        return _view(row)


def change_password(db: Database, by: Identity, user: str, password: str) -> None:
    """A new password: by an administrator, or by the account's own user."""
    _check_secrets(password, "")
    _change(db, by, user, "password changed", own=True,
            password_hash=passwords.hash_secret(password), failed_logins=0, locked_until=None)


def change_pin(db: Database, by: Identity, user: str, pin: str) -> None:
    """A new PIN ("" removes it): by an administrator, or by the account's own user."""
    if pin:
        _check_secrets("", pin)
    _change(db, by, user, "PIN changed" if pin else "PIN removed", own=True,
            pin_hash=passwords.hash_secret(pin) if pin else "")


def change_roles(db: Database, by: Identity, user: str, roles: frozenset[Role] | str) -> None:
    roles = parse_roles(roles) if isinstance(roles, str) else frozenset(roles)
    if not roles:
        raise AccountError("an account needs at least one role")
    _change(db, by, user, f"roles set to {role_text(roles)}", roles=role_text(roles))


def set_disabled(db: Database, by: Identity, user: str, disabled: bool) -> None:
    """Disable an account (it can no longer log in) or enable it again (its lockout cleared)."""
    if disabled:
        _change(db, by, user, "disabled", disabled=True)
    else:
        _change(db, by, user, "enabled", disabled=False, failed_logins=0, locked_until=None)


def _change(db: Database, by: Identity, user: str, what: str, *, own: bool = False,
            **values) -> None:
    if not (own and by.user == user and by.how == How.LOCAL):
        require_role(by, Role.ADMINISTRATOR, "changing an account")
    with db.session() as session:
        row = session.exec(select(UserAccount).where(UserAccount.user == user)).first()
        if row is None:
            raise AccountError(f"no account named '{user}'")
        for key, value in values.items():
            setattr(row, key, value)
        row.changed = utcnow()
        session.add(row)
        session.flush()
        admins = [r for r in session.exec(select(UserAccount))
                  if not r.disabled and Role.ADMINISTRATOR in _roles(r)]
        if not admins:
            session.rollback()
            raise AccountError(f"'{user}' is the last enabled administrator: make another "
                               "administrator first")
        audit.record(session, "account changed", user=by.audit_user, detail=f"{user}: {what}")


def _check_secrets(password: str, pin: str) -> None:
    if password and (problem := passwords.password_problem(password)):
        raise AccountError(problem)
    if not password and not pin:
        raise AccountError("a password is needed")
    if pin and (problem := passwords.pin_problem(pin)):
        raise AccountError(problem)


def authenticate(db: Database, config: Config, user: str, password: str) -> Identity:
    """Who logs in with ``user`` and ``password`` (or the account's PIN); AuthenticationError
    saying why not. Every attempt is audited ("user login", "user login failed",
    "user locked out")."""
    user = user.strip()
    now = utcnow()
    policy = config.security
    with db.session() as session:
        row = session.exec(select(UserAccount).where(UserAccount.user == user)).first()
        if row is not None:
            identity, refusal, locked = _check_local(row, password, now, policy)
            session.add(row)
            if identity:
                audit.record(session, "user login", user=user, detail=How.LOCAL.value)
                return identity
            audit.record(session, "user login failed", user=user, detail=refusal)
            log.info("login of %r refused: %s", user, refusal)
            if locked:
                log.warning("account %r locked after %d failed logins", user,
                            policy.max_failed_logins)
                audit.record(session, "user locked out", user=user,
                             detail=f"{policy.max_failed_logins} failed logins; refused for "
                                    f"{policy.lockout_minutes:g} minutes")
    if row is not None:
        raise AuthenticationError(_told(refusal))
    if config.directory is not None:  # a [directory] section: names not known here go there
        return _directory_login(db, config, config.directory, user, password)
    passwords.verify(_DUMMY_HASH, password)
    audit.record(db, "user login failed", user=user, detail="unknown user")
    raise AuthenticationError(_told("unknown user"))


def _check_local(row: UserAccount, secret: str, now: datetime,
                 policy) -> tuple[Identity | None, str, bool]:
    """(identity, "") on success, else (None, reason, whether this failure locked it)."""
    if row.disabled:
        return None, "account disabled", False
    locked_until = aware(row.locked_until)
    if locked_until and locked_until > now:
        return None, f"account locked until {locked_until:%H:%M} UTC", False
    if locked_until:  # the lockout is over: a fresh count
        row.locked_until, row.failed_logins = None, 0
    good = passwords.verify(row.password_hash, secret) or (
        bool(row.pin_hash) and passwords.verify(row.pin_hash, secret))
    if not good:
        row.failed_logins += 1
        if row.failed_logins >= policy.max_failed_logins:
            row.locked_until = now + timedelta(minutes=policy.lockout_minutes)
            row.failed_logins = 0
            return None, "wrong password; account locked", True
        return None, "wrong password", False
    row.failed_logins, row.last_login = 0, now
    if passwords.needs_rehash(row.password_hash) and passwords.verify(row.password_hash, secret):
        row.password_hash = passwords.hash_secret(secret)
    return Identity(row.user, row.display_name, _roles(row), How.LOCAL), "", False


def _told(reason: str) -> str:
    """What the login screen says: a wrong name and a wrong password read the same."""
    if reason in ("unknown user", "wrong password"):
        return "unknown user name or wrong password"
    if reason.startswith("wrong password; account locked"):
        return "too many failed logins: the account is locked for a while"
    return reason


def _directory_login(db: Database, config: Config, directory_config: DirectorySettings,
                     user: str, password: str) -> Identity:
    from vxacq.security import directory

    try:
        found = directory.authenticate(directory_config, user, password)
    except directory.DirectoryError as exc:
        audit.record(db, "user login failed", user=user, detail=f"directory: {exc}")
        raise AuthenticationError(f"directory login refused: {exc}") from None
    roles = frozenset(Role(r) for r in found.roles if r in Role.__members__.values())
    if not roles:
        audit.record(db, "user login failed", user=found.user, detail="directory: no role")
        raise AuthenticationError("the directory gives this user no role on the console")
    name = found.display_name
    if person_name_problem(name, config.station.character_set) or not name.strip():
        name = found.user  # the Operators' Name must be writable; the login name always is
    audit.record(db, "user login", user=found.user, detail=How.DIRECTORY.value)
    return Identity(found.user, name, roles, How.DIRECTORY)


def logout(db: Database, identity: Identity) -> None:
    audit.record(db, "user logout", user=identity.audit_user, detail=identity.how.value)


def record_break_glass(db: Database, identity: Identity, *, study_id: int | None = None,
                       detail: str = "") -> None:
    """An emergency exam started without a login: the audit trail's "break glass", tied to
    the exam when ``study_id`` is known (that event is the exam's break-glass flag)."""
    audit.record(db, "break glass", user=identity.display_name,
                 detail=detail or "emergency exam started without a login", study_id=study_id)


def break_glass_studies(db: Database) -> set[int]:
    """The exams started under break glass."""
    from vxacq.db.models import AuditEvent

    with db.session() as session:
        return {sid for sid in session.exec(select(AuditEvent.study_id).where(
            AuditEvent.action == "break glass", AuditEvent.study_id.is_not(None)))}


__all__ = ["AccountError", "AccountView", "AuthenticationError", "RoleError", "accounts_exist",
           "add_account", "authenticate", "break_glass_studies", "change_password", "change_pin",
           "change_roles", "list_accounts", "logout", "record_break_glass", "set_disabled"]

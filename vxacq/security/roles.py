"""Who is at the console and what they may do: the roles, the identity of a login, and the one
function every page and command calls before work that needs a role (ARCHITECTURE rule 11).

Roles do not imply one another. A radiographer does clinical work (exams, images, the
worklist); service configures the station, its DICOM nodes, calibrates the detector and
injects simulator faults; an administrator manages the accounts. This is what commercial DR
consoles do: the service login is a separate mode for the vendor's or the hospital's
engineer, who is not a registered radiographer and does not expose patients, and the person
managing accounts (hospital IT, a lead radiographer) is not by that alone a service engineer.
An account that needs more holds several roles (``radiographer administrator``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    RADIOGRAPHER = "radiographer"
    SERVICE = "service"
    ADMINISTRATOR = "administrator"


class How(StrEnum):
    """How an identity came to be: the audit trail's "user login" detail."""

    LOCAL = "local"
    DIRECTORY = "directory"
    BREAK_GLASS = "break-glass"
    # No account exists on this station: it works as it did before accounts (every role).
    NO_ACCOUNTS = "no accounts configured"


BREAK_GLASS_NAME = "EMERGENCY^BREAK GLASS"


class RoleError(PermissionError):
    """The identity lacks the role the work needs; the message says which and what to do."""


@dataclass(frozen=True)
class Identity:
    user: str  # login name ("" for break glass and the no-accounts mode)
    display_name: str  # a DICOM PN: the Operators' Name and the audit user
    roles: frozenset[Role]
    how: How

    @property
    def audit_user(self) -> str:
        """The name audit events carry: the login name, else the display name."""
        return self.user or self.display_name

    def has(self, role: Role) -> bool:
        return role in self.roles


NO_ACCOUNTS = Identity("", "", frozenset(Role), How.NO_ACCOUNTS)


def break_glass(name: str = "") -> Identity:
    """The identity of an emergency exam started without a login: clinical work only, under
    the name the radiographer typed or the break-glass name."""
    return Identity("", name.strip() or BREAK_GLASS_NAME, frozenset({Role.RADIOGRAPHER}),
                    How.BREAK_GLASS)


def parse_roles(text: str) -> frozenset[Role]:
    """Roles from ``"radiographer service"`` or ``"radiographer,service"``; ValueError naming
    an unknown one."""
    roles = set()
    for word in text.replace(",", " ").split():
        try:
            roles.add(Role(word.strip().lower()))
        except ValueError:
            raise ValueError(f"unknown role '{word}' (roles: "
                             f"{', '.join(r.value for r in Role)})") from None
    return frozenset(roles)


def role_text(roles: frozenset[Role] | set[Role]) -> str:
    return " ".join(r.value for r in Role if r in roles)


def require_role(identity: Identity | None, role: Role, what: str = "this") -> Identity:
    """``identity`` when it holds ``role``; RoleError otherwise (no one logged in included)."""
    if identity is None:
        raise RoleError(f"{what} needs the {role.value} role: log in first")
    if role not in identity.roles:
        who = identity.display_name or identity.user or "this login"
        raise RoleError(f"{what} needs the {role.value} role, which {who} does not have: "
                        f"log in as a {role.value} user")
    return identity

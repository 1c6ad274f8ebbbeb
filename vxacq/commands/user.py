"""``vxacq user add|passwd|disable|enable|list``: the station's local accounts.

On a station without accounts, ``user add`` makes the first one, which must be an
administrator (the bootstrap). Afterwards every action runs as an administrator given with
``--user`` (or $VXACQ_USER / $VXACQ_PASSWORD); ``passwd`` also lets users change their own.
New passwords and PINs are asked twice on the terminal or read from the first line of stdin
(``--password-stdin``), never taken from the command line, where ``ps`` would show them.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from vxacq.cli import EXIT_USAGE, CommandError, emit, load_config, login
from vxacq.security.roles import Role, RoleError

_ROLES = ", ".join(r.value for r in Role)


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("user", help="add, change, disable or list user accounts")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    common = [parents["config"], parents["login"]]
    add = actions.add_parser("add", parents=common, help="add an account (the first one: an "
                             "administrator, made without a login)")
    add.add_argument("name", help="login name")
    add.add_argument("--display-name", required=True, metavar="PN",
                     help="the Operators' Name in images and MPPS, Family^Given")
    add.add_argument("--role", action="append", required=True, metavar="ROLE",
                     help=f"a role ({_ROLES}); repeat or separate with commas")
    add.add_argument("--pin", action="store_true", help="also ask for a PIN (4+ digits)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the new password from the first line of stdin")
    add.set_defaults(run=run_add)
    passwd = actions.add_parser("passwd", parents=common, help="set an account's password "
                                "(or with --pin its PIN)")
    passwd.add_argument("name")
    passwd.add_argument("--pin", action="store_true", help="set the PIN instead ('' removes it "
                        "with --password-stdin)")
    passwd.add_argument("--password-stdin", action="store_true",
                        help="read the new password (or PIN) from the first line of stdin")
    passwd.set_defaults(run=run_passwd)
    roles = actions.add_parser("roles", parents=common, help="set an account's roles")
    roles.add_argument("name")
    roles.add_argument("--role", action="append", required=True, metavar="ROLE",
                       help=f"a role ({_ROLES}); repeat or separate with commas")
    roles.set_defaults(run=run_roles)
    for name, disabled in (("disable", True), ("enable", False)):
        action = actions.add_parser(name, parents=common, help=f"{name} an account"
                                    + ("" if disabled else " (and clear its lockout)"))
        action.add_argument("name")
        action.set_defaults(run=run_disable, disabled=disabled)
    show = actions.add_parser("list", parents=common + [parents["json"]],
                              help="list the accounts (never their secrets)")
    show.set_defaults(run=run_list)


def _station(args: argparse.Namespace):
    from vxacq.workflow.console import open_database

    config = load_config(args)
    return config, open_database(config.data_dir)


def _secret(args: argparse.Namespace, what: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(f"new {what}: ")
        if getpass.getpass(f"new {what} again: ") != first:
            raise CommandError(f"the two {what}s differ; nothing changed", EXIT_USAGE)
    except EOFError:
        raise CommandError(f"no {what} given: type it when asked, or use --password-stdin",
                           EXIT_USAGE) from None
    return first


def _changing(action):
    from vxacq.security.accounts import AccountError

    try:
        return action()
    except (AccountError, ValueError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except RoleError as exc:
        raise CommandError(str(exc)) from None


def run_add(args: argparse.Namespace) -> int:
    from vxacq.security.accounts import add_account

    config, db = _station(args)
    by = login(args, config, db, Role.ADMINISTRATOR, "adding an account")
    roles = " ".join(args.role)
    password = _secret(args, "password")
    pin = _secret(argparse.Namespace(password_stdin=args.password_stdin), "PIN") \
        if args.pin else ""
    view = _changing(lambda: add_account(db, config, by, args.name, args.display_name, roles,
                                         password, pin=pin))
    print(f"account {view.user} ({', '.join(view.roles)}) added", file=sys.stderr)
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from vxacq.security.accounts import change_password, change_pin

    config, db = _station(args)
    by = login(args, config, db, None, "changing a password")
    what = "PIN" if args.pin else "password"
    secret = _secret(args, what)
    _changing(lambda: (change_pin if args.pin else change_password)(db, by, args.name, secret))
    print(f"{what} of {args.name} changed", file=sys.stderr)
    return 0


def run_roles(args: argparse.Namespace) -> int:
    from vxacq.security.accounts import change_roles

    config, db = _station(args)
    by = login(args, config, db, Role.ADMINISTRATOR, "changing roles")
    _changing(lambda: change_roles(db, by, args.name, " ".join(args.role)))
    print(f"roles of {args.name} set", file=sys.stderr)
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from vxacq.security.accounts import set_disabled

    config, db = _station(args)
    word = "disabling" if args.disabled else "enabling"
    by = login(args, config, db, Role.ADMINISTRATOR, f"{word} an account")
    _changing(lambda: set_disabled(db, by, args.name, args.disabled))
    print(f"account {args.name} {'disabled' if args.disabled else 'enabled'}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from vxacq.security.accounts import list_accounts

    config, db = _station(args)
    login(args, config, db, Role.ADMINISTRATOR, "listing the accounts")
    accounts = list_accounts(db)
    lines = [f"{'user':16} {'display name':28} {'roles':36} state"]
    for a in accounts:
        state = "disabled" if a.disabled else (
            f"locked until {a.locked_until:%H:%M} UTC" if a.locked_until else "enabled")
        lines.append(f"{a.user:16} {a.display_name:28} {' '.join(a.roles):36} {state}")
    emit(args, [a.as_dict() for a in accounts],
         "\n".join(lines) if accounts else "no accounts: the station runs without logins")
    return 0

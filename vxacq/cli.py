"""The ``vxacq`` command line: the GUI by default, sub-commands for service work and scripts.

Each sub-command lives in ``vxacq/commands/<name>.py`` and registers itself through
``register(subparsers, parents)``. Every sub-command takes ``--config``; those that print
results take ``--json`` (one JSON document on stdout, messages on stderr).
Exit status: 0 success, 1 the operation failed, 2 bad usage or configuration.

Start-up stays cheap: this module and every command's ``register`` import nothing heavy
(numpy, pydicom, pynetdicom, sqlmodel, Qt); a command imports what it needs in its ``run``
function, so ``vxacq --version`` or ``vxacq echo`` do not pay for the database or the imaging
chain (tests/test_startup_imports.py).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from vxacq import __version__, config as configuration
from vxacq.dicom.implementation import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME
from vxacq.logs import LogError
from vxacq.security.permissions import restrict_process

# The sub-commands, in the order `vxacq --help` lists them; each is vxacq.commands.<name>,
# or MODULE_OF[name] when its name cannot be a module's (`import` is a Python keyword).
COMMANDS = ("config", "demo", "echo", "worklist", "find", "store", "queue", "acquire", "calibrate",
            "commit", "print", "exam", "reconcile", "reject", "refile", "export", "import",
            "serve", "db", "user", "audit", "retrieve", "report")
MODULE_OF = {"import": "media_import"}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_collection_paused = False  # see pause_collection


class CommandError(Exception):
    """A sub-command failed in a way the user can act on; the message says how."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def common_parents() -> dict[str, argparse.ArgumentParser]:
    config = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `vxacq --config F sub ...` and `vxacq sub --config F ...` both work.
    config.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help="configuration file (default: $VXACQ_CONFIG, "
                        "else vxacq.toml in the user's config dir)")
    config.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    login = argparse.ArgumentParser(add_help=False)
    login.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                       help="the account this runs as when the station has accounts (default: "
                       "$VXACQ_USER); its password from $VXACQ_PASSWORD, else asked")
    return {"config": config, "json": output, "login": login}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command`` (a sub-command's name), with that
    sub-command alone: a command does not import and build the other 22 (15-25 ms of CPU)."""
    parser = argparse.ArgumentParser(
        prog="vxacq",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps --version on one line
        description="VXacq acquisition console. Without a sub-command, starts the console window.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    parser.add_argument("--config", metavar="FILE", help="configuration file for the console window")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = common_parents()
    for name in [command] if command else COMMANDS:
        module = MODULE_OF.get(name, name)
        importlib.import_module(f"vxacq.commands.{module}").register(subparsers, parents)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The sub-command ``argv`` names, after the top-level ``--config FILE``; None when it
    names none or another option comes first (the whole parser then says what is wrong)."""
    rest = list(argv)
    while rest and (rest[0] == "--config" or rest[0].startswith("--config=")):
        rest = rest[2:] if rest[0] == "--config" else rest[1:]
    if rest and rest[0] in COMMANDS:
        return rest[0]
    return None


def version_text() -> str:
    return (
        f"vxacq {__version__} (Implementation Class UID {IMPLEMENTATION_CLASS_UID}, "
        f"Implementation Version Name {IMPLEMENTATION_VERSION_NAME})"
    )


def pause_collection() -> None:
    """Start-up without Python's cycle collector, until :func:`end_of_startup`.

    Importing what a command needs (the database, DICOM and network stacks) makes some
    200,000 objects that live as long as the process; the collector, counting them as they
    come, walked them again and again, two full passes among them: 0.1 s of ``vxacq store``'s
    start-up, finding a few dozen garbage objects. The console script calls this first
    (vxacq.__main__, which has turned the collector off for importing this module already),
    not :func:`main`: a process that calls ``main`` in its own (a test) keeps its collector as
    it is."""
    global _collection_paused
    gc.disable()
    _collection_paused = True


def end_of_startup() -> None:
    """The command's modules are imported: what exists now is left out of every later
    collection (``gc.freeze``) and the collector runs again, as usual, over what the command
    makes from here on. Every command reaches this by loading its configuration
    (:func:`load_config`; the window before it imports Qt, which has a collector of its own:
    vxacq.ui.tasks), ``vxacq demo`` by calling this; nothing when start-up was not paused."""
    global _collection_paused
    if _collection_paused:
        _collection_paused = False
        gc.freeze()
        gc.enable()


def load_config(args: argparse.Namespace, *, logs: bool = True) -> configuration.Config:
    """The configuration the command names; with ``logs``, the application log and the
    association log in its data dir are set up too (``-v``: debug level), so every command
    leaves its trace where the manuals say. ``config check`` and ``config show`` pass
    ``logs=False``: checking a file must not create the station's folders. Start-up ends here
    (:func:`end_of_startup`): a command imports its modules before it loads its
    configuration."""
    end_of_startup()
    try:
        config = configuration.load(getattr(args, "config", None))
    except configuration.ConfigError as exc:
        raise CommandError(str(exc), exit_code=EXIT_USAGE) from None
    if logs:
        from vxacq.logs import setup_logging

        setup_logging(config.data_dir, config.station.log_patient_data,
                      getattr(args, "verbose", False))
    return config


def node_for(config: configuration.Config, name: str, service: str | None = None) -> configuration.NodeConfig:
    """The configured node called ``name``, which must offer ``service`` when one is given."""
    try:
        node = config.node(name)
    except configuration.ConfigError as exc:
        raise CommandError(str(exc), exit_code=EXIT_USAGE) from None
    if service and not node.offers(service):
        raise CommandError(f"node '{node.name}' does not have the {service} service "
                           f"(services: {', '.join(node.services)})", exit_code=EXIT_USAGE)
    return node


def login(args: argparse.Namespace, config: configuration.Config, db, role, what: str):
    """Who runs this command (rule 11): with no account on the station, everyone (the
    "no accounts configured" mode); else the account named by ``--user`` or $VXACQ_USER,
    its password from $VXACQ_PASSWORD or asked on the terminal, holding ``role`` (None: any
    account). CommandError when it cannot be had."""
    import getpass
    import os

    from vxacq.security.accounts import AuthenticationError, accounts_exist, authenticate
    from vxacq.security.roles import NO_ACCOUNTS, RoleError, require_role

    if not accounts_exist(db):
        return NO_ACCOUNTS
    user = getattr(args, "user", None) or os.environ.get("VXACQ_USER", "")
    if not user:
        needs = f"the {role.value} role" if role else "a login"
        raise CommandError(f"{what} needs {needs} on this station: give --user NAME (or "
                           "VXACQ_USER and VXACQ_PASSWORD for scripts)", EXIT_USAGE)
    password = os.environ.get("VXACQ_PASSWORD")
    if password is None:
        try:
            password = getpass.getpass(f"password for {user}: ")
        except EOFError:
            raise CommandError(f"no password for {user}: type it when asked, or set "
                               "VXACQ_PASSWORD", EXIT_USAGE) from None
    try:
        identity = authenticate(db, config, user, password)
    except AuthenticationError as exc:
        raise CommandError(f"{what}: {exc}") from None
    try:
        return require_role(identity, role, what) if role else identity
    except RoleError as exc:
        raise CommandError(str(exc)) from None


def emit(args: argparse.Namespace, result: Any, text: str) -> None:
    """Print a result: the JSON document with --json, else the human-readable text."""
    if getattr(args, "json", False):
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    elif text:
        print(text)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Run the window or the command ``argv`` names. ``own_process``: the process is this
    command's alone (the ``vxacq`` program, vxacq.__main__), so a command registered with
    ``pixels=False`` may keep pydicom's pixel codecs out of it (vxacq.dicom.no_pixels). A caller
    that shares its process (a test, a script) keeps every package importable."""
    restrict_process()  # the window, every command and the service: data not world-readable
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(named_command(argv)).parse_args(argv)
    if own_process and getattr(args, "pixels", True) is False:
        from vxacq.dicom.no_pixels import keep_pixel_codecs_out

        keep_pixel_codecs_out()
    try:
        if args.command is None:
            from vxacq.ui.app import run_console

            return run_console(load_config(args))
        return int(args.run(args) or EXIT_OK)
    except CommandError as exc:
        print(f"vxacq: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not reported_with_remedy(exc):
            raise
        logging.getLogger("vxacq").error("%s", exc)
        print(f"vxacq: {exc}", file=sys.stderr)
        return EXIT_FAILED


def reported_with_remedy(exc: Exception) -> bool:
    """Whether ``exc`` is a DatabaseError or LogError: one message with the file and the
    remedy, no traceback. vxacq.db is imported only here, after a command failed: a
    DatabaseError can only come from a command that imported it already."""
    if isinstance(exc, LogError):
        return True
    from vxacq.db import DatabaseError

    return isinstance(exc, DatabaseError)

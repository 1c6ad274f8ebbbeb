"""Secrets the console sends to its peers (a DICOMweb node's password or bearer token, the
department database's password, the directory's service account password): each in a file of
its own, named by the configuration and readable only by the service user (or its group),
never in the configuration file itself (which the service page shows and saves). This is the
one reader of such files: every caller gets the same checks, only the field name in the
messages and whether the group may read the file differ."""

from __future__ import annotations

import stat
from pathlib import Path

# A password or a token is short; a large file is not one (and is not read whole).
MAX_SECRET_BYTES = 16 * 1024


class SecretError(Exception):
    """A secret file cannot be used; the message names it and says why (never its content)."""


def secret_file_problem(path: str, *, field: str = "secret_file",
                        group_may_read: bool = False) -> str:
    """Why ``path`` cannot hold a secret (missing, not a file, readable by others), or "".

    ``field`` is the setting that names the file (for the message); with ``group_may_read``
    the file may be readable by its group (a root-owned file of the vxacq group, 0640)."""
    if not path:
        return f"{field} is needed (a file holding the password or token; never this file)"
    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        return f"{field} '{path}' cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(mode):
        return f"{field} '{path}' is not a regular file"
    if group_may_read:
        if mode & stat.S_IRWXO:
            return (f"{field} '{path}' is readable by every user; chmod 600 (or 640 for the "
                    "vxacq group) it")
    elif mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (f"{field} '{path}' can be read by other users; make it readable by the "
                f"service user only (chmod 600 '{path}')")
    return ""


def read_secret(path: str, *, field: str = "secret_file", group_may_read: bool = False) -> str:
    """The secret in ``path``: one line of printable UTF-8 text, without its line end;
    SecretError, naming ``field`` and the file, when it cannot be used."""
    if problem := secret_file_problem(path, field=field, group_may_read=group_may_read):
        raise SecretError(problem)
    file = Path(path).expanduser()
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_SECRET_BYTES + 1)
        text = data.decode("utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{field} '{path}' cannot be read "
                          f"({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_SECRET_BYTES:
        raise SecretError(f"{field} '{path}' is larger than {MAX_SECRET_BYTES} bytes; it "
                          "should hold only the password or token")
    if not text:
        raise SecretError(f"{field} '{path}' is empty")
    if any(not ch.isprintable() for ch in text):
        raise SecretError(f"{field} '{path}' holds control characters or several lines; "
                          "it should hold only the password or token, on one line")
    return text

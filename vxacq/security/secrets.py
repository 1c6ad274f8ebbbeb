"""Secrets the console sends to its peers (a DICOMweb node's password or bearer token): each
in a file of its own, named by the configuration and readable only by the service user, never
in the configuration file itself (which the service page shows and saves)."""

from __future__ import annotations

import stat
from pathlib import Path

# A password or a token is short; a large file is not one (and is not read whole).
MAX_SECRET_BYTES = 16 * 1024


class SecretError(Exception):
    """A secret file cannot be used; the message names it and says why (never its content)."""


def secret_file_problem(path: str) -> str:
    """Why ``path`` cannot hold a secret (missing, not a file, readable by others), or ""."""
    if not path:
        return "secret_file is needed (a file holding the password or token; never this file)"
    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        return f"secret_file '{path}' cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(mode):
        return f"secret_file '{path}' is not a regular file"
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (f"secret_file '{path}' can be read by other users; make it readable by the "
                f"service user only (chmod 600 '{path}')")
    return ""


def read_secret(path: str) -> str:
    """The secret in ``path``, without its line end; SecretError when it cannot be used."""
    if problem := secret_file_problem(path):
        raise SecretError(problem)
    file = Path(path).expanduser()
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_SECRET_BYTES + 1)
        text = data.decode("utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"secret_file '{path}' cannot be read "
                          f"({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_SECRET_BYTES:
        raise SecretError(f"secret_file '{path}' is larger than {MAX_SECRET_BYTES} bytes; it "
                          "should hold only the password or token")
    if not text:
        raise SecretError(f"secret_file '{path}' is empty")
    if any(not ch.isprintable() for ch in text):
        raise SecretError(f"secret_file '{path}' holds control characters or several lines; "
                          "it should hold only the password or token, on one line")
    return text

"""Password and PIN hashing: argon2id (RFC 9106) through argon2-cffi.

The parameters are OWASP's (2024) minimum for argon2id, 19 MiB and 2 passes: about 60 ms a
check on a console's CPU, slow enough to make guessing a stolen database costly, quick enough
for a login. They are stored in each hash, so raising them later re-hashes each account at its
next good login (:func:`needs_rehash`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

MIN_PASSWORD = 8
MIN_PIN = 4


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify(stored: str, secret: str) -> bool:
    """Whether ``secret`` matches the ``stored`` hash; False for an empty or damaged hash."""
    if not stored:
        return False
    try:
        return _hasher.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str) -> str:
    """Why ``password`` cannot be used, or "" (the message never repeats it)."""
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if password != password.strip():
        return "a password neither starts nor ends with a space"
    return ""


def pin_problem(pin: str) -> str:
    if not (pin.isdigit() and pin.isascii() and len(pin) >= MIN_PIN):
        return f"a PIN is at least {MIN_PIN} digits"
    return ""

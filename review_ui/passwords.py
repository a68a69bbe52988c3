"""Password hashing for reviewers: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).

(RFC 9106's low-memory profile took 0.7 s per login on a 2-core server; OWASP's set is about
0.1 s there. Hashes made with other parameters are upgraded at the next login.)"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when the user does not exist, so a wrong user name costs the same time as a
# wrong password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("claimdocs-no-such-user")

MIN_PASSWORD_LENGTH = 10


class WeakPasswordError(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still spends one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)

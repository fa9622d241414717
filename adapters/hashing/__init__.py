"""Password hashing with argon2id (argon2-cffi).

Parameters: the OWASP minimum profile for argon2id (19 MiB, 2 passes, 1 lane),
measured at ~30 ms per verification on the 2-core machines we deploy to, where
argon2-cffi's defaults (64 MiB, t=3, p=4) cost ~170 ms: a rush of logins at
8:30 is the portal's first bottleneck. The parameters are stored in each hash,
so raising them later rehashes passwords at the next login (`needs_rehash`).
"""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

OWASP_MINIMUM = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


class Argon2Hasher:
    """argon2id hashes; `profile` overrides the parameters (tests use a cheap one)."""

    def __init__(self, *, time_cost: int = 2, memory_cost: int = 19 * 1024, parallelism: int = 1) -> None:
        self._hasher = _Argon2(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )

    def hash(self, password: str) -> str:
        """A new salted argon2id hash."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches; False for a mismatch or a malformed hash."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

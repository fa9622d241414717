"""The password-hashing port."""

from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """Hashes and verifies passwords.

    Contract: `hash` returns a self-describing string (algorithm and parameters
    inside); `verify` returns False for a wrong password or a malformed hash and
    never raises for them; `needs_rehash` tells when the stored parameters are
    older than the current ones.
    """

    def hash(self, password: str) -> str:
        """A new salted hash of `password`."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` matches `password_hash`."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether `password_hash` was made with other parameters than the current ones."""
        ...

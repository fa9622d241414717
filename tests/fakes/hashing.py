"""A transparent password hasher: fast, and obviously not for production."""

from __future__ import annotations


class FakeHasher:
    """Stores `fake$<version>$<password>`; `version` lets tests exercise rehashing."""

    def __init__(self, version: int = 1) -> None:
        self.version = version

    def hash(self, password: str) -> str:
        return f"fake${self.version}${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        parts = password_hash.split("$", 2)
        return len(parts) == 3 and parts[0] == "fake" and parts[2] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"fake${self.version}$")

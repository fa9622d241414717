"""One contract suite for the persistence port: every test runs on the fakes, SQLite and PostgreSQL.

The fakes are what the unit, HTTP and web tests run on: a contract they fail would let those
tests pass on behaviour the real database does not have (or the reverse).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.persistence import DuplicateKey
from tests.support.storages import KINDS, open_storage

#: What storing a second row with a unique key already taken raises, on either side.
DUPLICATE = (IntegrityError, DuplicateKey)


@pytest.fixture(params=KINDS)
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    """Units of work on an empty store: the fakes, or a freshly migrated database."""
    yield from open_storage(str(request.param), tmp_path)

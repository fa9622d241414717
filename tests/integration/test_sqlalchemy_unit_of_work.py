"""The SQLAlchemy unit of work: keeps only what is committed; logins are unique whatever their case."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory

from . import samples


def test_leaving_without_commit_rolls_everything_back(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
    with uow_factory() as uow:
        assert uow.organisations.get("saint-martin") is None


def test_an_exception_rolls_back_what_followed_the_last_commit(uow_factory: SqlUnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.organisations.add(samples.organisation("kept"))
        uow.commit()
        uow.organisations.add(samples.organisation("lost"))
        raise RuntimeError("refused")
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["kept"]


def test_rollback_forgets_since_the_last_commit_and_the_work_goes_on(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation("first"))
        uow.rollback()
        uow.organisations.add(samples.organisation("second"))
        uow.commit()
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["second"]


def test_a_unit_of_work_cannot_be_entered_twice_at_once(uow_factory: SqlUnitOfWorkFactory) -> None:
    uow = uow_factory()
    with uow, pytest.raises(RuntimeError):
        uow.__enter__()


def test_commit_outside_the_with_block_is_an_error(uow_factory: SqlUnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        uow_factory().commit()


def test_a_login_differing_only_by_case_is_refused(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(samples.account("Marie.Dupont"))
        uow.commit()
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.accounts.add(samples.account("MARIE.dupont"))

"""The unit of work keeps only what is committed; logins are unique whatever their case; concurrent work merges."""

from __future__ import annotations

import pytest

from famille.ports.persistence import UnitOfWorkFactory
from tests.contract.conftest import DUPLICATE
from tests.support import samples


def test_leaving_without_commit_rolls_everything_back(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
    with uow_factory() as uow:
        assert uow.organisations.get("saint-martin") is None


def test_an_exception_rolls_back_what_followed_the_last_commit(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.organisations.add(samples.organisation("kept"))
        uow.commit()
        uow.organisations.add(samples.organisation("lost"))
        raise RuntimeError("refused")
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["kept"]


def test_rollback_forgets_since_the_last_commit_and_the_work_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation("first"))
        uow.rollback()
        uow.organisations.add(samples.organisation("second"))
        uow.commit()
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["second"]


def test_a_unit_of_work_cannot_be_entered_twice_at_once(uow_factory: UnitOfWorkFactory) -> None:
    uow = uow_factory()
    with uow, pytest.raises(RuntimeError):
        uow.__enter__()


def test_commit_outside_the_with_block_is_an_error(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        uow_factory().commit()


def test_a_login_differing_only_by_case_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(samples.account("Marie.Dupont"))
        uow.commit()
    with uow_factory() as uow, pytest.raises(DUPLICATE):
        uow.accounts.add(samples.account("MARIE.dupont"))


def test_two_units_of_work_open_at_once_both_keep_what_they_committed(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as first, uow_factory() as second:
        first.organisations.add(samples.organisation("first"))
        first.commit()
        second.organisations.add(samples.organisation("second"))
        second.commit()
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["first", "second"]


def test_a_write_committed_by_another_unit_of_work_is_seen_once_it_is_committed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as reader:
        with uow_factory() as writer:
            writer.organisations.add(samples.organisation("late"))
            writer.commit()
        reader.organisations.add(samples.organisation("reader"))
        reader.commit()
        assert reader.organisations.get("late") == samples.organisation("late")


def test_a_read_only_unit_of_work_reads_what_is_committed_and_refuses_to_commit(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation("kept"))
        uow.commit()
    with uow_factory(read_only=True) as reader:
        assert [o.code for o in reader.organisations.list()] == ["kept"]
        with pytest.raises(RuntimeError):
            reader.commit()
    with uow_factory() as uow:  # the connection handed back is an ordinary one again: its work rolls back
        uow.organisations.add(samples.organisation("lost"))
    with uow_factory() as uow:
        assert [o.code for o in uow.organisations.list()] == ["kept"]

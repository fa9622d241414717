"""Bookings through the use cases, on fakes: deadlines, idempotence, skipped days, agents."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from famille.kernel.calendar.loading import CalendarUnavailable
from famille.kernel.planning.inputs import BookingStatus, Enrolment
from famille.kernel.planning.outcomes import CellRefused, Outcome, SkipReason
from famille.kernel.planning.records import EventKind
from famille.kernel.planning.service import cells_of_pattern
from famille.kernel.shared.errors import NotFound
from famille.kernel.shared.time import PARIS
from tests.fakes.rules import bookings_wait_for_an_agent
from tests.unit.world import World

from .conftest import AGENT_A, AGENT_B, DUPONT, DURAND

MONDAY = date(2026, 12, 7)  # canteen deadline: Thursday 3 December 23:59


def test_booking_a_free_canteen_day_before_its_deadline_books_it_at_once(world: World) -> None:
    report = world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])

    (result,) = report.results
    assert result.outcome is Outcome.BOOKED
    assert result.rule_id == "cantine-lundi-jeudi-23h59"
    assert result.deadline is not None
    assert result.deadline.instant == datetime(2026, 12, 3, 23, 59, tzinfo=PARIS)
    assert result.deadline.description == "jeudi 3 décembre 2026 à 23h59"
    booking = world.uow.store.bookings[("child-lea", "RESTAURATION", MONDAY)]
    assert booking.state.status is BookingStatus.ACCEPTED and booking.state.in_time


def test_booking_the_same_cell_twice_keeps_one_booking(world: World) -> None:
    world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])
    again = world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])

    assert again.results[0].outcome is Outcome.ALREADY_BOOKED
    assert len(world.uow.store.bookings) == 1
    assert [e.kind for e in world.uow.store.planning_events] == [EventKind.BOOKING_REQUESTED,
                                                                  EventKind.BOOKING_ACCEPTED]


def test_a_single_canteen_booking_after_the_thursday_deadline_is_refused_with_its_rule_and_deadline(
    world: World,
) -> None:
    world.clock.set(datetime(2026, 12, 3, 23, 59, tzinfo=PARIS))

    with pytest.raises(CellRefused) as refused:
        world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])

    assert refused.value.result.skip is SkipReason.DEADLINE_PASSED
    assert "jeudi 3 décembre 2026 à 23h59" in refused.value.message
    assert "cantine-lundi-jeudi-23h59" in refused.value.message
    assert refused.value.problem_extra["deadline"] == "2026-12-03T23:59:00+01:00"
    assert world.uow.store.bookings == {}


def test_booking_a_month_pattern_skips_holidays_non_opening_days_and_past_deadlines_with_reasons(
    world: World,
) -> None:
    cells = cells_of_pattern(["RESTAURATION"], [0, 1, 2, 3, 4], date(2026, 11, 30), date(2026, 12, 31))

    report = world.portal.planning.book(DUPONT, "child-lea", cells)

    by_day = {r.day: r for r in report.results}
    assert by_day[date(2026, 11, 30)].skip is SkipReason.DEADLINE_PASSED  # Thursday 26 Nov is gone
    assert by_day[date(2026, 12, 2)].skip is SkipReason.NOT_OPEN  # no canteen on Wednesdays
    assert by_day[date(2026, 12, 21)].skip is SkipReason.NOT_OPEN  # Christmas holidays
    assert "petites vacances" in by_day[date(2026, 12, 21)].message
    assert by_day[date(2026, 12, 7)].outcome is Outcome.BOOKED
    booked = {r.day for r in report.results if r.outcome is Outcome.BOOKED}
    assert booked == {date(2026, 12, d) for d in (3, 4, 7, 8, 10, 11, 14, 15, 17, 18)}


def test_a_closure_declared_by_an_agent_is_skipped_with_its_reason(world: World) -> None:
    world.portal.planning_agent.declare_closure(AGENT_A, MONDAY, None, "Grève du personnel communal")

    report = world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY),
                                                                ("GARDERIE MATIN", MONDAY)])

    assert {r.skip for r in report.results} == {SkipReason.NOT_OPEN}
    assert all("Grève du personnel communal" in r.message for r in report.results)


def test_a_service_the_child_is_not_enrolled_in_is_skipped(world: World) -> None:
    world.uow.store.enrolments[:] = [e for e in world.uow.store.enrolments if e.service_code != "GARDERIE SOIR"]

    with pytest.raises(CellRefused) as refused:
        world.portal.planning.book(DUPONT, "child-lea", [("GARDERIE SOIR", MONDAY)])

    assert refused.value.result.skip is SkipReason.NOT_ENROLLED


def test_bookings_for_next_school_year_open_on_the_thirteenth_of_august(world: World) -> None:
    world.uow.store.enrolments.append(Enrolment("child-lea", "RESTAURATION", date(2027, 9, 1)))
    world.clock.set(datetime(2027, 8, 12, 23, 0, tzinfo=PARIS))
    with pytest.raises(CellRefused) as refused:
        world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", date(2027, 9, 6))])

    assert refused.value.result.skip is SkipReason.BEYOND_HORIZON
    assert "vendredi 13 août 2027" in refused.value.message
    world.clock.set(datetime(2027, 8, 13, 0, 0, tzinfo=PARIS))
    assert world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", date(2027, 9, 6))]).done


def test_a_school_year_the_holiday_data_do_not_cover_is_refused_clearly(world: World) -> None:
    world.uow.store.organisations["org-a"] = attrs.evolve(world.uow.store.organisations["org-a"], school_zone="Z")

    with pytest.raises(CalendarUnavailable):
        world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])


def test_a_rule_file_may_make_bookings_in_time_wait_for_an_agent(world: World) -> None:
    world.rules.use(bookings_wait_for_an_agent("org-a"))

    report = world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])

    assert report.results[0].outcome is Outcome.PENDING
    (pending,) = world.portal.planning_agent.pending(AGENT_A)
    assert pending.kind == "reservation" and pending.child_name == "LEA DUPONT"
    assert world.portal.planning_agent.pending(AGENT_B) == []


def test_an_agent_refusal_reaches_the_family_inbox_with_its_reason(world: World) -> None:
    world.rules.use(bookings_wait_for_an_agent("org-a"))
    world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])
    (pending,) = world.portal.planning_agent.pending(AGENT_A)

    with pytest.raises(NotFound):
        world.portal.planning_agent.decide_booking(AGENT_B, pending.record.id, accept=False, reason="Non")
    decided = world.portal.planning_agent.decide_booking(AGENT_A, pending.record.id, accept=False,
                                                          reason="Cantine complète ce jour-là")

    assert decided.state.status is BookingStatus.REFUSED
    (sent,) = world.notifier.sent
    assert sent.recipient.account_id == "acc-dupont"
    assert "Cantine complète ce jour-là" in sent.notice.body
    assert world.uow.store.planning_events[-1].kind is EventKind.BOOKING_REFUSED


def test_an_agent_may_book_past_the_deadline_and_it_is_recorded_as_late_by_that_agent(world: World) -> None:
    world.clock.set(datetime(2026, 12, 6, 20, 0, tzinfo=PARIS))

    report = world.portal.planning.book(AGENT_A, "child-lea", [("RESTAURATION", MONDAY)], as_agent=True)

    assert report.results[0].outcome is Outcome.BOOKED
    assert report.results[0].in_time is False
    requested = world.uow.store.planning_events[0]
    assert (requested.by, requested.by_agent, requested.in_time) == ("acc-agent-a", True, False)


def test_one_request_books_a_school_year_for_several_children(world: World) -> None:
    world.uow.seed(children=[world.uow.store.children["child-lea"].__class__(
        id="child-max", organisation_code="org-a", nom="DUPONT", prenom="MAX",
        sexe=world.uow.store.children["child-lea"].sexe, date_naissance=date(2019, 1, 1),
        family_ids=("fam-dupont",))])
    from .conftest import enrol

    enrol(world, "child-max")
    cells = cells_of_pattern(["GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION"], [0, 1, 3, 4],
                             date(2026, 12, 7), date(2027, 7, 2))

    reports = world.portal.planning.book_children(DUPONT, ["child-lea", "child-max"], cells)

    assert [r.child_id for r in reports] == ["child-lea", "child-max"]
    booked = [len([x for x in r.results if x.outcome is Outcome.BOOKED]) for r in reports]
    assert booked[0] == booked[1] > 300
    assert len(world.uow.store.bookings) == sum(booked)


def test_families_cannot_book_for_a_child_of_another_family_or_organisation(world: World) -> None:
    with pytest.raises(NotFound):
        world.portal.planning.book(DURAND, "child-lea", [("RESTAURATION", MONDAY)])
    with pytest.raises(NotFound):
        world.portal.planning.book(AGENT_B, "child-lea", [("RESTAURATION", MONDAY)], as_agent=True)
    with pytest.raises(NotFound):
        world.portal.planning.month(DURAND, "child-lea", MONDAY)


def test_the_history_keeps_who_booked_and_cancelled_and_whether_in_time(world: World) -> None:
    world.portal.planning.book(DUPONT, "child-lea", [("GARDERIE SOIR", MONDAY)])
    world.clock.advance(timedelta(hours=1))
    world.portal.planning.declare_absence(DUPONT, "child-lea", [("GARDERIE SOIR", MONDAY)], "AUTRES")

    history = world.portal.planning.history(DUPONT, "child-lea", MONDAY, MONDAY)

    assert [e.kind for e in history] == [EventKind.BOOKING_REQUESTED, EventKind.BOOKING_ACCEPTED,
                                         EventKind.ABSENCE_DECLARED, EventKind.ABSENCE_ACCEPTED]
    assert all(e.in_time and e.by == "acc-dupont" for e in history)

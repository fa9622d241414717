"""The planning repository: the fakes and the databases store and answer alike."""

from __future__ import annotations

from datetime import date, time, timedelta

import attrs

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.calendar.model import Closure
from famille.kernel.families.records import ChildSections, PratiqueAlimentaire
from famille.kernel.planning.calendar_feed import CalendarFeed, CalendarFeeds, FeedLink
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    DeclaredClosure,
    EventKind,
    ExpectedChild,
    PlanningEvent,
)
from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.support import samples
from tests.support.interleaving import AfterFirstFeedRead
from tests.support.samples import NOW

ORG, OTHER = "saint-martin", "rpi-des-vignes"
MONDAY = date(2026, 12, 7)


def seed(uow_factory: UnitOfWorkFactory) -> tuple[str, str]:
    """Two organisations; a family of the first with two children (Léa, Hugo); their ids."""
    family = samples.family()
    lea, hugo = samples.child((family.id,)), samples.child((family.id,), prenom="Hugo", born=date(2019, 4, 2))
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation(ORG))
        uow.organisations.add(samples.organisation(OTHER))
        uow.families.add(family)
        uow.families.add_child(lea)
        uow.families.add_child(hugo)
        uow.commit()
    return lea.id, hugo.id


def booking(child_id: str, day: date, service: str = "RESTAURATION", *, org: str = ORG,
            status: BookingStatus = BookingStatus.ACCEPTED) -> BookingRecord:
    state = BookingState(status, "famille", NOW, in_time=True)
    return BookingRecord(samples.new_id(), org, child_id, service, day, state, "cantine-lundi-jeudi-23h59")


def absence(child_id: str, day: date, service: str = "RESTAURATION", *,
            status: AbsenceStatus = AbsenceStatus.PENDING) -> AbsenceRecord:
    state = AbsenceState(status, "RAISON MEDICALE", in_time=False, declared_by="famille", declared_at=NOW)
    return AbsenceRecord(samples.new_id(), ORG, child_id, service, day, state, note="Fièvre",
                         document="certificat.pdf", rule_id="raison-medicale-certificat")


def test_enrolments_come_back_by_service_then_start(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    soir = Enrolment(lea, "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3), (time(16, 30), time(18, 30)))
    repas_later = Enrolment(lea, "RESTAURATION", date(2027, 1, 4))
    repas = Enrolment(lea, "RESTAURATION", date(2026, 9, 1), date(2026, 12, 18))
    with uow_factory() as uow:
        uow.planning.add_enrolments([repas_later, soir, repas, Enrolment(hugo, "RESTAURATION", date(2026, 9, 1))])
        uow.commit()
    with uow_factory() as uow:
        home = [attrs.evolve(e, organisation_code=ORG) for e in (soir, repas, repas_later)]  # the child's own
        assert uow.planning.enrolments_of(lea) == home
        assert uow.planning.enrolments_of("inconnu") == []


def test_an_enrolment_keeps_its_organisation_and_structure_or_takes_the_childs_and_the_one_offering_its_service(
    uow_factory: UnitOfWorkFactory,
) -> None:
    lea, _ = seed(uow_factory)
    cantine, garderie = samples.structure(ORG), samples.structure(OTHER, name="Garderie du RPI")
    with uow_factory() as uow:
        for structure in (cantine, garderie):
            uow.organisations.add_structure(structure)
        uow.organisations.add_service(samples.service(cantine.id))
        uow.organisations.add_service(samples.service(garderie.id, "GARDERIE SOIR", "Garderie du soir"))
        uow.commit()
    repas = Enrolment(lea, "RESTAURATION", date(2026, 9, 1))
    soir = Enrolment(lea, "GARDERIE SOIR", date(2026, 9, 1), organisation_code=OTHER, structure_id=garderie.id)
    with uow_factory() as uow:
        uow.planning.add_enrolments([repas, soir])
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.enrolments_of(lea) == [
            soir, attrs.evolve(repas, organisation_code=ORG, structure_id=cantine.id)]


def test_closures_are_found_by_organisation_and_range_and_deleted_by_their_own_organisation(
    uow_factory: UnitOfWorkFactory,
) -> None:
    seed(uow_factory)
    strike = DeclaredClosure(samples.new_id(), ORG, Closure(MONDAY, None, "Grève"), "agent", NOW)
    canteen = DeclaredClosure(samples.new_id(), ORG, Closure(MONDAY - timedelta(3), "RESTAURATION", "Travaux"),
                              "agent", NOW)
    elsewhere = DeclaredClosure(samples.new_id(), OTHER, Closure(MONDAY, None, "Pont"), "agent", NOW)
    with uow_factory() as uow:
        for closure in (strike, canteen, elsewhere):
            uow.planning.add_closure(closure)
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.closures(ORG, MONDAY - timedelta(7), MONDAY) == [canteen, strike]
        assert uow.planning.closures(ORG, MONDAY, MONDAY) == [strike]
        assert uow.planning.closures(ORG, MONDAY + timedelta(1), MONDAY + timedelta(9)) == []
        assert uow.planning.closures_of([ORG, OTHER], MONDAY - timedelta(7), MONDAY) == sorted(
            [canteen, strike, elsewhere], key=lambda c: (c.closure.day, c.id))
        assert uow.planning.closures_of([OTHER], MONDAY, MONDAY) == [elsewhere]
        assert uow.planning.delete_closure(OTHER, strike.id) is False
        assert uow.planning.delete_closure(ORG, strike.id) is True
        assert uow.planning.delete_closure(ORG, strike.id) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.closures(ORG, MONDAY - timedelta(7), MONDAY) == [canteen]


def test_bookings_are_inserted_or_ignored_and_read_by_cell(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    monday, tuesday = booking(lea, MONDAY), booking(lea, MONDAY + timedelta(1))
    with uow_factory() as uow:
        assert sorted(uow.planning.add_bookings([monday], "b1")) == [monday.id]
        again = booking(lea, MONDAY, status=BookingStatus.PENDING)
        hugo_monday = booking(hugo, MONDAY)  # two children in one call
        assert sorted(uow.planning.add_bookings([again, tuesday, hugo_monday], "b2")) == sorted(
            [tuesday.id, hugo_monday.id])
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.bookings_of(lea, MONDAY, MONDAY + timedelta(6)) == {
            ("RESTAURATION", MONDAY): monday, ("RESTAURATION", tuesday.day): tuesday}
        assert uow.planning.bookings_of(lea, MONDAY + timedelta(1), MONDAY + timedelta(1)) == {
            ("RESTAURATION", tuesday.day): tuesday}
        assert uow.planning.booking(monday.id) == monday
        assert uow.planning.booking("inconnue") is None
        assert list(uow.planning.bookings_of(hugo, MONDAY, MONDAY)) == [("RESTAURATION", MONDAY)]


def test_the_history_given_with_bookings_is_kept_for_the_cells_added_only(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)

    def asked(record: BookingRecord, kind: EventKind) -> PlanningEvent:
        return PlanningEvent(samples.new_id(), ORG, record.child_id, record.service_code, record.day, kind, NOW,
                             "famille", False, True, None, "cantine-lundi-jeudi-23h59", NOW + timedelta(days=2))

    kept = booking(lea, MONDAY)
    with uow_factory() as uow:
        uow.planning.add_bookings([kept], "b1")
        uow.commit()
    again, tuesday, soir = booking(lea, MONDAY), booking(lea, MONDAY + timedelta(1)), booking(hugo, MONDAY, "GARDERIE SOIR")
    history = [asked(record, kind) for record in (again, tuesday, soir)
               for kind in (EventKind.BOOKING_REQUESTED, EventKind.BOOKING_ACCEPTED)]
    with uow_factory() as uow:
        assert sorted(uow.planning.add_bookings([again, tuesday, soir], "b2", history)) == sorted([tuesday.id, soir.id])
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.events_of(lea, MONDAY, MONDAY) == []  # booked already: no second history
        assert sorted(e.id for e in uow.planning.events_of(lea, MONDAY, MONDAY + timedelta(1))) == sorted(
            e.id for e in history[2:4])
        assert sorted(e.id for e in uow.planning.events_of(hugo, MONDAY, MONDAY)) == sorted(e.id for e in history[4:])
        assert uow.planning.events_of(hugo, MONDAY, MONDAY)[0].deadline == NOW + timedelta(days=2)


def test_the_cells_of_several_children_are_read_at_once(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    lea_monday, lea_later = booking(lea, MONDAY), booking(lea, MONDAY + timedelta(14))
    hugo_monday = booking(hugo, MONDAY, "GARDERIE SOIR")
    hugo_absent = absence(hugo, MONDAY + timedelta(1))
    lea_repas, hugo_soir = (Enrolment(lea, "RESTAURATION", date(2026, 9, 1), organisation_code=ORG),
                            Enrolment(hugo, "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3), organisation_code=ORG))
    with uow_factory() as uow:
        uow.planning.add_enrolments([lea_repas, hugo_soir])
        uow.planning.add_bookings([lea_monday, lea_later, hugo_monday], "b1")
        uow.planning.add_absences([hugo_absent])
        uow.commit()
    with uow_factory() as uow:
        found = uow.planning.cells_of([lea, hugo], MONDAY, MONDAY + timedelta(6))
        assert sorted(b.id for b in found.bookings) == sorted([lea_monday.id, hugo_monday.id])
        assert sorted(found.enrolments, key=repr) == sorted([lea_repas, hugo_soir], key=repr)
        assert found.absences == [hugo_absent]
        only = uow.planning.cells_of([hugo], MONDAY, MONDAY + timedelta(20))
        assert ([b.id for b in only.bookings], only.enrolments, only.absences) == (
            [hugo_monday.id], [hugo_soir], [hugo_absent])


def test_the_grid_of_a_child_reads_each_cell_state_with_its_organisation(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    repas = Enrolment(lea, "RESTAURATION", date(2026, 9, 1), organisation_code=ORG)
    soir = Enrolment(lea, "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3), organisation_code=OTHER)
    late = attrs.evolve(booking(lea, MONDAY + timedelta(2), status=BookingStatus.PENDING),
                        state=BookingState(BookingStatus.PENDING, "famille", NOW, in_time=False))
    absent = attrs.evolve(absence(lea, MONDAY + timedelta(1)), document="certificat.pdf")
    tick = AttendanceRecord(lea, "GARDERIE SOIR", MONDAY, OTHER,
                            Attendance(AttendanceStatus.PRESENT, time(16, 30), time(18, 5)), "agent", NOW)
    with uow_factory() as uow:
        uow.planning.add_enrolments([repas, soir])
        uow.planning.add_bookings([booking(lea, MONDAY), booking(lea, MONDAY + timedelta(1)), late,
                                   booking(lea, MONDAY, "GARDERIE SOIR", org=OTHER), booking(hugo, MONDAY),
                                   booking(lea, MONDAY + timedelta(7))], "b1")
        uow.planning.add_absences([absent])
        uow.planning.set_attendance(tick)
        uow.commit()
    with uow_factory() as uow:
        grid = uow.planning.grid_of(lea, MONDAY, MONDAY + timedelta(6))
        family = uow.families.get(uow.families.get_child(lea).family_ids[0])  # type: ignore[union-attr]
    assert sorted(grid.enrolments, key=repr) == sorted([repas, soir], key=repr)
    assert family is not None and grid.responsable == (family.responsable.nom, family.responsable.prenom)
    assert sorted(grid.bookings, key=repr) == sorted([
        (ORG, ("RESTAURATION", MONDAY), BookingState(BookingStatus.ACCEPTED)),
        (ORG, ("RESTAURATION", MONDAY + timedelta(1)), BookingState(BookingStatus.ACCEPTED)),
        (ORG, ("RESTAURATION", MONDAY + timedelta(2)), BookingState(BookingStatus.PENDING, in_time=False)),
        (OTHER, ("GARDERIE SOIR", MONDAY), BookingState(BookingStatus.ACCEPTED))], key=repr)
    state = absent.state
    assert grid.absences == [(ORG, ("RESTAURATION", MONDAY + timedelta(1)),
                              AbsenceState(state.status, state.reason, state.in_time), True)]
    assert grid.attendance == [(OTHER, ("GARDERIE SOIR", MONDAY), tick.attendance)]


def test_the_grid_reads_a_setup_version_per_organisation_of_the_child_that_moves_with_its_setup(
        uow_factory: UnitOfWorkFactory) -> None:
    lea, _ = seed(uow_factory)
    third = "ecole-du-bourg"
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation(third))
        uow.planning.add_enrolments([Enrolment(lea, "GARDERIE SOIR", date(2026, 9, 1), organisation_code=OTHER)])
        uow.commit()

    def versions() -> dict[str, int]:
        with uow_factory() as uow:
            return dict(uow.planning.grid_of(lea, MONDAY, MONDAY + timedelta(6)).setup_versions)

    before = versions()
    assert set(before) == {ORG, OTHER}  # its own organisation and the one it is enrolled in, not the third
    assert versions() == before  # nothing changed: the same versions
    closure = DeclaredClosure("fermeture-1", OTHER, Closure(MONDAY, None, "Grève"), "agent", NOW)
    with uow_factory() as uow:
        uow.planning.add_closure(closure)
        uow.commit()
    closed = versions()
    assert closed[ORG] == before[ORG] and closed[OTHER] != before[OTHER]
    structure = samples.structure(ORG)
    with uow_factory() as uow:
        uow.organisations.add_structure(structure)
        uow.commit()
    structured = versions()
    assert structured[ORG] != closed[ORG] and structured[OTHER] == closed[OTHER]
    with uow_factory() as uow:
        uow.organisations.add_service(samples.service(structure.id))
        uow.commit()
    assert versions()[ORG] != structured[ORG]
    with uow_factory() as uow:
        assert uow.planning.delete_closure(OTHER, closure.id)
        uow.commit()
    assert versions()[OTHER] != closed[OTHER]


def test_a_cell_booked_and_committed_elsewhere_is_not_booked_again(uow_factory: UnitOfWorkFactory) -> None:
    lea, _ = seed(uow_factory)
    with uow_factory() as late, uow_factory() as first:
        assert late.planning.bookings_of(lea, MONDAY, MONDAY) == {}
        kept = booking(lea, MONDAY)
        assert list(first.planning.add_bookings([kept], "b1")) == [kept.id]
        first.commit()
        assert list(late.planning.add_bookings([booking(lea, MONDAY)], "b2")) == []
        late.commit()
    with uow_factory() as uow:
        assert len(uow.planning.bookings_of(lea, MONDAY, MONDAY)) == 1


def test_a_booking_changes_only_from_the_status_expected_and_pending_ones_are_listed_by_day(
    uow_factory: UnitOfWorkFactory,
) -> None:
    lea, hugo = seed(uow_factory)
    later = booking(lea, MONDAY + timedelta(1), status=BookingStatus.PENDING)
    sooner = booking(hugo, MONDAY, "GARDERIE SOIR", status=BookingStatus.PENDING)
    with uow_factory() as uow:
        uow.planning.add_bookings([later], "b1")
        uow.planning.add_bookings([sooner], "b2")
        uow.planning.add_bookings([booking(lea, MONDAY)], "b3")
        uow.commit()
    accepted = attrs.evolve(later, state=later.state.accepted("agent", NOW))
    with uow_factory() as uow:
        assert uow.planning.pending_bookings(ORG) == [sooner, later]
        assert uow.planning.pending_bookings(OTHER) == []
        assert uow.planning.decide_booking(accepted) is True
        assert uow.planning.decide_booking(accepted) is False  # decided once
        uow.commit()
    with uow_factory() as late, uow_factory() as first:
        refused = attrs.evolve(sooner, state=sooner.state.refused("agent", NOW, "Complet"))
        assert late.planning.booking(sooner.id) == sooner
        assert first.planning.decide_booking(refused) is True
        first.commit()
        assert late.planning.decide_booking(attrs.evolve(sooner, state=sooner.state.accepted("agent-2", NOW))) is False
    with uow_factory() as uow:
        assert uow.planning.booking(later.id) == accepted
        assert uow.planning.booking(sooner.id) == refused
        assert uow.planning.pending_bookings(ORG) == []


def test_absences_are_inserted_or_ignored_decided_once_and_deleted(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    first, second = absence(lea, MONDAY + timedelta(1)), absence(hugo, MONDAY)
    with uow_factory() as uow:
        assert list(uow.planning.add_absences([first])) == [("RESTAURATION", first.day)]
        assert list(uow.planning.add_absences([absence(lea, first.day), absence(lea, MONDAY, "GARDERIE SOIR")])) == [
            ("GARDERIE SOIR", MONDAY)]
        uow.planning.add_absences([second])
        uow.commit()
    decided = attrs.evolve(first, state=first.state.accepted(), decided_by="agent", decided_at=NOW)
    with uow_factory() as uow:
        assert uow.planning.absences_of(lea, first.day, first.day) == {("RESTAURATION", first.day): first}
        assert uow.planning.absence(second.id) == second and uow.planning.absence("inconnue") is None
        pending = uow.planning.pending_absences(ORG)
        assert [a.day for a in pending] == [MONDAY, MONDAY, first.day]
        assert pending[2] == first and second in pending[:2]
        assert uow.planning.decide_absence(decided) is True
        assert uow.planning.decide_absence(decided) is False  # decided once
        uow.planning.delete_absence(second.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.absence(first.id) == decided
        assert uow.planning.absence(second.id) is None
        assert [a.service_code for a in uow.planning.pending_absences(ORG)] == ["GARDERIE SOIR"]


def test_a_refused_absence_stays_on_its_cell_and_excused_is_never_stored(uow_factory: UnitOfWorkFactory) -> None:
    lea, _ = seed(uow_factory)
    waiting = absence(lea, MONDAY)
    with uow_factory() as uow:
        uow.planning.add_absences([attrs.evolve(waiting, state=attrs.evolve(waiting.state, excused=True))])
        uow.commit()
    refused = attrs.evolve(waiting, state=waiting.state.refused(), decided_by="agent", decided_at=NOW)
    with uow_factory() as uow:
        assert uow.planning.absence(waiting.id) == waiting  # `excused` is decided when read, never kept
        assert uow.planning.decide_absence(refused) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.absences_of(lea, MONDAY, MONDAY) == {("RESTAURATION", MONDAY): refused}
        assert uow.planning.pending_absences(ORG) == []
        assert uow.planning.decide_absence(attrs.evolve(refused, state=waiting.state.accepted())) is False


def test_attendance_is_replaced_per_cell_and_read_by_child_and_by_day(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    present = AttendanceRecord(lea, "GARDERIE SOIR", MONDAY, ORG,
                               Attendance(AttendanceStatus.PRESENT, time(16, 30), time(18, 5)), "agent", NOW)
    corrected = attrs.evolve(present, attendance=Attendance(AttendanceStatus.ABSENT), recorded_by="agent-2")
    meal = AttendanceRecord(hugo, "RESTAURATION", MONDAY, ORG, Attendance(AttendanceStatus.PRESENT), "agent", NOW)
    next_day = attrs.evolve(meal, child_id=lea, day=MONDAY + timedelta(1))
    with uow_factory() as uow:
        for record in (present, meal, next_day):
            uow.planning.set_attendance(record)
        uow.commit()
        uow.planning.set_attendance(corrected)
        uow.commit()
    with uow_factory() as uow:
        assert set(uow.planning.attendance_of(lea, MONDAY, MONDAY + timedelta(6))) == {corrected, next_day}
        assert set(uow.planning.attendance_on(ORG, MONDAY)) == {corrected, meal}
        assert uow.planning.attendance_on(OTHER, MONDAY) == []


def test_the_children_expected_are_booked_not_absent_with_their_pratique(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    with uow_factory() as uow:
        uow.records.save_child_sections(hugo, ChildSections(pratique=PratiqueAlimentaire("Sans porc", "")))
        uow.planning.add_bookings([booking(lea, MONDAY), booking(lea, MONDAY, "GARDERIE SOIR",
                                                                 status=BookingStatus.PENDING)], "b1")
        uow.planning.add_bookings([booking(hugo, MONDAY), booking(hugo, MONDAY, "GARDERIE SOIR",
                                                                  status=BookingStatus.REFUSED)], "b2")
        uow.planning.add_absences([absence(lea, MONDAY, "GARDERIE SOIR")])
        uow.commit()
    with uow_factory() as uow:
        assert set(uow.planning.expected_on(ORG, MONDAY)) == {ExpectedChild(lea, "RESTAURATION", None),
                                                              ExpectedChild(hugo, "RESTAURATION", "Sans porc")}
        assert uow.planning.expected_on(OTHER, MONDAY) == []
        assert uow.planning.expected_on(ORG, MONDAY + timedelta(1)) == []


def test_the_pointage_of_a_range_is_read_with_the_cells_expected_in_one_go(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    tuesday, sunday = MONDAY + timedelta(1), MONDAY + timedelta(6)
    meal = AttendanceRecord(hugo, "RESTAURATION", tuesday, ORG,
                            Attendance(AttendanceStatus.PRESENT, time(11, 30), None), "agent", NOW)
    with uow_factory() as uow:
        uow.planning.add_bookings([booking(lea, MONDAY), booking(lea, MONDAY, "GARDERIE SOIR"),
                                   booking(hugo, tuesday, status=BookingStatus.PENDING),
                                   booking(hugo, sunday + timedelta(1)),
                                   booking(lea, tuesday, status=BookingStatus.REFUSED),
                                   booking(hugo, MONDAY, org=OTHER)], "b1")
        uow.planning.add_absences([absence(lea, MONDAY, "GARDERIE SOIR")])
        uow.planning.set_attendance(meal)
        uow.commit()
    with uow_factory() as uow:
        expected, recorded = uow.planning.pointage_between(ORG, MONDAY, sunday)
        assert sorted(expected) == sorted([(hugo, "RESTAURATION", tuesday), (lea, "RESTAURATION", MONDAY)])
        assert list(recorded) == [meal]
        assert [list(found) for found in uow.planning.pointage_between(ORG, sunday, sunday)] == [[], []]
        assert list(uow.planning.pointage_between(OTHER, MONDAY, sunday)[0]) == [(hugo, "RESTAURATION", MONDAY)]


def test_history_is_appended_and_read_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)

    def event(child: str, day: date, minutes: int, kind: EventKind) -> PlanningEvent:
        return PlanningEvent(samples.new_id(), ORG, child, "RESTAURATION", day, kind, NOW + timedelta(minutes=minutes),
                             "famille", False, True, None, "cantine-lundi-jeudi-23h59", NOW + timedelta(days=2))

    accepted = event(lea, MONDAY, 5, EventKind.BOOKING_ACCEPTED)
    requested = event(lea, MONDAY, 0, EventKind.BOOKING_REQUESTED)
    cancelled = event(lea, MONDAY + timedelta(1), 9, EventKind.BOOKING_CANCELLED)
    with uow_factory() as uow:
        uow.planning.add_events([accepted, cancelled])
        uow.planning.add_events([requested, event(hugo, MONDAY, 1, EventKind.BOOKING_REQUESTED)])
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.events_of(lea, MONDAY, MONDAY + timedelta(1)) == [requested, accepted, cancelled]
        assert uow.planning.events_of(lea, MONDAY + timedelta(1), MONDAY + timedelta(9)) == [cancelled]
        assert uow.planning.child_names([lea, "inconnu"]) == {lea: ("DUPONT", "Léa")}
        assert uow.planning.child_names([]) == {}


def test_a_calendar_feed_is_found_by_child_and_family_or_by_digest_and_replaced(uow_factory: UnitOfWorkFactory) -> None:
    lea, hugo = seed(uow_factory)
    with uow_factory() as uow:
        family_id = uow.families.get_child(lea).family_ids[0]  # type: ignore[union-attr]
    first = CalendarFeed(lea, family_id, "n1", "1" * 64, NOW)
    other = CalendarFeed(hugo, family_id, "n2", "2" * 64, NOW)
    with uow_factory() as uow:
        assert uow.planning.calendar_feed(lea, family_id) is None
        uow.planning.save_calendar_feed(first)
        uow.planning.save_calendar_feed(other)
        uow.commit()
    renewed = attrs.evolve(first, nonce="n3", token_digest="3" * 64, created_at=NOW + timedelta(days=1))
    with uow_factory() as uow:
        assert uow.planning.calendar_feed(lea, family_id) == first
        assert uow.planning.calendar_feed_by_digest("2" * 64) == other
        uow.planning.save_calendar_feed(renewed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.planning.calendar_feed(lea, family_id) == renewed
        assert uow.planning.calendar_feed_by_digest("1" * 64) is None
        assert uow.planning.calendar_feed_by_digest("3" * 64) == renewed
        assert uow.planning.calendar_feed(lea, "inconnue") is None


def test_a_first_calendar_feed_committed_elsewhere_is_kept_and_read(uow_factory: UnitOfWorkFactory) -> None:
    lea, _ = seed(uow_factory)
    with uow_factory() as uow:
        family_id = uow.families.get_child(lea).family_ids[0]  # type: ignore[union-attr]
    kept, late_one = CalendarFeed(lea, family_id, "n1", "1" * 64, NOW), CalendarFeed(lea, family_id, "n2", "2" * 64, NOW)
    with uow_factory() as late, uow_factory() as first:
        assert late.planning.calendar_feed(lea, family_id) is None
        assert first.planning.add_calendar_feed(kept) is True
        first.commit()
        assert late.planning.add_calendar_feed(late_one) is False
        late.commit()
        assert late.planning.calendar_feed(lea, family_id) == kept
    with uow_factory() as uow:
        assert uow.planning.calendar_feed_by_digest("2" * 64) is None
        assert uow.planning.add_calendar_feed(late_one) is False


def test_two_first_visits_answer_the_address_the_first_one_stored(uow_factory: UnitOfWorkFactory) -> None:
    """The other visit commits between this one's read (no feed yet) and its write."""
    lea, _ = seed(uow_factory)
    with uow_factory() as uow:
        family_id = uow.families.get_child(lea).family_ids[0]  # type: ignore[union-attr]
    principal = Principal("acc", "famille", Role.FAMILY, ORG, family_id, "s")
    other: list[FeedLink] = []
    arrived: list[bool] = []

    def the_other_visit() -> None:
        if not arrived:  # once: the other visit's own read does not let a third one in
            arrived.append(True)
            other.append(feeds.link(principal, lea))

    feeds = CalendarFeeds(AfterFirstFeedRead(uow_factory, the_other_visit), FakeClock(), key=b"k" * 32,
                          portal_url="https://portail.example")
    link = feeds.link(principal, lea)
    assert other == [link]
    assert feeds.content(link.url.rsplit("/", 1)[1].removesuffix(".ics")).title == "Planning de Léa DUPONT"

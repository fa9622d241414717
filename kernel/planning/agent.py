"""What agents do on the planning: decide pending requests, declare closures, take attendance, count.

Every method takes an agent `Principal` and works only inside its organisation:
anything of another organisation is `NotFound`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, time
from typing import TypeVar

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.calendar.model import Closure, DayKind
from famille.kernel.families import access
from famille.kernel.families.model import Child
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.planning.contract import Contract, contract_bookings
from famille.kernel.planning.excuses import Excuses
from famille.kernel.planning.inputs import (
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    DeclaredClosure,
    EventKind,
    PlanningEvent,
)
from famille.kernel.planning.scope import enrolment_covering, planning_scope
from famille.kernel.shared.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import describe_date
from famille.kernel.shared.organisations import Service, StructureKind
from famille.kernel.shared.refusals import refusal_reason
from famille.ports.calendar import HolidayCalendar
from famille.ports.clock import Clock
from famille.ports.notification import Notice, Notifier, Recipient
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory
from famille.ports.rules import Rules

#: The pratique alimentaire of a child whose record names none: the normal meal.
NO_PRATIQUE = "--Aucun--"


@attrs.frozen
class PendingEntry:
    """A booking or an absence waiting for an agent, with the child's name."""

    kind: str  # "reservation" or "absence"
    booking: BookingRecord | None
    absence: AbsenceRecord | None
    child_name: str

    @property
    def record(self) -> BookingRecord | AbsenceRecord:
        """The booking or the absence."""
        record = self.booking or self.absence
        assert record is not None
        return record


@attrs.frozen
class Headcount:
    """How many children a service of a structure expects on a day, and for a canteen, meals by menu."""

    structure_id: str
    structure_name: str
    service_code: str
    expected: int
    meals: tuple[tuple[str, int], ...] = ()
    note: str | None = None


@attrs.frozen
class RollCall:
    """One line of the day's attendance list: a child expected or recorded, and what was recorded."""

    child_id: str
    nom: str
    prenom: str
    service_code: str
    expected: bool
    attendance: Attendance


@attrs.frozen
class MissingAttendance:
    """A service's day where children expected have no pointage (or a garderie time is missing)."""

    day: date
    service_code: str
    children: int


#: The longest range `missing_attendance` looks at, in days.
MISSING_RANGE_MAX = 62


def _require_agent(principal: Principal) -> str:
    if not principal.is_agent:
        raise Forbidden("Cette action est réservée aux agents.")
    return principal.organisation_code


class AgentPlanning:
    """The agents' side of the planning."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, rules: Rules, calendar: HolidayCalendar,
                 notifier: Notifier) -> None:
        self._uow = uow
        self._clock = clock
        self._rules = rules
        self._calendar = calendar
        self._notifier = notifier

    def services(self, principal: Principal) -> list[Service]:
        """The services of the agent's organisation (what closures and attendance lists name)."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            return list(uow.organisations.services(organisation))

    # --- requests waiting for an agent ---------------------------------------------------------

    def pending(self, principal: Principal) -> list[PendingEntry]:
        """The organisation's bookings and absences waiting for a decision, by day."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            entries = [PendingEntry("reservation", b, None, "") for b in uow.planning.pending_bookings(organisation)]
            entries += [PendingEntry("absence", None, a, "") for a in uow.planning.pending_absences(organisation)]
            names: dict[str, str] = {}
            for entry in entries:
                child_id = entry.record.child_id
                if child_id not in names:
                    child = uow.families.get_child(child_id)
                    names[child_id] = f"{child.prenom} {child.nom}" if child else ""
        named = [attrs.evolve(entry, child_name=names[entry.record.child_id]) for entry in entries]
        return sorted(named, key=lambda entry: (entry.record.day, entry.kind))

    def decide_booking(self, principal: Principal, booking_id: str, *, accept: bool, reason: str | None
                       ) -> BookingRecord:
        """Accept or refuse (with a reason) a pending booking; the family is told in its inbox."""
        organisation = _require_agent(principal)
        reason = refusal_reason(accept, reason)
        now = self._clock.now()
        with self._uow() as uow:
            record = _pending(uow.planning.booking(booking_id), organisation, BookingStatus.PENDING, "réservation")
            state = (record.state.accepted(principal.account_id, now) if accept
                     else record.state.refused(principal.account_id, now, reason or ""))
            decided = attrs.evolve(record, state=state)
            if not uow.planning.decide_booking(decided):
                raise Conflict(_ALREADY_DECIDED.format("réservation"))
            kind = EventKind.BOOKING_ACCEPTED if accept else EventKind.BOOKING_REFUSED
            uow.planning.add_events([_event(decided, kind, now, principal, record.state.in_time, reason)])
            recipients = _recipients(uow, decided.child_id)
            child = uow.families.get_child(decided.child_id)
            uow.commit()
        what = f"la réservation {decided.service_code} du {describe_date(decided.day)}"
        self._notify(recipients, child, what, accept, reason)
        return decided

    def decide_absence(self, principal: Principal, absence_id: str, *, accept: bool, reason: str | None
                       ) -> AbsenceRecord:
        """Accept a pending absence (excused or billed: `Excuses` decides) or refuse it (kept on the cell,
        « Absent facturé »: the day is billed); the family is told in its inbox."""
        organisation = _require_agent(principal)
        reason = refusal_reason(accept, reason)
        now = self._clock.now()
        with self._uow() as uow:
            record = _pending(uow.planning.absence(absence_id), organisation, AbsenceStatus.PENDING, "absence")
            state = record.state.accepted() if accept else record.state.refused()
            decided = attrs.evolve(record, state=state, decided_by=principal.account_id, decided_at=now)
            if not uow.planning.decide_absence(decided):
                raise Conflict(_ALREADY_DECIDED.format("absence"))
            kind = EventKind.ABSENCE_ACCEPTED if accept else EventKind.ABSENCE_REFUSED
            uow.planning.add_events([_event(record, kind, now, principal, record.state.in_time,
                                            reason or record.state.reason)])
            recipients = _recipients(uow, record.child_id)
            child = uow.families.get_child(record.child_id)
            uow.commit()
        self._notify(recipients, child, f"l'absence {record.service_code} du {describe_date(record.day)}", accept,
                     reason)
        return Excuses(self._rules, organisation).judged_record(decided)

    def _notify(self, recipients: list[Recipient], child: Child | None, what: str, accept: bool,
                reason: str | None) -> None:
        name = f"{child.prenom} {child.nom}" if child else "votre enfant"
        if accept:
            notice = Notice(f"Demande acceptée : {name}", f"Bonjour, {what} de {name} est acceptée.")
        else:
            notice = Notice(f"Demande refusée : {name}",
                            f"Bonjour, {what} de {name} est refusée. Motif : {reason}")
        for recipient in recipients:
            self._notifier.notify(recipient, notice)

    # --- enrolments (inscriptions) ---------------------------------------------------------

    def enrolments(self, principal: Principal, child_id: str) -> list[Enrolment]:
        """The child's enrolments in the agent's organisation (« Inscriptions »)."""
        _require_agent(principal)
        with self._uow() as uow:
            return list(planning_scope(uow, principal, child_id).enrolments)

    def enrol(self, principal: Principal, child_id: str, service_code: str, start: date,
              end: date | None = None, *, structure_id: str | None = None, family_number: str | None = None,
              contract: Contract | None = None) -> Enrolment:
        """Enrol a child in a service of one of the organisation's structures from `start` (to `end`, or until
        further notice); without `structure_id`, the structure offering the service.

        A child of another organisation (a commune's pupil at an RPI's garderie) is enrolled when the
        agent names it by the N° famille of one of its families, as written on the family's form; once
        enrolled, the agent sees its rows of the organisation, never its records. With a `contract` (a
        crèche's « contrat régulier »), its days are booked for the school year (`planning.contract`).
        """
        organisation = _require_agent(principal)
        if end is not None and end < start:
            raise ValidationFailed([FieldError("end", "La fin de l'inscription doit suivre son début.")])
        with self._uow() as uow:
            child = _enrollable_child(uow, principal, child_id, family_number)
            offered = [s for s in uow.organisations.services(organisation) if s.code == service_code]
            if not offered:
                raise ValidationFailed([FieldError("service", f"Service inconnu : {service_code}.")])
            service = next((s for s in offered if structure_id in (None, s.structure_id)), None)
            if service is None:
                raise ValidationFailed([FieldError("structure", f"La structure « {structure_id} » n'offre pas "
                                                                f"le service {service_code}.")])
            for existing in uow.planning.enrolments_of(child.id):
                # one place per service code and day, whatever the organisation: cells are keyed by them
                if existing.service_code == service_code and existing.overlaps(start, end):
                    until = f" au {describe_date(existing.end)}" if existing.end else ""
                    where = "" if existing.organisation_code == organisation else " dans une autre organisation"
                    raise Conflict(f"{child.prenom} {child.nom} est déjà inscrit(e) à {service_code}{where} "
                                   f"du {describe_date(existing.start)}{until}.")
            enrolment = Enrolment(child.id, service_code, start, end, organisation_code=organisation,
                                  structure_id=service.structure_id)
            if contract is not None:
                if errors := contract.errors(service):
                    raise ValidationFailed(errors)
                enrolment = contract.on(enrolment)
            uow.planning.add_enrolments([enrolment])
            if contract is not None:
                setup = OrganisationSetup.load(uow, organisation, start, start, self._calendar, self._rules)
                booked = contract_bookings(enrolment, setup.calendar, by=principal.account_id, now=self._clock.now())
                if booked:
                    uow.planning.add_bookings(booked, str(uuid.uuid4()))
            uow.commit()
        return enrolment

    # --- closures ---------------------------------------------------------------------------

    def declare_closure(self, principal: Principal, day: date, service_code: str | None, reason: str
                        ) -> DeclaredClosure:
        """Close a service (or, with None, every service) of the organisation on `day`."""
        organisation = _require_agent(principal)
        reason = reason.strip()
        if not reason:
            raise ValidationFailed([FieldError("reason", "Indiquez le motif de la fermeture.")])
        with self._uow() as uow:
            if service_code is not None and service_code not in {
                    s.code for s in uow.organisations.services(organisation)}:
                raise ValidationFailed([FieldError("service", f"Service inconnu : {service_code}.")])
            closure = DeclaredClosure(str(uuid.uuid4()), organisation, Closure(day, service_code, reason),
                                      principal.account_id, self._clock.now())
            uow.planning.add_closure(closure)
            uow.commit()
        return closure

    def closures(self, principal: Principal, first: date, last: date) -> list[DeclaredClosure]:
        """The organisation's closures from `first` to `last`."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            return list(uow.planning.closures(organisation, first, last))

    def remove_closure(self, principal: Principal, closure_id: str) -> None:
        """Withdraw a closure of the organisation."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            if not uow.planning.delete_closure(organisation, closure_id):
                raise NotFound("Fermeture introuvable.")
            uow.commit()

    # --- attendance -------------------------------------------------------------------------

    def record_attendance(self, principal: Principal, child_id: str, service_code: str, day: date,
                          status: AttendanceStatus, arrival: time | None, departure: time | None
                          ) -> AttendanceRecord:
        """Record (or correct) the pointage of a child of the organisation."""
        organisation = _require_agent(principal)
        if arrival and departure and departure <= arrival:
            raise ValidationFailed([FieldError("departure", "L'heure de départ doit suivre l'heure d'arrivée.")])
        if status is AttendanceStatus.ABSENT and (arrival or departure):
            raise ValidationFailed([FieldError("arrival", "Un enfant absent n'a pas d'heure d'arrivée ni de départ.")])
        with self._uow() as uow:
            child = planning_scope(uow, principal, child_id).child
            if service_code not in {s.code for s in uow.organisations.services(organisation)}:
                raise ValidationFailed([FieldError("service", f"Service inconnu : {service_code}.")])
            # a cell is pointed by the organisation the child is enrolled in for it (its own, by default)
            covering = enrolment_covering(uow.planning.enrolments_of(child.id), service_code, day)
            where = covering.organisation_code if covering is not None else child.organisation_code
            if where != organisation:
                raise ValidationFailed([FieldError("service", f"{child.prenom} {child.nom} n'est pas inscrit(e) "
                                                              f"à {service_code} le {describe_date(day)} dans "
                                                              "votre organisation.")])
            if day > self._clock.now().date():
                raise ValidationFailed([FieldError("date", "Le pointage d'un jour à venir est impossible : on "
                                                           "pointe le jour même ou un jour passé.")])
            record = AttendanceRecord(child.id, service_code, day, organisation,
                                      Attendance(status, arrival, departure), principal.account_id,
                                      self._clock.now())
            uow.planning.set_attendance(record)
            uow.commit()
        return record

    def roll_call(self, principal: Principal, day: date, service_code: str | None) -> list[RollCall]:
        """The day's list to tick: children expected (booked, not absent) and those already recorded."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            expected = {(e.child_id, e.service_code) for e in uow.planning.expected_on(organisation, day)
                        if service_code is None or e.service_code == service_code}
            recorded = {(a.child_id, a.service_code): a.attendance for a in uow.planning.attendance_on(organisation, day)
                        if service_code is None or a.service_code == service_code}
            names = uow.planning.child_names({child for child, _ in expected | set(recorded)})
        lines = [RollCall(child, *names.get(child, ("", "")), service, (child, service) in expected,
                          recorded.get((child, service), Attendance.none()))
                 for child, service in expected | set(recorded)]
        return sorted(lines, key=lambda line: (line.service_code, line.nom, line.prenom, line.child_id))

    def missing_attendance(self, principal: Principal, first: date, last: date) -> list[MissingAttendance]:
        """Per open day and service from `first` to `last`, the children expected (booked, not absent)
        with nothing recorded, and those present whose arrival or departure time is missing: what
        billing will flag (« à vérifier ») unless an agent fills the pointage in."""
        organisation = _require_agent(principal)
        if last < first or (last - first).days >= MISSING_RANGE_MAX:
            raise ValidationFailed([FieldError("to", f"Une période de {MISSING_RANGE_MAX} jours au plus.")])
        with self._uow() as uow:
            setup = OrganisationSetup.load(uow, organisation, first, last, self._calendar, self._rules)
            expected, recorded = uow.planning.pointage_between(organisation, first, last)
        marks = {(a.child_id, a.service_code, a.day): a.attendance for a in recorded}
        counts: Counter[tuple[date, str]] = Counter()
        for child_id, service_code, day in expected:
            if (child_id, service_code, day) not in marks:
                counts[(day, service_code)] += 1
        for (_, service_code, day), mark in marks.items():
            if mark.is_timed and (mark.arrival is None or mark.departure is None):
                counts[(day, service_code)] += 1
        return [MissingAttendance(day, code, count) for (day, code), count in sorted(counts.items())
                if code in setup.services and setup.calendar(day).day_kind(day, code) is DayKind.OPEN]

    # --- headcounts -------------------------------------------------------------------------

    def headcounts(self, principal: Principal, day: date) -> list[Headcount]:
        """Per structure and service, the children expected on `day`; for canteens, meals by pratique."""
        organisation = _require_agent(principal)
        with self._uow() as uow:
            setup = OrganisationSetup.load(uow, organisation, day, day, self._calendar, self._rules)
            expected = uow.planning.expected_counts(organisation, day)
        calendar = setup.calendar(day)
        by_service: dict[str, Counter[str]] = {}
        for (service_code, pratique), count in expected.items():
            by_service.setdefault(service_code, Counter())[pratique or NO_PRATIQUE] += count
        counts = []
        for service in setup.services.values():
            structure = setup.structures[service.structure_id]
            meals = by_service.get(service.code, Counter())
            kind = calendar.day_kind(day, service.code)
            note = None if kind is DayKind.OPEN else f"Pas d'accueil ce jour ({kind.label.lower()})."
            total = sum(meals.values()) if kind is DayKind.OPEN else 0
            menus: tuple[tuple[str, int], ...] = ()
            if structure.kind is StructureKind.CANTINE and kind is DayKind.OPEN:
                menus = tuple(sorted(meals.items(), key=lambda item: (item[0] != NO_PRATIQUE, item[0])))
            counts.append(Headcount(structure.id, structure.name, service.code, total, menus, note))
        return counts


def _enrollable_child(uow: UnitOfWork, principal: Principal, child_id: str, family_number: str | None) -> Child:
    """A child the agent sees the planning of, or one of another organisation named with its N° famille."""
    try:
        return planning_scope(uow, principal, child_id).child
    except NotFound:
        child = uow.families.get_child(child_id)
        number = (family_number or "").strip()
        if child is None or not number:
            raise
        if not any((family := uow.families.get(f)) is not None and family.number == number
                   for f in child.family_ids):
            raise NotFound(access.CHILD_NOT_FOUND) from None
        return child


_ALREADY_DECIDED = "Cette {} a déjà été traitée."
_Decided = TypeVar("_Decided", BookingRecord, AbsenceRecord)


def _pending(record: _Decided | None, organisation: str, pending: BookingStatus | AbsenceStatus,
             what: str) -> _Decided:
    """`record` if it waits for a decision of `organisation`: else « <What> introuvable. » (none, or
    another organisation's) or the conflict of a request already decided."""
    if record is None or record.organisation_code != organisation:
        raise NotFound(f"{what.capitalize()} introuvable.")
    if record.state.status is not pending:
        raise Conflict(_ALREADY_DECIDED.format(what))
    return record


def _recipients(uow: UnitOfWork, child_id: str) -> list[Recipient]:
    child = uow.families.get_child(child_id)
    recipients = []
    for family_id in child.family_ids if child else ():
        family, account = uow.families.get(family_id), uow.accounts.by_family(family_id)
        if family is None or account is None:
            continue
        responsable = family.responsable
        recipients.append(Recipient(
            account_id=account.id, display_name=responsable.full_name, email=responsable.email or account.email,
            mobile=responsable.mobile, email_allowed=responsable.autorisation_courriel,
            sms_allowed=responsable.autorisation_sms,
        ))
    return recipients


def _event(record: BookingRecord | AbsenceRecord, kind: EventKind, now: datetime, principal: Principal,
           in_time: bool, reason: str | None) -> PlanningEvent:
    return PlanningEvent(
        id=str(uuid.uuid4()), organisation_code=record.organisation_code, child_id=record.child_id,
        service_code=record.service_code, day=record.day, kind=kind, at=now, by=principal.account_id,
        by_agent=True, in_time=in_time, reason=reason, rule_id=record.rule_id,
    )

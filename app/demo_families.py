"""The scaled demo: `famille demo --families N` adds N families to the Saint-Vérand demo commune.

Logins `famille00001` … (five digits), all with the password `Portail2026` (hashed once), two
children each enrolled in the four services of the current school year, and the month before
the current one filled with bookings, absences and attendance, as a commune would have it after
a month. The rows are the repositories' own translations of kernel values (nothing restated),
written by bulk inserts in one transaction: all of a call's families or none. Idempotent:
families already there are left as they are, and only the missing logins are created.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, select

from famille.adapters.sqlalchemy import tables as t
from famille.adapters.sqlalchemy.accounts import account_to_values
from famille.adapters.sqlalchemy.bulk import bulk_insert
from famille.adapters.sqlalchemy.families.record_translation import family_sections_to_values
from famille.adapters.sqlalchemy.families.translation import child_to_values, family_to_values
from famille.adapters.sqlalchemy.planning import (
    absence_to_values,
    attendance_to_values,
    booking_to_values,
    enrolment_to_values,
)
from famille.bootstrap import Wiring
from famille.demo import DEMO_ORGANISATION, load_demo
from famille.kernel.accounts.model import Account, Role
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.families.records import CafInfo, FamilySections
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.planning.inputs import (
    Attendance,
    AttendanceStatus,
    BookingState,
    Enrolment,
    declare_absence,
)
from famille.kernel.planning.records import AbsenceRecord, AttendanceRecord, BookingRecord

PASSWORD = "Portail2026"
LOGIN_PREFIX = "famille"
SERVICES = ("GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION")
REASONS = ("RAISON MEDICALE", "AUTRES", "VOYAGE OU SORTIE SCOLAIRE")
QUOTIENTS = (None, 350, 620, 880, 1150, 1600)
FIRST_NAMES = ("LOU", "NOAH", "JADE", "GABRIEL", "LÉA", "RAPHAËL", "EMMA", "LOUIS", "ALICE", "JULES")
_NS = uuid.UUID("6f1c2d3e-0000-4000-8000-00000000f4a1")


def login_of(index: int) -> str:
    """The login of the `index`-th scaled family (1-based): famille00001."""
    return f"{LOGIN_PREFIX}{index:05d}"


def _id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


_ROWS_PREFIX = uuid.uuid5(_NS, "rows").int >> 64 << 64


def _row_ids(index: int) -> Iterator[str]:
    """Ids for a family's booking and absence rows, ascending (index pages fill in order: twice as
    fast as random uuids) and unique across families and runs."""
    base = _ROWS_PREFIX | index << 24
    return (str(uuid.UUID(int=base | n)) for n in itertools.count())


def load_families(wiring: Wiring, count: int) -> int:
    """Make sure families 1 to `count` exist (with the base demo); how many were created now."""
    if not 0 <= count <= 99_999:
        raise ValueError("--families : un nombre entre 0 et 99999 (les identifiants ont cinq chiffres)")
    load_demo(wiring)
    clock = wiring.portal.clock
    now = clock.now()
    first = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)  # the previous month
    last = now.date().replace(day=1) - timedelta(days=1)
    with wiring.uow() as uow:
        setup = OrganisationSetup.load(uow, DEMO_ORGANISATION, first, last, wiring.calendar, wiring.rules)
    calendar = setup.calendar(first)
    open_days = {service: [d for d in _days(first, last) if calendar.is_bookable(d, service)] for service in SERVICES}
    wanted = {login_of(i): i for i in range(1, count + 1)}
    with wiring.engine.begin() as connection:
        existing = {row.login for row in connection.execute(
            select(t.accounts.c.login).where(t.accounts.c.organisation_code == DEMO_ORGANISATION,
                                             t.accounts.c.login.like(f"{LOGIN_PREFIX}%")))}
        missing = [index for login, index in wanted.items() if login not in existing]
        if not missing:
            return 0
        password_hash = wiring.hasher.hash(PASSWORD)  # one argon2 hash for every scaled account
        rows = _Rows(now, SchoolYear.containing(now.date()), open_days, password_hash,
                     {code: service.structure_id for code, service in setup.services.items()})
        for index in missing:
            rows.family(index)
        for table, values in rows.in_order():
            bulk_insert(connection, table, values)
    return len(missing)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


class _Rows:
    """The rows of the new families, table by table, built from kernel values."""

    def __init__(self, now: datetime, year: SchoolYear, open_days: dict[str, list[date]], password_hash: str,
                 structures: dict[str, str]) -> None:
        self.now, self.year, self.open_days, self.password_hash = now, year, open_days, password_hash
        self.structures = structures  # the demo commune's structure of each service
        self.tables: dict[Table, list[dict[str, Any]]] = {table: [] for table in (
            t.families, t.family_records, t.children, t.child_families, t.accounts, t.enrolments, t.bookings,
            t.absences, t.attendance)}

    def in_order(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        """The tables in the order their foreign keys need."""
        return list(self.tables.items())

    def family(self, index: int) -> None:
        rng = random.Random(index)  # the same family on every machine
        login = login_of(index)
        nom = f"FAMILLE{index:05d}"
        family = Family(
            id=_id(f"family:{login}"), organisation_code=DEMO_ORGANISATION, number=f"9{index:011d}",
            responsable=Adult(nom=nom, prenom="CAMILLE", civilite=Civilite.MADAME, qualite="Mère",
                              adresse=f"{index} RUE DES ÉCOLES", code_postal="38160", ville="SAINT-VÉRAND",
                              mobile=f"+336{index:08d}", email=f"{login}@example.org"),
        )
        self.tables[t.families].append(family_to_values(family))
        self.tables[t.family_records].append(family_sections_to_values(
            family.id, FamilySections(caf=CafInfo(quotient_familial=rng.choice(QUOTIENTS)))))
        self.tables[t.accounts].append(account_to_values(Account(
            id=_id(f"account:{login}"), login=login, role=Role.FAMILY, organisation_code=DEMO_ORGANISATION,
            display_name=f"CAMILLE {nom}", family_id=family.id, email=f"{login}@example.org",
            password_hash=self.password_hash, password_changed_at=self.now)))
        ids = _row_ids(index)
        for rank in range(2):
            child = Child(
                id=_id(f"child:{login}:{rank}"), organisation_code=DEMO_ORGANISATION, nom=nom,
                prenom=rng.choice(FIRST_NAMES), sexe=rng.choice((Sexe.F, Sexe.M)),
                date_naissance=date(self.year.start.year - 10 + rank * 3, 1 + rng.randrange(12), 1 + rng.randrange(28)),
                family_ids=(family.id,), scolarite="École de Saint-Vérand")
            self.tables[t.children].append(child_to_values(child))
            self.tables[t.child_families].append({"child_id": child.id, "family_id": family.id, "position": 0})
            self._month(rng, login, child, ids)

    def _month(self, rng: random.Random, login: str, child: Child, ids: Iterator[str]) -> None:
        requested_at = self.now - timedelta(days=45)
        booked = BookingState.asked(login, requested_at, True, accepted=True)  # a rule with no validation
        batch = _id(f"batch:{child.id}")
        for service in SERVICES:
            self.tables[t.enrolments].append(enrolment_to_values(
                Enrolment(child.id, service, self.year.start, self.year.end, organisation_code=DEMO_ORGANISATION,
                          structure_id=self.structures[service])))
            timed = service != "RESTAURATION"
            for day in self.open_days[service]:
                if rng.random() < 0.15:  # not every day is booked
                    continue
                self.tables[t.bookings].append(booking_to_values(BookingRecord(
                    next(ids), DEMO_ORGANISATION, child.id, service, day, booked), batch))
                draw = rng.random()
                if draw < 0.04:
                    declared = datetime.combine(day - timedelta(days=rng.choice((0, 3))), time(8, 0),
                                                tzinfo=self.now.tzinfo)
                    midnight = datetime.combine(day, time(0, 0), tzinfo=self.now.tzinfo)  # in time: before the day
                    state = declare_absence(now=declared, deadline=midnight, reason=rng.choice(REASONS),
                                            by=login).accepted()
                    self.tables[t.absences].append(absence_to_values(AbsenceRecord(
                        next(ids), DEMO_ORGANISATION, child.id, service, day, state)))
                    presence = Attendance(AttendanceStatus.ABSENT)
                else:
                    hours = (time(7, 30), time(8, 20)) if service == "GARDERIE MATIN" else (
                        (time(16, 30), time(18, 0 if draw < 0.9 else 30)) if service == "GARDERIE SOIR" else
                        (time(11, 45), time(13, 30)))
                    presence = Attendance(AttendanceStatus.PRESENT, *hours) if timed else Attendance(
                        AttendanceStatus.PRESENT)
                recorded = datetime.combine(day, time(19, 0), tzinfo=self.now.tzinfo)
                self.tables[t.attendance].append(attendance_to_values(AttendanceRecord(
                    child.id, service, day, DEMO_ORGANISATION, presence, "agent", recorded)))

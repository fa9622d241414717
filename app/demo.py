"""Demo data from the guide: the ZTEST PAYS family and its three children, and a second organisation.

The guide's children were born in 2006, 2012 and 2014; the demo moves them ten
years on so that they are of school and crèche age today.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from famille.bootstrap import Wiring
from famille.kernel.accounts.model import Account, Role
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.planning.contract import Contract, contract_bookings
from famille.kernel.planning.inputs import (
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import AttendanceRecord, BookingRecord
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)
from famille.ports.persistence import UnitOfWork

DEMO_ORGANISATION = "saint-verand"
OTHER_ORGANISATION = "rpi-varacieux"

#: The demo logins documented in README.md.
DEMO_LOGINS = {
    "ztest": "Portail2026",
    "agent": "Agent2026x",
    "martin": "Martin2026x",
    "agent-varacieux": "Agent2026y",
}

#: The SEPA creditor data the demo organisations get (test values).
DEMO_CREDITOR_IBAN = "FR7630006000011234567890189"
DEMO_CREDITOR_BIC = "AGRIFRPPXXX"
DEMO_CREDITOR_ICS = "FR12ZZZ123456"
#: Opening hours of the demo's services (Europe/Paris), shown in the families' calendars.
DEMO_HOURS = {
    "GARDERIE MATIN": (time(7, 30), time(8, 30)),
    "GARDERIE MIDI": (time(11, 45), time(12, 15)),
    "GARDERIE SOIR": (time(16, 30), time(18, 30)),
    "RESTAURATION": (time(12, 0), time(13, 30)),
}

_NS = uuid.UUID("6f1c2d3e-0000-4000-8000-000000000000")


def _id(name: str) -> str:
    """Stable ids, so the demo reads the same on every machine."""
    return str(uuid.uuid5(_NS, name))


def load_demo(wiring: Wiring) -> bool:
    """Load the demo data unless it is there already; True when something was created."""
    with wiring.uow() as uow:
        if uow.organisations.get(DEMO_ORGANISATION) is not None:
            return False
        now = wiring.portal.clock.now()
        _organisation(uow, DEMO_ORGANISATION, "Commune de Saint-Vérand", OrganisationKind.COMMUNE)
        _organisation(uow, OTHER_ORGANISATION, "RPI de Varacieux", OrganisationKind.RPI)
        _ztest_family(uow, now)
        _martin_family(uow)
        _enrol_school_children(uow, now)
        _creche(uow, wiring, now)
        for login, organisation, name in (
            ("agent", DEMO_ORGANISATION, "Mme Agent"),
            ("agent-varacieux", OTHER_ORGANISATION, "M. Agent"),
        ):
            uow.accounts.add(Account(id=_id(f"account:{login}"), login=login, role=Role.AGENT,
                                     organisation_code=organisation, display_name=name,
                                     email=f"{login}@mairie.example"))
        uow.commit()
    for login, password in DEMO_LOGINS.items():
        wiring.portal.authentication.set_initial_password(_id(f"account:{login}"), password)
    for code, name in ((DEMO_ORGANISATION, "Commune de Saint-Verand"), (OTHER_ORGANISATION, "RPI de Varacieux")):
        # valid-looking test values (a bank's published test IBAN), never a real account
        wiring.portal.billing_setup.set_creditor(code, name, DEMO_CREDITOR_IBAN, DEMO_CREDITOR_BIC, DEMO_CREDITOR_ICS)
    return True


def _organisation(uow: UnitOfWork, code: str, name: str, kind: OrganisationKind) -> None:
    uow.organisations.add(Organisation(code=code, name=name, kind=kind, school_zone="A"))
    cantine = Structure(id=_id(f"{code}:cantine"), organisation_code=code,
                        name=f"Restaurant scolaire — {name}", kind=StructureKind.CANTINE,
                        pratiques=("--Aucun--", "Sans porc", "PAI"))
    garderie = Structure(id=_id(f"{code}:garderie"), organisation_code=code,
                         name=f"Garderie périscolaire — {name}", kind=StructureKind.GARDERIE)
    uow.organisations.add_structure(cantine)
    uow.organisations.add_structure(garderie)
    for structure, service in (
        (garderie, "GARDERIE MATIN"),
        (garderie, "GARDERIE MIDI"),
        (garderie, "GARDERIE SOIR"),
        (cantine, "RESTAURATION"),
    ):
        weekdays = (0, 1, 2, 3, 4) if service == "GARDERIE MATIN" else (0, 1, 3, 4)  # the morning also on Wednesday
        opens, closes = DEMO_HOURS[service]
        uow.organisations.add_service(Service(id=_id(f"{code}:{service}"), structure_id=structure.id,
                                              code=service, name=service, weekdays=weekdays,
                                              opens_at=opens, closes_at=closes))


def _ztest_family(uow: UnitOfWork, now: datetime) -> None:
    family = Family(
        id=_id("family:ztest"),
        organisation_code=DEMO_ORGANISATION,
        number="381623867924",
        responsable=Adult(
            nom="ZTEST", prenom="PAYS", civilite=Civilite.MADAME, qualite="Mère",
            adresse="7 RUE DU COLOMBIER", code_postal="38160", ville="SAINT-MARCELLIN",
            telephone_domicile="+33476000000", mobile="+33601020304", email="payss@ztest.fr",
            autorisation_courriel=True, autorisation_sms=True,
        ),
        conjoint=Adult(
            nom="ZTEST", prenom="COMMUNAUTE", code_postal="38160", ville="SAINT-MARCELLIN",
            telephone_domicile="+33476000000", email="communaute@ztest.fr",
        ),
    )
    uow.families.add(family)
    for prenom, sexe, born in (("COMMUNE", Sexe.F, date(2016, 1, 1)), ("CRECHE", Sexe.M, date(2022, 1, 1)),
                               ("PRINCESSE", Sexe.F, date(2024, 1, 1))):
        uow.families.add_child(Child(
            id=_id(f"child:ztest:{prenom}"), organisation_code=DEMO_ORGANISATION, nom="ZTEST",
            prenom=prenom, sexe=sexe, date_naissance=born, family_ids=(family.id,),
            scolarite="École de Saint-Vérand",
        ))
    account_id = _id("account:ztest")
    uow.accounts.add(Account(id=account_id, login="ztest", role=Role.FAMILY,
                             organisation_code=DEMO_ORGANISATION, display_name="PAYS ZTEST",
                             family_id=family.id, email="payss@ztest.fr"))
    uow.inbox.add(InboxMessage(
        id=_id("message:ztest:bienvenue"), account_id=account_id,
        subject="Bienvenue sur le portail famille",
        body="Bonjour, vérifiez dès maintenant les informations de votre famille et de vos enfants.",
        created_at=now, sender="Commune de Saint-Vérand",
    ))


def _martin_family(uow: UnitOfWork) -> None:
    family = Family(
        id=_id("family:martin"), organisation_code=OTHER_ORGANISATION, number="381620000001",
        responsable=Adult(nom="MARTIN", prenom="JULIE", civilite=Civilite.MADAME, qualite="Mère",
                          mobile="+33611223344", email="julie.martin@example.org",
                          autorisation_courriel=True),
    )
    uow.families.add(family)
    uow.families.add_child(Child(
        id=_id("child:martin:LEO"), organisation_code=OTHER_ORGANISATION, nom="MARTIN", prenom="LEO",
        sexe=Sexe.M, date_naissance=date(2018, 5, 14), family_ids=(family.id,),
        scolarite="École de Varacieux",
    ))
    uow.accounts.add(Account(id=_id("account:martin"), login="martin", role=Role.FAMILY,
                             organisation_code=OTHER_ORGANISATION, display_name="JULIE MARTIN",
                             family_id=family.id, email="julie.martin@example.org"))


def _enrol_school_children(uow: UnitOfWork, now: datetime) -> None:
    """Enrol the school-age demo children in four services for the current school year: LEO at his RPI's;
    COMMUNE at her commune's canteen and garderie, but the evening garderie at the RPI de Varacieux's,
    where her agenda shows it under the RPI's deadlines and closures, and the RPI bills it."""
    year = SchoolYear.containing(now.date())
    services = ("GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION")
    places = {"GARDERIE SOIR": OTHER_ORGANISATION}
    uow.planning.add_enrolments(
        [Enrolment(_id("child:martin:LEO"), service, year.start, year.end, organisation_code=OTHER_ORGANISATION,
                   structure_id=_structure_id(OTHER_ORGANISATION, service)) for service in services]
        + [Enrolment(_id("child:ztest:COMMUNE"), service, year.start, year.end,
                     organisation_code=places.get(service, DEMO_ORGANISATION),
                     structure_id=_structure_id(places.get(service, DEMO_ORGANISATION), service))
           for service in services])


def _structure_id(organisation: str, service: str) -> str:
    """The demo structure of an organisation offering `service`."""
    return _id(f"{organisation}:{'cantine' if service == 'RESTAURATION' else 'garderie'}")


#: The crèche's contract of the demo's CRECHE child: Monday, Tuesday and Thursday, 8:30 to 17:30.
CRECHE_CONTRACT = Contract((0, 1, 3), time(8, 30), time(17, 30))


def _creche(uow: UnitOfWork, wiring: Wiring, now: datetime) -> None:
    """Saint-Vérand's multi-accueil, and CRECHE under a « contrat régulier » there from the first day of the
    month to the end of the school year: its contract days booked; the days already past pointed at the
    contract's hours, the last one 8:10–18:05 (« Heure hors contrat Régulier »); the next Wednesday booked
    outside the contract (« Réservations Hors Contrat »). Earlier months stay empty (no walk's bill changes)."""
    structure = Structure(id=_id(f"{DEMO_ORGANISATION}:creche"), organisation_code=DEMO_ORGANISATION,
                          name="Multi-accueil Les Petits Pas — Commune de Saint-Vérand", kind=StructureKind.CRECHE)
    uow.organisations.add_structure(structure)
    uow.organisations.add_service(Service(id=_id(f"{DEMO_ORGANISATION}:CRECHE"), structure_id=structure.id,
                                          code="CRECHE", name="CRECHE", weekdays=(0, 1, 2, 3, 4),
                                          opens_at=time(7, 30), closes_at=time(18, 30)))
    today = now.date()
    year = SchoolYear.containing(today)
    child, agent = _id("child:ztest:CRECHE"), _id("account:agent")
    enrolment = CRECHE_CONTRACT.on(Enrolment(child, "CRECHE", max(today.replace(day=1), year.start), year.end,
                                             organisation_code=DEMO_ORGANISATION, structure_id=structure.id))
    uow.planning.add_enrolments([enrolment])
    setup = OrganisationSetup.load(uow, DEMO_ORGANISATION, today, today, wiring.calendar, wiring.rules)
    booked = contract_bookings(enrolment, setup.calendar, by=agent, now=now)
    later = [day for day in (today.fromordinal(today.toordinal() + n) for n in range(1, 15))
             if day.weekday() == 2 and setup.calendar(day).is_bookable(day, "CRECHE")]
    if later:
        extra = BookingState(BookingStatus.ACCEPTED, _id("account:ztest"), now, in_time=True, decided_by=agent,
                             decided_at=now)
        booked.append(BookingRecord(_id(f"booking:creche:{later[0]}"), DEMO_ORGANISATION, child, "CRECHE",
                                    later[0], extra, "creche-deux-jours-ouvres-12h"))
    uow.planning.add_bookings(booked, _id("batch:creche"))
    past = [b.day for b in booked if b.day < today]
    for day in past:
        hours = (time(8, 10), time(18, 5)) if day == past[-1] else CRECHE_CONTRACT.hours
        uow.planning.set_attendance(AttendanceRecord(child, "CRECHE", day, DEMO_ORGANISATION, Attendance(
            AttendanceStatus.PRESENT, *hours), agent, now))

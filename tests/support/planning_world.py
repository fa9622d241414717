"""Two organisations with their services, families, enrolled children and agents, in any unit of work.

Used by the database tests and the planning benchmark: the same data on SQLite,
PostgreSQL or the fakes.
"""

from __future__ import annotations

from datetime import date

from famille.kernel.accounts.model import Account, Principal, Role
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)
from famille.ports.persistence import UnitOfWorkFactory

SERVICES = ("GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION")
SCHOOL_START, SCHOOL_END = date(2026, 9, 1), date(2027, 8, 31)


def seed_organisation(uow_factory: UnitOfWorkFactory, code: str) -> None:
    """An organisation (zone A) with a canteen and a garderie offering the four services."""
    with uow_factory() as uow:
        uow.organisations.add(Organisation(code, f"Commune {code}", OrganisationKind.COMMUNE, school_zone="A"))
        cantine = Structure(f"{code}-cantine", code, f"Cantine {code}", StructureKind.CANTINE,
                            pratiques=("--Aucun--", "Sans porc"))
        garderie = Structure(f"{code}-garderie", code, f"Garderie {code}", StructureKind.GARDERIE)
        uow.organisations.add_structure(cantine)
        uow.organisations.add_structure(garderie)
        for service in SERVICES:
            structure = cantine if service == "RESTAURATION" else garderie
            weekdays = (0, 1, 2, 3, 4) if service == "GARDERIE MATIN" else (0, 1, 3, 4)
            uow.organisations.add_service(Service(f"{code}-{service}", structure.id, service, service, weekdays))
        uow.accounts.add(Account(f"agent-{code}", f"agent.{code}", Role.AGENT, code, f"Agent {code}"))
        uow.commit()


def seed_families(uow_factory: UnitOfWorkFactory, code: str, count: int, *, children_each: int = 1,
                  start: int = 0) -> list[tuple[str, list[str]]]:
    """`count` families of `code`, each with an account and enrolled children: [(family id, child ids)]."""
    made = []
    with uow_factory() as uow:
        enrolments = []
        for n in range(start, start + count):
            family = Family(f"{code}-fam-{n}", code, f"{code}-{n}", Adult(f"NOM{n}", f"Prénom{n}"))
            uow.families.add(family)
            uow.accounts.add(Account(f"{code}-acc-{n}", f"{code}.famille{n}", Role.FAMILY, code, f"Famille {n}",
                                     family_id=family.id))
            ids = []
            for k in range(children_each):
                child = Child(f"{code}-enf-{n}-{k}", code, f"NOM{n}", f"Enfant{k}", Sexe.F, date(2018, 1, 1 + k),
                              (family.id,))
                uow.families.add_child(child)
                ids.append(child.id)
                enrolments += [Enrolment(child.id, s, SCHOOL_START, SCHOOL_END) for s in SERVICES]
            made.append((family.id, ids))
        uow.planning.add_enrolments(enrolments)
        uow.commit()
    return made


def family_principal(code: str, n: int) -> Principal:
    """The principal of family `n` of `code`."""
    return Principal(f"{code}-acc-{n}", f"{code}.famille{n}", Role.FAMILY, code, f"{code}-fam-{n}", "s")


def agent_principal(code: str) -> Principal:
    """The principal of the agent of `code`."""
    return Principal(f"agent-{code}", f"agent.{code}", Role.AGENT, code, None, "s")

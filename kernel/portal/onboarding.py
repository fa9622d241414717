"""Bringing families in: an agent creates a family with its account and children, enrols the
children, and sends the first-activation link.

It spans three contexts (accounts, families, planning), which is why it lives in the portal.
Everything of one family is written in one unit of work: a refusal leaves nothing behind.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import date, datetime

import attrs

from famille.kernel.accounts.authentication import ACTIVATION_LIFETIME, Authentication
from famille.kernel.accounts.model import Account, Principal, Role
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.families import access
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import describe_date
from famille.kernel.shared.organisations import Service, Structure
from famille.ports.clock import Clock
from famille.ports.notification import Notice, Notifier, Recipient
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory

NUMBER_MAX = 20


@attrs.frozen
class NewEnrolment:
    """A child's enrolment in a service of one of the organisation's structures, from `start`."""

    service_code: str
    structure_id: str
    start: date
    end: date | None = None


@attrs.frozen
class NewChild:
    """A child to create, with its enrolments."""

    nom: str
    prenom: str
    sexe: Sexe
    date_naissance: date
    enrolments: tuple[NewEnrolment, ...] = ()


@attrs.frozen
class NewFamily:
    """A family to create: its responsable (who gets the account), conjoint, children and N° famille.

    Without `number`, the family gets the next free one of the form `F-XXXXXX`.
    """

    responsable: Adult
    conjoint: Adult | None = None
    children: tuple[NewChild, ...] = ()
    number: str | None = None


@attrs.frozen
class Onboarded:
    """What was created: the family, its responsable's account (not yet activated) and its children."""

    family: Family
    account: Account
    children: tuple[Child, ...]


@attrs.frozen
class ActivationSent:
    """An activation link sent: to whom, and until when it works."""

    family_id: str
    login: str
    email: str
    expires_at: datetime


class Onboarding:
    """The agents' use cases that bring families into the portal."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, authentication: Authentication,
                 notifier: Notifier, *, portal_url: str) -> None:
        self._uow = uow
        self._clock = clock
        self._authentication = authentication
        self._notifier = notifier
        self._portal_url = portal_url.rstrip("/")

    def create_family(self, agent: Principal, new: NewFamily) -> Onboarded:
        """Create the family, its account, its children and their enrolments, or refuse naming each field."""
        organisation = _require_agent(agent)
        with self._uow() as uow:
            errors = [*_adult_errors(new.responsable, "responsable"),
                      *(_adult_errors(new.conjoint, "conjoint") if new.conjoint is not None else [])]
            number = (new.number or "").strip()
            if len(number) > NUMBER_MAX:
                errors.append(FieldError("number", f"Le N° famille compte {NUMBER_MAX} caractères au plus."))
            elif number and uow.families.by_number(organisation, number) is not None:
                errors.append(FieldError("number", f"Le N° famille « {number} » est déjà utilisé."))
            errors += self._children_errors(uow, organisation, new.children)
            if errors:
                raise ValidationFailed(errors)
            family = Family(id=str(uuid.uuid4()), organisation_code=organisation,
                            number=number or _free_number(uow, organisation),
                            responsable=new.responsable, conjoint=new.conjoint)
            account = Account(id=str(uuid.uuid4()), login=_free_login(uow, new.responsable),
                              role=Role.FAMILY, organisation_code=organisation,
                              display_name=new.responsable.full_name, family_id=family.id,
                              email=new.responsable.email)
            children = tuple(Child(id=str(uuid.uuid4()), organisation_code=organisation, nom=c.nom.strip(),
                                   prenom=c.prenom.strip(), sexe=c.sexe, date_naissance=c.date_naissance,
                                   family_ids=(family.id,)) for c in new.children)
            uow.families.add(family)
            uow.accounts.add(account)
            for child in children:
                uow.families.add_child(child)
            uow.planning.add_enrolments([Enrolment(child.id, e.service_code, e.start, e.end, organisation_code=organisation,
                                                   structure_id=e.structure_id)
                                         for child, c in zip(children, new.children, strict=True)
                                         for e in c.enrolments])
            uow.commit()
        return Onboarded(family, account, children)

    def offer(self, agent: Principal) -> tuple[tuple[Structure, tuple[Service, ...]], ...]:
        """The agent's organisation's structures, each with the services a child can be enrolled in."""
        organisation = _require_agent(agent)
        with self._uow() as uow:
            services = uow.organisations.services(organisation)
            return tuple((structure, tuple(s for s in services if s.structure_id == structure.id))
                         for structure in uow.organisations.structures(organisation))

    def add_child(self, agent: Principal, family_id: str, new: NewChild) -> Child:
        """Add a child (and its enrolments) to a family of the agent's organisation, or refuse naming each field.

        The fields are named as in `create_family`, under `children[0]`.
        """
        organisation = _require_agent(agent)
        with self._uow() as uow:
            family = access.visible_family(uow, agent, family_id)
            errors = self._children_errors(uow, organisation, [new])
            if errors:
                raise ValidationFailed(errors)
            child = Child(id=str(uuid.uuid4()), organisation_code=organisation, nom=new.nom.strip(),
                          prenom=new.prenom.strip(), sexe=new.sexe, date_naissance=new.date_naissance,
                          family_ids=(family.id,))
            uow.families.add_child(child)
            uow.planning.add_enrolments([Enrolment(child.id, e.service_code, e.start, e.end, organisation_code=organisation,
                                                   structure_id=e.structure_id) for e in new.enrolments])
            uow.commit()
        return child

    def send_activation(self, agent: Principal, family_id: str) -> ActivationSent:
        """E-mail the family's responsable a single-use link to choose a password (valid 30 days).

        Refused when the account is already activated, or when the family has no e-mail address.
        """
        _require_agent(agent)
        with self._uow() as uow:
            family = access.visible_family(uow, agent, family_id)
            account = uow.accounts.by_family(family_id)
        if account is None:
            raise NotFound("Cette famille n'a pas de compte.")
        if account.password_hash is not None:
            raise Conflict("Ce compte est déjà activé : la famille peut utiliser « Mot de passe oublié ».")
        email = family.responsable.email or account.email
        if not email:
            raise ValidationFailed([FieldError(
                "email", "La famille n'a pas d'adresse électronique : renseignez-la avant d'envoyer le lien.")])
        return self._send_link(family, account, email)

    def import_families(self, organisation: str, rows: Sequence[ImportRow], refused: Sequence[RowRefused] = (),
                        *, dry_run: bool) -> ImportReport:
        """Import a commune's families (see `import_families`); for the operator's command line."""
        return import_families(self._uow, self._clock, organisation, rows, refused, dry_run=dry_run)

    def import_for(self, agent: Principal, rows: Sequence[ImportRow], refused: Sequence[RowRefused] = (),
                   *, dry_run: bool) -> ImportReport:
        """An agent imports a file into its own organisation (see `import_families`)."""
        return import_families(self._uow, self._clock, _require_agent(agent), rows, refused, dry_run=dry_run)

    def send_activations_for(self, agent: Principal) -> ActivationReport:
        """An agent sends the activation links of its own organisation (see `send_activations`)."""
        return self.send_activations(_require_agent(agent))

    def send_activations(self, organisation: str) -> ActivationReport:
        """E-mail an activation link to every family of the organisation whose account is not activated."""
        with self._uow() as uow:
            if uow.organisations.get(organisation) is None:
                raise NotFound(f"Organisation « {organisation} » introuvable.")
            waiting = [(family, account) for family in uow.families.of_organisation(organisation)
                       for account in [uow.accounts.by_family(family.id)]
                       if account is not None and account.password_hash is None]
        sent, without = 0, []
        for family, account in waiting:
            email = family.responsable.email or account.email
            if email:
                self._send_link(family, account, email)
                sent += 1
            else:
                without.append(family.number)
        return ActivationReport(sent, tuple(without))

    def _send_link(self, family: Family, account: Account, email: str) -> ActivationSent:
        token = self._authentication.issue_activation(account.id)
        expires_at = self._clock.now() + ACTIVATION_LIFETIME
        self._notifier.notify(
            Recipient(account_id=account.id, display_name=account.display_name, email=email),
            Notice(
                subject="Activez votre compte du portail famille",
                body=(
                    f"Bonjour {account.display_name},\n\n"
                    "Votre commune a ouvert votre compte sur le portail famille "
                    f"(identifiant : {account.login}).\n"
                    "Choisissez votre mot de passe par ce lien ; il ne sert qu'une fois et reste valable "
                    f"jusqu'au {describe_date(expires_at.date())} :\n"
                    f"{self._portal_url}/mot-de-passe/nouveau?jeton={token}\n"
                ),
            ),
            urgent=True,
        )
        return ActivationSent(family.id, account.login, email, expires_at)

    def _children_errors(self, uow: UnitOfWork, organisation: str,
                         children: Sequence[NewChild]) -> list[FieldError]:
        today = self._clock.now().date()
        structures = {s.id for s in uow.organisations.structures(organisation)}
        services = {(s.structure_id, s.code) for s in uow.organisations.services(organisation)}
        errors = []
        for n, child in enumerate(children):
            where = f"children[{n}]"
            for name, label in (("nom", "Le nom"), ("prenom", "Le prénom")):
                if not getattr(child, name).strip():
                    errors.append(FieldError(f"{where}.{name}", f"{label} de l'enfant est obligatoire."))
            if child.date_naissance > today:
                errors.append(FieldError(f"{where}.date_naissance",
                                         "La date de naissance ne peut pas être dans le futur."))
            for m, enrolment in enumerate(child.enrolments):
                at = f"{where}.enrolments[{m}]"
                if enrolment.structure_id not in structures:
                    errors.append(FieldError(f"{at}.structure",
                                             f"La structure « {enrolment.structure_id} » n'existe pas "
                                             "dans votre organisation."))
                elif (enrolment.structure_id, enrolment.service_code) not in services:
                    errors.append(FieldError(f"{at}.service",
                                             f"Le service « {enrolment.service_code} » n'existe pas dans la "
                                             f"structure « {enrolment.structure_id} »."))
                if enrolment.end is not None and enrolment.end < enrolment.start:
                    errors.append(FieldError(f"{at}.end", "La fin de l'inscription précède son début."))
        return errors


def _require_agent(principal: Principal) -> str:
    if not principal.is_agent:
        raise Forbidden("Cette action est réservée aux agents.")
    return principal.organisation_code


def _adult_errors(adult: Adult, where: str) -> list[FieldError]:
    who = "du responsable" if where == "responsable" else "du conjoint"
    return [FieldError(f"{where}.{name}", f"{label} {who} est obligatoire.")
            for name, label in (("nom", "Le nom"), ("prenom", "Le prénom")) if not (getattr(adult, name) or "").strip()]


def _free_number(uow: UnitOfWork, organisation: str) -> str:
    while True:
        number = f"F-{uuid.uuid4().hex[:6].upper()}"
        if uow.families.by_number(organisation, number) is None:
            return number


def _free_login(uow: UnitOfWork, responsable: Adult) -> str:
    """The responsable's e-mail address when free, else « prenom.nom » (then « prenom.nom2 »…)."""
    if responsable.email and uow.accounts.by_login(responsable.email) is None:
        return responsable.email.lower()
    plain = unicodedata.normalize("NFKD", f"{responsable.prenom}.{responsable.nom}").encode("ascii", "ignore")
    base = re.sub(r"[^a-z0-9.]+", "-", plain.decode().lower()).strip("-.") or "famille"
    login, n = base, 1
    while uow.accounts.by_login(login) is not None:
        n += 1
        login = f"{base}{n}"
    return login


# --- importing a commune's families --------------------------------------------------------------


@attrs.frozen
class ImportRow:
    """One row of an import file, read: a family (by its id in the previous software), one child and
    the service and structure (id or name) it is enrolled in. `line` is the row's line in the file."""

    line: int
    external_id: str
    responsable: Adult
    child: NewChild
    service_code: str
    structure: str


@attrs.frozen
class RowRefused:
    """A row left out, with its line in the file and why (in French)."""

    line: int
    reason: str


@attrs.frozen
class ImportReport:
    """What an import did (or would do, on a dry run)."""

    dry_run: bool
    families_created: int = 0
    families_updated: int = 0
    children_added: int = 0
    enrolments_added: int = 0
    refused: tuple[RowRefused, ...] = ()


@attrs.frozen
class ActivationReport:
    """Activation links sent in bulk: how many, and the N° famille of those without an e-mail address."""

    sent: int
    without_email: tuple[str, ...]


def import_families(uow_factory: UnitOfWorkFactory, clock: Clock, organisation: str, rows: Sequence[ImportRow],
                    refused: Sequence[RowRefused] = (), *, dry_run: bool) -> ImportReport:
    """Create or update the families of `rows` (idempotent on `external_id`, kept as the N° famille).

    A child is recognised by its name and date of birth, an enrolment by its service: importing
    the same file again changes nothing. Enrolments start with the school year (the coming one
    in July and August).

    A family whose rows have a refusal (here or in `refused`, the rows its reader could not read)
    is left out whole, each of its rows reported. Everything else is written in one transaction,
    or not at all on a dry run.
    """
    with uow_factory() as uow:
        if uow.organisations.get(organisation) is None:
            raise NotFound(f"Organisation « {organisation} » introuvable.")
        structures = uow.organisations.structures(organisation)
        services = {(s.structure_id, s.code) for s in uow.organisations.services(organisation)}
        today = clock.now().date()
        start = enrolment_start(today)
        problems = {r.line: r.reason for r in refused}
        for row in rows:
            reason = _row_problem(row, structures, services, today)
            if reason:
                problems[row.line] = reason
        bad_ids = {row.external_id for row in rows if row.line in problems}
        out = [RowRefused(line, reason) for line, reason in problems.items()]
        out += [RowRefused(row.line, f"famille « {row.external_id} » non importée : une autre de ses lignes "
                                     "est refusée") for row in rows
                if row.external_id in bad_ids and row.line not in problems]
        counts = {"created": 0, "updated": 0, "children": 0, "enrolments": 0}
        by_family: dict[str, list[ImportRow]] = {}
        for row in rows:
            if row.external_id not in bad_ids:
                by_family.setdefault(row.external_id, []).append(row)
        for external_id, family_rows in by_family.items():
            _import_family(uow, organisation, external_id, family_rows, structures, start, counts)
        if not dry_run:
            uow.commit()
    return ImportReport(dry_run, counts["created"], counts["updated"], counts["children"], counts["enrolments"],
                        tuple(sorted(out, key=lambda r: r.line)))


def enrolment_start(today: date) -> date:
    """The first day of an enrolment made today, unless told otherwise: the school year's first day
    (the coming one in July and August). Imported enrolments start there; the agents' form offers it."""
    year = SchoolYear.containing(today)
    return SchoolYear.starting(year.start.year + 1).start if today.month in (7, 8) else year.start


def _row_problem(row: ImportRow, structures: Sequence[Structure], services: set[tuple[str, str]],
                 today: date) -> str | None:
    if not row.external_id.strip() or len(row.external_id) > NUMBER_MAX:
        return f"external_id obligatoire ({NUMBER_MAX} caractères au plus)"
    for label, value in (("responsable_nom", row.responsable.nom), ("responsable_prenom", row.responsable.prenom),
                         ("enfant_nom", row.child.nom), ("enfant_prenom", row.child.prenom)):
        if not value.strip():
            return f"{label} obligatoire"
    if row.child.date_naissance > today:
        return "enfant_naissance : la date de naissance ne peut pas être dans le futur"
    if not row.service_code and not row.structure:
        return None  # a child without enrolment
    structure = _structure(structures, row.structure)
    if structure is None:
        return f"structure « {row.structure} » inconnue dans l'organisation"
    if (structure.id, row.service_code) not in services:
        return f"service « {row.service_code} » inconnu dans la structure « {structure.name} »"
    return None


def _structure(structures: Sequence[Structure], wanted: str) -> Structure | None:
    key = wanted.strip().casefold()
    return next((s for s in structures if key in (s.id.casefold(), s.name.casefold())), None)


def _import_family(uow: UnitOfWork, organisation: str, external_id: str, rows: Sequence[ImportRow],
                   structures: Sequence[Structure], start: date, counts: dict[str, int]) -> None:
    responsable = rows[0].responsable
    family = uow.families.by_number(organisation, external_id)
    if family is None:
        family = Family(id=str(uuid.uuid4()), organisation_code=organisation, number=external_id,
                        responsable=responsable)
        uow.families.add(family)
        counts["created"] += 1
    else:
        merged = attrs.evolve(family.responsable, **{
            name: value for name, value in attrs.asdict(responsable, recurse=False).items()
            if value not in (None, "", False)})
        if merged != family.responsable:
            uow.records.update_family(attrs.evolve(family, responsable=merged))
            counts["updated"] += 1
    if uow.accounts.by_family(family.id) is None:
        uow.accounts.add(Account(id=str(uuid.uuid4()), login=_free_login(uow, responsable), role=Role.FAMILY,
                                 organisation_code=organisation, display_name=responsable.full_name,
                                 family_id=family.id, email=responsable.email))
    for row in rows:
        key = (row.child.nom.casefold(), row.child.prenom.casefold(), row.child.date_naissance)
        child = next((c for c in uow.families.children_of(family.id)
                      if (c.nom.casefold(), c.prenom.casefold(), c.date_naissance) == key), None)
        if child is None:
            child = Child(id=str(uuid.uuid4()), organisation_code=organisation, nom=row.child.nom,
                          prenom=row.child.prenom, sexe=row.child.sexe, date_naissance=row.child.date_naissance,
                          family_ids=(family.id,))
            uow.families.add_child(child)
            counts["children"] += 1
        if not row.service_code:
            continue
        if all(e.service_code != row.service_code for e in uow.planning.enrolments_of(child.id)):
            uow.planning.add_enrolments([Enrolment(child.id, row.service_code, start)])
            counts["enrolments"] += 1

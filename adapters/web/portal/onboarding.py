"""The agents' pages that bring families in: a new family (responsable, conjoint, a first child),
a child added to a family, a child enrolled in a service of a structure, the first-activation
link, and the import of a commune's CSV file with the activation links in bulk.

Each page calls the kernel's `Onboarding` (the same use cases as the API and the command line),
for the agent's own organisation only; the CSV is read by `famille.adapters.families_csv`, as
the command line reads it. The fields are read by the record forms' readers (`record_fields`):
the same labels, checks and French messages as « Mon compte ».
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs
import falcon

from famille.adapters.families_csv import COLUMNS, FileRefused, read_rows
from famille.adapters.http.auth import AGENT
from famille.adapters.http.payloads import path_id
from famille.adapters.web.families.record_fields import ADULT, IDENTITE, Input, normalised, read_form
from famille.adapters.web.forms import UPLOAD_KEEP_BYTES, Form, posted, uploaded
from famille.adapters.web.portal.back_office import FamilyFilePage
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.families.model import Adult, Civilite, Sexe
from famille.kernel.portal.onboarding import NewChild, NewEnrolment, NewFamily, enrolment_start
from famille.kernel.shared.errors import Conflict, FieldError, NotFound, ValidationFailed

NUMBER_MAX = 20
#: The responsable's and the conjoint's fields on the « Nouvelle famille » form (the rest is the family's
#: to fill in from « Mon compte »).
RESPONSABLE = ("civilite", "nom", "prenom", "email", "mobile", "telephone_domicile", "adresse", "code_postal", "ville")
CONJOINT = ("civilite", "nom", "prenom", "email", "mobile")
CHILD = ("nom", "prenom", "sexe", "date_naissance")
SERVICE, START, END = "service", "debut", "fin"


def _inputs(prefix: str, section: Iterable[Input], names: tuple[str, ...], *, required: bool = True
            ) -> tuple[Input, ...]:
    """The section's inputs named `names`, renamed « prefix-name » (two adults on one form)."""
    by_name = {spec.name: spec for spec in section}
    return tuple(attrs.evolve(by_name[name], name=f"{prefix}-{name}", required=by_name[name].required and required)
                 for name in names)


RESPONSABLE_INPUTS = _inputs("responsable", ADULT, RESPONSABLE)
CONJOINT_INPUTS = _inputs("conjoint", ADULT, CONJOINT, required=False)
CHILD_INPUTS = _inputs("enfant", IDENTITE, CHILD)
NUMBER_INPUT = Input("numero", "N° famille", hint="Laissez vide : le portail en donne un (F-XXXXXX).")
DAYS = (Input(START, "Premier jour de l'inscription", kind="date", hint="Par défaut, la rentrée scolaire."),
        Input(END, "Dernier jour", kind="date", hint="Laissez vide pour une inscription sans fin."))


def _field_of(kernel_field: str) -> str:
    """The form's name of a field the kernel names (`children[0].enrolments[0].service` → `enfant-service`)."""
    name = kernel_field.replace("children[0].enrolments[0].", "enfant-enrolment.")
    name = name.replace("children[0].", "enfant-").replace("responsable.", "responsable-")
    name = name.replace("conjoint.", "conjoint-")
    return {"number": "numero", "enfant-enrolment.service": SERVICE, "enfant-enrolment.structure": SERVICE,
            "enfant-enrolment.start": START, "enfant-enrolment.end": END, "end": END, "start": START}.get(name, name)


def _place(form: Form, refused: ValidationFailed, inputs: Iterable[Input]) -> None:
    names = {spec.name for spec in inputs} | {SERVICE, START, END, "numero"}
    for error in refused.errors:
        form.add_field_error(FieldError(_field_of(error.field), error.message, error.rule_id), names)


#: Whose field a missing value is, on a form with two adults and a child.
WHOSE = {"responsable": "du responsable", "conjoint": "du conjoint", "enfant": "de l'enfant"}


def _read(inputs: tuple[Input, ...], fields: dict[str, str], form: Form) -> dict[str, Any]:
    """`read_form`, a missing value saying whose it is (« Saisissez : nom du responsable. »)."""
    values = read_form(inputs, fields, form)
    for spec in inputs:
        whose = WHOSE.get(spec.name.split("-", 1)[0])
        messages = form.errors.get(spec.name, [])
        for n, message in enumerate(messages):
            if whose and message.startswith(("Saisissez : ", "Choisissez : ")) and message.endswith("."):
                messages[n] = f"{message[:-1]} {whose}."
    return values


def _adult(prefix: str, inputs: tuple[Input, ...], fields: dict[str, str], form: Form) -> Adult | None:
    """The adult typed in under `prefix`, or None when nothing was typed in (or something is wrong)."""
    values = _read(inputs, fields, form)
    plain = {name.removeprefix(f"{prefix}-"): value for name, value in values.items()}
    checked = Form()
    plain = normalised(plain, checked) or {}
    for name, messages in checked.errors.items():
        for message in messages:
            form.add(f"{prefix}-{name}", message)
    if checked.has_errors or any(spec.name in form.errors for spec in inputs):
        return None
    civilite = plain.pop("civilite", None)
    return Adult(**{**plain, "civilite": Civilite(civilite) if civilite else None})


def _enrolment(fields: dict[str, str], form: Form, *, required: bool) -> NewEnrolment | None:
    """The service chosen (« structure|service ») with its first and last day, or None."""
    form.values[SERVICE] = fields.get(SERVICE, "")
    chosen = fields.get(SERVICE, "").strip()
    if not chosen:
        form.values.update({name: fields.get(name, "") for name in (START, END)})
        if required:
            form.add(SERVICE, "Choisissez le service.")
        return None
    days = read_form(DAYS, fields, form)
    if not days.get(START) and START not in form.errors:
        form.add(START, "Saisissez le premier jour de l'inscription.")
    if any(spec.name in form.errors for spec in DAYS):
        return None
    structure, _, service = chosen.partition("|")
    return NewEnrolment(service, structure, date.fromisoformat(days[START]),
                        date.fromisoformat(days[END]) if days.get(END) else None)


def _child(fields: dict[str, str], form: Form) -> NewChild | None:
    """The child typed in, with its enrolment if a service was chosen; None when wrong."""
    values = _read(CHILD_INPUTS, fields, form)
    enrolment = _enrolment(fields, form, required=False)
    if any(spec.name in form.errors for spec in CHILD_INPUTS) or (fields.get(SERVICE) and enrolment is None):
        return None
    return NewChild(values["enfant-nom"], values["enfant-prenom"], Sexe(values["enfant-sexe"]),
                    date.fromisoformat(values["enfant-date_naissance"]),
                    (enrolment,) if enrolment else ())


class _OnboardingPage(Page):
    auth = AGENT

    def _offer(self, req: falcon.Request) -> list[tuple[str, str]]:
        """The services a child may be enrolled in, as (« structure|service », label) for a list."""
        return [(f"{structure.id}|{service.code}", f"{service.code} — {structure.name}")
                for structure, services in self._site.portal.onboarding.offer(req.context.principal)
                for service in services]

    def _start(self) -> str:
        return enrolment_start(self._site.today()).isoformat()


class NewFamilyPage(_OnboardingPage):
    """`/agent/familles/nouvelle`: create a family, its account and (optionally) its first child."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The empty form."""
        self._show(req, resp, Form(values={START: self._start()}))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Create the family and go to its file; or the form again, each error beside its field."""
        fields = posted(req)
        form = Form()
        responsable = _adult("responsable", RESPONSABLE_INPUTS, fields, form)
        conjoint = None
        if any(fields.get(spec.name, "").strip() for spec in CONJOINT_INPUTS):
            missing = [(name, label) for name, label in (("nom", "nom"), ("prenom", "prénom"))
                       if not fields.get(f"conjoint-{name}", "").strip()]
            conjoint = _adult("conjoint", CONJOINT_INPUTS, fields, form) if not missing else None
            for name, label in missing:
                form.add(f"conjoint-{name}", f"Saisissez : {label} du conjoint (ou laissez vide tout le conjoint).")
                form.values.update({spec.name: fields.get(spec.name, "") for spec in CONJOINT_INPUTS})
        has_child = any(fields.get(spec.name, "").strip() for spec in CHILD_INPUTS) or fields.get(SERVICE)
        child = _child(fields, form) if has_child else None
        if not has_child:
            form.values.update({name: fields.get(name, "") for name in (SERVICE, START, END)})
        number = fields.get("numero", "").strip()
        form.values["numero"] = fields.get("numero", "")
        if len(number) > NUMBER_MAX:
            form.add("numero", f"Le N° famille compte {NUMBER_MAX} caractères au plus.")
        if form.has_errors or responsable is None:
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        new = NewFamily(responsable, conjoint, (child,) if child else (), number or None)
        try:
            done = self._site.portal.onboarding.create_family(req.context.principal, new)
        except ValidationFailed as refused:
            _place(form, refused, (*RESPONSABLE_INPUTS, *CONJOINT_INPUTS, *CHILD_INPUTS))
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        redirect(resp, f"/agent/familles/{done.family.id}?message=famille-creee")

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, status: str = falcon.HTTP_200) -> None:
        self._site.page(req, resp, "agent_famille_nouvelle.html", status=status, form=form,
                        responsable=RESPONSABLE_INPUTS, conjoint=CONJOINT_INPUTS, child=CHILD_INPUTS,
                        number=NUMBER_INPUT, services=self._offer(req), day_inputs=DAYS)


class NewChildPage(_OnboardingPage):
    """`/agent/familles/{family_id}/enfants/nouveau`: add a child to the family, enrolled or not."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """The empty form."""
        self._show(req, resp, family_id, Form(values={START: self._start()}))

    def on_post(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """Add the child and go back to the family's file."""
        family_id = path_id(family_id, "Famille")
        form = Form()
        child = _child(posted(req), form)
        if child is not None:
            try:
                self._site.portal.onboarding.add_child(req.context.principal, family_id, child)
            except ValidationFailed as refused:
                _place(form, refused, CHILD_INPUTS)
        if form.has_errors:
            self._show(req, resp, family_id, form, status=falcon.HTTP_422)
            return
        redirect(resp, f"/agent/familles/{family_id}?message=enfant-ajoute")

    def _show(self, req: falcon.Request, resp: falcon.Response, family_id: str, form: Form,
              status: str = falcon.HTTP_200) -> None:
        file = self._site.portal.back_office.family_file(req.context.principal, path_id(family_id, "Famille"))
        self._site.page(req, resp, "agent_enfant_nouveau.html", status=status, form=form, family=file.record.family,
                        child=CHILD_INPUTS, services=self._offer(req), day_inputs=DAYS)


class EnrolmentPage(_OnboardingPage):
    """`/agent/familles/{family_id}/enfants/{child_id}/inscription`: enrol a child of the family in a service."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, family_id: str, child_id: str) -> None:
        """The form, with the child's enrolments."""
        self._show(req, resp, family_id, child_id, Form(values={START: self._start()}))

    def on_post(self, req: falcon.Request, resp: falcon.Response, family_id: str, child_id: str) -> None:
        """Enrol the child and go back to the family's file."""
        self._child(req, family_id, child_id)
        form = Form()
        enrolment = _enrolment(posted(req), form, required=True)
        if enrolment is not None:
            known = {value for value, _ in self._offer(req)}
            if f"{enrolment.structure_id}|{enrolment.service_code}" not in known:
                form.add(SERVICE, "Choisissez un service de la liste.")
            else:
                try:
                    self._site.portal.planning_agent.enrol(req.context.principal, child_id, enrolment.service_code,
                                                           enrolment.start, enrolment.end,
                                                           structure_id=enrolment.structure_id)
                except ValidationFailed as refused:
                    _place(form, refused, ())
                except Conflict as refused:
                    form.add(SERVICE, refused.message)
        if form.has_errors:
            self._show(req, resp, family_id, child_id, form, status=falcon.HTTP_422)
            return
        redirect(resp, f"/agent/familles/{family_id}?message=inscription-ajoutee")

    def _child(self, req: falcon.Request, family_id: str, child_id: str) -> Any:
        file = self._site.portal.back_office.family_file(req.context.principal, path_id(family_id, "Famille"))
        found = next((c for c in file.children if c.child.id == child_id), None)
        if found is None:
            raise NotFound("Enfant introuvable.")
        return file, found

    def _show(self, req: falcon.Request, resp: falcon.Response, family_id: str, child_id: str, form: Form,
              status: str = falcon.HTTP_200) -> None:
        file, found = self._child(req, family_id, child_id)
        self._site.page(req, resp, "agent_inscription.html", status=status, form=form, family=file.record.family,
                        child=found, services=self._offer(req), day_inputs=DAYS)


class ActivationLink(Page):
    """`POST /agent/familles/{family_id}/activation`: e-mail the family its first-activation link."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """Send the link, then back to the file (which says why, when it could not be sent)."""
        family_id = path_id(family_id, "Famille")
        try:
            self._site.portal.onboarding.send_activation(req.context.principal, family_id)
        except (Conflict, ValidationFailed) as refused:
            messages = [e.message for e in refused.errors] if isinstance(refused, ValidationFailed) \
                else [refused.message]
            FamilyFilePage(self._site).show(req, resp, family_id, Form(general=messages), status=falcon.HTTP_409)
            return
        redirect(resp, f"/agent/familles/{family_id}?message=lien-envoye")


class ImportPage(Page):
    """`/agent/import`: import a CSV of families; a trial first (nothing written), then the import."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The upload form and the columns the file needs."""
        self._show(req, resp, Form())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Read the file, then try it (« essai ») or import it; the report lists each row refused."""
        form = Form()
        dry_run = posted(req).get("action") != "importer"
        upload = uploaded(req, "fichier")
        if upload is None or not upload.data:
            form.add("fichier", "Choisissez le fichier CSV à importer.")
        elif len(upload.data) >= UPLOAD_KEEP_BYTES:
            form.add("fichier", f"Le fichier dépasse {(UPLOAD_KEEP_BYTES - 1) // (1024 * 1024)} Mo : importez-le "
                                "par la commande « famille import families », ou en plusieurs fichiers.")
        else:
            try:
                rows, refused = read_rows(upload.data)
            except FileRefused as error:
                form.add("fichier", f"Fichier refusé : {error.reason}. Rien n'a été enregistré.")
            else:
                report = self._site.portal.onboarding.import_for(req.context.principal, rows, refused,
                                                                 dry_run=dry_run)
                self._show(req, resp, form, report=report, filename=upload.filename)
                return
        self._show(req, resp, form, status=falcon.HTTP_422)

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, status: str = falcon.HTTP_200,
              **context: Any) -> None:
        show_import(self._site, req, resp, form, status, **context)


class ActivationLinks(Page):
    """`POST /agent/import/activation`: the activation links of every family not yet activated."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Send them; the page says how many went, and which families have no e-mail address."""
        sent = self._site.portal.onboarding.send_activations_for(req.context.principal)
        show_import(self._site, req, resp, Form(), falcon.HTTP_200, activation=sent)


def show_import(site: Site, req: falcon.Request, resp: falcon.Response, form: Form, status: str,
                **context: Any) -> None:
    """The import page, with a report (`report`, `filename`) or the links sent (`activation`) if any."""
    context = {"report": None, "filename": "", "activation": None, **context}
    site.page(req, resp, "agent_import.html", status=status, form=form, columns=COLUMNS,
              max_mb=(UPLOAD_KEEP_BYTES - 1) // (1024 * 1024), **context)

"""Agents bring families in: `POST /api/v1/agent/families` and `POST /api/v1/agent/families/{id}/activation`.

The body is read by the API's one body reader (`load`: strict types, dates AAAA-MM-JJ, unknown
keys named by path), then normalised (telephones in E.164, e-mail checked, civilité and sexe
among their values), each wrong field named with its path (`children[0].sexe`); the kernel checks
what needs the database (N° famille free, services of the organisation's structures).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.families.payloads import AdultBody, normalise_changes
from famille.adapters.http.payloads import load, path_id, text
from famille.adapters.http.routes import Route
from famille.adapters.http.views import created
from famille.kernel.families.model import Adult, Civilite, Sexe
from famille.kernel.portal.onboarding import NewChild, NewEnrolment, NewFamily, Onboarded, Onboarding
from famille.kernel.shared.errors import FieldError, ValidationFailed

API = "/api/v1"


@attrs.frozen
class EnrolmentBody:
    """An enrolment of a new child: the service code, the structure's id, the first day (and the last)."""

    service: text(40, non_empty=True)
    structure: text(100, non_empty=True)
    start: date
    end: date | None = None


@attrs.frozen
class NewChildBody:
    """A new child."""

    nom: str
    prenom: str
    sexe: str
    date_naissance: date
    enrolments: list[EnrolmentBody] = attrs.Factory(list)


@attrs.frozen
class NewFamilyBody:
    """`POST /api/v1/agent/families`."""

    responsable: AdultBody
    conjoint: AdultBody | None = None
    children: list[NewChildBody] = attrs.Factory(list)
    number: text(40) | None = None


def _adult(body: AdultBody, where: str, errors: list[FieldError]) -> Adult:
    fields: dict[str, Any] = {a.name: getattr(body, a.name) for a in attrs.fields(AdultBody)}
    try:
        fields = normalise_changes(fields)
    except ValidationFailed as refused:
        errors += [FieldError(f"{where}.{e.field}", e.message.replace("« ", f"« {where}.", 1))
                   for e in refused.errors]
        fields = {k: v for k, v in fields.items() if k not in {e.field for e in refused.errors}}
    civilite = fields.pop("civilite", None)
    if civilite is not None:
        try:
            civilite = Civilite(civilite)
        except ValueError:
            errors.append(FieldError(f"{where}.civilite", f"Champ « {where}.civilite » : doit être l'une des "
                                     "valeurs : " + ", ".join(c.value for c in Civilite) + "."))
            civilite = None
    booleans = {k: bool(fields.pop(k) or False) for k in ("autorisation_courriel", "autorisation_sms")}
    return Adult(**{**fields, "nom": fields.get("nom") or "", "prenom": fields.get("prenom") or "",
                    "civilite": civilite, **booleans})


def _new_child(child: NewChildBody, where: str, errors: list[FieldError]) -> NewChild | None:
    """The kernel's `NewChild`, or None with its error (fields named under `where`)."""
    if child.sexe not in {s.value for s in Sexe}:
        errors.append(FieldError(f"{where}sexe", f"Champ « {where}sexe » : doit valoir F ou M."))
        return None
    enrolments = tuple(NewEnrolment(e.service, e.structure, e.start, e.end) for e in child.enrolments)
    return NewChild(child.nom, child.prenom, Sexe(child.sexe), child.date_naissance, enrolments)


def new_family(body: NewFamilyBody) -> NewFamily:
    """The kernel's `NewFamily` from the body, or `ValidationFailed` naming each wrong field."""
    errors: list[FieldError] = []
    responsable = _adult(body.responsable, "responsable", errors)
    conjoint = _adult(body.conjoint, "conjoint", errors) if body.conjoint is not None else None
    children = [new for n, child in enumerate(body.children)
                if (new := _new_child(child, f"children[{n}].", errors)) is not None]
    if errors:
        raise ValidationFailed(errors)
    return NewFamily(responsable, conjoint, tuple(children), body.number)


def onboarded_view(done: Onboarded) -> dict[str, Any]:
    """What an agent reads back after creating a family."""
    return {
        "id": done.family.id,
        "number": done.family.number,
        "login": done.account.login,
        "activated": done.account.password_hash is not None,
        "children": [{"id": c.id, "nom": c.nom, "prenom": c.prenom} for c in done.children],
    }


class FamiliesResource(Route[Onboarding]):
    """An agent creates a family of its organisation, with its account and children."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Create the family: 201 with its id, N° famille, login and children."""
        body = load(req, NewFamilyBody)
        done = self._use_case.create_family(req.context.principal, new_family(body))
        created(resp, onboarded_view(done), f"{API}/agent/families/{done.family.id}")


class ActivationResource(Route[Onboarding]):
    """An agent sends a family its first-activation link."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """E-mail the link: 202 with the address it went to and until when it works."""
        sent = self._use_case.send_activation(req.context.principal, path_id(family_id, "Famille"))
        resp.status = falcon.HTTP_202
        resp.media = {"family_id": sent.family_id, "login": sent.login, "email": sent.email,
                      "expires_at": sent.expires_at.isoformat()}


class ChildrenResource(Route[Onboarding]):
    """An agent adds a child (and its enrolments) to a family of its organisation."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """Add the child: 201 with its id; each wrong field named as in the body (`enrolments[0].service`)."""
        family_id = path_id(family_id, "Famille")
        errors: list[FieldError] = []
        new = _new_child(load(req, NewChildBody), "", errors)
        if new is None:
            raise ValidationFailed(errors)
        try:
            child = self._use_case.add_child(req.context.principal, family_id, new)
        except ValidationFailed as refused:  # the kernel names them as in `POST /agent/families`
            raise ValidationFailed([FieldError(e.field.removeprefix("children[0]."),
                                               e.message.replace("children[0].", ""), e.rule_id)
                                    for e in refused.errors]) from None
        created(resp, {"id": child.id, "nom": child.nom, "prenom": child.prenom}, f"{API}/children/{child.id}")


def add_onboarding_routes(app: falcon.App[falcon.Request, falcon.Response], onboarding: Onboarding) -> None:
    """Register the onboarding routes (`POST /agent/families` is served by the back office's resource of the
    same address, which lists the families on `GET`)."""
    app.add_route(f"{API}/agent/families/{{family_id}}/activation", ActivationResource(onboarding))
    app.add_route(f"{API}/agent/families/{{family_id}}/children", ChildrenResource(onboarding))

"""The agents' onboarding pages through the real routes, on the fakes, SQLite and PostgreSQL: a new
family with its first child, a child added, an enrolment, the activation link, and the CSV import
(trial, import, activation links in bulk).

Two organisations (ville-a, ville-b), an agent each; the clock says Thursday 20 August 2026.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import falcon.testing
import pytest

from famille.adapters.families_csv import COLUMNS
from tests.support.sites import KINDS, PASSWORD, Site, open_site
from tests.web.conftest import PageClient, text_of

NEW = "/agent/familles/nouvelle"
IMPORT = "/agent/import"


@pytest.fixture(params=KINDS)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from open_site(str(request.param), tmp_path)


def agent_of(site: Site, code: str = "ville-a") -> PageClient:
    client = PageClient(site.client.app)
    client.login(f"agent.{code}", PASSWORD)
    return client


def family_form(**changes: str) -> dict[str, str]:
    fields = {
        "responsable-civilite": "Madame", "responsable-nom": "BERNARD", "responsable-prenom": "Chloé",
        "responsable-email": "chloe.bernard@example.org", "responsable-mobile": "06 12 34 56 78",
        "responsable-adresse": "4 rue des Lilas", "responsable-code_postal": "38160",
        "responsable-ville": "Saint-Vérand", "conjoint-nom": "BERNARD", "conjoint-prenom": "Luc",
        "enfant-nom": "BERNARD", "enfant-prenom": "Inès", "enfant-sexe": "F", "enfant-date_naissance": "2018-04-02",
        "service": "ville-a-cantine|RESTAURATION", "debut": "2026-09-01",
    }
    fields.update(changes)
    return fields


def created_family(site: Site, agent: PageClient, **changes: str) -> str:
    agent.get(NEW)
    done = agent.post(NEW, family_form(**changes))
    assert done.status_code == 303, text_of(done)
    path = done.headers["Location"].split("?")[0]
    return path.rsplit("/", 1)[1]


def test_an_agent_creates_a_family_with_its_first_child_enrolled(site: Site) -> None:
    agent = agent_of(site)
    form = agent.get(NEW)
    assert form.status_code == 200
    assert 'value="ville-a-cantine|RESTAURATION"' in form.text and "ville-b" not in form.text
    assert 'value="2026-09-01"' in form.text  # the school year's first day, offered

    family_id = created_family(site, agent)

    page = agent.get(f"/agent/familles/{family_id}?message=famille-creee")
    text = text_of(page)
    assert "La famille est créée" in text
    assert "Identifiant : chloe.bernard@example.org — compte pas encore activé" in text
    assert "Inès BERNARD" in text and "RESTAURATION (du 01/09/2026)" in text
    with site.uow() as uow:
        family = uow.families.get(family_id)
        assert family is not None and family.responsable.mobile == "+33612345678"
        assert family.conjoint is not None and family.conjoint.prenom == "Luc"
        (child,) = uow.families.children_of(family_id)
        assert [(e.service_code, e.start) for e in uow.planning.enrolments_of(child.id)] == [
            ("RESTAURATION", date(2026, 9, 1))]


def test_each_wrong_field_is_named_beside_it_and_nothing_is_written(site: Site) -> None:
    agent = agent_of(site)
    agent.get(NEW)

    refused = agent.post(NEW, family_form(**{"responsable-nom": "", "responsable-email": "pas-une-adresse",
                                             "conjoint-prenom": "", "enfant-sexe": "X", "debut": "31/02/2026"}))

    assert refused.status_code == 422
    text = text_of(refused)
    assert "Il y a 5 problèmes" in text
    assert "Saisissez : nom du responsable." in text
    assert "Cette adresse de courriel n'est pas valide" in text
    assert "Saisissez : prénom du conjoint" in text
    assert "Choisissez une valeur de la liste." in text
    assert "Saisissez une date valide" in text
    assert 'href="#champ-responsable-email"' in refused.text and 'value="Chloé"' in refused.text
    with site.uow() as uow:
        assert list(uow.families.of_organisation("ville-a")) == []


def test_a_number_already_used_is_refused_by_the_kernel_beside_its_field(site: Site) -> None:
    agent = agent_of(site)
    created_family(site, agent, numero="A-7")
    agent.get(NEW)

    again = agent.post(NEW, family_form(numero="A-7", **{"responsable-email": "autre@example.org"}))

    assert again.status_code == 422
    assert "Le N° famille « A-7 » est déjà utilisé." in text_of(again)
    assert 'id="erreur-numero-1"' in again.text


def test_an_agent_adds_a_child_enrols_it_and_sends_the_activation_link(site: Site) -> None:
    agent = agent_of(site)
    family_id = created_family(site, agent, **{"enfant-nom": "", "enfant-prenom": "", "enfant-sexe": "",
                                               "enfant-date_naissance": "", "service": ""})
    child_page = f"/agent/familles/{family_id}/enfants/nouveau"
    agent.get(child_page)
    blank = agent.post(child_page, {"enfant-nom": "", "enfant-prenom": "Noé", "enfant-sexe": "M",
                                    "enfant-date_naissance": "2020-11-15"})
    assert blank.status_code == 422 and "Saisissez : nom de l'enfant." in text_of(blank)
    added = agent.post(child_page, {"enfant-nom": "BERNARD", "enfant-prenom": "Noé", "enfant-sexe": "M",
                                    "enfant-date_naissance": "2020-11-15", "service": ""})
    assert added.status_code == 303, text_of(added)
    with site.uow() as uow:
        (noe,) = uow.families.children_of(family_id)
    enrol = f"/agent/familles/{family_id}/enfants/{noe.id}/inscription"
    agent.get(enrol)
    done = agent.post(enrol, {"service": "ville-a-garderie|GARDERIE SOIR", "debut": "2026-09-01",
                              "fin": "2027-07-03"})
    assert done.status_code == 303, text_of(done)
    twice = agent.post(enrol, {"service": "ville-a-garderie|GARDERIE SOIR", "debut": "2026-10-01"})
    assert twice.status_code == 422 and "est déjà inscrit(e) à GARDERIE SOIR" in text_of(twice)
    unknown = agent.post(enrol, {"service": "ville-b-cantine|RESTAURATION", "debut": "2026-10-01"})
    assert unknown.status_code == 422 and "Choisissez un service de la liste." in text_of(unknown)

    page = agent.get(f"/agent/familles/{family_id}")
    sent = agent.post(f"/agent/familles/{family_id}/activation", {})

    assert "GARDERIE SOIR (du 01/09/2026 au 03/07/2027)" in text_of(page)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("?message=lien-envoye")
    mail = site.notifier.sent[-1]
    assert mail.recipient.email == "chloe.bernard@example.org" and "jeton=" in mail.notice.body


def test_an_activation_link_without_an_address_says_why_on_the_file(site: Site) -> None:
    agent = agent_of(site)
    family_id = created_family(site, agent, **{"responsable-email": ""})
    agent.get(f"/agent/familles/{family_id}")

    refused = agent.post(f"/agent/familles/{family_id}/activation", {})

    assert refused.status_code == 409
    assert "La famille n'a pas d'adresse électronique" in text_of(refused)
    assert site.notifier.sent == []


def test_another_organisations_agent_never_reaches_the_family(site: Site) -> None:
    family_id = created_family(site, agent_of(site))
    with site.uow() as uow:
        (child,) = uow.families.children_of(family_id)
    other = agent_of(site, "ville-b")
    other.get(NEW)

    for path in (f"/agent/familles/{family_id}/enfants/nouveau",
                 f"/agent/familles/{family_id}/enfants/{child.id}/inscription"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/agent/familles/{family_id}/activation", {}).status_code == 404
    assert other.post(f"/agent/familles/{family_id}/enfants/nouveau",
                      {"enfant-nom": "X", "enfant-prenom": "Y", "enfant-sexe": "F",
                       "enfant-date_naissance": "2019-01-01"}).status_code == 404
    assert other.post(f"/agent/familles/{family_id}/enfants/{child.id}/inscription",
                      {"service": "ville-b-cantine|RESTAURATION", "debut": "2026-09-01"}).status_code == 404
    assert site.notifier.sent == []
    with site.uow() as uow:
        assert len(uow.families.children_of(family_id)) == 1
        assert len(uow.planning.enrolments_of(child.id)) == 1


def test_a_family_account_reaches_none_of_the_onboarding_pages(site: Site) -> None:
    family_id = created_family(site, agent_of(site))
    with site.uow() as uow:
        account = uow.accounts.by_family(family_id)
    assert account is not None
    site.portal.authentication.set_initial_password(account.id, PASSWORD)
    family = PageClient(site.client.app)
    family.login(account.login, PASSWORD)

    for path in (NEW, IMPORT, f"/agent/familles/{family_id}/enfants/nouveau"):
        assert family.get(path).status_code == 403, path
    assert family.post(f"/agent/familles/{family_id}/activation", {}).status_code == 403
    assert family.post("/agent/import/activation", {}).status_code == 403
    assert site.notifier.sent == []


# --- the CSV import ----------------------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header or list(COLUMNS), *rows])
    return out.getvalue().encode("utf-8")


def row(external_id: str, nom: str, email: str, enfant: str, naissance: str, service: str = "RESTAURATION",
        structure: str = "Cantine ville-a") -> list[str]:
    return [external_id, "Madame", nom, "Anne", email, "06 11 22 33 44", "1 place de l'Église", "38160",
            "Saint-Vérand", nom, enfant, "F", naissance, service, structure]


ROWS = [
    row("EXT-1", "ROUSSEAU", "anne.rousseau@example.org", "Lina", "02/04/2018"),
    row("EXT-2", "FAURE", "", "Jade", "30/01/2019"),
    row("EXT-3", "BLANC", "eva.blanc@example.org", "Léo", "31/02/2019"),
    row("EXT-4", "MOREL", "lea.morel@example.org", "Léa", "01/03/2019", "PISCINE"),
]


def upload(client: PageClient, data: bytes, action: str, csrf: str | None = None) -> falcon.testing.Result:
    boundary = "----famille-import"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
            f'{client.csrf if csrf is None else csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\n{action}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="familles.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client._keep(client.client.simulate_post(IMPORT, cookies=client.cookies, body=body,
                                                    content_type=f"multipart/form-data; boundary={boundary}"))


def families_of(site: Site, code: str) -> list[str]:
    with site.uow() as uow:
        return sorted(f.number for f in uow.families.of_organisation(code))


def test_the_import_page_tries_then_imports_and_sends_the_links_in_bulk(site: Site) -> None:
    agent = agent_of(site)
    assert agent.get(IMPORT).status_code == 200

    trial = upload(agent, csv_bytes(ROWS), "essai")

    text = text_of(trial)
    assert trial.status_code == 200
    assert "Essai de « familles.csv » : rien n'a été enregistré" in text
    assert "2 familles à créer" in text and "2 lignes refusées" in text
    assert "4 enfant_naissance « 31/02/2019 » invalide (JJ/MM/AAAA)" in text
    assert "5 service « PISCINE » inconnu dans la structure « Cantine ville-a »" in text
    assert families_of(site, "ville-a") == []
    assert "Envoyer les liens d'activation" not in text

    done = upload(agent, csv_bytes(ROWS), "importer")

    assert "Import de « familles.csv » terminé" in text_of(done) and "2 familles créées" in text_of(done)
    assert families_of(site, "ville-a") == ["EXT-1", "EXT-2"] and families_of(site, "ville-b") == []
    again = upload(agent, csv_bytes(ROWS), "importer")
    assert "0 famille créée, 0 mise à jour" in text_of(again)

    sent = agent.post("/agent/import/activation", {})

    text = text_of(sent)
    assert sent.status_code == 200
    assert "1 lien d'activation envoyé par courriel." in text
    assert "1 famille sans adresse électronique (N° famille) : EXT-2." in text
    assert [m.recipient.email for m in site.notifier.sent] == ["anne.rousseau@example.org"]


def test_a_file_refused_as_a_whole_says_why_and_writes_nothing(site: Site) -> None:
    agent = agent_of(site)
    agent.get(IMPORT)

    latin = upload(agent, csv_bytes(ROWS).decode().encode("latin-1"), "importer")
    header = upload(agent, csv_bytes(ROWS, header=list(COLUMNS[:-1])), "importer")
    empty = upload(agent, b"", "importer")

    assert latin.status_code == header.status_code == empty.status_code == 422
    assert "Fichier refusé : le fichier n'est pas en UTF-8" in text_of(latin)
    assert "colonnes manquantes dans la ligne d'en-tête : structure" in text_of(header)
    assert "Choisissez le fichier CSV à importer." in text_of(empty)
    assert families_of(site, "ville-a") == []


def test_an_import_without_its_form_token_is_refused(site: Site) -> None:
    agent = agent_of(site)
    agent.get(IMPORT)

    assert upload(agent, csv_bytes(ROWS), "importer", csrf="0" * 64).status_code == 403
    assert families_of(site, "ville-a") == []


def test_each_agent_imports_into_and_activates_only_its_own_organisation(site: Site) -> None:
    agent_a, agent_b = agent_of(site), agent_of(site, "ville-b")
    agent_a.get(IMPORT)
    upload(agent_a, csv_bytes(ROWS[:1]), "importer")
    agent_b.get(IMPORT)

    # the same file in ville-b: its own family EXT-1, the structure « Cantine ville-a » unknown there
    other = upload(agent_b, csv_bytes([row("EXT-1", "ROUSSEAU", "anne.b@example.org", "Lina", "02/04/2018",
                                           structure="ville-b-cantine")]), "importer")
    sent = agent_b.post("/agent/import/activation", {})

    assert "1 famille créée" in text_of(other)
    assert families_of(site, "ville-a") == families_of(site, "ville-b") == ["EXT-1"]
    assert "1 lien d'activation envoyé" in text_of(sent)
    assert [m.recipient.email for m in site.notifier.sent] == ["anne.b@example.org"]
    with site.uow() as uow:
        (a,) = uow.families.of_organisation("ville-a")
        assert a.responsable.email == "anne.rousseau@example.org"

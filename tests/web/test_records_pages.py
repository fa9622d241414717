"""« Mon compte », « Mes enfants », « Liste des demandes » and the agent's queue, on the fakes."""

from __future__ import annotations

import re

import pytest

from famille.kernel.families.requests import RequestKind, RequestStatus
from famille.kernel.shared.organisations import Structure, StructureKind
from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of

CANTINE_A = Structure("cantine-a", "ville-a", "Restaurant scolaire de Villeneuve", StructureKind.CANTINE,
                      pratiques=("--Aucun--", "Sans porc", "PAI"))
CHILD = "/enfants/enf-a1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NBSP = "\u00a0"

FAMILY_PAGES = [
    "/mon-compte", "/mon-compte/responsable", "/mon-compte/conjoint", "/mon-compte/fiscales", "/mon-compte/caf",
    "/mon-compte/bancaires", "/mon-compte/responsable/modifier", "/mon-compte/conjoint/modifier",
    "/mon-compte/fiscales/modifier", "/mon-compte/caf/modifier", "/mon-compte/bancaires/modifier", "/enfants",
    "/demandes",
]
CHILD_PAGES = [
    CHILD, f"{CHILD}/autorisations", f"{CHILD}/complementaires", f"{CHILD}/sanitaires",
]
CHILD_FORMS = [
    f"{CHILD}/autorisations/nouvelle", f"{CHILD}/complementaires/modifier", f"{CHILD}/sanitaires/pratique",
    f"{CHILD}/sanitaires/allergies/nouvelle",
]
#: Every new form, with fields it would accept.
FORMS = [
    ("/mon-compte/responsable/modifier", {"mobile": "06 12 34 56 78"}),
    (f"{CHILD}/autorisations/nouvelle", {"nom": "DURAND", "prenom": "Jeanne", "mobile": "0611223344",
                                         "lien": "Grand mère"}),
    (f"{CHILD}/complementaires/modifier", {"lunettes": "oui"}),
    (f"{CHILD}/sanitaires/pratique", {"libelle": "PAI", "commentaire": "arachide"}),
    (f"{CHILD}/sanitaires/allergies/nouvelle", {"type": "Alimentaires", "observations": "arachide"}),
]


@pytest.fixture
def world() -> World:
    world = World()
    world.uow.seed(structures=[CANTINE_A])
    return world


def _complete(page: PageClient, path: str, fields: dict[str, str]) -> dict[str, str]:
    """The form at `path` as the browser would send it: its shown values, changed by `fields`."""
    html = page.get(path).text
    values = {m[1]: m[2] for m in re.finditer(r'<input id="champ-([\w]+)" name="\1" value="([^"]*)"', html)}
    values.update({m[1]: m[2] for m in re.finditer(r'name="(\w+)" value="(oui|non)" checked', html)})
    for name, block in re.findall(r'<select id="champ-(\w+)" name="\1"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', block)
        values[name] = chosen[1] if chosen else ""
    for name, text in re.findall(r'<textarea id="champ-(\w+)" name="\1"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = text
    return {**{k: v.replace("&#39;", "'") for k, v in values.items()}, **fields}


def _send(page: PageClient, path: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    return page.post(path, _complete(page, path, fields))


def _pending(world: World) -> list:  # type: ignore[type-arg]
    return [r for r in world.uow.store.requests.values() if r.status is RequestStatus.PENDING]


# --- every page renders for its owner ----------------------------------------------------------


@pytest.mark.parametrize("path", FAMILY_PAGES + CHILD_PAGES + CHILD_FORMS)
def test_each_records_page_renders_for_the_family(family: PageClient, path: str) -> None:
    result = family.get(path)

    assert result.status_code == 200, text_of(result)[:500]
    assert result.headers["Content-Type"].startswith("text/html")
    assert "style=" not in result.text and "<script>" not in result.text and " onclick" not in result.text


@pytest.mark.parametrize("path", [*CHILD_PAGES, "/agent/demandes", "/agent/familles/fam-a"])
def test_an_agent_of_the_organisation_reads_the_child_and_the_family(agent: PageClient, path: str) -> None:
    result = agent.get(path)

    assert result.status_code == 200, text_of(result)[:500]
    assert "Demander la suppression" not in result.text  # agents read; families ask


def test_mon_compte_shows_the_guides_tabs_and_the_family_number(family: PageClient) -> None:
    text = text_of(family.get("/mon-compte"))

    assert "Responsable Conjoint Fiscales CAF Bancaires Informations responsable" in text
    assert "N° famille A-0001" in text and "DUPONT" in text
    assert "Demandes de modifications en cours" in text and "Aucune demande en cours." in text


def test_the_child_page_shows_its_identity_age_and_a_link_to_its_planning(world: World, family: PageClient) -> None:
    page = family.get(CHILD)
    text = text_of(page)

    assert "28/02/2017 — 9 ans" in text  # the fake clock says 28 November 2026
    assert "Nom du responsable Marie DUPONT" in text and "N° famille A-0001" in text
    assert f'href="{CHILD}/planning"' in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'accept="image/jpeg,image/png"' in page.text


# --- another family, another organisation: « Page introuvable » -------------------------------


@pytest.mark.parametrize("path", CHILD_PAGES + CHILD_FORMS + [f"{CHILD}/photo"])
def test_another_family_gets_the_not_found_page_for_every_page_of_the_child(world: World, path: str) -> None:
    other = PageClient(world.app())
    other.login("paul.martin")

    result = other.get(path)

    assert result.status_code == 404
    assert "Léa" not in result.text


@pytest.mark.parametrize("path", [*CHILD_PAGES, f"{CHILD}/photo", "/agent/familles/fam-a"])
def test_an_agent_of_another_organisation_gets_the_not_found_page(world: World, path: str) -> None:
    other = PageClient(world.app())
    other.login("agent.deuxrives")

    result = other.get(path)

    assert result.status_code == 404
    assert "Page introuvable" in text_of(result) or "introuvable" in text_of(result)


@pytest.mark.parametrize(("path", "fields"), FORMS[1:])
def test_another_family_cannot_send_a_form_about_the_child(world: World, path: str, fields: dict[str, str]) -> None:
    other = PageClient(world.app())
    other.login("paul.martin")
    other.get("/accueil")

    assert other.post(path, fields).status_code == 404
    assert world.uow.store.requests == {}


def test_another_organisations_agent_cannot_decide(world: World, family: PageClient) -> None:
    _send(family, *FORMS[2])
    [request] = _pending(world)
    other = PageClient(world.app())
    other.login("agent.deuxrives")
    other.get("/agent/demandes")

    assert other.post(f"/agent/demandes/{request.id}", {"decision": "accepter"}).status_code == 404
    assert "Données complémentaires" not in text_of(other.get("/agent/demandes"))
    assert _pending(world) == [request]


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_each_form_without_its_token_is_refused_and_changes_nothing(
    world: World, family: PageClient, path: str, fields: dict[str, str]
) -> None:
    result = family.post(path, _complete(family, path, fields), csrf="")

    assert result.status_code == 403
    assert "Formulaire expiré ou invalide" in text_of(result)
    assert world.uow.store.requests == {}


def test_a_deletion_and_a_decision_without_token_are_refused(world: World, family: PageClient) -> None:
    _send(family, *FORMS[1])
    [request] = _pending(world)

    assert family.post(f"{CHILD}/autorisations/x/suppression", csrf="").status_code == 403
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    agent.get("/agent/demandes")
    assert agent.post(f"/agent/demandes/{request.id}", {"decision": "accepter"}, csrf="0" * 64).status_code == 403
    assert _pending(world) == [request]


def test_a_photo_is_a_multipart_form_with_its_token(world: World, family: PageClient) -> None:
    family.get(CHILD)

    def upload(csrf: str, data: bytes = PNG, content_type: str = "image/png"):  # type: ignore[no-untyped-def]
        boundary = "----famille-test"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="lea.png"\r\n'
                f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return family.client.simulate_post(f"{CHILD}/photo", cookies=family.cookies, body=body,
                                           content_type=f"multipart/form-data; boundary={boundary}")

    assert upload("").status_code == 403
    assert world.uow.store.requests == {}

    refused = upload(family.csrf, b"GIF89a" + b"\x00" * 10, "image/gif")
    assert refused.status_code == 422
    assert "La photo doit être une image JPEG ou PNG." in text_of(refused)
    too_large = upload(family.csrf, PNG + b"\x00" * (2 * 1024 * 1024))
    assert too_large.status_code == 422 and "2 Mo" in text_of(too_large)

    sent = upload(family.csrf)
    assert sent.status_code == 303
    [request] = _pending(world)
    assert request.kind is RequestKind.PHOTO
    page = family.get(CHILD)
    assert f"/photo?demande={request.id}" in page.text
    image = family.client.simulate_get(f"{CHILD}/photo", query_string=f"demande={request.id}",
                                       cookies=family.cookies)
    assert image.content == PNG and image.headers["Content-Type"] == "image/png"


# --- requests and inline errors ------------------------------------------------------------------


def test_a_new_mobile_number_is_sent_as_a_request_and_shown_pending(world: World, family: PageClient) -> None:
    result = _send(family, "/mon-compte/responsable/modifier", {"mobile": "06 12 34 56 78",
                                                               "telephone_domicile": ""})

    assert result.status_code == 303
    assert result.headers["Location"] == "/mon-compte/responsable?message=demande-transmise"
    [request] = _pending(world)
    assert request.kind is RequestKind.RESPONSABLE and dict(request.changes) == {"mobile": "+33612345678"}
    text = text_of(family.get(result.headers["Location"]))
    assert "Votre demande a été transmise au gestionnaire" in text
    assert f"06{NBSP}12{NBSP}34{NBSP}56{NBSP}78 28/11/2026" in text


def test_no_phone_at_all_is_refused_beside_the_field_with_the_rule_files_message(
    world: World, family: PageClient
) -> None:
    result = _send(family, "/mon-compte/responsable/modifier", {"mobile": "", "telephone_domicile": "",
                                                               "ville": "Villeneuve"})

    assert result.status_code == 422
    assert 'href="#champ-telephone_domicile"' in result.text
    assert re.search(r'id="erreur-telephone_domicile-1"><span class="masque">Erreur : </span>'
                     r"Renseignez au moins un numéro de téléphone : domicile ou mobile\.", result.text)
    assert 'id="champ-telephone_domicile" name="telephone_domicile" value=""' in result.text
    assert 'value="Villeneuve"' in result.text  # what was typed stays
    assert world.uow.store.requests == {}


@pytest.mark.parametrize(("path", "fields", "field", "message"), [
    ("/mon-compte/responsable/modifier", {"mobile": "12"}, "mobile", "numéro de téléphone n'est pas valide"),
    ("/mon-compte/responsable/modifier", {"email": "pas-une-adresse"}, "email", "adresse de courriel"),
    ("/mon-compte/bancaires/modifier", {"iban": "FR76 0000"}, "iban", "Cet IBAN n'est pas valide"),
    ("/mon-compte/caf/modifier", {"quotient_familial": "8,5"}, "quotient_familial", "nombre entier"),
    ("/mon-compte/conjoint/modifier", {"nom": ""}, "nom", "Saisissez : nom."),
    (f"{CHILD}/autorisations/nouvelle", {"nom": "A", "prenom": "B", "lien": "Grand mère"}, "telephone",
     "Renseignez le téléphone ou le mobile de la personne autorisée"),
    (f"{CHILD}/autorisations/nouvelle", {"nom": "A", "prenom": "B", "mobile": "0611223344", "lien": "Cousine"},
     "lien", "Choisissez une valeur de la liste."),
    (f"{CHILD}/sanitaires/pratique", {"libelle": "Sans Gluten"}, "libelle", "Choisissez une valeur de la liste."),
    (f"{CHILD}/sanitaires/allergies/nouvelle", {"type": "Asthme", "date": "31/02/2020"}, "date", "date valide"),
])
def test_each_wrong_field_is_shown_beside_it(
    world: World, family: PageClient, path: str, fields: dict[str, str], field: str, message: str
) -> None:
    result = _send(family, path, fields)

    assert result.status_code == 422, text_of(result)[:600]
    assert f'href="#champ-{field}"' in result.text
    error = re.search(rf'id="erreur-{field}-1">(.*?)</p>', result.text, re.S)
    assert error and message in error.group(1).replace("&#39;", "'")
    assert 'aria-invalid="true"' in result.text
    assert world.uow.store.requests == {}


def test_a_menu_the_canteen_does_not_offer_is_refused_by_the_rule_file(world: World, family: PageClient) -> None:
    world.uow.store.structures.clear()  # the canteen offers nothing but the normal meal
    world.uow.seed(structures=[Structure("cantine-a", "ville-a", "R", StructureKind.CANTINE,
                                         pratiques=("--Aucun--", "PAI"))])
    page = family.get(f"{CHILD}/sanitaires/pratique")
    assert "Sans porc" not in page.text

    result = family.post(f"{CHILD}/sanitaires/pratique", {"libelle": "Sans porc", "commentaire": ""})

    assert result.status_code == 422
    assert "Choisissez une valeur de la liste." in text_of(result)


def test_a_pai_request_carries_the_notice_under_the_form(world: World, family: PageClient) -> None:
    page = text_of(family.get(f"{CHILD}/sanitaires/pratique"))
    assert "certificat médical et une rencontre" in page

    _send(family, *FORMS[3])

    text = text_of(family.get(f"{CHILD}/sanitaires"))
    assert "Demandes de pratique alimentaire en cours" in text
    assert "PAI arachide 28/11/2026" in text
    assert "Un PAI demande un certificat médical" in text


def test_a_form_sent_unchanged_asks_to_change_something(world: World, family: PageClient) -> None:
    result = _send(family, f"{CHILD}/complementaires/modifier", {})

    assert result.status_code == 422
    assert "Vous n'avez rien modifié" in text_of(result)
    assert world.uow.store.requests == {}


def test_the_authorised_person_form_offers_the_guides_sixteen_liens(family: PageClient) -> None:
    html = family.get(f"{CHILD}/autorisations/nouvelle").text
    select = re.search(r'<select id="champ-lien".*?</select>', html, re.S).group(0)

    assert len(re.findall(r'<option value="[^"]+"', select)) == 16
    assert "Grand mère" in select and "Assistante maternelle" in select and "Belle-mère" in select


def test_the_yes_no_fields_are_radio_groups_with_a_legend(family: PageClient) -> None:
    html = family.get(f"{CHILD}/complementaires/modifier").text

    assert html.count("<fieldset") == 7
    assert "<legend>Port de lunettes</legend>" in html
    assert '<label class="oui-non__choix" for="champ-lunettes">' in html


# --- the agent's queue, decisions, « Liste des demandes » ---------------------------------------


def _agent(world: World) -> PageClient:
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    agent.get("/agent/demandes")  # the forms' token of this session
    return agent


def test_the_agent_accepts_and_refuses_and_the_family_reads_dates_and_reason(world: World, family: PageClient) -> None:
    for path, fields in FORMS:
        _send(family, path, fields)
        world.clock.advance(__import__("datetime").timedelta(minutes=1))
    agent = _agent(world)

    queue = agent.get("/agent/demandes")
    assert "5 demandes en attente" in text_of(queue)
    text = text_of(queue).partition("Filtrer")[2]
    assert text.index("Informations responsable") < text.index("Ajout d'une personne autorisée") \
        < text.index("Ajout d'une allergie")
    assert "Mobile — 06" in text  # before, after
    by_kind = {r.kind: r for r in _pending(world)}

    assert agent.post(f"/agent/demandes/{by_kind[RequestKind.RESPONSABLE].id}",
                      {"decision": "accepter"}).headers["Location"] == "/agent/demandes?message=demande-acceptee"
    agent.post(f"/agent/demandes/{by_kind[RequestKind.AUTORISATION_AJOUT].id}", {"decision": "accepter"})
    pai = by_kind[RequestKind.PRATIQUE_ALIMENTAIRE]
    missing = agent.post(f"/agent/demandes/{pai.id}", {"decision": "refuser", "motif": "  "})
    assert missing.status_code == 422
    assert f'id="erreur-motif-{pai.id}"' in missing.text and "Indiquez le motif du refus" in text_of(missing)
    agent.post(f"/agent/demandes/{pai.id}", {"decision": "refuser",
                                              "motif": "merci de nous faire parvenir un certificat médical"})

    text = text_of(family.get("/demandes"))
    assert "Demandes acceptées (1)" in text and "Demandes refusées (1)" in text
    assert "PAI arachide 28/11/2026 28/11/2026 merci de nous faire parvenir un certificat médical" in text
    autorisations = text_of(family.get(f"{CHILD}/autorisations"))
    assert f"DURAND Jeanne — 06{NBSP}11{NBSP}22{NBSP}33{NBSP}44 Grand mère" in autorisations
    assert "Demande refusée : Pratique alimentaire" in [sent.notice.subject for sent in world.notifier.sent]


def test_a_request_decided_by_another_agent_first_shows_a_french_conflict(world: World, family: PageClient) -> None:
    _send(family, *FORMS[2])
    [request] = _pending(world)
    first, second = _agent(world), _agent(world)
    first.get("/agent/demandes")
    second.get("/agent/demandes")

    first.post(f"/agent/demandes/{request.id}", {"decision": "accepter"})
    late = second.post(f"/agent/demandes/{request.id}", {"decision": "refuser", "motif": "non"})

    assert late.status_code == 409
    assert "Demande déjà traitée" in text_of(late) and "a déjà été acceptée" in text_of(late)
    assert world.uow.store.requests[request.id].status is RequestStatus.ACCEPTED


def test_the_queue_filters_by_kind_and_family(world: World, family: PageClient) -> None:
    _send(family, *FORMS[0])
    _send(family, *FORMS[2])
    agent = _agent(world)

    only = agent.get("/agent/demandes?type=complementaires").text
    assert only.count('<article class="carte demande"') == 1 and "Données complémentaires — Léa DUPONT" in only
    assert "Aucune demande ne correspond" in text_of(agent.get("/agent/demandes?famille=fam-b"))


def test_a_deletion_request_names_the_person_and_goes_once_accepted(world: World, family: PageClient) -> None:
    _send(family, *FORMS[1])
    agent = _agent(world)
    [added] = _pending(world)
    agent.post(f"/agent/demandes/{added.id}", {"decision": "accepter"})
    person = world.uow.store.child_sections["enf-a1"].autorisations[0]

    family.get(f"{CHILD}/autorisations")
    result = family.post(f"{CHILD}/autorisations/{person.id}/suppression")

    assert result.status_code == 303
    text = text_of(family.get(f"{CHILD}/autorisations"))
    assert "Suppression demandée" in text and "Demandes de suppression en cours" in text
    assert "Supprimé" in text_of(agent.get("/agent/demandes")) and "DURAND" in text_of(agent.get("/agent/demandes"))


# --- health data stays in its family ------------------------------------------------------------


def test_health_data_of_one_family_never_reaches_another_familys_pages(world: World, family: PageClient) -> None:
    _send(family, f"{CHILD}/sanitaires/allergies/nouvelle", {"type": "Alimentaires",
                                                            "observations": "ALLERGIE-SECRETE-ARACHIDE"})
    _send(family, f"{CHILD}/sanitaires/pratique", {"libelle": "PAI", "commentaire": "PAI-SECRET"})
    agent = _agent(world)
    for request in _pending(world):
        agent.post(f"/agent/demandes/{request.id}", {"decision": "accepter"})
    assert "ALLERGIE-SECRETE-ARACHIDE" in text_of(family.get(f"{CHILD}/sanitaires"))

    other = PageClient(world.app())
    other.login("paul.martin")
    pages = [*FAMILY_PAGES, "/enfants/enf-b1", "/enfants/enf-b1/sanitaires", "/enfants/enf-b1/autorisations",
             "/messages", "/accueil", *CHILD_PAGES]
    other_agent = PageClient(world.app())
    other_agent.login("agent.deuxrives")
    for client, paths in ((other, pages), (other_agent, ["/agent/demandes", *CHILD_PAGES, "/agent/familles/fam-a"])):
        for path in paths:
            body = client.get(path).text
            assert "SECRET" not in body and "Alimentaires" not in body, path

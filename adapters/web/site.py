"""What every page resource shares: the portal, the renderer, the session cookie."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import attrs
import falcon

from famille.adapters.http.auth import SESSION_COOKIE
from famille.adapters.web.rendering import Renderer
from famille.kernel.accounts.authentication import LoginGrant
from famille.ports.http import Application

LOGIN_PAGE = "/connexion"
HOME_PAGE = "/accueil"

#: Notices a page shows after a redirect, by key: nothing from the address is ever shown as is.
NOTICES = {
    "deconnexion": "Vous êtes déconnecté. À bientôt sur le portail famille.",
    "mot-de-passe-enregistre": "Votre nouveau mot de passe est enregistré : connectez-vous avec lui.",
    "mot-de-passe-modifie": "Votre mot de passe a été modifié.",
    "session-expiree": "Votre session a expiré ; veuillez vous reconnecter.",
    "demande-transmise": "Votre demande a été transmise au gestionnaire. Elle figure ci-dessous parmi les "
                         "demandes en cours jusqu'à sa réponse.",
    "suppression-demandee": "Votre demande de suppression a été transmise au gestionnaire.",
    "demande-acceptee": "La demande est acceptée : la modification est enregistrée et la famille en est avertie.",
    "demande-refusee": "La demande est refusée : la famille en est avertie, avec le motif.",
    "famille-creee": "La famille est créée, avec son compte : envoyez-lui le lien d'activation quand son adresse "
                     "électronique est renseignée.",
    "enfant-ajoute": "L'enfant est ajouté à la famille.",
    "inscription-ajoutee": "L'inscription est enregistrée : elle paraît dans le planning de l'enfant.",
    "lien-envoye": "Le lien d'activation est envoyé par courriel à la famille ; il sert une fois, pendant 30 jours.",
}


@attrs.frozen
class Site:
    """The portal's use cases and how pages are drawn and cookies set."""

    portal: Application
    renderer: Renderer
    secure_cookies: bool

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, **context: object) -> None:
        """Render `template` (status and context as `Renderer.page`), with the notice asked for."""
        context.setdefault("flash", NOTICES.get(req.get_param("message") or ""))
        self.renderer.page(req, resp, template, **context)

    def open_session(self, resp: falcon.Response, grant: LoginGrant) -> None:
        """The same session cookie as the API's: HttpOnly, SameSite=Lax, Secure when asked."""
        lifetime = grant.session.expires_at - self.portal.clock.now()
        resp.set_cookie(
            SESSION_COOKIE, grant.token, max_age=max(0, int(lifetime.total_seconds())), path="/",
            secure=self.secure_cookies, http_only=True, same_site="Lax",
        )

    def today(self) -> date:
        """Today, Europe/Paris, by the portal's clock (the one a test or FAMILLE_CLOCK sets)."""
        return self.portal.clock.now().date()

    def close_session(self, resp: falcon.Response) -> None:
        """Forget the session cookie."""
        resp.unset_cookie(SESSION_COOKIE, path="/", same_site="Lax")


def safe_next(target: str | None) -> str | None:
    """`target` if it is a page of this site (an absolute path), else None: no open redirect."""
    if not target or len(target) > 300 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or any(ch in target for ch in "\\\r\n\t") or not target.isascii():
        return None
    return target


def login_address(next_page: str | None = None, notice: str | None = None) -> str:
    """/connexion, maybe with the page to go back to after login and a notice key."""
    query = {key: value for key, value in (("suite", safe_next(next_page)), ("message", notice)) if value}
    return f"{LOGIN_PAGE}?{urlencode(query)}" if query else LOGIN_PAGE


class Page:
    """Base of the portal's pages: each works through the one `Site` (the portal and its templates)."""

    def __init__(self, site: Site) -> None:
        self._site = site

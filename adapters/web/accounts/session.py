"""« Accès famille »: the login page, the way in (`/`) and the way out (« Déconnexion »)."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED, PUBLIC
from famille.adapters.http.throttle import LOGIN_ATTEMPTS
from famille.adapters.web.forms import Form, posted
from famille.adapters.web.rendering import redirect
from famille.adapters.web.security import session_cookie
from famille.adapters.web.site import HOME_PAGE, Page, Site, login_address, safe_next
from famille.kernel.accounts.model import Principal
from famille.kernel.shared.errors import AccountLocked, InvalidCredentials, Unauthenticated


def current_principal(site: Site, req: falcon.Request) -> Principal | None:
    """Who the session cookie belongs to, on a public page (None if nobody or expired)."""
    token = session_cookie(req)
    if not token or len(token) > 512 or not token.isascii():
        return None
    try:
        return site.portal.authentication.authenticate(token)
    except Unauthenticated:
        return None


class RootResource(Page):
    """`/`: the home page when logged in, the login page otherwise."""

    auth = PUBLIC

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Redirect to where the visitor belongs."""
        redirect(resp, HOME_PAGE if current_principal(self._site, req) else login_address())


class LoginResource(Page):
    """« Accès famille » : identifiant, mot de passe, « Mot de passe oublié »."""

    auth = PUBLIC
    throttle = LOGIN_ATTEMPTS

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The login form (or the home page for someone already logged in)."""
        if current_principal(self._site, req) is not None:
            redirect(resp, safe_next(req.get_param("suite")) or HOME_PAGE)
            return
        self._show(req, resp, Form())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Log in; refusals are shown on the form, in the kernel's words."""
        fields = posted(req)
        form = Form.keeping(fields, ["login"])
        login = form.require(fields, "login", "Saisissez votre identifiant.")
        password = form.require(fields, "password", "Saisissez votre mot de passe.")
        if form.has_errors:
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        try:
            grant = self._site.portal.authentication.login(login, password)
        except AccountLocked as locked:
            self._show(req, resp, form, status=falcon.HTTP_423, locked=locked.message)
            return
        except InvalidCredentials as refused:
            form.add(None, refused.message)
            self._show(req, resp, form, status=falcon.HTTP_401)
            return
        self._site.open_session(resp, grant)
        redirect(resp, safe_next(fields.get("suite")) or HOME_PAGE)

    def _show(
        self, req: falcon.Request, resp: falcon.Response, form: Form, *, status: str = falcon.HTTP_200,
        locked: str | None = None,
    ) -> None:
        suite = safe_next(req.get_param("suite") or posted(req).get("suite"))
        self._site.page(req, resp, "connexion.html", status=status, form=form, locked=locked, suite=suite)


class LogoutResource(Page):
    """« Déconnexion » : a form (POST), so that no link or image can log anyone out."""

    auth = {"POST": AUTHENTICATED}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """End the session and go back to the login page."""
        self._site.portal.authentication.logout(req.context.principal)
        self._site.close_session(resp)
        redirect(resp, login_address(notice="deconnexion"))

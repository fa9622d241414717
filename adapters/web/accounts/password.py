"""Passwords: « Changer mot de passe », « Mot de passe oublié », and the page the reset e-mail links to."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED, PUBLIC
from famille.adapters.http.throttle import LOGIN_ATTEMPTS
from famille.adapters.web.accounts.requirements import password_requirements
from famille.adapters.web.forms import Form, posted
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import HOME_PAGE, Page, login_address
from famille.kernel.shared.errors import AccountLocked, InvalidResetToken, ValidationFailed

RESET_SENT = (
    "Si cet identifiant correspond à un compte, un lien pour choisir un nouveau mot de passe vient "
    "d'être envoyé à l'adresse électronique du compte. Ce lien est valable une heure. "
    "Pensez à regarder dans vos courriers indésirables."
)
CHANGE_FIELDS = ("login", "current_password", "new_password", "confirmation")
RESET_FIELDS = ("new_password", "confirmation")


class ChangePasswordResource(Page):
    """« Modification du mot de passe » : login, current password, the new one twice (no agent validates)."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The form, with the policy's requirements."""
        self._show(req, resp, Form(values={"login": req.context.principal.login}))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Change the password, or show each refusal beside its field."""
        fields = posted(req)
        form = Form.keeping(fields, ["login"])
        form.require(fields, "login", "Saisissez votre identifiant.")
        form.require(fields, "current_password", "Saisissez votre mot de passe actuel.")
        form.require(fields, "new_password", "Saisissez le nouveau mot de passe.")
        form.require(fields, "confirmation", "Saisissez une deuxième fois le nouveau mot de passe.")
        if form.has_errors:
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        try:
            self._site.portal.authentication.change_password(
                req.context.principal, login=fields["login"], current=fields["current_password"],
                new=fields["new_password"], confirmation=fields["confirmation"],
            )
        except ValidationFailed as refused:
            form.absorb(refused, CHANGE_FIELDS)
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        except AccountLocked as locked:
            # Too many wrong current passwords: the account is locked, this session with it.
            self._site.close_session(resp)
            self._site.page(req, resp, "verrouille.html", status=falcon.HTTP_423, message=locked.message)
            return
        redirect(resp, f"{HOME_PAGE}?message=mot-de-passe-modifie")

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, *,
              status: str = falcon.HTTP_200) -> None:
        requirements = password_requirements(self._site.portal.rules, req.context.principal.organisation_code)
        self._site.page(req, resp, "mot_de_passe.html", status=status, form=form,
                        requirements=requirements)


class ForgottenPasswordResource(Page):
    """« Mot de passe oublié » : the same answer whether the login exists or not."""

    auth = PUBLIC
    throttle = LOGIN_ATTEMPTS

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The form: the identifiant only."""
        self._site.page(req, resp, "mot_de_passe_oublie.html", form=Form(), sent=None)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Send the link if the login exists; say the same thing in every case."""
        fields = posted(req)
        form = Form.keeping(fields, ["login"])
        login = form.require(fields, "login", "Saisissez votre identifiant.")
        if form.has_errors:
            self._site.page(req, resp, "mot_de_passe_oublie.html", status=falcon.HTTP_422, form=form,
                            sent=None)
            return
        self._site.portal.authentication.request_reset(login)
        self._site.page(req, resp, "mot_de_passe_oublie.html", form=Form(), sent=RESET_SENT)


class NewPasswordResource(Page):
    """`/mot-de-passe/nouveau?jeton=…`: choose a password through a reset or first-activation link."""

    auth = PUBLIC

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The form, carrying the link's token in a hidden field."""
        self._show(req, resp, Form(), req.get_param("jeton") or "")

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Set the password; the login page follows."""
        fields = posted(req)
        token = fields.get("jeton", "")
        form = Form()
        form.require(fields, "new_password", "Saisissez le nouveau mot de passe.")
        form.require(fields, "confirmation", "Saisissez une deuxième fois le nouveau mot de passe.")
        if form.has_errors:
            self._show(req, resp, form, token, status=falcon.HTTP_422)
            return
        try:
            self._site.portal.authentication.reset_password(
                token, new=fields["new_password"], confirmation=fields["confirmation"]
            )
        except InvalidResetToken as invalid:
            self._show(req, resp, form, "", status=falcon.HTTP_400, invalid=invalid.message)
            return
        except ValidationFailed as refused:
            form.absorb(refused, RESET_FIELDS)
            self._show(req, resp, form, token, status=falcon.HTTP_422)
            return
        redirect(resp, login_address(notice="mot-de-passe-enregistre"))

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, token: str, *,
              status: str = falcon.HTTP_200, invalid: str | None = None) -> None:
        # The address holds a secret: never send it as a Referer, even to this site.
        resp.set_header("Referrer-Policy", "no-referrer")
        if not token and invalid is None:
            invalid = InvalidResetToken().message
            status = falcon.HTTP_400
        requirements = password_requirements(self._site.portal.rules, None)
        self._site.page(req, resp, "nouveau_mot_de_passe.html", status=status, form=form, jeton=token,
                        invalid=invalid, requirements=requirements)

"""`/api/v1/password` and `/api/v1/password-reset[/confirm]`: change, forget, reset."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED, PUBLIC
from famille.adapters.http.payloads import (
    PasswordChangeBody,
    ResetConfirmBody,
    ResetRequestBody,
    load,
)
from famille.adapters.http.routes import Route
from famille.adapters.http.throttle import LOGIN_ATTEMPTS
from famille.kernel.accounts.authentication import Authentication

RESET_REQUESTED = (
    "Si cet identifiant correspond à un compte, un lien de réinitialisation vient d'être envoyé "
    "à l'adresse électronique du compte. Ce lien est valable une heure."
)


class PasswordResource(Route[Authentication]):
    """The logged-in caller changes their password (no agent validates it)."""

    auth = AUTHENTICATED

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Change the password: login, current password, new one twice."""
        body = load(req, PasswordChangeBody)
        self._use_case.change_password(
            req.context.principal,
            login=body.login,
            current=body.current_password,
            new=body.new_password,
            confirmation=body.confirmation,
        )
        resp.status = falcon.HTTP_204


class PasswordResetResource(Route[Authentication]):
    """« Mot de passe oublié » : sends a link; the answer never tells whether the login exists."""

    auth = PUBLIC
    throttle = LOGIN_ATTEMPTS

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Ask for a reset link."""
        body = load(req, ResetRequestBody)
        self._use_case.request_reset(body.login)
        resp.status = falcon.HTTP_202
        resp.media = {"message": RESET_REQUESTED}


class PasswordResetConfirmResource(Route[Authentication]):
    """Sets a new password through a reset or activation link (single use)."""

    auth = PUBLIC

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Set the new password given twice."""
        body = load(req, ResetConfirmBody)
        self._use_case.reset_password(
            body.token, new=body.new_password, confirmation=body.confirmation
        )
        resp.status = falcon.HTTP_204

"""« Boîte de réception » : the list, one message, and marking it read (a form: no change on GET)."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page
from famille.kernel.shared.errors import NotFound


class InboxResource(Page):
    """The caller's messages, newest first; the new ones stand out."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The list."""
        messages = self._site.portal.inbox.messages(req.context.principal)
        self._site.page(req, resp, "messages.html", messages=messages,
                        unread=sum(1 for m in messages if m.read_at is None))


class MessageResource(Page):
    """One message of the caller's; reading it does not mark it read (the list's button does)."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        """The message, or « introuvable » (also for anyone else's)."""
        messages = self._site.portal.inbox.messages(req.context.principal)
        message = next((m for m in messages if m.id == message_id), None)
        if message is None:
            raise NotFound("Ce message n'existe pas ou ne vous est pas adressé.")
        self._site.page(req, resp, "message.html", message=message)


class MessageReadResource(Page):
    """« Lire » : marks the message read, then shows it."""

    auth = {"POST": AUTHENTICATED}

    def on_post(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        """Mark read and open."""
        self._site.portal.inbox.mark_read(req.context.principal, message_id)
        redirect(resp, f"/messages/{message_id}")

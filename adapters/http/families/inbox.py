"""`/api/v1/inbox`: the caller's « Boîte de réception »."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED
from famille.adapters.http.routes import Route
from famille.adapters.http.views import message_view
from famille.kernel.families.inbox_service import Inbox


class InboxResource(Route[Inbox]):
    """Lists the caller's messages, newest first."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The messages and how many are unread."""
        messages = [message_view(m) for m in self._use_case.messages(req.context.principal)]
        resp.media = {"messages": messages, "unread": sum(1 for m in messages if m["unread"])}


class InboxReadResource(Route[Inbox]):
    """Marks one of the caller's messages read (404 for anyone else's)."""

    auth = AUTHENTICATED

    def on_post(self, req: falcon.Request, resp: falcon.Response, message_id: str) -> None:
        """Mark the message read."""
        self._use_case.mark_read(req.context.principal, message_id)
        resp.status = falcon.HTTP_204

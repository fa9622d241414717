"""The baseline: a bare Falcon JSON resource, served by the same gunicorn as the portal."""

import falcon


class Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


app = falcon.App()
app.add_route("/", Hello())

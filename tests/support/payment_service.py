"""A local HTTP server playing the payment service's side: PayFIP's SOAP service and payment page,
and eopayment's dummy service. Real HTTP both ways: the portal calls it, it calls the portal.

PayFIP (`/tpa/...`):
- `POST /tpa/services/securite` answers creerPaiementSecurise (a new idOp) and
  recupererDetailPaiementSecurise (result, amount in cents, REFDET… of an idOp; the fault P5
  while the family has not paid);
- `GET /tpa/paiementws.web?idop=X&choix=payer|refuser` is the family paying on PayFIP's page:
  the server POSTs `idOp=X` to the portal's notification address, then answers the page that
  sends the family back (a form POSTed to the return address, `idOp=X`).

dummy (`/dummy/`): `GET /dummy/?transaction_id=…&choix=payer` notifies the portal
(`transaction_id, ok|refus, signed, amount, orderid`) and answers the link back.

A test may `tamper(id, **fields)` with what the service will say of a transaction.
"""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REPONSE = "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/" \
          "PaiementSecuriseService"

#: The elements of RecupererDetailPaiementSecuriseResponse, in the schema's order.
DETAIL_ORDER = ("dattrans", "exer", "heurtrans", "idOp", "mel", "montant", "numauto", "numcli", "objet", "refdet",
                "resultrans", "saisie")


def _envelope(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<S:Body>{body}</S:Body></S:Envelope>').encode()


def _tag(xml: str, name: str) -> str | None:
    found = re.search(rf"<(?:\w+:)?{name}>([^<]*)</(?:\w+:)?{name}>", xml)
    return html.unescape(found.group(1)) if found else None


class PaymentService:
    """The server's state: transactions by id, notifications sent and their answers."""

    def __init__(self) -> None:
        self.transactions: dict[str, dict[str, str]] = {}
        self.notified: list[tuple[str, int]] = []  # (transaction, HTTP status the portal answered)
        self.base = ""

    def tamper(self, transaction_id: str, **fields: str) -> None:
        """Change what the service will say of a transaction (its amount, reference…)."""
        self.transactions[transaction_id].update(fields)

    def notify(self, transaction_id: str) -> int:
        """Send the transaction's server-to-server notification (again); the portal's HTTP status."""
        t = self.transactions[transaction_id]
        if t["kind"] == "payfip":
            url, body = t["urlnotif"], urlencode({"idOp": transaction_id})
        else:
            url, body = t["direct_notification_url"], urlencode(self._dummy_fields(t))
        request = urllib.request.Request(url, data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.notified.append((transaction_id, status))
        return status

    @staticmethod
    def _dummy_fields(t: dict[str, str]) -> dict[str, str]:
        fields = {"transaction_id": t["transaction_id"], "signed": "1", "amount": t["amount"],
                  "orderid": t["orderid"]}
        fields["ok" if t["result"] == "P" else "refus"] = "1"
        return fields

    # --- the HTTP side -------------------------------------------------------------------------

    def soap(self, xml: str) -> tuple[int, bytes]:
        if "creerPaiementSecurise" in xml:
            idop = uuid.uuid4().hex
            self.transactions[idop] = {"kind": "payfip", "result": "", **{
                name: _tag(xml, name) or "" for name in ("numcli", "exer", "montant", "refdet", "mel", "objet",
                                                          "saisie", "urlnotif", "urlredirect")}}
            return 200, _envelope(f'<ns2:creerPaiementSecuriseResponse xmlns:ns2="{REPONSE}"><return>'
                                  f'<idOp>{idop}</idOp></return></ns2:creerPaiementSecuriseResponse>')
        idop = _tag(xml, "idOp") or ""
        t = self.transactions.get(idop)
        if t is None or not t["result"]:
            code = "P1" if t is None else "P5"
            return 500, _envelope(
                '<S:Fault><faultcode>S:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.'
                f'FonctionnelleErreur</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="{REPONSE}">'
                f'<code>{code}</code><descriptif>Transaction non aboutie</descriptif><severite>2</severite>'
                '</ns2:FonctionnelleErreur></detail></S:Fault>')
        values = {**t, "dattrans": "06122026", "heurtrans": "1000", "idOp": idop,
                  "numauto": "AUTO42" if t["result"] == "P" else "", "resultrans": t["result"]}
        detail = "".join(f"<{k}>{html.escape(values[k])}</{k}>" for k in DETAIL_ORDER)
        return 200, _envelope(f'<ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="{REPONSE}"><return>{detail}'
                              '</return></ns2:recupererDetailPaiementSecuriseResponse>')

    def payfip_page(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        idop = query.get("idop", [""])[0]
        t = self.transactions.get(idop)
        if t is None:
            return 404, b"idop inconnu"
        t["result"] = "P" if query.get("choix", ["payer"])[0] == "payer" else "A"
        self.notify(idop)
        form = (f'<form method="post" action="{html.escape(t["urlredirect"])}">'
                f'<input type="hidden" name="idOp" value="{idop}"><button>Retour au site</button></form>')
        return 200, form.encode()

    def dummy_page(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        transaction = query.get("transaction_id", [""])[0]
        t = {k: v[0] for k, v in query.items()}
        t.update(kind="dummy", result="P" if query.get("choix", ["payer"])[0] == "payer" else "A")
        self.transactions[transaction] = t
        self.notify(transaction)
        back = f'{t["return_url"]}?{urlencode(self._dummy_fields(t))}'
        return 200, f'<a id="retour" href="{html.escape(back)}">Retour au site</a>'.encode()


@contextmanager
def running_payment_service(port: int = 0) -> Iterator[PaymentService]:
    """Serve a `PaymentService` on 127.0.0.1 (a free port by default; its `base` URL set); stop it afterwards."""
    service = PaymentService()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, body = service.soap(self.rfile.read(length).decode("utf-8"))
            self._answer(status, body, "text/xml; charset=utf-8")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path.startswith("/tpa/"):
                status, body = service.payfip_page(query)
            elif parts.path.startswith("/dummy/"):
                status, body = service.dummy_page(query)
            else:  # the browser's /favicon.ico
                status, body = 404, b""
            self._answer(status, body, "text/html; charset=utf-8")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    service.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # a local PayFIP for a demonstration: python -m tests.support.payment_service
    import sys
    import time

    with running_payment_service(int(sys.argv[1]) if len(sys.argv) > 1 else 8001) as running:
        print(f"PayFIP de démonstration sur {running.base} ; dans FAMILLE_PAYMENTS_FILE :\n"
              f"saint-verand:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: T\n"
              f"  soap_url: {running.base}/tpa/services/securite\n"
              f"  payment_url: {running.base}/tpa/paiementws.web", flush=True)
        while True:
            time.sleep(3600)

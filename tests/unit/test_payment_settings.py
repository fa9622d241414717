"""The payments file: read once at start-up, refused with a French message naming the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from famille.adapters.payment.eopayment_gateway import PaymentSettingsError, load_payment_settings


def test_a_payments_file_gives_each_organisation_its_backend(tmp_path: Path) -> None:
    path = tmp_path / "paiements.yaml"
    path.write_text("saint-verand:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: W\n"
                    "rpi:\n  backend: dummy\n  service_url: http://127.0.0.1:9/dummy/\n", encoding="utf-8")

    settings = load_payment_settings(path)

    assert settings["saint-verand"].backend == "payfip_ws"
    assert dict(settings["saint-verand"].options) == {"numcli": "123456", "saisie": "W"}
    assert settings["rpi"].service_url == "http://127.0.0.1:9/dummy/" and dict(settings["rpi"].options) == {}


@pytest.mark.parametrize(("text", "said"), [
    ("ville:\n  backend: paypal\n", "« backend » doit valoir payfip_ws ou dummy"),
    ("ville:\n  backend: payfip_ws\n  numcli: '12345'\n", "« numcli » doit être le numéro client PayFIP"),
    ("ville:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: Z\n", "« saisie » vaut T (test)"),
    ("- ville\n", "une organisation par clé"),
    ("ville: [\n", "illisible"),
])
def test_a_bad_payments_file_is_refused_naming_the_organisation_and_the_field(
    tmp_path: Path, text: str, said: str,
) -> None:
    path = tmp_path / "paiements.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PaymentSettingsError, match=re.escape(said)):
        load_payment_settings(path)


"""The month's direct debits as a SEPA pain.008 file (sepaxml)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sepaxml import SepaDD

from famille.adapters.sqlalchemy.billing.repository import to_cents
from famille.kernel.billing.service import DirectDebit
from famille.kernel.billing.setup import Creditor

__all__ = ["Creditor", "pain008"]


def pain008(creditor: Creditor, debits: Sequence[DirectDebit], collection_date: date) -> bytes:
    """The pain.008.001.02 XML of `debits`, validated against its schema by sepaxml.

    `creditor` is the organisation's stored creditor data; a debit whose family has no mandate
    is skipped (`Billing.sepa_batch` has already left those out and listed them)."""
    sepa = SepaDD({
        "name": creditor.name[:70], "IBAN": creditor.iban, "BIC": creditor.bic, "batch": True,
        "creditor_id": creditor.creditor_id, "currency": "EUR",
    }, schema="pain.008.001.02", clean=True)
    for debit in debits:
        bank = debit.payer.direct_debit
        if bank is None:
            continue
        sepa.add_payment({
            "name": bank.holder[:70], "IBAN": bank.iban, "BIC": bank.bic, "amount": to_cents(debit.amount),
            "type": "RCUR", "collection_date": collection_date, "mandate_id": bank.mandate_reference,
            "mandate_date": bank.mandate_signed_on, "description": f"Facture {debit.invoice.number}"[:140],
            "endtoend_id": (debit.invoice.number or debit.invoice.id).replace("-", "")[:35],
        })
    return bytes(sepa.export(validate=True))

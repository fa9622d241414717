"""A family's record reduced to what billing needs (QF, address, bank details for prélèvement)."""

from __future__ import annotations

from datetime import date

from famille.kernel.billing import BankDetails, PayerProfile
from famille.kernel.families import Family
from famille.kernel.records import FamilySections

#: BankInfo has no mandate date yet: mandates are taken as signed on this date (see docs/api.md).
DEFAULT_MANDATE_DATE = date(2025, 9, 1)


def mandate_reference(family: Family) -> str:
    """The SEPA mandate reference of a family: unique per organisation and stable (RUM)."""
    return f"FAMILLE-{family.organisation_code}-{family.number}".upper()[:35]


def payer_profile(family: Family, sections: FamilySections) -> PayerProfile:
    """The billing view of a family and its record's sections."""
    adult = family.responsable
    address = tuple(x for x in (
        adult.adresse, adult.complement_adresse_1, adult.complement_adresse_2, adult.lieu_dit,
        " ".join(x for x in (adult.code_postal, adult.ville) if x)) if x)
    bank = sections.bancaires
    debit = None
    if bank.prelevement and bank.iban:
        debit = BankDetails(iban=bank.iban.replace(" ", "").upper(), bic=(bank.bic or "").upper(),
                            holder=bank.titulaire or adult.full_name, mandate_reference=mandate_reference(family),
                            mandate_signed_on=DEFAULT_MANDATE_DATE)
    name = " ".join(x for x in ((adult.civilite.value if adult.civilite else None), adult.prenom, adult.nom) if x)
    return PayerProfile(family_id=family.id, number=family.number, name=name, address=address,
                        quotient_familial=sections.caf.quotient_familial, resident=True, direct_debit=debit)

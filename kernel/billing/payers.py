"""A family's record reduced to what billing needs (QF, residence, address, bank details for prélèvement)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from famille.kernel.billing.model import BankDetails, PayerProfile
from famille.kernel.families.model import Family
from famille.kernel.families.records import FamilySections

if TYPE_CHECKING:
    from famille.kernel.billing.setup import Mandate


def mandate_reference(family: Family) -> str:
    """The default SEPA mandate reference of a family: unique per organisation and stable (RUM)."""
    return f"FAMILLE-{family.organisation_code}-{family.number}".upper()[:35]


def payer_profile(family: Family, sections: FamilySections, *, resident: bool = True,
                  mandate: Mandate | None = None, billed_by: str | None = None) -> PayerProfile:
    """The billing view of a family, its record's sections, its residence and its SEPA mandate.

    A family that chose prélèvement is debited only with an IBAN and a signed mandate. Billed by
    another organisation than its own (`billed_by`: its child is enrolled at an RPI's garderie), the
    family does not live there and its mandate, signed with its own organisation, does not apply.
    """
    if billed_by is not None and billed_by != family.organisation_code:
        resident, mandate = False, None
    adult = family.responsable
    address = tuple(x for x in (
        adult.adresse, adult.complement_adresse_1, adult.complement_adresse_2, adult.lieu_dit,
        " ".join(x for x in (adult.code_postal, adult.ville) if x)) if x)
    bank = sections.bancaires
    debit = None
    if bank.prelevement and bank.iban and mandate is not None:
        debit = BankDetails(iban=bank.iban.replace(" ", "").upper(), bic=(bank.bic or "").replace(" ", "").upper(),
                            holder=bank.titulaire or adult.full_name, mandate_reference=mandate.reference,
                            mandate_signed_on=mandate.signed_on)
    name = " ".join(x for x in ((adult.civilite.value if adult.civilite else None), adult.prenom, adult.nom) if x)
    return PayerProfile(family_id=family.id, number=family.number, name=name, address=address,
                        quotient_familial=sections.caf.quotient_familial, resident=resident, direct_debit=debit,
                        wants_direct_debit=bank.prelevement)

"""What billing needs that agents set: shares of separated parents, residence, SEPA creditor and mandates.

Agents act on their own organisation's children and families only (anything else is
« introuvable »). Values are checked here, at the kernel's edge, with French messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.model import CENT, FULL_SHARE
from famille.kernel.billing.payers import mandate_reference
from famille.kernel.billing.run import equal_shares
from famille.kernel.families import access
from famille.kernel.shared.errors import FieldError, NotFound, ValidationFailed
from famille.ports.persistence import UnitOfWorkFactory

IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
#: The SEPA creditor identifier (ICS): country, check digits, business code, national identifier.
ICS = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$")
#: A mandate reference (RUM): up to 35 characters of the SEPA Latin set.
RUM = re.compile(r"^[A-Za-z0-9/?:().,'+ -]{1,35}$")


@attrs.frozen
class Creditor:
    """The organisation collecting direct debits: its name, IBAN, BIC and SEPA creditor identifier (ICS)."""

    name: str
    iban: str
    bic: str
    creditor_id: str


@attrs.frozen
class Mandate:
    """A family's SEPA mandate: its reference (RUM) and the date it was signed."""

    reference: str
    signed_on: date


@attrs.frozen
class FamilyBilling:
    """A family's billing settings: lives in the commune or not, its mandate if it signed one."""

    family_id: str
    resident: bool = True
    mandate: Mandate | None = None


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def iban_is_valid(iban: str) -> bool:
    """Whether `iban` (spaces allowed) is well formed and its check digits hold (ISO 13616, mod 97)."""
    iban = _compact(iban)
    if not IBAN.match(iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def creditor_from(name: str, iban: str, bic: str, creditor_id: str) -> Creditor:
    """A creditor from what an agent typed, or `ValidationFailed` naming each wrong field."""
    errors = []
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 70:
        errors.append(FieldError("name", "Le nom du créancier est obligatoire (70 caractères au plus)."))
    if not iban_is_valid(iban):
        errors.append(FieldError("iban", "IBAN invalide (format ou clé de contrôle)."))
    if not BIC.match(_compact(bic)):
        errors.append(FieldError("bic", "BIC invalide : 8 ou 11 caractères, par exemple AGRIFRPPXXX."))
    if not ICS.match(_compact(creditor_id)):
        errors.append(FieldError("creditor_id", "Identifiant créancier SEPA (ICS) invalide, "
                                                "par exemple FR12ZZZ123456."))
    if errors:
        raise ValidationFailed(errors)
    return Creditor(name, _compact(iban), _compact(bic), _compact(creditor_id))


def shares_from(shares: Mapping[str, str | Decimal], family_ids: tuple[str, ...]) -> dict[str, Decimal]:
    """Each family's percentage, checked: the child's families exactly, two decimals, summing to 100."""
    errors = []
    parsed: dict[str, Decimal] = {}
    for family_id, value in shares.items():
        try:
            share = Decimal(str(value))
        except InvalidOperation:
            share = Decimal("NaN")
        if not share.is_finite() or share < 0 or share > FULL_SHARE or share != share.quantize(CENT):
            errors.append(FieldError(f"shares.{family_id}", "Une part est un pourcentage de 0 à 100, "
                                                            "deux décimales au plus (par exemple « 50.00 »)."))
        else:
            parsed[family_id] = share.quantize(CENT)
    if set(shares) != set(family_ids):
        errors.append(FieldError("shares", "Indiquez une part pour chaque famille de l'enfant, et pour elles seules."))
    elif not errors and sum(parsed.values()) != FULL_SHARE:
        errors.append(FieldError("shares", f"Les parts doivent totaliser 100 % (total : {sum(parsed.values())} %)."))
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _agent(principal: Principal) -> str:
    if not principal.is_agent:
        raise NotFound("Introuvable.")
    return principal.organisation_code


class BillingSetup:
    """The agents' use cases that set what billing reads."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def shares(self, principal: Principal, child_id: str) -> dict[str, Decimal]:
        """The share each family of the child pays (equal when none was set)."""
        _agent(principal)
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            stored = uow.billing.child_shares(child_id)
        values = [stored.get(f) for f in child.family_ids]
        if child.family_ids and all(v is not None for v in values) and sum(v for v in values if v) == FULL_SHARE:
            return {f: v for f, v in zip(child.family_ids, values, strict=True) if v is not None}
        return dict(zip(child.family_ids, equal_shares(len(child.family_ids)), strict=True)) \
            if child.family_ids else {}

    def set_shares(self, principal: Principal, child_id: str, shares: Mapping[str, str | Decimal]
                   ) -> dict[str, Decimal]:
        """Set each family's share of the child's costs (the next billing run splits by them)."""
        _agent(principal)
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            parsed = shares_from(shares, child.family_ids)
            uow.billing.set_child_shares(child_id, parsed)
            uow.commit()
        return {f: parsed[f] for f in child.family_ids}

    def family_billing(self, principal: Principal, family_id: str) -> FamilyBilling:
        """A family's residence and mandate."""
        _agent(principal)
        with self._uow() as uow:
            access.visible_family(uow, principal, family_id)
            return uow.billing.family_billing(family_id)

    def set_family_billing(self, principal: Principal, family_id: str, *, resident: bool | None = None,
                           mandate_signed_on: date | None = None, mandate_reference_text: str | None = None,
                           remove_mandate: bool = False) -> FamilyBilling:
        """Set whether the family lives in the commune and record (or remove) its SEPA mandate.

        A mandate without a reference gets the family's default RUM (`FAMILLE-<organisation>-<N°>`).
        """
        organisation = _agent(principal)
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            current = uow.billing.family_billing(family_id)
            mandate = None if remove_mandate else current.mandate
            if mandate_signed_on is not None:
                reference = (mandate_reference_text or "").strip() or mandate_reference(family)
                if not RUM.match(reference):
                    raise ValidationFailed([FieldError("mandate.reference", "Référence de mandat (RUM) invalide : "
                                                       "35 caractères au plus, lettres, chiffres et + ? / - : ( ) . , '")])
                holder = uow.billing.mandate_holder(organisation, reference)
                if holder is not None and holder != family_id:
                    raise ValidationFailed([FieldError("mandate.reference", f"La référence de mandat « {reference} » "
                                                       "est déjà celle d'une autre famille.")])
                mandate = Mandate(reference, mandate_signed_on)
            updated = FamilyBilling(family_id, current.resident if resident is None else resident, mandate)
            uow.billing.set_family_billing(organisation, updated)
            uow.commit()
            return updated

    def creditor(self, organisation_code: str) -> Creditor | None:
        """The organisation's SEPA creditor data, or None when not set."""
        with self._uow() as uow:
            return uow.billing.creditor(organisation_code)

    def set_creditor(self, organisation_code: str, name: str, iban: str, bic: str, creditor_id: str) -> Creditor:
        """Store the organisation's SEPA creditor data (the CLI, or an agent through `set_own_creditor`)."""
        creditor = creditor_from(name, iban, bic, creditor_id)
        with self._uow() as uow:
            if uow.organisations.get(organisation_code) is None:
                raise NotFound("Organisation introuvable.")
            uow.billing.set_creditor(organisation_code, creditor)
            uow.commit()
        return creditor

    def set_own_creditor(self, principal: Principal, name: str, iban: str, bic: str, creditor_id: str) -> Creditor:
        """An agent sets its organisation's creditor data."""
        return self.set_creditor(_agent(principal), name, iban, bic, creditor_id)

"""The home page ("Accueil"): who is logged in, new messages, balance, unpaid invoices, children."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.account import position
from famille.kernel.families.model import Adult, Child, Family
from famille.kernel.shared.errors import NotFound
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWorkFactory


@attrs.frozen
class UnpaidInvoice:
    """One line of "Factures impayées"; `amount` is what remains to pay on it, `invoice_id` opens it."""

    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    invoice_id: str = ""


@attrs.frozen
class HomePage:
    """What the home page shows to the caller.

    For a family: its responsable, N° famille and children; for an agent: its name
    and organisation (no family). `balance` is the account's solde at `today`.
    `photographed` names the children whose photo an agent accepted (read from their records).
    """

    today: date
    display_name: str
    role: str
    organisation_code: str
    organisation_name: str
    new_messages: int
    family: Family | None = None
    children: tuple[Child, ...] = ()
    balance: Decimal = Decimal("0.00")
    unpaid_invoices: tuple[UnpaidInvoice, ...] = ()
    photographed: frozenset[str] = frozenset()

    def has_photo(self, child: Child) -> bool:
        """Whether the child's record holds an accepted photo."""
        return child.id in self.photographed

    @property
    def responsable(self) -> Adult | None:
        """The family's responsable, if the caller is a family."""
        return self.family.responsable if self.family else None

    @property
    def unpaid_total(self) -> Decimal:
        """The total of the unpaid invoices."""
        return sum((invoice.amount for invoice in self.unpaid_invoices), Decimal("0.00"))

    @property
    def greeting(self) -> str:
        """The guide's "Bienvenue PRENOM NOM, vous avez N nouveau(x) message(s)"."""
        plural = "x" if self.new_messages > 1 else ""
        s = "s" if self.new_messages > 1 else ""
        return (
            f"Bienvenue {self.display_name}, vous avez {self.new_messages} "
            f"nouveau{plural} message{s}"
        )


class Home:
    """Builds the home page of the caller."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def page(self, principal: Principal) -> HomePage:
        """The home page of `principal`."""
        with self._uow() as uow:
            account = uow.accounts.get(principal.account_id)
            organisation = uow.organisations.get(principal.organisation_code)
            if account is None or organisation is None:
                raise NotFound("Compte introuvable.")
            family = uow.families.get(principal.family_id) if principal.family_id else None
            children = tuple(uow.families.children_of(family.id)) if family else ()
            display_name = family.responsable.full_name if family else account.display_name
            today = self._clock.now().date()
            balance, unpaid = Decimal("0.00"), cast(tuple[UnpaidInvoice, ...], ())
            if family is not None:
                account_now = position(uow.billing.issued_of_family(family.id),
                                       uow.billing.payments_of_family(family.id), today)
                balance = account_now.balance
                unpaid = tuple(UnpaidInvoice(o.invoice.number or "", o.invoice.issued_on or today,
                                             o.invoice.due_on or today, o.remaining, o.invoice.id)
                               for o in account_now.unpaid)
            return HomePage(
                today=self._clock.now().date(),
                display_name=display_name,
                role=principal.role.value,
                organisation_code=organisation.code,
                organisation_name=organisation.name,
                new_messages=uow.inbox.unread_count(account.id),
                family=family,
                children=children,
                balance=balance,
                unpaid_invoices=unpaid,
                photographed=frozenset(c.id for c in children if uow.records.child_sections(c.id).photo_id),
            )

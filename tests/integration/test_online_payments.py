"""Online payments on SQLite and PostgreSQL: stored, settled once even by messages arriving together,
recorded with the invoices they pay."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Principal, Role
from famille.kernel.billing.model import BillingRun, Invoice, InvoiceKind, PaymentMethod, RunStatus
from famille.kernel.billing.online import OnlineStatus
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.errors import DomainError
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.payment_gateway import FakePaymentGateway
from tests.fakes.rules import ShippedRules
from tests.support.planning_world import seed_families, seed_organisation


def _issue(uow_factory: SqlUnitOfWorkFactory, family: str) -> None:
    run = BillingRun("run-1", "ville-a", "2026-11", RunStatus.FINAL, datetime(2026, 12, 1, 9, tzinfo=PARIS), "a")
    with uow_factory() as uow:
        uow.billing.replace_draft(run, [
            Invoice(id=f"inv-{n}", organisation_code="ville-a", family_id=family, month="2026-11",
                    kind=InvoiceKind.INVOICE, lines=(), total=Decimal(total), run_id=run.id, number=f"2026-00000{n}",
                    issued_on=date(2026, 12, n), due_on=date(2026, 12, 31))
            for n, total in ((1, "30.00"), (2, "12.50"))])
        uow.commit()


def test_two_messages_at_once_record_one_payment_allocated_to_its_invoices(uow_factory: SqlUnitOfWorkFactory) -> None:
    seed_organisation(uow_factory, "ville-a")
    ((family_id, _),) = seed_families(uow_factory, "ville-a", 1)
    _issue(uow_factory, family_id)
    gateway = FakePaymentGateway(("ville-a",))
    portal = build_portal(uow=uow_factory, clock=FakeClock(datetime(2026, 12, 10, 10, tzinfo=PARIS)),
                          rules=ShippedRules(), hasher=FakeHasher(), notifier=FakeNotifier(),
                          portal_url="https://portail.example", payment_gateway=gateway)
    family = Principal("ville-a-acc-0", "ville-a.famille0", Role.FAMILY, "ville-a", family_id, "s")
    opened = portal.payments.start(family, ["inv-2"])
    assert portal.payments.get(family, opened.id) == opened  # stored and read back whole
    message = gateway.message_for(opened.transaction_id)
    results: list[object] = []

    def settle() -> None:
        try:
            results.append(portal.payments.settle(opened.id, message, channel="notification").status)
        except DomainError as error:  # pragma: no cover - would fail the assertion below
            results.append(error)

    threads = [threading.Thread(target=settle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [OnlineStatus.PAID] * 4
    with uow_factory() as uow:
        (payment,) = uow.billing.payments_of_family(family_id)
        stored = uow.billing.online_payment(opened.id)
    assert payment.method is PaymentMethod.ONLINE and payment.allocations == (("inv-2", Decimal("12.50")),)
    assert stored is not None and stored.payment_id == payment.id and stored.status is OnlineStatus.PAID
    account = portal.billing.account(family_id)
    assert [o.invoice.id for o in account.unpaid] == ["inv-1"] and account.balance == Decimal("30.00")

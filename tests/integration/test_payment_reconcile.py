"""`famille payments reconcile` with eopayment's real PayFIP backend and the local payment service: a
family pays but the notification never reaches the portal; the reconciliation asks PayFIP and records
the payment once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from famille.adapters.payment.eopayment_gateway import EopaymentGateway, PaymentSettings
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Account, Principal, Role
from famille.kernel.billing.model import BillingRun, Invoice, InvoiceKind, PaymentMethod, RunStatus
from famille.kernel.billing.online import QUIET, OnlineStatus, ReconcileReport
from famille.kernel.families.model import Adult, Family
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.support.payment_service import running_payment_service
from tests.support.planning_world import seed_organisation

NOW = datetime(2026, 12, 10, 10, 0, tzinfo=PARIS)


def test_a_payment_whose_notification_was_lost_is_recorded_once_by_asking_payfip(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    seed_organisation(uow_factory, "ville-a")
    run = BillingRun("run-1", "ville-a", "2026-11", RunStatus.FINAL, NOW, "a")
    with uow_factory() as uow:
        uow.families.add(Family("fam-1", "ville-a", "A-1", Adult("DUPONT", "Marie", email="marie@example.fr")))
        uow.accounts.add(Account("acc-1", "marie", Role.FAMILY, "ville-a", "Marie DUPONT", family_id="fam-1",
                                 email="marie@example.fr"))  # PayFIP asks for the family's address
        uow.billing.replace_draft(run, [Invoice(
            id="inv-1", organisation_code="ville-a", family_id="fam-1", month="2026-11", kind=InvoiceKind.INVOICE,
            lines=(), total=Decimal("12.50"), run_id=run.id, number="2026-000001", issued_on=date(2026, 12, 1),
            due_on=date(2026, 12, 31))])
        uow.commit()
    family_id = "fam-1"
    with running_payment_service() as service:
        gateway = EopaymentGateway({"ville-a": PaymentSettings(
            "payfip_ws", {"numcli": "123456", "saisie": "T"}, soap_url=f"{service.base}/tpa/services/securite",
            payment_url=f"{service.base}/tpa/paiementws.web")})
        clock = FakeClock(NOW)
        portal = build_portal(uow=uow_factory, clock=clock, rules=ShippedRules(), hasher=FakeHasher(),
                              notifier=FakeNotifier(), portal_url="http://127.0.0.1:9", payment_gateway=gateway)
        family = Principal("acc-1", "marie", Role.FAMILY, "ville-a", family_id, "s")
        opened = portal.payments.start(family, ["inv-1"])
        clock.advance(QUIET)
        assert portal.payments.reconcile() == ReconcileReport(asked=1, waiting=1)  # not paid yet (P5)

        service.tamper(opened.transaction_id, result="P")  # paid on PayFIP; the notification is lost
        report = portal.payments.reconcile()

        assert (report.asked, report.paid) == (1, 1)
        with uow_factory() as uow:
            (payment,) = uow.billing.payments_of_family(family_id)
            stored = uow.billing.online_payment(opened.id)
        assert payment.method is PaymentMethod.ONLINE and payment.amount == Decimal("12.50")
        assert stored is not None and stored.status is OnlineStatus.PAID and stored.payment_id == payment.id
        assert portal.payments.reconcile().asked == 0
        assert portal.payments.settle(opened.id, f"idOp={opened.transaction_id}", channel="notification").status \
            is OnlineStatus.PAID
        with uow_factory() as uow:
            assert len(uow.billing.payments_of_family(family_id)) == 1

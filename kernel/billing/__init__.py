"""Billing: monthly runs, invoices and their lines, prices, payments, credit notes, account balance."""

from famille.kernel.billing.service import Billing
from famille.kernel.billing.setup import BillingSetup

__all__ = ["Billing", "BillingSetup"]

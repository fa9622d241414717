"""Families: family and child records, change requests and their agents' decisions, record access, the inbox."""

from famille.kernel.families.inbox_service import Inbox
from famille.kernel.families.model import Child, Family
from famille.kernel.families.record_service import Records
from famille.kernel.families.request_service import Requests

__all__ = ["Child", "Family", "Inbox", "Records", "Requests"]

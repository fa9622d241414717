"""A status's code is what the API answers and its table holds: declared once, with the enum (`Coded`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, Table

from famille.adapters.sqlalchemy import tables
from famille.kernel.planning.inputs import RECORDABLE, AbsenceStatus, AttendanceStatus, BookingStatus


def _accepted_by(table: Table) -> set[str]:
    (check,) = [c for c in table.constraints if isinstance(c, CheckConstraint) and str(c.name).endswith("status_known")]
    return set(re.findall(r"'(\w+)'", str(check.sqltext)))


@pytest.mark.parametrize(("status", "table"), [(BookingStatus, tables.bookings), (AbsenceStatus, tables.absences)])
def test_every_stored_status_is_a_code_its_table_accepts(status: Any, table: Table) -> None:
    assert {member.code for member in status if member is not status.NONE} == _accepted_by(table)


def test_the_codes_are_those_the_api_documents_and_read_back() -> None:
    assert [s.code for s in BookingStatus] == ["none", "pending", "accepted", "refused"]
    assert [s.code for s in AbsenceStatus] == ["none", "pending", "accepted", "refused"]
    assert [s.code for s in AttendanceStatus] == ["none", "present", "absent"]
    for status in (BookingStatus, AbsenceStatus, AttendanceStatus):
        assert all(status.by_code()[member.code] is member for member in status)
    assert RECORDABLE == {"present": AttendanceStatus.PRESENT, "absent": AttendanceStatus.ABSENT}

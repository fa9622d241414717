"""The password policy sees facts, never the password, and decides as the guide says."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from famille.kernel.accounts.passwords import MAX_FACT_LENGTH, check_password, password_facts
from famille.kernel.shared.errors import PasswordRejected
from tests.fakes.rules import ShippedRules

passwords = st.text(min_size=0, max_size=200)


@given(passwords, st.text(max_size=20))
@example("Portail2026", "ztest")
@example("ÉCOLE2026é", "x")
def test_facts_describe_the_password_without_holding_it(password: str, login: str) -> None:
    facts = password_facts(password, login=login, common=frozenset())
    assert password not in facts.values() or password in ("", True, False)
    assert 0 <= facts["length"] <= MAX_FACT_LENGTH
    assert facts["has_upper"] == any(c.isupper() for c in password)
    assert facts["has_digit"] == any(c.isdigit() for c in password)


def test_a_common_password_is_refused_whatever_its_case() -> None:
    with pytest.raises(PasswordRejected) as refused:
        check_password(ShippedRules(), "AZERTY123", login="zz", organisation=None)
    assert "mot-de-passe-courant" in {e.rule_id for e in refused.value.errors}

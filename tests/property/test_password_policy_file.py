"""The shipped password policy, run by durable-rules, decides as the guide says, for any password."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from famille.adapters.rules.engine import DurableRules
from famille.kernel.accounts.passwords import check_password
from famille.kernel.shared.errors import PasswordRejected
from tests.fakes.rules import shipped_engine


@pytest.fixture(scope="module")
def rules() -> DurableRules:
    return shipped_engine()


def _guide_accepts(password: str, login: str, common: frozenset[str]) -> bool:
    return (len(password) >= 8 and any(c.isupper() for c in password) and any(c.islower() for c in password)
            and any(c.isdigit() for c in password) and password.casefold() not in common
            and login.casefold() not in password.casefold())


@given(password=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
@example(password="Portail2026")
@example(password="Abcdefg1")
@example(password="Abcdef1")
@example(password="azerty123")
@example(password="Azerty123")
@example(password="Ztestlogin9")
@example(password="Abcdefgh")
@example(password="ABCDEFG1")
@example(password="abcdefg1")
@example(password="")
def test_the_shipped_policy_accepts_exactly_what_the_guide_allows(rules: DurableRules, password: str) -> None:
    login = "ztestlogin"
    common = rules.word_list("common_passwords")
    try:
        check_password(rules, password, login=login, organisation=None)
        accepted = True
    except PasswordRejected as refused:
        accepted = False
        assert all(error.field == "new_password" and error.rule_id for error in refused.errors)
    assert accepted == _guide_accepts(password, login, common)


def test_each_refusal_names_the_part_that_failed(rules: DurableRules) -> None:
    with pytest.raises(PasswordRejected) as refused:
        check_password(rules, "abcdefgh", login="zz", organisation=None)
    messages = " ".join(error.message for error in refused.value.errors)
    assert "majuscule" in messages and "chiffre" in messages and "8 caractères" not in messages

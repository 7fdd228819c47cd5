"""The case of a notice or a referral, read off its id (``<case>-n<k>``, ``<case>-r<k>``)."""

import pytest

from application.case_ids import case_of_notice, case_of_referral
from application.referral_commands import referral_belongs_to

CASE = "6f1c3b7e2d4a5e8f9a0b3018c0ffee01"


@pytest.mark.parametrize(
    ("notice_id", "case_id"),
    [(f"{CASE}-n1", CASE), (f"{CASE}-n12", CASE), ("a-n1b-n2", "a-n1b"), (f"{CASE}-r1", None)],
)
def test_the_case_of_a_notice(notice_id: str, case_id: str | None) -> None:
    assert case_of_notice(notice_id) == case_id


@pytest.mark.parametrize("referral_id", [f"{CASE}-rx", f"{CASE}-r", "-r1", CASE, f"{CASE}-n1"])
def test_ids_no_case_would_give_name_no_case(referral_id: str) -> None:
    assert case_of_referral(referral_id) is None
    assert not referral_belongs_to(CASE, referral_id)


def test_a_referral_belongs_to_its_case_only() -> None:
    assert case_of_referral(f"{CASE}-r3") == CASE
    assert referral_belongs_to(CASE, f"{CASE}-r3")
    assert not referral_belongs_to("other", f"{CASE}-r3")

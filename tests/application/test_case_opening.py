"""Case ids: stable for a caller's retries, distinct across callers and keys."""

import re

from application.case_opening import derive_case_id


def test_same_caller_and_key_give_the_same_case() -> None:
    assert derive_case_id("counsellor-1", "k") == derive_case_id("counsellor-1", "k")


def test_other_caller_or_key_give_another_case() -> None:
    ids = {
        derive_case_id("counsellor-1", "k"),
        derive_case_id("counsellor-2", "k"),
        derive_case_id("counsellor-1", "k2"),
        derive_case_id("counsellor-1", None),
        derive_case_id("counsellor-1", None),
    }
    assert len(ids) == 5
    assert all(re.fullmatch(r"[0-9a-f]{32}", case_id) for case_id in ids)


def test_the_derivation_never_changes() -> None:
    # A changed namespace would turn every in-flight retry into a new case.
    assert derive_case_id("local-counsellor", "call-1") == "fe2f1b255aa65a9b8c88ab8621e67f50"

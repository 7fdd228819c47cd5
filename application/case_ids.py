"""A case names its notices ``<case id>-n<k>`` and its referrals ``<case id>-r<k>``
(``workflows/case/state.py``): the case of a platform's decision or a partner's
status is read off the id the webhook carries, so their audit entries name it."""


def _case_of(child_id: str, marker: str) -> str | None:
    case_id, found, number = child_id.rpartition(marker)
    return case_id if found and case_id and number.isdigit() else None


def case_of_notice(notice_id: str) -> str | None:
    """The case a notice belongs to; None for an id no case would give."""
    return _case_of(notice_id, "-n")


def case_of_referral(referral_id: str) -> str | None:
    """The case a referral belongs to; None for an id no case would give."""
    return _case_of(referral_id, "-r")

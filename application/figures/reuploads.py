"""Re-uploads per platform, for the scorecard: a notice sent in the period to a
platform that had already removed the same content in another case (a match, by
SHA-256 or PDQ, of the notice's case evidence with evidence of a case where that
platform's notice was decided REMOVED before this one was submitted).

Counted once per notice, whatever the number of matching files; counts only, no
case of either side is named. Appeals are not counted (they are the same notice
pressed again, not content reported anew)."""

from collections import Counter
from datetime import datetime

from application.evidence_parts import EvidenceParts
from domain.notice import Decision
from domain.records import NoticeRecord


async def _removed_before(
    parts: EvidenceParts, case_ids: set[str], platform: str, before: datetime
) -> bool:
    for other in sorted(case_ids):
        for notice in await parts.notices.list_for_case(other):
            if (
                notice.platform == platform
                and notice.decision is Decision.REMOVED
                and notice.decided_at is not None
                and notice.decided_at < before
            ):
                return True
    return False


async def _matching_cases(parts: EvidenceParts, case_id: str) -> set[str]:
    others: set[str] = set()
    for record in await parts.book.of_case(case_id):
        matches = await parts.matcher.matches(record.hashes, other_than_case=case_id)
        others.update(match.case_id for match in matches)
    return others


async def reuploads_by_platform(
    parts: EvidenceParts, since: datetime, until: datetime
) -> dict[str, int]:
    """Per platform, the first notices submitted in ``[since, until)`` that report
    content the platform had removed in another case."""
    counts: Counter[str] = Counter()
    matching: dict[str, set[str]] = {}  # a case's evidence matches, read once
    # A notice submitted at or after ``since`` was last updated then or later.
    notices: list[NoticeRecord] = list(await parts.notices.list(since=since))
    for notice in notices:
        at = notice.submitted_at
        if notice.appeal_of is not None or at is None or not since <= at < until:
            continue
        if notice.case_id not in matching:
            matching[notice.case_id] = await _matching_cases(parts, notice.case_id)
        others = matching[notice.case_id]
        if others and await _removed_before(parts, others, notice.platform, at):
            counts[notice.platform] += 1
    return dict(counts)

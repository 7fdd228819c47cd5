"""The body of a notice as a platform receives it: the DSA Art. 16 notice built by
:mod:`domain.rules.dsa_notice`, plus our ids for idempotency and webhooks."""

from typing import Any

from domain.notice import SubmitNoticeRequest
from domain.rules.dsa_notice import IncompleteNotice, NoticeSender, build_notice
from partners.errors import PermanentAdapterError


def notice_body(request: SubmitNoticeRequest, sender: NoticeSender | None = None) -> dict[str, Any]:
    try:
        notice = build_notice(
            request.notice_id,
            request.item,
            sender or NoticeSender(),
            renotice_of=request.renotice_of,
            appeal_of=request.appeal_of,
        )
    except IncompleteNotice as exc:
        raise PermanentAdapterError(f"notice incomplete: {exc}") from exc
    body = notice.model_dump(mode="json", exclude_none=True)
    body.update(
        case_id=request.case_id,
        idempotency_key=request.idempotency_key,
        trusted_flagger=True,
    )
    return body

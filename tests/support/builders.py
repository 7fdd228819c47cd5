"""Test data, built in one place: the intake a counsellor sends, a qualified item,
and their models, each with the fields a test cares about replaced.

    intake_body(risk_flags=["suicidal_risk"])          # JSON body of POST /cases
    item_body(platform="instagram")                    # one entry of POST .../items
    opening(policy=PRODUCTION)                         # a CaseOpening, for workflow tests
"""

import uuid
from copy import deepcopy
from typing import Any

from domain.conversation import ConversationOpening, MessageRef, PreChat, message_digests
from domain.intake import CaseOpening, Intake
from domain.items import QualifiedItem
from domain.personal import ContactDetails

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": [],
    "consents": {
        "report_to_platforms": True,
        "referral_partners": ["france-victimes"],
        # Any hour is safe: tests run at any time of day.
        "callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24},
    },
    "contact": {"first_name": "Lea", "phone": "+33600000000"},
}
ITEM: dict[str, Any] = {
    "platform": "tiktok",
    "content_type": "video",
    "legal_qualification": "cyberharassment",
    "location": {"url": "https://www.tiktok.com/@someone/video/123"},
}


def intake_body(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """The JSON of ``POST /cases``, top-level fields replaced by ``changes``."""
    return {**deepcopy(base if base is not None else INTAKE), **changes}


def item_body(**changes: Any) -> dict[str, Any]:
    return {**deepcopy(ITEM), **changes}


def intake(**changes: Any) -> Intake:
    body = intake_body(**changes)
    body.pop("contact", None)
    return Intake.model_validate(body)


def item(**changes: Any) -> QualifiedItem:
    return QualifiedItem.model_validate(item_body(**changes))


def opening(case_id: str | None = None, **changes: Any) -> CaseOpening:
    """A case as the API starts its workflow; ``intake`` changes go in ``intake=``."""
    fields: dict[str, Any] = {
        "case_id": case_id or uuid.uuid4().hex,
        "opened_by": "counsellor-1",
        "intake": intake(),
        "contact": ContactDetails.model_validate(INTAKE["contact"]),
    }
    return CaseOpening.model_validate({**fields, **changes})


# ---- conversations -------------------------------------------------------------------------


def pre_chat(**changes: Any) -> PreChat:
    fields: dict[str, Any] = {
        "writer": "young_person",
        "age_band": "15_17",
        "language": "fr",
        "privacy_notice_accepted": True,
    }
    return PreChat.model_validate({**fields, **changes})


def conversation_opening(
    helpline: str, conversation_id: str | None = None, **changes: Any
) -> ConversationOpening:
    """A conversation as the door starts its workflow (web chat, a young person of 15-17
    writing in French); top-level fields replaced by ``changes``."""
    fields: dict[str, Any] = {
        "conversation_id": conversation_id or uuid.uuid4().hex[:16],
        "helpline": helpline,
        "channel": "web_chat",
        "pre_chat": pre_chat(),
    }
    return ConversationOpening.model_validate({**fields, **changes})


def message_ref(conversation_id: str, key: str | None = None, body: str = "bonjour") -> MessageRef:
    """What the door tells the workflow after storing a message (``key``: its
    idempotency key, a new one by default)."""
    key = key or uuid.uuid4().hex
    digests = message_digests(conversation_id, key, body)
    return MessageRef(message_id=f"m{digests.key_digest[:24]}", **digests.model_dump())

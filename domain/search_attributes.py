"""Custom search attributes: what a supervisor filters on in the Temporal Web UI.

Stored and shown in clear text, so only ids, enums, slugs, dates and flags go
here, never personal data. The dev server and the tests register exactly this list.
"""

from temporalio.common import SearchAttributeKey

CASE_ID = SearchAttributeKey.for_keyword("CaseId")
CASE_STATUS = SearchAttributeKey.for_keyword("CaseStatus")
CASE_URGENCY = SearchAttributeKey.for_keyword("CaseUrgency")
CASE_CATEGORIES = SearchAttributeKey.for_keyword_list("CaseCategories")
CASE_PLATFORMS = SearchAttributeKey.for_keyword_list("CasePlatforms")
CASE_PARTNERS = SearchAttributeKey.for_keyword_list("CasePartners")
NEXT_ACTION_AT = SearchAttributeKey.for_datetime("NextActionAt")
SLA_BREACHED = SearchAttributeKey.for_bool("SlaBreached")
CALLBACK_OVERDUE = SearchAttributeKey.for_bool("CallbackOverdue")
NOTICE_STATUS = SearchAttributeKey.for_keyword("NoticeStatus")
REFERRAL_STATUS = SearchAttributeKey.for_keyword("ReferralStatus")
# Conversations (a linked conversation also sets CaseId, so "CaseId = 'X'" finds them too)
CONVERSATION_STATUS = SearchAttributeKey.for_keyword("ConversationStatus")
CONVERSATION_CHANNEL = SearchAttributeKey.for_keyword("ConversationChannel")
WAITING_SINCE = SearchAttributeKey.for_datetime("WaitingSince")
COUNSELLOR_ID = SearchAttributeKey.for_keyword("CounsellorId")

ALL: tuple[SearchAttributeKey, ...] = (  # type: ignore[type-arg]
    CASE_ID,
    CASE_STATUS,
    CASE_URGENCY,
    CASE_CATEGORIES,
    CASE_PLATFORMS,
    CASE_PARTNERS,
    NEXT_ACTION_AT,
    SLA_BREACHED,
    CALLBACK_OVERDUE,
    NOTICE_STATUS,
    REFERRAL_STATUS,
    CONVERSATION_STATUS,
    CONVERSATION_CHANNEL,
    WAITING_SINCE,
    COUNSELLOR_ID,
)


def dev_server_flags() -> list[str]:
    """``--search-attribute Name=Type`` arguments for ``temporal server start-dev``."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={key._metadata_type}"]
    return flags

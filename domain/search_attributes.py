"""Custom search attributes: what a supervisor filters on in the Temporal Web UI.

Stored and shown in clear text, so only ids, enums, slugs, dates and flags go
here, never personal data. Declared here by name and index type only, without the
SDK: the workflows turn them into the keys they set (``workflows.search_attributes``),
the API, the worker and the dev server into the keys they read and register
(``relais.search_attributes``), the console into the queries it links to.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

T_co = TypeVar("T_co", covariant=True)


class IndexType(StrEnum):
    """How Temporal indexes an attribute, by the names its CLI and UI use."""

    KEYWORD = "Keyword"
    KEYWORD_LIST = "KeywordList"
    DATETIME = "Datetime"
    BOOL = "Bool"


@dataclass(frozen=True)
class SearchAttribute(Generic[T_co]):
    """One attribute: its name in queries, and how it is indexed (``T_co``: its value)."""

    name: str
    index: IndexType


def keyword(name: str) -> SearchAttribute[str]:
    return SearchAttribute(name, IndexType.KEYWORD)


def keyword_list(name: str) -> SearchAttribute[Sequence[str]]:
    return SearchAttribute(name, IndexType.KEYWORD_LIST)


def moment(name: str) -> SearchAttribute[datetime]:
    return SearchAttribute(name, IndexType.DATETIME)


def flag(name: str) -> SearchAttribute[bool]:
    return SearchAttribute(name, IndexType.BOOL)


CASE_ID = keyword("CaseId")
CASE_STATUS = keyword("CaseStatus")
CASE_URGENCY = keyword("CaseUrgency")
CASE_CATEGORIES = keyword_list("CaseCategories")
CASE_PLATFORMS = keyword_list("CasePlatforms")
CASE_PARTNERS = keyword_list("CasePartners")
NEXT_ACTION_AT = moment("NextActionAt")
SLA_BREACHED = flag("SlaBreached")
CALLBACK_OVERDUE = flag("CallbackOverdue")
NOTICE_STATUS = keyword("NoticeStatus")
REFERRAL_STATUS = keyword("ReferralStatus")
# Conversations (a linked conversation also sets CaseId, so "CaseId = 'X'" finds them too)
CONVERSATION_STATUS = keyword("ConversationStatus")
CONVERSATION_CHANNEL = keyword("ConversationChannel")
WAITING_SINCE = moment("WaitingSince")
COUNSELLOR_ID = keyword("CounsellorId")
# Which helpline a conversation came to (its slug: no person), so that a supervisor's
# links list their own helpline's conversations on a shared Temporal namespace
HELPLINE = keyword("Helpline")

ALL: tuple[SearchAttribute[object], ...] = (
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
    HELPLINE,
)

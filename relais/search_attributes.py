"""The search attributes of :mod:`domain.search_attributes` as the Temporal SDK types
them, for everything but the workflows (which build the same keys in
``workflows.search_attributes``): the keys the API sets when it starts a case and
reads back, those the worker registers in its namespace, and the dev server's
``--search-attribute`` flags."""

from collections.abc import Callable
from typing import Any, cast

from temporalio.common import SearchAttributeKey, SearchAttributeValueType

from domain import search_attributes as declared
from domain.search_attributes import IndexType, SearchAttribute

_KEYS: dict[IndexType, Callable[[str], SearchAttributeKey[Any]]] = {
    IndexType.KEYWORD: SearchAttributeKey.for_keyword,
    IndexType.KEYWORD_LIST: SearchAttributeKey.for_keyword_list,
    IndexType.DATETIME: SearchAttributeKey.for_datetime,
    IndexType.BOOL: SearchAttributeKey.for_bool,
}


def key(
    attribute: SearchAttribute[SearchAttributeValueType],
) -> SearchAttributeKey[SearchAttributeValueType]:
    return cast(
        SearchAttributeKey[SearchAttributeValueType], _KEYS[attribute.index](attribute.name)
    )


CASE_ID = key(declared.CASE_ID)
CASE_STATUS = key(declared.CASE_STATUS)
CASE_URGENCY = key(declared.CASE_URGENCY)
CASE_CATEGORIES = key(declared.CASE_CATEGORIES)
CASE_PLATFORMS = key(declared.CASE_PLATFORMS)
CASE_PARTNERS = key(declared.CASE_PARTNERS)
NEXT_ACTION_AT = key(declared.NEXT_ACTION_AT)
SLA_BREACHED = key(declared.SLA_BREACHED)
CALLBACK_OVERDUE = key(declared.CALLBACK_OVERDUE)
NOTICE_STATUS = key(declared.NOTICE_STATUS)
REFERRAL_STATUS = key(declared.REFERRAL_STATUS)
CONVERSATION_STATUS = key(declared.CONVERSATION_STATUS)
CONVERSATION_CHANNEL = key(declared.CONVERSATION_CHANNEL)
WAITING_SINCE = key(declared.WAITING_SINCE)
COUNSELLOR_ID = key(declared.COUNSELLOR_ID)

ALL: tuple[SearchAttributeKey[Any], ...] = tuple(key(a) for a in declared.ALL)


def dev_server_flags() -> list[str]:
    """``--search-attribute Name=Type`` arguments for ``temporal server start-dev``."""
    flags: list[str] = []
    for attribute in declared.ALL:
        flags += ["--search-attribute", f"{attribute.name}={attribute.index.value}"]
    return flags

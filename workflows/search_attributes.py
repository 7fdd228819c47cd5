"""The search attributes of :mod:`domain.search_attributes` as keys the workflows set
(``key(sa.CASE_STATUS).value_set(...)``). The API and the worker build the same keys
in :mod:`relais.search_attributes`; ``tests/workflows/test_search_attributes.py``
checks that both agree."""

from collections.abc import Callable
from typing import Any, cast

from temporalio.common import SearchAttributeKey, SearchAttributeValueType

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

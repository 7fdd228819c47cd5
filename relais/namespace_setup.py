"""Makes sure the namespace knows the project's custom search attributes.

The dev server registers them from its ``--search-attribute`` flags only when it
creates its database; a data folder from an older version, or a cluster set up by
hand, may lack a newer one, and a workflow that upserts an unknown attribute fails
its workflow tasks. The worker adds the missing ones before it polls.
"""

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client

from relais import search_attributes


async def ensure_search_attributes(client: Client) -> list[str]:
    """Add the project's search attributes the namespace lacks; returns their names."""
    known = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    present = set(known.custom_attributes) | set(known.system_attributes)
    missing: dict[str, IndexedValueType.ValueType] = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in search_attributes.ALL
        if key.name not in present
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    return sorted(missing)

"""A namespace missing one of the project's search attributes gets it at worker
start, so cases never fail on an unknown attribute (an old local data folder)."""

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from relais import search_attributes
from relais.converter import data_converter
from relais.namespace_setup import ensure_search_attributes
from tests.support.temporal import temporal_cli


async def test_missing_search_attributes_are_added_once() -> None:
    older = [k for k in search_attributes.ALL if k != search_attributes.CALLBACK_OVERDUE]
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=older,
        data_converter=data_converter(),
    )
    try:
        assert await ensure_search_attributes(env.client) == ["CallbackOverdue"]
        listed = await env.client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=env.client.namespace)
        )
        assert {k.name for k in search_attributes.ALL} <= set(listed.custom_attributes)
        assert await ensure_search_attributes(env.client) == []
    finally:
        await env.shutdown()

"""Every dependency of every route (the API's, the console's, the web chat's) runs on
the event loop: FastAPI runs a plain ``def`` dependency in its thread pool, a trip to
another thread and back on every request for what is often a read of ``app.state``
(``POST /cases`` made four such trips before: docs/benchmarks.md, "Opening a case")."""

from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.app import create_app
from relais.settings import BuiltInChannel
from tests.api.conftest import ApiHarness


def calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from calls(sub)


def runs_in_a_thread(call: Any) -> bool:
    target = call if callable(call) and hasattr(call, "__code__") else type(call).__call__
    flags = target.__code__.co_flags
    coroutine_or_async_generator = 0x0080 | 0x0200
    return not flags & coroutine_or_async_generator


def test_no_route_has_a_dependency_run_in_the_thread_pool(api_harness: ApiHarness) -> None:
    settings = api_harness.settings.model_copy(update={"channels_enabled": list(BuiltInChannel)})
    app = create_app(settings)
    routes = [
        route.original_route
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
    ]
    assert len(routes) > 100
    threaded = {
        f"{getattr(call, '__module__', '?')}.{getattr(call, '__qualname__', call)}"
        for route in routes
        for call in calls(route.dependant)
        if runs_in_a_thread(call)
    }
    assert threaded == set()

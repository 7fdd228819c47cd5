"""Each route is a door onto one service of the application layer: it asks the
service for a permit (its rule: the roles, and the counsellor's read rule on a case)
before the request's body is even read, so a caller who may not act learns it first
(403), then parses, calls the service with the permit, and answers.

The rule of every route is read off its dependencies (:func:`route_rules`): a
service's rule, a signed machine caller (webhooks: an HMAC signature, checked by the
route) or a door open to anyone (probes, the codec's sign-in form). A route with none
of them is a route nobody decided about; ``tests/api/test_authorisation.py`` calls
every route with every role against this table.
"""

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any, cast

from fastapi import Depends, FastAPI, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.auth import current_actor
from application.acting import Actor, Permit, Rule, Service
from application.helpline import Helpline
from application.permits import Callers as Callers  # re-exported: the routes name it here

CASE_ID = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The case id")
CaseId = Annotated[str, CASE_ID]
ActorSource = Callable[..., Awaitable[Actor]]


async def get_helpline(request: Request) -> Helpline:
    return cast(Helpline, request.app.state.helpline)


HelplineDep = Annotated[Helpline, Depends(get_helpline)]


def permitted(service: Service[..., Any], actor: ActorSource = current_actor) -> Any:
    """``permit: Annotated[Permit, permitted(service)]``: the caller's permit for
    ``service`` (on a case: the ``case_id`` of the path), or 401 / 403."""
    if service.rule.on_case:

        async def on_case(
            case_id: CaseId,
            helpline: HelplineDep,
            who: Annotated[Actor, Depends(actor)],
        ) -> Permit:
            return await service.permit(helpline, who, case_id)

        on_case.service = service  # type: ignore[attr-defined]
        return Depends(on_case)

    async def anywhere(helpline: HelplineDep, who: Annotated[Actor, Depends(actor)]) -> Permit:
        return await service.permit(helpline, who)

    anywhere.service = service  # type: ignore[attr-defined]
    return Depends(anywhere)


def callers(kind: Callers) -> Any:
    """A router's ``dependencies=[callers(Callers.SIGNED)]``: who calls it, said."""

    async def declared() -> None:
        return None

    declared.callers = kind  # type: ignore[attr-defined]
    return Depends(declared)


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def rule_of(dependant: Dependant) -> Rule | Callers | None:
    for call in _calls(dependant):
        if isinstance(found := getattr(call, "service", None), Service):
            return found.rule
        if isinstance(kind := getattr(call, "callers", None), Callers):
            return kind
    return None


def route_rules(app: FastAPI) -> dict[tuple[str, str], Rule | Callers | None]:
    """(method, path template) -> who may call it, for every route of the API (its
    router's dependencies included; the console's pages, outside the schema, not)."""
    return {
        (method, str(route.path)): rule_of(route.dependant)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }

"""Who may act: every service declares its :class:`Rule` (the roles that may use it,
and for an action on a case, the counsellor's read rule), and acts only on a
:class:`Permit` that rule gave.

A door (a JSON route, a console page) asks the service for a permit first, before it
reads anything else of the request, then calls the service with it. A permit names
its rule, so a door cannot act with another action's permit, and a service never
acts for someone it did not check: the rule lives in the service, once.

The counsellor's read rule (docs/privacy.md): a counsellor acts on the cases they
opened, the cases shared with them and the cases whose task they claimed; a
supervisor on every case. An unknown case passes the rule only when it does not
exist, so the service itself answers "no such case" (404) and a counsellor learns
nothing of a case that is someone else's.
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar

from application.permits import (
    ADAPTER_READERS,
    CASE_WORKERS,
    COUNSELLORS,
    EVERY_ROLE,
    FIGURE_READERS,
    INTEGRATORS,
    SUPERVISORS,
    Actor,
    CaseRefused,
    Permit,
    RoleRefused,
    Rule,
)
from relais.settings import Role

if TYPE_CHECKING:
    from application.helpline import Helpline

__all__ = [
    "ADAPTER_READERS",
    "CASE_WORKERS",
    "COUNSELLORS",
    "EVERY_ROLE",
    "FIGURE_READERS",
    "INTEGRATORS",
    "SUPERVISORS",
    "Actor",
    "CaseRefused",
    "Permit",
    "RoleRefused",
    "Rule",
    "Service",
    "service",
]

P = ParamSpec("P")
R = TypeVar("R")


class Service(Generic[P, R]):
    """One action a person takes, with its rule. ``await service.permit(...)`` checks
    who may act; ``await service(helpline, permit, ...)`` acts."""

    def __init__(self, rule: Rule, act: Callable[Concatenate["Helpline", Permit, P], Awaitable[R]]):
        self.rule = rule
        self.name = act.__name__
        self.__doc__ = act.__doc__
        self._act = act

    def __repr__(self) -> str:
        return (
            f"<service {self.name}: {self.rule.named}{' on a case' if self.rule.on_case else ''}>"
        )

    async def permit(
        self, helpline: "Helpline", actor: Actor, case_id: str | None = None
    ) -> Permit:
        """The permit to act, or :class:`CaseRefused` / :class:`RoleRefused`. On a
        case, a counsellor's read rule is checked first (as the API always did)."""
        if self.rule.on_case:
            if case_id is None:
                raise TypeError(f"{self.name} acts on a case: give its id")
            if actor.role is Role.COUNSELLOR and not await helpline.may_read(actor, case_id):
                raise CaseRefused(case_id)
        if not self.rule.allows(actor.role):
            raise RoleRefused(actor.role, self.rule)
        return Permit(actor, self.rule, case_id)

    async def __call__(
        self, helpline: "Helpline", permit: Permit, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        if permit.rule is not self.rule:
            raise TypeError(f"{self.name} was given a permit for another action")
        return await self._act(helpline, permit, *args, **kwargs)


def service(
    *roles: Role, on_case: bool = False
) -> Callable[[Callable[Concatenate["Helpline", Permit, P], Awaitable[R]]], Service[P, R]]:
    """Declare an action and who may take it::

    @service(*COUNSELLORS, on_case=True)
    async def add_note(helpline: Helpline, permit: Permit, ...) -> CaseNote: ...
    """
    rule = Rule(roles, on_case)

    def declare(act: Callable[Concatenate["Helpline", Permit, P], Awaitable[R]]) -> Service[P, R]:
        return Service(rule, act)

    return declare

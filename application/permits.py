"""Who acts and what they may do: the person behind a request (:class:`Actor`), a
service's :class:`Rule` (its roles; on a case, the counsellor's read rule), the
:class:`Permit` a rule gives, and the two refusals. ``application.acting`` declares
services with them."""

from dataclasses import dataclass
from enum import StrEnum

from application.errors import Forbidden
from relais.settings import Role


@dataclass(frozen=True)
class Actor:
    """The person behind a request: who (their subject, as their token or session
    names them) and in which role."""

    subject: str
    role: Role


class Callers(StrEnum):
    """Doors whose callers are not people with a role, by design."""

    SIGNED = "signed"  # platforms and partners: an HMAC signature, never a bearer token
    PUBLIC = "public"  # no credentials at all (probes, the codec's sign-in form, a new chat)
    YOUNG_PERSON = "young_person"  # the chat's signed session cookie, never a bearer token
    # A messaging channel's webhook (WhatsApp, Messenger): signed the channel's own way
    # (Meta's X-Hub-Signature-256), checked by the channel adapter; its GET handshake
    # answers only the channel's verify token.
    CHANNEL = "channel"


@dataclass(frozen=True)
class Rule:
    """Who may use a service: ``roles`` (in the order a refusal names them) and, with
    ``on_case``, only on a case the counsellor may read (supervisors: every case)."""

    roles: tuple[Role, ...]
    on_case: bool = False

    def allows(self, role: Role) -> bool:
        return role in self.roles

    @property
    def named(self) -> str:
        return ", ".join(role.value for role in self.roles)


COUNSELLORS = (Role.COUNSELLOR,)
SUPERVISORS = (Role.SUPERVISOR,)
CASE_WORKERS = (Role.COUNSELLOR, Role.SUPERVISOR)
FIGURE_READERS = (Role.AUDITOR, Role.SUPERVISOR)
ADAPTER_READERS = (Role.INTEGRATOR, Role.SUPERVISOR)
INTEGRATORS = (Role.INTEGRATOR,)
EVERY_ROLE = tuple(Role)


class RoleRefused(Forbidden):
    """The caller's role may not use this service."""

    def __init__(self, role: Role, rule: Rule) -> None:
        super().__init__(f"role '{role.value}' may not do this; allowed roles: {rule.named}")


class CaseRefused(Forbidden):
    """A counsellor asked for a case that is neither theirs nor shared with them."""

    def __init__(self, case_id: str) -> None:
        super().__init__(
            f"case {case_id} is neither yours nor shared with you: ask its "
            "counsellor or a supervisor to share it"
        )


@dataclass(frozen=True)
class Permit:
    """What a service's rule granted: ``actor`` may act (on ``case_id``)."""

    actor: Actor
    rule: Rule
    case_id: str | None = None

    @property
    def case(self) -> str:
        """The case acted on (for a rule ``on_case``)."""
        assert self.case_id is not None, "a case's action is permitted on a case"
        return self.case_id

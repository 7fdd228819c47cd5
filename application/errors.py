"""What a service answers when it cannot do what was asked. Each door says it its own
way (``api.errors`` maps each to an HTTP status, the console to a page or a message
beside the field); the services themselves know nothing of HTTP."""

import math
from dataclasses import dataclass
from datetime import timedelta

from temporalio.service import RPCError, RPCStatusCode

# How an RPC that ran out of time shows up: the server's deadline, or the client's
# own rpc_timeout (which the core client reports as CANCELLED); and a server that
# sheds load (RESOURCE_EXHAUSTED: too many queries on one workflow at once). Each is
# "try again shortly" (503), not a fault of Relais (500).
_UNAVAILABLE = (
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.RESOURCE_EXHAUSTED,
)


def temporal_unavailable(err: RPCError) -> bool:
    """True when Temporal (or the case's worker) did not answer in time, or shed load."""
    return err.status in _UNAVAILABLE


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, naming the offending field."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "rejected"
    code: str = "rejected"  # stable, for screens that translate the message


class DomainError(Exception):
    """Base class: ``detail`` is what the caller is told (never personal data)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """No case, notice, referral, task or adapter by that id."""


class Forbidden(DomainError):
    """The caller's role may not act on this particular object."""


class Conflict(DomainError):
    """The request clashes with the current state (a closed case, a claimed task)."""


class Gone(DomainError):
    """The case's personal data was purged at the end of retention."""


class Unavailable(DomainError):
    """Temporal did not answer in time; the request may be retried."""


class RateLimited(DomainError):
    """Too many requests of one kind in a short time; ``retry_after``: when one may
    go again. Nothing was done (what was recorded before stays)."""

    def __init__(self, detail: str, retry_after: timedelta) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, rounded up (``Retry-After``), at least 1."""
        return max(1, math.ceil(self.retry_after.total_seconds()))


class RequestRejected(DomainError):
    """The case workflow (or a service rule) refused the request; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.msg for p in problems))
        self.problems = problems


class SignatureInvalid(DomainError):
    """A webhook is unsigned, badly signed or outside the time tolerance."""


class SignatureReplayed(DomainError):
    """A webhook signature already seen within the tolerance window."""


KEY_HEADER = ("header", "Idempotency-Key")


def key_reused(what: str, loc: tuple[str, ...] = KEY_HEADER) -> RequestRejected:
    """An idempotency key sent again for another ``what``: refused, never merged.
    ``loc``: where the key came from (the header, or a path part that stands for one,
    such as a message's ``seq``); the message names it."""
    return RequestRejected(
        [
            Problem(
                loc=loc,
                msg=f"{loc[-1]}: already used for another {what}",
                type="idempotency_key_reused",
                code="idempotency_key_reused",
            )
        ]
    )

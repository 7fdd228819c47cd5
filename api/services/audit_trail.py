"""Who did what on a case: one audit entry per read or write, never personal data."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from domain.records import AuditEntry


class AuditSink(Protocol):
    async def record(self, entry: AuditEntry) -> object: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class AuditTrail:
    """Records entries for one caller (a person's subject and role, or a machine)."""

    def __init__(
        self,
        sink: AuditSink,
        actor: str,
        role: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._sink = sink
        self.actor = actor
        self.role = role
        self._clock = clock

    async def record(
        self, action: str, case_id: str | None = None, detail: str | None = None
    ) -> None:
        await self._sink.record(
            AuditEntry(
                at=self._clock(),
                actor=self.actor,
                role=self.role,
                action=action,
                case_id=case_id,
                detail=detail,
            )
        )

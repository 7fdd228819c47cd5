"""Who did what on a case: an audit entry per write and per read (a read repeated
by a polling screen once per window), never personal data."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from domain.records import AuditEntry
from relais.clock import utc_now


class AuditSink(Protocol):
    async def record(self, entry: AuditEntry) -> object: ...


# Repeated reads of one subject by one caller are recorded once per window.
READ_WINDOW = timedelta(minutes=15)


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

    async def record_read(
        self, action: str, case_id: str | None = None, detail: str | None = None
    ) -> None:
        """A read a screen may repeat every few seconds (a case, a list): recorded
        once per caller, subject and ``READ_WINDOW``, at its first read. The audit
        still says who read what and when (to the window), without a row per poll."""
        now = self._clock()
        window = int(now.timestamp() // READ_WINDOW.total_seconds())
        subject = hashlib.sha256(f"{case_id}|{detail}".encode()).hexdigest()[:24]
        key = f"read:{action}:{self.actor}:{subject}:{window}"
        await self._sink.record(
            AuditEntry(
                at=now,
                actor=self.actor,
                role=self.role,
                action=action,
                case_id=case_id,
                detail=detail,
                idempotency_key=key,
            )
        )

    async def record(
        self, action: str, case_id: str | None = None, detail: str | None = None
    ) -> None:
        await self._sink.record(self.entry(action, case_id, detail))

    def entry(
        self, action: str, case_id: str | None = None, detail: str | None = None
    ) -> AuditEntry:
        """The entry ``record`` would store, for a repository that stores it in the
        same transaction as the write it describes."""
        return AuditEntry(
            at=self._clock(),
            actor=self.actor,
            role=self.role,
            action=action,
            case_id=case_id,
            detail=detail,
        )

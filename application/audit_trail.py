"""Who did what on a case: an audit entry per write and per read, never personal data.

Two things are recorded once, however often they happen:

- a read a screen repeats every few seconds (a case, a list): once per caller,
  subject and ``READ_WINDOW``;
- an action sent again under the same idempotency key (a client retrying the same
  request with its ``Idempotency-Key``, a console form sent twice): the retry does
  nothing new (Temporal runs an update id once, a case id is derived from the key),
  so the trail says it once. The entry carries a digest of the action, the caller and
  the key, and the audit log stores an entry with a digest once. This is the one rule
  for every action; a request without a key is an action of its own each time.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from domain.audit import AuditEntry
from domain.audit_actions import AuditAction
from relais.clock import utc_now
from relais.db.repositories.audit import READ_KEY_PREFIX


class AuditSink(Protocol):
    async def write(self, entry: AuditEntry) -> None: ...


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
        self, action: AuditAction, case_id: str | None = None, detail: str | None = None
    ) -> None:
        """A read a screen may repeat every few seconds (a case, a list): recorded
        once per caller, subject and ``READ_WINDOW``, at its first read. The audit
        still says who read what and when (to the window), without a row per poll."""
        now = self._clock()
        window = int(now.timestamp() // READ_WINDOW.total_seconds())
        subject = hashlib.sha256(f"{case_id}|{detail}".encode()).hexdigest()[:24]
        key = f"{READ_KEY_PREFIX}{action}:{self.actor}:{subject}:{window}"
        await self._sink.write(
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
        self,
        action: AuditAction,
        case_id: str | None = None,
        detail: str | None = None,
        *,
        key: str | None = None,
    ) -> None:
        """Record ``action``; ``key``: the request's idempotency key (a retry under
        it is not recorded again)."""
        await self._sink.write(self.entry(action, case_id, detail, key=key))

    def entry(
        self,
        action: AuditAction,
        case_id: str | None = None,
        detail: str | None = None,
        *,
        key: str | None = None,
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
            idempotency_key=None if key is None else self.once_key(action, key),
        )

    def once_key(self, action: AuditAction, key: str) -> str:
        """The entry's digest for an action under an idempotency key: the caller's
        key is theirs (two callers may send the same), and never stored as sent."""
        digest = hashlib.sha256(f"{action}\0{self.actor}\0{key}".encode()).hexdigest()
        return f"act:{digest[:40]}"

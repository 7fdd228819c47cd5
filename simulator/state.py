"""In-memory state of the simulator: targets, what they received, what they sent.

Everything runs on one event loop and no method here awaits between reading and
writing, so no lock is needed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, Field

from simulator.attachments import ReceivedFile
from simulator.config import SimulatorConfig, TargetConfig
from simulator.meta.state import MetaState

log = logging.getLogger("simulator")


class SubmissionKind(StrEnum):
    NOTICE = "notice"
    HANDOFF = "handoff"


class RequestKind(StrEnum):
    NOTICE = "notice"
    NOTICE_STATUS = "notice_status"
    CONTENT = "content"
    HANDOFF = "handoff"
    HANDOFF_STATUS = "handoff_status"


class Fault(StrEnum):
    """Why the simulator answered the way it did, when it was not the happy path."""

    MISSING_KEY = "missing_key"
    BAD_REQUEST = "bad_request"
    OUTAGE = "outage"
    RATE_LIMITED = "rate_limited"
    FAIL_NEXT = "fail_next"
    ERROR_RATE = "error_rate"
    REJECTED = "rejected"
    LOST = "lost_response"
    NOT_FOUND = "not_found"


class Submission(BaseModel):
    """A notice a platform received, or a handoff a partner received."""

    kind: SubmissionKind
    target: str
    reference: str
    idempotency_key: str
    body: dict[str, Any]
    received_at: datetime
    status: str
    detail: str | None = None
    decided_at: datetime | None = None
    posts: int = Field(default=1, description="POSTs processed with this key (1 = no duplicate)")
    attachments: list[ReceivedFile] = Field(
        default_factory=list, description="Files received with a notice (never their bytes)"
    )

    @property
    def body_id(self) -> str | None:
        """The sender's own id of the notice/referral, from the body."""
        value = self.body.get("notice_id" if self.kind is SubmissionKind.NOTICE else "referral_id")
        return str(value) if value is not None else None


class RequestRecord(BaseModel):
    """One request received on a platform or partner endpoint (never its body)."""

    at: datetime
    method: str
    path: str
    target: str
    kind: RequestKind
    idempotency_key: str | None = None
    status: int
    fault: Fault | None = None
    reference: str | None = None


class WebhookAttempt(BaseModel):
    at: datetime
    target: str
    kind: SubmissionKind
    reference: str
    url: str
    attempt: int
    status_code: int | None = None
    error: str | None = None
    delivered: bool
    payload: dict[str, Any]


@dataclass
class TargetState:
    """One target's live config and what it received since the last reset."""

    slug: str
    config: TargetConfig
    rng: random.Random
    requests_seen: int = 0
    attempts: int = 0
    conflicting_bodies: int = 0
    by_reference: dict[str, Submission] = field(default_factory=dict)
    by_key: dict[tuple[SubmissionKind, str], Submission] = field(default_factory=dict)
    files: dict[str, list[bytes]] = field(default_factory=dict)  # by reference: memory only

    @classmethod
    def fresh(cls, slug: str, config: TargetConfig) -> TargetState:
        # A string seed is hashed with SHA-512: the same on every run and machine.
        return cls(slug=slug, config=config, rng=random.Random(f"{config.seed}:{slug}"))


class ChangeLog(Protocol):
    """Where the simulator writes each change it must not forget across a restart
    (``simulator.journal.Journal``, with ``--state-file``), each written before the
    answer that follows from it goes out."""

    def write(self, event: dict[str, Any]) -> None: ...  # a line of another part (Meta)

    def submission(self, submission: Submission) -> None: ...
    def posted(self, submission: Submission) -> None: ...
    def planned(
        self, submission: Submission, status: str, detail: str | None, at: datetime
    ) -> None: ...
    def decided(self, submission: Submission) -> None: ...
    def delivered(self, submission: Submission) -> None: ...
    def config(self, slug: str, config: TargetConfig) -> None: ...
    def reset(self, reset_config: bool) -> None: ...
    def close(self) -> None: ...


class SimulatorState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.targets: dict[str, TargetState] = {}
        self.requests: list[RequestRecord] = []
        self.webhooks: list[WebhookAttempt] = []
        self.http: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.timers: dict[str, asyncio.Task[None]] = {}  # planned decisions by reference
        # References never restart, not even on reset: a reference a running Relais
        # still holds from before a reset must not name someone else's notice.
        self._next_reference: dict[str, int] = {}
        self.journal: ChangeLog | None = None  # --state-file: what survives a restart
        self.meta = MetaState(config.meta)  # the simulated WhatsApp and Messenger
        for slug in config.targets:
            self.target(slug)

    def target(self, slug: str) -> TargetState:
        """The target named ``slug``, created from the start config on first use."""
        existing = self.targets.get(slug)
        if existing is None:
            existing = TargetState.fresh(slug, self.config.target_config(slug))
            self.targets[slug] = existing
        return existing

    def new_reference(self, slug: str) -> str:
        number = self._next_reference.get(slug, 0) + 1
        self._next_reference[slug] = number
        return f"{slug}-{number}"

    def note_reference(self, slug: str, reference: str) -> None:
        """A reference restored from the journal: new ones are numbered after it."""
        number = reference.rsplit("-", 1)[-1]
        if number.isdigit():
            self._next_reference[slug] = max(self._next_reference.get(slug, 0), int(number))

    def find(self, slug: str, reference: str) -> Submission | None:
        return self.target(slug).by_reference.get(reference)

    def record(self, entry: RequestRecord) -> None:
        self.requests.append(entry)
        log.info(
            "%s %s target=%s kind=%s status=%s fault=%s",
            entry.method,
            entry.path if entry.kind is not RequestKind.CONTENT else "<content check>",
            entry.target,
            entry.kind.value,
            entry.status,
            entry.fault.value if entry.fault else "-",
        )

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a background job (decision timer, webhook delivery) owned by the app."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background job failed", exc_info=task.exception())

    async def cancel_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.timers.clear()

    async def reset(self, reset_config: bool) -> None:
        """Forget records and per-target state; keep live configs unless asked."""
        await self.cancel_tasks()
        if self.journal is not None:
            self.journal.reset(reset_config)
        self.requests.clear()
        self.webhooks.clear()
        self.meta.reset(reset_config)
        kept = {} if reset_config else {s: t.config for s, t in self.targets.items()}
        self.targets = {}
        for slug in set(self.config.targets) | set(kept):
            config = kept.get(slug) or self.config.target_config(slug)
            self.targets[slug] = TargetState.fresh(slug, config)

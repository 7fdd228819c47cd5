"""The follow-up callback of a case, as a small pure state machine.

With the young person's consent a counsellor calls back once the case's pending work
has settled (48 h after the last outcome by default), inside opening hours and the
safe window they gave; up to three attempts; a due callback nobody claims, or one
left unanswered, is escalated to a supervisor.

    not owed --owe--> owed --plan--> planned --fall due--> due --claim--> due (claimed)
                        ^               ^  |                 |  \\
                        |  reschedule --+  +-- work added    |   escalate (unclaimed, overdue)
                        +--- work added / reopened           |
                                   attempt recorded: not reached -> planned (next attempt)
                                                     reached, declined, or the last -> done
    any --withdraw--> withdrawn
    claimed by the case's owner --hand over--> claimed by its new owner

Every write of a callback field is one of the named transitions below. Each returns
what the case must do about it (``Effect``: a timeline note, a task to open or
close, ``CallbackPlanned`` for the young person's news); the workflow applies the notes
and the news to its state and carries out the tasks. Pure: no I/O, no clock (``now`` is
given), unit-tested without a server.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from domain.callback_window import NoCallbackSlot, SafeWindow, next_callback_slot
from domain.case import CallbackResult, CallbackView
from domain.case_news import NewsEvent
from domain.local_time import local_label
from domain.policy import CasePolicy
from domain.tasks import TaskKind


class CallbackPhase(StrEnum):
    NOT_OWED = "not_owed"  # no consent, or nothing to call about yet
    OWED = "owed"  # to plan once the case's pending work has settled
    PLANNED = "planned"  # a time is set, in the future
    DUE = "due"  # its time has come: a counsellor task is open
    DONE = "done"  # reached, declined, or the last attempt failed
    WITHDRAWN = "withdrawn"  # the young person withdrew their consent


@dataclass(frozen=True)
class Note:
    """A line for the case's timeline."""

    kind: str
    detail: str
    actor: str | None = None
    code: str | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenTask:
    kind: TaskKind
    summary: str
    suffix: str  # with the case id and kind: the task's id, so opening it twice is a no-op
    for_role: str = "counsellor"


@dataclass(frozen=True)
class CloseTasks:
    kind: TaskKind


@dataclass(frozen=True)
class SendNews:
    """News of the case for the young person (``workflows.case.news``), sent once."""

    event: NewsEvent
    key: str


@dataclass(frozen=True)
class CallbackPlanned:
    """The callback got its time: news for the young person, if they asked for it
    (the case's state decides, ``CaseState.apply``)."""


Effect = Note | OpenTask | CloseTasks | SendNews | CallbackPlanned


@dataclass(frozen=True)
class CallbackRules:
    """What a callback's transitions need to know of its case."""

    case_id: str
    policy: CasePolicy
    window: SafeWindow


class Callback(BaseModel):
    phase: CallbackPhase = CallbackPhase.NOT_OWED
    due_at: datetime | None = None
    claimed_by: str | None = None
    unclaimed_escalated: bool = False
    overdue: bool = False
    attempts: int = 0
    last_result: CallbackResult | None = None

    # ---- what it is ----------------------------------------------------------------------

    @property
    def is_due(self) -> bool:
        return self.phase is CallbackPhase.DUE

    @property
    def scheduled(self) -> bool:
        """Owed or planned: the case will call the young person back."""
        return self.phase in (CallbackPhase.OWED, CallbackPhase.PLANNED)

    @property
    def outcome_expected(self) -> bool:
        """A counsellor may record an attempt (even before it is due)."""
        return self.phase in (CallbackPhase.OWED, CallbackPhase.PLANNED, CallbackPhase.DUE)

    def escalated(self) -> bool:
        return self.overdue or self.unclaimed_escalated

    def next_deadline(self, policy: CasePolicy) -> datetime | None:
        """When the callback next needs the case to act without being asked: falling
        due, then the unclaimed and overdue escalations; None when it waits on people."""
        if self.due_at is None or self.phase not in (CallbackPhase.PLANNED, CallbackPhase.DUE):
            return None
        if self.phase is CallbackPhase.PLANNED:
            return self.due_at
        deadlines = []
        if self.claimed_by is None and not self.unclaimed_escalated:
            deadlines.append(self.due_at + policy.callback_claim_within)
        if not self.overdue:
            deadlines.append(self.due_at + policy.callback_overdue_after)
        return min(deadlines, default=None)

    def view(self, policy: CasePolicy) -> CallbackView:
        return CallbackView(
            due_at=self.due_at,
            attempts=self.attempts,
            max_attempts=policy.callback_max_attempts,
            last_result=self.last_result,
            overdue=self.escalated(),
            claimed_by=self.claimed_by,
        )

    # ---- transitions ---------------------------------------------------------------------

    def owe(self, consented: bool) -> list[Effect]:
        """At opening, on new work and on reopening: a callback not yet due is set
        aside and a new one is owed (planned once the new work settles)."""
        if not consented or self.phase is CallbackPhase.DUE:
            return []
        postponed = self.phase is CallbackPhase.PLANNED
        self.phase = CallbackPhase.OWED
        self.due_at = None
        if postponed:
            return [
                Note(
                    "callback",
                    "callback postponed: planned again once the new work settles",
                    code="callback.postponed",
                )
            ]
        return []

    def plan(self, not_before: datetime, rules: CallbackRules) -> list[Effect]:
        """The case's pending work has settled: an owed callback gets its time."""
        if self.phase is not CallbackPhase.OWED:
            return []
        self.phase = CallbackPhase.PLANNED
        self.due_at, notes = _slot(not_before + rules.policy.callback_delay, rules)
        return [
            *notes,
            Note(
                "callback",
                f"callback planned for {_local(self.due_at, rules)}",
                code="callback.planned",
                params={"at": self.due_at.isoformat()},
            ),
            CallbackPlanned(),
        ]

    def on_deadline(self, now: datetime, rules: CallbackRules) -> list[Effect]:
        """Time has come: fall due, or escalate a due callback nobody claimed or
        answered."""
        if self.due_at is None or now < self.due_at:
            return []
        if self.phase is CallbackPhase.PLANNED:
            return self._fall_due(rules)
        if self.phase is CallbackPhase.DUE:
            return self._escalate(now, rules)
        return []

    def claim(self, actor: str) -> list[Effect]:
        self.claimed_by = actor
        return [Note("callback", "callback claimed", actor, code="callback.claimed")]

    def hand_over(self, previous: str, to: str) -> list[Effect]:
        """The case passes from ``previous`` to ``to``: a callback ``previous`` had
        claimed is now ``to``'s (the case's handover line says so)."""
        if self.claimed_by == previous:
            self.claimed_by = to
        return []

    def reschedule(self, at: datetime, actor: str, rules: CallbackRules) -> list[Effect]:
        """The young person asked for another time (kept inside opening hours and
        their safe window)."""
        was_due = self.is_due
        self.due_at, effects = _slot(at, rules)
        self.phase = CallbackPhase.PLANNED
        self._clear_attempt()
        if was_due:
            effects.insert(0, CloseTasks(TaskKind.CALLBACK_DUE))
        effects.append(
            Note(
                "callback",
                f"callback rescheduled to {self.due_at.isoformat(timespec='minutes')}: "
                f"{_local(self.due_at, rules)}",
                actor,
                code="callback.rescheduled",
                params={"at": self.due_at.isoformat()},
            )
        )
        return effects

    def record_attempt(
        self, result: CallbackResult, now: datetime, actor: str, rules: CallbackRules
    ) -> list[Effect]:
        self.attempts += 1
        self.last_result = result
        self.due_at = None
        self._clear_attempt()
        effects: list[Effect] = [
            CloseTasks(TaskKind.CALLBACK_DUE),
            Note(
                "callback",
                f"callback attempt {self.attempts}: {result.value}",
                actor,
                code="callback.attempt",
                params={"attempt": str(self.attempts), "result": result.value},
            ),
        ]
        if result is not CallbackResult.NOT_REACHED:
            self.phase = CallbackPhase.DONE
        elif self.attempts >= rules.policy.callback_max_attempts:
            self.phase = CallbackPhase.DONE
            effects += [
                OpenTask(
                    TaskKind.SUPERVISOR_ESCALATION,
                    f"case {rules.case_id}: young person not reached after {self.attempts} "
                    "callback attempts",
                    suffix=f"callbacks-exhausted-{self.attempts}",
                    for_role="supervisor",
                ),
                Note(
                    "escalation",
                    "callback attempts exhausted: supervisor alerted",
                    code="callback.exhausted",
                ),
            ]
        else:
            self.phase = CallbackPhase.PLANNED
            self.due_at, notes = _slot(now + rules.policy.callback_attempt_spacing, rules)
            effects += [
                *notes,
                Note(
                    "callback",
                    f"next attempt planned for {_local(self.due_at, rules)}",
                    code="callback.next_attempt",
                    params={"at": self.due_at.isoformat()},
                ),
            ]
        return effects

    def withdraw(self) -> list[Effect]:
        self.phase = CallbackPhase.WITHDRAWN
        self.due_at = None
        self._clear_attempt()
        return [CloseTasks(TaskKind.CALLBACK_DUE)]

    def case_closed(self) -> list[Effect]:
        """Nothing falls due on a closed case; its escalations stay on record."""
        if self.phase in (CallbackPhase.OWED, CallbackPhase.PLANNED, CallbackPhase.DUE):
            self.phase = CallbackPhase.NOT_OWED
        self.due_at = None
        return [CloseTasks(TaskKind.CALLBACK_DUE)]

    # ---- steps ---------------------------------------------------------------------------

    def _fall_due(self, rules: CallbackRules) -> list[Effect]:
        attempt = self.attempts + 1
        self.phase = CallbackPhase.DUE
        return [
            # The task first: when the case says "due", the queue lists it.
            OpenTask(
                TaskKind.CALLBACK_DUE,
                f"Call back the young person of case {rules.case_id} (attempt {attempt})",
                suffix=f"callback-{attempt}",
            ),
            Note(
                "callback",
                f"callback attempt {attempt} is due",
                code="callback.due",
                params={"attempt": str(attempt)},
            ),
        ]

    def _escalate(self, now: datetime, rules: CallbackRules) -> list[Effect]:
        assert self.due_at is not None
        policy, attempt, effects = rules.policy, self.attempts + 1, list[Effect]()
        if (
            self.claimed_by is None
            and not self.unclaimed_escalated
            and now >= self.due_at + policy.callback_claim_within
        ):
            self.unclaimed_escalated = True
            effects += [
                Note(
                    "escalation",
                    "callback unclaimed: supervisor alerted",
                    code="callback.unclaimed",
                ),
                OpenTask(
                    TaskKind.SUPERVISOR_ESCALATION,
                    f"Callback of case {rules.case_id} is due and nobody has claimed it",
                    suffix=f"callback-unclaimed-{attempt}",
                    for_role="supervisor",
                ),
            ]
        if not self.overdue and now >= self.due_at + policy.callback_overdue_after:
            self.overdue = True
            effects += [
                Note("escalation", "callback overdue: supervisor alerted", code="callback.overdue"),
                OpenTask(
                    TaskKind.SUPERVISOR_ESCALATION,
                    f"Callback of case {rules.case_id} is overdue",
                    suffix=f"callback-overdue-{attempt}",
                    for_role="supervisor",
                ),
            ]
        return effects

    def _clear_attempt(self) -> None:
        self.claimed_by = None
        self.unclaimed_escalated = self.overdue = False


def _local(at: datetime, rules: CallbackRules) -> str:
    return local_label(at, rules.policy.opening_hours.timezone)


def _slot(not_before: datetime, rules: CallbackRules) -> tuple[datetime, list[Effect]]:
    """The first moment inside opening hours and the young person's safe window."""
    try:
        return next_callback_slot(not_before, rules.policy.opening_hours, rules.window), []
    except NoCallbackSlot as exc:
        return not_before, [
            Note(
                "callback",
                f"no callback slot: {exc}; kept as asked",
                code="callback.no_slot",
                params={"at": not_before.isoformat()},
            )
        ]

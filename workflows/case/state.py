"""The state a SupportCaseWorkflow carries, and everything derived from it: the
status, the next deadline, the search attributes, the supervisor's details, the
case view and the directory projection. Pure: no I/O, no clock reads."""

from dataclasses import dataclass, field, fields
from datetime import datetime

from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.case import CallbackView, CaseResult, CaseStatus, CaseView, TimelineEntry
from domain.catalog import PartnerCatalog
from domain.intake import Consents, Urgency
from domain.notice import NoticeOutcome
from domain.records import CaseRecord
from domain.referral import ReferralOutcome
from domain.rules.hash_routes import hash_routes
from workflows.case.snapshot import CallbackState, CaseInput, CaseSnapshot

MAX_TIMELINE = 500


@dataclass
class CaseState:
    input: CaseInput
    opened_at: datetime
    urgency: Urgency = Urgency.NORMAL
    catalog: PartnerCatalog = field(default_factory=PartnerCatalog)
    consents: Consents = field(default_factory=Consents)
    notices: dict[str, NoticeOutcome] = field(default_factory=dict)
    referrals: dict[str, ReferralOutcome] = field(default_factory=dict)
    open_children: set[str] = field(default_factory=set)
    callback: CallbackState = field(default_factory=CallbackState)
    last_outcome_at: datetime | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    closed_at: datetime | None = None
    close_reason: str | None = None
    reopened: int = 0
    version: int = 0
    runs: int = 1

    @property
    def case_id(self) -> str:
        return self.input.case_id

    def snapshot(self) -> CaseSnapshot:
        """Every field but the input (the next run gets it anew), children as a list."""
        carried = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "input"}
        return CaseSnapshot(**carried | {"open_children": sorted(self.open_children)})

    @classmethod
    def restore(cls, input: CaseInput, snapshot: CaseSnapshot) -> "CaseState":
        carried = {f.name: getattr(snapshot, f.name) for f in fields(cls) if f.name != "input"}
        return cls(
            input=input,
            **carried | {"open_children": set(snapshot.open_children), "runs": snapshot.runs + 1},
        )

    def note(self, at: datetime, kind: str, detail: str, actor: str | None = None) -> None:
        self.timeline.append(TimelineEntry(at=at, kind=kind, detail=detail, actor=actor))
        del self.timeline[:-MAX_TIMELINE]

    def open_notices(self) -> list[str]:
        return sorted(i for i in self.open_children if i in self.notices)

    def open_referrals(self) -> list[str]:
        return sorted(i for i in self.open_children if i in self.referrals)

    def status(self) -> CaseStatus:
        if self.closed_at is not None:
            return CaseStatus.CLOSED
        if self.callback.is_due:
            return CaseStatus.CALLBACK_DUE
        if self.open_notices():
            return CaseStatus.AWAITING_PLATFORM
        if self.open_referrals():
            return CaseStatus.AWAITING_PARTNER
        if self.callback.due_at is not None or self.callback.owed:
            # owed without a date: the case plans it the moment it next runs
            return CaseStatus.CALLBACK_SCHEDULED
        return CaseStatus.AWAITING_CLOSURE

    def next_action_at(self) -> datetime | None:
        """When the case itself will act next without being asked (callback due or
        overdue); None when it only waits for people or children."""
        cb, policy = self.callback, self.input.policy
        if self.closed_at is not None or cb.due_at is None:
            return None
        if not cb.is_due:
            return cb.due_at
        deadlines = []
        if cb.claimed_by is None and not cb.unclaimed_escalated:
            deadlines.append(cb.due_at + policy.callback_claim_within)
        if not cb.overdue:
            deadlines.append(cb.due_at + policy.callback_overdue_after)
        return min(deadlines, default=None)

    def sla_breached(self) -> bool:
        return self.callback.escalated() or any(n.sla_breached for n in self.notices.values())

    def platforms(self) -> list[str]:
        return sorted({n.platform for n in self.notices.values()})

    def partners(self) -> list[str]:
        return sorted({r.partner for r in self.referrals.values()})

    def search_attributes(self) -> list[SearchAttributeUpdate]:  # type: ignore[type-arg]
        next_at = self.next_action_at()
        return [
            sa.CASE_ID.value_set(self.case_id),
            sa.CASE_STATUS.value_set(self.status().value),
            sa.CASE_URGENCY.value_set(self.urgency.value),
            sa.CASE_CATEGORIES.value_set([c.value for c in self.input.intake.categories]),
            sa.CASE_PLATFORMS.value_set(self.platforms()),
            sa.CASE_PARTNERS.value_set(self.partners()),
            sa.SLA_BREACHED.value_set(self.sla_breached()),
            sa.CALLBACK_OVERDUE.value_set(self.callback.escalated()),
            sa.NEXT_ACTION_AT.value_set(next_at) if next_at else sa.NEXT_ACTION_AT.value_unset(),
        ]

    def details_markdown(self) -> str:
        """What a supervisor reads in the Temporal UI: no personal data."""
        intake = self.input.intake
        lines = [
            f"**Status:** {self.status().value} · **urgency:** {self.urgency.value}"
            + (" · **SLA breached**" if self.sla_breached() else ""),
            f"**Categories:** {', '.join(c.value for c in intake.categories)}",
        ]
        if self.notices:
            lines += ["", "| Notice | Platform | Status | SLA |", "|---|---|---|---|"]
            lines += [
                f"| {n.notice_id} | {n.platform} | {n.status.value} | "
                f"{'breached' if n.sla_breached else 'ok'} |"
                for n in self.notices.values()
            ]
        if self.referrals:
            lines += ["", "| Referral | Partner | Status | Reference |", "|---|---|---|---|"]
            lines += [
                f"| {r.referral_id} | {r.partner} | {r.status.value} | "
                f"{r.partner_reference or '-'} |"
                for r in self.referrals.values()
            ]
        cb = self.callback
        if cb.due_at is not None:
            lines += [
                "",
                f"**Callback:** due {cb.due_at.isoformat(timespec='minutes')}, attempt "
                f"{cb.attempts + 1} of {self.input.policy.callback_max_attempts}"
                + (f" · claimed by {cb.claimed_by}" if cb.claimed_by else " · **unclaimed**")
                + (" · **overdue**" if cb.overdue else ""),
            ]
        if self.timeline:
            last = self.timeline[-1]
            lines += ["", f"_Last event ({last.at.isoformat(timespec='minutes')}):_ {last.detail}"]
        return "\n".join(lines)

    def view(self) -> CaseView:
        cb = self.callback
        return CaseView(
            case_id=self.case_id,
            status=self.status(),
            urgency=self.urgency,
            categories=list(self.input.intake.categories),
            opened_at=self.opened_at,
            opened_by=self.input.opened_by,
            closed_at=self.closed_at,
            close_reason=self.close_reason,
            notices=list(self.notices.values()),
            referrals=list(self.referrals.values()),
            callback=CallbackView(
                due_at=cb.due_at,
                attempts=cb.attempts,
                max_attempts=self.input.policy.callback_max_attempts,
                last_result=cb.last_result,
                overdue=cb.escalated(),
                claimed_by=cb.claimed_by,
            ),
            next_action_at=self.next_action_at(),
            sla_breached=self.sla_breached(),
            hash_routes=hash_routes(list(self.input.intake.categories), self.input.intake.age_band),
            timeline=list(self.timeline),
            reopened=self.reopened,
            runs=self.runs,
        )

    def record(self, now: datetime) -> CaseRecord:
        intake = self.input.intake
        return CaseRecord(
            case_id=self.case_id,
            version=self.version,
            status=self.status(),
            urgency=self.urgency,
            channel=intake.channel,
            caller_role=intake.caller_role,
            age_band=intake.age_band,
            categories=list(intake.categories),
            platforms=self.platforms(),
            partners=self.partners(),
            opened_by=self.input.opened_by,
            opened_at=self.opened_at,
            updated_at=now,
            closed_at=self.closed_at,
            next_action_at=self.next_action_at(),
            sla_breached=self.sla_breached(),
            notices_open=len(self.open_notices()),
            referrals_open=len(self.open_referrals()),
        )

    def result(self) -> CaseResult:
        assert self.closed_at is not None and self.close_reason is not None
        return CaseResult(
            case_id=self.case_id,
            status=self.status(),
            urgency=self.urgency,
            categories=list(self.input.intake.categories),
            opened_at=self.opened_at,
            closed_at=self.closed_at,
            close_reason=self.close_reason,
            notices_sent=len(self.notices),
            notices_removed=sum(
                1 for n in self.notices.values() if n.status.value == "verified_removed"
            ),
            referrals_sent=len(self.referrals),
            callback_attempts=self.callback.attempts,
        )

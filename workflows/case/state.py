"""The state of a case: one serialisable model that is both what the workflow works
on and what continue-as-new carries into the next run, whole (so a field added here
cannot be dropped on the way). Changes go through the named transitions below; each
returns what the case must do about it (timeline notes are applied here, tasks are
for the workflow to open or close). Pure: no I/O, no clock (``now`` is given).

Personal data (contact details, the items' locations) lives in this model too, so it
only ever travels inside payloads sealed by the case's codec; the projections
(:mod:`workflows.case.projections`) never read it.
"""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.case import ConsentScope, TimelineEntry, WithdrawConsentRequest
from domain.case_news import NewsEvent
from domain.casework import CaseContact, CaseNote
from domain.catalog import PartnerCatalog
from domain.intake import CaseOpening, Consents, Intake, Urgency
from domain.items import QualifiedItem
from domain.notice import NoticeOutcome, NoticeProgress, NoticeStatus
from domain.personal import ContactDetails
from domain.referral import (
    LateAnswer,
    LegalBasis,
    ReferralOutcome,
    ReferralProgress,
    ReferralStatus,
)
from domain.rules.referral_rules import TAKEN_OVER, answer_after_closing_task, answer_after_end
from domain.rules.triage import triage
from domain.tasks import TaskKind
from workflows.case.callback import Callback, CallbackPlanned, CallbackRules, Effect, Note, OpenTask
from workflows.case.news import CaseNews

MAX_TIMELINE = 500


class CaseState(BaseModel):
    intake: Intake
    contact: ContactDetails = Field(default_factory=ContactDetails)
    consents: Consents
    catalog: PartnerCatalog
    opened_at: datetime
    owner: str = Field(description="The counsellor the case is with (who opened it, at first)")
    urgency: Urgency = Urgency.NORMAL
    notices: dict[str, NoticeOutcome] = Field(default_factory=dict)
    referrals: dict[str, ReferralOutcome] = Field(default_factory=dict)
    items: dict[str, QualifiedItem] = Field(default_factory=dict, description="By notice id")
    legal_basis: dict[str, LegalBasis] = Field(default_factory=dict, description="By referral")
    open_children: set[str] = Field(default_factory=set, description="Notices and referrals")
    emergencies: list[str] = Field(
        default_factory=list, description="Referrals triage started at opening, in order"
    )
    callback: Callback = Field(default_factory=Callback)
    contacts: list[CaseContact] = Field(default_factory=list, description="The first one too")
    notes: list[CaseNote] = Field(default_factory=list)
    answers_after_end: list[str] = Field(
        default_factory=list,
        description="Partners' answers recorded after their referral ended "
        "(referral id and status: the same answer again is not recorded twice)",
    )
    last_outcome_at: datetime | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    closed_at: datetime | None = None
    close_reason: str | None = None
    reopened: int = 0
    version: int = Field(default=0, description="Of the directory row: later writes win")
    runs: int = 1
    news: CaseNews = Field(default_factory=CaseNews, description="News told to the young person")

    # ---- opening ---------------------------------------------------------------------------

    @classmethod
    def opened(cls, opening: CaseOpening, now: datetime) -> "CaseState":
        """The pure part of opening a case: triage, urgency, the emergency referrals to
        start (allocated here, started by the workflow at once), the callback owed."""
        decision = triage(opening.intake, referred_by=opening.referred_by)
        state = cls(
            intake=opening.intake,
            contact=opening.contact,
            consents=opening.intake.consents.model_copy(deep=True),
            catalog=opening.catalog,
            opened_at=now,
            owner=opening.opened_by,
            urgency=decision.urgency,
            last_outcome_at=now,
        )
        intake = opening.intake
        state.contacts.append(
            CaseContact(
                contact_id=f"{opening.case_id}-c1",
                at=now,
                channel=intake.channel,
                caller_role=intake.caller_role,
                summary=intake.summary,
                risk_flags=list(intake.risk_flags),
                recorded_by=opening.opened_by,
            )
        )
        channel = opening.intake.channel.value
        state.note(
            now,
            "opened",
            f"case opened ({channel})",
            opening.opened_by,
            "case.opened",
            {"channel": channel},
        )
        urgency = state.urgency.value
        state.note(
            now, "triage", f"urgency {urgency}", None, "triage.urgency", {"urgency": urgency}
        )
        for partner in decision.already_informed:
            state.note(
                now,
                "triage",
                f"{partner} not alerted again: it referred this young person itself",
                None,
                "triage.already_informed",
                {"partner": partner},
            )
        state.emergencies = [
            state.allocate_referral(emergency.partner, emergency.legal_basis, opening.case_id)
            for emergency in decision.emergency_referrals
        ]
        state.callback.owe(state.consents.callback.consented)
        if not state.open_children:
            state.apply(state.callback.plan(now, state.rules(opening)), now)
        return state

    # ---- what it is ------------------------------------------------------------------------

    def rules(self, opening: CaseOpening) -> CallbackRules:
        return CallbackRules(
            case_id=opening.case_id,
            policy=opening.policy,
            window=self.consents.callback.safe_window(),
        )

    def open_notices(self) -> list[str]:
        return sorted(i for i in self.open_children if i in self.notices)

    def open_referrals(self) -> list[str]:
        return sorted(i for i in self.open_children if i in self.referrals)

    def referral_under_way(self, partner: str) -> str | None:
        return next(
            (r for r in self.open_referrals() if self.referrals[r].partner == partner), None
        )

    # ---- transitions -----------------------------------------------------------------------

    def note(
        self,
        at: datetime,
        kind: str,
        detail: str,
        actor: str | None = None,
        code: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        """Add a timeline line in time order: a child's news can arrive after the
        case's own later lines (its ``at`` is when the child saw it). ``code`` and
        ``params`` let a screen word it in its reader's language; ``detail`` is the
        English sentence the API keeps."""
        position = len(self.timeline)
        while position and self.timeline[position - 1].at > at:
            position -= 1
        entry = TimelineEntry(
            at=at, kind=kind, detail=detail, actor=actor, code=code, params=params or {}
        )
        self.timeline.insert(position, entry)
        del self.timeline[:-MAX_TIMELINE]

    def apply(self, effects: list[Effect], now: datetime) -> list[Effect]:
        """Write the notes among ``effects`` to the timeline and decide the news a
        planned callback owes; the rest (tasks, news to send) is for the workflow."""
        news: list[Effect] = []
        for effect in effects:
            if isinstance(effect, Note):
                self.note(
                    now, effect.kind, effect.detail, effect.actor, effect.code, dict(effect.params)
                )
            elif isinstance(effect, CallbackPlanned):  # news for them, once, if they asked
                run = str(self.reopened)  # moved later as work comes in: not told again
                news += self.news.due(self.consents.case_news, NewsEvent.CALLBACK_PLANNED, run)
        return [e for e in effects if not isinstance(e, Note | CallbackPlanned)] + news

    def allocate_notice(
        self, item: QualifiedItem, case_id: str, appeal_of: NoticeOutcome | None = None
    ) -> str:
        """A new notice for ``item``, pending until its TakedownWorkflow reports."""
        notice_id = f"{case_id}-n{len(self.notices) + 1}"
        self.notices[notice_id] = NoticeOutcome(
            notice_id=notice_id,
            platform=item.platform,
            status=NoticeStatus.PENDING,
            appeal_of=appeal_of.notice_id if appeal_of else None,
        )
        self.items[notice_id] = item
        self.open_children.add(notice_id)
        return notice_id

    def allocate_referral(self, partner: str, basis: LegalBasis, case_id: str) -> str:
        """A new referral, pending until its ReferralWorkflow reports."""
        referral_id = f"{case_id}-r{len(self.referrals) + 1}"
        self.legal_basis[referral_id] = basis
        self.referrals[referral_id] = ReferralOutcome(
            referral_id=referral_id, partner=partner, status=ReferralStatus.PENDING
        )
        self.open_children.add(referral_id)
        return referral_id

    def work_added(self) -> list[Effect]:
        """New work postpones a callback not yet due, and owes a new one."""
        return self.callback.owe(self.consents.callback.consented)

    def withdraw_consent(
        self, request: WithdrawConsentRequest, now: datetime
    ) -> tuple[list[str], list[Effect]]:
        """The victim withdraws a consent: the children that depended on it (to
        cancel), and what the callback's withdrawal asks."""
        consents, effects = self.consents, list[Effect]()
        to_cancel: list[str] = []
        if request.scope is ConsentScope.PLATFORMS:
            consents.report_to_platforms = False
            to_cancel = self.open_notices()
        elif request.scope is ConsentScope.PARTNER:
            consents.referral_partners.remove(str(request.partner))
            to_cancel = [
                referral_id
                for referral_id in self.open_referrals()
                if self.referrals[referral_id].partner == request.partner
                and self.legal_basis.get(referral_id) is LegalBasis.CONSENT
            ]
        else:
            consents.callback.consented = False
            effects = self.callback.withdraw()
        partner = f": {request.partner}" if request.partner else ""
        self.note(
            now,
            "consent",
            f"consent withdrawn ({request.scope.value}{partner}); "
            f"{len(to_cancel)} outstanding cancelled",
            request.actor,
            "consent.withdrawn",
            {
                "scope": request.scope.value,
                "partner": request.partner or "",
                "cancelled": str(len(to_cancel)),
            },
        )
        return to_cancel, effects

    def notice_progressed(self, progress: NoticeProgress) -> bool:
        """A TakedownWorkflow's news. False when the notice is unknown or settled."""
        notice = self.notices.get(progress.notice_id)
        if notice is None or progress.notice_id not in self.open_children:
            return False
        if progress.outcome is not None:  # what the case added: the appeal link, the review
            kept = {"appeal_of": notice.appeal_of, "review": notice.review}
            notice = self.notices[progress.notice_id] = progress.outcome.model_copy(update=kept)
        notice.status = progress.status
        notice.sla_breached = progress.sla_breached
        if not progress.final:  # the final word repeats what the timeline has
            detail = f"{progress.notice_id} ({progress.platform}): {progress.detail}"
            params = {
                "notice": progress.notice_id,
                "platform": progress.platform,
                "status": progress.status.value,
            }
            self.note(progress.at, "notice", detail, None, "notice.progress", params)
        return True

    def referral_progressed(self, progress: ReferralProgress) -> bool:
        """A ReferralWorkflow's news. False when the referral is unknown or settled."""
        referral = self.referrals.get(progress.referral_id)
        if referral is None or progress.referral_id not in self.open_children:
            return False
        if progress.outcome is not None:
            referral = self.referrals[progress.referral_id] = progress.outcome
        referral.status = progress.status
        referral.partner_reference = progress.partner_reference or referral.partner_reference
        referral.manual = progress.manual
        if progress.timeline and not progress.final:
            detail = f"{progress.referral_id} ({progress.partner}): {progress.detail}"
            params = {
                "referral": progress.referral_id,
                "partner": progress.partner,
                "status": progress.status.value,
            }
            self.note(progress.at, "referral", detail, None, "referral.progress", params)
        return True

    def answered_after_end(self, answer: LateAnswer, now: datetime, case_id: str) -> list[Effect]:
        """A partner's answer about a referral that had ended (cancelled at closing, given
        up, settled): the case records it (its timeline, the referral's detail and
        reference), and a supervisor is told when the partner took over a referral of
        a closed case. An answer from another partner than the referral's is ignored."""
        referral = self.referrals.get(answer.referral_id)
        if referral is None or referral.partner != answer.partner:
            return []
        seen = f"{answer.referral_id}:{answer.news.status.value}"
        if seen in self.answers_after_end:
            return []
        self.answers_after_end.append(seen)
        words = answer_after_end(answer, referral.status)
        referral.detail = words
        referral.partner_reference = referral.partner_reference or answer.news.partner_reference
        self.note(
            now,
            "referral",
            f"{answer.referral_id} ({answer.partner}): {words}",
            None,
            "referral.late_answer",
            {
                "referral": answer.referral_id,
                "partner": answer.partner,
                "status": answer.news.status.value,
            },
        )
        if self.closed_at is None or answer.news.status not in TAKEN_OVER:
            return []
        occasion, summary = answer_after_closing_task(answer, case_id)
        return self.apply(
            [
                OpenTask(
                    TaskKind.SUPERVISOR_ESCALATION, summary, suffix=occasion, for_role="supervisor"
                ),
                Note(
                    "escalation",
                    f"{answer.referral_id}: the partner took over a referral of the closed "
                    "case: supervisor alerted",
                    code="escalation.late_takeover",
                    params={"referral": answer.referral_id, "partner": answer.partner},
                ),
            ],
            now,
        )

    def notice_finished(self, notice_id: str, outcome: NoticeOutcome) -> None:
        """The notice's child workflow returned its outcome."""
        known = self.notices[notice_id]
        self.notices[notice_id] = outcome.model_copy(
            update={"appeal_of": known.appeal_of, "review": known.review}
        )

    def notice_stopped(self, notice_id: str, status: NoticeStatus) -> None:
        """The notice ended without an outcome: cancelled or failed."""
        self.notices[notice_id].status = status

    def referral_finished(self, referral_id: str, outcome: ReferralOutcome) -> None:
        self.referrals[referral_id] = outcome

    def referral_stopped(self, referral_id: str, status: ReferralStatus) -> None:
        self.referrals[referral_id].status = status

    def child_settled(self, child_id: str, now: datetime, rules: CallbackRules) -> list[Effect]:
        """A notice or referral is settled: once nothing is left pending, the owed
        callback gets its time."""
        if child_id not in self.open_children:
            return []
        self.open_children.discard(child_id)
        self.last_outcome_at = now
        if self.open_children or self.closed_at is not None:
            return []
        return self.apply(self.callback.plan(now, rules), now)

    def close(self, now: datetime, reason: str, actor: str) -> list[Effect]:
        self.closed_at = now
        self.close_reason = reason
        self.note(now, "closed", f"case closed: {reason}", actor, "case.closed", {"reason": reason})
        closed = self.news.due(self.consents.case_news, NewsEvent.CLOSED, str(self.reopened))
        return self.callback.case_closed() + closed

    def reopen(self, now: datetime, reason: str, actor: str, rules: CallbackRules) -> list[Effect]:
        """Within the reopen window a closed case continues, history and all."""
        self.closed_at = None
        self.close_reason = None
        self.reopened += 1
        self.last_outcome_at = now
        self.note(
            now, "reopened", f"case reopened: {reason}", actor, "case.reopened", {"reason": reason}
        )
        effects = self.callback.owe(self.consents.callback.consented)
        if not self.open_children:
            effects += self.callback.plan(now, rules)
        return self.apply(effects, now)


class CaseInput(CaseOpening):
    """The case workflow's input: the opening as the API recorded it, and from the
    second run on the whole state carried over by continue-as-new."""

    carried: CaseState | None = Field(
        default=None, description="State carried over from the previous run (continue-as-new)"
    )

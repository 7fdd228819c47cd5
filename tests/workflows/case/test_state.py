"""Each workflow's state is one model, carried whole by continue-as-new: every field
survives the trip through the data converter. The fixtures set every field away from
its default, and a test fails when a field is added without a value here, so a new
field cannot be forgotten on the way to the next run."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from domain.case import CallbackResult, TimelineEntry
from domain.case_news import NewsEvent
from domain.casework import CaseContact, CaseNote
from domain.catalog import AdapterInfo, PartnerCatalog, PartnerKind
from domain.intake import CallerRole, Channel, Urgency
from domain.items import EvidenceHash
from domain.notice import (
    Decision,
    NoticeAttachment,
    NoticeDecision,
    NoticeOutcome,
    NoticeStatus,
)
from domain.personal import ContactDetails
from domain.referral import (
    HandoffStatus,
    LegalBasis,
    ManualHandoffRequest,
    ReferralOutcome,
    ReferralStatus,
)
from tests.support.builders import intake, item, opening
from workflows.case.callback import Callback, CallbackPhase, CallbackPlanned, Note, SendNews
from workflows.case.news import CaseNews
from workflows.case.state import CaseInput, CaseState
from workflows.referral.state import ReferralState
from workflows.takedown.state import NoticeState

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PARTNER = AdapterInfo(slug="france-victimes", display_name="FV", kind=PartnerKind.VICTIM_SUPPORT)


def full_case_state() -> CaseState:
    return CaseState(
        intake=intake(risk_flags=["suicidal_risk"]),
        contact=ContactDetails(first_name="Lea", phone="+33600000000"),
        consents=intake().consents,
        catalog=PartnerCatalog(partners={PARTNER.slug: PARTNER}),
        opened_at=AT,
        owner="counsellor-2",
        urgency=Urgency.CRITICAL,
        notices={
            "c-n1": NoticeOutcome(
                notice_id="c-n1", platform="tiktok", status=NoticeStatus.SUBMITTED
            )
        },
        referrals={
            "c-r1": ReferralOutcome(
                referral_id="c-r1", partner="police", status=ReferralStatus.PENDING
            )
        },
        items={"c-n1": item()},
        legal_basis={"c-r1": LegalBasis.LIFE_AT_RISK},
        open_children={"c-n1", "c-r1"},
        emergencies=["c-r1"],
        callback=Callback(
            phase=CallbackPhase.DUE,
            due_at=AT,
            claimed_by="counsellor-2",
            unclaimed_escalated=True,
            overdue=True,
            attempts=2,
            last_result=CallbackResult.NOT_REACHED,
        ),
        contacts=[
            CaseContact(
                contact_id="c-c1",
                at=AT,
                channel=Channel.PHONE,
                caller_role=CallerRole.PARENT,
                recorded_by="counsellor-1",
            )
        ],
        notes=[CaseNote(note_id="c-note1", at=AT, author="counsellor-1", text="called twice")],
        answers_after_end=["c-r1:accepted"],
        last_outcome_at=AT,
        timeline=[TimelineEntry(at=AT, kind="opened", detail="case opened (phone)")],
        closed_at=AT + timedelta(days=3),
        close_reason="resolved",
        reopened=1,
        version=7,
        runs=2,
        news=CaseNews(
            stopped_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
            pending={"closed:0": NewsEvent.CLOSED},
            done=["removed:c-n1"],
            conversation_id="conv-1",
        ),
    )


def full_notice_state() -> NoticeState:
    return NoticeState(
        status=NoticeStatus.DECIDED,
        decision=NoticeDecision(decision=Decision.REMOVED),
        reference="TT-1",
        submitted_at=AT,
        acknowledged_at=AT,
        decided_at=AT,
        checked_at=AT,
        resolved_at=AT,
        renotices=2,
        renoticed_at=[AT, AT],
        sla_breached=True,
        sla_breached_at=AT,
        reason="why",
        next_action_at=AT,
        version=3,
        evidence=[EvidenceHash(digest="a" * 64, media_type="image/png")],
        attachments=[NoticeAttachment(evidence_id="ev-1")],
    )


def full_referral_state() -> ReferralState:
    return ReferralState(
        status=ReferralStatus.ACKNOWLEDGED,
        reference="FV-1",
        detail="handed over by phone",
        sent_at=AT,
        acknowledged_at=AT,
        resolved_at=AT,
        manual=True,
        manual_by="counsellor-1",
        phone_handoff_due=AT,
        phone_handoff=ManualHandoffRequest(case_id="c", partner_reference="FV-1", actor="c1"),
        phone_handoff_recorded=True,
        phone_task_opened=True,
        failed_attempts=3,
        unreachable_since=AT,
        next_attempt_at=AT,
        news=[HandoffStatus(status=ReferralStatus.ACCEPTED)],
        stop_polling=True,
        finished=True,
        version=4,
    )


STATES = [full_case_state, full_notice_state, full_referral_state]


@pytest.mark.parametrize("build", STATES, ids=lambda b: b.__name__)
def test_every_field_of_the_fixture_is_away_from_its_default(build: Any) -> None:
    state: BaseModel = build()
    for name, field in type(state).model_fields.items():
        where = f"{type(state).__name__}.{name}"
        assert name in state.model_fields_set, f"{where}: give it a value in this fixture"
        if not field.is_required():
            assert getattr(state, name) != field.get_default(call_default_factory=True), where


def roundtrip(value: BaseModel, converter: DataConverter) -> Any:
    [payload] = converter.payload_converter.to_payloads([value])
    [back] = converter.payload_converter.from_payloads([payload], [type(value)])
    return back


def test_the_case_state_survives_continue_as_new_whole() -> None:
    carried = CaseInput(**opening().model_dump(), carried=full_case_state())
    back = roundtrip(carried, pydantic_data_converter)
    assert back == carried
    assert back.carried.open_children == {"c-n1", "c-r1"}


@pytest.mark.parametrize(
    "build", [full_notice_state, full_referral_state], ids=lambda b: b.__name__
)
def test_the_children_states_survive_the_converter_whole(build: Any) -> None:
    state = build()
    assert roundtrip(state, pydantic_data_converter) == state


def test_a_planned_callback_is_news_only_for_a_young_person_who_asked() -> None:
    """The callback says it was planned with a typed effect (not a timeline code the
    state would match): the state turns it into news, once per opening, with consent."""
    quiet = full_case_state()
    quiet.consents.case_news = False
    assert quiet.apply([CallbackPlanned()], AT) == []
    asked = full_case_state()
    asked.consents.case_news, asked.news = True, CaseNews()
    said = Note("callback", "callback planned", code="callback.planned")
    assert asked.apply([said, CallbackPlanned()], AT) == [
        SendNews(NewsEvent.CALLBACK_PLANNED, "callback_planned:1")
    ]
    assert asked.apply([CallbackPlanned()], AT) == []  # moved later: not told again

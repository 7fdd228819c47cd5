"""Immediate danger: the handoffs to the police and 119 start before anything else
the case does, carry what those partners need, and reach them within seconds."""

from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from domain import contract
from tests.referrals.support import handoffs_received, open_case
from tests.support.stack import running_stack
from tests.support.waiting import eventually


async def test_emergency_handoffs_go_before_anything_else(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        case_id = await open_case(
            stack,
            risk_flags=["ongoing_sexual_exploitation"],
            consents={"report_to_platforms": True, "referral_partners": []},
        )
        received = {}
        for partner in ("police", "enfance-en-danger-119"):
            [handoff] = await eventually(
                lambda p=partner: handoffs_received(stack, p), bool, what=f"{partner} handoff"
            )
            received[partner] = handoff
        history = await stack.client.get_workflow_handle(
            contract.SUPPORT_CASE.workflow_id(case_id)
        ).fetch_history()
        commands = [
            e
            for e in history.events
            if e.event_type
            in (
                EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
                EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
                EventType.EVENT_TYPE_TIMER_STARTED,
            )
        ]
        first_two = commands[:2]
        assert all(
            e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
            for e in first_two
        ), "the emergency referrals are the case's first commands"
        started = sorted(
            e.start_child_workflow_execution_initiated_event_attributes.workflow_id
            for e in first_two
        )
        assert started == [f"referral-{case_id}-r1", f"referral-{case_id}-r2"]

        opened_at = history.events[0].event_time.ToDatetime(tzinfo=UTC)
        for partner, handoff in received.items():
            body = handoff["body"]
            assert body["contact"]["phone"] == "+33600000000"
            assert body["risk_flags"] == ["ongoing_sexual_exploitation"]
            assert body["urgency"] == "critical"
            took = datetime.fromisoformat(handoff["received_at"]) - opened_at
            assert took.total_seconds() < 10, f"{partner} received the handoff after {took}"

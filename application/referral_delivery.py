"""Where a handoff stands while it has not reached its partner: read from its
ReferralWorkflow's pending ``hand_over`` activity (attempts, first attempt, next
retry), so the case says "the partner is unreachable" rather than a bare pending.
The failure's own text is sealed by the codec: only counts and times go out."""

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.client import Client
from temporalio.service import RPCError

from domain import contract
from domain.local_time import local_label
from domain.referral import HandoffDelivery, ReferralOutcome, ReferralStatus


def _time(stamp: Timestamp) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if stamp.seconds else None


async def delivery_of(client: Client, referral_id: str, timezone: str) -> HandoffDelivery | None:
    handle = client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
    try:
        description = await handle.describe()
    except RPCError:
        return None  # not started yet, or gone: the case's own status says enough
    for pending in description.raw_description.pending_activities:
        if pending.activity_type.name != contract.HAND_OVER.name or pending.attempt < 2:
            continue
        since = _time(pending.scheduled_time)
        next_at = _time(pending.next_attempt_schedule_time)
        detail = f"the partner is unreachable: {pending.attempt - 1} failed attempts"
        if since is not None:
            detail += f" since {local_label(since, timezone)}"
        if next_at is not None:
            detail += f"; next attempt {local_label(next_at, timezone)}"
        return HandoffDelivery(
            unreachable_since=since,
            attempts=pending.attempt - 1,
            next_attempt_at=next_at,
            detail=detail,
        )
    return None


async def with_deliveries(
    client: Client, referrals: list[ReferralOutcome], timezone: str
) -> list[ReferralOutcome]:
    """The referrals, each pending one with where its handoff stands."""
    return [
        r.model_copy(update={"delivery": await delivery_of(client, r.referral_id, timezone)})
        if r.status is ReferralStatus.PENDING
        else r
        for r in referrals
    ]

"""What WhatsApp and Messenger say of an answer, as the transcript keeps it (pure): by
Relais' message id or the channel's own, or a watermark; never going back; a failure
marks the answer failed unless the phone already had it."""

from datetime import UTC, datetime, timedelta

from domain.channel_messages import ChannelDeliveryState as State
from domain.conversation import AuthorKind, ChannelStatusNote, Delivery
from tests.support import builders
from workflows.conversation.ledger import Ledger, LedgerLine

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def answered() -> tuple[Ledger, LedgerLine]:
    ledger = Ledger()
    ledger.add(builders.message_ref("c1"), AuthorKind.YOUNG_PERSON, None, NOW)
    line, _ = ledger.add(builders.message_ref("c1"), AuthorKind.COUNSELLOR, "lea", NOW)
    return ledger, line


def note(state: State, **kw: object) -> ChannelStatusNote:
    return ChannelStatusNote.model_validate({"state": state, "at": NOW, **kw})


def test_statuses_by_message_id_never_go_back() -> None:
    ledger, line = answered()
    assert ledger.channel_status(note(State.SENT, message_id=line.message_id))
    assert ledger.channel_status(note(State.READ, message_id=line.message_id))
    assert not ledger.channel_status(note(State.DELIVERED, message_id=line.message_id))
    assert line.view().channel_status is State.READ
    # A failure after the phone had it is not believed.
    assert not ledger.channel_status(note(State.FAILED, message_id=line.message_id))
    assert ledger.deliveries() == "0.0.1.0"


def test_a_failure_marks_the_answer_failed() -> None:
    ledger, line = answered()
    line.delivered_at = NOW  # Meta accepted it, then said it failed (131047, 131026)
    ledger.channel_status(note(State.FAILED, message_id=line.message_id, failure="undeliverable"))
    assert line.view().delivery is Delivery.FAILED
    assert line.delivery_failed == "undeliverable"
    assert ledger.next_to_push() is None  # not sent again


def test_messenger_watermarks_and_channel_ids() -> None:
    ledger, line = answered()
    assert not ledger.channel_status(note(State.DELIVERED, up_to=NOW))  # not sent yet
    line.delivered_at, line.channel_reference = NOW, "m_1"
    assert ledger.channel_status(note(State.DELIVERED, channel_message_ids=["m_1"]))
    assert ledger.channel_status(note(State.READ, up_to=NOW + timedelta(seconds=5)))
    assert line.channel_status is State.READ
    assert [m.channel_status for m in ledger.since(0, internal=True)] == [None, State.READ]

"""The transcript as the workflow keeps it: which messages, in which order, by whom,
when, and whether they reached the young person; never what they say (the bodies
are in the app database, sealed, under the same ids).

Idempotent by the message's key: the same key with the same body is the same
message (its first line answers again), the same key with another body is refused,
as is an id already used by another message. Pure.
"""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.channel_messages import ChannelDeliveryState
from domain.conversation import (
    AuthorKind,
    ChannelStatusNote,
    Delivery,
    MessageRef,
    MessageView,
)
from domain.conversation_records import TranscriptLine
from domain.problems import Problem, problem

_RANK = {
    ChannelDeliveryState.SENT: 1,
    ChannelDeliveryState.DELIVERED: 2,
    ChannelDeliveryState.READ: 3,
    ChannelDeliveryState.FAILED: 0,
}


class LedgerLine(BaseModel):
    seq: int
    message_id: str
    key_digest: str
    body_digest: str
    author_kind: AuthorKind
    author: str | None = None
    at: datetime
    internal: bool = False
    delivered_at: datetime | None = None
    delivery_failed: str | None = Field(default=None, description="Why the channel refused it")
    channel_reference: str | None = Field(default=None, description="The channel's own id")
    channel_status: ChannelDeliveryState | None = None

    @property
    def to_young_person(self) -> bool:
        return self.author_kind is AuthorKind.COUNSELLOR and not self.internal

    def delivery(self) -> Delivery | None:
        if not self.to_young_person:
            return None
        if self.delivery_failed:  # refused at once, or a failed status after it was taken
            return Delivery.FAILED
        return Delivery.DELIVERED if self.delivered_at is not None else Delivery.PENDING

    def view(self) -> MessageView:
        return MessageView(
            seq=self.seq,
            message_id=self.message_id,
            author_kind=self.author_kind,
            author=self.author,
            at=self.at,
            internal=self.internal,
            delivery=self.delivery(),
            channel_status=self.channel_status,
        )

    def take_status(self, note: ChannelStatusNote) -> bool:
        """A channel's status, never going back (read stays read; a failure after it
        was delivered is not believed). True when it changed."""
        was = _RANK[self.channel_status] if self.channel_status is not None else 0
        if note.state is ChannelDeliveryState.FAILED:
            if self.channel_status in (ChannelDeliveryState.DELIVERED, ChannelDeliveryState.READ):
                return False
            self.channel_status = note.state
            self.delivery_failed = note.failure or "refused_by_channel"
            return True
        if _RANK[note.state] <= was:
            return False
        self.channel_status = note.state
        return True


class Ledger(BaseModel):
    lines: list[LedgerLine] = Field(default_factory=list)

    @property
    def last_seq(self) -> int:
        return self.lines[-1].seq if self.lines else 0

    def same_key(self, ref: MessageRef) -> LedgerLine | None:
        return next((line for line in self.lines if line.key_digest == ref.key_digest), None)

    def problems(self, ref: MessageRef, field: str = "message") -> list[Problem]:
        """A key reused for another message, or an id reused: refused, never merged."""
        earlier = self.same_key(ref)
        if earlier is not None:
            if earlier.body_digest != ref.body_digest or earlier.message_id != ref.message_id:
                return [
                    problem(
                        "idempotency_key_reused",
                        (field, "idempotency_key"),
                        "idempotency_key: already used for another message; send a new key "
                        "with each new message",
                    )
                ]
            return []
        if any(line.message_id == ref.message_id for line in self.lines):
            return [
                problem(
                    "message_id_reused",
                    (field, "message_id"),
                    "message_id: another message has this id",
                )
            ]
        return []

    def add(
        self,
        ref: MessageRef,
        author_kind: AuthorKind,
        author: str | None,
        at: datetime,
        internal: bool = False,
    ) -> tuple[LedgerLine, bool]:
        """The new line, or the earlier one under the same key (True: already there).
        Call :meth:`problems` first."""
        earlier = self.same_key(ref)
        if earlier is not None:
            return earlier, True
        line = LedgerLine(
            seq=self.last_seq + 1,
            message_id=ref.message_id,
            key_digest=ref.key_digest,
            body_digest=ref.body_digest,
            author_kind=author_kind,
            author=author,
            at=at,
            internal=internal,
        )
        self.lines.append(line)
        return line, False

    def since(self, seq: int, *, internal: bool) -> list[MessageView]:
        return [
            line.view() for line in self.lines if line.seq > seq and (internal or not line.internal)
        ]

    def channel_status(self, note: ChannelStatusNote) -> bool:
        """A status webhook of the channel: the lines it names (by Relais' message id or
        the channel's own), or all those sent before its watermark. True if one changed."""
        changed = False
        for line in self.lines:
            if not line.to_young_person:
                continue
            # Named: the channel took it, even if its answer to the sender was lost.
            named = line.message_id == note.message_id or (
                line.channel_reference is not None
                and line.channel_reference in note.channel_message_ids
            )
            marked = (
                note.up_to is not None
                and line.delivered_at is not None
                and line.delivered_at <= note.up_to
            )
            if named or marked:
                changed = line.take_status(note) or changed
        return changed

    def deliveries(self) -> str:
        """How many answers are sent, delivered, read, failed (``s.d.r.f``): a screen
        that shows them redraws when this changes, without reading a line."""
        said = [str(line.channel_status or line.delivery()) for line in self.lines]
        return ".".join(str(said.count(s)) for s in ("sent", "delivered", "read", "failed"))

    def next_to_push(self) -> LedgerLine | None:
        """The first message to the young person neither delivered nor refused (a
        channel that pushes sends them in order)."""
        return next(
            (
                line
                for line in self.lines
                if line.to_young_person and line.delivered_at is None and not line.delivery_failed
            ),
            None,
        )

    def line(self, seq: int) -> LedgerLine:
        return self.lines[seq - 1]

    def transcript(self) -> list[TranscriptLine]:
        return [
            TranscriptLine(
                message_id=line.message_id,
                seq=line.seq,
                at=line.at,
                author_kind=line.author_kind,
                author=line.author,
                internal=line.internal,
            )
            for line in self.lines
        ]

"""The state of a conversation: one serialisable model, the live state and what
continue-as-new carries into the next run, whole. It changes only through the named
transitions below. Pure: no I/O, no clock (``now`` is given).

No personal data lives here: the pre-chat answers are categories, the transcript is
ids, digests and times (:mod:`workflows.conversation.ledger`); bodies, transfer notes
and how to call back are sealed in the app database.
"""

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from domain.callback_window import NoCallbackSlot, next_callback_slot
from domain.conversation import (
    AuthorKind,
    CallbackWindow,
    ConversationOpening,
    ConversationStatus,
    MessageRef,
)
from domain.conversation_desk import (
    ConversationOutcome,
    Handling,
    LinkKind,
    TransferRequest,
    TransferTo,
)
from domain.conversation_queue import DeclinedOffer, OfferMade, OfferWithdrawn, WithdrawalReason
from domain.policy import ConversationPolicy
from workflows.conversation.ledger import Ledger, LedgerLine


class QueueOffer(BaseModel):
    offer_id: str
    counsellor_id: str
    made_at: datetime
    expires_at: datetime


class PendingTransfer(BaseModel):
    transfer_id: str
    to: str
    to_role: TransferTo
    by: str
    made_at: datetime
    expires_at: datetime
    note_seq: int | None = None


class CallbackAsked(BaseModel):
    window: CallbackWindow
    at: datetime


class ConversationState(BaseModel):
    status: ConversationStatus
    opened_at: datetime
    opens_at: datetime | None = Field(default=None, description="Missed: the next opening")
    waiting_since: datetime | None = None
    answered_at: datetime | None = None
    offer: QueueOffer | None = None
    counsellor_id: str | None = None
    handled_by: list[Handling] = Field(default_factory=list)
    transfer: PendingTransfer | None = None
    transfers_made: int = 0
    last_declined: DeclinedOffer | None = None
    offers_not_accepted: int = 0
    ledger: Ledger = Field(default_factory=Ledger)
    callback_offered_at: datetime | None = None
    callback: CallbackAsked | None = None
    young_person_left: bool = False
    wrapping_since: datetime | None = None
    outcome: ConversationOutcome | None = None
    ended_at: datetime | None = None
    linked_case_id: str | None = None
    link_kind: LinkKind | None = None
    linked_at: datetime | None = None
    filed: bool = Field(default=False, description="The transcript's order is in the store")
    conversation_key_destroyed: bool = False
    purged_at: datetime | None = None
    version: int = Field(default=0, description="Of what it publishes: later ones win")
    runs: int = 1

    # ---- opening ---------------------------------------------------------------------------

    @classmethod
    def opened(cls, opening: ConversationOpening, now: datetime) -> "ConversationState":
        """In the queue at once, or missed outside opening hours (never queued); a
        messaging channel's first message already in its transcript."""
        try:
            opens_at: datetime | None = next_callback_slot(now, opening.policy.opening_hours)
        except NoCallbackSlot:  # hours that never open (a configuration error): closed
            opens_at = None
        if opens_at is not None and opens_at <= now:
            state = cls(status=ConversationStatus.WAITING, opened_at=now, waiting_since=now)
        else:
            state = cls(
                status=ConversationStatus.MISSED, opened_at=now, opens_at=opens_at, ended_at=now
            )
        if opening.first_message is not None:
            # Kept even if the helpline closed between the door and here: it was stored
            # and acknowledged, so it is never dropped.
            state.young_person_writes(opening.first_message, now)
        return state

    # ---- what it is ------------------------------------------------------------------------

    @property
    def final(self) -> bool:
        return self.status.final

    @property
    def done(self) -> bool:
        """Nothing left to do: its transcript went with a case, or was purged."""
        return self.final and (self.conversation_key_destroyed or self.purged_at is not None)

    def waited_seconds(self) -> int | None:
        """In the queue until answered, or until they left or asked for a callback."""
        if self.waiting_since is None:
            return None
        until = self.answered_at or self.ended_at
        return None if until is None else int((until - self.waiting_since).total_seconds())

    def next_deadline(self, policy: ConversationPolicy) -> datetime | None:
        """When the conversation acts next without being asked."""
        deadlines: list[datetime] = []
        if self.status.queued and self.callback_offered_at is None and self.waiting_since:
            deadlines.append(self.waiting_since + policy.callback_offer_after)
        if self.transfer is not None:
            deadlines.append(self.transfer.expires_at)
        if self.status is ConversationStatus.WRAPPING_UP and self.wrapping_since is not None:
            deadlines.append(self.wrapping_since + policy.wrap_up_within)
        if (purge_at := self.purge_after(policy)) is not None:
            deadlines.append(purge_at)
        return min(deadlines, default=None)

    def purge_after(self, policy: ConversationPolicy) -> datetime | None:
        """Over and never linked to a case: its transcript goes then (a missed one at
        once: nobody read it)."""
        if not self.final or self.linked_case_id is not None or self.purged_at is not None:
            return None
        assert self.ended_at is not None
        if self.status is ConversationStatus.MISSED:
            return self.ended_at
        return self.ended_at + policy.unlinked_retention

    # ---- the queue's offers ----------------------------------------------------------------

    def offered(self, offer: OfferMade) -> bool:
        if not self.status.queued:
            return False  # taken, or over: the queue hears it from the standing
        self.offer = QueueOffer(
            offer_id=offer.offer_id,
            counsellor_id=offer.counsellor_id,
            made_at=offer.made_at,
            expires_at=offer.expires_at,
        )
        self.status = ConversationStatus.OFFERED
        return True

    def offer_withdrawn(self, withdrawn: OfferWithdrawn) -> bool:
        if self.offer is None or self.offer.offer_id != withdrawn.offer_id:
            return False
        self.offer = None
        self.status = ConversationStatus.WAITING
        if withdrawn.reason is WithdrawalReason.NOT_ACCEPTED:
            self.offers_not_accepted += 1
        return True

    # ---- counsellors -----------------------------------------------------------------------

    def accept(self, actor: str, offer_id: str, now: datetime) -> None:
        """The counsellor takes the conversation (checked before: the offer is theirs)."""
        if self.transfer is not None and self.transfer.transfer_id == offer_id:
            self._hand_to(actor, now)
            self.transfer = None
            return
        self.offer = None
        self.status = ConversationStatus.ACTIVE
        self.answered_at = now
        self._hand_to(actor, now)

    def pass_on(self, actor: str, offer_id: str) -> None:
        """The counsellor passes: a queue offer goes to the next, a transfer stays
        with the counsellor who asked for it."""
        if self.transfer is not None and self.transfer.transfer_id == offer_id:
            self.transfer = None
            return
        self.offer = None
        self.status = ConversationStatus.WAITING
        self.last_declined = DeclinedOffer(offer_id=offer_id, counsellor_id=actor)
        self.offers_not_accepted += 1

    def transfer_to(
        self, request: TransferRequest, note: LedgerLine | None, now: datetime, timeout: timedelta
    ) -> PendingTransfer:
        self.transfers_made += 1
        self.transfer = PendingTransfer(
            transfer_id=f"transfer-{self.transfers_made}",
            to=request.to,
            to_role=request.to_role,
            by=request.actor,
            made_at=now,
            expires_at=now + timeout,
            note_seq=note.seq if note else None,
        )
        return self.transfer

    def end_chat(self, now: datetime) -> None:
        self.status = ConversationStatus.WRAPPING_UP
        self.wrapping_since = now
        self.transfer = None

    def wrap_up(self, outcome: ConversationOutcome, now: datetime) -> None:
        self.outcome = outcome
        self._finish(ConversationStatus.ENDED, now)

    def link(self, case_id: str, how: LinkKind, now: datetime) -> None:
        self.linked_case_id = case_id
        self.link_kind = how
        self.linked_at = now

    # ---- the young person ------------------------------------------------------------------

    def young_person_writes(self, ref: MessageRef, now: datetime) -> tuple[LedgerLine, bool]:
        return self.ledger.add(ref, AuthorKind.YOUNG_PERSON, None, now)

    def counsellor_writes(
        self, actor: str, ref: MessageRef, now: datetime, internal: bool = False
    ) -> tuple[LedgerLine, bool]:
        return self.ledger.add(ref, AuthorKind.COUNSELLOR, actor, now, internal=internal)

    def young_person_leaves(self, now: datetime) -> None:
        """Before anyone answered: abandoned. During the chat: the counsellor wraps up."""
        if self.status.queued:
            self._finish(ConversationStatus.ABANDONED, now)
        elif self.status is ConversationStatus.ACTIVE:
            self.young_person_left = True
            self.end_chat(now)
        elif self.status is ConversationStatus.WRAPPING_UP:
            self.young_person_left = True

    def request_callback(self, window: CallbackWindow, now: datetime) -> None:
        self.callback = CallbackAsked(window=window, at=now)
        self._finish(ConversationStatus.CALLBACK_REQUESTED, now)

    # ---- time ------------------------------------------------------------------------------

    def on_deadline(self, now: datetime, policy: ConversationPolicy) -> None:
        """What falls due: the callback offer after a long wait, a transfer nobody
        accepted, a wrap-up nobody wrote."""
        if (
            self.status.queued
            and self.callback_offered_at is None
            and self.waiting_since is not None
            and now >= self.waiting_since + policy.callback_offer_after
        ):
            self.callback_offered_at = now
        if self.transfer is not None and now >= self.transfer.expires_at:
            self.transfer = None
        if (
            self.status is ConversationStatus.WRAPPING_UP
            and self.wrapping_since is not None
            and now >= self.wrapping_since + policy.wrap_up_within
        ):
            self.wrap_up(ConversationOutcome.NOT_RECORDED, now)

    # ---- helpers ---------------------------------------------------------------------------

    def _hand_to(self, counsellor_id: str, now: datetime) -> None:
        if self.handled_by and self.handled_by[-1].until is None:
            self.handled_by[-1].until = now
        self.counsellor_id = counsellor_id
        self.handled_by.append(Handling(counsellor_id=counsellor_id, since=now))

    def _finish(self, status: ConversationStatus, now: datetime) -> None:
        self.status = status
        self.ended_at = now
        self.offer = None
        self.transfer = None
        if self.handled_by and self.handled_by[-1].until is None:
            self.handled_by[-1].until = now


class ConversationInput(ConversationOpening):
    """The workflow's input: the opening, and from the second run on the whole state
    carried over by continue-as-new."""

    carried: ConversationState | None = Field(
        default=None, description="State carried over from the previous run (continue-as-new)"
    )

"""A photo, PDF or video a young person sent on WhatsApp or Messenger, added to their
case's evidence by the counsellor, from the conversation screen.

A file arriving on a messaging channel cannot be asked about before it arrives, and
the helpline must never hold an intimate image of a minor. So the file stays at Meta:
the conversation keeps only how to fetch it (its media id or signed URL, sealed with
the line in :mod:`relais.crypto.transcripts`). When the counsellor answers "Is it an
intimate image?" (asking the young person in plain words first if they need to), the
file is fetched from the Graph API through the channel's adapter and streamed into
:func:`application.evidence.take_in`: the case's evidence, door ``whatsapp`` or
``messenger``, added by the counsellor, ``evidence.add`` audited; an intimate image:
its hashes only, computed in memory, no byte written anywhere.

- **Not linked to a case yet**: refused (``no_case_yet``), nothing fetched.
- **Once**: the evidence id is derived from the case, the conversation and the
  message, so a double click or a retry adds it once (already added: nothing is
  fetched again); the same id for another file is refused (``idempotency_key_reused``).
- **Fetching is an external call**, made here while the counsellor waits rather than
  in a durable activity: the answer (added, refused, gone) is for the person who
  clicked, the bytes must not pass through a workflow history, and retrying for hours
  would outlive Meta's media anyway. A failure Meta calls transient is tried again a
  few times within seconds, then :class:`Unavailable` (click again: it is done once).
- **Meta's media expire**: a WhatsApp media URL lasts minutes (a fresh one is asked
  for at each fetch, from the media id) and Meta keeps the media itself for a limited
  time; a Messenger attachment's signed URL lasts days. Past that, :class:`MediaGone`
  (410): ask the young person to send it again, or send them an upload link.
"""

import asyncio
from datetime import datetime, timedelta

from application.acting import Permit, service
from application.conversations.channel_inbound import channel_adapter
from application.conversations.commands import ConversationCommands
from application.conversations.counsellor import ANSWERING, not_with_you
from application.conversations.files import media_evidence_id, media_key, no_case_yet
from application.errors import Gone, NotFound, Problem, RequestRejected, Unavailable, key_reused
from application.evidence import EvidenceLine, evidence_line, take_in
from application.helpline import Helpline
from domain import contract
from domain.channel_messages import MediaReference
from domain.conversation import AuthorKind, MessageView, ViewRequest
from domain.conversation_desk import CounsellorView
from domain.evidence import EvidenceChannel, EvidenceRecord, EvidenceRefused, HashesOnly, Refusal
from partners.base import ConversationChannel
from partners.channel_errors import MediaGoneError, MediaTooLargeError, RateLimitedError
from partners.errors import PermanentAdapterError, TransientAdapterError
from relais.crypto.key_store import KeyDestroyed
from relais.db.repositories.evidence import EvidenceConflict
from relais.settings import Role

ATTEMPTS = 3
FIRST_WAIT = timedelta(milliseconds=500)
LONGEST_WAIT = timedelta(seconds=4)  # a Retry-After longer than this: click again later
NOT_A_MEDIA = "not_a_media"
MEDIA_GONE = "media_gone"
DOORS = {"whatsapp": EvidenceChannel.WHATSAPP, "messenger": EvidenceChannel.MESSENGER}
NAMES = {EvidenceChannel.WHATSAPP: "WhatsApp", EvidenceChannel.MESSENGER: "Messenger"}


class MediaGone(Gone):
    """The channel no longer has the file: only the young person can send it again."""


@service(*ANSWERING)
async def add_media_to_evidence(
    helpline: Helpline,
    permit: Permit,
    conversation_id: str,
    seq: int,
    *,
    intimate: bool,
    at: datetime,
) -> EvidenceLine:
    """The young person's media at line ``seq`` into the linked case's evidence (an
    intimate image: its hashes only). Only the counsellor the conversation is with, or
    a supervisor. Refused: not a media of theirs (``not_a_media``), no case yet
    (``no_case_yet``), the file gone at the channel (:class:`MediaGone`), not taken
    (:class:`~domain.evidence.EvidenceRefused`: nothing of it kept)."""
    view, line = await _line_at(helpline, permit, conversation_id, seq)
    try:
        reference = await helpline.transcripts.read_media(conversation_id, line.message_id)
    except KeyDestroyed:
        raise Gone(f"conversation {conversation_id} was purged with its case") from None
    door = DOORS.get(view.channel.value)
    if reference is None or door is None or line.author_kind is not AuthorKind.YOUNG_PERSON:
        raise _not_a_media()
    case_id = view.linked_case_id
    if case_id is None:
        raise no_case_yet()
    evidence_id = media_evidence_id(case_id, conversation_id, line.message_id)
    parts = helpline.evidence
    already = await parts.book.get(evidence_id)
    if already is not None:  # a double click, a retry: added once, nothing fetched again
        return await evidence_line(parts, already, (helpline, permit.actor))
    key = media_key(conversation_id, line.message_id)
    for attempt in range(ATTEMPTS):
        try:
            record = await _fetch_into_case(
                helpline, permit, view, reference, case_id, door, intimate, at, evidence_id, key
            )
            return await evidence_line(parts, record, (helpline, permit.actor))
        except TransientAdapterError as failed:
            if attempt + 1 == ATTEMPTS or not await _waited(failed, attempt):
                break
    name = NAMES[door]
    raise Unavailable(f"{name} did not give the file in time; try again in a moment")


async def _line_at(
    helpline: Helpline, permit: Permit, conversation_id: str, seq: int
) -> tuple[CounsellorView, MessageView]:
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await calls.query(
        conversation_id, contract.COUNSELLOR_VIEW, ViewRequest(since_seq=max(seq - 1, 0))
    )
    if permit.actor.role is not Role.SUPERVISOR and view.counsellor_id != permit.actor.subject:
        raise not_with_you()
    line = next((m for m in view.messages if m.seq == seq), None)
    if line is None:
        raise NotFound(f"conversation {conversation_id} has no line {seq}")
    return view, line


async def _fetch_into_case(
    helpline: Helpline,
    permit: Permit,
    view: CounsellorView,
    reference: MediaReference,
    case_id: str,
    door: EvidenceChannel,
    intimate: bool,
    at: datetime,
    evidence_id: str,
    key: str,
) -> EvidenceRecord | HashesOnly:
    adapter = _adapter(helpline, view.channel.value)
    policy = helpline.settings.evidence_policy
    name = NAMES[door]
    try:
        async with adapter.fetch_media(reference, max_bytes=policy.limit_for(True)) as media:
            return await take_in(
                helpline,
                helpline.audit(permit),
                case_id,
                media,
                intimate=intimate,
                channel=door,
                at=at,
                evidence_id=evidence_id,
                key=key,
            )
    except MediaGoneError:
        raise MediaGone(
            f"{name} no longer has this file (Meta keeps a young person's files for a "
            "limited time): ask them to send it again, or send them an upload link"
        ) from None
    except MediaTooLargeError:
        raise EvidenceRefused(Refusal.TOO_LARGE, "the file is over the limit") from None
    except EvidenceConflict:  # the message's evidence id stands for its key
        raise key_reused("file", loc=("path", "seq")) from None
    except TransientAdapterError:
        raise
    except PermanentAdapterError:
        raise Unavailable(
            f"{name} refused to give the file (the channel's settings?): "
            "tell the helpline's administrator"
        ) from None


async def _waited(failed: TransientAdapterError, attempt: int) -> bool:
    """Wait before trying again; False when Meta asks for longer than a click's wait."""
    wait = FIRST_WAIT * 2**attempt
    if isinstance(failed, RateLimitedError) and failed.retry_after is not None:
        wait = failed.retry_after
    if wait > LONGEST_WAIT:
        return False
    await asyncio.sleep(wait.total_seconds())
    return True


def _adapter(helpline: Helpline, slug: str) -> ConversationChannel:
    adapter = channel_adapter(helpline, slug)
    if adapter is None:
        raise Unavailable(f"the {slug} channel is not loaded here")
    return adapter


def _not_a_media() -> RequestRejected:
    return RequestRejected(
        [
            Problem(
                loc=("path", "seq"),
                msg="seq: not a file the young person sent on WhatsApp or Messenger",
                type=NOT_A_MEDIA,
                code=NOT_A_MEDIA,
            )
        ]
    )

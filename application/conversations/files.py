"""A young person sends a file from the web chat: it goes into the evidence of the case
their conversation is linked to (``relais.evidence``: hashed, its type sniffed, sealed
with the case's key; an intimate picture: its fingerprints only), through the door
``web_chat``, added by ``conversation:<id>`` and audited so. The transcript gets a line
saying a file was sent (its type and size, where it is), never the file.

Before the conversation is linked to a case there is nowhere to keep it under a case's
key, and the young person is told so in plain words (``no_case_yet``): the counsellor
opens the case (or attaches the conversation to one) and the file can go. Holding it
sealed with the conversation's key until then would keep files nobody may ever need;
the upload link (``application.upload_links``) covers a young person who must send
them later.

A file counts as a message for the chat's rate limit (429 with when to try again).

A file sent on WhatsApp or Messenger is added by the counsellor
(:mod:`application.conversations.channel_media`) under an evidence id of its message
(:func:`media_evidence_id`); the transcript links its line to the evidence the same way."""

import uuid
from collections.abc import AsyncIterable
from datetime import datetime

from pydantic import BaseModel

from application.conversations.acting import YoungPerson
from application.conversations.write_limits import take_a_message
from application.conversations.young_person import record_message
from application.errors import Problem, RequestRejected
from application.evidence import evidence_id_for, take_in
from application.helpline import Helpline
from domain.conversation_desk import CounsellorView
from domain.evidence import EvidenceChannel, EvidenceRecord, HashesOnly

NO_CASE_YET = "no_case_yet"
FILE_LINE = "[fichier "  # how the transcript's line for a file begins


def is_file_line(body: str | None) -> bool:
    """A transcript line saying the young person sent a file (the counsellor's screen
    links it to the case's evidence). Someone typing the same words gets the same link:
    to the evidence of a case the counsellor may already read, nothing more."""
    return body is not None and body.startswith(FILE_LINE)


class FileSent(BaseModel):
    kept: bool  # False: an intimate picture, its fingerprints only
    seq: int  # the transcript's line saying it was sent


def no_case_yet() -> RequestRejected:
    return RequestRejected(
        [
            Problem(
                loc=("body", "file"),
                msg="file: files can be sent once the counsellor has recorded the situation",
                type=NO_CASE_YET,
                code=NO_CASE_YET,
            )
        ]
    )


def transcript_line(record: EvidenceRecord | HashesOnly) -> str:
    """What the transcript says of the file (the counsellor's language is French first;
    the same convention as a messaging channel's media placeholder)."""
    hashes = record.hashes
    if isinstance(record, HashesOnly):
        return f"{FILE_LINE}{hashes.kind.media_type}, image intime : empreintes seulement]"
    return (
        f"{FILE_LINE}{hashes.kind.media_type}, {hashes.size} octets, dans les preuves du dossier]"
    )


async def young_person_sends_a_file(
    helpline: Helpline,
    who: YoungPerson,
    stream: AsyncIterable[bytes],
    *,
    intimate: bool,
    now: datetime,
) -> FileSent:
    """Their file into the linked case's evidence, then a line in the transcript.
    Refused: too fast (:class:`RateLimited`), not linked yet (``no_case_yet``), not taken
    (:class:`~domain.evidence.EvidenceRefused`: nothing of it kept)."""
    case_id = await helpline.conversation_directory.case_of(who.conversation_id)
    if case_id is None:
        raise no_case_yet()
    await take_a_message(helpline, who, now)
    record = await take_in(
        helpline,
        who.audit(helpline.audit_log),
        case_id,
        stream,
        intimate=intimate,
        channel=EvidenceChannel.WEB_CHAT,
        at=now,
    )
    line = await record_message(
        helpline, who, transcript_line(record), f"file-{uuid.uuid4().hex}", now
    )
    return FileSent(kept=not intimate, seq=line.seq)


def media_key(conversation_id: str, message_id: str) -> str:
    """One key per media message: whoever clicks, however often, the same evidence."""
    return f"channel-media:{conversation_id}:{message_id}"


def media_evidence_id(case_id: str, conversation_id: str, message_id: str) -> str:
    return evidence_id_for(
        case_id, f"conversation:{conversation_id}", media_key(conversation_id, message_id)
    )


async def added_media(
    helpline: Helpline, view: CounsellorView, message_ids: list[str]
) -> dict[str, str]:
    """Of these media messages, those already in the linked case's evidence: message
    id -> evidence id (the transcript links them to it)."""
    case_id = view.linked_case_id
    if case_id is None:
        return {}
    found = {}
    for message_id in message_ids:
        evidence_id = media_evidence_id(case_id, view.conversation_id, message_id)
        if await helpline.evidence.book.get(evidence_id) is not None:
            found[message_id] = evidence_id
    return found

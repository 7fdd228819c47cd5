"""Conversations: the directory, sealed messages, contacts, the short-lived page,
typing and write-limit rows, and the channels' contacts (keyed hashes, never an
identifier in clear)."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from relais.db.tables.base import ENUM, ID, SLUG, Base


class ConversationRow(Base):
    """A conversation's directory row, written by its workflow (``record_conversation``):
    what dashboards and metrics read (waiting now, waits, abandoned, missed, offers not
    accepted). ``case_id`` is also where the door learns which key seals a new message
    (the case's once linked). ``purged_at`` is stamped by the transcript purge only."""

    __tablename__ = "conversations"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    helpline: Mapped[str] = mapped_column(SLUG)
    channel: Mapped[str] = mapped_column(ENUM)
    writer: Mapped[str] = mapped_column(ENUM)
    age_band: Mapped[str] = mapped_column(ENUM)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(ENUM)
    counsellor_id: Mapped[str | None] = mapped_column(ID)
    case_id: Mapped[str | None] = mapped_column(ID)
    opened_at: Mapped[datetime]
    waiting_since: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    waited_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(ENUM)
    messages: Mapped[int] = mapped_column(Integer)
    offers_not_accepted: Mapped[int] = mapped_column(Integer)
    purge_after: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_conversations_helpline_status_opened_at", "helpline", "status", "opened_at"),
        Index("ix_conversations_status_ended_at", "status", "ended_at"),
        Index("ix_conversations_case_id", "case_id"),
        Index("ix_conversations_counsellor_id_status", "counsellor_id", "status"),
    )


class ConversationMessageRow(Base):
    """A message's body, sealed (AES-256-GCM) with the conversation's data key, or the
    case's once linked: the claim check the workflow holds the id of. ``seq`` and
    ``at`` are the workflow's, written when the transcript is filed; a row without them
    was stored but not (yet) accepted. ``fetched_at``: a counsellor's line, when the
    young person's web chat page fetched it (delivered: the page reads, nothing is
    pushed). The idempotency key itself is never stored: ``key_digest`` finds a retry,
    ``body_digest`` (keyed by it) tells a reuse."""

    __tablename__ = "conversation_messages"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    key_digest: Mapped[str] = mapped_column(String(64))
    body_digest: Mapped[str] = mapped_column(String(64))
    author_kind: Mapped[str] = mapped_column(ENUM)
    author: Mapped[str | None] = mapped_column(ID)
    internal: Mapped[bool] = mapped_column(Boolean)
    stored_at: Mapped[datetime]
    seq: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime | None]
    key_id: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    # A channel's media message: how to fetch the file from the channel (its media id or
    # signed URL), sealed with the same key as the body; the file itself is not kept.
    media: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "ix_conversation_messages_conversation_id_key_digest",
            "conversation_id",
            "key_digest",
            unique=True,
        ),
        Index("ix_conversation_messages_conversation_id_seq", "conversation_id", "seq"),
        Index("ix_conversation_messages_key_id", "key_id"),
    )


class ConversationContactRow(Base):
    """How and when the young person who asked for a callback may be called: sealed
    like the messages, read once by the case opened from the conversation."""

    __tablename__ = "conversation_contacts"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]

    __table_args__ = (Index("ix_conversation_contacts_key_id", "key_id"),)


class ConversationTypingRow(Base):
    """ "Is writing…", short-lived and shared by every API replica: never in a workflow
    history. A row past ``until`` means nothing and is swept by the next write."""

    __tablename__ = "conversation_typing"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    author_kind: Mapped[str] = mapped_column(ENUM, primary_key=True)
    until: Mapped[datetime]

    __table_args__ = (Index("ix_conversation_typing_until", "until"),)


class ConversationPageRow(Base):
    """A web chat page's last sign of life while its conversation lasts: when it was
    last in touch (``seen_at``) and, when its page was closed (a beacon), since when
    and why. Each API replica reads them to count a young person who left the queue
    as having left (``application.conversations.absence``). Ids and times only."""

    __tablename__ = "conversation_pages"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seen_at: Mapped[datetime]
    away_at: Mapped[datetime | None]
    away_reason: Mapped[str | None] = mapped_column(ENUM)

    __table_args__ = (
        Index("ix_conversation_pages_seen_at", "seen_at"),
        Index("ix_conversation_pages_away_at", "away_at"),
    )


class ConversationWriteLimitRow(Base):
    """A young person's write allowance (GCRA): the theoretical arrival time of their
    next message, in microseconds since the epoch, shared by every API replica."""

    __tablename__ = "conversation_write_limits"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    tat_us: Mapped[int] = mapped_column(BigInteger)


class ChannelContactRow(Base):
    """Who writes on a messaging channel, as a keyed hash of their identifier (a
    WhatsApp number, a Messenger user id; never in clear), and the conversation their
    messages go to now (their open one, or the last). Replaced when a new one starts.
    ``sealed_address``: where to answer them (their identifier and the number or page
    they wrote to), AES-256-GCM under the identifiers' data key ``address_key_id``, for
    the counsellor's replies only."""

    __tablename__ = "channel_contacts"

    channel: Mapped[str] = mapped_column(SLUG, primary_key=True)
    identifier_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    address_key_id: Mapped[str] = mapped_column(ID)
    sealed_address: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_channel_contacts_conversation_id", "conversation_id"),)


class ChannelConversationRow(Base):
    """Every conversation a messaging channel's sender started, under the keyed hash of
    their identifier (as ``channel_contacts``): how a young person who writes again is
    recognised, with the cases their earlier conversations joined (the conversations'
    directory). The retention purge deletes the rows of a purged case's conversations."""

    __tablename__ = "channel_conversations"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    channel: Mapped[str] = mapped_column(SLUG)
    identifier_digest: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]

    __table_args__ = (
        Index(
            "ix_channel_conversations_channel_identifier_digest",
            "channel",
            "identifier_digest",
            "started_at",
        ),
    )


class NewsQuestionRow(Base):
    """A question about news of the case sent with buttons in a conversation (its id is
    its transcript line's, a digest), and whether the young person answered it: only
    a question sent there and not yet answered takes a tap. Ids, a language and a yes
    or no: nothing personal."""

    __tablename__ = "news_questions"

    question_id: Mapped[str] = mapped_column(ID, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    case_id: Mapped[str] = mapped_column(ID)
    language: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    wanted: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (Index("ix_news_questions_conversation_id", "conversation_id"),)

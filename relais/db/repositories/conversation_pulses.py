"""What a live page waits on, read for many conversations in one go: how many
messages are stored for each (a message is stored before its workflow takes it, so a
new row is the first sign of a new line) and how many its web chat page fetched (a
delivery mark on the counsellor's screen), its directory row's version (its workflow
writes it on every change of status, counsellor, place in the queue's eyes), who is
writing now, and whether its web chat page is in touch."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from domain.conversation import AuthorKind
from relais.db.repositories._sql import SessionSource, sessions_of
from relais.db.tables import (
    ConversationMessageRow,
    ConversationPageRow,
    ConversationRow,
    ConversationTypingRow,
)


@dataclass(frozen=True)
class Pulse:
    """A conversation's signs of change; two pulses differ when something did."""

    stored: int = 0
    answers: int = 0  # of them, the counsellors' (and the helpline's automatic answers)
    fetched: int = 0  # web chat lines the young person's page fetched (delivered)
    version: int | None = None
    writing: frozenset[AuthorKind] = frozenset()
    page_away: bool = False


class ConversationPulses:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def read(self, conversation_ids: Sequence[str], now: datetime) -> dict[str, Pulse]:
        ids = list(dict.fromkeys(conversation_ids))
        if not ids:
            return {}
        message, row, typing, page = (
            ConversationMessageRow,
            ConversationRow,
            ConversationTypingRow,
            ConversationPageRow,
        )
        async with self._sessions() as session:
            counted = (
                await session.execute(
                    select(
                        message.conversation_id,
                        func.count(),
                        func.sum(
                            case((message.author_kind == AuthorKind.COUNSELLOR.value, 1), else_=0)
                        ),
                        func.count(message.fetched_at),
                    )
                    .where(message.conversation_id.in_(ids))
                    .group_by(message.conversation_id)
                )
            ).all()
            stored = {cid: n for cid, n, _, _ in counted}
            answers = {cid: n for cid, _, n, _ in counted}
            fetched = {cid: n for cid, _, _, n in counted}
            versions = dict(
                (
                    await session.execute(
                        select(row.conversation_id, row.version).where(row.conversation_id.in_(ids))
                    )
                ).all()
            )
            writing: dict[str, set[AuthorKind]] = {}
            for cid, kind in (
                await session.execute(
                    select(typing.conversation_id, typing.author_kind).where(
                        typing.conversation_id.in_(ids), typing.until >= now
                    )
                )
            ).all():
                writing.setdefault(cid, set()).add(AuthorKind(kind))
            away = set(
                (
                    await session.scalars(
                        select(page.conversation_id).where(
                            page.conversation_id.in_(ids),
                            page.away_at.is_not(None),
                            page.seen_at <= page.away_at,
                        )
                    )
                ).all()
            )
        return {
            cid: Pulse(
                stored=int(stored.get(cid, 0)),
                answers=int(answers.get(cid, 0) or 0),
                fetched=int(fetched.get(cid, 0)),
                version=versions.get(cid),
                writing=frozenset(writing.get(cid, ())),
                page_away=cid in away,
            )
            for cid in ids
        }

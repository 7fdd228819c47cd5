"""Two deliveries racing for one young person: the second is told the conversation exists
(the first's start) while the server can still answer "not found" to its message for a
moment. The message goes in once the start has landed, and a conversation still not
found after the pauses is a 503 (the platform retries), never a 404 (it would drop a
message that is theirs). The race itself is timing; here the server's two answers are
played by a stand-in for the one call that sends the message (mocked: the moment cannot
be produced on demand)."""

from datetime import UTC, datetime
from typing import Any

import pytest

from application.conversations import channel_inbound
from application.conversations.acting import YoungPerson
from application.errors import NotFound, Unavailable
from domain.intake import Channel

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
WHO = YoungPerson("c" * 24, Channel.WHATSAPP)
LINE = channel_inbound.InboundLine(key="k", body="un", media=None, now=NOW)


def written_after(not_found: int, calls: list[str]) -> Any:
    async def write(*_: Any, **__: Any) -> None:
        calls.append("write")
        if len(calls) <= not_found:
            raise NotFound("no conversation yet")

    return write


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channel_inbound, "STARTING", (0, 0, 0, 0, 0))


async def test_the_message_goes_in_once_the_other_start_has_landed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(channel_inbound, "_write", written_after(2, calls))
    await channel_inbound._write_once_started(None, WHO, LINE, None)  # type: ignore[arg-type]
    assert calls == ["write"] * 3


async def test_a_conversation_never_found_is_late_not_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(channel_inbound, "_write", written_after(99, calls))
    with pytest.raises(Unavailable):
        await channel_inbound._write_once_started(None, WHO, LINE, None)  # type: ignore[arg-type]
    assert len(calls) == len(channel_inbound.STARTING) + 1

"""The web chat's own rules, without a server: every French sentence written, the
session cookie (what it holds, forged, expired, Secure outside a local run), a form's
refusal beside its field, the CSP and frame-ancestors, the write allowance's
arithmetic on the app database."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import Response
from pydantic import ValidationError

from application.conversations.requests import CallbackCreate, MessageCreate, PreChatForm
from chat.catalogues import missing
from chat.forms import GENERAL, refusal_of, validated
from chat.session import ChatSessions, NoSession
from chat.web import csp, security_headers
from relais.db import Database
from relais.db.repositories.conversation_pages import WriteLimits
from relais.settings import ChatSettings, Settings

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def test_every_sentence_of_the_chat_is_written_in_french() -> None:
    assert missing("fr") == []


def test_the_session_holds_the_conversation_and_nothing_else() -> None:
    sessions = ChatSessions(Settings())
    response = Response()
    sessions.write(response, "Abc_123-xyz", NOW)
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "Path=/chat" in header and "SameSite=strict" in header
    token = header.split("relais_chat=", 1)[1].split(";", 1)[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"cid", "aud", "exp"}
    assert sessions.read(token, NOW).conversation_id == "Abc_123-xyz"
    later = NOW + sessions.lifetime + timedelta(seconds=1)
    assert sessions.read(token, later).refused is NoSession.EXPIRED
    assert sessions.read(token[:-2] + "xx", NOW).refused is NoSession.INVALID
    assert sessions.read(None, NOW).refused is NoSession.MISSING
    other = ChatSessions(
        Settings(chat=ChatSettings(session_secret="another-secret-of-at-least-32-chars!"))
    )
    assert other.read(token, NOW).refused is NoSession.INVALID
    strange = jwt.encode(
        {"cid": "../x", "aud": "relais-chat-session", "exp": NOW + timedelta(hours=1)},
        Settings().chat.session_secret.get_secret_value(),
        algorithm="HS256",
    )
    assert sessions.read(strange, NOW).refused is NoSession.INVALID


@pytest.mark.parametrize(
    ("url", "secure"),
    [("http://127.0.0.1:8000", False), ("http://localhost:8000", False), ("https://x.fr", True)],
)
def test_the_session_cookie_is_secure_outside_a_local_run(url: str, secure: bool) -> None:
    assert ChatSessions(Settings(public_api_url=url)).secure is secure


def test_the_chat_may_be_framed_only_by_the_origins_configured() -> None:
    assert "frame-ancestors 'none'" in csp(Settings())
    assert security_headers(Settings())["X-Frame-Options"] == "DENY"
    framed = Settings(chat=ChatSettings(frame_ancestors=["https://www.3018.fr"]))
    assert "frame-ancestors https://www.3018.fr;" in csp(framed)
    assert "X-Frame-Options" not in security_headers(framed)
    assert "Cache-Control" not in security_headers(framed, cache=True)


def test_a_refusal_goes_beside_its_field_in_words_for_the_young_person() -> None:
    body, refusal = validated(MessageCreate, {"body": "x" * 4097})
    assert body is None and refusal.by_field == {
        "body": "This message is too long: 4,096 characters at most. Split it in two."
    }
    _, blank = validated(MessageCreate, {"body": "  "})
    assert blank.by_field == {"body": "Write a message before sending it."}
    _, form = validated(PreChatForm, {"writer": "someone"})
    assert set(form.by_field) == {"writer", "age_band", "privacy_notice_accepted"}
    _, window = validated(
        CallbackCreate, {"phone": "0612345678", "earliest_hour": 18, "latest_hour": 9}
    )
    assert set(window.by_field) == {"latest_hour"}
    with pytest.raises(ValidationError) as error:
        PreChatForm.model_validate(
            {"writer": "parent", "age_band": "15_17", "privacy_notice_accepted": True, "x": 1}
        )
    unknown = refusal_of(error.value)  # a field the form does not have: said in general
    assert not unknown.by_field and unknown.general == [GENERAL["invalid"]]


async def test_the_write_allowance_lets_a_burst_through_then_one_per_interval(
    tmp_path: object,
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/limits.db")
    await database.create_schema()
    limits = WriteLimits(database)
    step = timedelta(seconds=2)
    try:
        for n in range(3):
            assert await limits.take("c1", NOW, step, burst=3) is None, n
        wait = await limits.take("c1", NOW, step, burst=3)
        assert wait == step  # the next slot
        assert await limits.take("c1", NOW + step, step, burst=3) is None
        assert await limits.take("c2", NOW, step, burst=3) is None  # another conversation
        assert await limits.take("c1", NOW + 10 * step, step, burst=3) is None  # refilled
    finally:
        await database.dispose()

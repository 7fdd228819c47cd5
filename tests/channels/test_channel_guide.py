"""The guide's Telegram sketch (docs/channels.md) is real code: it imports nothing of
Relais but ``partners.plugin``, registers like any plugin, verifies Telegram's secret
token header, parses updates, sends and fetches media against a fake Telegram API
served over real HTTP."""

import ast
import json
import re
import sys
import types
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from domain.channel_messages import (
    MediaContent,
    OutboundChannelMessage,
    TextContent,
    TextMessage,
    UnsupportedContent,
    UnsupportedKind,
)
from partners.base import ConversationChannel
from partners.channel_errors import RateLimitedError, WebhookSignatureInvalid
from partners.errors import PermanentAdapterError
from relais.serving import serve_app

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "channels.md"
TOKEN = "123456:bot-token"
SECRET = "telegram-secret-token"
PHOTO = b"\xff\xd8\xff" + b"photo" * 100
RELAIS_PACKAGES = {"domain", "relais", "partners", "workflows", "activities", "api", "worker"}


def sketch_source() -> str:
    section = GUIDE.read_text(encoding="utf-8").split("## Adding a channel as a plugin", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert found is not None, "the guide's plugin sketch is missing"
    return found.group(1)


@pytest.fixture
def sketch() -> Iterator[types.ModuleType]:
    module = types.ModuleType("relais_telegram_sketch")
    sys.modules[module.__name__] = module
    exec(compile(sketch_source(), str(GUIDE), "exec"), module.__dict__)
    yield module
    del sys.modules[module.__name__]


def test_the_sketch_imports_only_the_public_module() -> None:
    modules = {
        node.module
        for node in ast.walk(ast.parse(sketch_source()))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {m for m in modules if m.split(".")[0] in RELAIS_PACKAGES} == {"partners.plugin"}


class FakeTelegram:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.limited = False

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post(f"/bot{TOKEN}/sendMessage")
        async def send(request: Request) -> JSONResponse:
            if self.limited:
                error = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
                return JSONResponse(error | {"parameters": {"retry_after": 7}}, status_code=429)
            if (body := await request.json())["chat_id"] == "blocked":
                error = {"ok": False, "error_code": 403, "description": "bot was blocked"}
                return JSONResponse(error, status_code=403)
            self.sent.append(body)
            return JSONResponse({"ok": True, "result": {"message_id": 100 + len(self.sent)}})

        @app.post(f"/bot{TOKEN}/getFile")
        async def get_file(request: Request) -> JSONResponse:
            file_id = (await request.json())["file_id"]
            result = {"file_id": file_id, "file_size": len(PHOTO), "file_path": "photos/f1.jpg"}
            return JSONResponse({"ok": True, "result": result})

        @app.get(f"/file/bot{TOKEN}/photos/f1.jpg")
        async def download() -> Response:
            return Response(PHOTO, media_type="image/jpeg")

        return app


@pytest.fixture
async def telegram(
    sketch: types.ModuleType,
) -> AsyncIterator[tuple[ConversationChannel, FakeTelegram]]:
    fake = FakeTelegram()
    async with serve_app(fake.app()) as url:
        [spec] = sketch.adapters()
        spec = replace(spec, config={**spec.config, "api_url": url})
        environ = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET}
        channel = spec.configure(environ).conversation_channel()
        assert channel is not None
        yield channel, fake


def update(message: dict[str, Any]) -> bytes:
    base = {"message_id": 5, "date": 1767225600, "chat": {"id": 4242, "type": "private"}}
    return json.dumps(
        {"update_id": 1, "message": base | {"from": {"first_name": "Lou"}} | message}
    ).encode()


async def test_the_sketch_receives_sends_and_fetches(
    telegram: tuple[ConversationChannel, FakeTelegram],
) -> None:
    channel, fake = telegram
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    text = channel.receive(update({"text": "bonjour"}), headers).messages[0]
    photo = channel.receive(update({"photo": [{"file_id": "S"}, {"file_id": "L"}]}), headers)
    sticker = channel.receive(update({"sticker": {"file_id": "X"}}), headers).messages[0]
    with pytest.raises(WebhookSignatureInvalid):
        channel.receive(update({"text": "forged"}), {"X-Telegram-Bot-Api-Secret-Token": "guess"})

    assert (text.message_id, text.sender, text.sender_name) == ("4242:5", "4242", "Lou")
    assert text.content == TextContent(text="bonjour")
    assert sticker.content == UnsupportedContent(what=UnsupportedKind.STICKER)
    media = photo.messages[0].content
    assert isinstance(media, MediaContent) and media.media.media_id == "L"

    receipt = await channel.send(
        OutboundChannelMessage(
            idempotency_key="k", recipient="4242", content=TextMessage(text="Je suis là.")
        )
    )
    assert receipt.channel_message_id == "4242:101"
    assert fake.sent == [{"chat_id": "4242", "text": "Je suis là."}]
    async with channel.fetch_media(media.media, max_bytes=10_000) as stream:
        assert await stream.read() == PHOTO


async def test_the_sketch_classifies_telegrams_errors(
    telegram: tuple[ConversationChannel, FakeTelegram],
) -> None:
    channel, fake = telegram
    blocked = OutboundChannelMessage(
        idempotency_key="k", recipient="blocked", content=TextMessage(text="x")
    )

    with pytest.raises(PermanentAdapterError, match="403") as refused:
        await channel.send(blocked)
    fake.limited = True
    with pytest.raises(RateLimitedError) as limited:
        await channel.send(blocked)

    assert TOKEN not in str(refused.value) and TOKEN not in str(limited.value)
    assert limited.value.retry_after == timedelta(seconds=7)

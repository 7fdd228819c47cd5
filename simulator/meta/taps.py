"""A simulated young person taps a button under a message Relais sent them: a WhatsApp
reply button (an ``interactive`` message with ``button_reply {id, title}`` and a
``context`` naming the message) or a Messenger quick reply (a text message, the title,
with ``quick_reply {payload}``), posted signed as Meta does.

``POST /_control/meta/{channel}/users/{user}/tap`` ``{"choice": <title or id or index>,
"message_id": <optional: the message the buttons were under; default the last one with
buttons>}``: 202 with the tap's own message id (``/replay`` sends it again, byte for
byte). A button the message did not have, or no message with buttons: 422.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from simulator.meta.config import Channel
from simulator.meta.host import StateDep
from simulator.meta.media import public_base
from simulator.meta.young_people import InboundRequest, write

router = APIRouter(prefix="/_control/meta", tags=["control: meta"])


class TapRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: str | int = Field(description="The button: its title, its id, or its index from 0")
    message_id: str | None = Field(
        default=None, description="The message it is under (default: the last with buttons)"
    )


def _refused(field: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": [{"field": field, "message": message}]}, status_code=422)


@router.post("/{channel}/users/{user}/tap", status_code=202)
async def tap(
    channel: Channel, user: str, body: TapRequest, request: Request, state: StateDep
) -> JSONResponse:
    sent = [
        m
        for m in state.meta.sent
        if m.channel is channel and m.user == user and m.choices and not m.duplicate
    ]
    if body.message_id is not None:
        sent = [m for m in sent if m.message_id == body.message_id]
    if not sent:
        return _refused("message_id", "no message with buttons was sent to this user")
    under = sent[-1]
    choices = under.choices or []
    if isinstance(body.choice, int):
        chosen = choices[body.choice] if 0 <= body.choice < len(choices) else None
    else:
        chosen = next((c for c in choices if body.choice in (c["title"], c["id"])), None)
    if chosen is None:
        return _refused("choice", "the message has no such button")
    message = InboundRequest.model_validate(
        {
            "from": user,
            "to": under.business,
            "type": "interactive" if channel is Channel.WHATSAPP else "quick_reply",
            "text": chosen["title"],
            "choice_id": chosen["id"],
            "context_id": under.message_id if channel is Channel.WHATSAPP else None,
        }
    )
    return write(state, channel, message, public_base(state, request))

"""The web chat's returning token: a young person who chooses to be recognised next
time keeps a random token in an HttpOnly cookie of the chat (never in a URL, the page's
script or its storage); the app database keeps only its keyed hash
(:mod:`relais.crypto.identifiers`, channel ``web_chat``), beside each conversation they
start with it, as a WhatsApp number's is. A counsellor then sees their earlier cases
(``recognition``). Without the choice, nothing of them is kept and the cookie goes."""

import re
import secrets
from datetime import datetime

from application.helpline import Helpline
from domain.intake import Channel
from relais.converter import key_store_of
from relais.crypto.identifiers import IdentifierHasher
from relais.db.repositories.returning_contacts import ReturningContacts, Sender

TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # 32 random bytes, URL-safe base64


def new_returning_token() -> str:
    return secrets.token_urlsafe(32)


def kept_token(cookie: str | None) -> str:
    """The token the browser kept, or a new one (a malformed cookie is replaced)."""
    if cookie is not None and re.fullmatch(TOKEN_PATTERN, cookie):
        return cookie
    return new_returning_token()


async def remember_returning(
    helpline: Helpline, conversation_id: str, token: str, now: datetime
) -> None:
    """The conversation just started is one more of the young person's with this token."""
    hasher = IdentifierHasher(key_store_of(helpline.client.data_converter))
    channel = Channel.WEB_CHAT.value
    sender = Sender(channel, await hasher.digest(channel, token))
    await ReturningContacts(helpline.database).remember(sender, conversation_id, now)

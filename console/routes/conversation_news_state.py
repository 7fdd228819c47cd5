"""What the conversation screen says of the question about news of the case, beside
its send button: not asked yet, sent and waiting, answered (and when), and what the
case records about news. A thin door onto ``application.conversations.news_state``."""

from application.conversations import news_state
from application.conversations.counsellor import ConversationRead
from application.conversations.news_state import NewsHere
from application.errors import DomainError
from console.web import Page
from console.web_rules import permit


async def news_of(p: Page, read: ConversationRead | None) -> NewsHere | None:
    """None: nothing to say (no conversation open, no case linked, the web chat, or
    the state could not be read now: the send button is offered as before)."""
    if read is None:
        return None
    service = news_state.news_here
    try:
        return await service(p.helpline, await permit(p, service), read.conversation)
    except DomainError:
        return None

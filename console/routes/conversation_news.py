"""The conversation screen's question about news of the case: once the conversation
is linked to a case, on WhatsApp or Messenger, the counsellor asks the young person
"do you want us to tell you here when the content is removed?" and records the
answer: the news then go to this conversation's channel (``application.case_news``:
the rules, the case's update and the audit line are the service's). Or the counsellor
sends them the question with two buttons and they answer it themselves
(``application.conversations.news_question``): their tap shows in the transcript."""

from fastapi import APIRouter
from fastapi.responses import Response

from application import case_news
from application.case_news import NewsConsent
from application.conversations import news_question
from console.forms import FieldErrors, first, refused
from console.refusal_words import FIELD_ERRORS
from console.routes.conversations import ConversationId, answer_form, screen
from console.web import Posted, SignedIn, idempotency_key
from console.web_rules import permit
from relais.clock import utc_now

router = APIRouter(prefix="/console/conversations")
CASE_ID = r"^[A-Za-z0-9_-]{1,64}$"


@router.post("/{cid}/news")
async def news_here(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    case_id, wanted = first(form, "case_id").strip(), first(form, "wanted")
    if not case_id or wanted not in ("true", "false"):
        errors = FieldErrors()
        errors.by_field["wanted"] = [FIELD_ERRORS["missing"]]
        return await screen(p, cid, refused("news", form, errors), 422)
    body = NewsConsent(wanted=wanted == "true", conversation_id=cid)

    async def run() -> None:
        allowed = await permit(p, case_news.record_news_consent, case_id)
        await case_news.record_news_consent(p.helpline, allowed, body, idempotency_key(form))

    fields = ["wanted", "conversation_id"]
    return await answer_form(p, cid, "news", form, fields, run, "news")


@router.post("/{cid}/news/ask")
async def ask_here(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    """Send the question with its buttons (once per rendered form)."""
    key = idempotency_key(form) or f"console-{utc_now().timestamp()}"

    async def run() -> None:
        allowed = await permit(p, news_question.ask_news_question)
        await news_question.ask_news_question(p.helpline, allowed, cid, key, utc_now())

    return await answer_form(p, cid, "news-ask", form, [], run, "news_asked")

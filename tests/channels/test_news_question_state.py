"""What the conversation screen says of the question about news of the case, through
the whole stack (Temporal dev server with time skipping, worker, API and console over
loopback HTTP, SQLite, the simulator playing Meta and tapping as Meta posts it), on
WhatsApp and Messenger: not sent yet (the send button offered), sent and waiting for
their answer at its time (the button no longer offered), answered Yes at the time of
their tap; and what the case records about news (none, asked for here, their STOP),
in French and in English, in the helpline's time zone."""

import html
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from console.i18n import Formats
from relais.db.repositories.audit import AuditLog
from relais.db.repositories.news_questions import AskedQuestion, NewsQuestions
from tests.channels.support import (
    case_from,
    case_view,
    finish,
    meta_stack,
    received,
    take_offer,
    tap,
    write,
)
from tests.support.client import auth
from tests.support.console import ConsoleUser, console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

CHANNELS = [("whatsapp", "33611128101", "WhatsApp"), ("messenger", "7100000000028101", "Messenger")]
SEND = "Envoyer la question avec boutons"


@pytest.fixture(scope="module")
async def stack(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("news-question-state")
    async with meta_stack(time_skipping_env.client, folder) as running:
        yield running


def hour(stack: Stack, language: str, at: datetime | str) -> str:
    """A time as the console shows it (the helpline's time zone)."""
    zone = stack.settings.case_policy().opening_hours.timezone
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    return Formats(language, zone).hour(when)


async def screen_text(lea: ConsoleUser, cid: str) -> str:
    page = await lea.page(f"/conversations?c={cid}")
    assert page.status_code == 200, page.text[:2000]
    return html.unescape(page.text)


async def question_of(stack: Stack, cid: str) -> AskedQuestion:
    [question] = await NewsQuestions(stack.database).asked_in(cid)
    return question


@pytest.mark.parametrize(("channel", "sender", "named"), CHANNELS)
async def test_the_screen_says_not_asked_then_waiting_then_their_yes_and_the_case_s_record(
    stack: Stack, channel: str, sender: str, named: str
) -> None:
    me = auth("counsellor")
    await write(stack, channel, sender, "on a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")

    text = await screen_text(lea, cid)
    assert '<p role="status" id="news-question-state"' in text
    assert "Question avec boutons pas encore envoyée." in text and SEND in text
    live = f'data-live="/console/conversations/{cid}/news/state"'
    assert live not in text  # nothing to wait for
    assert "Le dossier : aucune demande de nouvelles." in text

    sent = await lea.send(
        f"/conversations?c={cid}", f"/conversations/{cid}/news/ask", {}, form_id="news-ask"
    )
    assert sent.status_code == 303, sent.text[:2000]
    await received(stack, channel, sender, 1)
    asked = await question_of(stack, cid)
    text = await screen_text(lea, cid)
    at = hour(stack, "fr", asked.asked_at)
    assert f"Question envoyée à {at}, en attente de sa réponse." in text
    assert SEND not in text  # not offered again while it waits (its buttons still answer)
    assert "Le dossier : aucune demande de nouvelles." in text
    assert live in text  # redrawn while it waits: the line alone, not yet settled
    line = await lea.page(f"/conversations/{cid}/news/state")
    assert line.status_code == 200 and "en attente de sa réponse" in html.unescape(line.text)
    assert "data-live-done" not in line.text
    other = console_user(str(stack.api.base_url))  # a colleague the conversation is not with
    await other.sign_in("local-colleague-token")
    assert (await other.page(f"/conversations/{cid}/news/state")).status_code == 404

    await tap(stack, channel, sender, "Oui, prévenez-moi")
    answered = await eventually(
        lambda: question_of(stack, cid), lambda q: q.answered_at is not None, what="their tap"
    )
    view = await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: v["consents"]["case_news"] is True,
        what="their yes recorded",
    )
    [consented] = [e for e in view["timeline"] if e["code"] == "news.consented"]
    text = await screen_text(lea, cid)
    assert f"Réponse : Oui ({hour(stack, 'fr', answered.answered_at)})." in text
    said = hour(stack, "fr", consented["at"])
    assert f"Le dossier : nouvelles demandées, sur {named} ({said})." in text
    assert SEND not in text and "en attente de sa réponse" not in text
    line = await lea.page(f"/conversations/{cid}/news/state")
    assert "Réponse : Oui" in html.unescape(line.text) and "data-live-done" in line.text

    lea.http.cookies.set("relais_console_lang", "en", path="/console")
    text = await screen_text(lea, cid)
    assert f"Answer: Yes ({hour(stack, 'en', answered.answered_at)})." in text
    said = hour(stack, "en", consented["at"])
    assert f"The case records: news asked for, on {named} ({said})." in text
    lea.http.cookies.set("relais_console_lang", "fr", path="/console")

    # Their STOP: the case records it; the question's answer stays what it was.
    await write(stack, channel, sender, "STOP")
    view = await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: any(e["code"] == "news.stopped" for e in v["timeline"]),
        what="their STOP recorded",
    )
    [stopped] = [e for e in view["timeline"] if e["code"] == "news.stopped"]
    text = await screen_text(lea, cid)
    said = hour(stack, "fr", stopped["at"])
    assert f"Le dossier : STOP répondu sur {named} ({said}), plus de nouvelles." in text
    assert f"Réponse : Oui ({hour(stack, 'fr', answered.answered_at)})." in text

    # The case's part is a read of the case, audited once per window; the question's is not.
    reads = await AuditLog(stack.database).list(actor="local-counsellor", action="case.read")
    assert [e.detail for e in reads if e.case_id == case_id].count("news") == 1
    await finish(stack, cid, me)


async def test_a_conversation_with_no_case_says_nothing_of_it(stack: Stack) -> None:
    me, channel, sender = auth("counsellor"), "whatsapp", "33611128109"
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    text = await screen_text(lea, cid)
    assert "news-question-state" not in text and "Le dossier :" not in text
    await finish(stack, cid, me)

"""A long conversation (500 messages) keeps each run's history under the budget the
case workflow uses: it continues as new, carrying its transcript's ids and order
(never a body: those are in the store), and loses nothing on the way."""

from domain.conversation import AuthorKind
from tests.support.waiting import eventually
from tests.workflows.conversation.support import Helpline

MESSAGES = 500
MOST_EVENTS_PER_RUN = 1000  # what a run must stay under; the budget (500) is checked often


async def test_500_messages_continue_as_new_and_keep_every_message_in_order(
    helpline: Helpline,
) -> None:
    await helpline.presence("a")
    chat = await helpline.open()
    await helpline.accept("a", await helpline.offer_to("a", chat))
    sent = []
    for n in range(MESSAGES // 2):
        sent.append((await helpline.writes(chat, body=f"message {n}")).message_id)
        sent.append((await helpline.replies(chat, "a", body=f"réponse {n}")).message_id)

    view = await helpline.counsellor_view(chat)
    assert [m.message_id for m in view.messages] == sent
    assert [m.seq for m in view.messages] == list(range(1, MESSAGES + 1))
    assert [m.author_kind for m in view.messages[:2]] == [
        AuthorKind.YOUNG_PERSON,
        AuthorKind.COUNSELLOR,
    ]
    assert view.runs > 1, "500 messages should not fit one run"
    since = await helpline.young_person_view(chat, since_seq=MESSAGES - 3)
    assert [m.seq for m in since.messages] == [MESSAGES - 2, MESSAGES - 1, MESSAGES]

    runs = await eventually(
        lambda: _runs(helpline, chat.id), lambda r: len(r) >= view.runs, what="every run listed"
    )
    lengths = [
        len((await helpline.client.get_workflow_handle(chat.id, run_id=r).fetch_history()).events)
        for r in runs
    ]
    # measured: [89, 505, 508, 505, 508, 508] with the budget of 500
    assert max(lengths) <= helpline.policy.history_event_budget + 20, lengths
    assert max(lengths) < MOST_EVENTS_PER_RUN


async def _runs(helpline: Helpline, workflow_id: str) -> list[str]:
    return [
        execution.run_id
        async for execution in helpline.client.list_workflows(f"WorkflowId = '{workflow_id}'")
    ]

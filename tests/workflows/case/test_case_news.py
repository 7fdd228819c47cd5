"""News of the case for the young person, at the workflow's own level (a bare worker,
fake activities, time skipping, the production policy): each news decided once (a
removal verified, a callback planned, the case closed), under its key, never without
their consent, none after STOP; the timeline says each one sent, or why not, never its
text; a news Meta refuses is said, not retried."""

from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.case import CaseView, CloseRequest
from domain.case_news import CaseNewsSent, NewsConsentRequest, StopCaseNews
from domain.items import AddItemsRequest, AddItemsResult
from domain.notice import Decision, NoticeDecision, NoticeStatus
from tests.support import builders
from tests.workflows.fakes import FakeActivities
from tests.workflows.support import open_case, seen, until

CONSENTS = {
    "report_to_platforms": True,
    "referral_partners": [],
    "callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24},
}


async def removed(env: WorkflowEnvironment, case: WorkflowHandle[Any, Any]) -> str:
    """A notice sent, removed by the platform, the removal verified by our own check."""
    added = await case.execute_update(
        contract.ADD_ITEMS.name,
        AddItemsRequest(items=[builders.item()], actor="counsellor-1"),
        result_type=AddItemsResult,
    )
    notice_id: str = added.notice_ids[0]
    notice = env.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    await until(case, "notice acknowledged", lambda v: v.notices[0].platform_reference)
    await notice.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    await notice.result()  # settled: its last word is with the case
    await until(
        case, "removal verified", lambda v: v.notices[0].status is NoticeStatus.VERIFIED_REMOVED
    )
    return notice_id


def news_lines(view: CaseView) -> list[tuple[str | None, dict[str, str]]]:
    return [(e.code, e.params) for e in view.timeline if e.kind == "news"]


async def close(case: WorkflowHandle[Any, Any]) -> CaseView:
    closed: CaseView = await case.execute_update(
        contract.CLOSE.name,
        CloseRequest(actor="counsellor-1", reason="safe now"),
        result_type=CaseView,
    )
    return closed


async def test_each_news_goes_once_and_the_timeline_says_it_without_its_words(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    case = await open_case(env, task_queue, consents={**CONSENTS, "case_news": True})
    case_id = case.id.removeprefix(contract.SUPPORT_CASE.id_prefix)
    notice_id = await removed(env, case)
    await seen(lambda: [n.key for n in fakes.news], lambda k: len(k) >= 2, "two news")
    await close(case)
    sent = await seen(lambda: [n.key for n in fakes.news], lambda k: len(k) >= 3, "three news")
    planned = [k for k in sent if k.startswith(f"{case_id}:callback_planned:")]
    assert len(planned) == 1  # the news come in no set order: each is sent on its own
    assert sorted(sent) == sorted(
        [f"{case_id}:removed:{notice_id}", f"{case_id}:closed:0", *planned]
    )
    view = await until(case, "three news told", lambda v: len(news_lines(v)) == 3)
    assert {code for code, _ in news_lines(view)} == {"news.sent"}
    assert sorted(p["event"] for _, p in news_lines(view)) == [
        "callback_planned",
        "closed",
        "removed",
    ]
    assert all("retiré" not in e.detail and "removed." not in e.detail for e in view.timeline)


async def test_no_news_without_consent_and_none_after_stop(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    quiet = await open_case(env, task_queue, consents=CONSENTS)
    await removed(env, quiet)
    await close(quiet)
    asked = await open_case(
        env, task_queue, consents={**CONSENTS, "callback": {"consented": False}, "case_news": True}
    )
    await quiet.signal(contract.STOP_CASE_NEWS.name, StopCaseNews(channel="whatsapp"))
    await asked.signal(contract.STOP_CASE_NEWS.name, StopCaseNews(channel="whatsapp"))
    await asked.signal(contract.STOP_CASE_NEWS.name, StopCaseNews(channel="whatsapp"))
    stopped = await until(asked, "STOP noted and confirmed", lambda v: len(news_lines(v)) == 2)
    assert news_lines(stopped) == [
        ("news.stopped", {"channel": "whatsapp"}),
        ("news.sent", {"event": "stopped", "channel": "whatsapp"}),
    ]
    await removed(env, asked)
    await close(asked)
    # only the STOP's confirmation, once; nothing for the case that never asked
    case_id = asked.id.removeprefix(contract.SUPPORT_CASE.id_prefix)
    assert [n.key for n in fakes.news] == [f"{case_id}:stopped"]
    assert news_lines(await until(quiet, "closed", lambda v: v.closed_at)) == []


async def test_a_news_the_channel_refuses_is_said_and_not_sent_again(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    fakes.news_answer = CaseNewsSent(sent=False, channel="messenger", why_not="outside_window")
    case = await open_case(
        time_skipping_env,
        task_queue,
        consents={**CONSENTS, "callback": {"consented": False}, "case_news": True},
    )
    await close(case)
    view = await until(case, "news refused said", lambda v: news_lines(v))
    assert news_lines(view) == [("news.not_sent", {"event": "closed", "why": "outside_window"})]
    assert len(fakes.news) == 1


async def answer(
    case: WorkflowHandle[Any, Any], wanted: bool, conversation_id: str | None = None
) -> CaseView:
    told: CaseView = await case.execute_update(
        contract.RECORD_NEWS_CONSENT.name,
        NewsConsentRequest(
            wanted=wanted,
            conversation_id=conversation_id,
            channel="messenger" if conversation_id else None,
            actor="counsellor-1",
        ),
        result_type=CaseView,
    )
    return told


async def refused(case: WorkflowHandle[Any, Any], wanted: bool) -> list[Any]:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await answer(case, wanted)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    return [(p["code"], p["loc"]) for p in cause.details[0]]


async def test_a_yes_in_the_conversation_sends_the_news_there_and_a_no_stops_them(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """Consent given after the opening, in a conversation: the news carry it (the
    activity sends to its channel); withdrawn, nothing new is decided; the timeline
    says both, with their channel, never a word of the question."""
    env = time_skipping_env
    case = await open_case(env, task_queue, consents={**CONSENTS, "callback": {"consented": False}})
    case_id = case.id.removeprefix(contract.SUPPORT_CASE.id_prefix)
    assert await refused(case, wanted=False) == [("no_consent_given", ["wanted"])]
    told = (await answer(case, True, "conv-1")).consents
    assert told is not None and told.case_news is True
    notice_id = await removed(env, case)
    [news] = await seen(lambda: list(fakes.news), lambda n: len(n) == 1, "the removal's news")
    assert (news.key, news.conversation_id) == (f"{case_id}:removed:{notice_id}", "conv-1")
    withdrawn = (await answer(case, False)).consents
    assert withdrawn is not None and withdrawn.case_news is False
    assert await refused(case, wanted=False) == [("no_consent_given", ["wanted"])]
    await close(case)
    view = await until(case, "three news lines", lambda v: len(news_lines(v)) == 3)
    assert [n.key for n in fakes.news] == [news.key]  # nothing for the closing
    assert sorted(news_lines(view), key=str) == sorted(
        [
            ("news.consented", {"channel": "messenger"}),
            ("news.sent", {"event": "removed", "channel": "whatsapp"}),
            ("news.withdrawn", {}),
        ],
        key=str,
    )


async def test_a_yes_after_stop_starts_the_news_again_the_same_yes_twice_is_refused(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    case = await open_case(
        env, task_queue, consents={**CONSENTS, "callback": {"consented": False}, "case_news": True}
    )
    case_id = case.id.removeprefix(contract.SUPPORT_CASE.id_prefix)
    assert await refused(case, wanted=True) == [("already_consented", ["wanted"])]
    await case.signal(contract.STOP_CASE_NEWS.name, StopCaseNews(channel="whatsapp"))
    await seen(lambda: [n.key for n in fakes.news], lambda k: len(k) == 1, "STOP confirmed")
    await answer(case, True)  # asked in person again: the STOP is over
    await close(case)
    sent = await seen(lambda: [n.key for n in fakes.news], lambda k: len(k) == 2, "closing news")
    assert sent == [f"{case_id}:stopped", f"{case_id}:closed:0"]

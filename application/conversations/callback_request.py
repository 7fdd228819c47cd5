"""A young person who has waited long (``RELAIS_CONVERSATIONS__CALLBACK_OFFER_AFTER``,
10 minutes) may leave a safe way and time to be called back instead: a case opens
with the callback owed, and the conversation becomes one of its contacts.

In this order, each step idempotent so that sending the same request again (a lost
answer, a page reloaded) finishes what the first began and never opens two cases:

1. how to call them is stored sealed beside the transcript (the transcript vault,
   under the conversation's key, later the case's);
2. the conversation ends as ``callback_requested`` (``request_callback``, with the
   safe window): it leaves the queue, counted as a callback, not as abandoned;
3. the case opens through the case-opening code every door uses (``start_case``),
   its id derived from the conversation (the same conversation, the same case), with
   the pre-chat answers (web chat, who writes, age band), the contact they gave, the
   callback consented within their safe window and owed at the first slot of it
   (no 48 hours' wait: they asked to be called back instead of waiting);
4. the conversation is linked to the case (``link_case``, opened from it): its
   transcript moves under the case's key and goes with it.

Nobody owns the case: its callback falls due as a task every counsellor sees, and
the counsellor who takes it may read it (as for a partner's referral).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.case_opening import OpeningLine, derive_case_id, start_case
from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationCommands, ConversationOver, over
from application.conversations.requests import CallbackCreate
from application.errors import Conflict, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import CallbackRequest, ConversationStatus, ViewRequest
from domain.conversation_desk import CounsellorView, LinkCaseRequest, LinkKind
from domain.intake import Category, Consents, Intake
from relais.db.repositories.conversation_pages import ConversationPages

NO_MESSAGES = ViewRequest(since_seq=2**31)
CASE_KEY = "callback"  # one callback case per conversation


class CallbackNotOffered(Conflict):
    """Not (yet) offered: a callback is for those who waited long, while waiting."""


@dataclass(frozen=True)
class CallbackArranged:
    case_id: str  # for the helpline; the young person's page never shows it
    status: ConversationStatus


def callback_case_id(who: YoungPerson) -> str:
    return derive_case_id(who.subject, CASE_KEY)


async def ask_for_callback(
    helpline: Helpline, who: YoungPerson, body: CallbackCreate, now: datetime
) -> CallbackArranged:
    cid = who.conversation_id
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    seen = await calls.query(cid, contract.COUNSELLOR_VIEW, NO_MESSAGES)
    if seen.status is not ConversationStatus.CALLBACK_REQUESTED:
        await _may_ask(calls, cid, seen)
        await helpline.transcripts.store_callback_contact(cid, body.contact(), now)
        await _conversation_ends_for_a_callback(calls, cid, body)
    case_id = callback_case_id(who)
    trail = who.audit(helpline.audit_log)
    await start_case(
        helpline.client,
        helpline.settings,
        helpline.catalog,
        opened_as=OpeningLine(
            trail, AuditAction.CASE_OPEN, lambda u: f"urgency={u.value} from=conversation callback"
        ),
        intake=_intake(seen, body),
        contact=body.contact(),
        idempotency_key=CASE_KEY,
        now=now,
        case_id=case_id,
        policy=helpline.settings.case_policy().model_copy(update={"callback_delay": timedelta(0)}),
    )
    await calls.update(
        cid,
        contract.LINK_CASE,
        LinkCaseRequest(actor=who.subject, case_id=case_id, how=LinkKind.OPENED_FROM),
        update_id=f"{contract.LINK_CASE.name}:{cid}:{case_id}",
    )
    await ConversationPages(helpline.database).forget([cid])
    await trail.record(AuditAction.CONVERSATION_CALLBACK_REQUEST, case_id, None, key=CASE_KEY)
    return CallbackArranged(case_id=case_id, status=ConversationStatus.CALLBACK_REQUESTED)


async def _may_ask(calls: ConversationCommands, cid: str, seen: CounsellorView) -> None:
    if not seen.status.queued:
        raise ConversationOver(
            f"conversation {cid} is no longer waiting ({seen.status.value}): "
            "a callback is asked for while waiting"
        )
    view = await calls.query(cid, contract.YOUNG_PERSON_VIEW, NO_MESSAGES)
    if not view.callback_offered:
        raise CallbackNotOffered(
            "a callback is offered after a long wait; until then the conversation waits"
        )


async def _conversation_ends_for_a_callback(
    calls: ConversationCommands, cid: str, body: CallbackCreate
) -> None:
    try:
        await calls.update(
            cid,
            contract.REQUEST_CALLBACK,
            CallbackRequest(window=body.window()),
            update_id=f"{contract.REQUEST_CALLBACK.name}:{cid}",
        )
    except RequestRejected as rejected:
        now_seen = await calls.query(cid, contract.COUNSELLOR_VIEW, NO_MESSAGES)
        if now_seen.status is ConversationStatus.CALLBACK_REQUESTED:
            return  # an earlier attempt of this very request ended it
        if over(rejected) or any(p.code == "not_waiting" for p in rejected.problems):
            raise ConversationOver(f"conversation {cid}: {rejected.detail}") from None
        raise


def _intake(seen: CounsellorView, body: CallbackCreate) -> Intake:
    """The case's intake from the pre-chat form (what it is about is for the
    counsellor who calls to ask: "other" until then)."""
    pre_chat = seen.pre_chat
    return Intake(
        channel=seen.channel,
        caller_role=pre_chat.writer.caller_role,
        age_band=pre_chat.age_band,
        categories=[Category.OTHER],
        consents=Consents(callback=body.consent()),
    )

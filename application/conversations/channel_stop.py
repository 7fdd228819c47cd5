"""A young person answers STOP on their messaging channel: no more news of their cases
(``domain.case_news``). Every case their conversations on this channel are linked to is
told (``stop_case_news``: the case's timeline says it; a case already ended has nothing
more to send). The message itself stays in the transcript, as any other."""

import logging

from temporalio.service import RPCError

from application.conversations.acting import YoungPerson
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.case_news import StopCaseNews, is_stop
from domain.channel_messages import InboundChannelMessage, TextContent
from domain.intake import Channel
from relais.db.repositories.returning_contacts import ReturningContacts, Sender

log = logging.getLogger(__name__)


def asks_to_stop(message: InboundChannelMessage) -> bool:
    content = message.content
    return isinstance(content, TextContent) and is_stop(content.text)


async def stop_case_news(
    helpline: Helpline, channel: Channel, digest: str, who: YoungPerson
) -> int:
    """Tell each case of theirs to send no more news; how many were told."""
    history = await ReturningContacts(helpline.database).history(Sender(channel.value, digest))
    told = 0
    for case in history.cases:
        handle = helpline.client.get_workflow_handle(
            contract.SUPPORT_CASE.workflow_id(case.case_id)
        )
        try:
            await handle.signal(contract.STOP_CASE_NEWS.name, StopCaseNews(channel=channel.value))
        except RPCError:
            continue  # the case's workflow has ended: it sends nothing more
        told += 1
        await who.audit(helpline.audit_log).record(
            AuditAction.CASE_NEWS_STOP, case.case_id, f"channel={channel.value}"
        )
    log.info("STOP on %s: %d cases told", channel.value, told)
    return told

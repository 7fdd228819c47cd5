"""Who acts for the young person: they have no account, so their door proves which
conversation they are in (the web chat's signed session cookie, a messaging
channel's verified sender) and hands the service a :class:`YoungPerson`. A service
acts on that conversation only: there is no other to name.

Their audit lines are written as ``conversation:<id>`` in the role ``young_person``:
what was done, when, on which conversation; ids, counts and enums, never a word they
wrote nor how to reach them.
"""

from dataclasses import dataclass

from application.audit_trail import AuditSink, AuditTrail
from domain.conversation import CONVERSATION_ID_PATTERN
from domain.intake import Channel

YOUNG_PERSON_ROLE = "young_person"


@dataclass(frozen=True)
class YoungPerson:
    """The young person behind ``conversation_id``, as their door proved it."""

    conversation_id: str
    channel: Channel = Channel.WEB_CHAT

    @property
    def subject(self) -> str:
        """Who they are in the audit trail and in the workflow's requests."""
        return conversation_subject(self.conversation_id)

    def audit(self, sink: AuditSink) -> AuditTrail:
        return AuditTrail(sink, actor=self.subject, role=YOUNG_PERSON_ROLE)


def conversation_subject(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


__all__ = ["CONVERSATION_ID_PATTERN", "YOUNG_PERSON_ROLE", "YoungPerson", "conversation_subject"]

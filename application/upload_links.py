"""One-time upload links: the way the 3018 app's vault sends its content, without an
account. A counsellor makes a link for a case (``create_upload_link``: shown once, to
read out or send to the young person); the young person opens it and sends files
(``send_through_link``), each taken into the case's evidence like a counsellor's
upload, through the door ``upload_link``.

- **The token is a capability, not an identity**: 32 bytes in the link's path, an
  HMAC of the link's id (derived from the request's idempotency key, the case and the
  counsellor) under ``RELAIS_UPLOAD_LINK_SECRET``: a retry of the same request gives the
  same link, and the app database keeps only the token's SHA-256, so a copy of the
  database opens no link.
- **Limits** (``EvidencePolicy``): it works for ``upload_link_lifetime`` (24 h) and takes
  ``upload_link_uses`` files (5), ``upload_link_burst`` (3) within a minute; past them
  410 (expired or used up) or 429 with when to try again. A file not taken (too large, a
  type not taken, damaged) gives its use back: nothing of it was kept.
- **Audit**: the creation under the counsellor; each file under ``upload-link:<id>`` in
  the role ``young_person`` (``evidence.add``), never the token nor a byte of the file.
"""

import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterable
from datetime import datetime

from pydantic import BaseModel, Field

from application.acting import CASE_WORKERS, Permit, service
from application.audit_trail import AuditTrail
from application.conversations.acting import YOUNG_PERSON_ROLE
from application.errors import Gone, NotFound, RateLimited
from application.evidence import take_in
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.evidence import EvidenceChannel
from relais.db.repositories.upload_links import Refused, UploadLink, UploadLinks

PATH = "/chat/upload"  # the young person's page, served with the web chat


class UploadLinkCreated(BaseModel):
    """A new link: its ``url`` holds the token, shown this once and never again."""

    link_id: str
    url: str = Field(description="To send to the young person; not kept by Relais")
    expires_at: datetime
    uses: int = Field(description="Files it takes, at most")


class UploadLinkState(BaseModel):
    """What the young person's page says of their link."""

    expires_at: datetime
    uses_left: int


class LinkClosed(Gone):
    """The link expired or took all its files (410); ``why``: expired or used_up."""

    def __init__(self, why: Refused) -> None:
        super().__init__(f"this upload link is {why.value.replace('_', ' ')}")
        self.why = why


class SentThroughLink(BaseModel):
    kept: bool = Field(description="False: an intimate image, only its hashes were kept")
    uses_left: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_id(case_id: str, subject: str, key: str | None) -> str:
    if key is None:
        return "ul-" + uuid.uuid4().hex[:24]
    digest = hashlib.sha256(f"relais/upload-link|{case_id}|{subject}|{key}".encode())
    return "ul-" + digest.hexdigest()[:24]


def _token(helpline: Helpline, link_id: str) -> str:
    secret = helpline.settings.upload_link_secret.get_secret_value().encode()
    mac = hmac.new(secret, f"upload-link|{link_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


@service(*CASE_WORKERS, on_case=True)
async def create_upload_link(
    helpline: Helpline, permit: Permit, at: datetime, key: str | None = None
) -> UploadLinkCreated:
    """A link for the young person of this case (audited: ``upload_link.create``); the
    same ``key`` again (a retry) is the same link."""
    case_id = permit.case
    assert case_id is not None
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    policy = helpline.settings.evidence_policy
    link_id = _link_id(case_id, permit.actor.subject, key)
    token = _token(helpline, link_id)
    links = UploadLinks(helpline.database)
    made = await links.get(link_id)
    if made is not None:
        return _created(helpline, made, token)
    link = UploadLink(
        link_id=link_id,
        case_id=case_id,
        created_by=permit.actor.subject,
        created_at=at,
        expires_at=at + policy.upload_link_lifetime,
        max_uses=policy.upload_link_uses,
        used=0,
        window_start=None,
        window_count=0,
    )
    if not await links.add(link, _digest(token)):
        return _created(helpline, link, token)  # a retry raced with the first request
    await helpline.audit(permit).record(
        AuditAction.UPLOAD_LINK_CREATE, case_id, f"link={link.link_id} uses={link.max_uses}"
    )
    return _created(helpline, link, token)


def _created(helpline: Helpline, link: UploadLink, token: str) -> UploadLinkCreated:
    return UploadLinkCreated(
        link_id=link.link_id,
        url=f"{helpline.settings.public_api_url.rstrip('/')}{PATH}/{token}",
        expires_at=link.expires_at,
        uses=link.max_uses,
    )


async def _open(helpline: Helpline, token: str, now: datetime) -> UploadLink:
    link = await UploadLinks(helpline.database).find(_digest(token))
    if link is None:
        raise NotFound("no such upload link")
    if now >= link.expires_at:
        raise LinkClosed(Refused.EXPIRED)
    if link.uses_left == 0:
        raise LinkClosed(Refused.USED_UP)
    return link


async def upload_link_state(helpline: Helpline, token: str, now: datetime) -> UploadLinkState:
    """Whether the link still works (404 unknown, 410 expired or used up)."""
    link = await _open(helpline, token, now)
    return UploadLinkState(expires_at=link.expires_at, uses_left=link.uses_left)


async def send_through_link(
    helpline: Helpline,
    token: str,
    stream: AsyncIterable[bytes],
    *,
    intimate: bool,
    now: datetime,
) -> SentThroughLink:
    """The young person's file into the case's evidence (its hashes only when they say
    it is an intimate image); :class:`~domain.evidence.EvidenceRefused` when it is not
    taken, its use given back."""
    links = UploadLinks(helpline.database)
    link = await _open(helpline, token, now)
    refused = await links.take_use(link, now, helpline.settings.evidence_policy.upload_link_burst)
    if refused is not None:
        if refused.why is Refused.TOO_FAST:
            assert refused.retry_after is not None
            raise RateLimited(
                "too many files at once: send this one in a moment", refused.retry_after
            )
        raise LinkClosed(refused.why)
    subject = f"upload-link:{link.link_id}"
    trail = AuditTrail(helpline.audit_log, actor=subject, role=YOUNG_PERSON_ROLE)
    try:
        await take_in(
            helpline,
            trail,
            link.case_id,
            stream,
            intimate=intimate,
            channel=EvidenceChannel.UPLOAD_LINK,
            at=now,
        )
    except Gone:
        raise  # a purged case: the link is of no more use
    except BaseException:  # not taken (EvidenceRefused), or broken off: nothing kept
        await links.give_back(link.link_id)
        raise
    return SentThroughLink(kept=not intimate, uses_left=link.uses_left - 1)


__all__ = [
    "PATH",
    "LinkClosed",
    "SentThroughLink",
    "UploadLinkCreated",
    "UploadLinkState",
    "create_upload_link",
    "send_through_link",
    "upload_link_state",
]

"""The generic e-mail channel (``channel = "email"``): notices or handoffs sent as
a message rendered from a template, over SMTP.

E-mail gives no status back. A partner's handoff stays ``acknowledged`` once the
server accepted the message; the counsellor follows it up (a partner may still post
its status to the webhook). A platform's notice never gets an automatic decision:
the takedown re-notices every 24 h and escalates at the SLA like any silent
platform. The content check probes the item's URL itself.

Delivery is at least once: the Message-ID is derived from the idempotency key, so a
retried message carries the same id and the receiving mailbox can drop the copy.
"""

import asyncio
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from domain.catalog import AdapterInfo
from domain.notice import NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus, ReferralStatus
from partners.base import AdapterConfig, HandoffChannel, NoticeChannel
from partners.errors import PermanentAdapterError, SandboxUnavailable, TransientAdapterError
from partners.mapping import HandoffDocument, NoticeDocument
from partners.notice_files import NoticeFile
from partners.templates import render, template_problems
from partners.url_probe import AllowedNetworks, probe_location


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SmtpSettings(_Strict):
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="STARTTLS on 587, implicit TLS on 465, none (tests)"
    )
    username: str | None = None
    password: SecretStr | None = Field(default=None, description='e.g. "${SMTP_PASSWORD}"')
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)


class MessageTemplate(_Strict):
    sender: str = Field(alias="from", min_length=3)
    to: list[str] = Field(min_length=1)
    subject: str = Field(min_length=1, description="A template: ${notice_id}, ${package...}")
    body: str = Field(min_length=1, description="A template over the notice/handoff document")


class EmailConfig(AdapterConfig):
    smtp: SmtpSettings
    message: MessageTemplate
    sandbox_to: list[str] | None = Field(default=None, description="Recipients of test sends")

    def sandbox(self) -> Self:
        if not self.sandbox_to:
            raise SandboxUnavailable("no sandbox_to recipients are configured")
        message = self.message.model_copy(update={"to": self.sandbox_to})
        return self.model_copy(update={"message": message})


class EmailNoticeConfig(EmailConfig):
    probe_allowed_networks: AllowedNetworks

    @model_validator(mode="after")
    def _placeholders_exist(self) -> Self:
        return _checked(self, NoticeDocument)


class EmailHandoffConfig(EmailConfig):
    @model_validator(mode="after")
    def _placeholders_exist(self) -> Self:
        return _checked(self, HandoffDocument)


_C = TypeVar("_C", bound=EmailConfig)


def _checked(config: _C, document: type[NoticeDocument | HandoffDocument]) -> _C:
    problems = template_problems(config.message.subject, document, "message.subject")
    problems += template_problems(config.message.body, document, "message.body")
    if problems:
        raise ValueError("; ".join(problems))
    return config


def _message_id(idempotency_key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "relais.invalid"
    safe = "".join(c if c.isalnum() or c in "-._" else "-" for c in idempotency_key)
    return f"<{safe}@{domain}>"


def _send(config: EmailConfig, document: dict[str, Any], idempotency_key: str) -> str:
    """Blocking SMTP exchange (run in a thread). Returns the Message-ID."""
    smtp, template = config.smtp, config.message
    message = EmailMessage()
    message["From"] = template.sender
    message["To"] = ", ".join(template.to)
    message["Subject"] = render(template.subject, document)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = _message_id(idempotency_key, template.sender)
    if document.get("test"):
        message["X-Relais-Test"] = "true"
    message.set_content(render(template.body, document))
    context = ssl.create_default_context()
    client_class = smtplib.SMTP_SSL if smtp.security == "tls" else smtplib.SMTP
    kwargs: dict[str, Any] = {"context": context} if smtp.security == "tls" else {}
    try:
        with client_class(smtp.host, smtp.port, timeout=smtp.timeout_seconds, **kwargs) as client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username and smtp.password is not None:
                client.login(smtp.username, smtp.password.get_secret_value())
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise PermanentAdapterError(
            f"send e-mail: authentication refused ({exc.smtp_code})"
        ) from None
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentAdapterError(
            f"send e-mail: address refused ({type(exc).__name__})"
        ) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientAdapterError(f"send e-mail: server busy ({exc.smtp_code})") from exc
        raise PermanentAdapterError(f"send e-mail: refused ({exc.smtp_code})") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientAdapterError(f"send e-mail: {type(exc).__name__}") from exc
    return str(message["Message-ID"])


class EmailNoticeChannel(NoticeChannel):
    def __init__(self, info: AdapterInfo, config: EmailNoticeConfig) -> None:
        super().__init__(info)
        self._config = config

    async def submit_notice(
        self, request: SubmitNoticeRequest, attachments: Sequence[NoticeFile] = ()
    ) -> NoticeReceipt:
        """An e-mail carries the hashes only: it declares no attachments."""
        document = NoticeDocument.of(request)
        reference = await asyncio.to_thread(
            _send, self._config, document.model_dump(mode="json"), request.idempotency_key
        )
        return NoticeReceipt(platform_reference=reference)

    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        return None  # e-mail brings no decision back

    async def is_content_online(self, location: ItemLocation) -> bool:
        return await probe_location(
            location,
            self._config.smtp.timeout_seconds,
            allowed_networks=self._config.probe_allowed_networks,
        )


class EmailHandoffChannel(HandoffChannel):
    def __init__(self, info: AdapterInfo, config: EmailHandoffConfig) -> None:
        super().__init__(info)
        self._config = config

    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        document = HandoffDocument.of(request)
        reference = await asyncio.to_thread(
            _send, self._config, document.model_dump(mode="json"), request.idempotency_key
        )
        return HandoffReceipt(partner_reference=reference, status=ReferralStatus.ACKNOWLEDGED)

    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        """Manual follow-up: the server accepted the message, nothing more is known."""
        return HandoffStatus(
            status=ReferralStatus.ACKNOWLEDGED, partner_reference=partner_reference
        )

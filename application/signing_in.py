"""Signing in and out: the console's session (a token or the identity provider) and the
Temporal UI's codec session. Who the person is was checked by the door (a token, an
ID token); the services write what the audit trail says of it."""

from application.acting import EVERY_ROLE, Permit, service
from application.helpline import Helpline
from domain.audit_actions import AuditAction


@service(*EVERY_ROLE)
async def sign_in_to_console(helpline: Helpline, permit: Permit, via: str) -> None:
    """``via``: ``token`` or ``oidc``."""
    await helpline.audit(permit).record(AuditAction.CONSOLE_SIGN_IN, detail=f"via={via}")


@service(*EVERY_ROLE)
async def sign_out_of_console(helpline: Helpline, permit: Permit, reason: str) -> None:
    """``reason``: ``signed_out``, or ``idle`` (the page signed out by itself)."""
    await helpline.audit(permit).record(AuditAction.CONSOLE_SIGN_OUT, detail=f"reason={reason}")


@service(*EVERY_ROLE)
async def sign_in_to_codec(helpline: Helpline, permit: Permit) -> None:
    """The Temporal UI's codec session cookie was issued."""
    await helpline.audit(permit).record(AuditAction.CODEC_LOGIN)

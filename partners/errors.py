"""What an adapter raises: the activity layer turns these into Temporal errors."""

import re
from datetime import timedelta


class AdapterError(Exception):
    """Base class. ``str(error)`` must be safe to log: no personal data."""


class TransientAdapterError(AdapterError):
    """The partner may answer later (timeout, 5xx, 429, maintenance)."""

    def __init__(self, message: str, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentAdapterError(AdapterError):
    """Retrying will not help (4xx, invalid notice): a counsellor must look at it."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnknownAdapterError(PermanentAdapterError):
    """No adapter is registered under this slug."""


class SandboxUnavailable(PermanentAdapterError):
    """The adapter has no sandbox (test mode) to send a test payload to."""


_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w])@[\w.]{2,}")
_PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")


def scrub(text: str, limit: int = 300) -> str:
    """Best-effort removal of what may be personal data from a partner's free text
    (URLs, e-mail addresses, @handles, phone numbers) before it is logged or stored
    as a reason. Adapters should not put such data in errors in the first place."""
    text = _URL.sub("<url>", text)
    text = _EMAIL.sub("<email>", text)
    text = _HANDLE.sub("<handle>", text)
    text = _PHONE.sub("<number>", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

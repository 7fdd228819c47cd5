"""What an adapter raises: the activity layer turns these into Temporal errors."""

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

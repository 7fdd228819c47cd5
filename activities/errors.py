"""Turns adapter errors into Temporal errors with the right retry semantics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.exceptions import ApplicationError

from domain.contract import PERMANENT_PARTNER_ERROR, TRANSIENT_PARTNER_ERROR
from partners.errors import PermanentAdapterError, TransientAdapterError


@asynccontextmanager
async def partner_errors() -> AsyncIterator[None]:
    """Permanent errors stop retrying (a counsellor task follows); transient ones
    retry, after the partner's ``Retry-After`` when it gave one."""
    try:
        yield
    except PermanentAdapterError as exc:
        raise ApplicationError(str(exc), type=PERMANENT_PARTNER_ERROR, non_retryable=True) from exc
    except TransientAdapterError as exc:
        raise ApplicationError(
            str(exc), type=TRANSIENT_PARTNER_ERROR, next_retry_delay=exc.retry_after
        ) from exc

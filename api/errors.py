"""Map domain errors to HTTP. Every error body is JSON ``{"detail": ...}``: a string,
or a list of ``{"loc": [...], "msg": ..., "type": ...}`` naming the offending field.

Validation errors never echo the submitted values back (they may be personal data),
and nothing here logs a request body.
"""

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from temporalio.service import RPCError

from application.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    Problem,
    RateLimited,
    RequestRejected,
    SignatureInvalid,
    SignatureReplayed,
    Unavailable,
    temporal_unavailable,
)
from relais.db import errors as db_errors

log = logging.getLogger(__name__)

_STATUS: dict[type[Exception], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    Gone: status.HTTP_410_GONE,
    Unavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    RateLimited: status.HTTP_429_TOO_MANY_REQUESTS,
    SignatureInvalid: status.HTTP_401_UNAUTHORIZED,
    SignatureReplayed: status.HTTP_409_CONFLICT,
    db_errors.NotFound: status.HTTP_404_NOT_FOUND,
    db_errors.TaskAlreadyClaimed: status.HTTP_409_CONFLICT,
    db_errors.TaskAlreadyDone: status.HTTP_409_CONFLICT,
}


def _status_of(exc: Exception) -> int:
    for kind in type(exc).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return status.HTTP_400_BAD_REQUEST


def status_for(exc: BaseException) -> int:
    """The status a request failing with ``exc`` is answered with (500: unexpected)."""
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError | RequestRejected):
        return status.HTTP_422_UNPROCESSABLE_CONTENT
    if isinstance(exc, RPCError):
        unavailable = temporal_unavailable(exc)
        return status.HTTP_503_SERVICE_UNAVAILABLE if unavailable else 500
    if isinstance(exc, DomainError | db_errors.DatabaseError):
        return _status_of(exc)
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def _field_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic errors without ``input``/``ctx``/``url``: loc, msg and type only."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]


def body_validation_error(exc: ValidationError) -> RequestValidationError:
    """For a body parsed by hand (webhooks parse only after checking the signature)."""
    return RequestValidationError(
        [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False)]
    )


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"loc": list(p.loc), "msg": p.msg, "type": p.type, "code": p.code} for p in problems]


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"detail": _field_errors(exc.errors())}, status.HTTP_422_UNPROCESSABLE_CONTENT
    )


async def _on_rejected(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestRejected)
    return JSONResponse({"detail": _problems(exc.problems)}, status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _on_domain(request: Request, exc: Exception) -> JSONResponse:
    code = _status_of(exc)
    detail = exc.detail if isinstance(exc, DomainError) else str(exc)
    headers = {"WWW-Authenticate": 'Signature realm="webhooks"'} if code == 401 else None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    return JSONResponse({"detail": detail}, code, headers=headers)


async def _on_rpc(request: Request, exc: Exception) -> JSONResponse:
    """Temporal errors a service did not translate: only availability is expected."""
    assert isinstance(exc, RPCError)
    if temporal_unavailable(exc):
        return JSONResponse(
            {"detail": "Temporal is unreachable; retry later"},
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    log.error("unexpected Temporal error on %s: %s", request.url.path, exc.status.name)
    return JSONResponse({"detail": "internal error"}, status.HTTP_500_INTERNAL_SERVER_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(RequestRejected, _on_rejected)
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(db_errors.DatabaseError, _on_domain)
    app.add_exception_handler(RPCError, _on_rpc)

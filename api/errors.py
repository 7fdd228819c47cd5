"""Map domain errors to HTTP. Every error body is JSON ``{"detail": ...}``: a string,
or a list of ``{"loc": [...], "msg": ..., "type": ...}`` naming the offending field.

A body that cannot be read as JSON at all (not UTF-8, nested deeper than a parser
follows) is a 422 naming ``body``, like any other JSON that does not parse (FastAPI's
own ``json_invalid``), never FastAPI's bare ``400 "There was an error parsing the
body"``, which no route declares.

Validation errors never echo the submitted values back (they may be personal data),
and nothing here logs a request body.
"""

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from api.request_telemetry import route_template
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


# FastAPI's answer when reading a JSON body fails other than as a JSON syntax error
# (``fastapi.routing``): the cause says what failed.
_FASTAPI_UNREADABLE_BODY = "There was an error parsing the body"


def unreadable_body(cause: BaseException) -> RequestRejected:
    """What to answer for a body no JSON parser could read (the cause: a
    :class:`UnicodeDecodeError`, a :class:`RecursionError`, another ``ValueError``)."""
    if isinstance(cause, UnicodeDecodeError):
        msg, code = "body: not valid UTF-8; send JSON encoded in UTF-8", "invalid_utf8"
    elif isinstance(cause, RecursionError):
        msg, code = "body: JSON nested too deeply to be read", "json_too_deep"
    else:
        msg, code = "body: not valid JSON", "json_invalid"
    return RequestRejected([Problem(("body",), msg, "json_invalid", code)])


def read_json_as_utf8(raw: bytes) -> None:
    """For a body parsed by hand: refuse one that is not UTF-8 as every route does."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise unreadable_body(exc) from exc


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


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    cause = exc.__cause__
    if exc.status_code == 400 and exc.detail == _FASTAPI_UNREADABLE_BODY and cause is not None:
        return await _on_rejected(request, unreadable_body(cause))
    return await http_exception_handler(request, exc)


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
    # the route's template, never the path: a path holds ids and capabilities (an upload
    # link's token)
    where = route_template(request.scope)
    log.error("unexpected Temporal error on %s: %s", where, exc.status.name)
    return JSONResponse({"detail": "internal error"}, status.HTTP_500_INTERNAL_SERVER_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(RequestRejected, _on_rejected)
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(db_errors.DatabaseError, _on_domain)
    app.add_exception_handler(RPCError, _on_rpc)

"""Turn a case workflow's refusal into problems that name the offending field.

Update validators raise ``ApplicationError`` whose message lists ``field: reason``
problems (``workflows.rules.validation``) and whose first detail may be that list.
The problem text is kept verbatim: it is written for the counsellor.
"""

import re
from collections.abc import Sequence
from typing import Any

from temporalio.exceptions import ApplicationError

from api.services.errors import Problem

# Field names are snake_case. "partner: unknown partner ..." names a field with a
# colon; "items[0].location.url must start with ..." with a dotted or indexed path.
# A plain sentence ("the case is closed") names none.
_NAME = r"[a-z_][a-z0-9_]*"
_SEGMENT = rf"(?:\[\d+\]|\.{_NAME})"
_FIELD = re.compile(rf"^(?:(?P<named>{_NAME}{_SEGMENT}*):|(?P<path>{_NAME}{_SEGMENT}+))\s")
_PART = re.compile(rf"\[(\d+)\]|\.?({_NAME})")


def field_path(problem: str) -> tuple[str | int, ...]:
    """``items[0].location.url must ...`` -> ``("items", 0, "location", "url")``;
    ``()`` when the problem names no field."""
    match = _FIELD.match(problem)
    if match is None:
        return ()
    parts: list[str | int] = []
    for index, name in _PART.findall(match["named"] or match["path"]):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _problem_texts(cause: BaseException) -> list[str]:
    if isinstance(cause, ApplicationError):
        details: Sequence[Any] = cause.details
        if details and isinstance(details[0], list) and all(isinstance(p, str) for p in details[0]):
            return list(details[0]) or [cause.message]
        return [cause.message]
    return [str(cause) or type(cause).__name__]


def problems_from(cause: BaseException | None) -> list[Problem]:
    """The problems a rejected update reports, each with the field it names."""
    if cause is None:
        return [Problem(loc=(), msg="the case refused the request")]
    kind = cause.type if isinstance(cause, ApplicationError) and cause.type else "rejected"
    return [Problem(loc=field_path(text), msg=text, type=kind) for text in _problem_texts(cause)]

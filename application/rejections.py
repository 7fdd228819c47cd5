"""A workflow's refusal as the problems it gave: each names its field (``loc``),
says why (``msg``, verbatim: it is written for the counsellor) and has a stable
``code``. Workflows raise them as the details of their rejection
(:mod:`workflows.rejection`); nothing here reads their sentences."""

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from application.errors import Problem
from domain.problems import Problem as DomainProblem


def _given(cause: ApplicationError) -> list[DomainProblem] | None:
    details: Sequence[Any] = cause.details
    if not details or not isinstance(details[0], list):
        return None
    try:
        return [DomainProblem.model_validate(p) for p in details[0]]
    except ValidationError:
        return None


def problems_from(cause: BaseException | None) -> list[Problem]:
    """The problems a rejected update reports; a refusal that gave none (a bug, an
    SDK error) is one problem naming no field."""
    if isinstance(cause, ApplicationError):
        kind = cause.type or "rejected"
        if given := _given(cause):
            return [Problem(loc=tuple(p.loc), msg=p.msg, type=kind, code=p.code) for p in given]
        return [Problem(loc=(), msg=cause.message or kind, type=kind)]
    if cause is None:
        return [Problem(loc=(), msg="the case refused the request")]
    return [Problem(loc=(), msg=str(cause) or type(cause).__name__)]

"""How the case page's forms act: the service's permit (its rule: the role, and the
case's read rule), the form parsed into the service's request, the service called,
and a refusal drawn back beside the field its ``loc`` names with everything typed
still there (success goes back to the case, ``?done=...``)."""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from application.acting import Permit, Service
from application.errors import Conflict, DomainError, Forbidden, Gone, NotFound, RequestRejected
from console.forms import FieldErrors, FormData, Kind, body, from_problems, from_validation, refused
from console.refusal_words import FIELD_ERRORS, REFUSALS
from console.routes.case_page import draw_case
from console.web import Page
from console.web_rules import CaseRefused, permit
from relais.db import TaskAlreadyClaimed, TaskAlreadyDone

M = TypeVar("M", bound=BaseModel)
Fields = Mapping[str, Kind]


class Refused(Exception):
    def __init__(self, errors: FieldErrors, status: int = 422) -> None:
        self.errors = errors
        self.status = status


def required(name: str) -> FieldErrors:
    errors = FieldErrors()
    errors.by_field[name] = [FIELD_ERRORS["missing"]]
    return errors


def parsed(model: type[M], form: FormData, fields: Fields, **extra: object) -> M:
    try:
        return model.model_validate({**body(form, fields), **extra})
    except ValidationError as error:
        raise Refused(from_validation(error, fields)) from None


def _general(kind: str) -> FieldErrors:
    errors = FieldErrors()
    errors.general.append(REFUSALS[kind])
    return errors


async def act(
    p: Page,
    case_id: str,
    form_id: str,
    form: FormData,
    fields: Fields,
    service: Service[..., Any],
    run: Callable[[Permit], Awaitable[object]],
    done: str | Callable[[], str],
    then: str | None = None,
) -> Response:
    """Ask ``service`` for the permit on the case, ``run`` the action with it, answer
    with the case (or ``then``: after a handover the case may no longer be the
    counsellor's), saying ``done`` (or what ``done()`` says once it ran)."""
    try:
        granted = await permit(p, service, case_id)
    except CaseRefused:
        return await draw_case(p, case_id)
    try:
        await run(granted)
    except Refused as refusal:
        errors, status = refusal.errors, refusal.status
    except RequestRejected as rejection:
        errors, status = from_problems(rejection.problems, fields), 422
    except (Conflict, TaskAlreadyClaimed, TaskAlreadyDone):
        errors, status = _general("conflict"), 409
    except Forbidden:
        errors, status = _general("forbidden"), 403
    except NotFound:
        errors, status = _general("not_found"), 404
    except Gone:
        errors, status = _general("gone"), 410
    except DomainError:
        errors, status = _general("unavailable"), 503
    else:
        said = done if isinstance(done, str) else done()  # what the action did
        return p.redirect(then or f"/cases/{case_id}", done=said)
    return await draw_case(p, case_id, failed=refused(form_id, form, errors), status_code=status)

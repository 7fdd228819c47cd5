"""How the case page's forms act: the role and read checks of the JSON route, the
form parsed into the route's schema, the service called, and a refusal drawn back
beside the field its ``loc`` names with everything typed still there (success goes
back to the case, ``?done=...``)."""

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from fastapi import HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from api.services.errors import Conflict, DomainError, Forbidden, Gone, NotFound, RequestRejected
from console.forms import FieldErrors, FormData, Kind, body, from_problems, from_validation, refused
from console.labels import FIELD_ERRORS, REFUSALS
from console.routes.case_page import draw_case
from console.web import Page
from console.web_rules import CaseNotReadable, may_read, needs
from relais.db import TaskAlreadyClaimed, TaskAlreadyDone
from relais.settings import Role

M = TypeVar("M", bound=BaseModel)
Fields = Mapping[str, Kind]
COUNSELLOR = (Role.COUNSELLOR,)
SUPERVISOR = (Role.SUPERVISOR,)
CASE_WORKERS = (Role.COUNSELLOR, Role.SUPERVISOR)


class Refused(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        self.errors = errors


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
    roles: tuple[Role, ...],
    run: Callable[[], Awaitable[None]],
    done: str,
    then: str | None = None,
) -> Response:
    """Check the role and the case's read rule, run the action, answer with the case
    (or ``then``: after a handover the case may no longer be the counsellor's)."""
    needs(p, *roles)
    try:
        await may_read(p, case_id)
    except CaseNotReadable:
        return await draw_case(p, case_id)
    try:
        await run()
    except Refused as refusal:
        errors, status = refusal.errors, 422
    except RequestRejected as rejection:
        errors, status = from_problems(rejection.problems, fields), 422
    except (Conflict, TaskAlreadyClaimed, TaskAlreadyDone):
        errors, status = _general("conflict"), 409
    except HTTPException as exc:  # the API's own 409s (e.g. no callback due)
        errors, status = (
            _general("conflict" if exc.status_code == 409 else "forbidden"),
            exc.status_code,
        )
    except Forbidden:
        errors, status = _general("forbidden"), 403
    except NotFound:
        errors, status = _general("not_found"), 404
    except Gone:
        errors, status = _general("gone"), 410
    except DomainError:
        errors, status = _general("unavailable"), 503
    else:
        return p.redirect(then or f"/cases/{case_id}", done=done)
    return await draw_case(p, case_id, failed=refused(form_id, form, errors), status_code=status)

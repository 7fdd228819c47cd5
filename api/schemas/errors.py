"""What an error answer looks like (``api.errors`` writes them): always JSON
``{"detail": ...}``, a sentence for the caller, or (415, 422) a list of problems,
each naming its field. Never the submitted values: they may be personal data.

``api.openapi`` declares these on every route they apply to; the ``*_ERRORS``
mappings below are for routers to declare what only they know (``responses=``).
"""

from typing import Any

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(
        description='Where: ["body", "items", 0, "url"], ["header", "Idempotency-Key"], ...'
    )
    msg: str = Field(description="What is wrong, for a person to read")
    type: str = Field(description="The kind of problem (pydantic's, or the API's own)")
    code: str | None = Field(
        default=None,
        description="Stable, for screens that translate the message "
        "(on the API's own refusals: unsupported_media_type, idempotency_key_reused, ...)",
    )


class ProblemList(BaseModel):
    """415 and 422: everything wrong with the request, each naming its field."""

    detail: list[FieldProblem]


class ErrorMessage(BaseModel):
    """401, 403, 404, 409, 503: one sentence saying what happened and what to do."""

    detail: str


def _message(description: str) -> dict[str, Any]:
    return {"model": ErrorMessage, "description": description}


CASE_UPDATE_ERRORS: dict[int | str, dict[str, Any]] = {
    409: _message("The case is closed (reopen it first, within the reopen window)"),
    503: _message(
        "The case did not answer in time: retry with the same Idempotency-Key (it runs once)"
    ),
}
CASE_READ_ERRORS: dict[int | str, dict[str, Any]] = {
    409: _message("The case's workflow was stopped before it could answer"),
    503: _message("Temporal or the case did not answer in time; retry later"),
}
SIGNED_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _message("Unsigned, badly signed, or signed outside the time tolerance"),
    409: _message("This very delivery (same signature) was already accepted"),
    503: _message("Temporal did not answer; send the delivery again later"),
}

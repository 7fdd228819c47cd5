"""Dotted paths into our notice and handoff documents, for declarative adapters.

A declarative adapter maps the partner's fields to ours (``"victim.age" =
"package.age_band"``) and reads the partner's answer the same way (``reference =
"data.id"``). Paths into our documents are checked against the models when the
configuration loads, so a typo fails at start, not on the first case.
"""

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Field

from domain.items import QualifiedItem
from domain.notice import SubmitNoticeRequest
from domain.referral import HandoffPackage, HandoffRequest
from partners.notice_content import notice_body

TEST_CASE_PREFIX = "relais-test"
"""Case ids of test sends start with this: the payload is marked ``test``."""


class NoticeDocument(BaseModel):
    """What a notice mapping reads: the request, and ``dsa``, the complete notice
    body of DSA Art. 16 (explanation, legal article, sender, good-faith statement)."""

    case_id: str
    notice_id: str
    idempotency_key: str
    renotice_of: str | None = None
    item: QualifiedItem
    dsa: dict[str, Any] = Field(default_factory=dict)
    test: bool = False

    @classmethod
    def of(cls, request: SubmitNoticeRequest) -> "NoticeDocument":
        test = request.case_id.startswith(TEST_CASE_PREFIX)
        return cls(**request.model_dump(), dsa=notice_body(request), test=test)


class HandoffDocument(BaseModel):
    """What a handoff mapping reads: ``package`` holds the case's minimum for the
    partner (contact details only when the partner must call)."""

    partner: str
    idempotency_key: str
    package: HandoffPackage
    test: bool = False

    @classmethod
    def of(cls, request: HandoffRequest) -> "HandoffDocument":
        test = request.package.case_id.startswith(TEST_CASE_PREFIX)
        return cls(**request.model_dump(), test=test)


class Constant(BaseModel):
    """A fixed value in a partner's payload: ``{ value = "3018" }``."""

    value: str | int | float | bool


FieldSource = str | Constant


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` (``a.b.0.c``) or None when any step is missing."""
    current = data
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at ``path``, creating nested objects on the way."""
    *parents, leaf = path.split(".")
    for part in parents:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValueError(f"'{part}' is both a value and an object in the mapping")
        target = child
    target[leaf] = value


def build_payload(mapping: dict[str, FieldSource], document: dict[str, Any]) -> dict[str, Any]:
    """The partner's payload: each target field from its source path or constant.
    Missing sources are left out (a partner field for an absent optional value)."""
    payload: dict[str, Any] = {}
    for target, source in mapping.items():
        value = source.value if isinstance(source, Constant) else get_path(document, source)
        if value is not None:
            set_path(payload, target, value)
    return payload


def path_problem(model: type[BaseModel], path: str) -> str | None:
    """Why ``path`` does not lead anywhere in ``model``, or None when it does."""
    annotation: Any = model
    walked: list[str] = []
    for part in path.split("."):
        annotation = _unwrap_optional(annotation)
        origin = get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                where = ".".join(walked) or "the document"
                known = ", ".join(annotation.model_fields)
                return f"'{path}': {where} has no field '{part}' (fields: {known})"
            annotation = field.annotation
        elif origin is list:
            if not part.isdigit():
                return f"'{path}': '{'.'.join(walked)}' is a list: use an index, not '{part}'"
            annotation = get_args(annotation)[0]
        elif origin is dict or annotation is Any:
            return None  # free-form below this point
        else:
            return f"'{path}': '{'.'.join(walked)}' is a value, it has no '{part}'"
        walked.append(part)
    return None


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation

"""Forms as the API's request bodies, and refusals as messages next to their fields.

A form field is named by the path of the body field it fills (``contact.phone``,
``consents.callback.earliest_hour``, ``items.0.location.url``), so a problem's ``loc``
names the field to show it beside. What the counsellor typed is sent back into the
form as it was; nothing is lost on a refusal.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import parse_qs

from pydantic import BaseModel, ValidationError

from application.errors import Problem
from console.refusal_words import FIELD_ERRORS, INVALID, PROBLEMS

FormData = dict[str, list[str]]
M = TypeVar("M", bound=BaseModel)
MAX_FORM_BYTES = 64 * 1024


class Kind(Enum):
    TEXT = "text"  # empty: left out
    BOOL = "bool"  # a checkbox: present or not
    LIST = "list"  # checkboxes sharing a name
    LINES = "lines"  # a textarea, one value a line
    INT = "int"  # kept as typed when not a number: the schema names the error


def parse(body: bytes) -> FormData:
    return parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"), keep_blank_values=True)


def first(form: FormData, name: str) -> str:
    return (form.get(name) or [""])[0]


def _value(form: FormData, name: str, kind: Kind) -> Any:
    values = form.get(name, [])
    if kind is Kind.BOOL:
        return bool(values) and values[0] not in ("", "0", "false", "no")
    if kind is Kind.LIST:
        return [v for v in values if v]
    text = (values or [""])[0].strip()
    if kind is Kind.LINES:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if not text:
        return None
    if kind is Kind.INT:
        return int(text) if text.lstrip("-").isdigit() else text
    return text


def body(form: FormData, fields: Mapping[str, Kind]) -> dict[str, Any]:
    """The nested request body the named fields describe; empty texts left out."""
    built: dict[str, Any] = {}
    for name, kind in fields.items():
        value = _value(form, name, kind)
        if value is None:
            continue
        *parents, leaf = name.split(".")
        node: Any = built
        for part in parents:
            if part.isdigit():
                index = int(part)
                while len(node) <= index:
                    node.append({})
                node = node[index]
            else:
                node = node.setdefault(part, [] if _next_is_index(name, part) else {})
        node[leaf] = value
    return built


def _next_is_index(name: str, part: str) -> bool:
    parts = name.split(".")
    at = parts.index(part)
    return at + 1 < len(parts) and parts[at + 1].isdigit()


@dataclass
class FieldErrors:
    """Messages (English source strings, translated by the page) per form field, and
    those that name no field of the form."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def add(self, loc: Iterable[str | int], message: str, known: Iterable[str]) -> None:
        """Beside the field ``loc`` names, or its nearest enclosing field of the form."""
        names = set(known)
        path = [str(part) for part in loc if part != "body"]
        while path:
            name = ".".join(path)
            if name in names:
                self.by_field.setdefault(name, []).append(message)
                return
            path.pop()
        self.general.append(message)


def from_validation(error: ValidationError, known: Iterable[str]) -> FieldErrors:
    errors = FieldErrors()
    names = list(known)
    for item in error.errors(include_input=False, include_url=False):
        errors.add(item["loc"], FIELD_ERRORS.get(item["type"], INVALID), names)
    return errors


def from_problems(problems: Iterable[Problem], known: Iterable[str]) -> FieldErrors:
    errors = FieldErrors()
    names = list(known)
    for p in problems:
        errors.add(p.loc, PROBLEMS.get(p.code, INVALID), names)
    return errors


def validated(
    model: type[M], form: FormData, fields: Mapping[str, Kind]
) -> tuple[M | None, FieldErrors]:
    """The request the form makes, or the errors that keep it from being one."""
    try:
        return model.model_validate(body(form, fields)), FieldErrors()
    except ValidationError as error:
        return None, from_validation(error, fields)


@dataclass
class Drawn:
    """A form as a page draws it: its id, its idempotency key (one per drawn form; kept
    when the form comes back refused, so a corrected resubmission still runs once),
    what was typed and what was refused."""

    id: str
    key: str
    values: FormData = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)


def refused(form_id: str, form: FormData, errors: FieldErrors) -> Drawn:
    key = first(form, "idempotency_key") or uuid.uuid4().hex
    return Drawn(form_id, key[:200], form, errors)


def fresh(form_id: str) -> Drawn:
    return Drawn(form_id, uuid.uuid4().hex)

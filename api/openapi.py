"""The OpenAPI description declares the errors each route can answer, derived from
what the route is, so a route added later is described right without a line of its
own: a bearer token (401, 403), an id in its path (404), a body (422, and 415 for a
JSON body: a body that is not UTF-8 or not JSON is a 422 too), an ``Idempotency-Key``
(documented on every POST that takes one, one schema everywhere, with its 422 on
reuse), a service acting on a case (503: the case is looked up in Temporal), a
signed machine caller (its signature headers, required). Every error response gets
its schema (``api.schemas.errors``), FastAPI's default 422 schema included (ours
never echoes ``input``).

A parameter is a string on the wire or absent: never JSON ``null``. FastAPI writes
an optional parameter as "string or null"; it is declared as its plain type here.

What only a router knows (a closed case is a 409, Temporal late a 503) it declares
itself with ``responses=``; descriptions a route wrote are kept.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from api.doors import Callers, route_rules
from api.idempotency import DESCRIPTION as KEY_DESCRIPTION
from api.idempotency import HEADER as KEY_HEADER
from api.idempotency import MAX_KEY_LENGTH
from api.media_types import is_json, media_type_of
from api.schemas.errors import ErrorMessage, FieldProblem, ProblemList
from api.webhook_signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER
from application.acting import Rule

REF = "#/components/schemas/{model}"
MESSAGE = REF.format(model=ErrorMessage.__name__)
PROBLEMS = REF.format(model=ProblemList.__name__)
_FASTAPI_422 = REF.format(model="HTTPValidationError")
_FASTAPI_422_PARTS = ("HTTPValidationError", "ValidationError")

UNAUTHORIZED = "No valid bearer token (the answer carries `WWW-Authenticate: Bearer`)"
FORBIDDEN = (
    "The caller's role may not use this route (the answer names the roles that may); "
    "for a counsellor, also a case that is neither theirs nor shared with them"
)
NOT_FOUND = "Nothing by that id"
UNSUPPORTED = "The body was not sent as `application/json` (the problem names `Content-Type`)"
INVALID = (
    "A field, parameter or header is invalid, or the body is not JSON in UTF-8"
    ' (`loc: ["body"]`, `code: invalid_utf8`, `json_invalid`, `json_too_deep`):'
    " each problem names it (`loc`)"
)
CASE_LATE = (
    "Temporal or the case did not answer in time (the case is looked up there): retry"
    f" later (a POST with the same `{KEY_HEADER}` runs once)"
)
KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}
SIGNATURE_HEADERS = (TIMESTAMP_HEADER, SIGNATURE_HEADER)
REUSED = (
    f"; or the `{KEY_HEADER}` was already used with another request"
    " (`code: idempotency_key_reused`; nothing was done)"
)

Idempotent = Callable[[str, str], bool]  # (method, path template) -> takes the key
Rules = dict[tuple[str, str], Rule | Callers | None]  # (method, path template) -> who calls


def install_openapi(app: FastAPI, *, idempotent: Idempotent) -> None:
    """Wrap ``app.openapi`` (FastAPI's documented hook) to declare the errors."""
    generate = app.openapi
    declared: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        schema = generate()
        if not declared or declared[0] is not schema:  # FastAPI regenerated it
            declare_errors(schema, idempotent, route_rules(app))
            declared[:] = [schema]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def declare_errors(schema: dict[str, Any], idempotent: Idempotent, rules: Rules) -> None:
    _add_error_schemas(schema.setdefault("components", {}).setdefault("schemas", {}))
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            route = (method.upper(), path)
            _declare(operation, *route, idempotent(*route), rules.get(route))
    _drop_unused(schema, _FASTAPI_422_PARTS)


def _declare(
    operation: dict[str, Any], method: str, path: str, takes_key: bool, rule: object
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    _plain_parameters(operation)
    _one_key_schema(operation)
    if any("HTTPBearer" in requirement for requirement in operation.get("security", [])):
        _answer(responses, "401", UNAUTHORIZED, MESSAGE)
        _answer(responses, "403", FORBIDDEN, MESSAGE)
    if "{" in path:
        _answer(responses, "404", NOT_FOUND, MESSAGE)
    if isinstance(rule, Rule) and rule.on_case:
        _answer(responses, "503", CASE_LATE, MESSAGE)
    if rule == Callers.SIGNED:
        _require_headers(operation, SIGNATURE_HEADERS)
    body = operation.get("requestBody")
    if body is not None:
        if any(is_json(media_type_of(t)) for t in body.get("content", {})):
            _answer(responses, "415", UNSUPPORTED, PROBLEMS)
        _answer(responses, "422", INVALID, PROBLEMS)
    if method == "POST" and takes_key:
        _document_key(operation)
        _answer(responses, "422", INVALID, PROBLEMS)
        if REUSED not in responses["422"]["description"]:
            responses["422"]["description"] += REUSED
    for code, response in responses.items():  # what routers declared, and FastAPI's 422
        if code[:1] in "45":
            _answer(responses, code, response.get("description", ""), _schema_for(code))
    operation["responses"] = dict(sorted(responses.items()))


def _schema_for(code: str) -> str:
    return PROBLEMS if code in ("415", "422") else MESSAGE


def _answer(responses: dict[str, Any], code: str, description: str, ref: str) -> None:
    """Declare ``code``, keeping what the route already said about it."""
    response = responses.setdefault(code, {"description": description})
    if response.get("description") in (None, "", "Validation Error"):
        response["description"] = description
    media = response.setdefault("content", {}).setdefault("application/json", {})
    if media.get("schema", {}).get("$ref") in (None, _FASTAPI_422):
        media["schema"] = {"$ref": ref}


def _document_key(operation: dict[str, Any]) -> None:
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    if any(p.get("in") == "header" and p.get("name") == KEY_HEADER for p in parameters):
        return
    parameters.append(
        {
            "name": KEY_HEADER,
            "in": "header",
            "required": False,
            "description": KEY_DESCRIPTION,
            "schema": dict(KEY_SCHEMA),
        }
    )


def _one_key_schema(operation: dict[str, Any]) -> None:
    """The key's header has one schema on every route (each route's description kept)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == KEY_HEADER:
            parameter["schema"] = dict(KEY_SCHEMA)


def _plain_parameters(operation: dict[str, Any]) -> None:
    """``anyOf: [X, {"type": "null"}]`` -> ``X``: a parameter is absent, never null."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kinds = schema.get("anyOf", [])
        plain = [kind for kind in kinds if kind != {"type": "null"}]
        if len(plain) == 1 and len(kinds) == 2:
            rest = {key: value for key, value in schema.items() if key != "anyOf"}
            parameter["schema"] = {**plain[0], **rest}


def _require_headers(operation: dict[str, Any], names: tuple[str, ...]) -> None:
    declared = {
        parameter["name"]: parameter
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "header"
    }
    missing = [name for name in names if name not in declared]
    if missing:
        raise AssertionError(f"{operation.get('operationId')}: no {missing} parameter to require")
    for name in names:
        declared[name]["required"] = True


def _add_error_schemas(components: dict[str, Any]) -> None:
    _, top = models_json_schema(
        [(model, "validation") for model in (FieldProblem, ProblemList, ErrorMessage)],
        ref_template=REF,
    )
    for name, definition in top.get("$defs", {}).items():
        if components.get(name, definition) != definition:
            raise AssertionError(f"two OpenAPI schemas are named {name}: rename one")
        components[name] = definition


def _drop_unused(schema: dict[str, Any], names: tuple[str, ...]) -> None:
    """FastAPI's 422 schemas, once no response refers to them any more."""
    components = schema["components"]["schemas"]
    for name in names:
        if name not in components:
            continue
        definition = components.pop(name)
        if REF.format(model=name) in repr(schema):
            components[name] = definition

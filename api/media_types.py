"""A JSON body must come as JSON: an app dependency answering 415, naming the
``Content-Type`` header, when a route that takes a JSON body receives a body of
another type (FastAPI would answer a 422 about the body's shape that never says why).

A route "takes a JSON body" when it declares one: a pydantic body parameter, or a
raw body it documents as JSON only (the signed webhooks). Form routes (the codec
sign-in, the console's pages) and routes that document other types (the adapter
configuration check takes TOML or YAML) are left alone; so is an empty body (the
route says whether one is needed).
"""

from typing import Any

from fastapi import Depends, HTTPException, Request, status
from fastapi import params as fastapi_params

HEADER = "Content-Type"
JSON = "application/json"


def is_json(media_type: str) -> bool:
    """``application/json`` or a JSON-based ``application/*+json``, as FastAPI parses."""
    return media_type == JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def media_type_of(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def takes_json_body(route: Any) -> bool:
    body_field = getattr(route, "body_field", None)
    if body_field is not None:
        return not isinstance(body_field.field_info, fastapi_params.Form)  # File is a Form
    extra = getattr(route, "openapi_extra", None) or {}
    documented = extra.get("requestBody", {}).get("content", {})
    return bool(documented) and all(is_json(media_type) for media_type in documented)


async def json_bodies_only(request: Request) -> None:
    if not takes_json_body(request.scope.get("route")) or not await request.body():
        return
    media_type = media_type_of(request.headers.get(HEADER))
    if is_json(media_type):
        return
    got = media_type[:100] if media_type else f"no {HEADER}"
    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail=[
            {
                "loc": ["header", HEADER],
                "msg": f"{HEADER}: this route takes a JSON body: send {JSON} (got {got})",
                "type": "unsupported_media_type",
                "code": "unsupported_media_type",
            }
        ],
    )


JsonBodiesOnly = Depends(json_bodies_only)

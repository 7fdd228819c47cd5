"""Small helpers every part of the simulator shares (its core and its Meta part): the
clock, the JSON merge patch its overlays use, and the field errors a 422 names. They
import nothing of the simulator, so the simulator's modules stay acyclic."""

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Overlay ``overlay`` on ``base`` as a JSON merge patch (RFC 7396): nested objects
    merge, ``null`` clears the key (the knob falls back to its built-in default),
    anything else replaces."""
    merged = dict(base)
    for key, value in overlay.items():
        current = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict):
            merged[key] = deep_merge(current if isinstance(current, dict) else {}, value)
        else:
            merged[key] = value
    return merged


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as ``{"field": "a.b", "message": ...}``: what a 422 names."""
    return [
        {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]


def now_utc() -> datetime:
    return datetime.now(UTC)

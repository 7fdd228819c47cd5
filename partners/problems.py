"""Configuration problems, each naming where it was found (file or entry point),
the adapter and the field, so an integrator can fix it without reading code."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError


class ConfigProblem(BaseModel):
    """One thing wrong with the adapter configuration.

    ``str()`` reads ``adapters.toml: adapter 'ligue-idf': smtp.port: Input should be
    a valid integer``. Messages never hold configured values (they may be secrets).
    """

    where: str
    adapter: str | None = None
    field: str | None = None
    message: str

    def __str__(self) -> str:
        parts = [self.where]
        if self.adapter is not None:
            parts.append(f"adapter '{self.adapter}'")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class AdapterLoadError(Exception):
    """The adapter configuration is broken: start-up stops, listing every problem."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} adapter configuration problem(s):\n{lines}")


class ConfigInvalid(Exception):
    """Raised while building one adapter; the loader adds where and which adapter."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = list(problems)  # (field, message)
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in self.problems))


def dotted(loc: Sequence[int | str], prefix: str = "") -> str:
    path = ".".join(str(part) for part in loc)
    return f"{prefix}.{path}" if prefix and path else prefix or path


def validation_problems(exc: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """Pydantic errors as (field, message), without the offending input values."""
    return [
        (dotted(error["loc"], prefix), error["msg"].removeprefix("Value error, "))
        for error in exc.errors()
    ]


def describe(value: Any) -> str:
    """A short, value-free description of what was found (for type mismatches)."""
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__

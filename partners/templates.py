"""Message templates of e-mail channels: ``string.Template`` with dotted
placeholders, ``${package.age_band}`` or ``${item.location.url}``, checked against
our documents when the configuration loads."""

import string
from typing import Any

from pydantic import BaseModel

from partners.mapping import get_path, path_problem


class DottedTemplate(string.Template):
    braceidpattern = r"[_a-z][_a-z0-9]*(?:\.[_a-z0-9]+)*"


def render(template: str, document: dict[str, Any]) -> str:
    """Fill the template; a missing optional value renders as "-", a list as
    comma-separated values."""
    values = {}
    for name in DottedTemplate(template).get_identifiers():
        value = get_path(document, name)
        if value is None:
            values[name] = "-"
        elif isinstance(value, list):
            values[name] = ", ".join(str(item) for item in value)
        else:
            values[name] = str(value)
    return DottedTemplate(template).substitute(values)


def template_problems(template: str, document: type[BaseModel], field: str) -> list[str]:
    parsed = DottedTemplate(template)
    if not parsed.is_valid():
        return [f"{field}: invalid placeholder (write ${{name}} or $$ for a dollar sign)"]
    return [
        f"{field}: {problem}"
        for name in parsed.get_identifiers()
        if (problem := path_problem(document, name)) is not None
    ]

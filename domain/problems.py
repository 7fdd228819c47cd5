"""What is wrong with a request, as the workflows refuse it and the API reports it.

A problem names the field it is about (``loc``, as pydantic does), says why in the
counsellor's words (``msg``, English) and carries a stable ``code`` that a screen can
translate. Update validators raise them as the details of their rejection, so the API
maps them to its 422 list as they are, without reading the sentences.
"""

from pydantic import BaseModel, Field


class Problem(BaseModel):
    loc: list[str | int] = Field(default_factory=list, description="The field, e.g. items.0.url")
    msg: str
    code: str = Field(description="Stable identifier of the problem, for translations")


def problem(code: str, loc: tuple[str | int, ...], msg: str) -> Problem:
    return Problem(loc=list(loc), msg=msg, code=code)

"""Liveness and readiness."""

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    temporal: bool
    database: bool


class Liveness(BaseModel):
    status: str

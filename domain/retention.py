"""The daily retention purge: what it is started with and what it reports."""

from datetime import datetime

from pydantic import BaseModel, Field


class PurgeRunInput(BaseModel):
    batch_size: int = Field(default=500, ge=1, le=1000)


class PurgeReport(BaseModel):
    purged: list[str]


class SchedulePurgeRequest(BaseModel):
    case_id: str
    purge_after: datetime | None = Field(description="None: the case was reopened")


class DuePurgesRequest(BaseModel):
    now: datetime
    limit: int = Field(default=100, ge=1, le=1000)


class DuePurges(BaseModel):
    case_ids: list[str]


class PurgedCase(BaseModel):
    case_id: str
    at: datetime


class DestroyCaseKeyRequest(BaseModel):
    case_id: str = Field(min_length=1, max_length=64)


class DestroyCaseKeyResult(BaseModel):
    case_id: str
    destroyed: bool = Field(description="False when the key was already gone")

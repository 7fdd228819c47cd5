"""Control API: configure targets at run time, force decisions, reset.

Never subject to the failure modes. Validation errors answer 422 with
``{"detail": [{"field": "error_rate", "message": ...}]}``.
"""

import json
import random
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator import decisions
from simulator.basics import deep_merge, field_errors
from simulator.config import TargetConfig
from simulator.intake import Slug, StateDep
from simulator.state import SubmissionKind

router = APIRouter(prefix="/_control", tags=["control"])


def _invalid(field: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": [{"field": field, "message": message}]}, status_code=422)


def _config_json(config: TargetConfig) -> dict[str, Any]:
    return config.model_dump(mode="json")


@router.get("/health")
async def health() -> dict[str, bool]:
    return {"ok": True}


@router.get("/targets")
async def list_targets(state: StateDep) -> dict[str, Any]:
    return {
        "defaults": _config_json(state.config.target_config(None)),
        "targets": {slug: _config_json(t.config) for slug, t in sorted(state.targets.items())},
    }


@router.get("/targets/{slug}")
async def get_target(slug: Slug, state: StateDep) -> dict[str, Any]:
    return _config_json(state.target(slug).config)


@router.put("/targets/{slug}")
async def update_target(slug: Slug, request: Request, state: StateDep) -> JSONResponse:
    """Merge a partial config into the target's live config (nested objects merge)."""
    try:
        update = json.loads(await request.body())
    except ValueError:
        return _invalid("body", "not valid JSON")
    if not isinstance(update, dict):
        return _invalid("body", "must be a JSON object of config fields")
    target = state.target(slug)
    try:
        config = TargetConfig.model_validate(deep_merge(_config_json(target.config), update))
    except ValidationError as exc:
        return JSONResponse({"detail": field_errors(exc)}, status_code=422)
    target.config = config
    if state.journal is not None:
        state.journal.config(slug, config)
    if "seed" in update:
        target.rng = random.Random(f"{config.seed}:{slug}")
    return JSONResponse(_config_json(config))


@router.post("/reset")
async def reset(state: StateDep, config: bool = False) -> dict[str, bool]:
    """Clear records and per-target state; ``?config=true`` also restores start configs."""
    await state.reset(reset_config=config)
    return {"reset": True, "config": config}


class DecideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    decision: str | None = Field(default=None, description="Notices: removed|restricted|refused")
    status: str | None = Field(
        default=None, description="Handoffs: accepted|in_progress|closed|declined"
    )
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/decide")
async def decide(request: DecideRequest, state: StateDep) -> JSONResponse:
    """A human playing the platform or partner: decide now, webhook if configured."""
    submission = state.find(request.target, request.reference)
    if submission is None:
        return JSONResponse({"detail": "unknown reference for this target"}, status_code=404)
    field = "decision" if request.decision is not None else "status"
    value = request.decision if request.decision is not None else request.status
    notice = submission.kind is SubmissionKind.NOTICE
    allowed = decisions.NOTICE_STATUSES if notice else decisions.HANDOFF_STATUSES
    if value not in allowed:
        return _invalid(field, f"must be one of {sorted(allowed)} for a {submission.kind.value}")
    decisions.cancel_planned(state, submission)
    decisions.decide(state, submission, value, request.reason)
    return JSONResponse(submission.model_dump(mode="json", exclude={"body"}))

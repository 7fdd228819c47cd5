"""Recorded histories replay against the current workflow code.

A change that would break a running case fails here: guard it with
``workflow.patched`` (workflows/README.md says how, and how to record the histories).
"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from relais.converter import data_converter
from worker import WORKFLOWS

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").rglob("*.json"))


def test_histories_cover_every_workflow_type() -> None:
    recorded = {path.name.split("-", 1)[0] for path in HISTORIES}
    assert recorded >= {"case", "notice", "referral", "retention", "conversation", "queue"}


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=data_converter())
    await replayer.replay_workflow(history)

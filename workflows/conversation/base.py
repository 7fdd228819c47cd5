"""What every handler group of the conversation workflow shares: its input, state,
lock and effects, and how it refuses. Workflow code: the handler groups
(:mod:`workflows.conversation.young_person`, :mod:`workflows.conversation.counsellor`)
and :class:`ConversationWorkflow` build on it.

Most handlers only change the state (no await): they answer at once, and the main
loop publishes what changed (the queue, the directory row, the search attributes).
Those that await (linking a case) hold the one lock, as the main loop does."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.problems import Problem
    from workflows.conversation.effects import ConversationEffects
    from workflows.conversation.state import ConversationInput, ConversationState
    from workflows.rejection import rejection


class ConversationHandlers:
    _input: ConversationInput
    state: ConversationState
    _lock: asyncio.Lock
    _effects: ConversationEffects

    def _refuse(self, problems: list[Problem]) -> None:
        """Validators call it, and handlers again (the state may have moved on)."""
        if problems:
            raise rejection(problems)

"""The young person's side of the conversation: writing, leaving, asking to be called
back instead of waiting, and what their page reads."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import workflows.conversation.checks as checks
    import workflows.conversation.projections as project
    from domain import contract
    from domain.conversation import (
        PULLED_CHANNELS,
        AuthorKind,
        CallbackRequest,
        ChannelStatusNote,
        HelplineAnswers,
        MessageAccepted,
        ViewRequest,
        YoungPersonLeaves,
        YoungPersonView,
        YoungPersonWrites,
    )
    from workflows.conversation.base import ConversationHandlers


class YoungPersonHandlers(ConversationHandlers):
    @workflow.query(name=contract.YOUNG_PERSON_VIEW.name)
    def young_person_view(self, request: ViewRequest) -> YoungPersonView:
        return project.young_person_view(self.state, self._input, request.since_seq)

    @workflow.update(name=contract.YOUNG_PERSON_WRITES.name)
    def young_person_writes(self, request: YoungPersonWrites) -> MessageAccepted:
        """The door stored the message (sealed) first; here it takes its place."""
        self._validate_young_person_writes(request)
        line, already = self.state.young_person_writes(request.message, workflow.now())
        return MessageAccepted(
            message_id=line.message_id, seq=line.seq, at=line.at, already_recorded=already
        )

    @young_person_writes.validator
    def _validate_young_person_writes(self, request: YoungPersonWrites) -> None:
        self._refuse(checks.young_person_message_problems(self.state, request.message))

    @workflow.update(name=contract.HELPLINE_ANSWERS.name)
    def helpline_answers(self, request: HelplineAnswers) -> MessageAccepted:
        """An automatic answer (what the helpline cannot read): a line to the young
        person from nobody in particular, pushed by the courier; its key makes it once."""
        self._validate_helpline_answers(request)
        line, already = self.state.ledger.add(
            request.message, AuthorKind.COUNSELLOR, None, workflow.now()
        )
        return MessageAccepted(
            message_id=line.message_id, seq=line.seq, at=line.at, already_recorded=already
        )

    @helpline_answers.validator
    def _validate_helpline_answers(self, request: HelplineAnswers) -> None:
        self._refuse(checks.young_person_message_problems(self.state, request.message))

    @workflow.update(name=contract.YOUNG_PERSON_LEAVES.name)
    def young_person_leaves(self, request: YoungPersonLeaves) -> YoungPersonView:
        """Before anyone answered it is abandoned (counted, never silently dropped);
        during the chat the counsellor is left to wrap up. Leaving twice is leaving."""
        self.state.young_person_leaves(workflow.now())
        return project.young_person_view(self.state, self._input, self.state.ledger.last_seq)

    @young_person_leaves.validator
    def _validate_young_person_leaves(self, request: YoungPersonLeaves) -> None:
        pass  # always possible, and idempotent

    @workflow.update(name=contract.REQUEST_CALLBACK.name)
    def request_callback(self, request: CallbackRequest) -> YoungPersonView:
        """Rather than wait on: the door stored how to call them (sealed) first; the
        conversation ends as ``callback_requested`` and a case with a callback owed
        is opened from it by the application layer."""
        self._validate_request_callback(request)
        self.state.request_callback(request.window, workflow.now())
        return project.young_person_view(self.state, self._input, self.state.ledger.last_seq)

    @request_callback.validator
    def _validate_request_callback(self, request: CallbackRequest) -> None:
        self._refuse(checks.callback_problems(self.state))

    @workflow.signal(name=contract.CHANNEL_STATUS.name)
    def channel_status(self, note: ChannelStatusNote) -> None:
        """WhatsApp, Messenger: what the channel says of messages sent (sent, delivered,
        read, failed), shown on the counsellor's transcript."""
        if self._input.channel not in PULLED_CHANNELS:
            self.state.ledger.channel_status(note)

"""The counsellor's side: answering an offer (or a colleague's transfer), replying,
closing the chat and wrapping up, handing over, linking the conversation to a case;
and what their screen reads. The application layer checks who may act; here the
conversation checks that the act fits where it stands."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import workflows.conversation.checks as checks
    import workflows.conversation.projections as project
    from domain import contract
    from domain.conversation import MessageAccepted, ViewRequest
    from domain.conversation_desk import (
        AcceptRequest,
        CounsellorReplies,
        CounsellorView,
        EndChatRequest,
        LinkCaseRequest,
        OfferPassed,
        PassRequest,
        TransferRequest,
        WrapUpRequest,
    )
    from workflows.conversation.base import ConversationHandlers


class CounsellorHandlers(ConversationHandlers):
    @workflow.query(name=contract.COUNSELLOR_VIEW.name)
    def counsellor_view(self, request: ViewRequest) -> CounsellorView:
        return self._view(request.since_seq)

    def _view(self, since_seq: int = 0) -> CounsellorView:
        return project.counsellor_view(self.state, self._input, since_seq)

    @workflow.update(name=contract.ACCEPT_CONVERSATION.name)
    def accept_conversation(self, request: AcceptRequest) -> CounsellorView:
        """The conversation decides who has it: an offer stands until the queue
        withdraws it, and the first accept of a standing offer wins."""
        self._validate_accept_conversation(request)
        self.state.accept(request.actor, request.offer_id, workflow.now())
        return self._view()

    @accept_conversation.validator
    def _validate_accept_conversation(self, request: AcceptRequest) -> None:
        self._refuse(checks.accept_problems(self.state, request))

    @workflow.update(name=contract.PASS_CONVERSATION.name)
    def pass_conversation(self, request: PassRequest) -> OfferPassed:
        self._validate_pass_conversation(request)
        self.state.pass_on(request.actor, request.offer_id)
        return OfferPassed(
            conversation_id=self._input.conversation_id,
            offer_id=request.offer_id,
            status=self.state.status,
        )

    @pass_conversation.validator
    def _validate_pass_conversation(self, request: PassRequest) -> None:
        self._refuse(checks.pass_problems(self.state, request))

    @workflow.update(name=contract.COUNSELLOR_REPLIES.name)
    def counsellor_replies(self, request: CounsellorReplies) -> MessageAccepted:
        """The door stored the reply (sealed) first; a channel that pushes gets it
        from the courier, the web chat page reads it."""
        self._validate_counsellor_replies(request)
        line, already = self.state.counsellor_writes(request.actor, request.message, workflow.now())
        return MessageAccepted(
            message_id=line.message_id, seq=line.seq, at=line.at, already_recorded=already
        )

    @counsellor_replies.validator
    def _validate_counsellor_replies(self, request: CounsellorReplies) -> None:
        self._refuse(checks.reply_problems(self.state, request))

    @workflow.update(name=contract.END_CHAT.name)
    def end_chat(self, request: EndChatRequest) -> CounsellorView:
        self._validate_end_chat(request)
        self.state.end_chat(workflow.now())
        return self._view()

    @end_chat.validator
    def _validate_end_chat(self, request: EndChatRequest) -> None:
        self._refuse(checks.end_chat_problems(self.state, request))

    @workflow.update(name=contract.WRAP_UP.name)
    def wrap_up(self, request: WrapUpRequest) -> CounsellorView:
        self._validate_wrap_up(request)
        self.state.wrap_up(request.outcome, workflow.now())
        return self._view()

    @wrap_up.validator
    def _validate_wrap_up(self, request: WrapUpRequest) -> None:
        self._refuse(checks.wrap_up_problems(self.state, request))

    @workflow.update(name=contract.TRANSFER_CONVERSATION.name)
    def transfer_conversation(self, request: TransferRequest) -> CounsellorView:
        """To a colleague or a supervisor: it stays with the counsellor (the young
        person is never left alone) until the colleague accepts; declined or not
        answered in time, it simply stays."""
        self._validate_transfer_conversation(request)
        now, state = workflow.now(), self.state
        note = None
        if request.note is not None:
            note, _ = state.counsellor_writes(request.actor, request.note, now, internal=True)
        state.transfer_to(request, note, now, self._input.policy.transfer_timeout)
        return self._view()

    @transfer_conversation.validator
    def _validate_transfer_conversation(self, request: TransferRequest) -> None:
        self._refuse(checks.transfer_problems(self.state, request))

    @workflow.update(name=contract.LINK_CASE.name)
    async def link_case(self, request: LinkCaseRequest) -> CounsellorView:
        """The conversation joins a case (opened from it, or an existing one): its
        transcript moves under the case's key now, and new messages are sealed with
        it. Once the conversation is over its own key is destroyed and it ends."""
        async with self._lock:
            self._validate_link_case(request)
            state = self.state
            if state.linked_case_id == request.case_id:
                return self._view()  # linked already: the same answer
            retire = state.final and state.filed
            linked = await self._effects.link_transcript(request.case_id, retire)
            state.link(request.case_id, request.how, workflow.now())
            state.conversation_key_destroyed = linked.conversation_key_destroyed
            return self._view()

    @link_case.validator
    def _validate_link_case(self, request: LinkCaseRequest) -> None:
        self._refuse(checks.link_problems(self.state, request))

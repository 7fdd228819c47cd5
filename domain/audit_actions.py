"""Every action the audit trail names, in one place: the application layer's services
write them, the retention purge writes ``case.purge``, auditors filter on them
(``GET /audit?action=``). The values are stored: renaming one splits the trail in two.

A read a screen repeats is recorded once per caller and window; an action sent again
under the same idempotency key (the same request retried, the same form sent twice)
is recorded once (``application.audit_trail``).
"""

from enum import StrEnum


class AuditAction(StrEnum):
    # Opening a case
    CASE_OPEN = "case.open"
    CASE_OPEN_INBOUND = "case.open.inbound"  # a partner referred a young person to us
    # The case's own actions (workflows/case/workflow.py)
    CASE_ITEMS_ADD = "case.items.add"
    CASE_REFERRAL_REQUEST = "case.referral.request"
    CASE_NOTICE_REVIEW = "case.notice.review"
    CASE_CONSENT_WITHDRAW = "case.consent.withdraw"
    CASE_NEWS_STOP = "case.news.stop"  # the young person answered STOP on their channel
    CASE_NEWS_CONSENT = "case.news.consent"  # their yes or no to news, after the opening
    CASE_NEWS_ASK = "case.news.ask"  # the question sent with buttons in their conversation
    CASE_NEWS_TAP_IGNORED = "case.news.tap_ignored"  # a tap on no question of theirs, or answered
    CASE_CLOSE = "case.close"
    CASE_REOPEN = "case.reopen"
    # The callback (workflows/case/callback_handlers.py)
    CASE_CALLBACK_CLAIM = "case.callback.claim"
    CASE_CALLBACK_RESCHEDULE = "case.callback.reschedule"
    CASE_CALLBACK_RECORD = "case.callback.record"
    # A counsellor's day on the case (workflows/case/casework_handlers.py)
    CASE_CONTACT_READ = "case.contact.read"
    CASE_NOTE_ADD = "case.note.add"
    CASE_CONTACT_ADD = "case.contact.add"
    CASE_RISK_RECORD = "case.risk.record"
    CASE_URGENCY_CHANGE = "case.urgency.change"
    CASE_INTAKE_CORRECT = "case.intake.correct"
    CASE_ASSIGN = "case.assign"
    CASE_HANDOVER = "case.handover"
    # One referral (its ReferralWorkflow)
    REFERRAL_MANUAL_HANDOFF = "referral.manual_handoff"
    # A young person's conversation, their own actions (actor ``conversation:<id>``,
    # role ``young_person``; application/conversations)
    CONVERSATION_START = "conversation.start"
    CONVERSATION_WRITE = "conversation.write"
    CONVERSATION_READ = "conversation.read"  # their page read their side of the transcript
    CONVERSATION_LEAVE = "conversation.leave"
    CONVERSATION_CALLBACK_REQUEST = "conversation.callback.request"
    # A counsellor (or supervisor) at their desk and in a conversation
    # (application/conversations/counsellor.py)
    COUNSELLOR_PRESENCE = "counsellor.presence"
    CONVERSATION_ACCEPT = "conversation.accept"
    CONVERSATION_PASS = "conversation.pass"
    CONVERSATION_TRANSCRIPT_READ = "conversation.transcript.read"  # personal data
    CONVERSATION_REPLY = "conversation.reply"
    CONVERSATION_END = "conversation.end"
    CONVERSATION_WRAP_UP = "conversation.wrap_up"
    CONVERSATION_LINK = "conversation.link"  # to a case opened from it, or an existing one
    CONVERSATION_TRANSFER = "conversation.transfer"  # to a colleague; never the note
    # a young person writing again: the cases their earlier conversations joined (personal data)
    CONVERSATION_EARLIER_CONTACT_READ = "conversation.earlier_contact.read"
    CONTACT_SEARCH = "contact.search"  # by an identifier typed: never the identifier itself
    # Reading cases, who may read them, the tasks
    CASE_READ = "case.read"
    CASE_LIST = "case.list"
    CASE_SHARE = "case.share"
    CASE_SHARES_READ = "case.shares.read"
    TASK_LIST = "task.list"
    TASK_CLAIM = "task.claim"
    # Platforms and partners (signed webhooks)
    NOTICE_DECISION = "notice.decision"
    REFERRAL_STATUS = "referral.status"
    # Figures and the trail itself
    AUDIT_READ = "audit.read"
    REPORT_TRUSTED_FLAGGER_READ = "report.trusted_flagger.read"
    STATS_PLATFORMS_READ = "stats.platforms.read"
    STATS_REMOVAL_TIMES_READ = "stats.removal_times.read"
    CONSOLE_DASHBOARD_READ = "console.dashboard.read"
    # Adapters (integrators)
    ADAPTER_TEST_NOTICE = "adapter.test_notice"
    ADAPTER_TEST_HANDOFF = "adapter.test_handoff"
    # Signing in, the Temporal UI's codec
    CONSOLE_SIGN_IN = "console.sign_in"
    CONSOLE_SIGN_OUT = "console.sign_out"
    CODEC_LOGIN = "codec.login"
    CODEC_DECODE = "codec.decode"
    CODEC_ENCODE = "codec.encode"
    # Evidence files (application/evidence.py): never a byte or a hash of them here
    EVIDENCE_ADD = "evidence.add"
    EVIDENCE_LIST = "evidence.list"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_THUMBNAIL = "evidence.thumbnail"  # the blurred thumbnail of an image
    EVIDENCE_REVEAL = "evidence.reveal"  # the image shown clear, when the counsellor asked
    UPLOAD_LINK_CREATE = "upload_link.create"  # a one-time link for the young person's files
    # The end of retention (activities/retention.py)
    CASE_PURGE = "case.purge"

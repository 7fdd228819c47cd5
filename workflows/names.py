"""Wire names of workflows, updates, signals and queries, and how ids are derived.

The API refers to workflows by these names rather than importing workflow code.
"""

SUPPORT_CASE_WORKFLOW = "SupportCaseWorkflow"
TAKEDOWN_WORKFLOW = "TakedownWorkflow"
REFERRAL_WORKFLOW = "ReferralWorkflow"
RETENTION_PURGE_WORKFLOW = "RetentionPurgeWorkflow"

# SupportCaseWorkflow
UPDATE_ADD_ITEMS = "add_items"  # AddItemsRequest -> AddItemsResult
UPDATE_REQUEST_REFERRAL = "request_referral"  # ReferralRequest -> ReferralOutcome
UPDATE_RECORD_CALLBACK_OUTCOME = "record_callback_outcome"  # CallbackOutcomeRequest -> CaseView
UPDATE_CLOSE = "close"  # CloseRequest -> CaseView
UPDATE_REVIEW_NOTICE = "review_notice"  # NoticeReviewRequest -> NoticeReviewResult
UPDATE_WITHDRAW_CONSENT = "withdraw_consent"  # WithdrawConsentRequest -> CaseView
UPDATE_CLAIM_CALLBACK = "claim_callback"  # ClaimCallbackRequest -> CaseView
UPDATE_RESCHEDULE_CALLBACK = "reschedule_callback"  # RescheduleCallbackRequest -> CaseView
UPDATE_REOPEN = "reopen"  # ReopenRequest -> CaseView
QUERY_VIEW = "view"  # -> CaseView
SIGNAL_NOTICE_PROGRESS = "notice_progress"  # NoticeProgress (from TakedownWorkflow)
SIGNAL_REFERRAL_PROGRESS = "referral_progress"  # ReferralProgress (from ReferralWorkflow)

# TakedownWorkflow
SIGNAL_DECISION = "decision"  # NoticeDecision (from the platform webhook)
QUERY_NOTICE = "notice"  # -> NoticeOutcome

# ReferralWorkflow
SIGNAL_PARTNER_STATUS = "partner_status"  # HandoffStatus (from the partner webhook)
QUERY_REFERRAL = "referral"  # -> ReferralOutcome
UPDATE_RECORD_MANUAL_HANDOFF = "record_manual_handoff"  # ManualHandoffRequest -> ReferralOutcome


def case_workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


def notice_workflow_id(notice_id: str) -> str:
    return f"notice-{notice_id}"


def referral_workflow_id(referral_id: str) -> str:
    return f"referral-{referral_id}"

"""What the console calls each enum value and each problem, in English source strings
(translated at render time by the page's catalogue). Problems are translated by their
stable ``code``, never by reading the English sentence the API gives."""

from enum import StrEnum

from application.worklist_lines import CallbackWhen, NextAction
from console.i18n import N_
from domain.case import CallbackResult, CaseStatus, ConsentScope
from domain.conversation import ConversationStatus, Writer
from domain.conversation_desk import ConversationOutcome, TransferTo
from domain.conversation_queue import Presence
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.items import ContentType, LegalQualification
from domain.notice import Decision, NoticeStatus, ReviewChoice
from domain.referral import LegalBasis, ReferralStatus
from domain.tasks import TaskKind
from relais.settings import Role

LABELS: dict[StrEnum, str] = {
    CaseStatus.OPEN: N_("open"),
    CaseStatus.AWAITING_PLATFORM: N_("awaiting the platform"),
    CaseStatus.AWAITING_PARTNER: N_("awaiting a partner"),
    CaseStatus.CALLBACK_SCHEDULED: N_("callback planned"),
    CaseStatus.CALLBACK_DUE: N_("callback due"),
    CaseStatus.AWAITING_CLOSURE: N_("ready to close"),
    CaseStatus.CLOSED: N_("closed"),
    Urgency.CRITICAL: N_("critical"),
    Urgency.HIGH: N_("high"),
    Urgency.NORMAL: N_("normal"),
    Urgency.LOW: N_("low"),
    Channel.PHONE: N_("phone"),
    Channel.WEB_CHAT: N_("web chat"),
    Channel.MESSENGER: N_("Messenger"),
    Channel.WHATSAPP: N_("WhatsApp"),
    Channel.APP: N_("the 3018 app"),
    Channel.EMAIL: N_("e-mail"),
    Channel.PARTNER_REFERRAL: N_("referred by a partner"),
    CallerRole.VICTIM: N_("the young person"),
    CallerRole.PARENT: N_("a parent"),
    CallerRole.WITNESS: N_("a witness"),
    CallerRole.PROFESSIONAL: N_("a professional"),
    AgeBand.UNDER_11: N_("under 11"),
    AgeBand.AGE_11_14: N_("11 to 14"),
    AgeBand.AGE_15_17: N_("15 to 17"),
    AgeBand.AGE_18_25: N_("18 to 25"),
    AgeBand.ADULT: N_("adult"),
    AgeBand.UNKNOWN: N_("unknown"),
    Category.CYBERHARASSMENT: N_("cyberharassment"),
    Category.INTIMATE_IMAGE: N_("intimate image shared"),
    Category.SEXTORTION: N_("sextortion, webcam blackmail"),
    Category.HACKING: N_("account hacking"),
    Category.IDENTITY_THEFT: N_("identity theft"),
    Category.GROOMING: N_("grooming"),
    Category.VIOLENT_OR_PORNOGRAPHIC_CONTENT: N_("violent or pornographic content seen"),
    Category.PROSTITUTION_OF_MINOR: N_("online prostitution of a minor"),
    Category.SCREEN_TIME: N_("screen time, parental control"),
    Category.OTHER: N_("other"),
    RiskFlag.SUICIDAL_RISK: N_("suicidal risk"),
    RiskFlag.ONGOING_SEXUAL_EXPLOITATION: N_("ongoing sexual exploitation"),
    RiskFlag.MINOR_IN_PROSTITUTION: N_("minor in prostitution"),
    RiskFlag.CHILD_AT_RISK_AT_HOME: N_("child at risk at home"),
    ContentType.POST: N_("post"),
    ContentType.IMAGE: N_("image"),
    ContentType.VIDEO: N_("video"),
    ContentType.ACCOUNT: N_("account"),
    ContentType.MESSAGE: N_("message"),
    ContentType.COMMENT: N_("comment"),
    ContentType.LIVE_STREAM: N_("live stream"),
    LegalQualification.CYBERHARASSMENT: N_("cyberharassment"),
    LegalQualification.INTIMATE_IMAGE_WITHOUT_CONSENT: N_("intimate image without consent"),
    LegalQualification.BLACKMAIL: N_("blackmail"),
    LegalQualification.IDENTITY_THEFT: N_("identity theft"),
    LegalQualification.HACKING: N_("hacking"),
    LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL: N_("child sexual abuse material"),
    LegalQualification.SEXUAL_SOLICITATION_OF_MINOR: N_("sexual solicitation of a minor"),
    LegalQualification.PROSTITUTION_OF_MINOR: N_("recourse to prostitution of a minor"),
    LegalQualification.PORNOGRAPHY_SEEN_BY_MINORS: N_("pornography seen by minors"),
    LegalQualification.INCITEMENT_TO_SUICIDE: N_("incitement to suicide"),
    NoticeStatus.PENDING: N_("being prepared"),
    NoticeStatus.SUBMITTED: N_("sent"),
    NoticeStatus.ACKNOWLEDGED: N_("received by the platform"),
    NoticeStatus.DECIDED: N_("decided"),
    NoticeStatus.VERIFIED_REMOVED: N_("removed (checked)"),
    NoticeStatus.STILL_ONLINE: N_("still online"),
    NoticeStatus.REMOVAL_UNVERIFIED: N_("removal not checkable"),
    NoticeStatus.REFUSED: N_("refused"),
    NoticeStatus.FAILED: N_("failed"),
    NoticeStatus.CANCELLED: N_("cancelled"),
    Decision.REMOVED: N_("removed"),
    Decision.RESTRICTED: N_("restricted"),
    Decision.REFUSED: N_("refused"),
    Decision.NO_ANSWER: N_("no answer"),
    ReviewChoice.APPEAL: N_("Appeal to the platform"),
    ReviewChoice.REFER_TO_PHAROS: N_("Report to Pharos"),
    ReviewChoice.ACCEPT: N_("Accept the decision"),
    ReferralStatus.PENDING: N_("being handed over"),
    ReferralStatus.SENT: N_("sent"),
    ReferralStatus.ACKNOWLEDGED: N_("acknowledged"),
    ReferralStatus.ACCEPTED: N_("accepted"),
    ReferralStatus.IN_PROGRESS: N_("in progress"),
    ReferralStatus.CLOSED: N_("closed"),
    ReferralStatus.DECLINED: N_("declined"),
    ReferralStatus.FAILED: N_("failed"),
    ReferralStatus.CANCELLED: N_("cancelled"),
    LegalBasis.CONSENT: N_("the young person's consent"),
    LegalBasis.CHILD_IN_DANGER: N_("child in danger (no consent needed)"),
    LegalBasis.LIFE_AT_RISK: N_("life at risk (no consent needed)"),
    LegalBasis.ILLEGAL_CONTENT_REPORT: N_("report of illegal content (no contact details)"),
    CallbackResult.REACHED: N_("reached"),
    CallbackResult.NOT_REACHED: N_("not reached"),
    CallbackResult.DECLINED: N_("declined to talk"),
    ConsentScope.PLATFORMS: N_("reporting to platforms"),
    ConsentScope.PARTNER: N_("referral to a partner"),
    ConsentScope.CALLBACK: N_("being called back"),
    TaskKind.CALLBACK_DUE: N_("callback due"),
    TaskKind.SUPERVISOR_ESCALATION: N_("escalated to a supervisor"),
    TaskKind.NOTICE_REJECTED: N_("notice refused: review it"),
    TaskKind.NOTICE_REVIEW: N_("notice to review"),
    TaskKind.MANUAL_HANDOFF: N_("hand over by phone"),
    NextAction.WAIT_FOR_PLATFORM: N_("wait for the platform"),
    NextAction.WAIT_FOR_PARTNER: N_("wait for the partner"),
    NextAction.CALL_BACK: N_("call back"),
    NextAction.CALL_BACK_NOW: N_("call back now"),
    NextAction.CLOSE: N_("close the case"),
    NextAction.NONE: N_("nothing planned"),
    CallbackWhen.DUE: N_("due now"),
    CallbackWhen.SOON: N_("soon"),
    Writer.YOUNG_PERSON: N_("a young person"),
    Presence.AVAILABLE: N_("available"),
    Presence.BUSY: N_("busy (no new conversation)"),
    Presence.AWAY: N_("away"),
    ConversationStatus.WAITING: N_("waiting"),
    ConversationStatus.OFFERED: N_("offered"),
    ConversationStatus.ACTIVE: N_("in progress"),
    ConversationStatus.WRAPPING_UP: N_("chat closed: wrap-up to write"),
    ConversationStatus.ENDED: N_("ended"),
    ConversationStatus.ABANDONED: N_("left before an answer"),
    ConversationStatus.MISSED: N_("outside opening hours"),
    ConversationStatus.CALLBACK_REQUESTED: N_("callback requested"),
    ConversationOutcome.ADVICE_GIVEN: N_("advice given"),
    ConversationOutcome.CASE_OPENED: N_("case opened"),
    ConversationOutcome.ATTACHED_TO_CASE: N_("attached to a case"),
    ConversationOutcome.REFERRED_ELSEWHERE: N_("referred elsewhere"),
    ConversationOutcome.YOUNG_PERSON_SILENT: N_("the young person stopped answering"),
    ConversationOutcome.OUT_OF_SCOPE: N_("out of scope"),
    ConversationOutcome.ABUSIVE_OR_HOAX: N_("abusive or hoax"),
    ConversationOutcome.NOT_RECORDED: N_("not recorded"),
    TransferTo.COLLEAGUE: N_("a colleague"),
    TransferTo.SUPERVISOR: N_("a supervisor"),
    Role.COUNSELLOR: N_("counsellor"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.INTEGRATOR: N_("integrator"),
    Role.AUDITOR: N_("auditor"),
}

# What each kind of timeline entry is about (its detail is the case's own record).
TIMELINE: dict[str, str] = {
    "opened": N_("Opened"),
    "triage": N_("Triage"),
    "contact": N_("Contact"),
    "note": N_("Note"),
    "risk": N_("Risk"),
    "urgency": N_("Urgency"),
    "correction": N_("Correction"),
    "handover": N_("Handover"),
    "notice": N_("Notice"),
    "referral": N_("Referral"),
    "callback": N_("Callback"),
    "consent": N_("Consent"),
    "escalation": N_("Escalation"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
}

# Problems the case workflow (and the API's own rules) name by code.
PROBLEMS: dict[str, str] = {
    "already_linked": N_("This conversation is already linked to a case."),
    "already_owner": N_("The case is already with this counsellor."),
    "callback_claimed": N_("Someone else has already taken this callback."),
    "callback_not_due": N_("No callback is due on this case."),
    "capacity_too_high": N_("That is more conversations at once than the helpline allows."),
    "case_closed": N_("The case is closed: reopen it first."),
    "case_open": N_("The case is open: there is nothing to reopen."),
    "chat_closed": N_("The young person has closed the chat."),
    "close_needs_reached": N_("Only a callback that reached the young person can close the case."),
    "conversation_missed": N_("This conversation came outside opening hours."),
    "conversation_over": N_("This conversation has ended."),
    "conversation_purged": N_("This conversation has been erased."),
    "evidence_corrupt": N_("This file is damaged: it cannot be read."),
    "evidence_empty": N_("This file is empty."),
    "evidence_too_large": N_("This file is larger than the helpline accepts."),
    "evidence_too_many_pixels": N_("This image is too large to be opened safely."),
    "evidence_truncated": N_("This file is incomplete: send it again."),
    "evidence_unsupported_type": N_(
        "This type of file is not accepted: send an image, a PDF, an MP4 video or a text."
    ),
    "handoff_received": N_("The partner has already received this handoff."),
    "idempotency_key_reused": N_("This request was already sent with different content."),
    "intimate_unanswered": N_("Say whether the file is an intimate image."),
    "invalid_language": N_("This language is not offered."),
    "legal_basis_not_allowed": N_("This legal basis does not apply to this partner."),
    "location_missing": N_("Give the exact location: a link, an account or a message id."),
    "message_id_reused": N_("This message was already sent with a different text."),
    "no_callback_consent": N_("The young person did not agree to be called back."),
    "no_callback_scheduled": N_("No callback is planned on this case."),
    "no_consent_given": N_("This consent was never given."),
    "no_partner_consent": N_("The young person has not agreed to this referral."),
    "no_pharos": N_("Pharos is not available here."),
    "no_platform_consent": N_("The young person has not agreed to reporting to platforms."),
    "not_answered": N_("Nobody has taken this conversation yet."),
    "not_the_owner": N_("Only the case's counsellor can hand it over."),
    "not_waiting": N_("This conversation is no longer waiting."),
    "not_with_you": N_("This conversation is with another counsellor."),
    "outside_window": N_(
        "More than 24 hours since the young person last wrote: free text can no longer "
        "reach them. Send one of the approved templates below."
    ),
    "not_your_offer": N_("This offer was made to someone else."),
    "nothing_to_correct": N_("Nothing differs from what was recorded."),
    "notice_already_reviewed": N_("This notice has already been reviewed."),
    "notice_not_found": N_("There is no such notice on this case."),
    "notice_not_reviewable": N_("This notice needs no review."),
    "offer_gone": N_("This offer has expired."),
    "offer_taken": N_("This offer has already been accepted."),
    "partner_missing": N_("Choose the partner."),
    "phone_handoff_recorded": N_("A phone handoff is already recorded."),
    "referral_ended": N_("This referral is already finished."),
    "referral_of_another_case": N_("This referral belongs to another case."),
    "referral_under_way": N_("A referral to this partner is already under way."),
    "reopen_window_passed": N_("Too late to reopen this case: open a new one."),
    "risk_already_recorded": N_("These risks are already recorded."),
    "time_in_past": N_("Choose a time in the future."),
    "time_too_far": N_("Choose a time within the next 60 days."),
    "time_zone_missing": N_("Give the time with its time zone."),
    "transfer_pending": N_("A transfer of this conversation is already waiting for an answer."),
    "transfer_to_self": N_("The conversation is already with you."),
    "unknown_partner": N_("This partner is not registered."),
    "unknown_platform": N_("This platform is not registered."),
    "urgency_unchanged": N_("The case already has this urgency."),
    "url_invalid": N_("Give a full link starting with https://."),
    "work_outstanding": N_(
        "Notices or referrals are still under way: close anyway to cancel them."
    ),
}

# Field errors from the request schemas, by pydantic error type.
FIELD_ERRORS: dict[str, str] = {
    "missing": N_("Required."),
    "string_too_short": N_("Required."),
    "too_short": N_("Choose at least one."),
    "string_too_long": N_("Too long."),
    "too_long": N_("Too many."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "int_parsing": N_("Give a whole number."),
    "int_from_float": N_("Give a whole number."),
    "greater_than_equal": N_("Too small."),
    "less_than_equal": N_("Too large."),
    "string_pattern_mismatch": N_("Use letters, digits and . _ @ : - only."),
    "datetime_from_date_parsing": N_("Give a date and a time."),
    "datetime_parsing": N_("Give a date and a time."),
    "timezone_aware": N_("Give the time with its time zone."),
    "bool_parsing": N_("Choose yes or no."),
    "extra_forbidden": N_("Not expected here."),
}
INVALID = N_("This value is not valid.")

# What a refused form's summary calls each field ("Age: required"), by the field's
# name in the form (a list's index left out: "items.0.platform" is "platform").
FIELD_NAMES: dict[str, str] = {
    "age_band": N_("Age"),
    "caller_role": N_("Caller"),
    "channel": N_("Channel"),
    "categories": N_("What happened"),
    "risk_flags": N_("Signs of danger"),
    "summary": N_("Summary"),
    "text": N_("Note"),
    "note": N_("Note"),
    "reason": N_("Why"),
    "to": N_("To"),
    "to_role": N_("Their role"),
    "at": N_("New time"),
    "result": N_("How it went"),
    "notes_code": N_("Outcome code"),
    "close_case": N_("Close the case"),
    "partner": N_("Partner"),
    "legal_basis": N_("Basis"),
    "victim_consented": N_("Agreement"),
    "referral_id": N_("Referral"),
    "partner_reference": N_("The partner's reference"),
    "scope": N_("Consent"),
    "urgency": N_("Urgency"),
    "force": N_("Close anyway"),
    "platform": N_("Platform"),
    "content_type": N_("What it is"),
    "legal_qualification": N_("Legal qualification"),
    "location.url": N_("Link to the content"),
    "location.account": N_("Account"),
    "location.message_id": N_("Message id"),
    "location": N_("Where it is"),
    "items": N_("Content"),
    "first_name": N_("First name"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "handles": N_("Accounts and handles"),
    "callback_instructions": N_("How to call back"),
    "earliest_hour": N_("Not before"),
    "latest_hour": N_("Not after"),
    "consented": N_("Callback"),
    "weekdays_only": N_("Weekdays only"),
    "report_to_platforms": N_("Reporting to platforms"),
    "referral_partners": N_("Referral partners"),
    "choice": N_("Review"),
    "token": N_("Token"),
}


def field_name(name: str) -> str | None:
    """The summary's name for a form field (English source string), if it has one."""
    parts = [part for part in name.split(".") if not part.isdigit()]
    while parts:
        found = FIELD_NAMES.get(".".join(parts))
        if found:
            return found
        if parts[0] in ("items", "contact", "consents", "callback"):
            parts = parts[1:]
        else:
            return FIELD_NAMES.get(parts[-1])
    return None


# Refusals that name no field, by kind (the API's other 4xx and 503).
REFUSALS: dict[str, str] = {
    "not_found": N_("This case or item does not exist (any more)."),
    "forbidden": N_("You may not do this on this case."),
    "conflict": N_("This cannot be done now: the case has changed. Reload and try again."),
    "gone": N_("The personal data of this case was erased at the end of its retention."),
    "unavailable": N_("The case did not answer in time. Try again: it will not be done twice."),
}

HASH_ROUTES: dict[str, str] = {
    "Take It Down (NCMEC)": N_(
        "Intimate image taken before 18: the young person sends the image's fingerprint "
        "(hash), never the image, to Take It Down (NCMEC), shared with the platforms."
    ),
    "StopNCII": N_(
        "Intimate image of an adult: the fingerprint (hash), never the image, goes to "
        "StopNCII, shared with the platforms."
    ),
}

# What the page says once an action was accepted (``?done=...``: a code, never data).
DONE: dict[str, str] = {
    "note": N_("Note added."),
    "items": N_("Notices are on their way to the platforms."),
    "referral": N_("Referral requested: the handoff runs in the background."),
    "callback_outcome": N_("Callback recorded."),
    "reschedule": N_("Callback moved."),
    "claim": N_("You have taken the callback."),
    "contact": N_("Contact added."),
    "risk": N_("Risk recorded: urgency and emergency referrals follow."),
    "intake": N_("Intake corrected."),
    "handover": N_("Case handed over."),
    "assignment": N_("Case assigned."),
    "urgency": N_("Urgency changed."),
    "withdraw": N_("Consent withdrawn."),
    "review": N_("Review recorded."),
    "manual_handoff": N_("Phone handoff recorded."),
    "close": N_("Case closed."),
    "reopen": N_("Case reopened."),
    "not_found": N_("No case of yours has this number."),
}

# The figures' charts (``application.figures.chart_views``): titles by chart key, and
# what each series of bars is, by series key.
CHART_TITLES: dict[str, str] = {
    "removal-times": N_(
        "Time to removal per platform (verified removals, from notice to our own check)"
    ),
    "platform-actions": N_("Action taken per platform (first notices)"),
    "monthly-volume": N_("Notices sent by month, by action taken"),
    "report-actions": N_("Action taken per platform"),
}
CHART_SERIES: dict[str, str] = {
    "removed": N_("removed"),
    "restricted": N_("restricted"),
    "refused": N_("refused"),
    "no_decision": N_("no decision"),
    "withdrawn": N_("withdrawn"),
    "within_1h": N_("within 1 h"),
    "1h_24h": N_("1 h - 24 h"),
    "1d_7d": N_("1 - 7 days"),
    "7d_42d": N_("7 - 42 days"),
    "over_42d": N_("over 42 days"),
    "notices": N_("notices"),
    "removals": N_("removals"),
}

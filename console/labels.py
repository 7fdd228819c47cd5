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
    "items_file": N_("The notice is on its way to the platform, with the file."),
    "items_hashes": N_(
        "The notice is on its way to the platform with the image's fingerprints only: "
        "the image itself was not kept."
    ),
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
    "news": N_("The young person's answer about news of the case is recorded."),
    "review": N_("Review recorded."),
    "manual_handoff": N_("Phone handoff recorded."),
    "close": N_("Case closed."),
    "reopen": N_("Case reopened."),
    "not_found": N_("No case of yours has this number."),
    "evidence": N_("File added to the evidence."),
    "evidence_hashes": N_("Intimate image: only its fingerprints were kept, not the image."),
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

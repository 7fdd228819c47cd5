"""Vocabulary of a case, in the helpline's words. Every status is an enum."""

from enum import StrEnum


class Channel(StrEnum):
    PHONE = "phone"
    WEB_CHAT = "web_chat"
    MESSENGER = "messenger"
    WHATSAPP = "whatsapp"
    APP = "app"
    EMAIL = "email"
    PARTNER_REFERRAL = "partner_referral"


class CallerRole(StrEnum):
    VICTIM = "victim"
    PARENT = "parent"
    WITNESS = "witness"
    PROFESSIONAL = "professional"


class AgeBand(StrEnum):
    UNDER_11 = "under_11"
    AGE_11_14 = "11_14"
    AGE_15_17 = "15_17"
    AGE_18_25 = "18_25"
    ADULT = "adult"
    UNKNOWN = "unknown"


class Category(StrEnum):
    CYBERHARASSMENT = "cyberharassment"
    INTIMATE_IMAGE = "intimate_image"
    SEXTORTION = "sextortion"
    HACKING = "hacking"
    IDENTITY_THEFT = "identity_theft"
    GROOMING = "grooming"
    VIOLENT_OR_PORNOGRAPHIC_CONTENT = "violent_or_pornographic_content"
    PROSTITUTION_OF_MINOR = "prostitution_of_minor"
    SCREEN_TIME = "screen_time"
    OTHER = "other"


class RiskFlag(StrEnum):
    """Signs of immediate danger recorded at intake; each one drives triage."""

    SUICIDAL_RISK = "suicidal_risk"
    ONGOING_SEXUAL_EXPLOITATION = "ongoing_sexual_exploitation"
    MINOR_IN_PROSTITUTION = "minor_in_prostitution"
    CHILD_AT_RISK_AT_HOME = "child_at_risk_at_home"


class Urgency(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class CaseStatus(StrEnum):
    OPEN = "open"
    AWAITING_PLATFORM = "awaiting_platform"
    AWAITING_PARTNER = "awaiting_partner"
    CALLBACK_SCHEDULED = "callback_scheduled"
    CALLBACK_DUE = "callback_due"
    AWAITING_CLOSURE = "awaiting_closure"
    CLOSED = "closed"


class ContentType(StrEnum):
    POST = "post"
    IMAGE = "image"
    VIDEO = "video"
    ACCOUNT = "account"
    MESSAGE = "message"
    COMMENT = "comment"
    LIVE_STREAM = "live_stream"


class LegalQualification(StrEnum):
    """Offences of the French Code penal a harmful item is qualified under."""

    CYBERHARASSMENT = "cyberharassment"
    INTIMATE_IMAGE_WITHOUT_CONSENT = "intimate_image_without_consent"
    BLACKMAIL = "blackmail"
    IDENTITY_THEFT = "identity_theft"
    HACKING = "hacking"
    CHILD_SEXUAL_ABUSE_MATERIAL = "child_sexual_abuse_material"
    SEXUAL_SOLICITATION_OF_MINOR = "sexual_solicitation_of_minor"
    PROSTITUTION_OF_MINOR = "prostitution_of_minor"
    PORNOGRAPHY_SEEN_BY_MINORS = "pornography_seen_by_minors"
    INCITEMENT_TO_SUICIDE = "incitement_to_suicide"


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"
    VERIFIED_REMOVED = "verified_removed"
    STILL_ONLINE = "still_online"
    REMOVAL_UNVERIFIED = "removal_unverified"  # our own check cannot reach the content
    REFUSED = "refused"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Decision(StrEnum):
    REMOVED = "removed"
    RESTRICTED = "restricted"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PartnerKind(StrEnum):
    PLATFORM = "platform"
    AUTHORITY = "authority"
    POLICE = "police"
    CHILD_PROTECTION = "child_protection"
    VICTIM_SUPPORT = "victim_support"
    OTHER = "other"


class DeliveryMode(StrEnum):
    """How a platform or partner tells us its decision."""

    WEBHOOK = "webhook"
    POLL = "poll"


class CallbackResult(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    DECLINED = "declined"


class TaskKind(StrEnum):
    CALLBACK_DUE = "callback_due"
    SUPERVISOR_ESCALATION = "supervisor_escalation"
    NOTICE_REJECTED = "notice_rejected"
    NOTICE_REVIEW = "notice_review"
    MANUAL_HANDOFF = "manual_handoff"


class LegalBasis(StrEnum):
    """Why a referral may go: the victim's consent or an explicit legal exception."""

    CONSENT = "consent"
    CHILD_IN_DANGER = "child_in_danger"
    LIFE_AT_RISK = "life_at_risk"
    ILLEGAL_CONTENT_REPORT = "illegal_content_report"  # Pharos: content facts, no contact


class ReviewChoice(StrEnum):
    """A counsellor's answer to a refused (or still online) notice."""

    APPEAL = "appeal"  # DSA Art. 20 internal complaint: a new notice linked to the first
    REFER_TO_PHAROS = "refer_to_pharos"
    ACCEPT = "accept"


class ConsentScope(StrEnum):
    PLATFORMS = "platforms"
    PARTNER = "partner"
    CALLBACK = "callback"

"""The case's timeline in the counsellor's language. Each line the case workflow
writes carries a ``code`` and its ``params`` (enum values, partner slugs, ids, ISO
times) beside the English sentence the API keeps; the console words it from its
catalogue: enum values by their labels, partners and platforms by their names, a
notice by its number as the notices table shows it. A line older than codes (or a
code this console does not know) shows its English sentence."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from console.i18n import N_, Formats
from domain.case import CallbackResult, ConsentScope, TimelineEntry
from domain.conversation import ConversationStatus
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.notice import NoticeStatus, ReviewChoice
from domain.referral import LegalBasis, ReferralStatus

SENTENCES: dict[str, str] = {
    "case.opened": N_("Case opened (%(channel)s)."),
    "case.closed": N_("Case closed: %(reason)s"),
    "case.reopened": N_("Case reopened: %(reason)s"),
    "case.handed_over": N_("Case handed over by %(from)s to %(to)s."),
    "case.assigned": N_("Case assigned to %(to)s (was with %(from)s)."),
    "triage.urgency": N_("Urgency %(urgency)s."),
    "triage.already_informed": N_(
        "%(partner)s not alerted again: it referred this young person itself."
    ),
    "triage.under_way": N_("%(partner)s not alerted again: a referral is already under way."),
    "notice.started": N_("Notice %(notice)s to %(platform)s started."),
    "notice.progress": N_("Notice %(notice)s (%(platform)s): %(status)s."),
    "notice.reviewed": N_("Notice %(notice)s reviewed: %(choice)s."),
    "referral.started": N_("Handoff to %(partner)s started (%(basis)s)."),
    "referral.progress": N_("Referral to %(partner)s: %(status)s."),
    "referral.late_answer": N_("%(partner)s answered after the referral had ended: %(status)s."),
    "escalation.late_takeover": N_(
        "%(partner)s took over a referral of the closed case: supervisor alerted."
    ),
    "consent.withdrawn": N_("Consent withdrawn (%(scope)s); %(cancelled)s outstanding cancelled."),
    "consent.withdrawn_partner": N_(
        "Consent withdrawn (%(scope)s: %(partner)s); %(cancelled)s outstanding cancelled."
    ),
    "callback.postponed": N_("Callback postponed: planned again once the new work settles."),
    "callback.planned": N_("Callback planned for %(at)s."),
    "callback.claimed": N_("Callback taken."),
    "callback.rescheduled": N_("Callback moved to %(at)s."),
    "callback.attempt": N_("Callback attempt %(attempt)s: %(result)s."),
    "callback.exhausted": N_("Callback attempts exhausted: supervisor alerted."),
    "callback.next_attempt": N_("Next attempt planned for %(at)s."),
    "callback.due": N_("Callback attempt %(attempt)s is due."),
    "callback.unclaimed": N_("Callback not taken by anyone: supervisor alerted."),
    "callback.overdue": N_("Callback overdue: supervisor alerted."),
    "callback.no_slot": N_("No callback slot from %(at)s: kept as asked."),
    "note.added": N_("Note added by %(author)s."),
    "contact.added": N_("Contact %(number)s: %(caller_role)s by %(channel)s."),
    "contact.added_with_details": N_(
        "Contact %(number)s: %(caller_role)s by %(channel)s; contact details updated."
    ),
    "risk.recorded": N_("Risk recorded: %(flags)s."),
    "risk.recorded_urgency": N_("Risk recorded: %(flags)s; urgency %(urgency)s."),
    "urgency.raised": N_("Urgency raised from %(old)s to %(new)s: %(reason)s"),
    "urgency.lowered": N_("Urgency lowered from %(old)s to %(new)s: %(reason)s"),
    "intake.corrected": N_("Intake corrected: %(changes)s."),
    "news.consented": N_("The young person asked for news of the case."),
    "news.consented_here": N_("The young person asked for news of the case on %(channel)s."),
    "news.withdrawn": N_("The young person no longer wants news of the case."),
    "news.sent": N_("News sent to the young person on %(channel)s: %(event)s."),
    "news.not_sent": N_("News not sent to the young person (%(event)s): %(why)s."),
    "news.stopped": N_("The young person answered STOP on %(channel)s: no more news of the case."),
}

# A news of the case (``domain.case_news``): what it told, and why one did not go.
NEWS_WORDS: dict[str, dict[str, str]] = {
    "event": {
        "removed": N_("content removed"),
        "referral_accepted": N_("referral accepted"),
        "callback_planned": N_("callback planned"),
        "closed": N_("case closed"),
        "stopped": N_("STOP confirmed"),
    },
    "why": {
        "no_channel": N_("no WhatsApp or Messenger conversation reaches them"),
        "outside_window": N_("more than 24 hours since they last wrote"),
        "stopped_elsewhere": N_("they answered STOP"),
        "refused": N_("the messaging platform refused it"),
    },
}

# The intake fields a correction names, and the phrase for one change.
CORRECTED_FIELDS: dict[str, str] = {
    "categories": N_("what happened"),
    "age_band": N_("age"),
    "caller_role": N_("first caller"),
}
CHANGE = N_("%(field)s %(old)s → %(new)s")
URGENCY_NOW = N_("urgency %(urgency)s")
AND_THEN = N_("; ")

# Which enum a parameter's value belongs to, by parameter name (and line kind).
ENUMS: dict[str, type[StrEnum]] = {
    "channel": Channel,
    "caller_role": CallerRole,
    "age_band": AgeBand,
    "urgency": Urgency,
    "old": Urgency,
    "new": Urgency,
    "basis": LegalBasis,
    "scope": ConsentScope,
    "choice": ReviewChoice,
    "result": CallbackResult,
}
STATUS_OF: dict[str, type[StrEnum]] = {"notice": NoticeStatus, "referral": ReferralStatus}


@dataclass(frozen=True)
class Wording:
    """What the page words a line with: its catalogue, its labels, the partners'
    and platforms' names and its way of telling a time."""

    gettext: Callable[[str], str]
    label: Callable[[object], str]
    names: Mapping[str, str]
    formats: Formats

    def enum(self, kind: type[StrEnum], value: str) -> str:
        try:
            return self.label(kind(value))
        except ValueError:
            return value

    def several(self, kind: type[StrEnum], values: str) -> str:
        return ", ".join(self.enum(kind, v) for v in values.split(",") if v)

    def value(self, code: str, name: str, value: str) -> str:
        if name in ("partner", "platform"):
            return self.names.get(value, value)
        if name == "notice":
            return value.rsplit("-", 1)[-1]
        if name == "at":
            try:
                return self.formats.when(datetime.fromisoformat(value))
            except ValueError:
                return value
        if name == "flags":
            return self.several(RiskFlag, value)
        if code.startswith("news.") and name in NEWS_WORDS:
            words = NEWS_WORDS[name].get(value)
            return self.gettext(words) if words else value
        if name == "status":
            kind = STATUS_OF.get(code.split(".", 1)[0])
            return self.enum(kind, value) if kind else value
        if name in ENUMS:
            return self.enum(ENUMS[name], value)
        return value

    def changes(self, params: Mapping[str, str]) -> str:
        words = []
        for field, kind in (
            ("categories", Category),
            ("age_band", AgeBand),
            ("caller_role", CallerRole),
        ):
            if field in params:
                words.append(
                    self.gettext(CHANGE)
                    % {
                        "field": self.gettext(CORRECTED_FIELDS[field]),
                        "old": self.several(kind, params.get(f"{field}_old", "")) or "—",
                        "new": self.several(kind, params[field]),
                    }
                )
        if "urgency" in params:
            urgency = self.enum(Urgency, params["urgency"])
            words.append(self.gettext(URGENCY_NOW) % {"urgency": urgency})
        return self.gettext(AND_THEN).join(words)

    def conversation_state(self, status: ConversationStatus) -> str:
        """Where a conversation listed on the case page stands: the words of the
        conversations screen (``console.labels.LABELS``), one home for both."""
        return self.label(status)

    def line(self, entry: TimelineEntry) -> str:
        code = entry.code
        if code == "consent.withdrawn" and entry.params.get("partner"):
            code = "consent.withdrawn_partner"
        if code == "news.consented" and entry.params.get("channel"):
            code = "news.consented_here"
        if code is None or code not in SENTENCES:
            return entry.detail
        values = {name: self.value(code, name, v) for name, v in entry.params.items()}
        if code == "intake.corrected":
            values = {"changes": self.changes(entry.params)}
        try:
            return self.gettext(SENTENCES[code]) % values
        except (KeyError, ValueError, TypeError):
            return entry.detail

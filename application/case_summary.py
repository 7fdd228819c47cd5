"""The static summary and details a supervisor reads in the Temporal Web UI.

Built from non-personal intake facts only: enums, flags and the case id. The free
``summary`` field is left out on purpose: it is typed by a counsellor during a call
and may hold a name or a handle despite the instructions.
"""

from domain.intake import Intake, Urgency


def short_case_id(case_id: str) -> str:
    return case_id[:6]


_CHANNELS = {"whatsapp": "WhatsApp", "messenger": "Messenger", "app": "the app"}


def _words(value: str) -> str:
    return value.replace("_", " ")


def static_summary(case_id: str, intake: Intake, urgency: Urgency) -> str:
    """One line a supervisor scans in the UI, e.g.
    ``Case 3f2a9c · sextortion, hacking · high urgency · parent via WhatsApp``."""
    categories = ", ".join(_words(c.value) for c in intake.categories)
    channel = _CHANNELS.get(intake.channel.value, _words(intake.channel.value))
    return (
        f"Case {short_case_id(case_id)} · {categories} · {urgency.value} urgency · "
        f"{_words(intake.caller_role.value)} via {channel}"
    )


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def static_details(intake: Intake, urgency: Urgency) -> str:
    """Markdown facts of first contact, as the supervisor sees them in the UI."""
    consents = intake.consents
    callback = consents.callback
    partners = ", ".join(consents.referral_partners) or "none"
    risk_flags = ", ".join(f.value for f in intake.risk_flags) or "none"
    window = (
        f" ({callback.earliest_hour:02d}:00-{callback.latest_hour:02d}:00"
        f"{', weekdays only' if callback.weekdays_only else ''})"
        if callback.consented
        else ""
    )
    lines = [
        "**Intake**",
        "",
        f"- Urgency: {urgency.value}",
        f"- Channel: {intake.channel.value}",
        f"- Caller role: {intake.caller_role.value}",
        f"- Age band: {intake.age_band.value}",
        f"- Categories: {', '.join(c.value for c in intake.categories)}",
        f"- Risk flags: {risk_flags}",
        "",
        "**Consents**",
        "",
        f"- Report to platforms: {_yes_no(consents.report_to_platforms)}",
        f"- Referral partners: {partners}",
        f"- Callback: {_yes_no(callback.consented)}{window}",
    ]
    return "\n".join(lines)

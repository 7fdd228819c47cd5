"""What the console says of a refused action: a problem the case workflow or the API
names by its stable ``code``, a field error by pydantic's type, the name of the field a
form's summary points to, and the refusals that name no field. English source strings,
translated at render time by the page's catalogue; never read from the API's sentence."""

from console.i18n import N_

# Problems the case workflow (and the API's own rules) name by code.
PROBLEMS: dict[str, str] = {
    "too_many": N_("A file goes with one item at a time: qualify the others without it."),
    "already_linked": N_("This conversation is already linked to a case."),
    "already_owner": N_("The case is already with this counsellor."),
    "already_consented": N_("The young person already asked for news of the case, there."),
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
    "item_unknown": N_("Choose one of this case's reported items, or none."),
    "invalid_language": N_("This language is not offered."),
    "legal_basis_not_allowed": N_("This legal basis does not apply to this partner."),
    "location_missing": N_("Give the exact location: a link, an account or a message id."),
    "message_id_reused": N_("This message was already sent with a different text."),
    "no_callback_consent": N_("The young person did not agree to be called back."),
    "no_callback_scheduled": N_("No callback is planned on this case."),
    "no_consent_given": N_("This consent was never given."),
    "no_news_channel": N_("News can only be sent on WhatsApp or Messenger."),
    "no_partner_consent": N_("The young person has not agreed to this referral."),
    "no_pharos": N_("Pharos is not available here."),
    "not_this_case": N_("This conversation is not one of this case."),
    "no_platform_consent": N_("The young person has not agreed to reporting to platforms."),
    "not_answered": N_("Nobody has taken this conversation yet."),
    "not_the_owner": N_("Only the case's counsellor can hand it over."),
    "not_waiting": N_("This conversation is no longer waiting."),
    "not_with_you": N_("This conversation is with another counsellor."),
    "outside_window": N_(
        "More than 24 hours since the young person last wrote: free text can no longer "
        "reach them. Send one of the approved templates below."
    ),
    "not_linked": N_("Link the conversation to a case first."),
    "question_outside_window": N_(
        "More than 24 hours since the young person last wrote: the question with buttons "
        "can no longer reach them. Ask it when they write again."
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

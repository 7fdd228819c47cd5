"""The timeline's lines worded from their code and values, in French: enum values by
their labels, partners by their names, a notice by its number, a correction field by
field; a line without a code (or with one this console does not know) keeps its
English sentence."""

from datetime import UTC, datetime

from console.i18n import Formats, translations
from console.labels import LABELS
from console.timeline_words import Wording
from domain.case import TimelineEntry
from domain.conversation import ConversationStatus

AT = datetime(2026, 12, 1, 17, 5, tzinfo=UTC)
FRENCH = translations("fr").gettext
WORDING = Wording(
    FRENCH,
    lambda value: FRENCH(LABELS.get(value, str(value))),  # type: ignore[call-overload]
    {"tiktok": "TikTok", "police": "Police / gendarmerie"},
    Formats("fr", "Europe/Paris"),
)


def line(code: str | None, detail: str = "english", **params: str) -> str:
    return WORDING.line(TimelineEntry(at=AT, kind="x", detail=detail, code=code, params=params))


def test_values_are_worded_by_their_labels_and_names() -> None:
    assert line("case.opened", channel="phone") == "Dossier ouvert (téléphone)."
    assert (
        line("notice.progress", notice="abc-n2", platform="tiktok", status="verified_removed")
        == "Signalement n2 (TikTok) : retiré (vérifié)."
    )
    assert line("referral.started", referral="abc-r1", partner="police", basis="consent") == (
        "Transmission à Police / gendarmerie lancée (le consentement du jeune)."
    )
    assert line("callback.planned", at="2026-12-01T17:05:00+00:00") == (
        "Rappel prévu le mar. 1 déc., 18:05."
    )


def test_a_correction_says_each_field_it_changed() -> None:
    worded = line(
        "intake.corrected",
        age_band_old="11_14",
        age_band="15_17",
        caller_role_old="victim",
        caller_role="parent",
        urgency="high",
    )
    assert worded == (
        "Accueil corrigé : âge 11 à 14 ans → 15 à 17 ans ; "
        "premier appelant le jeune → un parent ; urgence haute."
    )


def test_a_withdrawn_consent_names_its_partner_when_it_has_one() -> None:
    assert line("consent.withdrawn", scope="partner", partner="police", cancelled="1") == (
        "Consentement retiré (l'orientation vers un partenaire : Police / gendarmerie) ; "
        "1 démarche(s) en cours annulée(s)."
    )
    assert line("consent.withdrawn", scope="callback", partner="", cancelled="0") == (
        "Consentement retiré (être rappelé) ; 0 démarche(s) en cours annulée(s)."
    )


def test_a_line_without_a_known_code_keeps_its_sentence() -> None:
    assert line(None, "urgency critical") == "urgency critical"
    assert line("some.future.code", "something new") == "something new"
    assert line("case.opened", "case opened (phone)") == "case opened (phone)"  # no value


def test_a_conversation_reads_the_same_on_the_case_page_and_the_conversations_screen() -> None:
    for status in ConversationStatus:
        assert status in LABELS, f"{status} has no words"
        assert WORDING.conversation_state(status) == FRENCH(LABELS[status])
    assert WORDING.conversation_state(ConversationStatus.ACTIVE) == "en cours"
    assert WORDING.conversation_state(ConversationStatus.ABANDONED) == "partie avant une réponse"

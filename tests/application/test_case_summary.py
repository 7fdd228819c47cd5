"""What the Temporal UI shows of a case: readable, and free of personal data."""

from application.case_summary import static_details, static_summary
from domain.intake import Intake, Urgency


def test_summary_line() -> None:
    intake = Intake.model_validate(
        {
            "channel": "whatsapp",
            "caller_role": "parent",
            "age_band": "11_14",
            "categories": ["sextortion", "hacking"],
            "summary": "Léa, 13, blackmailed by @predator on Snapchat",
        }
    )

    summary = static_summary("3f2a9c0d" + "0" * 24, intake, Urgency.HIGH)
    details = static_details(intake, Urgency.HIGH)

    assert summary == "Case 3f2a9c · sextortion, hacking · high urgency · parent via WhatsApp"
    assert "- Caller role: parent" in details
    assert "- Referral partners: none" in details
    assert "- Callback: no" in details
    for text in (summary, details):
        assert "Léa" not in text
        assert "predator" not in text

"""Every action of the case page reaches the case as its JSON route would, on the whole
system: the intake corrected, new risk and its 119 referral, a later contact, the
urgency lowered by a supervisor, a referral, a refused notice reviewed, a callback
moved (a time in the past refused beside its field), a consent withdrawn, the case
closed, reopened and assigned by a supervisor. The hash-blocking service shows where
it applies."""

from typing import Any

from tests.support.cases import case_view
from tests.support.console import ConsoleUser, console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

INTAKE = {
    "channel": "web_chat",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["intimate_image"],
    "consents.report_to_platforms": "on",
    "consents.referral_partners": ["france-victimes"],
    "consents.callback.consented": "on",
    "consents.callback.earliest_hour": "0",
    "consents.callback.latest_hour": "24",
    "contact.first_name": "Noor",
}


async def signed_in(stack: Stack, token: str) -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in(token)
    return user


async def act(user: ConsoleUser, case_id: str, action: str, form: str, **fields: Any) -> str:
    """Send one form of the case page; the page it lands on says it was done."""
    sent = await user.send(f"/cases/{case_id}", f"/cases/{case_id}/{action}", fields, form_id=form)
    assert sent.status_code == 303, sent.text[:3000]
    location: str = sent.headers["location"]
    assert "done=" in location, location
    return location


async def test_every_action_of_the_case_page(stack: Stack) -> None:
    await stack.configure_target("snapchat", decision="refused", decision_reason="no violation")
    lea = await signed_in(stack, "local-counsellor-token")
    opened = await lea.send("/cases/new", "/cases", INTAKE, form_id="new-case")
    case_id = opened.headers["location"].split("/")[3].split("?")[0]
    page = await lea.page(f"/cases/{case_id}")
    assert "Take It Down (NCMEC)" in page.text and "https://takeitdown.ncmec.org" in page.text

    await act(lea, case_id, "intake", "intake", age_band="11_14", categories=["intimate_image"])
    await act(lea, case_id, "risk", "risk", risk_flags=["child_at_risk_at_home"])
    await act(
        lea,
        case_id,
        "contacts",
        "contact-add",
        channel="phone",
        caller_role="parent",
        risk_flags=[],
        summary="mother calls",
    )
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: "enfance-en-danger-119" in [r["partner"] for r in v["referrals"]],
        what="the 119 referral",
    )
    assert view["age_band"] == "11_14" and view["urgency"] == "critical"
    assert [c["caller_role"] for c in view["contacts"]] == ["victim", "parent"]

    boss = await signed_in(stack, "local-supervisor-token")
    await act(boss, case_id, "urgency", "urgency", urgency="high", reason="119 took over")
    await act(
        lea,
        case_id,
        "referrals",
        "referral",
        partner="france-victimes",
        legal_basis="consent",
        victim_consented="on",
    )
    await act(
        lea,
        case_id,
        "items",
        "items",
        **{
            "items.0.platform": "snapchat",
            "items.0.content_type": "image",
            "items.0.legal_qualification": "intimate_image_without_consent",
            "items.0.location.account": "someone",
        },
    )
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: [n["status"] for n in v["notices"]] == ["refused"],
        what="the refusal",
    )
    assert view["urgency"] == "high"
    assert "france-victimes" in [r["partner"] for r in view["referrals"]]
    notice_id = view["notices"][0]["notice_id"]
    page = await lea.page(f"/cases/{case_id}")
    assert f"/notices/{notice_id}/review" in page.text
    await act(lea, case_id, f"notices/{notice_id}/review", f"review-{notice_id}", choice="accept")
    view = await case_view(stack.api, case_id)
    assert view["notices"][0]["review"] == "accept"

    moved = await lea.send(
        f"/cases/{case_id}",
        f"/cases/{case_id}/callback/reschedule",
        {"at": "2020-01-01T10:00"},
        form_id="reschedule",
    )
    assert moved.status_code == 422
    assert 'id="reschedule-at-error">Choisissez une heure à venir.' in moved.text
    assert 'value="2020-01-01T10:00"' in moved.text

    await act(lea, case_id, "consents/withdraw", "withdraw", scope="callback")
    await act(lea, case_id, "close", "close", reason="safe now", force="on")
    view = await case_view(stack.api, case_id)
    assert view["status"] == "closed" and not view["consents"]["callback"]["consented"]
    await act(lea, case_id, "reopen", "reopen", reason="new content")
    await act(boss, case_id, "assignment", "assignment", to="local-colleague")
    view = await case_view(stack.api, case_id)
    assert view["status"] != "closed" and view["reopened"] == 1
    assert view["owner"] == "local-colleague"

"""A declarative e-mail partner, end to end against a real SMTP server (aiosmtpd):
a case's referral arrives as a message rendered from the configured template,
after logging in with the password from the environment; the referral stays
``acknowledged`` (e-mail brings no status back); a test send reaches the sandbox
recipients only, marked as a test and free of personal data."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.adapters.configs import email_partner
from tests.adapters.smtp_server import smtp_server
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

# The test server is on loopback: login without TLS is fine here (and only here).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PARTNER = "ligue-idf"
PASSWORD = "smtp-secret-42"


async def _view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_a_referral_is_mailed_to_an_email_partner(
    local_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIGUE_SMTP_PASSWORD", PASSWORD)
    with smtp_server("relais", PASSWORD) as mailbox:
        config = tmp_path / "adapters.toml"
        config.write_text(email_partner(mailbox.host, mailbox.port), encoding="utf-8")
        async with running_stack(
            local_env.client, tmp_path, adapters_config=lambda _: config
        ) as stack:
            intake = intake_body(
                caller_role="parent",
                categories=["sextortion"],
                consents={
                    "report_to_platforms": False,
                    "referral_partners": [PARTNER],
                    "callback": {"consented": False},
                },
                contact={"first_name": "Ines", "phone": "+33633333333"},
            )
            opened = await stack.api.post(
                "/cases",
                json=intake,
                headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
            )
            assert opened.status_code == 201, opened.text
            case_id = opened.json()["case_id"]
            referred = await stack.api.post(
                f"/cases/{case_id}/referrals",
                json={"partner": PARTNER, "reason": "soutien juridique"},
                headers=auth("counsellor"),
            )
            assert referred.status_code == 202, referred.text

            view = await eventually(
                lambda: _view(stack.api, case_id),
                lambda v: [r["status"] for r in v["referrals"]] == ["acknowledged"],
                what="the e-mail handoff accepted by the SMTP server",
            )
            sandbox = await stack.api.post(
                f"/adapters/{PARTNER}/test-handoff", headers=auth("integrator")
            )
            listed = await stack.api.get("/adapters", headers=auth("integrator"))

    [message, test_message] = mailbox.messages
    referral = view["referrals"][0]
    assert message["Subject"] == f"Orientation 3018 {referral['referral_id']}"
    assert message["From"] == "orientation@3018.example"
    assert mailbox.envelopes[0][1] == ["accueil@ligue.example"]
    assert message["Message-ID"] == referral["partner_reference"]
    body = message.get_payload()
    assert f"cas {case_id}" in body
    assert "Tranche d'age : 15_17" in body
    assert "Categories : sextortion" in body
    assert "Motif : soutien juridique" in body
    assert "Test : False" in body
    assert mailbox.logins == ["relais", "relais"]

    assert sandbox.status_code == 200, sandbox.text
    assert sandbox.json()["ok"] is True
    assert sandbox.json()["follow_up"] == "status: acknowledged"
    assert mailbox.envelopes[1][1] == ["sandbox@ligue.example"]
    assert test_message["X-Relais-Test"] == "true"
    assert "Test : True" in test_message.get_payload()
    assert "Ines" not in test_message.as_string() and "+336" not in test_message.as_string()

    adapters = {a["slug"]: a for a in listed.json()["adapters"]}
    assert adapters[PARTNER]["sandbox"] is True
    assert adapters[PARTNER]["health"]["last_success_operation"] == "hand_over"
    assert PASSWORD not in listed.text

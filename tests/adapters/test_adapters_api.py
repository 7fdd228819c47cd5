"""The adapters API over real HTTP: integrators send test payloads to sandboxes
(the simulator plays them) and validate configuration files; supervisors may list
but not send; problems name their field."""

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.adapters.configs import email_partner
from tests.support.client import auth
from tests.support.stack import running_stack


async def test_test_sends_and_config_validation(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        api = stack.api
        notice = await api.post("/adapters/tiktok/test-notice", headers=auth("integrator"))
        handoff = await api.post("/adapters/pharos/test-handoff", headers=auth("integrator"))
        wrong_capability = await api.post(
            "/adapters/pharos/test-notice", headers=auth("integrator")
        )
        unknown = await api.post("/adapters/myspace/test-notice", headers=auth("integrator"))
        supervisor = await api.post("/adapters/tiktok/test-notice", headers=auth("supervisor"))
        received = (await stack.simulator.get("/_control/notices?target=tiktok")).json()
        audit = await api.get(
            "/audit", params={"action": "adapter.test_notice"}, headers=auth("auditor")
        )

        valid = await api.post(
            "/adapters/validate",
            content=email_partner(),
            headers={**auth("integrator"), "Content-Type": "application/toml"},
        )
        invalid = await api.post(
            "/adapters/validate",
            params={"filename": "ligue.yaml"},
            content="adapter:\n  - slug: x\n    channel: fax\n",
            headers={**auth("integrator"), "Content-Type": "application/yaml"},
        )
        not_text = await api.post(
            "/adapters/validate", content=b"\xff\xfe", headers=auth("integrator")
        )

    assert notice.status_code == 200, notice.text
    assert notice.json()["ok"] is True
    assert notice.json()["reference"].startswith("tiktok-")
    assert notice.json()["follow_up"] == "no decision yet"
    [sent] = received
    body = sent["body"]
    assert body["case_id"].startswith("relais-test-")
    assert body["location"]["url"].startswith("https://relais.invalid/test-notice/")

    assert handoff.status_code == 200, handoff.text
    assert handoff.json()["follow_up"] == "status: acknowledged"
    assert wrong_capability.status_code == 409
    assert wrong_capability.json()["detail"] == (
        "adapter 'pharos' has no notice channel; use test-handoff"
    )
    assert unknown.status_code == 404
    assert supervisor.status_code == 403
    assert any("adapter=tiktok ok=True" in (e["detail"] or "") for e in audit.json())

    assert valid.status_code == 200, valid.text
    report = valid.json()
    assert report["problems"] == [
        {
            "where": "adapters.toml",
            "adapter": "ligue-idf",
            "field": "smtp.password",
            "message": "environment variable LIGUE_SMTP_PASSWORD is not set",
            "text": "adapters.toml: adapter 'ligue-idf': smtp.password: environment variable "
            "LIGUE_SMTP_PASSWORD is not set",
        }
    ]
    assert invalid.json()["valid"] is False
    assert [p["text"] for p in invalid.json()["problems"]] == [
        "ligue.yaml: adapter 'x': display_name: Field required",
        "ligue.yaml: adapter 'x': kind: Field required",
        "ligue.yaml: adapter 'x': channel: Input should be 'http_json', 'email', "
        "'whatsapp' or 'messenger'",
    ]
    assert not_text.status_code == 422

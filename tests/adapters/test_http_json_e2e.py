"""A declarative HTTP-JSON platform and partner, end to end: a case's notice and
referral reach a receiver with its own API shape (served over real HTTP), through
the field mappings of the configuration file, with the auth header from the
environment; decisions and statuses are polled and mapped back."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException, Request
from temporalio.testing import WorkflowEnvironment

from domain.policy import CasePolicy
from relais.serving import serve_app
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

API_KEY = "nord-key-123"

CONFIG = """
[[adapter]]
slug = "signal-nord"
display_name = "Signal Nord"
kind = "platform"
channel = "http_json"
base_url = "{url}"
auth = {{ header = "X-Api-Key", value = "${{SIGNAL_NORD_KEY}}" }}

[adapter.submit]
path = "/v2/reports"
reference = "ticket"
idempotency_header = "X-Request-Id"
[adapter.submit.body]
"report.link" = "item.location.url"
"report.offence" = "dsa.legal_article"
"report.why" = "dsa.explanation"
"meta.ref" = "notice_id"
"meta.flagger" = {{ value = "3018" }}

[adapter.decision]
path = "/v2/reports/{{reference}}"
decision = "outcome"
reason = "why"
values = {{ supprime = "removed", en_cours = "pending" }}

[adapter.content]
path = "/v2/exists"
query = {{ link = "item.location.url" }}
online = "present"

[[adapter]]
slug = "aide-nord"
display_name = "Aide Nord"
kind = "victim_support"
channel = "http_json"
base_url = "{url}"
auth = {{ header = "X-Api-Key", value = "${{SIGNAL_NORD_KEY}}" }}

[adapter.submit]
path = "/v2/referrals"
reference = "data.id"
[adapter.submit.body]
"dossier.age" = "package.age_band"
"dossier.categories" = "package.categories"
"dossier.urgency" = "package.urgency"
"ref_externe" = "idempotency_key"

[adapter.status]
path = "/v2/referrals/{{reference}}"
status = "data.state"
detail = "data.note"
values = {{ recu = "acknowledged", pris_en_charge = "accepted" }}
"""


def receiver() -> tuple[FastAPI, dict[str, list[Any]]]:
    """A platform and a partner that speak nothing like Relais' own contract."""
    app = FastAPI()
    seen: dict[str, list[Any]] = {
        "reports": [],
        "referrals": [],
        "keys": [],
        "internal": [],
        "connections": [],
    }
    removed: set[str] = set()

    @app.middleware("http")
    async def connection(request: Request, call_next):  # type: ignore[no-untyped-def]
        seen["connections"].append(request.client.port if request.client else None)
        return await call_next(request)

    def check(key: str | None) -> None:
        seen["keys"].append(key)
        if key != API_KEY:
            raise HTTPException(401, "bad key")

    @app.post("/v2/reports")
    async def report(body: dict[str, Any], x_api_key: str = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        seen["reports"].append(body)
        return {"ticket": f"T-{len(seen['reports'])}"}

    @app.get("/v2/reports/{ticket}")
    async def outcome(ticket: str, x_api_key: str = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        link = seen["reports"][int(ticket.removeprefix("T-")) - 1]["report"]["link"]
        removed.add(link)
        return {"outcome": "supprime", "why": "contenu retire"}

    @app.get("/v2/exists")
    async def exists(link: str, x_api_key: str = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        return {"present": link not in removed}

    @app.get("/internal/{page}")
    async def internal(page: str) -> dict[str, str]:
        seen["internal"].append(page)
        return {"page": page}

    @app.post("/v2/referrals")
    async def refer(body: dict[str, Any], x_api_key: str = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        seen["referrals"].append(body)
        return {"data": {"id": f"AN-{len(seen['referrals'])}", "state": "recu"}}

    @app.get("/v2/referrals/{ref}")
    async def status(ref: str, x_api_key: str = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        return {"data": {"state": "pris_en_charge", "note": "une benevole rappelle"}}

    return app, seen


async def test_a_case_goes_through_declared_http_json_adapters(
    local_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNAL_NORD_KEY", API_KEY)
    app, seen = receiver()
    policy = CasePolicy(
        decision_poll_interval="PT0.5S",
        referral_poll_interval="PT0.5S",
        verification_retry_interval="PT0.5S",
    )
    async with serve_app(app) as receiver_url:
        config = tmp_path / "adapters.toml"
        config.write_text(CONFIG.format(url=receiver_url), encoding="utf-8")
        async with running_stack(
            local_env.client, tmp_path, policy=policy, adapters_config=lambda _: config
        ) as stack:
            case_id = await _open_case(stack.api)
            view = await eventually(
                lambda: _view(stack.api, case_id),
                lambda v: (
                    [n["status"] for n in v["notices"]] == ["verified_removed"]
                    and [r["status"] for r in v["referrals"]] == ["accepted"]
                ),
                what="notice removed and verified, referral accepted, all by polling",
            )
            listed = await stack.api.get("/adapters", headers=auth("supervisor"))

    assert view["referrals"][0]["partner_reference"] == "AN-1"
    [report] = seen["reports"]
    assert report["report"]["link"] == "https://nord.example/p/7"
    assert report["report"]["offence"].startswith("Code pénal, art. 222-33-2-2")
    assert report["meta"]["flagger"] == "3018"
    [referral] = seen["referrals"]
    assert set(referral["dossier"]) == {"age", "categories", "urgency"}
    assert referral["dossier"]["age"] == "11_14"
    assert referral["dossier"]["categories"] == ["cyberharassment"]
    assert referral["ref_externe"]
    assert "contact" not in str(referral) and "Sam" not in str(referral)
    assert set(seen["keys"]) == {API_KEY}
    # Calls share kept-alive connections (a client per call would open one each).
    assert len(set(seen["connections"])) < len(seen["connections"])
    adapters = {a["slug"]: a for a in listed.json()["adapters"]}
    assert adapters["signal-nord"]["delivery"] == "poll"
    assert adapters["signal-nord"]["health"]["status"] == "ok"
    assert adapters["aide-nord"]["source"] == str(config)


async def test_a_removal_relais_may_not_check_itself_goes_to_a_counsellor(
    local_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A platform without a content endpoint says "removed" about a URL that leads
    into our own network: Relais does not fetch it, does not call it "still online",
    and a counsellor gets the notice to check by hand (and can accept it)."""
    monkeypatch.setenv("SIGNAL_NORD_KEY", API_KEY)
    app, seen = receiver()
    policy = CasePolicy(decision_poll_interval="PT0.5S", verification_retry_interval="PT0.5S")
    content_block = CONFIG[CONFIG.index("[adapter.content]") : CONFIG.index("[[adapter]]", 50)]
    async with serve_app(app) as receiver_url:
        config = tmp_path / "adapters.toml"
        config.write_text(
            CONFIG.replace(content_block, "").format(url=receiver_url), encoding="utf-8"
        )
        async with running_stack(
            local_env.client, tmp_path, policy=policy, adapters_config=lambda _: config
        ) as stack:
            internal_url = f"{receiver_url.replace('localhost', '127.0.0.1')}/internal/admin"
            case_id = await _open_case(stack.api, url=internal_url, partner=None)
            view = await eventually(
                lambda: _view(stack.api, case_id),
                lambda v: [n["status"] for n in v["notices"]] == ["removal_unverified"],
                what="the removal left unverified",
            )
            [notice] = view["notices"]
            tasks = await stack.api.get(
                "/tasks", params={"case_id": case_id}, headers=auth("counsellor")
            )
            [task] = tasks.json()
            accepted = await stack.api.post(
                f"/cases/{case_id}/notices/{notice['notice_id']}/review",
                json={"choice": "accept"},
                headers=auth("counsellor"),
            )

    assert notice["decision"] == "removed"
    assert seen["internal"] == []  # the worker never fetched the internal page
    assert task["kind"] == "notice_review"
    assert "check it by hand" in task["summary"] and "private" in task["summary"]
    assert "/internal/admin" not in task["summary"]
    assert accepted.status_code == 200, accepted.text


async def _open_case(
    api: httpx.AsyncClient,
    *,
    url: str = "https://nord.example/p/7",
    partner: str | None = "aide-nord",
) -> str:
    intake = intake_body(
        age_band="11_14",
        consents={
            "report_to_platforms": True,
            "referral_partners": [partner] if partner else [],
            "callback": {"consented": False},
        },
        contact={"first_name": "Sam", "phone": "+33622222222"},
    )
    opened = await api.post(
        "/cases", json=intake, headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    item = {
        "platform": "signal-nord",
        "content_type": "post",
        "legal_qualification": "cyberharassment",
        "location": {"url": url},
    }
    added = await api.post(
        f"/cases/{case_id}/items", json={"items": [item]}, headers=auth("counsellor")
    )
    assert added.status_code == 202, added.text
    if partner is not None:
        referred = await api.post(
            f"/cases/{case_id}/referrals", json={"partner": partner}, headers=auth("counsellor")
        )
        assert referred.status_code == 202, referred.text
    return case_id


async def _view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data

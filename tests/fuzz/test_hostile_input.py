"""Hand-written hostile input: oversized bodies, wrong content types, unicode and
injection-like strings. The API refuses what it must with a 4xx naming the field,
stores what is legitimate unchanged, and never answers 5xx."""

import json
import time
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from api.webhook_signatures import sign
from tests.chaos.processes import ProcessStack
from tests.support.builders import intake_body
from tests.support.client import auth

COUNSELLOR = auth("counsellor")
SUPERVISOR = auth("supervisor")
INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE cases; --",
    '"><script>alert(1)</script>',
    "${jndi:ldap://x/a}",
    "../../etc/passwd",
    "%00\x00",
    "{{7*7}}",
]


def intake(first_name: str = "Lea") -> dict[str, Any]:
    return intake_body(
        consents={"report_to_platforms": False, "referral_partners": []},
        contact={"first_name": first_name, "phone": "+33600000000"},
    )


@pytest.fixture
def api(fuzz_stack: ProcessStack) -> Any:
    with httpx.Client(base_url=fuzz_stack.api_url, timeout=30) as client:
        yield client


def open_case(api: httpx.Client, body: Any, **kwargs: Any) -> httpx.Response:
    headers = {**COUNSELLOR, "Idempotency-Key": uuid.uuid4().hex, **kwargs.pop("headers", {})}
    return api.post("/cases", json=body, headers=headers, **kwargs)


def test_an_oversized_body_is_refused(api: httpx.Client) -> None:
    body = intake()
    body["contact"]["first_name"] = "A" * 5_000_000
    response = open_case(api, body)
    assert 400 <= response.status_code < 500, response.status_code


def test_an_oversized_list_is_refused(api: httpx.Client) -> None:
    huge_list = {**intake(), "categories": ["cyberharassment"] * 100_000}
    response = open_case(api, huge_list)
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("field", ["categories", "risk_flags"])
def test_an_oversized_list_in_a_partners_referral_is_refused_naming_it(
    api: httpx.Client, field: str
) -> None:
    """Found by schemathesis: 24 categories from a partner reached the intake (500)."""
    body = {
        "inbound_reference": f"FV-{uuid.uuid4().hex[:8]}",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
        field: ["grooming"] * 24 if field == "categories" else ["suicidal_risk"] * 24,
    }
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Relais-Timestamp": timestamp,
        "X-Relais-Signature": sign(b"local-webhook-secret", timestamp, raw),
    }
    response = api.post("/inbound/partners/france-victimes/referrals", content=raw, headers=headers)
    assert response.status_code == 422, (response.status_code, response.text)
    assert [p["loc"] for p in response.json()["detail"]] == [["body", field]]


@pytest.mark.parametrize(
    "content_type, raw",
    [
        ("text/plain", b"hello"),
        ("application/xml", b"<case/>"),
        ("application/x-www-form-urlencoded", b"channel=phone"),
        ("application/json", b"{not json"),
        ("application/json", b"\xff\xfe\x00garbage"),
        ("application/json", b"[]"),
    ],
)
def test_a_wrong_content_type_or_broken_json_is_a_4xx(
    api: httpx.Client, content_type: str, raw: bytes
) -> None:
    headers = {**COUNSELLOR, "Content-Type": content_type, "Idempotency-Key": uuid.uuid4().hex}
    response = api.post("/cases", content=raw, headers=headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


@pytest.mark.parametrize(
    "name", ["Léa-Zoé", "ナオミ", "عائشة", "👩‍👧 Ana", "Zalgo Z̸̢͉a̵l̷g̶o", "\u202eRTL"]
)
def test_unicode_names_open_a_case_that_reads_back(api: httpx.Client, name: str) -> None:
    """The case view does not show contact details; a 200 means the encrypted input
    went through the workflow and back."""
    response = open_case(api, intake(name))
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    view = api.get(f"/cases/{case_id}", headers=SUPERVISOR)
    assert view.status_code == 200, view.text
    assert view.json()["case_id"] == case_id


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_like_strings_are_data_or_refused(api: httpx.Client, text: str) -> None:
    # in the body: either refused with a 4xx naming the field, or stored as given
    response = open_case(api, intake(text))
    assert response.status_code in (201, 422), (response.status_code, response.text)
    if response.status_code == 422:
        assert "first_name" in response.text
    # in a query string and a path: never a 5xx, never a match
    listed = api.get("/cases", params={"status": text}, headers=SUPERVISOR)
    assert listed.status_code == 422 and "status" in listed.text, listed.text
    found = api.get(f"/cases/{quote(text, safe='')}", headers=SUPERVISOR)
    assert 400 <= found.status_code < 500, (found.status_code, found.text)


@pytest.mark.parametrize("offset", ["6438380332677042175737856", "9223372036854775808", "-1"])
def test_an_out_of_range_page_offset_is_a_4xx_naming_it(api: httpx.Client, offset: str) -> None:
    """Found by schemathesis: an offset past 64 bits reached the database (500)."""
    listed = api.get("/cases", params={"offset": offset}, headers=SUPERVISOR)
    assert listed.status_code == 422, listed.text
    assert [p["loc"] for p in listed.json()["detail"]] == [["query", "offset"]]

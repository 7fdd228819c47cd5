"""The pieces declarative adapters are made of: environment references, dotted
paths and payload mappings, message templates and reason scrubbing (the URL check
has its own file, test_url_probe.py)."""

from typing import Any

import pytest

from partners.env_refs import resolve_env
from partners.errors import scrub
from partners.mapping import Constant, HandoffDocument, NoticeDocument, build_payload, path_problem
from partners.problems import ConfigInvalid
from partners.templates import render, template_problems


def test_environment_references_resolve_only_upper_case_names() -> None:
    config = {"a": "Bearer ${TOKEN}", "b": ["${PORT}"], "t": "${package.age_band}", "e": "$${X}"}
    assert resolve_env(config, {"TOKEN": "t", "PORT": "25"}) == {
        "a": "Bearer t",
        "b": ["25"],
        "t": "${package.age_band}",
        "e": "${X}",
    }
    with pytest.raises(ConfigInvalid) as missing:
        resolve_env({"smtp": {"password": "${PW}"}}, {})
    assert missing.value.problems == [("smtp.password", "environment variable PW is not set")]


def test_paths_are_checked_against_our_documents() -> None:
    assert path_problem(HandoffDocument, "package.contact.phone") is None
    assert path_problem(NoticeDocument, "item.evidence.0.digest") is None
    assert path_problem(NoticeDocument, "dsa.anything.below") is None  # free-form
    assert path_problem(NoticeDocument, "item.evidence.digest") == (
        "'item.evidence.digest': 'item.evidence' is a list: use an index, not 'digest'"
    )
    assert path_problem(HandoffDocument, "package.age_band.x") == (
        "'package.age_band.x': 'package.age_band' is a value, it has no 'x'"
    )


def test_payloads_nest_dotted_targets_and_skip_absent_values() -> None:
    document = {"package": {"age_band": "15_17", "reason": None}, "idempotency_key": "k"}
    mapping: dict[str, str | Constant] = {
        "victim.age": "package.age_band",
        "victim.reason": "package.reason",
        "ref": "idempotency_key",
        "source": Constant(value="3018"),
    }
    assert build_payload(mapping, document) == {
        "victim": {"age": "15_17"},
        "ref": "k",
        "source": "3018",
    }


def test_templates_render_dotted_placeholders() -> None:
    document: dict[str, Any] = {
        "package": {"categories": ["sextortion", "hacking"], "reason": None}
    }
    assert render("${package.categories} / ${package.reason} / $$5", document) == (
        "sextortion, hacking / - / $5"
    )
    assert template_problems("${package.nope}", HandoffDocument, "message.body") == [
        "message.body: 'package.nope': package has no field 'nope' (fields: case_id, "
        "referral_id, categories, age_band, urgency, legal_basis, reason, contact, items, "
        "risk_flags, caller_role, offences, evidence_manifest)"
    ]


def test_reasons_are_scrubbed_of_what_may_be_personal() -> None:
    text = "URL https://x.example/u/lea refused for lea@mail.example, @lea_17, +33 6 12 34 56 78"
    assert scrub(text) == "URL <url> refused for <email>, <handle>, <number>"

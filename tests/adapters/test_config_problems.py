"""Every broken configuration gives one clear message naming the file, the
adapter and the field; start-up stops on it unless told to tolerate it."""

from pathlib import Path

import pytest

from partners.config_file import parse_config, read_config_file
from partners.loading import load_adapters, load_registry
from partners.problems import AdapterLoadError
from relais.settings import Settings
from tests.adapters.configs import email_partner

ENV = {"LIGUE_SMTP_PASSWORD": "secret-pw", "AIDE_NORD_KEY": "k"}

HTTP_PARTNER = """
[[adapter]]
slug = "aide-nord"
display_name = "Aide Nord"
kind = "victim_support"
channel = "http_json"
delivery = "{delivery}"
base_url = "https://api.aide-nord.example"
auth = {{ header = "X-Api-Key", value = "${{AIDE_NORD_KEY}}" }}

[adapter.submit]
path = "/referrals"
reference = "data.id"
body = {{ "victim.age" = "{source}" }}
"""

HTTP_PLATFORM = """
[[adapter]]
slug = "nord-videos"
display_name = "Nord Videos"
kind = "platform"
channel = "http_json"
base_url = "https://api.nord-videos.example"
probe_allowed_networks = {networks}

[adapter.submit]
path = "/notices"
"""


def problems(text: str, *, name: str = "adapters.toml", env: dict[str, str] = ENV) -> list[str]:
    config = parse_config(text, name, yaml=name.endswith(".yaml"))
    report = load_adapters(Settings(), config, environ=env, plugins=False)
    return [str(problem) for problem in report.problems]


CASES = {
    "toml syntax": (
        'adapter = [ {slug = "x" ',
        "adapters.toml: not valid TOML: Unclosed inline table (at end of document)",
    ),
    "unknown top-level key": (
        "[adapterz]\nx = 1\n",
        "adapters.toml: adapterz: unknown key (expected: adapter, overrides)",
    ),
    "adapter not a list": (
        'adapter = "x"\n',
        "adapters.toml: adapter: must be a list of tables ([[adapter]])",
    ),
    "missing slug": (
        '[[adapter]]\nchannel = "email"\nkind = "platform"\ndisplay_name = "X"\n',
        "adapters.toml: adapter '#1': slug: Field required",
    ),
    "bad slug": (
        '[[adapter]]\nslug = "Ligue IDF"\nchannel = "email"\nkind = "other"\ndisplay_name = "X"\n',
        "adapters.toml: adapter 'Ligue IDF': slug: use 1 to 64 lower-case letters, digits, "
        "'-' or '_', starting with a letter or digit (it appears in URLs and search attributes)",
    ),
    "unknown channel": (
        '[[adapter]]\nslug = "x"\nchannel = "fax"\nkind = "other"\ndisplay_name = "X"\n',
        "adapters.toml: adapter 'x': channel: Input should be 'http_json', 'email', "
        "'whatsapp' or 'messenger'",
    ),
    "unknown kind": (
        '[[adapter]]\nslug = "x"\nchannel = "email"\nkind = "association"\ndisplay_name = "X"\n',
        "adapters.toml: adapter 'x': kind: Input should be 'platform', 'authority', 'police', "
        "'child_protection', 'victim_support', 'other' or 'messaging'",
    ),
    "smtp port not a number": (
        email_partner(port='"abc"'),
        "adapters.toml: adapter 'ligue-idf': smtp.port: Input should be a valid integer, "
        "unable to parse string as an integer",
    ),
    "unknown channel key": (
        email_partner().replace('channel = "email"', 'channel = "email"\nsmtp_host = "x"'),
        "adapters.toml: adapter 'ligue-idf': smtp_host: Extra inputs are not permitted",
    ),
    "template placeholder": (
        email_partner().replace("${package.age_band}", "${package.agee_band}"),
        "adapters.toml: adapter 'ligue-idf': message.body: 'package.agee_band': package has no "
        "field 'agee_band' (fields: case_id, referral_id, categories, age_band, urgency, "
        "legal_basis, reason, contact, items, risk_flags, caller_role, offences, "
        "evidence_manifest)",
    ),
    "mapping path": (
        HTTP_PARTNER.format(delivery="webhook", source="package.contact.nickname"),
        "adapters.toml: adapter 'aide-nord': submit.body.victim.age: 'package.contact.nickname':"
        " package.contact has no field 'nickname' (fields: first_name, phone, email, handles, "
        "free_text, callback_instructions)",
    ),
    "poll without an endpoint": (
        HTTP_PARTNER.format(delivery="poll", source="package.age_band"),
        "adapters.toml: adapter 'aide-nord': status: required when delivery is 'poll' "
        "(the endpoint to poll)",
    ),
    "network the URL check may reach": (
        HTTP_PLATFORM.format(networks='["10.20.0.0/16", "intranet"]'),
        "adapters.toml: adapter 'nord-videos': probe_allowed_networks.1: value is not a valid "
        "IPv4 or IPv6 network",
    ),
    "declared twice": (
        email_partner() + email_partner(),
        "adapters.toml: adapter 'ligue-idf': slug: declared twice in this file",
    ),
    "override of an unknown adapter": (
        '[overrides.tiktokk]\nconfig = { base_url = "https://x" }\n',
        "adapters.toml: adapter 'tiktokk': overrides.tiktokk: no adapter is registered under "
        "this slug",
    ),
    "override with a bad duration": (
        '[overrides.tiktok]\nretry = { initial_interval = "soon" }\n',
        "adapters.toml: adapter 'tiktok': overrides.tiktok.retry.initial_interval: Input should "
        "be a valid timedelta, invalid digit in duration",
    ),
    "override of an unknown config field": (
        '[overrides.tiktok]\nconfig = { base_urll = "https://x" }\n',
        "adapters.toml: adapter 'tiktok': overrides.tiktok.config.base_urll: Extra inputs are "
        "not permitted",
    ),
    "attachments of a type no copy is made in": (
        '[overrides.tiktok]\nconfig = { attachments = { media_types = ["video/mp4"] } }\n',
        "adapters.toml: adapter 'tiktok': overrides.tiktok.config.attachments.media_types: "
        "not attachable: video/mp4",
    ),
    "override key outside config": (
        '[overrides.tiktok]\nbase_url = "https://x"\n',
        "adapters.toml: adapter 'tiktok': overrides.tiktok.base_url: Extra inputs are not "
        "permitted",
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_each_broken_configuration_names_file_adapter_and_field(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_an_unset_environment_variable_is_named_and_its_value_never_shown() -> None:
    found = problems(email_partner(), env={})
    assert found == [
        "adapters.toml: adapter 'ligue-idf': smtp.password: environment variable "
        "LIGUE_SMTP_PASSWORD is not set"
    ]
    with_secret = problems(email_partner().replace("port = 2525", 'port = "x"'))
    assert "secret-pw" not in " ".join(with_secret)


def test_yaml_files_are_read_and_their_syntax_errors_located() -> None:
    valid = """
overrides:
  tiktok:
    delivery: poll
    retry: {give_up_after: P5D}
adapter:
  - slug: aide-sud
    display_name: Aide Sud
    kind: victim_support
    channel: http_json
    base_url: https://aide-sud.example
    submit: {path: /referrals}
"""
    assert problems(valid, name="adapters.yaml") == []
    assert problems("adapter:\n  - slug: [x\n", name="adapters.yaml") == [
        "adapters.yaml: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(line 3, column 1)"
    ]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    config = read_config_file(tmp_path / "nowhere.toml")
    assert [str(p) for p in config.problems] == [f"{tmp_path / 'nowhere.toml'}: file not found"]


def test_start_up_stops_on_a_broken_file_unless_told_to_tolerate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIGUE_SMTP_PASSWORD", "secret-pw")
    path = tmp_path / "adapters.toml"
    path.write_text(email_partner(port='"abc"'), encoding="utf-8")

    with pytest.raises(AdapterLoadError) as stopped:
        load_registry(Settings(adapters_config=path))
    assert f"{path}: adapter 'ligue-idf': smtp.port" in str(stopped.value)

    registry = load_registry(Settings(adapters_config=path, adapters_tolerate_errors=True))
    assert registry.get("ligue-idf") is None
    assert registry.get("tiktok") is not None
    assert [p.field for p in registry.problems] == ["smtp.port"]


def test_a_valid_file_declares_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "adapters.toml"
    path.write_text(
        email_partner()
        + '\n[overrides.tiktok]\ndisplay_name = "TikTok FR"\n'
        + 'retry = { give_up_after = "P5D" }\n'
        + 'config = { base_url = "https://tf.tiktok.example", api_token = "${TIKTOK_TOKEN}" }\n',
        encoding="utf-8",
    )
    report = load_adapters(
        Settings(),
        read_config_file(path),
        environ={**ENV, "TIKTOK_TOKEN": "t0k"},
        plugins=False,
    )
    assert report.problems == []
    adapters = {a.info.slug: a for a in report.adapters}
    tiktok = adapters["tiktok"]
    assert tiktok.info.display_name == "TikTok FR"
    assert tiktok.info.retry.give_up_after.days == 5
    assert tiktok.info.retry.initial_interval.total_seconds() == 10  # the rest kept
    assert tiktok.config.base_url == "https://tf.tiktok.example"
    assert tiktok.config.api_token.get_secret_value() == "t0k"
    assert "t0k" not in repr(tiktok.config)
    ligue = adapters["ligue-idf"]
    assert ligue.info.delivery.value == "poll"
    assert ligue.spec.capabilities == ["handoff"]
    assert ligue.config.smtp.password.get_secret_value() == "secret-pw"
    assert f"{path}: declared ligue-idf" in report.notes


def test_a_deployment_says_what_its_platforms_take_beside_a_notice(tmp_path: Path) -> None:
    """The built-ins declare what the simulator plays; a deployment overrides it, field by
    field, or with ``false`` for a channel that takes no files."""
    path = tmp_path / "adapters.toml"
    path.write_text(
        "[overrides.tiktok]\nconfig = { attachments = { max_files = 2 } }\n"
        "[overrides.facebook]\nconfig = { attachments = false }\n",
        encoding="utf-8",
    )
    report = load_adapters(Settings(), read_config_file(path), environ=ENV, plugins=False)
    assert report.problems == []
    adapters = {a.info.slug: a for a in report.adapters}
    tiktok = adapters["tiktok"].notice_channel()
    assert tiktok is not None and tiktok.accepts_attachments is not None
    assert tiktok.accepts_attachments.max_files == 2
    assert "application/pdf" in tiktok.accepts_attachments.media_types  # the rest kept
    for slug in ("facebook", "snapchat"):
        channel = adapters[slug].notice_channel()
        assert channel is not None and channel.accepts_attachments is None

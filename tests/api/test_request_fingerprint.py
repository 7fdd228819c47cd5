"""What counts as "the same request" under one Idempotency-Key."""

from api.request_fingerprint import key_digest, request_fingerprint

ROUTE = "POST /cases/{case_id}/items"
PATH = {"case_id": "c1"}
BODY = b'{"items": [{"platform": "tiktok", "url": "https://t.example/1"}], "note": null}'


def fingerprint(
    key: str = "k1",
    route: str = ROUTE,
    path: dict[str, str] = PATH,
    query: list[tuple[str, str]] | None = None,
    body: bytes = BODY,
) -> str:
    return request_fingerprint(key, "POST", route, path, query or [], body)


def test_the_same_json_written_otherwise_is_the_same_request() -> None:
    rewritten = (
        b'{\n  "note": null,\n  "items": [{"url": "https://t.example/1", "platform": "tiktok"}]\n}'
    )
    assert fingerprint(body=rewritten) == fingerprint()


def test_any_other_part_makes_another_request() -> None:
    others = {
        fingerprint(body=BODY.replace(b"/1", b"/2")),
        fingerprint(body=b'{"items": [{"url": "https://t.example/1", "platform": "tiktok"}]}'),
        fingerprint(path={"case_id": "c2"}),
        fingerprint(route="POST /cases/{case_id}/close"),
        fingerprint(query=[("filename", "a.toml")]),
        fingerprint(body=b"not json"),
        fingerprint(body=b""),
    }
    assert fingerprint() not in others
    assert len(others) == 7


def test_digests_depend_on_the_key_and_the_caller() -> None:
    assert fingerprint(key="k2") != fingerprint()  # no guessing a body without the key
    assert key_digest("counsellor-a", "k1") != key_digest("counsellor-b", "k1")
    assert len(key_digest("counsellor-a", "k1")) == len(fingerprint()) == 64


def test_a_body_no_json_parser_reads_is_compared_as_bytes() -> None:
    """Found by schemathesis: a body nested past the JSON parser's depth was a 500."""
    deep = b"[" * 100_000 + b"]" * 100_000
    assert fingerprint(body=deep) == fingerprint(body=deep)
    assert fingerprint(body=deep) != fingerprint(body=deep + b" ")
    assert fingerprint(body=b"\xff{}") != fingerprint(body=b"{}")

"""Meta's error codes, classified as docs/simulator-meta.md's table says: on
``error.code`` and ``error_subcode``, whatever the HTTP status."""

import httpx
import pytest

from domain.channel_messages import ChannelFailureKind
from partners.channel_errors import OutcomeUnknownError, OutsideWindowError, RateLimitedError
from partners.errors import PermanentAdapterError, TransientAdapterError
from partners.meta_errors import failure_of, graph_error

K = ChannelFailureKind


@pytest.mark.parametrize(
    ("code", "subcode", "http", "kind"),
    [
        (131047, None, 400, K.OUTSIDE_WINDOW),
        (10, 2018278, 400, K.OUTSIDE_WINDOW),
        (10, None, 400, K.REFUSED),  # permission denied, not the window
        (132001, None, 404, K.REFUSED),
        (131026, None, 400, K.UNDELIVERABLE),
        (551, 1545041, 400, K.UNDELIVERABLE),
        (100, 2018001, 400, K.REFUSED),
        (130429, None, 429, K.RATE_LIMITED),
        (131056, None, 400, K.RATE_LIMITED),
        (80007, None, 400, K.RATE_LIMITED),
        (4, None, 400, K.RATE_LIMITED),
        (613, None, 400, K.RATE_LIMITED),
        (4, 2018022, 400, K.RATE_LIMITED),
        (131000, None, 500, K.TRANSIENT),
        (1200, None, 500, K.TRANSIENT),
        (2, None, 503, K.TRANSIENT),
        (100, None, 400, K.REFUSED),
        (131008, None, 400, K.REFUSED),
        (131009, None, 400, K.REFUSED),
        (190, None, 401, K.REFUSED),
        (2500, None, 400, K.REFUSED),
        (100, 33, 400, K.REFUSED),
        (100, None, 500, K.REFUSED),  # a known code decides, whatever the status
        (999999, None, 500, K.TRANSIENT),  # an unknown one: the status does
        (999999, None, 400, K.REFUSED),
    ],
)
def test_each_code_means_what_the_table_says(
    code: int, subcode: int | None, http: int, kind: ChannelFailureKind
) -> None:
    error = {"code": code, "message": f"(#{code}) title"}
    if subcode is not None:
        error["error_subcode"] = subcode
    assert failure_of(error, http).kind is kind


def test_without_a_code_the_status_decides_and_is_transient_counts() -> None:
    assert failure_of(None, 502).kind is K.TRANSIENT
    assert failure_of(None, 429).kind is K.RATE_LIMITED
    assert failure_of(None, 403).kind is K.REFUSED
    assert failure_of({"code": 999999, "is_transient": True}, 400).kind is K.TRANSIENT


def answer(status: int, error: dict[str, object] | str, **headers: str) -> httpx.Response:
    content = error if isinstance(error, str) else None
    json_body = None if isinstance(error, str) else {"error": error}
    return httpx.Response(status, json=json_body, content=content, headers=headers)


def test_the_error_raised_tells_the_caller_what_to_do() -> None:
    def raised(response: httpx.Response, sent: bool = True) -> Exception:
        return graph_error(response, "send text", "whatsapp", sent=sent)

    window = raised(answer(400, {"code": 131047, "message": "(#131047) Re-engagement message"}))
    limited = raised(answer(429, {"code": 130429}, **{"Retry-After": "12"}))
    lost = raised(answer(500, {"code": 131000, "is_transient": True}))
    lookup = raised(answer(500, {"code": 131000}), sent=False)
    proxy = raised(answer(502, "<html>Bad gateway</html>"))
    details = raised(
        answer(
            400,
            {
                "code": 100,
                "message": "(#100) Invalid parameter",
                "error_data": {"details": "The parameter to is not a phone number: '0612345678'"},
            },
        )
    )

    assert isinstance(window, OutsideWindowError) and window.code == 131047
    assert isinstance(limited, RateLimitedError) and limited.retry_after is not None
    assert limited.retry_after.total_seconds() == 12
    assert isinstance(lost, OutcomeUnknownError)
    assert isinstance(lookup, TransientAdapterError) and not isinstance(lookup, OutcomeUnknownError)
    assert isinstance(proxy, OutcomeUnknownError)
    assert type(details) is PermanentAdapterError and "0612345678" not in str(details)


def test_a_failed_status_keeps_the_code_and_title_and_drops_the_details() -> None:
    failure = failure_of(
        {
            "code": 131026,
            "title": "Message undeliverable",
            "error_data": {"details": "recipient +33 6 12 34 56 78"},
        }
    )

    assert (failure.kind, failure.code, failure.title) == (
        K.UNDELIVERABLE,
        131026,
        "Message undeliverable",
    )
    assert "78" not in failure.model_dump_json()

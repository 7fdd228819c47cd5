"""``RELAIS_LOG_FORMAT=json``: one JSON object per line, carrying the trace and span
ids of the span it was written in, so an operator goes from a log line to its trace.
(The no-personal-data test formats every captured record in both formats; the
Prometheus test reads the JSON lines of a real API and worker.)"""

import io
import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider

from relais.logs import JsonLogFormatter, formatter
from relais.settings import LogFormat


@pytest.fixture
def lines() -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(LogFormat.JSON))
    logger = logging.getLogger("relais.test-json")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return stream


def written(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_in_a_span_carries_its_trace_and_span_ids(lines: io.StringIO) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("notice submitted") as span:
        logging.getLogger("relais.test-json").info("notice %s sent", "c1-n1")
    [entry] = written(lines)
    context = span.get_span_context()
    assert entry["message"] == "notice c1-n1 sent"
    assert entry["level"] == "INFO" and entry["logger"] == "relais.test-json"
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")


def test_a_line_outside_any_span_has_no_ids_and_an_error_keeps_its_traceback(
    lines: io.StringIO,
) -> None:
    log = logging.getLogger("relais.test-json")
    try:
        raise RuntimeError("platform unreachable")
    except RuntimeError:
        log.exception("submit failed")
    [entry] = written(lines)
    assert "trace_id" not in entry
    assert "RuntimeError: platform unreachable" in entry["exception"]
    assert "\n" not in lines.getvalue().rstrip("\n"), "one line per event"


def test_only_the_message_is_written_never_extra_fields(lines: io.StringIO) -> None:
    logging.getLogger("relais.test-json").info("case opened", extra={"phone": "+33600000000"})
    assert "+33600000000" not in lines.getvalue()
    assert isinstance(formatter(LogFormat.JSON), JsonLogFormatter)

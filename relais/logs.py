"""Logging for the API and the worker: one format, and HTTP client loggers kept
quiet, because a request line can carry an item's URL (personal data).

``RELAIS_LOG_FORMAT=json`` writes one JSON object per line, for a log collector:
time, level, logger, message, and the ids of the trace and span the line was
written in (so an operator goes from a log line to its trace). Only the message is
written, never a record's ``extra`` fields or arguments apart from it: what reaches
a log line is what the code chose to say, and the code says ids and statuses only.
"""

import json
import logging
from datetime import UTC, datetime

from opentelemetry import trace

from relais.settings import LogFormat

QUIET = ("httpx", "httpcore")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonLogFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "trace_id", "span_id"}`` (+ ``exception``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            entry["trace_id"] = format(context.trace_id, "032x")
            entry["span_id"] = format(context.span_id, "016x")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(log_format: LogFormat) -> logging.Formatter:
    return JsonLogFormatter() if log_format is LogFormat.JSON else logging.Formatter(TEXT_FORMAT)


def configure_logging(level: int = logging.INFO, log_format: LogFormat = LogFormat.TEXT) -> None:
    """Root handler on stderr in ``log_format``; servers started after this (uvicorn
    with ``log_config=None``) write through it too."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)

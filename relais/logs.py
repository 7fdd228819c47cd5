"""Logging for the API and the worker: one format, and HTTP client loggers kept
quiet, because a request line can carry an item's URL (personal data)."""

import logging

QUIET = ("httpx", "httpcore")


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)

"""Run the API: ``python -m api [--create-schema]`` on ``RELAIS_API_HOST:RELAIS_API_PORT``."""

import argparse
import gc

import uvicorn

from api.app import create_app
from relais.logs import configure_logging
from relais.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument(
        "--create-schema",
        action="store_true",
        help="migrate the database at start (when no launcher runs Alembic first)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(log_format=settings.log_format)
    app = create_app(settings, create_schema=args.create_schema)
    # What start-up built (modules, routes, models) lives as long as the process: kept
    # out of the collector's passes: a full pass over it held up the requests for 97 ms
    # in a 20 s open-case bench (docs/benchmarks.md, "A full collection"). Collected
    # first, so start-up's own garbage is freed rather than kept for good.
    gc.collect()
    gc.freeze()
    # No access log: a request line can carry a case id next to a query string.
    # log_config=None: uvicorn's own lines go through our handler (text or JSON).
    # A stop waits for the pages' live streams to end (each lasts stream_seconds), no more.
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=int(settings.chat.stream_seconds) + 5,
    )


if __name__ == "__main__":
    main()

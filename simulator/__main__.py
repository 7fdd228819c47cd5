"""``python -m simulator --port 8100 --config sim.json --webhook-base-url ...``"""

import argparse
import logging
from typing import Any

import uvicorn

from simulator.app import create_app
from simulator.settings import SimulatorSettings
from simulator.tracing import export_to_otlp


def parse_args(argv: list[str] | None = None) -> SimulatorSettings:
    parser = argparse.ArgumentParser(prog="simulator", description=__doc__)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--config", help="JSON or TOML: {defaults: {...}, targets: {slug: {...}}}")
    parser.add_argument("--webhook-base-url", dest="webhook_base_url")
    parser.add_argument("--webhook-secret", dest="webhook_secret")
    parser.add_argument("--log-level", dest="log_level")
    parser.add_argument(
        "--state-file",
        dest="state_file",
        help="journal (JSON lines) keeping notices, handoffs and planned decisions "
        "across a restart of the simulator",
    )
    given: dict[str, Any] = {
        k: v for k, v in vars(parser.parse_args(argv)).items() if v is not None
    }
    return SimulatorSettings(**given)


def main(argv: list[str] | None = None) -> None:
    settings = parse_args(argv)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    if settings.otlp_endpoint:
        export_to_otlp(settings.otlp_endpoint)
    app = create_app(settings.simulator_config(), state_file=settings.state_file)
    # No access log: a content check's query string carries the item's URL.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )


if __name__ == "__main__":
    main()

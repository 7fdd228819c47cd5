"""``python -m partners validate FILE``: check an adapter configuration
file as the worker would load it (built-in and installed adapters included), in
this shell's environment, without starting anything. Exit 0 when valid, 1 when
not (each problem on its own line, naming file, adapter and field), 2 on usage.

``python -m partners list``: what would be registered, and from where.
"""

import argparse
import sys
from pathlib import Path

from partners.config_file import read_config_file
from partners.loading import LoadReport, load_adapters
from relais.settings import Settings


def _print_adapters(report: LoadReport) -> None:
    for adapter in report.adapters:
        capabilities = ", ".join(adapter.spec.capabilities)
        print(
            f"  {adapter.info.slug:<20} {adapter.info.kind.value:<17} {capabilities:<8}"
            f" {adapter.spec.source}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m partners")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check an adapter configuration file")
    check.add_argument("file", type=Path)
    listing = commands.add_parser("list", help="list the adapters that would be registered")
    listing.add_argument(
        "--config", type=Path, default=None, help="default: RELAIS_ADAPTERS_CONFIG"
    )
    args = parser.parse_args(argv)

    settings = Settings()
    path: Path | None = (
        args.file if args.command == "validate" else (args.config or settings.adapters_config)
    )
    report = load_adapters(settings, read_config_file(path) if path else None)
    for note in report.notes:
        print(f"note: {note}")
    if args.command == "list" or not report.problems:
        _print_adapters(report)
    if report.problems:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(f"{len(report.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{args.file}: valid ({len(report.adapters)} adapters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

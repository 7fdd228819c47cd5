"""The command line every benchmark script shares: its own arguments plus ``--smoke``."""

import argparse
from collections.abc import Mapping, Sequence
from typing import Any


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str], smoke: Mapping[str, Any]
) -> argparse.Namespace:
    """``argv`` parsed; with ``--smoke``, every size in ``smoke`` not given on the
    command line takes its tiny value (a run that checks the script works, not a
    measure)."""
    tiny = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in smoke.items())
    parser.add_argument(
        "--smoke", action="store_true", help=f"a tiny run that checks the script works ({tiny})"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in smoke.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    return args

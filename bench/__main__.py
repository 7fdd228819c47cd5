"""``python -m bench NAME [ARGS]`` (what ``./dev bench`` runs): the script's ``main``,
then the process ends without tearing the interpreter down.

A script that used a Temporal client can abort at interpreter shutdown with "Fatal
Python error: PyGILState_Release" (exit 134, or 250 through the shell): the SDK's
Rust runtime threads outlive Python's finalisation (temporalio/sdk-python#300, open).
Its figures are printed by then, but the run counts as failed (a CI run failed so on
``long_case --smoke``). Once ``main`` returned, nothing is left to clean up that the
operating system does not: output is flushed and the process exits with main's code.
"""

import importlib
import os
import sys
import traceback


def run(name: str, argv: list[str]) -> int:
    """Exit code of ``bench.<name>.main(argv)``: 0, its ``SystemExit`` code, or 1 on an
    exception (printed)."""
    sys.argv = [f"./dev bench {name}", *argv]  # what argparse names in usage lines
    try:
        importlib.import_module(f"bench.{name}").main(argv)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:  # reported, then the exit code says it failed
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    code = run(sys.argv[1], sys.argv[2:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

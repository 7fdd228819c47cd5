"""Benchmarks (docs/benchmarks.md). Every module here is a script, run with
``./dev bench <name> [arguments]``, except the shared helpers in ``HELPERS``.

Each script takes ``--smoke``: the same run at a tiny size, to check that it still
works. ``tests/bench`` runs every script so (marked slow; ``.ci/run`` runs it), so
none can break unnoticed."""

HELPERS = frozenset(
    {"bare_workflow", "baseline", "chat_people", "cli", "common", "conversation_load"}
)

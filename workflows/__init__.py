"""Temporal workflows of a helpline case: orchestration only, no I/O.

Shared models live in :mod:`workflows.models` and pure decision rules in
:mod:`workflows.rules`, so the API and activities import them without pulling
in workflow code.
"""

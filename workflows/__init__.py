"""Temporal workflows of a helpline case: orchestration only, no I/O.

One folder per workflow (``case``, ``takedown``, ``referral``), each with its state
model beside it; models, enums and pure rules live in :mod:`domain`.
"""

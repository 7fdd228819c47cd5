"""Shared plumbing of the API and the worker: settings, data converter, telemetry,
and the app database."""

"""Pure decision rules: no I/O, no clock, unit-tested without a server."""

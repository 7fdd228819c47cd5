"""The HTTP API: validate, authorise, start/signal/update/query workflows, read
projections. A route never calls a partner. Build it with :func:`api.app.create_app`."""

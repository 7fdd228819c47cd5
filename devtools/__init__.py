"""Developer tooling behind ``./dev``: the local stack supervisor, tests, lint, lock.

Imported only inside the project's virtualenv (``./dev`` creates it first).
"""

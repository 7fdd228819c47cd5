"""Request and response bodies of the HTTP API, layered ``XCreate / XRead``.

They reuse the shared workflow models wherever the shape is the same, so the API
and the workflows cannot drift apart.
"""

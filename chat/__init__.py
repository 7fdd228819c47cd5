"""The web chat: the page a young person (or a parent, a professional) writes to the
helpline from, served under ``/chat`` by the API process, and the JSON endpoints its
script calls (in the OpenAPI description).

A door like the console: it parses a request (a form, a JSON body, the session
cookie) and renders the answer (a page in the young person's language, JSON); the
rules, the contract calls and the audit lines are the services' in
``application.conversations``. It imports nothing of the API nor of the console.
"""

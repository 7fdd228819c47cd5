"""The simulated Meta: the WhatsApp Cloud API and the Messenger Platform.

Young people write to the helpline through the control API (``young_people``); Meta's
webhooks carry their messages to Relais, signed (``delivery``, ``signing``). Relais
answers through the Graph API's send endpoints (``graph``), which check and record what
it sends (``outbox``) and report statuses back. See docs/simulator-meta.md.
"""

"""Conversations (web chat, WhatsApp, Messenger): the services that drive a
``ConversationWorkflow`` and the helpline's queue, one per action a person takes,
whichever door they come through (the chat page at ``/chat``, the console's
"Conversations" screen, a messaging channel's webhook).

The young person's side:

- ``starting``: the pre-chat form starts a conversation (a random id, never in a URL);
  whether the helpline is open now;
- ``young_person``: they write (sealed first, then the workflow), read their side of
  the transcript, leave, say they are writing;
- ``callback_request``: rather than wait on, they leave a way and a time to be called
  back: a case opens with the callback owed;
- ``channel_inbound``: a messaging channel's verified webhook (WhatsApp, Messenger):
  each message to the sender's open conversation or a new one, queued; the sender
  known only as a keyed hash; the platform's message id its idempotency key;
- ``absence``: a page closed (its beacon) or silent for long, while waiting, is
  counted as having left (abandoned), never dropped silently.

The counsellor's side: ``counsellor`` (presence, accept, pass, reply, end, wrap-up,
transfer, link to a case).

What both lean on: ``commands`` (the contract calls, Temporal's errors translated),
``acting`` (who acts for the young person, and their audit trail), ``live`` (the
change feed a page waits on: new messages since a ``seq``, status and place, "is
writing" hints, woken by ``relais.db.pulse_watch``: one watcher per process over the
app database), ``write_limits`` (a young person's
messages per conversation, shared by every API replica), ``requests`` (what each
action takes).
"""

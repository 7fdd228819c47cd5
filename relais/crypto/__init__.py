"""Payload encryption with a key per case, and crypto-shredding.

- :mod:`relais.crypto.keyring`: master keys (from settings) that wrap data keys.
- :mod:`relais.crypto.key_store`: data keys per case, cached; in memory or in the app
  database (:mod:`relais.crypto.db_key_store`), destroyed at the retention purge.
- :mod:`relais.crypto.codec`: the Temporal payload codec (AES-256-GCM) that seals
  every payload with the key of the case it belongs to.
- :mod:`relais.crypto.codec_server`: what the UI's codec endpoint does with a
  request, redaction included.
- :mod:`relais.crypto.history`: recorded histories in clear, for the replay tests.
- ``python -m relais.crypto``: a new master key, or re-wrap the case keys (rotation).
"""

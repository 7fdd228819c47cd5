"""Evidence files: kept encrypted with the case's key outside Temporal, hashed on
arrival, matched across cases, destroyed at the purge (docs/evidence.md).

- :mod:`~relais.evidence.intake`: ``EvidenceIntake.receive``, the one way in.
- :mod:`~relais.evidence.vault`: ``EvidenceVault.open`` (plaintext chunks) and the purge.
- :mod:`~relais.evidence.matching`: seen in another case? (SHA-256, PDQ).
- :mod:`~relais.evidence.store`: the folder or S3 bucket (obstore).
- :mod:`~relais.evidence.sealing`: streamed AES-256-GCM, chunk by chunk.
- :mod:`~relais.evidence.sniffing`, :mod:`~relais.evidence.images`,
  :mod:`~relais.evidence.documents`: what a file is, its PDQ, its sanitised copy.
- :mod:`~relais.evidence.pdq_index`: PDQ search by multi-index hashing.
"""

"""What the API answers about a case's evidence: the chain of custody and the hashes,
never a byte, a file name or a caption."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.evidence import EvidenceChannel, EvidenceHashes, EvidenceMatch


class SeenElsewhereRead(BaseModel):
    cases: int = Field(description="How many other cases hold the same (or a near) image")
    readable: list[EvidenceMatch] = Field(
        description="Those of them you may read (the others are counted, never named)"
    )


class EvidenceRead(BaseModel):
    evidence_id: str
    case_id: str
    item_id: str | None = None
    added_by: str
    added_at: datetime
    channel: EvidenceChannel
    hashes: EvidenceHashes
    intimate: bool = Field(description="Declared intimate: only the hashes were kept")
    kept: bool = Field(description="Whether the file's bytes are kept (and may be opened)")
    seen_elsewhere: SeenElsewhereRead


class EvidenceManifest(BaseModel):
    """The case's evidence, oldest first: what goes with a police or Pharos handoff."""

    case_id: str
    files: list[EvidenceRead]

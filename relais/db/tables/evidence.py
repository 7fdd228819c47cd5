"""Evidence files (hashes and metadata only; the bytes are sealed in the store) and
one-time upload links."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from relais.db.tables.base import AUTO_ID, ENUM, ID, Base


class EvidenceRow(Base):
    """A file added to a case (``domain.evidence``): its chain of custody, its hashes
    and the opaque ids of its encrypted objects; no file name, no bytes. A declared
    intimate image has hashes and no object (its bytes were never kept). ``seq`` orders
    the rows so each process's PDQ index loads only what it has not seen."""

    __tablename__ = "evidence"

    seq: Mapped[int] = mapped_column(AUTO_ID, primary_key=True, autoincrement=True)
    evidence_id: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[str] = mapped_column(ID)
    item_id: Mapped[str | None] = mapped_column(ID)
    added_by: Mapped[str] = mapped_column(ID)
    added_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(ENUM)
    kind: Mapped[str] = mapped_column(ENUM)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    embedded_metadata: Mapped[bool] = mapped_column(Boolean)
    intimate: Mapped[bool] = mapped_column(Boolean)
    object_id: Mapped[str | None] = mapped_column(String(64))
    export_object_id: Mapped[str | None] = mapped_column(String(64))
    export_kind: Mapped[str | None] = mapped_column(ENUM)
    key_id: Mapped[str | None] = mapped_column(String(64))
    sanitised: Mapped[bool] = mapped_column(Boolean)
    purged_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_evidence_case_id_added_at", "case_id", "added_at"),
        Index("ix_evidence_sha256", "sha256"),
    )


class UploadLinkRow(Base):
    """A one-time upload link a counsellor made for a case (``application.upload_links``):
    the SHA-256 of its token (never the token: it is shown once, to be sent to the young
    person), when it stops working, how many files it takes and has taken, and the
    minute window of its rate limit."""

    __tablename__ = "upload_links"

    link_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    created_by: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime | None]
    window_count: Mapped[int] = mapped_column(Integer, default=0)

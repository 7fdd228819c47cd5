"""Evidence: the screenshots and files a takedown or a complaint rests on.

What Relais keeps of a file a counsellor or a young person adds to a case: who added
it, when, from which channel, its hashes (SHA-256, and PDQ for images), its type and
size, and where its encrypted bytes are (an opaque object id). An intimate image of a
minor is never kept: only its hashes (:class:`HashesOnly`). No file name, no caption,
no personal data: those belong to the case's payloads.

The bytes themselves live outside Temporal, encrypted with the case's key
(``relais.evidence``); workflows carry only the evidence id and these models.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

PDQ_HEX = r"^[0-9a-f]{64}$"
SHA256_HEX = r"^[0-9a-f]{64}$"


class EvidenceKind(StrEnum):
    """What a file is, sniffed from its content (never from its name)."""

    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"
    GIF = "gif"
    HEIC = "heic"
    PDF = "pdf"
    MP4 = "mp4"
    TEXT = "text"

    @property
    def is_image(self) -> bool:
        return self in _IMAGES

    @property
    def is_video(self) -> bool:
        return self is EvidenceKind.MP4

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]


_IMAGES = frozenset(
    {EvidenceKind.PNG, EvidenceKind.JPEG, EvidenceKind.WEBP, EvidenceKind.GIF, EvidenceKind.HEIC}
)
_MEDIA_TYPES = {
    EvidenceKind.PNG: "image/png",
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.WEBP: "image/webp",
    EvidenceKind.GIF: "image/gif",
    EvidenceKind.HEIC: "image/heic",
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.MP4: "video/mp4",
    EvidenceKind.TEXT: "text/plain; charset=utf-8",
}


class EvidenceChannel(StrEnum):
    """Through which door a file arrived."""

    CONSOLE = "console"  # a counsellor's upload on the case page
    API = "api"
    WEB_CHAT = "web_chat"
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"
    UPLOAD_LINK = "upload_link"  # a one-time link a counsellor sent the young person


class Refusal(StrEnum):
    """Why a file was not taken; the doors map these to HTTP statuses (413, 415, 422)."""

    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"  # a decompression bomb, refused before decoding

    @property
    def status(self) -> int:
        """What every door answers it with: 413 over the limit, 415 a type not taken,
        422 the rest (empty, truncated, corrupt, a bomb)."""
        return {Refusal.TOO_LARGE: 413, Refusal.UNSUPPORTED_TYPE: 415}.get(self, 422)


class EvidenceRefused(Exception):
    """A file refused on arrival; nothing of it was stored."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class PerceptualHash(BaseModel):
    """Meta's PDQ: 256 bits as 64 hex digits, and its quality (0-100; below 50 the
    hash is too weak to match on)."""

    algorithm: str = "pdq"
    hex: str = Field(pattern=PDQ_HEX)
    quality: int = Field(ge=0, le=100)


class EvidenceHashes(BaseModel):
    """What is computed on arrival, in memory, before anything is stored."""

    kind: EvidenceKind
    size: int = Field(ge=1, description="Bytes")
    sha256: str = Field(pattern=SHA256_HEX)
    pdq: PerceptualHash | None = Field(default=None, description="Images only")
    embedded_metadata: bool = Field(
        default=False, description="The original carried EXIF, XMP, GPS or document info"
    )


class EvidenceRecord(BaseModel):
    """One file kept for a case: its chain of custody and where its bytes are.

    ``object_id`` is the encrypted original (never handed out as is); ``export_object_id``
    the copy that may leave the helpline, its embedded metadata removed (``sanitised``):
    a re-encoded image, a PDF without its document info, or the original itself for
    plain text. A video has none yet: it does not leave the helpline.
    """

    evidence_id: str
    case_id: str
    item_id: str | None = None
    added_by: str
    added_at: datetime
    channel: EvidenceChannel
    hashes: EvidenceHashes
    intimate: bool = Field(default=False, description="Declared intimate: bytes never kept")
    object_id: str | None = None
    export_object_id: str | None = None
    export_kind: EvidenceKind | None = Field(
        default=None, description="HEIC is exported as JPEG, GIF as PNG"
    )
    key_id: str | None = Field(default=None, description="The case data key that sealed it")
    sanitised: bool = False
    purged_at: datetime | None = None


class HashesOnly(BaseModel):
    """An intimate image of a minor: the helpline never holds it. Its hashes were
    computed in memory and kept (to recognise it again, and for the hash routes such
    as Take It Down and StopNCII); not one byte of the file was written anywhere."""

    evidence_id: str
    case_id: str
    added_by: str
    added_at: datetime
    channel: EvidenceChannel
    hashes: EvidenceHashes


class MatchedBy(StrEnum):
    SHA256 = "sha256"
    PDQ = "pdq"


class EvidenceMatch(BaseModel):
    """The same (or a near-identical) image already in another case. Only ids: whether
    the counsellor may see anything of that case is the application layer's call."""

    evidence_id: str
    case_id: str
    matched_by: MatchedBy
    distance: int = Field(ge=0, le=256, description="PDQ Hamming distance (0 for SHA-256)")

"""Files a notice attaches, and the two ways a platform's channel takes them.

A :class:`NoticeFile` is the sanitised copy of one evidence file (its EXIF, GPS, XMP or
document information removed on arrival), read by the submit activity just before the
call and dropped after it: never in a workflow's history, never on disk. Its name is
the evidence id and an extension, never the name the file came with.

- **multipart** (:func:`multipart_parts`): ``multipart/form-data`` with the notice as a
  JSON part (``notice``) and one part per file (``files``), the way a web form with an
  upload field posts;
- **json_base64** (:func:`json_attachments`): the notice's JSON body with a list of
  files, each its bytes in base64 beside its type, size and SHA-256.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from domain.notice import AttachmentLimits

_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


class AttachmentEncoding(StrEnum):
    MULTIPART = "multipart"
    JSON_BASE64 = "json_base64"


class AttachmentChannel(AttachmentLimits):
    """An adapter configuration's ``attachments``: the limits, and the wire format."""

    encoding: AttachmentEncoding = AttachmentEncoding.MULTIPART
    field: str = Field(
        default="attachments",
        min_length=1,
        max_length=64,
        description="json_base64: the body's key for the list; multipart: the files' part name",
    )
    notice_part: str = Field(
        default="notice", min_length=1, max_length=64, description="multipart: the JSON part"
    )


def _false_is_none(value: Any) -> Any:
    return None if value is False else value


DeclaredAttachments = Annotated[AttachmentChannel | None, BeforeValidator(_false_is_none)]
"""A configuration's ``attachments``: the table, or ``false`` (TOML has no null) for a
channel that takes none, e.g. a deployment overriding a built-in that declares some."""


@dataclass(frozen=True)
class NoticeFile:
    evidence_id: str
    media_type: str
    data: bytes
    copy_of: str  # the SHA-256 of the original, as the notice's evidence list gives it

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def file_name(self) -> str:
        return f"{self.evidence_id}.{_EXTENSIONS.get(self.media_type, 'bin')}"

    def described(self) -> dict[str, Any]:
        """What a body says of the file besides its bytes."""
        return {
            "file_name": self.file_name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "copy_of_sha256": self.copy_of,
        }


def json_attachments(files: list[NoticeFile]) -> list[dict[str, Any]]:
    return [
        {**file.described(), "content_base64": base64.b64encode(file.data).decode("ascii")}
        for file in files
    ]


def multipart_parts(
    body: dict[str, Any], files: list[NoticeFile], channel: AttachmentChannel
) -> list[tuple[str, tuple[str | None, bytes, str]]]:
    """httpx's ``files=``: the notice (with each file described) then the files."""
    notice = {**body, channel.field: [file.described() for file in files]}
    parts: list[tuple[str, tuple[str | None, bytes, str]]] = [
        (channel.notice_part, (None, json.dumps(notice).encode(), "application/json"))
    ]
    parts += [(channel.field, (f.file_name, f.data, f.media_type)) for f in files]
    return parts

"""The files a platform's notice channel takes beside a notice, as a platform checks them.

Two wire formats, one per platform (the target's ``attachments.encoding``):

- ``multipart``: ``multipart/form-data``, a part ``notice`` (the JSON body, whose
  ``attachments`` describes each file) and one part ``attachments`` per file, with its
  file name and ``Content-Type``;
- ``json_base64``: the JSON body, its ``attachments`` a list of
  ``{file_name, media_type, size, sha256, content_base64}``.

A platform that takes none answers 422 to a notice with files; the other encoding is
a 415; more files than ``max_files`` a 422; a file over ``max_bytes`` a 413; a type not
taken (declared, or sniffed from the bytes) a 415; bad base64, or a size or SHA-256
that does not match the bytes, a 422. What was received is recorded per file (name,
type, size, SHA-256 computed here); the bytes are kept in memory only, for a test to
read back (``/_control/notices/{target}/{reference}/attachments/{n}``).
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from pydantic import BaseModel

from simulator.config import AttachmentEncoding, Attachments

FIELD = "attachments"
NOTICE_PART = "notice"
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


class ReceivedFile(BaseModel):
    """One file as the platform received it (never its bytes)."""

    file_name: str
    media_type: str
    size: int
    sha256: str
    copy_of_sha256: str | None = None


@dataclass(frozen=True)
class Received:
    body: dict[str, Any]
    files: list[ReceivedFile]
    contents: list[bytes]


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def sniffed(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def read_notice(content_type: str, raw: bytes, accepts: Attachments | None) -> Received:
    """The notice's JSON body and its files, checked; :class:`Refused` says why not."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        if accepts is None:
            raise Refused(422, "this channel takes no attachments")
        if accepts.encoding is not AttachmentEncoding.MULTIPART:
            raise Refused(415, "send the files as base64 in the JSON body")
        body, pieces = _multipart(content_type, raw)
    else:
        body = _json_object(raw)
        listed = body.pop(FIELD, None)
        if listed is None:
            return Received(body, [], [])
        if accepts is None:
            raise Refused(422, "this channel takes no attachments")
        if accepts.encoding is not AttachmentEncoding.JSON_BASE64:
            raise Refused(415, "send the files as multipart/form-data")
        pieces = _base64_files(listed)
    if len(pieces) > accepts.max_files:
        raise Refused(422, f"at most {accepts.max_files} files")
    files = [_checked(name, declared, data, accepts) for name, declared, data in pieces]
    described = [file.model_dump(exclude_none=True) for file in files]
    return Received({**body, FIELD: described}, files, [data for _, _, data in pieces])


def _checked(
    name: str, declared: dict[str, Any], data: bytes, accepts: Attachments
) -> ReceivedFile:
    if len(data) > accepts.max_bytes:
        raise Refused(413, f"{name}: over {accepts.max_bytes} bytes")
    media_type = str(declared.get("media_type") or "")
    if media_type not in accepts.media_types or sniffed(data) != media_type:
        raise Refused(415, f"{name}: not one of {', '.join(accepts.media_types)}")
    sha256 = hashlib.sha256(data).hexdigest()
    if declared.get("sha256", sha256) != sha256 or declared.get("size", len(data)) != len(data):
        raise Refused(422, f"{name}: the size or SHA-256 given does not match the file")
    copy_of = declared.get("copy_of_sha256")
    return ReceivedFile(
        file_name=name[:200],
        media_type=media_type,
        size=len(data),
        sha256=sha256,
        copy_of_sha256=str(copy_of)[:64] if copy_of else None,
    )


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Refused(422, "the body must be a JSON object")
    return body


def _base64_files(listed: Any) -> list[tuple[str, dict[str, Any], bytes]]:
    if not isinstance(listed, list) or not all(isinstance(f, dict) for f in listed):
        raise Refused(422, f"{FIELD}: a list of objects")
    pieces: list[tuple[str, dict[str, Any], bytes]] = []
    for index, entry in enumerate(listed):
        try:
            data = base64.b64decode(str(entry.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(422, f"{FIELD}.{index}: content_base64 is not base64") from None
        if not data:
            raise Refused(422, f"{FIELD}.{index}: empty file")
        pieces.append((str(entry.get("file_name") or f"file-{index}"), entry, data))
    return pieces


def _multipart(
    content_type: str, raw: bytes
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any], bytes]]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise Refused(422, "the multipart body cannot be read")
    body: dict[str, Any] | None = None
    pieces: list[tuple[str, dict[str, Any], bytes]] = []
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        if name == NOTICE_PART:
            body = _json_object(data)
        elif name == FIELD:
            file_name = str(part.get_filename() or f"file-{len(pieces)}")
            pieces.append((file_name, {"media_type": part.get_content_type()}, data))
    if body is None:
        raise Refused(422, f"the multipart body has no part named {NOTICE_PART}")
    described = body.pop(FIELD, None) or []
    for index, (name, declared, _) in enumerate(pieces):
        match = next(
            (d for d in described if isinstance(d, dict) and d.get("file_name") == name), {}
        )
        declared.update({k: match[k] for k in ("sha256", "size", "copy_of_sha256") if k in match})
        pieces[index] = (name, declared, pieces[index][2])
    return body, pieces

"""What a file is, from its first bytes: never from its name or a declared type.

Signatures come from ``filetype`` (no dependencies, about a hundred formats): it
recognises the kinds the helpline takes and, as important, names what it refuses
("application/zip", "video/quicktime") so the person is told what they sent. Plain
text has no signature: bytes that no signature matches and that read as UTF-8
without control characters are text (checked again in full on arrival).
"""

import codecs
import re

import filetype

from domain.evidence import EvidenceKind, EvidenceRefused, Refusal

SNIFF_BYTES = 8192  # what filetype reads

_BY_MIME = {
    "image/png": EvidenceKind.PNG,
    "image/jpeg": EvidenceKind.JPEG,
    "image/webp": EvidenceKind.WEBP,
    "image/gif": EvidenceKind.GIF,
    "image/heic": EvidenceKind.HEIC,
    "application/pdf": EvidenceKind.PDF,
    "video/mp4": EvidenceKind.MP4,
}
ACCEPTED = "PNG, JPEG, WebP, GIF or HEIC images, PDF, MP4 videos and plain UTF-8 text"
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")  # all but tab, LF, FF, CR


def sniff(head: bytes) -> EvidenceKind:
    """The kind of a file from its first :data:`SNIFF_BYTES` (or all of it, if shorter);
    :class:`EvidenceRefused` for anything the helpline does not take."""
    if not head:
        raise EvidenceRefused(Refusal.EMPTY, "the file is empty")
    found = filetype.guess(head)
    if found is not None:
        kind = _BY_MIME.get(found.mime)
        if kind is None:
            raise EvidenceRefused(
                Refusal.UNSUPPORTED_TYPE,
                f"files of type {found.mime} are not accepted (accepted: {ACCEPTED})",
            )
        return kind
    if looks_like_text(head, final=len(head) < SNIFF_BYTES):
        return EvidenceKind.TEXT
    raise EvidenceRefused(
        Refusal.UNSUPPORTED_TYPE,
        f"unrecognised binary data is not accepted (accepted: {ACCEPTED})",
    )


def looks_like_text(data: bytes | bytearray, *, final: bool = True) -> bool:
    """UTF-8 without NUL or other control characters (tab, newlines and form feed
    allowed). ``final=False``: ``data`` may end inside a character (a head)."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return _CONTROLS.search(text) is None

"""PDF and plain text on arrival: read in full (a corrupt or truncated file is
refused), and a copy that may leave the helpline.

PDF: parsed by ``pypdf`` in strict mode; its sanitised copy drops the document
information dictionary (author, creator, dates) and the XMP metadata stream, the
pages untouched. Password-protected PDFs are refused (they cannot be checked or
sanitised). Plain text carries no embedded metadata: its export copy is itself.
"""

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from domain.evidence import EvidenceRefused, Refusal
from relais.evidence.sniffing import looks_like_text

# pypdf logs what it repairs, quoting the document; such lines never reach our logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class ExaminedDocument:
    embedded_metadata: bool
    sanitised: bytes


def examine_pdf(data: bytes | bytearray) -> ExaminedDocument:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise EvidenceRefused(
                Refusal.UNSUPPORTED_TYPE, "password-protected PDF files are not accepted"
            )
        if len(reader.pages) == 0:
            raise EvidenceRefused(Refusal.CORRUPT, "the PDF file has no pages")
        embedded = bool(reader.metadata) or "/Metadata" in reader.root_object
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        if "/Metadata" in writer.root_object:
            del writer.root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
    except EvidenceRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        truncated = "eof" in str(exc).lower() or "truncat" in str(exc).lower()
        reason = Refusal.TRUNCATED if truncated else Refusal.CORRUPT
        word = "truncated" if truncated else "corrupt and cannot be read"
        raise EvidenceRefused(reason, f"the PDF file is {word}") from None
    return ExaminedDocument(embedded_metadata=embedded, sanitised=out.getvalue())


def examine_text(data: bytes | bytearray) -> ExaminedDocument:
    if not looks_like_text(data):
        raise EvidenceRefused(
            Refusal.CORRUPT, "the text file is not valid UTF-8 or holds control characters"
        )
    return ExaminedDocument(embedded_metadata=False, sanitised=bytes(data))

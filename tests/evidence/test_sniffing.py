"""A file's type comes from its content: the name and the declared type are never read."""

import io
import zipfile

import pytest
from PIL import Image

from domain.evidence import EvidenceKind, EvidenceRefused, Refusal
from relais.evidence.sniffing import sniff
from tests.evidence.files import encoded, jpeg_with_gps, mp4_bytes, pdf_with_author, picture, png


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: png(), EvidenceKind.PNG),
        (lambda: jpeg_with_gps(), EvidenceKind.JPEG),
        (lambda: encoded(picture(), "WEBP"), EvidenceKind.WEBP),
        (lambda: encoded(picture(), "GIF"), EvidenceKind.GIF),
        (lambda: encoded(picture(), "HEIF"), EvidenceKind.HEIC),
        (lambda: pdf_with_author(), EvidenceKind.PDF),
        (lambda: mp4_bytes(10_000), EvidenceKind.MP4),
        (lambda: "Tu vas voir ce que je vais publier 😡\nsamedi\n".encode(), EvidenceKind.TEXT),
    ],
)
def test_each_accepted_kind_is_recognised_from_its_bytes(make, kind) -> None:  # type: ignore[no-untyped-def]
    assert sniff(make()[:8192]) is kind


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.png", png())
    return out.getvalue()


def test_other_types_are_refused_naming_the_type() -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff(_zip())
    assert refused.value.reason is Refusal.UNSUPPORTED_TYPE
    assert "application/zip" in refused.value.message

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "BMP")
    with pytest.raises(EvidenceRefused, match="image/bmp"):
        sniff(out.getvalue())


def test_binary_data_that_is_not_text_is_refused() -> None:
    with pytest.raises(EvidenceRefused, match="unrecognised binary") as refused:
        sniff(b"\x00\x01\x02 not text \xff\xfe")
    assert refused.value.reason is Refusal.UNSUPPORTED_TYPE
    with pytest.raises(EvidenceRefused):
        sniff(b"looks like text\x00but holds a NUL")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff(b"")
    assert refused.value.reason is Refusal.EMPTY

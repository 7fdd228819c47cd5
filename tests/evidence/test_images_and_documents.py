"""What is computed on arrival for images and documents: PDQ, refusals before
decoding, and copies that leave the helpline without the metadata that came in."""

import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from domain.evidence import EvidenceKind, EvidenceRefused, Refusal
from domain.policy import EvidencePolicy
from relais.evidence import png_chunks
from relais.evidence.documents import examine_pdf, examine_text
from relais.evidence.images import examine_image
from relais.evidence.pdq_index import distances, words_of
from tests.evidence.files import (
    bomb_png,
    encoded,
    jpeg_with_gps,
    pdf_with_author,
    picture,
    png,
)

POLICY = EvidencePolicy()


def pdq_distance(a: str, b: str) -> int:
    return int(distances(words_of(a), words_of(b))[0])


def test_the_same_picture_resized_and_recompressed_keeps_a_near_pdq() -> None:
    original = examine_image(png(picture(1)), EvidenceKind.PNG, POLICY)
    smaller = picture(1).resize((400, 300))
    resent = examine_image(encoded(smaller, "JPEG", quality=60), EvidenceKind.JPEG, POLICY)
    other = examine_image(png(picture(2)), EvidenceKind.PNG, POLICY)

    assert original.pdq.quality >= 50
    assert pdq_distance(original.pdq.hex, resent.pdq.hex) <= 31
    assert pdq_distance(original.pdq.hex, other.pdq.hex) > 31


def test_a_phone_photo_leaves_without_its_gps_position_or_camera() -> None:
    photo = jpeg_with_gps(marker="MarkerPhoneModel-7781")
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the original has GPS

    examined = examine_image(photo, EvidenceKind.JPEG, POLICY)

    assert examined.embedded_metadata
    assert examined.sanitised_kind is EvidenceKind.JPEG
    copy = Image.open(io.BytesIO(examined.sanitised))
    assert len(copy.getexif()) == 0 and not copy.getexif().get_ifd(0x8825)
    assert b"MarkerPhoneModel-7781" not in examined.sanitised
    assert b"Exif" not in examined.sanitised[:200]
    assert copy.size == (640, 480)


def test_a_screenshot_comment_is_dropped_and_a_clean_file_says_so() -> None:
    examined = examine_image(png(marker="MarkerComment-1234"), EvidenceKind.PNG, POLICY)
    assert examined.embedded_metadata
    assert b"MarkerComment-1234" not in examined.sanitised
    assert not examine_image(png(), EvidenceKind.PNG, POLICY).embedded_metadata


def test_an_exif_rotation_is_applied_before_the_metadata_goes() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 on display
    photo = encoded(picture(3, (400, 200)), "JPEG", exif=exif.tobytes())
    examined = examine_image(photo, EvidenceKind.JPEG, POLICY)
    assert Image.open(io.BytesIO(examined.sanitised)).size == (200, 400)


def test_heic_is_exported_as_jpeg_and_gif_as_png() -> None:
    heic = examine_image(encoded(picture(4), "HEIF"), EvidenceKind.HEIC, POLICY)
    assert heic.sanitised_kind is EvidenceKind.JPEG
    assert Image.open(io.BytesIO(heic.sanitised)).format == "JPEG"
    gif = examine_image(encoded(picture(4), "GIF"), EvidenceKind.GIF, POLICY)
    assert Image.open(io.BytesIO(gif.sanitised)).format == "PNG"


def test_a_decompression_bomb_is_refused_from_its_header_before_decoding() -> None:
    # The file holds 8 x 8 pixels of data: decoding would fail as truncated. The
    # refusal says "too many pixels": the header's size was checked first.
    with pytest.raises(EvidenceRefused) as refused:
        examine_image(bomb_png(30_000, 30_000), EvidenceKind.PNG, POLICY)
    assert refused.value.reason is Refusal.TOO_MANY_PIXELS
    assert "40,000,000" in refused.value.message

    small_policy = EvidencePolicy(max_image_pixels=100_000)
    with pytest.raises(EvidenceRefused, match="640 x 480"):
        examine_image(png(), EvidenceKind.PNG, small_policy)


def test_truncated_and_corrupt_images_are_refused() -> None:
    photo = jpeg_with_gps()
    with pytest.raises(EvidenceRefused) as refused:
        examine_image(photo[: len(photo) // 2], EvidenceKind.JPEG, POLICY)
    assert refused.value.reason is Refusal.TRUNCATED

    screenshot = png()
    garbled = screenshot[:60] + bytes(200) + screenshot[260:]
    with pytest.raises(EvidenceRefused) as refused:
        examine_image(garbled, EvidenceKind.PNG, POLICY)
    assert refused.value.reason in (Refusal.CORRUPT, Refusal.TRUNCATED)


def test_a_pdf_leaves_without_its_document_info() -> None:
    examined = examine_pdf(pdf_with_author("MarkerAuthor-5566"))
    assert examined.embedded_metadata
    assert b"MarkerAuthor-5566" not in examined.sanitised
    reader = PdfReader(io.BytesIO(examined.sanitised))
    assert not reader.metadata and len(reader.pages) == 1


def test_truncated_and_locked_pdfs_are_refused() -> None:
    document = pdf_with_author()
    with pytest.raises(EvidenceRefused) as refused:
        examine_pdf(document[: len(document) // 2])
    assert refused.value.reason in (Refusal.TRUNCATED, Refusal.CORRUPT)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(EvidenceRefused, match="password-protected"):
        examine_pdf(locked.getvalue())


def test_text_must_be_utf8_without_control_characters() -> None:
    assert examine_text("Message reçu à 23 h 12\n".encode()).sanitised.startswith(b"Message")
    with pytest.raises(EvidenceRefused) as refused:
        examine_text("d\u00e9j\u00e0".encode("latin-1"))
    assert refused.value.reason is Refusal.CORRUPT


def test_a_png_loses_its_metadata_chunks_and_keeps_its_pixels_byte_for_byte() -> None:
    exif = Image.Exif()
    exif[0x010F] = "MarkerExifMake-77"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "MarkerText-88")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>MarkerXmp-99</x:xmpmeta>")
    screenshot = encoded(picture(8), "PNG", pnginfo=info, exif=exif.tobytes())
    assert all(m in screenshot for m in (b"MarkerExifMake-77", b"MarkerText-88", b"MarkerXmp-99"))

    examined = examine_image(screenshot, EvidenceKind.PNG, POLICY)

    for marker in (b"MarkerExifMake-77", b"MarkerText-88", b"MarkerXmp-99"):
        assert marker not in examined.sanitised
    copy = Image.open(io.BytesIO(examined.sanitised))
    assert copy.tobytes() == Image.open(io.BytesIO(screenshot)).tobytes()
    assert not copy.info.get("exif") and not getattr(copy, "text", None)
    idat = screenshot.index(b"IDAT")  # the picture's chunks are the original's
    assert screenshot[idat : idat + 4000] in examined.sanitised


def test_a_png_to_rotate_is_re_encoded_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 270 on display
    rotated = encoded(picture(9, (300, 100)), "PNG", exif=exif.tobytes())
    examined = examine_image(rotated, EvidenceKind.PNG, POLICY)
    copy = Image.open(io.BytesIO(examined.sanitised))
    assert copy.size == (100, 300) and not copy.getexif()


def test_the_lossless_png_path_gives_up_on_anything_unexpected() -> None:
    screenshot = png(marker="MarkerText-1")
    assert png_chunks.without_metadata(screenshot) is not None
    assert png_chunks.without_metadata(b"GIF89a" + screenshot[6:]) is None
    broken_crc = bytearray(screenshot)
    broken_crc[29] ^= 0xFF  # IHDR's CRC
    assert png_chunks.without_metadata(bytes(broken_crc)) is None
    assert png_chunks.without_metadata(screenshot[:-12]) is None  # no IEND


def test_pdq_is_written_as_meta_writes_it() -> None:
    """fixtures/testsrc-frame.png is frame 0 of FFmpeg's ``testsrc`` pattern (160 x 120);
    the expected hash and quality are what Meta's own C++ (through ``vpdq``, built
    here once) printed for that frame. A flipped bit order or another luma formula
    would give another string, and hashes from Meta's tools would never match ours."""
    frame = (Path(__file__).parent / "fixtures" / "testsrc-frame.png").read_bytes()
    examined = examine_image(frame, EvidenceKind.PNG, POLICY)
    assert examined.pdq.hex == "29192f62d2872f62d0bdbde6bb51d4a6d4ac521968e6031902f62351ff50fce6"
    assert examined.pdq.quality == 100

"""Evidence files made in memory for the tests: screenshots, phone photos with a GPS
position, PDFs with an author, text, a video's bytes. Each can carry a marker, a
string no other file holds, to look for afterwards."""

import io
import os
import struct
import zlib

import numpy as np
import pillow_heif
from fpdf import FPDF
from PIL import Image, ImageDraw, PngImagePlugin

pillow_heif.register_heif_opener()

GPS_LATITUDE = (48.0, 51.0, 24.42)  # Paris, degrees minutes seconds as a phone writes it


def picture(seed: int = 1, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture (shapes on a gradient, some noise): PDQ quality well
    above 50, and different seeds give pictures PDQ tells apart."""
    rng = np.random.default_rng(seed)
    width, height = size
    x = np.linspace(0, 1, width)[None, :, None]
    y = np.linspace(0, 1, height)[:, None, None]
    base = (rng.random(3) * 255 * x + rng.random(3) * 255 * y) / 2
    pixels = np.clip(base + rng.normal(0, 6, (height, width, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        w, h = int(rng.integers(20, width // 3)), int(rng.integers(20, height // 3))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.rectangle((x0, y0, x0 + w, y0 + h), fill=colour)
    return image


def png(image: Image.Image | None = None, *, marker: str | None = None) -> bytes:
    """A screenshot; ``marker`` goes in a text chunk (as an app's comment would)."""
    info = PngImagePlugin.PngInfo()
    if marker:
        info.add_text("Comment", marker)
    out = io.BytesIO()
    (image or picture()).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_gps(
    image: Image.Image | None = None, *, marker: str = "", quality: int = 90
) -> bytes:
    """A phone photo: EXIF with the camera (``marker`` as its model), a GPS position
    and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = marker or "Phone 12"
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "E", (2.0, 21.0, 7.56)
    out = io.BytesIO()
    (image or picture()).save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def pdf_with_author(marker: str = "Jane Author") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Screenshot of the messages")
    document.set_author(marker)
    document.set_creator("Phone scanner")
    return bytes(document.output())


def mp4_bytes(size: int, marker: str = "") -> bytes:
    """Bytes that start as an MP4 does (an ``ftyp`` box, brand isom) then random
    data: enough for the streamed path, which checks the type and not the frames."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    body = marker.encode() + os.urandom(max(0, size - len(ftyp) - len(marker)))
    return ftyp + body


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels."""
    small = png(Image.new("RGB", (8, 8), "white"))
    ihdr = struct.pack(">II", width, height) + small[24:29]
    chunk = b"IHDR" + ihdr
    return small[:12] + chunk + struct.pack(">I", zlib.crc32(chunk)) + small[33:]


async def chunks_of(data: bytes, size: int = 64 * 1024):  # type: ignore[no-untyped-def]
    """An upload as a door streams it."""
    for start in range(0, len(data), size):
        yield data[start : start + size]

"""A PNG without its metadata, losslessly: the chunks that draw the picture are kept
byte for byte, every other chunk is dropped.

Kept (a whitelist, PNG 3rd edition): the image itself (``IHDR``, ``PLTE``, ``IDAT``,
``IEND``), transparency and colour rendering (``tRNS``, ``gAMA``, ``cHRM``, ``sRGB``,
``sBIT``, ``bKGD``, ``cICP``), pixel size (``pHYs``) and animation frames (``acTL``,
``fcTL``, ``fdAT``). Dropped: text (``tEXt``, ``zTXt``, ``iTXt``: comments, XMP), EXIF
(``eXIf``), time (``tIME``), embedded ICC profiles (``iCCP``, which can name a device)
and anything private or unknown.

Screenshots are PNGs: re-encoding one costs most of an upload's time (zlib) and
this costs none, and the text in it stays exactly as sent. Only for PNGs whose
pixels Pillow decoded in full first; ``None`` when the structure is not the plain
one expected (the caller then re-encodes).
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEPT = frozenset(
    {
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB",
        b"sBIT", b"bKGD", b"cICP", b"pHYs", b"acTL", b"fcTL", b"fdAT",
    }
)  # fmt: skip


def without_metadata(data: bytes | bytearray) -> bytes | None:
    if not data.startswith(SIGNATURE):
        return None
    out = bytearray(SIGNATURE)
    position = len(SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        end = position + 12 + length
        if end > len(data):
            return None
        kind = data[position + 4 : position + 8]
        crc = struct.unpack(">I", data[end - 4 : end])[0]
        if zlib.crc32(data[position + 4 : end - 4]) != crc:
            return None
        if kind in KEPT:
            out += data[position:end]
        if kind == b"IEND":
            return bytes(out)
        position = end
    return None

"""Images on arrival: refused before decoding when too large, decoded once, hashed
with PDQ, and re-encoded into a sanitised copy without any embedded metadata.

- **Decompression bombs**: the header's width x height is checked against the
  policy before any pixel is decoded (Pillow reads only the header on ``open``);
  Pillow's own bomb check is an error here, never a warning.
- **PDQ** (Meta's perceptual hash, through the ``pdqhash`` bindings of Meta's C++
  code) on the image as shown (EXIF orientation applied), scaled down to 1,024
  pixels on its longer side first: PDQ reduces every image to 64 x 64 anyway, and
  this keeps its float buffers at a few megabytes whatever the photo's size.
- **Sanitised copy**: a PNG keeps its picture chunks byte for byte and loses every
  other (:mod:`~relais.evidence.png_chunks`: lossless, and no zlib work). Any other
  image (or a PNG to rotate) has its pixels copied into a new image, which carries
  nothing else (no EXIF, GPS, XMP, comments), encoded afresh: JPEG and WebP stay
  themselves, HEIC becomes JPEG (browsers and police viewers read it), GIF becomes
  a PNG of its first frame. The original is kept as it came,
  for the chain of custody, and never leaves the helpline.
"""

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pdqhash
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from domain.evidence import EvidenceKind, EvidenceRefused, PerceptualHash, Refusal
from domain.policy import EvidencePolicy
from relais.evidence import png_chunks

pillow_heif.register_heif_opener()

PDQ_SIDE = 1024
_PIL_FORMAT = {
    EvidenceKind.PNG: "PNG",
    EvidenceKind.JPEG: "JPEG",
    EvidenceKind.WEBP: "WEBP",
    EvidenceKind.GIF: "GIF",
    EvidenceKind.HEIC: "HEIF",
}
_EXPORT = {  # kind -> (Pillow format, kind of the sanitised copy, save options)
    EvidenceKind.PNG: ("PNG", EvidenceKind.PNG, {"compress_level": 3}),
    EvidenceKind.JPEG: ("JPEG", EvidenceKind.JPEG, {"quality": 92}),
    EvidenceKind.WEBP: ("WEBP", EvidenceKind.WEBP, {"quality": 92}),
    EvidenceKind.GIF: ("PNG", EvidenceKind.PNG, {"compress_level": 3}),
    EvidenceKind.HEIC: ("JPEG", EvidenceKind.JPEG, {"quality": 92}),
}
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Raw profile type exif")


@dataclass(frozen=True)
class ExaminedImage:
    pdq: PerceptualHash
    embedded_metadata: bool
    sanitised: bytes
    sanitised_kind: EvidenceKind
    width: int
    height: int


def examine_image(
    data: bytes | bytearray,
    kind: EvidenceKind,
    policy: EvidencePolicy,
    *,
    sanitise: bool = True,
) -> ExaminedImage:
    """PDQ and a sanitised copy of an image held in memory (``sanitise=False``: the
    hash alone); :class:`EvidenceRefused` when it is a bomb, truncated or corrupt."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open_checked(data, kind, policy)
        shown = _decoded(image)
        embedded = _has_metadata(image)  # after decoding: PNG text may follow the pixels
    pixels = _plain_pixels(shown)
    sanitised = b""
    if sanitise:
        lossless = None
        if kind is EvidenceKind.PNG and _orientation(image) == 1:  # no rotation to apply
            lossless = png_chunks.without_metadata(data)
        sanitised = lossless or _encode(pixels, kind)
    return ExaminedImage(
        pdq=pdq_of(pixels),
        embedded_metadata=embedded,
        sanitised=sanitised,
        sanitised_kind=_EXPORT[kind][1],
        width=pixels.width,
        height=pixels.height,
    )


def _open_checked(
    data: bytes | bytearray, kind: EvidenceKind, policy: EvidencePolicy
) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(policy) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _broken(kind, exc) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise EvidenceRefused(Refusal.CORRUPT, f"the {kind.value} image has no pixels")
    if width * height > policy.max_image_pixels:
        raise _too_many_pixels(policy, width, height)
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """Every pixel decoded (errors on a truncated or corrupt file), orientation applied."""
    kind = image.format or "image"
    try:
        image.load()
        turned = ImageOps.exif_transpose(image)
        turned.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceRefused(Refusal.TOO_MANY_PIXELS, str(exc)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _broken(kind, exc) from None
    return turned


def _plain_pixels(image: Image.Image) -> Image.Image:
    """The pixels alone, in RGB or RGBA, in a new image that carries no metadata."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(pixels: Image.Image, kind: EvidenceKind) -> bytes:
    fmt, _, options = _EXPORT[kind]
    image = pixels.convert("RGB") if fmt == "JPEG" and pixels.mode != "RGB" else pixels
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # an unreadable EXIF block: re-encode, never trust it
        return 0


def _has_metadata(image: Image.Image) -> bool:
    if any(image.info.get(key) for key in _METADATA_KEYS):
        return True
    if getattr(image, "text", None):  # PNG text chunks
        return True
    try:
        return len(image.getexif()) > 0
    except Exception:  # a malformed EXIF block is still metadata
        return True


def pdq_of(image: Image.Image) -> PerceptualHash:
    """PDQ of an image (any size; scaled down to :data:`PDQ_SIDE` first)."""
    rgb = image.convert("RGB")
    if max(rgb.size) > PDQ_SIDE:
        rgb.thumbnail((PDQ_SIDE, PDQ_SIDE), Image.Resampling.BILINEAR)
    vector, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)))
    return PerceptualHash(hex=bits_to_hex(vector), quality=int(quality))


def bits_to_hex(vector: "np.ndarray[tuple[int], np.dtype[np.int64]]") -> str:
    """pdqhash's 256 bits, most significant first, as Meta's 64 hex digits."""
    packed = np.packbits(np.asarray(vector, dtype=np.uint8))
    return bytes(packed).hex()


def _too_many_pixels(policy: EvidencePolicy, width: int = 0, height: int = 0) -> EvidenceRefused:
    size = f" ({width} x {height})" if width else ""
    return EvidenceRefused(
        Refusal.TOO_MANY_PIXELS,
        f"the image is too large to open safely{size}: at most {policy.max_image_pixels:,} pixels",
    )


def _broken(kind: object, exc: BaseException) -> EvidenceRefused:
    text = str(exc).lower()
    if "truncated" in text or isinstance(exc, EOFError):
        return EvidenceRefused(Refusal.TRUNCATED, f"the {kind} image is truncated")
    return EvidenceRefused(Refusal.CORRUPT, f"the {kind} image is corrupt and cannot be read")

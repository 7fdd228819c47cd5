"""Blurred thumbnails of evidence images, made on the fly for the console.

A counsellor sees a harmful image only when they choose to: the case page shows each
image as a small thumbnail blurred past recognition (scaled down to ``SIDE`` pixels on
its longer side, then a Gaussian blur of ``BLUR_RADIUS``), made from the sanitised
copy as it is read, in memory, and never stored. Made server-side, so the clear image
never reaches the browser until the counsellor reveals it.
"""

import io

from PIL import Image, ImageFilter

SIDE = 240
BLUR_RADIUS = 12
QUALITY = 70


def blurred_thumbnail(data: bytes) -> bytes:
    """A JPEG of ``data`` (an image already checked and sanitised on arrival), small and
    blurred past recognition."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (SIDE * 2, SIDE * 2))  # a JPEG decodes at a fraction of its size
        small = image.convert("RGB")
        small.thumbnail((SIDE, SIDE))
    blurred = small.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()

"""Reading the QR codes in a photo someone sent (a card held up to a phone's camera), with
zxing-cpp: a self-contained wheel, no system library, and it finds codes that are small, tilted or
JPEG-compressed in a larger picture."""

from __future__ import annotations

import io

__all__ = ["MAX_IMAGE_BYTES", "qr_texts"]

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def qr_texts(image: bytes) -> list[str]:
    """The text of every QR code found in the image (none for an image that can't be read)."""
    import zxingcpp  # imported when a photo comes, not with the services
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(image) > MAX_IMAGE_BYTES:
        return []
    try:
        with Image.open(io.BytesIO(image)) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return []
    found = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [result.text for result in found if result.text]

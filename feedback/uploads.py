"""Checking and cleaning the files citizens attach to feedback.

What a file *is* comes from its content, never from its name or the
browser's content type. Photos are decoded with Pillow and drawn again:
turned upright (EXIF orientation), scaled down to ``MAX_SIDE`` pixels on the
long side and re-encoded, so no EXIF, XMP, GPS position or camera data
survives. PDFs are kept as they are once their header and trailer look
right. Everything else is refused with a message for people.

``process_upload`` needs no request and no database.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from PIL import Image, ImageCms, ImageOps

try:  # HEIC/HEIF photos from iPhones, when pillow-heif is installed.
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - optional dependency
    register_heif_opener = None

if register_heif_opener is not None:
    register_heif_opener()

#: Longest side of a stored photo, in pixels.
MAX_SIDE = 2560
JPEG_QUALITY = 85
#: The formats Pillow may try; nothing else is even parsed (no EPS, PSD, TIFF, ...).
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("HEIF",) if "HEIF" in Image.OPEN else ())
#: A photo with more pixels than this is refused before it is decoded (decompression bombs).
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
PDF_HEADER = b"%PDF-"
PDF_TRAILER = b"%%EOF"
#: Where "%%EOF" must appear, counted from the end (readers tolerate a little trailing junk).
PDF_TRAILER_WINDOW = 1024
SNIFF_BYTES = 16


class ProcessedUpload(ContentFile):
    """Checked file content ready for ``FeedbackAttachment.file.save(name, content)``."""

    def __init__(self, content, name, content_type):
        super().__init__(content, name=name)
        self.content_type = content_type


def max_upload_mb():
    """The upload limit in MB for messages, e.g. "8" or "2.5"."""
    size = settings.FEEDBACK_MAX_UPLOAD_SIZE / (1024 * 1024)
    return f"{size:.1f}".rstrip("0").rstrip(".")


def _display_name(uploaded_file):
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:80] or _("the file")


def process_upload(uploaded_file):
    """Check ``uploaded_file`` and return a ``ProcessedUpload``; raise ``ValidationError`` if it is refused."""
    name = _display_name(uploaded_file)
    size = getattr(uploaded_file, "size", None)
    limit = settings.FEEDBACK_MAX_UPLOAD_SIZE
    if size is not None and size > limit:
        raise _too_large(name)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name)
    if not data:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if data.startswith(PDF_HEADER):
        return _process_pdf(data, name)
    return _process_image(data, name)


def _too_large(name):
    return ValidationError(
        _("“%(name)s” is too large: each file may be at most %(limit)s MB."),
        code="too_large",
        params={"name": name, "limit": max_upload_mb()},
    )


def _not_accepted(name):
    return ValidationError(
        _("“%(name)s” is not a photo (JPEG, PNG, WebP, GIF, HEIC) or a PDF document, so it cannot be sent."),
        code="file_type",
        params={"name": name},
    )


def _process_pdf(data, name):
    if PDF_TRAILER not in data[-PDF_TRAILER_WINDOW:]:
        raise ValidationError(
            _("“%(name)s” is not a complete PDF document. Please save it again and choose it once more."),
            code="broken_pdf",
            params={"name": name},
        )
    return ProcessedUpload(data, "document.pdf", "application/pdf")


def _process_image(data, name):
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit: treat that as a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _decode(data)
    except (_TooManyPixels, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels. Please send a smaller photo."),
            code="too_many_pixels",
            params={"name": name},
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for broken or hostile files
        raise _not_accepted(name) from None
    return _encode(image)


class _TooManyPixels(Exception):
    pass


def _decode(data):
    """Open, verify and decode the first frame; return a clean RGB or RGBA image without metadata."""
    with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as probe:
        if probe.width * probe.height > MAX_PIXELS:
            raise _TooManyPixels
        probe.verify()
    # verify() leaves the image unusable: open it again to decode.
    with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
        if image.width * image.height > MAX_PIXELS:
            raise _TooManyPixels
        if image.format == "JPEG":
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode big JPEGs at a smaller scale when possible
        image.seek(0)  # first frame of a GIF or animated WebP
        image.load()
        icc_profile = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image)
        image = _to_srgb(image, icc_profile)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        # Draw the pixels into a new image: nothing of the original's metadata (info, EXIF, XMP) comes along.
        return Image.frombytes(image.mode, image.size, image.tobytes())


def _has_transparency(image):
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _to_srgb(image, icc_profile):
    """Convert to RGB (or RGBA when it has transparency), in sRGB when a colour profile came with it."""
    mode = "RGBA" if _has_transparency(image) else "RGB"
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit or float greyscale PNGs
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "PA", "CMYK"):
        image = image.convert("RGB" if mode == "RGB" else "RGBA")
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            image = converted
    if image.mode != mode:
        image = image.convert(mode)
    if mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # fully opaque after all: store as a photo
    return image


def _encode(image):
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, format="PNG", optimize=True)
        return ProcessedUpload(buffer.getvalue(), "photo.png", "image/png")
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ProcessedUpload(buffer.getvalue(), "photo.jpg", "image/jpeg")


def process_uploads(files):
    """Check and re-encode up to ``FEEDBACK_MAX_ATTACHMENTS`` files; one error per refused file.

    Used by the public form and by staff registration alike.
    """
    limit = settings.FEEDBACK_MAX_ATTACHMENTS
    if len(files) > limit:
        raise ValidationError(
            _("You chose %(count)s files: at most %(limit)s can be sent."),
            code="too_many_files",
            params={"count": len(files), "limit": limit},
        )
    processed, errors = [], []
    for upload in files:
        try:
            processed.append(process_upload(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return processed

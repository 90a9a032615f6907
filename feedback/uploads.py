"""Checking and cleaning the files citizens attach to feedback.

What a file *is* comes from its content, never from its name or the
browser's content type. Photos are decoded with Pillow and drawn again:
turned upright (EXIF orientation), scaled down to ``MAX_SIDE`` pixels on the
long side and re-encoded, so no EXIF, XMP, GPS position or camera data
survives. PDFs are kept as they are once their header and trailer look
right. Everything else is refused with a message for people.

Pixel bombs: a photo is refused from its header alone when it would decode to
more than ``FEEDBACK_MAX_IMAGE_PIXELS`` pixels (a JPEG counts at the reduced
scale its decoder is asked for with ``draft``); nothing is decoded before that
check, ``verify()`` included. At most ``FEEDBACK_IMAGE_DECODERS`` photos are
decoded at once in one process, and the full-size picture is only ever held
once: it is scaled down before it is turned upright or converted to sRGB.

``process_upload`` needs no request and no database.
"""

import io
import math
import threading
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from PIL import ExifTags, Image, ImageCms

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
#: Pillow's own limit stays a second line: a header claiming more is refused even for a JPEG decoded at 1/8.
PILLOW_MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
#: How long a photo waits for a free decoder before the citizen is asked to try again.
DECODER_WAIT_SECONDS = 30
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
    except _DecodersBusy:
        raise ValidationError(
            _("The portal is busy checking other photos. Please send again in a minute."),
            code="busy",
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for broken or hostile files
        raise _not_accepted(name) from None
    return _encode(image)


class _TooManyPixels(Exception):
    pass


class _DecodersBusy(Exception):
    pass


_decoders_lock = threading.Lock()
_decoders = {}


def _decoder_slots():
    """The process-wide semaphore bounding how many photos are decoded at once (one per setting value)."""
    count = max(1, settings.FEEDBACK_IMAGE_DECODERS)
    with _decoders_lock:
        if count not in _decoders:
            _decoders[count] = threading.BoundedSemaphore(count)
        return _decoders[count]


def max_pixels():
    """The most pixels a photo may decode to (``FEEDBACK_MAX_IMAGE_PIXELS``, default 30 MP)."""
    return settings.FEEDBACK_MAX_IMAGE_PIXELS


def _stored_size(size):
    """The size a photo of ``size`` is stored at: at most ``MAX_SIDE`` on the long side."""
    width, height = size
    ratio = min(1, MAX_SIDE / max(width, height, 1))
    return max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio))


def _open_checked(data):
    """Open from the header only and refuse a bomb; a JPEG is set to decode at the smallest useful scale.

    ``Image.open`` reads the header, not the pixels. ``draft`` only picks the scale (1, 1/2, 1/4 or 1/8)
    the JPEG decoder will use, the smallest that still covers the stored size, so ``size`` afterwards is
    what ``load()`` allocates.
    """
    image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    if image.width * image.height > PILLOW_MAX_PIXELS:
        image.close()
        raise _TooManyPixels
    if image.format == "JPEG":
        image.draft("RGB", _stored_size(image.size))
    if image.width * image.height > max_pixels():
        image.close()
        raise _TooManyPixels
    return image


def _decode(data):
    """Check, verify and decode the first frame; return a clean RGB or RGBA image without metadata."""
    with _open_checked(data) as probe:
        probe.verify()  # chunk checksums and structure; runs only once the size is known to be acceptable
    # verify() leaves the image unusable: open it again to decode.
    with _open_checked(data) as image:
        slots = _decoder_slots()
        if not slots.acquire(timeout=DECODER_WAIT_SECONDS):
            raise _DecodersBusy
        try:
            return _decode_frame(image)
        finally:
            slots.release()


def _decode_frame(image):
    image.seek(0)  # first frame of a GIF or animated WebP
    image.load()
    icc_profile = image.info.get("icc_profile")
    exif = image.getexif()
    if image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        # Palette, 1-bit and 16-bit pictures are converted first so that they are scaled smoothly.
        image = _to_srgb(image, icc_profile)
        icc_profile = None
    # Scale down first (in place): turning upright and colour conversion then work on the small picture,
    # so the full-size pixels are held once. The bound is a square, so orientation does not matter.
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    image = _upright(image, exif)
    image = _to_srgb(image, icc_profile)
    # Draw the pixels into a new image: nothing of the original's metadata (info, EXIF, XMP) comes along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _upright(image, exif):
    """Apply the EXIF orientation read before scaling (``thumbnail`` may leave a converted copy without it)."""
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(exif.get(ExifTags.Base.Orientation) if exif else None)
    return image.transpose(method) if method is not None else image


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

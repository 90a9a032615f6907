"""Attachments: what a file is comes from its content; photos lose every piece of metadata.

No database: ``feedback.uploads.process_upload`` is a plain function.
"""

import io
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

import pytest
from PIL import Image, ImageFile

from feedback import uploads
from feedback.uploads import MAX_SIDE, process_upload

ROOT = Path(__file__).resolve().parent.parent.parent
GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112


# --- Test files, made with Pillow ---


def photo_exif(orientation=None):
    exif = Image.Exif()
    exif[MAKE] = "SECRETCAM"
    exif[MODEL] = "Model X-99"
    exif[GPS_IFD] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def jpeg_bytes(size=(64, 32), color=(200, 30, 30), orientation=None, metadata=True):
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if metadata:
        image.save(buffer, "JPEG", exif=photo_exif(orientation), xmp=b"<x:xmpmeta>SECRETXMP</x:xmpmeta>")
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def image_bytes(fmt, mode="RGB", size=(40, 30), color=None, **save):
    image = Image.new(mode, size, color if color is not None else (10, 120, 200) if mode == "RGB" else 0)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_header_only(width, height):
    """A valid PNG whose header claims a huge image (a decompression bomb), with almost no data."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def upload(content, name="file.bin", content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused(content, name="file.bin", content_type="application/octet-stream"):
    with pytest.raises(ValidationError) as caught:
        process_upload(upload(content, name, content_type))
    return " ".join(caught.value.messages)


def opened(result):
    result.seek(0)
    return Image.open(io.BytesIO(result.read()))


# --- Photos ---


def test_a_phone_photo_loses_exif_gps_camera_and_xmp():
    original = jpeg_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test photo really has a position
    result = process_upload(upload(original, "IMG_2024_Nguyen_Van_A.jpg", "image/jpeg"))
    assert result.content_type == "image/jpeg"
    assert result.name == "photo.jpg"  # the citizen's own file name is not kept
    stored = result.read()
    assert result.size == len(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "xmp" not in image.info
    for secret in (b"SECRETCAM", b"Model X-99", b"SECRETXMP", b"Exif"):
        assert secret not in stored


def test_a_photo_is_turned_upright_before_its_orientation_tag_is_dropped():
    # 64x32 stored sideways with "rotate 90°" (orientation 6): upright it is 32x64.
    result = process_upload(upload(jpeg_bytes(size=(64, 32), orientation=6), "sideways.jpg"))
    assert opened(result).size == (32, 64)


def test_a_big_photo_is_scaled_down_to_the_longest_side_limit():
    result = process_upload(upload(jpeg_bytes(size=(4000, 1000), metadata=False), "big.jpg"))
    assert opened(result).size == (MAX_SIDE, MAX_SIDE // 4)


def test_a_small_photo_keeps_its_size():
    assert opened(process_upload(upload(jpeg_bytes(size=(640, 480)), "small.jpg"))).size == (640, 480)


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [("PNG", {}), ("WEBP", {"quality": 90}), ("GIF", {}), ("HEIF", {})],
)
def test_other_photo_formats_are_re_encoded_as_jpeg(fmt, extra):
    if fmt == "HEIF":
        pytest.importorskip("pillow_heif")
    result = process_upload(upload(image_bytes(fmt, **extra), f"photo.{fmt.lower()}"))
    assert result.content_type == "image/jpeg"
    image = opened(result)
    assert image.format == "JPEG" and image.size == (40, 30)


def test_a_heic_photo_from_an_iphone_loses_its_exif_too():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    # (libheif itself turns HEIF images upright, from the file's own rotation box.)
    Image.new("RGB", (48, 24), (0, 128, 0)).save(buffer, "HEIF", exif=photo_exif())
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()[MAKE] == "SECRETCAM"
    result = process_upload(upload(buffer.getvalue(), "IMG_0001.HEIC", "image/heic"))
    image = opened(result)
    assert image.format == "JPEG" and image.size == (48, 24)
    assert not image.getexif()
    assert b"SECRETCAM" not in result.open().read()


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = opened(process_upload(upload(buffer.getvalue(), "anim.gif")))
    red, green, blue = image.getpixel((10, 10))
    assert red > 200 and blue < 60


def test_a_png_with_transparency_stays_a_png_and_an_opaque_one_becomes_a_jpeg():
    transparent = process_upload(upload(image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), "logo.png"))
    assert transparent.content_type == "image/png" and transparent.name == "photo.png"
    assert opened(transparent).mode == "RGBA"
    opaque = process_upload(upload(image_bytes("PNG", mode="RGBA", color=(9, 9, 9, 255)), "screen.png"))
    assert opaque.content_type == "image/jpeg"


# --- PDF ---


def test_a_pdf_is_kept_exactly_as_sent():
    result = process_upload(upload(pdf_bytes(), "don-khieu-nai.pdf", "application/pdf"))
    assert result.content_type == "application/pdf"
    assert result.name == "document.pdf"
    assert result.read() == pdf_bytes()


def test_a_pdf_without_its_end_marker_is_refused():
    with translation.override("en"):
        assert "is not a complete PDF" in refused(pdf_bytes().replace(b"%%EOF", b""), "cut.pdf")


# --- Content decides, not the name or the browser's content type ---


def test_a_text_file_named_like_a_photo_is_refused():
    with translation.override("en"):
        message = refused(b"hello, this is not a photo", "photo.jpg", "image/jpeg")
    assert "“photo.jpg” is not a photo" in message


def test_an_html_file_claiming_to_be_a_pdf_is_refused():
    with translation.override("en"):
        assert "is not a photo" in refused(b"<html><script>alert(1)</script></html>", "report.pdf", "application/pdf")


def test_a_png_named_pdf_is_treated_as_the_photo_it_is():
    result = process_upload(upload(image_bytes("PNG"), "scan.pdf", "application/pdf"))
    assert result.content_type == "image/jpeg" and result.name == "photo.jpg"


def test_a_pdf_named_like_a_photo_is_treated_as_the_pdf_it_is():
    result = process_upload(upload(pdf_bytes(), "photo.jpg", "image/jpeg"))
    assert result.content_type == "application/pdf" and result.name == "document.pdf"


@pytest.mark.parametrize(("fmt", "extra"), [("TIFF", {}), ("BMP", {}), ("ICO", {})])
def test_image_formats_pillow_knows_but_phones_do_not_send_are_refused(fmt, extra):
    with translation.override("en"):
        assert "is not a photo" in refused(image_bytes(fmt, **extra), f"scan.{fmt.lower()}")


def test_a_truncated_photo_is_refused():
    with translation.override("en"):
        assert "is not a photo" in refused(jpeg_bytes(size=(300, 300))[:400], "cut.jpg")


def test_an_empty_file_is_refused():
    with translation.override("en"):
        assert "is empty" in refused(b"", "empty.jpg")


# --- Size and decompression bombs ---


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_mb(settings):
    settings.FEEDBACK_MAX_UPLOAD_SIZE = 1024 * 1024
    with translation.override("en"):
        message = refused(pdf_bytes() + b"0" * (1024 * 1024), "big.pdf")
    assert "“big.pdf” is too large" in message and "1 MB" in message
    with translation.override("vi"):
        assert "1 MB" in refused(pdf_bytes() + b"0" * (1024 * 1024), "big.pdf")


def test_the_size_is_checked_on_the_content_even_if_the_upload_reports_less(settings):
    settings.FEEDBACK_MAX_UPLOAD_SIZE = 1000
    lying = upload(b"%PDF-" + b"0" * 2000 + b"%%EOF", "lie.pdf")
    lying.size = 10
    with pytest.raises(ValidationError):
        process_upload(lying)


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    with translation.override("en"):
        assert "too many pixels" in refused(png_header_only(30_000, 30_000), "bomb.png")


# --- Pixel bombs: refused from the header, with FEEDBACK_MAX_IMAGE_PIXELS ---


def png_of_zeros(width, height):
    """A real pixel bomb: an RGBA PNG of zeros, a few hundred KB on disk for hundreds of MB of pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + 4 * width)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image's pixels are decoded (ImageFile.load is where Pillow decodes)."""
    decoded = []
    original = ImageFile.ImageFile.load

    def load(self):
        decoded.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return decoded


def test_a_9400_pixel_square_png_is_refused_in_vietnamese_from_its_header_alone(no_decoding):
    # 88 MP: under Pillow's own limit (89.5 MP), so only the portal's cap stops it. The data is a stub:
    # decoding it would fail as "not a photo", so the pixel message proves the header decided.
    with translation.override("vi"):
        message = refused(png_header_only(9400, 9400), "bom.png")
    assert message == "Ảnh “bom.png” có độ phân giải quá lớn. Hãy gửi ảnh nhỏ hơn."
    assert no_decoding == []


def test_a_real_pixel_bomb_is_refused_quickly_without_decoding(no_decoding):
    bomb = png_of_zeros(6000, 6000)  # 36 MP, 144 MB of pixels, about 140 KB of file
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with translation.override("en"):
        message = refused(bomb, "bomb.png")
    assert time.perf_counter() - started < 0.5
    assert "“bomb.png” has too many pixels" in message
    assert no_decoding == []


def test_the_pixel_cap_comes_from_the_setting(settings):
    picture = image_bytes("PNG", size=(40, 30))  # 1,200 pixels
    settings.FEEDBACK_MAX_IMAGE_PIXELS = 1_199
    with translation.override("en"):
        assert "too many pixels" in refused(picture, "small.png")
    settings.FEEDBACK_MAX_IMAGE_PIXELS = 1_200
    assert opened(process_upload(upload(picture, "small.png"))).size == (40, 30)


def test_the_default_cap_takes_a_24_megapixel_phone_photo():
    # An iPhone 15 takes 24 MP photos (5712 x 4284) by default.
    photo = jpeg_bytes(size=(5712, 4284), metadata=False)
    assert opened(process_upload(upload(photo, "IMG_0001.jpg"))).size == (MAX_SIDE, 1920)


def test_a_jpeg_counts_at_the_scale_it_is_decoded_at(settings):
    # 5120 x 400 is decoded at half scale (2560 x 200 = 512,000 pixels): the JPEG passes a cap of one
    # million pixels where the same picture as a PNG, decoded at full size (2 MP), does not.
    settings.FEEDBACK_MAX_IMAGE_PIXELS = 1_000_000
    assert opened(process_upload(upload(jpeg_bytes(size=(5120, 400), metadata=False), "wide.jpg"))).size == (
        2560,
        200,
    )
    with translation.override("en"):
        assert "too many pixels" in refused(image_bytes("PNG", size=(5120, 400)), "wide.png")


def test_when_every_decoder_is_busy_the_citizen_is_asked_to_send_again(settings, monkeypatch):
    settings.FEEDBACK_IMAGE_DECODERS = 1
    monkeypatch.setattr(uploads, "DECODER_WAIT_SECONDS", 0.05)
    slots = uploads._decoder_slots()
    assert slots.acquire(timeout=1)  # another request is decoding a photo
    try:
        with translation.override("en"):
            assert "busy checking other photos" in refused(jpeg_bytes(), "photo.jpg")
    finally:
        slots.release()
    assert process_upload(upload(jpeg_bytes(), "photo.jpg")).content_type == "image/jpeg"


PIXEL_SETTINGS = ("FEEDBACK_MAX_IMAGE_PIXELS", "FEEDBACK_IMAGE_DECODERS")


def _settings_with(**env):
    """Import the base settings in a fresh interpreter with ``env`` set; return (exit code, output)."""
    code = "from config.settings import base; print(base.FEEDBACK_MAX_IMAGE_PIXELS, base.FEEDBACK_IMAGE_DECODERS)"
    base = {key: value for key, value in os.environ.items() if key not in PIXEL_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_pixel_cap_and_decoders_come_from_the_environment():
    assert _settings_with() == (0, "30000000 2\n")
    assert _settings_with(FEEDBACK_MAX_IMAGE_PIXELS="12000000", FEEDBACK_IMAGE_DECODERS="1") == (0, "12000000 1\n")
    status, output = _settings_with(FEEDBACK_MAX_IMAGE_PIXELS="0")
    assert status != 0 and "FEEDBACK_MAX_IMAGE_PIXELS must be at least 1000000" in output

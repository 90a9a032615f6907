"""QR codes for procedures: what they encode, and the SVG/PNG images.

A procedure's QR code encodes its short address, ``<site root>/p/<code>/``,
built from the Wagtail ``Site`` the page belongs to (``Site.root_url``), so a
poster carries the real host name whatever host the editor used to open the
admin. The short address keeps working when the page is renamed or moved.

Images are kept in the anonymous page cache's shared store (Redis, or files on
the machine's disk: ``home.page_cache.store()``), so every app server and worker
draws an image once, under a hash of the encoded URL (and of the drawing
parameters). When the encoded URL changes, e.g. because
the site's host name changed, the key changes and the image is drawn again;
old entries simply expire. Nothing here needs a request.
"""

import hashlib
import io
import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

from home import page_cache

#: Bump when the drawing changes, so cached images and ETags are renewed.
QR_VERSION = "1"
CACHE_TIMEOUT = 60 * 60 * 24 * 30
_SIZE_ATTRS = re.compile(r'\s(?:width|height)="[^"]*"')


def site_root_url(page, site=None):
    """The root URL (scheme, host, port) of ``site``, else of the Wagtail site serving ``page``."""
    site = site or page.get_site()
    if site is not None:
        return site.root_url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def procedure_qr_url(page, site=None):
    """What a procedure's QR code encodes: its short address on its own site, or on ``site`` (a commune
    showing it from the shared catalogue)."""
    return f"{site_root_url(page, site)}{page.short_path}"


def feedback_form_path():
    """The feedback form's address, from the URLconf (``config/urls.py`` mounts it at /gop-y/)."""
    return reverse("feedback:submit")


def feedback_qr_url(page, source="poster", site=None):
    """The feedback form with this procedure already chosen (small QR on posters)."""
    query = urlencode({"procedure": page.code, "src": source})
    return f"{site_root_url(page, site)}{feedback_form_path()}?{query}"


def qr_etag(url, kind):
    """A strong validator for an image of ``url``: changes exactly when the image does."""
    return hashlib.sha256(f"{QR_VERSION}:{kind}:{url}".encode()).hexdigest()[:32]


def _make(url, box_size=10):
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=box_size)
    code.add_data(url)
    code.make(fit=True)
    return code


def _cached(kind, url, build):
    key = f"qr:{qr_etag(url, kind)}"
    store = page_cache.store()
    value = store.get(key)
    if value is None:
        value = build()
        store.set(key, value, CACHE_TIMEOUT)
    return value


def _draw_svg(url):
    code = _make(url)
    code.image_factory = qrcode.image.svg.SvgPathFillImage
    svg = code.make_image().to_string(encoding="unicode")
    # The path's fixed id would repeat when several codes share one HTML page.
    return svg.replace(' id="qr-path"', "")


def qr_svg(url, *, inline=False):
    """The QR code of ``url`` as an SVG document (1 mm per module, white background).

    With ``inline=True`` the fixed width and height are dropped, so CSS sizes
    the code when it is embedded in an HTML page (the viewBox keeps its shape).
    """
    svg = _cached("svg", url, lambda: _draw_svg(url))
    if inline:
        svg = _SIZE_ATTRS.sub("", svg, count=2)
        svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return svg


def qr_png(url, *, box_size=10):
    """The QR code of ``url`` as PNG bytes, ``box_size`` pixels per module."""

    def draw():
        image = _make(url, box_size).make_image()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    return _cached(f"png{box_size}", url, draw)

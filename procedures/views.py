"""Short, stable addresses for procedures: /p/<code>/ (QR codes point here),
and the QR codes themselves: /p/<code>/qr.svg and /p/<code>/qr.png.

Each commune's host resolves a code to its own version of the procedure: one of its own, or one of the
shared catalogue it shows (``procedures/catalogues.py``); a procedure it hides, or another commune's
local one, is not found there."""

import hashlib

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from wagtail.models import Site

from home import page_cache
from procedures import catalogues, qr
from procedures.models import ProcedurePage

#: QR images change only when the site's host name does; the ETag tells when.
QR_MAX_AGE = 60 * 60 * 24 * 30
QR_FORMATS = {
    "svg": ("image/svg+xml", qr.qr_svg),
    "png": ("image/png", qr.qr_png),
}


def _published(request, code):
    """The published procedure with this code that the request's commune shows (its own, or one of the
    shared catalogue it does not hide: ``procedures/catalogues.py``), or None. None too for a code no
    procedure can have (PostgreSQL refuses NUL)."""
    if "\x00" in code:
        return None
    page = ProcedurePage.objects.live().public().filter(code=code).first()
    return page if page is not None and catalogues.shown_on(request, page) else None


def _kept(request, code, what, build):
    """``build()`` (None when no published procedure has ``code``) once per page-cache generation,
    host and code, for every process: a poster scanned a thousand times looks its page up once. A
    publish, unpublish, move or restriction starts a new generation (home/page_cache.py)."""
    if not settings.PAGE_CACHE_SECONDS:
        return build()
    raw = "\n".join((request.scheme, request.get_host(), code))
    key = f"procedure-{what}:{page_cache.generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"
    store = page_cache.store()
    value = store.get(key)
    if value is None:
        value = build()
        if value is not None:  # unknown codes are not kept: nobody fills the store with made-up ones
            store.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


@require_safe
def short_link(request, code):
    """Redirect a national code to its procedure page, wherever it lives now.

    A temporary redirect (302): the page may be renamed or moved later and
    the printed QR code must keep following it.
    """

    def build():
        page = _published(request, code)
        return page.get_url(request) if page is not None else None

    url = _kept(request, code, "url", build)
    if url is None:
        raise Http404("No such procedure")
    query = request.META.get("QUERY_STRING")
    return redirect(f"{url}?{query}" if query else url)


@require_safe
def procedure_qr(request, code, fmt):
    """The QR code of a published procedure's short address, as SVG (print) or PNG.

    Cached for a long time by browsers and proxies; the ETag is derived from
    the encoded URL, so a changed host name gives a new image on revalidation.
    """
    if fmt not in QR_FORMATS:
        raise Http404("No such format")

    def build():
        page = _published(request, code)
        if page is None:
            return None
        commune = catalogues.for_request(request)
        site = Site.find_for_request(request) if commune is not None and commune.is_shared(page) else None
        return (qr.procedure_qr_url(page, site=site), page.code)

    found = _kept(request, code, "qr", build)
    if found is None:
        raise Http404("No such procedure")
    url, page_code = found
    etag = f'"{qr.qr_etag(url, fmt)}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        content_type, draw = QR_FORMATS[fmt]
        response = HttpResponse(draw(url), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{page_code}.{fmt}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
    return response

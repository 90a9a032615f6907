"""Anonymous page cache: a poster scanned a thousand times renders its page once.

What is cached: the HTML of a Wagtail page (``wagtail_serve``) answered 200 to
an anonymous GET without a query string, a session cookie or a pending
message, whose rendering used no CSRF token, no CSP nonce and set no cookie,
and did not ask for ``private``/``no-store``. The key is the host, the
language (``home.middleware.ChosenLanguageMiddleware``'s choice), today's
local date (procedure pages show today's opening hours) and the path, under
the current *generation*.

The generation is one value in the "pages" cache, shared by every process
(Redis when ``REDIS_URL`` is set, else files on this machine's disk). Any
change to what a public page can show replaces it, so the next anonymous
request renders again everywhere (``content_changed`` and ``bump``): a page
published, unpublished, moved, renamed or deleted, a page's new row, a site
or generic setting and its rows (commune details, opening hours, villages),
a snippet (fields of activity, offices, synonyms, referrals), a document or
image (not a rendition), a site, a locale, a view restriction. A rendering
stores its entry under the generation it read at the start: a change made
while it ran leaves that entry unread. The per-process caches of the menu
and the commune settings are keyed by the same generation, so a process
never renders a new page with an old menu.

Entries expire after ``PAGE_CACHE_SECONDS`` whatever happens (0 turns the
cache off). A hit carries ``ETag``, ``Last-Modified`` (the rendering time)
and ``Cache-Control: no-cache``: phones revalidate and get a 304. Each entry
also keeps a gzip copy, sent to clients that accept it (``PAGE_CACHE_GZIP``).
Each process keeps the entries it read in memory too (``PAGE_CACHE_LOCAL_BYTES``),
found only under the generation it has just read from the shared store.

A hit sends ``page_served_from_cache`` with the page's id and model, so work
a page does on each view (procedure view counts) still happens.
"""

import contextvars
import gzip
import hashlib
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

#: Sent on each page served from the cache: sender is the page's model class label
#: (``"procedures.ProcedurePage"``), with ``page_id`` and ``request``.
page_served_from_cache = Signal()

GENERATION_KEY = "page-cache:generation"
#: Fields a draft save writes on a page row: nothing the public sees.
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
        "url_path",  # rewritten with the slug, which page_slug_changed reports when it is live
    }
)
#: Models saved while pages render or staff work, never shown on a public page as they change.
IGNORED_MODELS = frozenset(
    {
        "wagtailimages.rendition",
        "wagtailcore.revision",
        "wagtailcore.pagelogentry",
        "wagtailcore.modellogentry",
        "wagtailcore.workflowstate",
        "wagtailcore.taskstate",
        "wagtailcore.pagesubscription",
        "wagtailsearch.indexentry",
    }
)

# Within a request: a one-item list holding the generation once read (read at most once per request).
_generation = contextvars.ContextVar("page_cache_generation", default=None)
_public_models = {}


def store():
    return caches[settings.PAGE_CACHE_ALIAS]


def _read_generation():
    value = store().get(GENERATION_KEY)
    if value is None:
        value = _new_generation()
    return value


def _new_generation():
    value = uuid.uuid4().hex[:16]
    store().set(GENERATION_KEY, value, None)
    return value


def generation():
    """The shared generation: read once per request (the middleware keeps it), else read now."""
    held = _generation.get()
    if held is None:
        return _read_generation()
    if held[0] is None:
        held[0] = _read_generation()
    return held[0]


def bump(**kwargs):
    """What public pages show changed: every process renders them again.

    Now, and once more when the transaction commits: a request that read the old
    data before the commit may have stored it under the first new generation.
    """
    _bump_now()
    transaction.on_commit(_bump_now)


def _bump_now():
    value = _new_generation()
    held = _generation.get()
    if held is not None:
        held[0] = value


def kept(key, build):
    """``build()`` once per process and generation for ``key`` (any hashable): what every page reads and
    only a public change alters (the request's site, the view restrictions, the footer). A value built
    while a change starts a new generation is not kept."""
    current = generation()
    with _kept_lock:
        if _kept["generation"] != current:
            _kept.update(generation=current, values={})
        if key in _kept["values"]:
            return _kept["values"][key]
    value = build()
    with _kept_lock:
        if _kept["generation"] == current:
            _kept["values"][key] = value
    return value


_kept_lock = threading.Lock()
_kept = {"generation": None, "values": {}}


def is_public_model(model):
    """Can a change to a row of ``model`` change what a public page shows?"""
    # Keyed by the class, not its label: a migration's historical model ("__fake__.Site", saved by a
    # data migration) has the same label but is not a subclass of the real one.
    if model not in _public_models:
        _public_models[model] = _decide_public(model)
    return _public_models[model]


def _decide_public(model):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import BaseViewRestriction, Locale, Page, Site
    from wagtail.snippets.models import get_snippet_models

    from modelcluster.fields import ParentalKey

    if model._meta.label_lower in IGNORED_MODELS:
        return False
    public = (Page, BaseSiteSetting, BaseGenericSetting, Site, Locale, BaseViewRestriction)
    if issubclass(model, public) or model in (get_document_model(), get_image_model()):
        return True
    if model in get_snippet_models():
        return True
    # The rows of a page or a setting (opening hours, villages, a page's documents).
    return any(
        isinstance(field, ParentalKey) and is_public_model(field.related_model)
        for field in model._meta.get_fields()
        if getattr(field, "related_model", None) is not None and field.concrete
    )


def content_changed(sender, instance=None, update_fields=None, **kwargs):
    """``post_save``/``post_delete`` receiver for every model: bump for public content."""
    if kwargs.get("raw") or not is_public_model(sender):
        return
    from wagtail.models import Page

    if isinstance(instance, Page) and update_fields and set(update_fields) <= DRAFT_FIELDS:
        return  # a draft saved: the live page is unchanged
    bump()


# --- The middleware ---


class _LocalCopies:
    """This process's copies of entries it has read, least recently used dropped past a size in bytes.

    Safe because an entry's key holds the generation: a copy is only ever found
    for the generation just read from the shared store.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry["content"]) + len(entry["gzip"] or b"")
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _old_key, old = self.entries.popitem(last=False)
                self.size -= len(old["content"]) + len(old["gzip"] or b"")


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors' page views from the shared cache (module docstring).

    First in ``MIDDLEWARE``: a hit touches neither the session nor the database, and
    runs no other middleware. An entry keeps the headers the other middleware gave
    the page when it was rendered (security headers, CSP, language), and this
    middleware answers conditional requests on hits itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported_languages = {code for code, _name in settings.LANGUAGES}
        self.local = _LocalCopies(settings.PAGE_CACHE_LOCAL_BYTES)

    def __call__(self, request):
        token = _generation.set([None])
        try:
            if not settings.PAGE_CACHE_SECONDS or not self._candidate(request):
                return self.get_response(request)
            key = self._key(request, generation())
            entry = self.local.get(key)
            if entry is None:
                entry = store().get(key)
                if entry is not None:
                    self.local.put(key, entry)
            if entry is not None:
                return self._from_entry(request, entry)
            response = self.get_response(request)
            if self._storable(request, response):
                entry = self._entry(request, response)
                store().set(key, entry, settings.PAGE_CACHE_SECONDS)
                self.local.put(key, entry)
                for name, value in (*entry["identity"], *entry["headers"]):
                    if name.lower() in ("etag", "last-modified", "cache-control", "vary"):
                        response[name] = value
                response["X-Page-Cache"] = "miss"
            return response
        finally:
            _generation.reset(token)

    def _candidate(self, request):
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return False
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return False  # SecurityMiddleware redirects it
        return not request.path_info.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)

    def _key(self, request, current):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported_languages else settings.LANGUAGE_CODE
        day = timezone.localdate().isoformat()
        raw = "\n".join((request.scheme, request.get_host(), language, day, request.path))
        return f"page-cache:{current}:{hashlib.sha256(raw.encode()).hexdigest()}"

    def _storable(self, request, response):
        match = getattr(request, "resolver_match", None)
        if request.method != "GET" or match is None or match.url_name != "wagtail_serve":
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith("text/html") or response.has_header("Content-Encoding"):
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "_csp_nonce", None) is not None:
            return False  # the page holds a form's token or a nonced block: it is this visitor's alone
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store")):
            return False
        vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
        return vary <= {"cookie", "accept-language", "accept-encoding"}

    def _entry(self, request, response):
        content = response.content
        skipped = {"set-cookie", "content-length", "etag", "last-modified", "cache-control", "x-page-cache"}
        headers = [(name, value) for name, value in response.items() if name.lower() not in skipped]
        page = (getattr(response, "context_data", None) or {}).get("page")
        zipped = gzip.compress(content, 6) if settings.PAGE_CACHE_GZIP and len(content) >= 200 else None
        etag = hashlib.md5(content, usedforsecurity=False).hexdigest()
        validators = [("Last-Modified", http_date(time.time())), ("Cache-Control", "no-cache")]
        identity = [("ETag", f'"{etag}"'), *validators]
        encoded = [("ETag", f'"{etag}-gzip"'), *validators, ("Content-Encoding", "gzip")]
        if zipped is not None:
            headers = [(name, value) for name, value in headers if name.lower() != "vary"]
            vary = ", ".join(filter(None, (response.get("Vary"), "Accept-Encoding")))
            headers.append(("Vary", vary))
        return {
            "content": content,
            "gzip": zipped,
            "headers": headers,
            "identity": identity,
            "encoded": encoded,
            "last_modified": time.time(),
            "page_id": getattr(page, "pk", None),
            "model": page._meta.label if page is not None else None,
        }

    def _from_entry(self, request, entry):
        zipped = entry["gzip"]
        use_gzip = zipped is not None and "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        validators = entry["encoded"] if use_gzip else entry["identity"]
        if self._not_modified(request, validators[0][1], entry["last_modified"]):
            response = HttpResponseNotModified()
            for name, value in entry["headers"]:
                if name.lower() == "vary":
                    response[name] = value
        else:
            response = HttpResponse(zipped if use_gzip else entry["content"])
            for name, value in entry["headers"]:
                response[name] = value
        for name, value in validators:
            if name != "Content-Encoding" or response.status_code == 200:
                response[name] = value
        response["X-Page-Cache"] = "hit"
        if entry["page_id"] is not None:
            page_served_from_cache.send(sender=entry["model"], page_id=entry["page_id"], request=request)
        return response

    @staticmethod
    def _not_modified(request, etag, last_modified):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return etag in tags or "*" in tags
        since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            since_time = parse_http_date_safe(since)
            return since_time is not None and int(last_modified) <= since_time
        return False

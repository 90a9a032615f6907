"""The site shell's middleware: the chosen language, the request's Wagtail site, atomic page saves.

Vietnamese first: the UI language is Vietnamese unless the visitor chose another.

Django's LocaleMiddleware follows the browser's Accept-Language header. Many
phones in Vietnam run with an English system language, and their owners
would get English menus around Vietnamese content. So only an explicit
choice (the language switch in the footer, stored in Django's language
cookie) changes the language here.
"""

from django.conf import settings
from django.db import transaction
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.cache import patch_vary_headers

from wagtail.models import Site

from home import page_cache


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class KnownSiteMiddleware:
    """The request's Wagtail site, looked up once per host and page-cache generation in each process.

    ``Site.find_for_request`` keeps its answer on the request only: every search, feedback form and
    page view ran the same query (a fifth of a search's time at peak). A site's host, port or root
    page change saves a ``Site``, which starts a new generation (home/page_cache.py), so the lookup is
    made again. After ``CommonMiddleware``, which refuses hosts not in ``ALLOWED_HOSTS``.

    The ``Site`` instance is shared by the requests (and threads) of one generation, and so is the home
    page Wagtail reads through it (``site.root_page``, routing): serving reads them and never writes to
    them; anything that changes them is saved and starts a new generation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = ("site", split_domain_port(request.get_host())[0], request.get_port())
        # Where Site.find_for_request keeps its answer (None when no site answers on this host).
        request._wagtail_site = page_cache.kept(key, lambda: Site.find_for_request(request))
        return self.get_response(request)


class AtomicPageSaveMiddleware:
    """A page saved in the admin is saved whole or not at all.

    Wagtail's create and edit views write the page, then its revision, then
    the log entry, each in its own statement. If one of them fails (a
    database error, a worker killed mid-request), the autosave or the next
    save found a page without its revision. This runs those two views, for
    POST only, in one transaction. Other admin views are left alone: on
    SQLite a transaction holds the write lock, and long admin work (imports)
    must not make citizens' submissions wait.
    """

    ATOMIC_VIEWS = frozenset({"wagtailadmin_pages:add", "wagtailadmin_pages:edit"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in self.ATOMIC_VIEWS:
            return None
        with transaction.atomic():
            return view_func(request, *view_args, **view_kwargs)

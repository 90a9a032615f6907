"""URL routing: admin, health check, search, language switch, then Wagtail pages.

There is no Django admin (``/django-admin/``): Wagtail's admin covers every
model staff work with, and one sign-in page is one place to lock out.
"""

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from procedures import views as procedure_views
from search import views as search_views

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("p/<str:code>/qr.svg", procedure_views.procedure_qr, {"fmt": "svg"}, name="procedure_qr_svg"),
    path("p/<str:code>/qr.png", procedure_views.procedure_qr, {"fmt": "png"}, name="procedure_qr_png"),
    path("p/<str:code>/", procedure_views.short_link, name="procedure_short_link"),
    path("gop-y/", include("feedback.urls")),
    path("thong-ke/", include("reports.urls")),
    # The language switch in every page's footer: no CSRF token, so the page stays cacheable
    # (home/page_cache.py). A forged request can only change a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving is the catch-all: keep it last.
    path("", include(wagtail_urls)),
]

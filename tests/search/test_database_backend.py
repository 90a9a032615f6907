"""The database backend works on whichever database runs the portal.

The embedded default is SQLite (folded FTS5); a commune on PostgreSQL
without a search engine gets Wagtail's PostgreSQL backend. Importing the
SQLite classes there used to crash every page save (modelsearch defines its
FTS5 model only on SQLite), which this test runs on both CI passes.
"""

from django.db import connection

import pytest

from tests.factories import make_standard_page

pytestmark = pytest.mark.django_db


def test_database_backend_indexes_and_finds_pages_on_this_database(settings, home_page):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    assert type(backend).__name__ == (
        "FoldedSQLiteSearchBackend" if connection.vendor == "sqlite" else "FoldedPostgresSearchBackend"
    )
    page = make_standard_page(home_page, "Lịch tiếp công dân tháng mười một")
    backend.add(page)
    from wagtail.models import Page

    found = list(backend.search("tiếp công dân", Page.objects.live()))
    assert page.pk in [result.pk for result in found]
    page.delete()  # deleting an indexed page must not fail either

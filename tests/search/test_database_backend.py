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


def test_database_backend_query_trees_and_awkward_text(settings, home_page):
    """The portal's minimum-match trees are sent to the database as one query string (one
    FTS5 MATCH on SQLite, one tsquery on PostgreSQL): each operator must keep its meaning,
    the best title comes first, and quotes or backslashes typed in the admin search never
    break the query."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import And, Or, Phrase, PlainText

    backend = get_search_backend()
    named = make_standard_page(home_page, "Lịch tiếp công dân tháng mười hai")
    mentioned = make_standard_page(home_page, "Thông báo của xã", intro="Tháng này có lịch tiếp công dân.")
    for page in (named, mentioned):
        backend.add(page)

    def found(query):
        return [page.pk for page in backend.search(query, Page.objects.live())]

    assert found(And([PlainText("tiep"), PlainText("dan")]))[:2] == [named.pk, mentioned.pk]
    assert found(And([PlainText("tiep"), PlainText("khongcochu")])) == []
    assert found(Or([PlainText("khongcochu"), And([PlainText("muoi hai", operator="and"), PlainText("lich")])])) == [
        named.pk
    ]
    assert named.pk in found(Phrase("tiep cong dan"))
    assert found(Phrase("dan cong tiep")) == []
    for text in ['công "dân', "công dân'", "công \\ dân", '"', "'", "(tiếp OR dân)"]:
        list(backend.search(text, Page.objects.live()))  # no syntax error from the database

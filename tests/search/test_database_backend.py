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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's ranked match is written out in SQL")
def test_the_written_out_ranked_match_is_the_one_django_builds(settings, home_page):
    """search/backends/sqlite.py writes the ranked FTS5 statement out instead of building it through the
    ORM: for the same query it must find the same pages in the same order as the ORM's statement, on a
    queryset narrowed by the page tree as the site search narrows it."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import And, Or, PlainText

    backend = get_search_backend()
    pages = [
        make_standard_page(home_page, "Lịch tiếp công dân tháng mười hai"),
        make_standard_page(home_page, "Thông báo của xã", intro="Tháng này có lịch tiếp công dân."),
        make_standard_page(home_page, "Tiếp nhận hồ sơ công dân", intro="Lịch làm việc"),
        make_standard_page(home_page, "Công dân tiếp xúc cử tri"),
    ]
    for page in pages:
        backend.add(page)
    pages[3].unpublish()
    queryset = Page.objects.live().descendant_of(home_page)
    for query, how_many in (
        (PlainText("tiep cong dan", operator="or"), 3),
        (And([PlainText("cong"), Or([PlainText("lich"), PlainText("tiep")])]), 3),
        (PlainText("ho so"), 1),
        (PlainText("khongcochu"), 0),
    ):
        written = backend.search(query, queryset).query_compiler
        ids = written.ranked_pks(written.get_config(backend))
        by_orm = backend.search(query, queryset).query_compiler
        by_orm._ranked_rows = lambda *args: None  # the ORM's own statement
        assert ids == by_orm.ranked_pks(by_orm.get_config(backend))
        assert len(ids) == how_many and pages[3].pk not in ids


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite reads the title matches from its ranked statement")
def test_a_title_matches_in_python_as_fts5_matches_the_title_column(settings, home_page, monkeypatch):
    """``best_by_title`` decides in Python which titles match the query without a second full-text
    statement: for each query tree (the portal's own minimum-match trees too) it must find the pages
    FTS5 finds when it searches the titles alone."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from modelsearch.backends.database.sqlite.query import normalize
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import And, Or, Phrase, PlainText

    from search.backends import sqlite
    from search.backends.folding import fold_query
    from search.services import build_query, clear_caches, prepare

    backend = get_search_backend()
    titles = [
        "Lịch tiếp công dân tháng mười hai",
        "Thông báo của xã",
        "Tiếp nhận hồ sơ công dân",
        "Công dân tiếp xúc cử tri",
        "Thủ tục 1.001193: đăng ký khai sinh",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ ở nông thôn",
        "Đăng ký kết hôn có yếu tố nước ngoài",
        "Xây dựng nông thôn mới",
    ]
    pages = [make_standard_page(home_page, title, intro="lịch tiếp công dân, xây dựng, đăng ký") for title in titles]
    for page in pages:
        backend.add(page)
    clear_caches()
    queryset = Page.objects.live().descendant_of(home_page)

    def trees():
        yield PlainText("tiep cong dan", operator="or")
        yield PlainText("Công dân")
        yield And([PlainText("cong"), Or([PlainText("lich"), PlainText("tiep")])])
        yield Phrase("tiep cong dan")
        yield Phrase("dan cong tiep")
        yield PlainText("1.001193")
        yield PlainText("ket hon")
        for text in ("xin giấy phép xây dựng nhà ở nông thôn", "đăng ký kết hôn với người nước ngoài", "tiếp dân"):
            yield build_query(prepare(text), backend)

    def compare():
        checked = 0
        # Each tree twice: the backend folds the tree it searches in place.
        for first, second in zip(trees(), trees(), strict=True):
            by_fts = {page.pk for page in backend.search(first, queryset, fields=["title"])}
            matches = sqlite.TitleMatcher(normalize(fold_query(second)))
            by_python = {page.pk for page in pages if matches(page.title)}
            assert by_python == by_fts, (first, by_fts, by_python)
            checked += bool(by_fts)
        assert checked >= 8  # most trees find some titles: the comparison is not between empty sets

    compare()
    monkeypatch.setattr(sqlite, "MAX_CLAUSES", 1)  # trees too big for sets of terms: node by node
    compare()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite reads the title matches from its ranked statement")
def test_a_page_named_for_the_query_comes_first_past_fifty_longer_texts(settings, home_page):
    """A page whose very name answers the query but whose long text ranks it past the first fifty
    matches still comes first, and the search runs one full-text statement for it."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from django.test.utils import CaptureQueriesContext

    from wagtail.search.backends import get_search_backend

    from search.services import RERANK_WINDOW, SearchParams, clear_caches, run_search, visible_pages

    backend = get_search_backend()
    others = [
        make_standard_page(home_page, f"Thông báo số {index} của xã", intro="Xác nhận tình trạng hôn nhân tại xã.")
        for index in range(RERANK_WINDOW + 10)
    ]
    clause = "giấy tờ, bản sao và thời hạn giải quyết theo quy định."
    long_text = " ".join(f"Khoản {index}: {clause}" for index in range(300))
    named = make_standard_page(home_page, "Xác nhận tình trạng hôn nhân", intro=long_text)
    for page in [*others, named]:
        backend.add(page)
    clear_caches()

    ranked = list(backend.search("xac nhan tinh trang hon nhan", visible_pages()).ranked_ids())
    assert ranked.index(named.pk) >= RERANK_WINDOW  # its long text alone would leave it out

    with CaptureQueriesContext(connection) as queries:
        outcome = run_search(SearchParams(query="xác nhận tình trạng hôn nhân"))
    assert outcome.results[0].title == "Xác nhận tình trạng hôn nhân"
    assert outcome.total == len(others) + 1
    assert len([query for query in queries.captured_queries if " MATCH " in query["sql"]]) == 1


def test_a_filtered_search_counts_its_facets_from_one_statement(settings, home_page, request):
    """With a kind and a field chosen, the results keep to them, each facet counts the matches of every
    filter but its own, a page named for the query still comes first past fifty longer texts, and the
    search runs one full-text statement (not one per facet), on SQLite and on PostgreSQL."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from django.test.utils import CaptureQueriesContext

    from search.services import RERANK_WINDOW, SearchParams, clear_caches, run_search
    from tests.factories import make_field, make_procedure

    catalogue = request.getfixturevalue("catalogue")
    civil, land = make_field("Hộ tịch"), make_field("Đất đai", slug="dat-dai")
    for index in range(RERANK_WINDOW + 10):
        make_procedure(
            catalogue, f"9.{index:06d}", f"Thông báo số {index}", field=(civil, land)[index % 2],
            documents=["Giấy xác nhận tình trạng hôn nhân"],
        )  # fmt: skip
    clause = "giấy tờ, bản sao và thời hạn giải quyết theo quy định."
    named = make_procedure(  # a long official text, as real document entries have
        catalogue, "9.999999", "Xác nhận tình trạng hôn nhân", field=land,
        summary=" ".join(f"Khoản {index}: {clause}" for index in range(300)),
    )  # fmt: skip
    make_procedure(catalogue, "9.888888", "Xác nhận tình trạng hôn nhân cho người nước ngoài", field=civil)
    make_standard_page(home_page, "Hỏi đáp về xác nhận tình trạng hôn nhân")
    clear_caches()

    with CaptureQueriesContext(connection) as queries:
        outcome = run_search(SearchParams(query="xác nhận tình trạng hôn nhân", kind="procedure", field="dat-dai"))

    assert outcome.results[0].title == named.title
    assert outcome.total == (RERANK_WINDOW + 10) // 2 + 1  # the land procedures only
    assert all(hit.kind == "procedure" for hit in outcome.results)
    fields = {facet["label"]: facet["count"] for facet in outcome.facets["field"]}
    assert fields == {"Hộ tịch": (RERANK_WINDOW + 10) // 2 + 1, "Đất đai": (RERANK_WINDOW + 10) // 2 + 1}
    kinds = {facet["value"]: facet["count"] for facet in outcome.facets["kind"]}
    assert kinds == {"procedure": (RERANK_WINDOW + 10) // 2 + 1}  # the page has no field: not counted
    full_text = " MATCH " if connection.vendor == "sqlite" else " @@ "
    assert len([query for query in queries.captured_queries if full_text in query["sql"]]) == 1

    every_kind = run_search(SearchParams(query="xác nhận tình trạng hôn nhân", field="dat-dai"))
    assert every_kind.total == outcome.total
    by_kind = run_search(SearchParams(query="xác nhận tình trạng hôn nhân", kind="page"))
    assert [hit.title for hit in by_kind.results] == ["Hỏi đáp về xác nhận tình trạng hôn nhân"]
    assert {facet["value"]: facet["count"] for facet in by_kind.facets["kind"]} == {
        "procedure": RERANK_WINDOW + 12,
        "page": 1,
    }

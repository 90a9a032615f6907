"""The PostgreSQL database backend folds Vietnamese diacritics.

Migration search/0004 creates the ``portal_vietnamese`` text search
configuration (``unaccent`` then ``simple``); the database backend indexes and
queries with it. These tests run on PostgreSQL with the *database* backend
even in the CI pass that sets ``SEARCH_URL`` (the fixture overrides
``WAGTAILSEARCH_BACKENDS`` before any page is indexed), on a few real records
of ``tests/data/national/procedures.json``. They skip on SQLite, which folds
in Python (``search/backends/sqlite.py``, ``tests/search/test_text.py``).
"""

from pathlib import Path

from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.services import RERANK_WINDOW, SearchParams, run_search
from tests.factories import make_field, make_procedure
from tests.search.test_relevance import test_relevance_set as relevance_set

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"
CODES = {
    "1.003930": "Cấp lại Giấy chứng nhận đăng ký phương tiện",
    "1.012564": "Điều chỉnh thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
    "1.011606": "Công nhận hộ nghèo, hộ cận nghèo",
    "1.003658": "Công bố lại hoạt động bến thủy nội địa",
    "2.000913": "Chứng thực việc sửa đổi, bổ sung, hủy bỏ giao dịch",
}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite folds in Python (search/backends/sqlite.py), tested elsewhere",
    ),
]


@pytest.fixture
def pg_database_backend(settings):
    """The database backend, whatever SEARCH_URL this test run has."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    assert type(backend).__name__ == "FoldedPostgresSearchBackend"
    return backend


@pytest.fixture
def real_records(pg_database_backend, request):
    """Five real national records, published and indexed by the database backend."""
    from procedures.importer import import_procedures, read_rows
    from search.services import clear_caches

    catalogue = request.getfixturevalue("catalogue")  # after the backend override
    rows = [(number, row) for number, row in read_rows(NATIONAL, "json") if row.get("Mã thủ tục") in CODES]
    assert len(rows) == len(CODES)
    report = import_procedures(rows, catalogue, publish=True)
    assert not report.rejected, report.rejected
    clear_caches()
    return catalogue


def codes(query, autocomplete=False):
    return [hit.code for hit in run_search(SearchParams(query=query, autocomplete=autocomplete)).results]


def test_unaccent_folds_vietnamese_letters_in_sql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unaccent(%s), to_tsvector('portal_vietnamese', %s)::text, "
            "to_tsquery('portal_vietnamese', %s)::text, to_tsvector('portal_vietnamese', normalize(%s, NFD))::text",
            ["Đăng ký đ Đ ế ộ ữ ặ ỹ ờ ứ ẩ ị", "ĐIỀU CHỈNH thông tin", "'Bến':* & THỦY", "Nguyễn Văn Đức"],
        )
        unaccented, vector, query, decomposed = cursor.fetchone()
    assert unaccented == "Dang ky d D e o u a y o u a i"
    assert vector == "'chinh':2 'dieu':1 'thong':3 'tin':4"
    assert query == "'ben':* & 'thuy'"
    assert decomposed == "'duc':3 'nguyen':1 'van':2"  # combining marks (NFD) fold too


@pytest.mark.parametrize(
    "query",
    [
        "đăng ký phương tiện",  # with diacritics
        "dang ky phuong tien",  # without
        "ĐĂNG KÝ PHƯƠNG TIỆN",  # upper case
        "Dang Ky PHUONG tien",  # mixed
        "đang kỳ phuơng tiến",  # wrong diacritics
    ],
)
def test_any_spelling_finds_the_same_record(real_records, query):
    assert codes(query)[:1] == ["1.003930"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("dieu chinh thong tin co so du lieu", "1.012564"),  # Đ typed as d
        ("Điều chỉnh thông tin cơ sở dữ liệu", "1.012564"),
        ("ben thuy noi dia", "1.003658"),  # đ inside a word
        ("ho ngheo", "1.011606"),
        ("HỘ CẬN NGHÈO", "1.011606"),
        ("chung thuc sua doi giao dich", "2.000913"),
    ],
)
def test_d_and_diacritics_fold(real_records, query, code):
    assert codes(query)[:1] == [code]


@pytest.mark.parametrize(
    ("query", "code"),
    [("ben thuy noi d", "1.003658"), ("Bến thủy nội đ", "1.003658"), ("DIEU CHINH THONG T", "1.012564")],
)
def test_autocomplete_prefix_folds(real_records, query, code):
    assert code in codes(query, autocomplete=True)


def test_unrelated_words_find_nothing(real_records):
    assert codes("iphone visa") == []


def test_the_index_holds_folded_lexemes(real_records):
    from modelsearch.backends.database.postgres.postgres import IndexEntry

    titles = [str(title) for title in IndexEntry.objects.values_list("title", flat=True)]
    titles = [title for title in titles if "'phuong'" in title]
    assert titles
    assert not any(letter in title for title in titles for letter in "đăâêôơưạếộ")


def test_no_folding_warning_when_the_configuration_exists(pg_database_backend):
    ids = [message.id for message in checks.run_checks() if message.id.startswith("portal.W00")]
    assert "portal.W002" not in ids
    assert "portal.W003" not in ids


def test_warning_with_the_fix_when_the_configuration_is_missing(pg_database_backend, monkeypatch):
    from search import checks as search_checks
    from search.backends import postgres

    monkeypatch.setattr(postgres, "_installed", False)
    with connection.cursor() as cursor:
        cursor.execute("DROP TEXT SEARCH CONFIGURATION portal_vietnamese")  # rolled back after the test
    [warning] = [message for message in search_checks.check_database_search_folding(None) if message]
    assert warning.id == "portal.W003"
    assert "unaccent" in warning.msg and "CREATE EXTENSION unaccent" in warning.hint
    assert "update_index" in warning.hint
    # Meanwhile the backend falls back to 'simple': searching still works.
    assert pg_database_backend.config == "simple"
    monkeypatch.setattr(postgres, "_installed", False)  # forget the fallback for later tests


def test_relevance_set_on_the_postgres_database_backend(pg_database_backend, request):
    """tests/search/test_relevance.py on this backend (its hit@3 and MRR go to the test summary)."""
    relevance_set(request.getfixturevalue("demo_catalogue"))


def test_a_computed_search_matches_once_and_counts_every_match(pg_database_backend, request):
    """More matches than the re-ranked window: the page still counts every match by kind and by field,
    from one ranked list of ids (search/backends/postgres.py), with no count query of its own."""
    from search.services import clear_caches

    catalogue = request.getfixturevalue("catalogue")  # after the backend override
    civil, land = make_field("Hộ tịch"), make_field("Đất đai", slug="dat-dai")
    number = RERANK_WINDOW + 6
    for index in range(number):
        make_procedure(catalogue, f"9.{index:06d}", f"Xác nhận giấy tờ số {index}", field=(civil, land)[index % 2])
    clear_caches()

    with CaptureQueriesContext(connection) as queries:
        outcome = run_search(SearchParams(query="xác nhận giấy tờ"))

    full_text = [query["sql"] for query in queries.captured_queries if " @@ " in query["sql"]]
    assert len(full_text) == 2, full_text  # every match best first, then the best by title among the rest
    assert not [sql for sql in full_text if "COUNT(" in sql]
    assert outcome.total == number
    assert {facet["label"]: facet["count"] for facet in outcome.facets["field"]} == {"Hộ tịch": 28, "Đất đai": 28}
    assert sum(facet["count"] for facet in outcome.facets["kind"]) == number
    assert len(outcome.results) == 10 and all(hit.title.startswith("Xác nhận giấy tờ số") for hit in outcome.results)

    # A field chosen: its matches only, each facet counted over all filters but its own, from the one
    # ranked list of the site's matches (search/services.py ``_wide_matches``).
    with CaptureQueriesContext(connection) as queries:
        filtered = run_search(SearchParams(query="xác nhận giấy tờ", kind="procedure", field="dat-dai"))
    assert len([query for query in queries.captured_queries if " @@ " in query["sql"]]) == 1
    assert filtered.total == 28
    assert {facet["label"]: facet["count"] for facet in filtered.facets["field"]} == {"Hộ tịch": 28, "Đất đai": 28}

    # A kind chosen and more matches than the window: the best by title among them join the first
    # ones, from a search of the titles (one more statement).
    with CaptureQueriesContext(connection) as queries:
        by_kind = run_search(SearchParams(query="xác nhận giấy tờ", kind="procedure"))
    assert len([query for query in queries.captured_queries if " @@ " in query["sql"]]) == 2
    assert by_kind.total == number
    assert {facet["label"]: facet["count"] for facet in by_kind.facets["field"]} == {"Hộ tịch": 28, "Đất đai": 28}
    assert len(by_kind.results) == 10 and all(hit.title.startswith("Xác nhận giấy tờ số") for hit in by_kind.results)


ENTRY = '"wagtailsearch_indexentry"'
MATCHES = (f'({ENTRY}."title" || {ENTRY}."body") @@ ', f'{ENTRY}."title" @@ ')


def match_plans(statements):
    """The plan of each statement's full-text match alone, with sequential scans priced out: the index
    that serves it, if any (a test database is too small for the planner to pick one on its own)."""
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in statements:
                start = min(sql.find(match) for match in MATCHES if match in sql)
                condition = sql[start : sql.index(" ORDER BY ", start)].removesuffix(")")
                cursor.execute(f"EXPLAIN SELECT 1 FROM {ENTRY} WHERE {condition}")  # noqa: S608 - the backend's own SQL
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    return plans


def test_a_search_reads_the_gin_indexes(pg_database_backend, request):
    """The match of the words against title and body, and the search of the titles alone, are served
    by GIN indexes (search/migrations/0013, search/backends/postgres.py): without them every search
    read every index entry and folded every page's title (226 ms a search at 10,000 procedures)."""
    from search.services import clear_caches

    catalogue = request.getfixturevalue("catalogue")  # after the backend override
    for index in range(RERANK_WINDOW + 6):
        make_procedure(catalogue, f"9.{index:06d}", f"Xác nhận giấy tờ số {index}")
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        outcome = run_search(SearchParams(query="xác nhận giấy tờ"))
    assert outcome.total == RERANK_WINDOW + 6

    statements = [query["sql"] for query in queries.captured_queries if " @@ " in query["sql"]]
    everything, titles = match_plans(statements)
    assert "Bitmap Index Scan on portal_indexentry_title_body_gin" in everything, everything
    assert "Bitmap Index Scan on wagtailsear_title_" in titles, titles
    assert "to_tsvector" not in statements[1]  # no page's title folded at search time


def index_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'portal_indexentry_title_body_gin'")
        return cursor.fetchone() is not None


def configuration_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgname = 'portal_vietnamese'")
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_migration_creates_and_drops_the_configuration():
    from tests.migrations import migrate

    assert configuration_exists() and index_exists()
    migrate([("search", "0003_query_visitors")])
    try:
        assert not configuration_exists() and not index_exists()
    finally:
        migrate()
    assert configuration_exists() and index_exists()


def test_migration_passes_without_the_extension(caplog):
    """No unaccent (no contrib package, no right to create it): migrate goes on, W003 tells the fix."""
    from importlib import import_module

    from django.db import DatabaseError

    migration = import_module("search.migrations.0004_postgres_vietnamese_folding")
    statements = []

    class Refusing:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            statements.append(sql)
            if sql.startswith("CREATE EXTENSION"):
                raise DatabaseError('could not open extension control file "unaccent.control"')

    migration.create_configuration(None, Refusing())
    assert statements == ["CREATE EXTENSION IF NOT EXISTS unaccent"]
    assert "portal.W003" in caplog.text and "unaccent" in caplog.text

"""Draft, unpublished and private pages never reach a result, a facet count,
an autocomplete suggestion, a promoted result or a code match."""

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

import pytest

from search.services import clear_caches
from tests.factories import make_field, make_procedure, make_procedure_index, make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db
SECRET = "bí mật nội bộ"


@pytest.fixture
def hidden_pages(catalogue, home_page):
    field = make_field("Hộ tịch")
    public = make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=field)
    draft = make_procedure(catalogue, "1.000001", f"Khai sinh {SECRET} bản nháp", field=field, publish=False)
    unpublished = make_procedure(catalogue, "1.000002", f"Khai sinh {SECRET} đã gỡ", field=field)
    unpublished.unpublish()
    private = make_procedure(catalogue, "1.000003", f"Khai sinh {SECRET} riêng tư", field=field)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    section = make_standard_page(home_page, "Khu vực cán bộ")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    inner_catalogue = make_procedure_index(section, "Thủ tục nội bộ")
    inside = make_procedure(inner_catalogue, "1.000004", f"Khai sinh {SECRET} trong khu vực cán bộ", field=field)
    refresh_search_index()
    return {"public": public, "hidden": [draft, unpublished, private, inside]}


def test_hidden_pages_are_not_results_or_facet_counts(client, hidden_pages):
    data = client.get("/api/search/", {"q": "khai sinh"}).json()
    assert [r["code"] for r in data["results"]] == ["1.001193"]
    assert data["total"] == 1
    assert {i["value"]: i["count"] for i in data["facets"]["kind"]} == {"procedure": 1}
    assert {i["value"]: i["count"] for i in data["facets"]["field"]} == {"ho-tich": 1}
    assert SECRET not in client.get("/search/", {"q": "khai sinh"}).content.decode()


def test_hidden_pages_are_not_suggested(client, hidden_pages):
    for prefix in ["khai s", "bi mat", "noi b"]:
        data = client.get("/api/search/", {"q": prefix, "mode": "autocomplete"}).json()
        assert all(SECRET not in r["title"] for r in data["results"]), prefix
    # Their words are not in the "did you mean" vocabulary either.
    assert SECRET.split()[0] not in client.get("/api/search/", {"q": "bi matt"}).json()["suggestion"]


def test_hidden_pages_are_not_found_by_their_words_or_code(client, hidden_pages):
    for query in [SECRET, "1.000001", "1.000003", "1.000004"]:
        data = client.get("/api/search/", {"q": query}).json()
        assert data["total"] == 0, (query, data["results"])


def test_promoted_hidden_page_is_not_shown(client, hidden_pages):
    query = Query.get("giay khai sinh")
    for order, page in enumerate(hidden_pages["hidden"]):
        SearchPromotion.objects.create(query=query, page=page, sort_order=order)
    clear_caches()
    data = client.get("/api/search/", {"q": "giấy khai sinh"}).json()
    assert all(SECRET not in r["title"] for r in data["results"])
    assert not any(r["promoted"] for r in data["results"])


# --- The search-queries reports show only what several visitors typed ---

NAME_QUERY = "Phạm Văn Địa số 12 Trần Phú"
REPORT = "/admin/search-queries/"


def _search_from(client, address, query, times=1):
    for _ in range(times):
        assert client.get("/search/", {"q": query}, REMOTE_ADDR=address).status_code == 200


def _reports(client, user):
    """What editors read: the project's report and Wagtail's "Search terms" report."""
    from django.urls import reverse

    client.force_login(user)
    ours = client.get(REPORT)
    wagtails = client.get(reverse("wagtailsearchpromotions:search_terms"))
    assert ours.status_code == wagtails.status_code == 200
    return ours.content.decode() + wagtails.content.decode(), ours.context


def test_a_name_typed_ten_times_by_one_visitor_never_reaches_editors(client, catalogue, admin_user):
    _search_from(client, "203.0.113.7", NAME_QUERY, times=10)
    _search_from(client, "203.0.113.7", "xyzzy khong co", times=10)
    content, context = _reports(client, admin_user)
    assert "pham van dia" not in content
    assert "xyzzy" not in content
    assert "ít nhất 3 người truy cập khác nhau" in content  # editors are told why
    assert list(context["object_list"]) == []
    download = b"".join(client.get(REPORT, {"export": "csv"}).streaming_content).decode()
    assert "pham van dia" not in download and "xyzzy" not in download
    assert not Query.objects.exists()


def test_a_query_typed_by_three_distinct_visitors_is_shown_with_every_search(client, catalogue, admin_user):
    from search.models import QueryVisitor

    _search_from(client, "203.0.113.1", "xyzzy khong co", times=4)
    _search_from(client, "203.0.113.2", "XYZZY KHÔNG CÓ")
    assert not Query.objects.exists()  # two visitors are not enough
    _search_from(client, "203.0.113.3", "xyzzy không có")
    content, context = _reports(client, admin_user)
    assert "xyzzy khong co" in content
    assert [(row.query_string, row.searches, row.zero_results) for row in context["object_list"]] == [
        ("xyzzy khong co", 6, 6)
    ]
    assert not QueryVisitor.objects.exists()  # the waiting rows are gone once counted
    _search_from(client, "203.0.113.1", "xyzzy khong co")
    assert Query.objects.get().hits == 7


def test_visitors_are_told_apart_through_the_trusted_proxy_and_never_stored_as_addresses(client, catalogue, settings):
    from search.models import QueryVisitor

    settings.FEEDBACK_TRUSTED_PROXIES = ["127.0.0.1"]
    for address in ("198.51.100.1", "198.51.100.2"):
        client.get("/search/", {"q": NAME_QUERY}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
    rows = list(QueryVisitor.objects.values_list("visitor", flat=True))
    assert len(set(rows)) == 2
    assert not any("198.51.100" in row or "127.0.0.1" in row for row in rows)
    assert not Query.objects.exists()


def test_waiting_searches_are_forgotten_after_the_window(catalogue, settings):
    import datetime

    from search.models import QueryVisitor
    from search.query_log import record_query

    settings.SEARCH_REPORT_WINDOW_DAYS = 30
    today = datetime.date(2026, 12, 4)
    record_query(NAME_QUERY, 0, visitor="a", today=today - datetime.timedelta(days=40))
    record_query(NAME_QUERY, 0, visitor="b", today=today - datetime.timedelta(days=35))
    record_query(NAME_QUERY, 0, visitor="c", today=today)
    assert list(QueryVisitor.objects.values_list("visitor", flat=True)) == ["c"]
    assert not Query.objects.exists()


def test_searches_are_counted_in_memory_and_written_together(client, catalogue, admin_user, settings):
    """As in production: no write on a citizen's search; the counts reach the reports, whole and still
    only once three visitors typed a query, at the next write (when due, or when the process exits)."""
    from search import query_log
    from search.models import QueryVisitor

    query_log.write_pending()  # starts a period
    settings.SEARCH_LOG_FLUSH_SECONDS = 3600
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _search_from(client, address, "xyzzy khong co", times=2)
    _search_from(client, "203.0.113.9", NAME_QUERY, times=5)
    assert not Query.objects.exists() and not QueryVisitor.objects.exists()
    assert sum(searches for searches, _zero in query_log.pending().values()) == 11

    assert query_log.write_pending() == 11
    assert query_log.pending() == {}
    content, context = _reports(client, admin_user)
    assert [(row.query_string, row.searches, row.zero_results) for row in context["object_list"]] == [
        ("xyzzy khong co", 6, 6)
    ]
    assert "pham van dia" not in content  # one visitor: still waiting, never shown
    assert QueryVisitor.objects.get().hits == 5

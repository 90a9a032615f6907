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

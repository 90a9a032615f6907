"""GET /api/search/: the JSON contract, filters, facets, paging and bad input."""

import pytest

from tests.factories import make_field, make_procedure, make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_with_fields(catalogue, home_page):
    civil, residence = make_field("Hộ tịch"), make_field("Cư trú")
    pages = {
        "birth": make_procedure(
            catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil, documents=["Tờ khai đăng ký khai sinh"]
        ),
        "late_birth": make_procedure(catalogue, "1.004884", "Thủ tục đăng ký lại khai sinh", field=civil),
        "permanent": make_procedure(
            catalogue, "1.004222", "Đăng ký thường trú", field=residence, documents=["Tờ khai thay đổi thông tin"]
        ),
        "guide": make_standard_page(home_page, "Hướng dẫn đăng ký khai sinh trực tuyến", intro="Khai sinh trên cổng"),
    }
    refresh_search_index()
    return pages


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_results_have_the_documented_shape(client, catalogue_with_fields):
    data = api(client, q="dang ky khai sinh")
    assert set(data) >= {"query", "total", "results", "facets"}
    assert data["query"] == "dang ky khai sinh"
    first = data["results"][0]
    assert set(first) >= {"title", "url", "kind", "code", "field", "snippet"}
    assert first == {
        **first,
        "title": "Thủ tục đăng ký khai sinh",
        "url": catalogue_with_fields["birth"].url,
        "kind": "procedure",
        "code": "1.001193",
        "field": "Hộ tịch",
    }
    assert "<mark>khai</mark>" in first["snippet"]


def test_kind_and_field_facets_count_every_match(client, catalogue_with_fields):
    data = api(client, q="khai sinh")
    kinds = {item["value"]: item["count"] for item in data["facets"]["kind"]}
    assert kinds == {"procedure": 2, "page": 1}
    fields = {item["value"]: item["count"] for item in data["facets"]["field"]}
    assert fields == {"ho-tich": 2}
    assert data["total"] == 3


def test_kind_filter_keeps_only_that_kind(client, catalogue_with_fields):
    assert [r["kind"] for r in api(client, q="khai sinh", kind="page")["results"]] == ["page"]
    assert {r["kind"] for r in api(client, q="khai sinh", kind="procedure")["results"]} == {"procedure"}


def test_field_filter_keeps_only_that_field(client, catalogue_with_fields):
    data = api(client, q="dang ky", field="cu-tru")
    assert [r["code"] for r in data["results"]] == ["1.004222"]
    # The kind facet respects the field filter; the field facet ignores it.
    assert {i["value"]: i["count"] for i in data["facets"]["kind"]} == {"procedure": 1}
    assert {i["value"] for i in data["facets"]["field"]} == {"ho-tich", "cu-tru"}


def test_pages_of_ten(client, catalogue, home_page):
    field = make_field("Chứng thực")
    for number in range(13):
        make_procedure(catalogue, f"2.{number + 100:06d}", f"Chứng thực bản sao mẫu {number}", field=field)
    refresh_search_index()
    first, second = api(client, q="chung thuc"), api(client, q="chung thuc", page=2)
    assert (first["total"], first["pages"], len(first["results"])) == (13, 2, 10)
    assert len(second["results"]) == 3
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}
    # A page past the end shows the last page rather than nothing.
    assert api(client, q="chung thuc", page=9)["results"] == second["results"]


def test_autocomplete_mode_matches_prefixes(client, catalogue_with_fields):
    data = api(client, q="dang ky khai s", mode="autocomplete")
    titles = [r["title"] for r in data["results"]]
    assert "Thủ tục đăng ký khai sinh" in titles
    assert all("khai sinh" in title for title in titles)
    assert "Đăng ký thường trú" not in titles
    assert api(client, q="thuong t", mode="autocomplete")["results"][0]["code"] == "1.004222"


def test_national_code_comes_first(client, catalogue_with_fields):
    data = api(client, q="1.004222")
    assert data["results"][0]["code"] == "1.004222"
    assert data["total"] == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "video"}, "kind", "Loại kết quả không hợp lệ"),
        ({"page": "abc"}, "page", "Số trang phải là số nguyên"),
        ({"page": "0"}, "page", "Số trang phải từ 1 trở lên"),
        ({"field": "hộ tịch!"}, "field", "Lĩnh vực không hợp lệ"),
        ({"mode": "magic"}, "mode", "Chế độ không hợp lệ"),
    ],
)
def test_bad_parameters_get_a_vietnamese_400(client, catalogue_with_fields, params, field, message):
    response = client.get("/api/search/", {"q": "khai sinh", **params})
    assert response.status_code == 400
    body = response.json()
    assert message in " ".join(body["errors"][field])


def test_empty_query_returns_nothing(client, catalogue_with_fields):
    data = api(client, q="   ")
    assert data["total"] == 0 and data["results"] == []


@pytest.fixture
def big_catalogue(catalogue, home_page):
    """62 pages with "giấy phép": more than the 50 results re-ranked, so counts come from the backend."""
    roads, water = make_field("Giao thông"), make_field("Tài nguyên nước")
    for number in range(60):
        field = roads if number < 35 else water
        make_procedure(catalogue, f"1.{number + 100000}", f"Cấp giấy phép số {number}", field=field)
    make_standard_page(home_page, "Hướng dẫn xin giấy phép", intro="Giấy phép")
    make_standard_page(home_page, "Lịch nhận giấy phép", intro="Giấy phép")
    refresh_search_index()


def test_facets_and_total_count_every_match_beyond_the_first_fifty(client, big_catalogue):
    data = api(client, q="giấy phép")
    assert data["total"] == 62
    assert data["pages"] == 7
    assert {i["value"]: i["count"] for i in data["facets"]["kind"]} == {"procedure": 60, "page": 2}
    assert {i["value"]: i["count"] for i in data["facets"]["field"]} == {"giao-thong": 35, "tai-nguyen-nuoc": 25}
    narrowed = api(client, q="giấy phép", field="tai-nguyen-nuoc")
    assert narrowed["total"] == 25
    assert {i["value"]: i["count"] for i in narrowed["facets"]["kind"]} == {"procedure": 25}
    assert {i["value"]: i["count"] for i in narrowed["facets"]["field"]} == {"giao-thong": 35, "tai-nguyen-nuoc": 25}
    pages = api(client, q="giấy phép", kind="page")
    assert pages["total"] == 2
    assert {i["value"]: i["count"] for i in pages["facets"]["kind"]} == {"procedure": 60, "page": 2}
    # A national code pins its procedure first and is counted once.
    pinned = api(client, q="giấy phép 1.100040")
    assert pinned["results"][0]["code"] == "1.100040"
    assert pinned["total"] == 62


@pytest.mark.search_engine
def test_a_page_of_results_is_one_request_to_the_engine(client, big_catalogue, monkeypatch, settings):
    """Page one, with or without filters: results, best title matches, count and facets in one round trip."""
    from wagtail.search.backends import get_search_backend

    settings.SEARCH_KEEP_RESULTS = False
    transport = type(get_search_backend().es.transport)
    original, calls = transport.perform_request, []

    def counted(self, method, path, *args, **kwargs):
        calls.append(path)
        return original(self, method, path, *args, **kwargs)

    monkeypatch.setattr(transport, "perform_request", counted)
    for params in ({"q": "giấy phép"}, {"q": "giấy phép", "field": "giao-thong"}, {"q": "giấy phép", "kind": "page"}):
        calls.clear()
        assert api(client, **params)["total"] > 0
        assert len(calls) == 1, (params, calls)


@pytest.mark.search_engine
def test_searches_reuse_one_connection_to_the_engine(client, big_catalogue, monkeypatch, settings):
    """Wagtail builds a backend per ``get_search_backend()`` call; its client, and so its open
    connection, is shared by the process: searches after the first open no new connection."""
    import os

    from wagtail.search.backends import get_search_backend

    import urllib3.connection

    settings.SEARCH_KEEP_RESULTS = False
    api(client, q="giấy phép")
    assert get_search_backend().es is get_search_backend().es
    original, connects = urllib3.connection.HTTPConnection.connect, []

    def counted(self):
        connects.append(self.host)
        return original(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", counted)
    for query in ("giấy phép", "đăng ký khai sinh", "xây dựng"):
        api(client, q=query, field="giao-thong")
    assert connects == []

    # A process forked from this one (a server's worker) gets a client of its own.
    parent = get_search_backend().es
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, b"own" if get_search_backend().es is not parent else b"shared")
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 16) == b"own"

"""Editors tune search: synonyms, promoted results, and the queries report."""

import csv
import io
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pytest_django.asserts import assertContains

from search.models import SearchSynonym, ZeroResultHit
from search.services import clear_caches
from tests.factories import make_procedure, make_standard_page, prefer_english, refresh_search_index

pytestmark = pytest.mark.django_db
REPORT = "/admin/search-queries/"
REPORT_RESULTS = "/admin/search-queries/results/"
ADD_SYNONYM = "/admin/snippets/search/searchsynonym/add/"
PROMOTE = "/admin/searchpicks/add/"


@pytest.fixture(autouse=True)
def editors_synonyms_only(db):
    """These tests start from what editors typed: without the shipped vocabulary (tests/search/test_vocabulary.py)."""
    SearchSynonym.objects.filter(shipped=True).delete()
    clear_caches()


@pytest.fixture
def permanent(catalogue):
    page = make_procedure(catalogue, "1.004222", "Đăng ký thường trú", documents=["Tờ khai thay đổi thông tin cư trú"])
    refresh_search_index()
    return page


def first_code(client, query):
    results = client.get("/api/search/", {"q": query}).json()["results"]
    return results[0]["code"] if results else None


def test_a_synonym_makes_colloquial_words_find_the_procedure(client, permanent):
    # "KT3" is what people still call the old temporary-residence book.
    make_procedure(permanent.get_parent(), "1.004194", "Đăng ký tạm trú")
    refresh_search_index()
    assert first_code(client, "sổ KT3") is None
    SearchSynonym.objects.create(term="KT3", alternatives="tạm trú")
    assert first_code(client, "so kt3") == "1.004194"
    SearchSynonym.objects.filter(term="KT3").update(active=False)
    clear_caches()
    assert first_code(client, "so kt3") is None


def test_editor_adds_a_synonym_in_the_admin(client, permanent, django_user_model):
    editor = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    form = client.get(ADD_SYNONYM, {"term": "hộ khẩu"})
    assertContains(form, 'value="hộ khẩu"')
    response = client.post(ADD_SYNONYM, {"term": "hộ khẩu", "alternatives": "thường trú", "active": "on"})
    assert response.status_code == 302
    assert first_code(client, "ho khau") == "1.004222"


def test_a_synonym_that_repeats_its_term_is_refused_in_vietnamese(client, admin_user):
    client.force_login(admin_user)
    response = client.post(ADD_SYNONYM, {"term": "hộ khẩu", "alternatives": "Hộ Khẩu", "active": "on"})
    assert response.status_code == 200
    assertContains(response, "Từ thay thế trùng với chính từ cần tìm")
    assert not SearchSynonym.objects.exists()


def test_promoted_page_leads_the_results(client, permanent, home_page):
    guide = make_standard_page(home_page, "Hướng dẫn nhập khẩu cho trẻ mới sinh", intro="Các bước")
    refresh_search_index()
    SearchPromotion.objects.create(query=Query.get("đăng ký thường trú"), page=guide, sort_order=0)
    results = client.get("/api/search/", {"q": "DANG KY THUONG TRU"}).json()["results"]
    assert [r["title"] for r in results[:2]] == ["Hướng dẫn nhập khẩu cho trẻ mới sinh", "Đăng ký thường trú"]
    assert results[0]["promoted"] is True
    assertContains(client.get("/search/", {"q": "đăng ký thường trú"}), "result__promoted")


@pytest.fixture
def every_visitor_counts(settings):
    """Count from the first visitor (the threshold has its own tests in test_privacy.py)."""
    settings.SEARCH_REPORT_MIN_VISITORS = 1


def test_searches_are_counted_folded_and_zero_results_kept_apart(client, permanent, every_visitor_counts):
    for query in ["đăng ký thường trú", "DANG KY THUONG TRU", "xyzzy"]:
        client.get("/search/", {"q": query})
    client.get("/search/", {"q": "đăng ký thường trú", "page": 2})  # paging is not a new search
    client.get("/api/search/", {"q": "khong tinh", "mode": "autocomplete"})  # keystrokes are not searches
    hits = {q.query_string: q.hits for q in Query.objects.all()}
    assert hits == {"dang ky thuong tru": 2, "xyzzy": 1}
    assert list(ZeroResultHit.objects.values_list("query__query_string", "hits")) == [("xyzzy", 1)]


@pytest.mark.parametrize(
    "query", ["0912 345 678", "0912345678", "CCCD 001093012345", "nguyenvana@gmail.com", "+84 912 345 678"]
)
def test_queries_that_look_personal_are_never_stored(client, permanent, query, every_visitor_counts):
    client.get("/search/", {"q": query})
    assert not Query.objects.exists()
    assert not ZeroResultHit.objects.exists()


def rows(response):
    """The report's table as editors read it: the text of each cell, row by row (none without a table)."""
    table = BeautifulSoup(response.content, "html.parser").select_one("table.listing")
    if table is None:
        return []
    return [[" ".join(cell.get_text().split()) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")]


def links(response, text):
    """The address of every link in the table whose text is ``text``."""
    table = BeautifulSoup(response.content, "html.parser").select_one("table.listing")
    return [a["href"] for a in table.find_all("a") if " ".join(a.get_text().split()) == text]


def counted(query_string, days_ago, searches, found_nothing=0):
    """``searches`` of ``query_string`` on the day ``days_ago`` days back, ``found_nothing`` of them without results."""
    query = Query.get(query_string)
    day = timezone.localdate() - timedelta(days=days_ago)
    QueryDailyHits.objects.create(query=query, date=day, hits=searches)
    if found_nothing:
        ZeroResultHit.objects.create(query=query, date=day, hits=found_nothing)
    return query


@pytest.fixture
def editor(admin_user):
    prefer_english(admin_user)
    return admin_user


def test_report_lists_frequent_and_zero_result_searches(client, permanent, admin_user, every_visitor_counts):
    prefer_english(admin_user)
    for query in ["thường trú", "thuong tru", "xyzzy"]:
        client.get("/search/", {"q": query})
    client.force_login(admin_user)
    response = client.get(REPORT)
    assert response.status_code == 200
    assertContains(response, "A search is listed once 1 different visitor has typed it.")
    # What found nothing comes first, with what to do about it; every search links to the public results.
    assert rows(response) == [
        ["xyzzy", "1", "1", "Add synonym Promote a page"],
        ["thuong tru", "2", "0", ""],
    ]
    assert links(response, "xyzzy") == ["/search/?q=xyzzy"]
    assert links(response, "thuong tru") == ["/search/?q=thuong+tru"]
    assert links(response, "Add synonym") == [f"{ADD_SYNONYM}?term=xyzzy"]
    assert links(response, "Promote a page") == [PROMOTE]
    public = BeautifulSoup(response.content, "html.parser").select_one('table.listing a[href="/search/?q=xyzzy"]')
    assert (public["target"], public["rel"]) == ("_blank", ["noopener"])  # opens beside the report


def test_the_period_sums_each_search_over_the_chosen_days(client, editor):
    counted("ho khau", 0, 3)
    counted("ho khau", 6, 1)  # the seventh day back is in the last 7 days
    counted("ho khau", 7, 4)
    counted("kt3", 20, 5, found_nothing=5)
    counted("cmnd", 60, 2)
    counted("so do", 200, 9)
    counted("giay phep", 400, 8)  # older than a year: never listed
    Query.get("ho so")  # a query editors promoted, never searched: not a row
    client.force_login(editor)

    def shown(**params):
        return [(row[0], row[1]) for row in rows(client.get(REPORT, params))]

    # The last 30 days unless another period is chosen (or one that is not offered).
    assert shown() == shown(days="30") == shown(days="12") == [("kt3", "5"), ("ho khau", "8")]
    assert shown(days="7") == [("ho khau", "4")]
    assert shown(days="90") == [("kt3", "5"), ("ho khau", "8"), ("cmnd", "2")]
    assert shown(days="365", ordering="-searches") == [("so do", "9"), ("ho khau", "8"), ("kt3", "5"), ("cmnd", "2")]
    assert shown(days="365", ordering="query_string") == [("cmnd", "2"), ("ho khau", "8"), ("kt3", "5"), ("so do", "9")]

    response = client.get(REPORT, {"days": "7"})
    assert "Search queries: Last 7 days" in response.content.decode()  # the chosen period is in the title
    assert BeautifulSoup(response.content, "html.parser").select_one('input[name="days"][checked]')["value"] == "7"
    assertContains(client.get(REPORT), "Search queries: Last 30 days")
    # The filters refresh the listing in place through the results-only address.
    assert [row[0] for row in rows(client.get(REPORT_RESULTS, {"days": "7"}))] == ["ho khau"]


def test_found_nothing_only(client, editor):
    counted("xyzzy", 1, 4, found_nothing=4)
    counted("ho khau", 1, 9, found_nothing=1)
    counted("khai sinh", 1, 12)
    counted("kt3", 50, 3, found_nothing=3)  # found nothing, but before the period
    client.force_login(editor)
    everything = client.get(REPORT)
    assert [row[:3] for row in rows(everything)] == [
        ["xyzzy", "4", "4"],
        ["ho khau", "9", "1"],
        ["khai sinh", "12", "0"],
    ]
    response = client.get(REPORT, {"found": "nothing"})
    assert [row[0] for row in rows(response)] == ["xyzzy", "ho khau"]
    assertContains(response, "There are 2 matches")
    assert [row[0] for row in rows(client.get(REPORT, {"found": "nothing", "days": "90"}))] == [
        "xyzzy",
        "kt3",
        "ho khau",
    ]

    ZeroResultHit.objects.all().delete()
    empty = client.get(REPORT, {"found": "nothing"})
    assert rows(empty) == []
    assertContains(empty, "Every search in this period found something.")
    assertContains(client.get(REPORT, {"days": "7", "q": "khong co"}), "No searches in this period.")


def test_the_search_box_finds_queries_as_they_are_stored_folded(client, editor):
    counted("dang ky khai sinh", 1, 4)
    counted("ho khau", 1, 2)
    client.force_login(editor)
    assert [row[0] for row in rows(client.get(REPORT, {"q": "Đăng Ký"}))] == ["dang ky khai sinh"]


def exported(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Vietnamese as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_download_has_every_row_of_the_filtered_report(client, editor):
    for number in range(55):  # more than one page of the report
        counted(f"thu tuc {number:02d}", 2, 100 - number)
    counted("xyzzy", 2, 3, found_nothing=2)
    counted("kt3", 40, 1, found_nothing=1)
    client.force_login(editor)
    assert len(rows(client.get(REPORT))) == 50

    response = client.get(REPORT, {"export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="tu-khoa-tim-kiem-')
    table = exported(response)
    assert table[0] == ["Search", "Times searched", "Times found nothing"]
    assert len(table) == 1 + 56
    assert table[1] == ["xyzzy", "3", "2"]
    assert table[2:4] == [["thu tuc 00", "100", "0"], ["thu tuc 01", "99", "0"]]

    assert exported(client.get(REPORT, {"export": "csv", "found": "nothing", "days": "90"})) == [
        ["Search", "Times searched", "Times found nothing"],
        ["xyzzy", "3", "2"],
        ["kt3", "1", "1"],
    ]


def test_csv_download_speaks_the_editors_language(client, admin_user):
    counted("ho khau", 1, 2)
    client.force_login(admin_user)  # the admin speaks Vietnamese unless the profile says otherwise
    assert exported(client.get(REPORT, {"export": "csv"}))[0][0] == "Tìm kiếm"


def test_downloads_never_hand_a_spreadsheet_a_formula(client, editor):
    """Queries are citizens' text: a cell a spreadsheet would run is written as text."""
    query = counted("hyperlink", 1, 5, found_nothing=5)
    formula = '=HYPERLINK("http://example.com/x","Bấm vào đây")'
    Query.objects.filter(pk=query.pk).update(query_string=formula)  # stored as typed, past the folding
    tabbed = counted("tab", 1, 1)
    Query.objects.filter(pk=tabbed.pk).update(query_string="\t=1+1")
    client.force_login(editor)

    table = exported(client.get(REPORT, {"export": "csv"}))
    assert ["'" + formula, "5", "5"] in table
    assert ["'\t=1+1", "1", "0"] in table

    response = client.get(REPORT, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == formula)
    assert cell.data_type == "s"  # text, never a formula


def test_report_permissions(client, django_user_model):
    assert client.get(REPORT).url.startswith("/admin/login/")

    clerk = django_user_model.objects.create_user("ketoan", password="mat-khau-dai-kho-doan-42")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    for address, params in [
        (REPORT, {}),
        (REPORT, {"export": "csv"}),
        (REPORT, {"export": "xlsx"}),
        (REPORT_RESULTS, {}),
    ]:
        denied = client.get(address, params)
        assert (denied.status_code, denied.url) == (302, "/admin/")  # Wagtail's "no permission" message
        assert "Content-Disposition" not in denied
    assert client.get(ADD_SYNONYM).status_code in {302, 403}

    editor = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(REPORT).status_code == 200
    assert client.get("/admin/searchpicks/").status_code == 200

    promoter = django_user_model.objects.create_user("quangba", password="mat-khau-dai-kho-doan-42")
    promoter.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="add_searchpromotion")
    )
    client.force_login(promoter)
    assert client.get(REPORT).status_code == 200


def test_each_editor_is_offered_only_the_remedies_they_may_use(client, django_user_model):
    counted("xyzzy", 1, 3, found_nothing=3)
    promoter = django_user_model.objects.create_user("quangba", password="mat-khau-dai-kho-doan-42")
    promoter.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="add_searchpromotion")
    )
    prefer_english(promoter)
    client.force_login(promoter)
    assert rows(client.get(REPORT)) == [["xyzzy", "3", "3", "Promote a page"]]

    group_editor = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    group_editor.groups.add(Group.objects.get(name="Editors"))
    prefer_english(group_editor)
    client.force_login(group_editor)
    assert rows(client.get(REPORT))[0][3] == "Add synonym Promote a page"

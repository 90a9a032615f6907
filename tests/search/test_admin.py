"""Editors tune search: synonyms, promoted results, and the queries report."""

from django.contrib.auth.models import Group, Permission

from wagtail.contrib.search_promotions.models import Query, SearchPromotion

import pytest
from pytest_django.asserts import assertContains

from search.models import SearchSynonym, ZeroResultHit
from search.services import clear_caches
from tests.factories import make_procedure, make_standard_page, prefer_english, refresh_search_index

pytestmark = pytest.mark.django_db
REPORT = "/admin/search-queries/"
ADD_SYNONYM = "/admin/snippets/search/searchsynonym/add/"


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


def test_report_lists_frequent_and_zero_result_searches(client, permanent, admin_user, every_visitor_counts):
    prefer_english(admin_user)
    for query in ["thường trú", "thuong tru", "xyzzy"]:
        client.get("/search/", {"q": query})
    client.force_login(admin_user)
    response = client.get(REPORT)
    assert response.status_code == 200
    assert [(row["query__query_string"], row["searches"]) for row in response.context["top"]] == [
        ("thuong tru", 2),
        ("xyzzy", 1),
    ]
    assert [row["query__query_string"] for row in response.context["zero"]] == ["xyzzy"]
    assertContains(response, f"{ADD_SYNONYM}?term=xyzzy")


def test_report_permissions(client, django_user_model):
    assert client.get(REPORT).url.startswith("/admin/login/")

    clerk = django_user_model.objects.create_user("ketoan", password="mat-khau-dai-kho-doan-42")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get(REPORT).status_code in {302, 403}
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

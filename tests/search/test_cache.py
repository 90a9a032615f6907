"""The search API keeps answers in each process and in the shared store (search/cache.py) and never
serves one that a change made wrong: publishing, unpublishing, deleting, a view restriction, a
synonym, or another app server's change."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from search import cache as search_cache
from search.models import SearchSynonym
from tests.factories import make_procedure, refresh_search_index

pytestmark = pytest.mark.django_db


def api(client, query, **params):
    response = client.get("/api/search/", {"q": query, **params})
    assert response.status_code == 200
    return response.json()


def titles(client, query, **params):
    return [result["title"] for result in api(client, query, **params)["results"]]


@pytest.fixture
def birth(catalogue):
    page = make_procedure(catalogue, "1.001193", "Đăng ký khai sinh")
    refresh_search_index()
    return page


def test_a_repeated_search_is_answered_from_memory(client, birth):
    first = api(client, "khai sinh")
    with CaptureQueriesContext(connection) as queries:
        again = api(client, "khai sinh")
    assert again == first
    # At most the site lookup: no search, no page read.
    assert not [query for query in queries.captured_queries if "wagtailsearch" in query["sql"]]
    assert len(queries.captured_queries) <= 1


def test_publishing_a_change_shows_at_the_next_search(client, birth):
    assert titles(client, "khai sinh") == ["Đăng ký khai sinh"]
    birth.title = "Đăng ký khai sinh cho trẻ em"
    birth.save_revision().publish()
    refresh_search_index()
    assert titles(client, "khai sinh") == ["Đăng ký khai sinh cho trẻ em"]
    assert titles(client, "khai si", mode="autocomplete") == ["Đăng ký khai sinh cho trẻ em"]


def test_unpublished_and_deleted_pages_leave_the_answers(client, catalogue, birth):
    other = make_procedure(catalogue, "1.000656", "Đăng ký khai tử")
    refresh_search_index()
    assert titles(client, "đăng ký") and api(client, "khai tu")["total"] == 1
    other.unpublish()
    assert api(client, "khai tu")["total"] == 0
    assert api(client, "khai sinh")["total"] == 1
    birth.delete()
    refresh_search_index()
    assert api(client, "khai sinh")["total"] == 0


def test_a_new_view_restriction_hides_the_page_at_once(client, birth):
    assert api(client, "khai sinh")["total"] == 1
    PageViewRestriction.objects.create(page=birth, restriction_type=PageViewRestriction.LOGIN)
    data = api(client, "khai sinh")
    assert data["total"] == 0 and data["results"] == []


def test_a_new_synonym_applies_at_once(client, birth):
    assert api(client, "giấy chào đời")["total"] == 0
    SearchSynonym.objects.create(term="giấy chào đời", alternatives="khai sinh")
    assert titles(client, "giấy chào đời") == ["Đăng ký khai sinh"]


def test_another_app_servers_change_is_followed_within_the_second(client, birth, monkeypatch):
    # Another process changed something: it replaced the token in the shared cache, which this
    # process reads again once its second is up (here at once).
    assert api(client, "khai sinh")["total"] == 1
    PageViewRestriction.objects.bulk_create(  # no signal in this process, as if done elsewhere
        [PageViewRestriction(page=birth, restriction_type=PageViewRestriction.LOGIN)]
    )
    assert api(client, "khai sinh")["total"] == 1  # this process has not been told
    caches["shared"].set(search_cache.GENERATION_KEY, "set-by-another-process")
    monkeypatch.setattr(search_cache, "GENERATION_TTL", 0)
    assert api(client, "khai sinh")["total"] == 0


def test_answers_are_kept_apart_by_filter(client, birth):
    assert api(client, "khai sinh", kind="answer")["total"] == 0
    assert api(client, "khai sinh")["total"] == 1
    assert api(client, "khai sinh", kind="answer")["total"] == 0
    assert titles(client, "khai si", mode="autocomplete") == ["Đăng ký khai sinh"]


def test_an_answer_computed_by_one_process_serves_the_others(client, birth):
    """Each app server or worker finds the answers the others computed (the page cache's shared store),
    and the search page shows what the API found."""
    first = api(client, "khai sinh")
    search_cache.forget()  # this process's memory is empty, as another process's is
    with CaptureQueriesContext(connection) as queries:
        again = api(client, "khai sinh")
    assert again == first
    assert not [query for query in queries.captured_queries if "wagtailsearch" in query["sql"]]
    page = client.get("/search/", {"q": "khai sinh"})
    search_cache.forget()
    assert client.get("/search/", {"q": "khai sinh"}).content == page.content


def test_a_change_while_an_answer_is_computed_leaves_it_unread(client, catalogue, birth, monkeypatch):
    """An answer is filed under the token read before computing it: a change saved meanwhile (a new
    token) means nobody reads it, here or elsewhere."""
    from search import services

    real_run = services.run_search

    def run_during_a_publish(params, **kwargs):
        outcome = real_run(params, **kwargs)
        make_procedure(catalogue, "1.000656", "Đăng ký khai sinh lưu động")  # published meanwhile
        refresh_search_index()
        return outcome

    monkeypatch.setattr("search.views.run_search", run_during_a_publish)
    assert api(client, "khai sinh")["total"] == 1
    monkeypatch.setattr("search.views.run_search", real_run)
    search_cache.forget()
    assert api(client, "khai sinh")["total"] == 2


def procedure_rows_read(queries):
    return [query for query in queries.captured_queries if "procedures_procedurepage" in query["sql"]]


def test_a_new_query_reads_no_result_page_already_shown(client, birth, settings):
    """Every answer computed afresh: the results' titles, addresses and texts are kept per page."""
    settings.SEARCH_KEEP_RESULTS = False
    first = api(client, "khai sinh")["results"]
    with CaptureQueriesContext(connection) as queries:
        again = api(client, "đăng ký khai sinh")["results"]
    assert procedure_rows_read(queries) == []
    assert [(hit["title"], hit["url"]) for hit in again] == [(hit["title"], hit["url"]) for hit in first]
    assert "Cần mang theo: Tờ" in again[0]["snippet"]


def test_a_published_change_shows_in_the_next_computed_answer(client, birth, settings):
    settings.SEARCH_KEEP_RESULTS = False
    assert "Cần mang theo: Tờ" in api(client, "khai sinh")["results"][0]["snippet"]
    birth.title = "Đăng ký khai sinh cho trẻ em"
    birth.summary = "Cha hoặc mẹ nộp giấy chứng sinh."
    birth.save_revision().publish()
    refresh_search_index()
    (hit,) = api(client, "khai sinh")["results"]
    assert hit["title"] == "Đăng ký khai sinh cho trẻ em"
    assert "Cha hoặc mẹ nộp" in hit["snippet"]


def test_kept_result_texts_follow_the_language(birth):
    from django.utils import translation

    from search.services import SearchParams, run_search

    def snippet():
        return str(run_search(SearchParams(query="khai sinh")).results[0].snippet)

    with translation.override("vi"):
        vietnamese = snippet()
    with translation.override("en"):
        english = snippet()
    assert "What to bring" in english and "What to bring" not in vietnamese

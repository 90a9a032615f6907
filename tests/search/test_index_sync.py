"""The index follows the page tree: publish, unpublish, rename, move, delete;
a full rebuild keeps the search engine answering throughout."""

import threading

from django.core.management import call_command

from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend

import pytest

from tests.factories import make_field, make_procedure, make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db


def codes(client, query):
    return [r["code"] for r in client.get("/api/search/", {"q": query, "kind": "procedure"}).json()["results"]]


@pytest.fixture
def burial(catalogue):
    page = make_procedure(catalogue, "1.001731", "Hỗ trợ chi phí mai táng", field=make_field("Bảo trợ xã hội"))
    refresh_search_index()
    return page


def test_publish_and_unpublish(client, catalogue):
    page = make_procedure(catalogue, "1.001731", "Hỗ trợ chi phí mai táng", publish=False)
    refresh_search_index()
    assert codes(client, "mai tang") == []
    page.save_revision().publish()
    refresh_search_index()
    assert codes(client, "mai tang") == ["1.001731"]
    page.refresh_from_db()
    page.unpublish()
    refresh_search_index()
    assert codes(client, "mai tang") == []


def test_rename_is_found_by_the_new_title_only(client, burial):
    burial.title = "Trợ cấp tiền tuất"
    burial.save_revision().publish()
    refresh_search_index()
    assert codes(client, "tien tuat") == ["1.001731"]
    assert codes(client, "chi phi mai tang") == []


def test_moving_into_a_private_section_hides_it(client, burial, home_page):
    section = make_standard_page(home_page, "Nội bộ")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    # A procedure must live under a catalogue: move the whole catalogue.
    burial.get_parent().specific.move(section, pos="last-child")
    refresh_search_index()
    assert codes(client, "mai tang") == []


def test_deleted_page_leaves_the_index(client, burial):
    burial.delete()
    refresh_search_index()
    assert codes(client, "mai tang") == []


@pytest.mark.search_engine
def test_typos_are_matched_fuzzily_on_the_engine(client, home_page, clean_search_index):
    # "lũ lụt" is in no title or document name, so no spelling correction
    # applies: only the engine's fuzzy matching can find "lutt".
    make_standard_page(home_page, "Thông báo của xã", intro="Phòng chống lụt bão mùa mưa")
    refresh_search_index()
    data = client.get("/api/search/", {"q": "phong chong lutt"}).json()
    assert [r["title"] for r in data["results"]] == ["Thông báo của xã"]
    assert client.get("/api/search/", {"q": "iphone"}).json()["total"] == 0


@pytest.mark.search_engine
def test_rebuild_keeps_answering(burial):
    """update_index builds a new index and switches the alias: no moment
    without results for a citizen searching meanwhile."""
    backend = get_search_backend()
    alias = f"{backend.index_prefix}wagtailcore_page"
    answers, stop = [], threading.Event()

    def search_meanwhile():
        while not stop.is_set():
            body = {"query": {"match": {"_all_text": "mai tang"}}}
            hits = backend.es.search(index=alias, body=body)["hits"]["total"]["value"]
            answers.append(hits)

    before = set(backend.es.indices.get_alias(index=alias))
    thread = threading.Thread(target=search_meanwhile)
    thread.start()
    try:
        call_command("update_index", verbosity=0)
    finally:
        stop.set()
        thread.join(timeout=30)
    after = set(backend.es.indices.get_alias(index=alias))
    assert before != after, "the rebuild should switch the alias to a new index"
    assert len(answers) > 5
    assert min(answers) >= 1, f"a search found nothing during the rebuild: {answers}"


def test_renamed_field_of_activity_is_searchable_at_once(client, burial):
    field = burial.field
    field.name = "Chính sách an sinh"
    field.save()
    refresh_search_index()
    data = client.get("/api/search/", {"q": "chinh sach an sinh", "kind": "procedure"}).json()
    assert [r["code"] for r in data["results"]] == ["1.001731"]
    assert data["results"][0]["field"] == "Chính sách an sinh"

"""AtLeast (search/query.py): "at least n of these parts", the minimum match of long queries."""

from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, PlainText

import pytest

from search.query import AtLeast
from tests.factories import make_procedure, refresh_search_index


def words(*texts):
    return [PlainText(text) for text in texts]


def shape(query):
    if isinstance(query, And | Or):
        return (type(query).__name__, [shape(subquery) for subquery in query.subqueries])
    return query.query_string


def test_expanded_is_every_group_of_the_minimum_size():
    assert shape(AtLeast(words("a", "b", "c"), 2).expanded()) == (
        "Or",
        [("And", ["a", "b"]), ("And", ["a", "c"]), ("And", ["b", "c"])],
    )
    assert shape(AtLeast(words("a", "b"), 2).expanded()) == ("And", ["a", "b"])
    assert shape(AtLeast(words("a", "b"), 1).expanded()) == ("Or", ["a", "b"])
    with pytest.raises(ValueError):
        AtLeast(words("a", "b"), 3)


@pytest.mark.django_db
def test_the_backend_finds_pages_with_two_of_the_words_and_not_one(catalogue):
    """Elasticsearch/OpenSearch run AtLeast as minimum_should_match; the database backends its expansion.
    Both find the same pages."""
    from procedures.models import ProcedurePage

    pages = {
        "two": make_procedure(catalogue, "1.000001", "Khai thác nước dưới đất"),
        "three": make_procedure(catalogue, "1.000002", "Hồ sơ giếng khoan khai thác nước ngầm"),
        "one": make_procedure(catalogue, "1.000003", "Đăng ký khai sinh"),
    }
    refresh_search_index()
    query = AtLeast(words("khai", "nuoc", "gieng"), 2)
    backend = get_search_backend()
    queryset = ProcedurePage.objects.live()
    found = {page.pk for page in backend.search(query.expanded(), queryset)}
    assert found == {pages["two"].pk, pages["three"].pk}
    if getattr(backend, "supports_fuzzy", False):
        assert {page.pk for page in backend.search(AtLeast(words("khai", "nuoc", "gieng"), 2), queryset)} == found
        everything = AtLeast(words("khai", "nuoc", "gieng"), 3)
        assert [page.pk for page in backend.search(everything, queryset)] == [pages["three"].pk]

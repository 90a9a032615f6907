"""Elasticsearch/OpenSearch on core analysis only: folding and prefixes done in Python.

The index must be creatable on a bare Elasticsearch (no analysis-common module)
and on managed services, so its settings may use only the server's core
tokenizers and filters; ``dang ky`` must still find ``Đăng ký`` and an
unfinished folded word must still complete. The engine tests run in the passes
with a search engine (OpenSearch in pass 2, Elasticsearch in pass 3).
"""

from django.test import SimpleTestCase

from wagtail.search.backends import get_search_backend

import pytest

from config.env import search_backends
from home.health import search_engine_name
from procedures.models import ProcedurePage
from search.analysis import CORE_ANALYZER_TYPES, CORE_FILTERS, CORE_TOKENIZERS, INDEX_SETTINGS
from search.backends.engines import prefixes
from tests.factories import make_procedure, refresh_search_index

# The engines whose client library the project installs (requirements.txt).
INSTALLED_ENGINES = ["elasticsearch8", "opensearch3"]


def non_core_analysis(analysis):
    """Every tokenizer, filter or analyzer type in an ``analysis`` block that is not core."""
    found = []
    for kind in ("tokenizer", "filter", "char_filter", "normalizer"):
        found += [f"{kind} {name}" for name in analysis.get(kind, {})]
    for name, analyzer in analysis.get("analyzer", {}).items():
        if analyzer.get("type", "custom") not in CORE_ANALYZER_TYPES:
            found.append(f"analyzer {name}: type {analyzer['type']}")
        if analyzer.get("tokenizer", "standard") not in CORE_TOKENIZERS:
            found.append(f"analyzer {name}: tokenizer {analyzer['tokenizer']}")
        found += [f"analyzer {name}: filter {f}" for f in analyzer.get("filter", []) if f not in CORE_FILTERS]
        found += [f"analyzer {name}: char_filter {f}" for f in analyzer.get("char_filter", [])]
    return found


def analyzers_in(mapping):
    """Every analyzer a mapping names (Wagtail's edge n-gram analyzer among them, if left)."""
    if isinstance(mapping, dict):
        named = [value for key, value in mapping.items() if key in {"analyzer", "search_analyzer"}]
        return named + [name for value in mapping.values() for name in analyzers_in(value)]
    if isinstance(mapping, list):
        return [name for value in mapping for name in analyzers_in(value)]
    return []


class TestCoreAnalysis(SimpleTestCase):
    def test_project_settings_use_core_analysis_only(self):
        self.assertEqual(non_core_analysis(INDEX_SETTINGS["settings"]["analysis"]), [])

    def test_backends_replace_wagtails_analysis_instead_of_merging(self):
        for engine in INSTALLED_ENGINES:
            params = search_backends("http://127.0.0.1:9", engine)["default"]
            backend_class = __import__(params.pop("BACKEND"), fromlist=["SearchBackend"]).SearchBackend
            backend = backend_class(params)
            with self.subTest(engine=engine):
                analysis = backend.settings["settings"]["analysis"]
                self.assertEqual(non_core_analysis(analysis), [])
                self.assertEqual(set(analysis["analyzer"]), {"default", "default_search"})
                self.assertNotIn("index", backend.settings["settings"])  # max_ngram_diff: n-grams are gone
                mapping = backend.mapping_class(ProcedurePage).get_mapping()
                self.assertEqual(analyzers_in(mapping), [])

    def test_prefixes_are_what_edge_ngram_indexed(self):
        self.assertEqual(prefixes("Đăng ký"), "d da dan dang k ky")
        self.assertEqual(prefixes("ĐỔI"), "d do doi")
        self.assertEqual(prefixes(""), "")
        # Codes stay whole words; words longer than 15 letters keep their whole form too.
        self.assertIn("1.001193", prefixes("1.001193").split())
        self.assertIn("abcdefghijklmnopq", prefixes("abcdefghijklmnopq").split())


@pytest.mark.django_db
def test_documents_hold_folded_text_and_prefixes(catalogue):
    """What the engine receives, on any backend (the mapping is Python)."""
    page = make_procedure(catalogue, "1.001193", "Đăng ký khai sinh")
    params = search_backends("http://127.0.0.1:9", "elasticsearch8")["default"]
    backend = __import__(params.pop("BACKEND"), fromlist=["SearchBackend"]).SearchBackend(params)
    document = backend.mapping_class(ProcedurePage).get_document(page.specific)
    assert document["title"] == "dang ky khai sinh"
    assert "dang" in document["_edgengrams"][0].split()
    assert "kh" in document["_edgengrams"][0].split()


# --- On the engine ----------------------------------------------------------


@pytest.fixture
def birth(catalogue):
    page = make_procedure(catalogue, "1.001193", "Đăng ký khai sinh")
    make_procedure(catalogue, "1.000656", "Đăng ký kết hôn")
    refresh_search_index()
    return page


@pytest.mark.search_engine
@pytest.mark.django_db
def test_live_index_uses_core_analysis_only(birth):
    backend = get_search_backend()
    settings = backend.es.indices.get_settings(index=f"{backend.index_prefix}*")
    assert settings
    for index in settings.values():
        analysis = index["settings"]["index"]["analysis"]
        assert non_core_analysis(analysis) == []


@pytest.mark.search_engine
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Dang Ky khai sinh", "đăng ký khai sinh"])
def test_any_spelling_finds_the_page_on_the_engine(birth, query):
    backend = get_search_backend()
    found = list(backend.search(query, ProcedurePage.objects.live(), operator="and"))
    assert [page.pk for page in found] == [birth.pk]


@pytest.mark.search_engine
@pytest.mark.django_db
def test_index_holds_folded_words(birth):
    """A query sent straight to the engine, not folded by the project, finds only folded words."""
    backend = get_search_backend()
    index = f"{backend.index_prefix}*"
    for words, expected in (("dang ky khai sinh", 1), ("đăng ký khai sinh", 0)):
        query = {"match": {"_all_text": {"query": words, "operator": "and"}}}
        if search_engine_name(backend) == "opensearch":
            response = backend.es.search(index=index, body={"query": query})
        else:
            response = backend.es.search(index=index, query=query)
        assert response["hits"]["total"]["value"] == expected, words


@pytest.mark.search_engine
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["dang ky khai s", "đăng ký kh", "DANG K KHAI", "khai si"])
def test_autocomplete_completes_an_unfinished_folded_word(birth, query):
    backend = get_search_backend()
    found = list(backend.autocomplete(query, ProcedurePage.objects.live(), operator="and"))
    assert [page.pk for page in found] == [birth.pk]

"""Wagtail's Elasticsearch/OpenSearch backends on core analysis, with the project's fuzzy matching.

Analysis (``search/analysis.py``): the index uses only the server's core
analysis, so it can be created on a bare Elasticsearch or a managed service.
What Wagtail's ``asciifolding`` and ``edge_ngram`` filters did is done here in
Python: ``FoldedMapping`` indexes folded text (and, for autocomplete columns,
each folded word's prefixes), and the backend folds every query tree.

Fuzzy matching: Wagtail's ``Fuzzy`` query uses ``fuzziness: AUTO`` (one edit
from 3 letters, two from 6). Vietnamese syllables are short, so that matches
far too much ("iphone" finds "phòng"). Here a word needs 4 letters for one
edit and 7 for two, and its first letter must be right: people rarely mistype
the first letter, and it keeps fuzzy matching fast on a large index.
"""

import inspect
import os
import threading
from copy import deepcopy
from importlib import import_module

from modelsearch.index import AutocompleteField, SearchField

from search.analysis import INDEX_SETTINGS, PREFIX_MAX, PREFIX_MIN
from search.backends.folding import fold_query
from search.query import AtLeast
from search.text import fold, words

FUZZINESS = "AUTO:4,7"
PREFIX_LENGTH = 1


def prefixes(text):
    """'Đăng ký' -> 'd da dan dang k ky': each folded word and its prefixes (as edge_ngram indexed them)."""
    tokens = []
    for word in words(text):
        tokens += [word[:length] for length in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1)]
        if len(word) > PREFIX_MAX:
            tokens.append(word)
    return " ".join(dict.fromkeys(tokens))


def _fold_value(value, convert):
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, list | tuple):
        return [convert(item) if isinstance(item, str) else item for item in value]
    return value


class FoldedMappingMixin:
    """Documents with folded full-text values and prefix-expanded autocomplete values."""

    # Autocomplete columns hold prefixes already: the default (core) analyzer suffices.
    edgengram_analyzer_config = {}

    def _get_document_field_data(self, field, obj):
        name, value, edgengrams = super()._get_document_field_data(field, obj)
        if isinstance(field, AutocompleteField):
            value = _fold_value(value, prefixes)
            edgengrams = [_fold_value(item, prefixes) for item in edgengrams]
        elif isinstance(field, SearchField):
            value = _fold_value(value, fold)
        return name, value, edgengrams


class TunedFuzzyMixin:
    def _compile_query(self, query, field, boost=1.0):
        if isinstance(query, AtLeast):
            return {
                "bool": {
                    "should": [self._compile_query(subquery, field, boost) for subquery in query.subqueries],
                    "minimum_should_match": query.minimum,
                }
            }
        return super()._compile_query(query, field, boost)

    def _compile_fuzzy_query(self, query, fields):
        compiled = super()._compile_fuzzy_query(query, fields)
        if "multi_match" in compiled:
            options = compiled["multi_match"]
        else:
            options = next(iter(compiled["match"].values()))
        options.update({"fuzziness": FUZZINESS, "prefix_length": PREFIX_LENGTH})
        return compiled


FACET_SIZE = 500  # terms counted per facet: every field of activity, every page type


class OneRequestResultsMixin:
    """Results that fetch what page one of a search needs in one round trip (``msearch``): the first
    ranks of this search, of other searches (the best matches by title, the facets' searches) and
    the number of matches with facet counts, instead of one request each."""

    def first_with_facets(self, size, facets=(), others=()):
        """``(ids, total, counts)`` of this search and ``[(ids, total, counts)]`` of ``others``, from
        one request.

        ``facets``: ``[(name, model, field name)]``, terms of a filter field counted over every match
        (pages without the field, e.g. of another type, are not counted): ``counts`` is
        ``{name: {value: count}}``. ``others``: ``[(results, size, facets)]``, other searches of the
        same backend.
        """
        lines = self._request_lines(size, facets)
        for results, other_size, other_facets in others:
            lines += results._request_lines(other_size, other_facets)
        client = self.backend.es
        if "searches" in inspect.signature(client.msearch).parameters:  # elasticsearch-py 8 and later
            responses = client.msearch(searches=lines)["responses"]
        else:
            responses = client.msearch(body=lines)["responses"]
        for response in responses:
            if "error" in response:
                raise RuntimeError(f"search engine error: {response['error']}")
        first, *rest = (self._read(response) for response in responses)
        return first, rest

    def _request_lines(self, size, facets):
        body = self._get_es_body()
        body.update({"size": size, "_source": False, self.fields_param_name: "pk", "track_total_hits": True})
        aggregations = {}
        for name, model, field_name in facets:
            field = next(f for f in model.get_filterable_search_fields() if f.get_attname(model) == field_name)
            column = self.query_compiler.mapping_class(model).get_field_column_name(field)
            aggregations[name] = {"terms": {"field": column, "size": FACET_SIZE}}
        if aggregations:
            body["aggs"] = aggregations
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model).name
        return [{"index": index}, body]

    @staticmethod
    def _read(response):
        total = response["hits"]["total"]
        counts = {
            name: {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}
            for name, aggregation in response.get("aggregations", {}).items()
        }
        ids = [int(hit["fields"]["pk"][0]) for hit in response["hits"]["hits"]]
        return ids, total["value"] if isinstance(total, dict) else total, counts


class FoldedEngineMixin:
    """The backend half: core-only index settings, queries folded like the documents."""

    # Replaces Wagtail's class settings (analysis-common analyzers) instead of merging into them.
    settings = deepcopy(INDEX_SETTINGS)
    # A real engine: Fuzzy and Phrase queries work (the database backends lack them). Not
    # ``folds_text``, which search/services.py reads today as "a database backend".
    supports_fuzzy = True

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        return super()._search(query_compiler_class, fold_query(query), model_or_queryset, **kwargs)


_clients = {}
_clients_lock = threading.Lock()


def shared_client(client_class):
    """A factory of ``client_class`` that gives one client per process and configuration.

    Wagtail builds a new backend, and so a new client with its own connection
    pool, at every ``get_search_backend()`` call: three or four per search, each
    opening a new connection to the engine. The clients of Elasticsearch and
    OpenSearch are thread-safe and keep their connections alive; keyed by the
    process id too, a worker forked from a process that used one gets its own.
    """

    def client(**options):
        key = (client_class, os.getpid(), repr(sorted(options.items())))
        with _clients_lock:
            found = _clients.get(key)
            if found is None:
                found = _clients[key] = client_class(**options)
        return found

    return client


def tuned_backend(engine):
    """The backend class of ``wagtail.search.backends.<engine>``, tuned."""
    vendor = import_module(f"wagtail.search.backends.{engine}")
    base = vendor.SearchBackend
    module = f"search.backends.{engine}"

    def subclass(mixin, cls, **attrs):
        return type(f"Folded{cls.__name__}", (mixin, cls), {"__module__": module, **attrs})

    mapping = subclass(FoldedMappingMixin, base.mapping_class)
    results = subclass(OneRequestResultsMixin, base.results_class)
    compiler = subclass(TunedFuzzyMixin, base.query_compiler_class, mapping_class=mapping)
    autocomplete = type(
        f"Folded{base.autocomplete_query_compiler_class.__name__}",
        (base.autocomplete_query_compiler_class,),
        {"__module__": module, "mapping_class": mapping},
    )
    return type(
        f"Tuned{base.__name__}",
        (FoldedEngineMixin, base),
        {
            "__module__": module,
            "mapping_class": mapping,
            "query_compiler_class": compiler,
            "autocomplete_query_compiler_class": autocomplete,
            "results_class": results,
            "client_class": staticmethod(shared_client(base.client_class)),
        },
    )


def engine_version(client):
    """'opensearch 2.19.3', 'elasticsearch 8.19.21': from ``GET /``, or from the node's
    own description where ``GET /`` is missing (Elasticsearch's integ-test-zip)."""
    try:
        version = client.info()["version"]
    except Exception:  # noqa: BLE001 - any refusal of GET /: ask the node instead
        nodes = client.nodes.info(node_id="_local", metric="settings")["nodes"]
        version = {"number": next(iter(nodes.values()))["version"]}
    return f"{version.get('distribution', 'elasticsearch')} {version['number']}"

"""Wagtail's database search backend with Vietnamese folding (the embedded default).

On SQLite, Wagtail's backend keeps an FTS5 table filled from ``IndexEntry``
by triggers. This backend stores the *folded* text there (``Đăng ký`` is
indexed as ``dang ky``) and folds every query the same way, so searches with
or without diacritics, and with ``đ`` typed as ``d``, match alike; the Wagtail
admin's page search benefits too. Ranking weighs the title column above the
body (Wagtail's default ranks every column alike), and the last word of a
query also matches as a prefix, so ``khai si`` finds ``khai sinh``.

Other databases get Wagtail's backend unchanged: ``portal.W002`` recommends
Elasticsearch/OpenSearch there.
"""

from django.db import connection
from django.db.models import FloatField, Func
from django.utils.encoding import force_str

from modelsearch.backends.database import SearchBackend as vendor_backend
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search.text import fold

# FTS5 column order is (autocomplete, body, title); a match in the title
# counts this many times a match in the body.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


def fold_query(query):
    """Fold a query string or a tree of Wagtail query objects."""
    if isinstance(query, str):
        return fold(query)
    if isinstance(query, PlainText | Phrase | Fuzzy):
        query.query_string = fold(query.query_string)
    elif isinstance(query, And | Or):
        for subquery in query.subqueries:
            fold_query(subquery)
    elif isinstance(query, Not | Boost):
        fold_query(query.subquery)
    return query


class WeightedBM25(Func):
    """bm25() with per-column weights: title above body."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT})", []


class FoldedSQLiteIndex(SQLiteIndex):
    def add_items(self, model, objs):
        super().add_items(model, objs)
        ids = [force_str(obj.pk) for obj in objs]
        if not ids:
            return
        entries = list(
            IndexEntry._default_manager.filter(content_type_id=get_content_type_pk(model), object_id__in=ids).only(
                "id", "title", "body", "autocomplete"
            )
        )
        for entry in entries:
            entry.title = fold(entry.title)
            entry.body = fold(entry.body)
            entry.autocomplete = fold(entry.autocomplete)
        # The update trigger copies the folded text into the FTS5 table.
        IndexEntry._default_manager.bulk_update(entries, ["title", "body", "autocomplete"], batch_size=500)


class FoldedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
    LAST_TERM_IS_PREFIX = True

    def _build_rank_expression(self, vectors, config):
        return WeightedBM25()


class FoldedSQLiteAutocompleteQueryCompiler(SQLiteAutocompleteQueryCompiler):
    pass


class FoldedSQLiteSearchBackend(SQLiteSearchBackend):
    index_class = FoldedSQLiteIndex
    query_compiler_class = FoldedSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = FoldedSQLiteAutocompleteQueryCompiler
    folds_text = True

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        return super()._search(query_compiler_class, fold_query(query), model_or_queryset, **kwargs)


def SearchBackend(params):
    backend = vendor_backend(params)
    if connection.vendor == "sqlite" and isinstance(backend, SQLiteSearchBackend):
        return FoldedSQLiteSearchBackend(params)
    return backend

"""The PostgreSQL part of the database backend: Vietnamese folding in SQL.

Wagtail's PostgreSQL backend builds ``tsvector``s and ``tsquery``s in SQL with
a text search configuration. Migration ``search/0004`` creates
``portal_vietnamese``: a copy of ``simple`` (lower case, no stemming) with the
``unaccent`` dictionary first for words with non-ASCII letters, so
``Đăng ký`` is indexed as ``dang ky``. This backend uses it for indexing,
searching and autocomplete; the project's queries are folded in Python
(``search/text.py``) and ``to_tsquery`` folds them again, so any spelling
matches alike.

If the configuration is missing (PostgreSQL without its ``unaccent``
extension when the migration ran), the backend falls back to ``simple``
(works, does not fold) and ``portal.W003`` says how to fix it. Imported
only on PostgreSQL.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

SEARCH_CONFIG = "portal_vietnamese"
FALLBACK_CONFIG = "simple"

# Once the configuration is found it stays (only reversing the migration
# drops it): remember that for the process, but ask again while it is missing.
_installed = False


def config_installed():
    """Whether this database has the ``portal_vietnamese`` configuration."""
    global _installed
    if not _installed and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgname = %s", [SEARCH_CONFIG])
            _installed = cursor.fetchone() is not None
    return _installed


def tsquery_text(query, prefix_last=False, invert=False):
    """One ``to_tsquery`` string for a Wagtail query tree (``None`` when it has no words).

    Wagtail builds one expression per word and operator and ranks with one
    ``ts_rank`` per word group; for the project's minimum-match trees that was
    hundreds of ``ts_rank`` calls per row (p95 over 350 ms on 200 procedures).
    """
    if isinstance(query, PlainText):
        terms = [term for term in re.split(r"[\s\-]+", query.query_string) if term]
        if not terms:
            return None
        lexemes = [_lexeme(term) for term in terms]
        if prefix_last:
            lexemes[-1] += ":*"
        operator = " & " if (query.operator == "and") != invert else " | "
        if invert:
            lexemes = [f"!{lexeme}" for lexeme in lexemes]
        return lexemes[0] if len(lexemes) == 1 else "(" + operator.join(lexemes) + ")"
    if isinstance(query, Phrase):
        terms = [term for term in re.split(r"[\s\-]+", query.query_string) if term]
        if not terms:
            return None
        phrase = "(" + " <-> ".join(_lexeme(term) for term in terms) + ")"
        return f"!{phrase}" if invert else phrase
    if isinstance(query, Boost):
        return tsquery_text(query.subquery, prefix_last, invert)
    if isinstance(query, Not):
        return tsquery_text(query.subquery, prefix_last, not invert)
    if isinstance(query, And | Or):
        parts = [part for part in (tsquery_text(sub, prefix_last, invert) for sub in query.subqueries) if part]
        if not parts:
            return None
        operator = " & " if isinstance(query, And) != invert else " | "
        return parts[0] if len(parts) == 1 else "(" + operator.join(parts) + ")"
    raise NotImplementedError(f"`{query.__class__.__name__}` is not supported by the PostgreSQL search backend.")


def _lexeme(term):
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class OneTsqueryMixin:
    """The whole query as one tsquery, and ranked by one ``ts_rank`` of it."""

    def build_tsquery(self, query, config=None):
        text = tsquery_text(query, self.LAST_TERM_IS_PREFIX)
        return SearchQuery(text or "", search_type="raw", config=config)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        return SearchRank(vector, self.build_tsquery(query, config=config), weights=self.sql_weights)


class FoldedPostgresSearchQueryCompiler(OneTsqueryMixin, PostgresSearchQueryCompiler):
    def get_fields_vectors(self, search_query):
        """A search of the titles alone (the best matches by name, search/services.py) reads the
        index entries' title vectors, which a GIN index serves, instead of folding every page's title
        in SQL at each search (a sequential scan: 146 ms of a 226 ms search at 10,000 procedures)."""
        if list(self.search_fields) == ["title"]:
            return [(F("index_entries__title"), F("index_entries__title_norm"))]
        return super().get_fields_vectors(search_query)


class FoldedPostgresAutocompleteQueryCompiler(OneTsqueryMixin, PostgresAutocompleteQueryCompiler):
    pass


class FoldedPostgresSearchResults(PostgresSearchResults):
    """Ranked ids without the pages, as the SQLite backend gives them (search/backends/sqlite.py).

    Wagtail's results read page rows for a window of results, and every facet runs the full-text
    match again. Here one query gives every match's pk, best first (``ts_rank`` as Wagtail orders,
    without selecting the vectors): search/services.py takes the window from it, as kept facts, and
    counts the facets from it, so a computed search asks the database for the match once.
    """

    def _ranks_ids(self):
        compiler = self.query_compiler
        return compiler.order_by_relevance and not isinstance(compiler.query, MatchAll | Not | Fuzzy)

    def _ranked(self):
        compiler = self.query_compiler
        if getattr(compiler, "_ranked_pks", None) is None:
            ordered = compiler.search(compiler.get_config(self.backend), None, None, backend=self.backend)
            compiler._ranked_pks = list(dict.fromkeys(ordered.values_list("pk", flat=True)))
        return compiler._ranked_pks

    def ranked_ids(self, start=0, stop=None):
        """The pks of the matching pages, best first (no page objects), or None on another query kind."""
        return self._ranked()[start:stop] if self._ranks_ids() else None

    def matching_ids(self):
        """Every matching pk the queryset allows, or None on another query kind."""
        return set(self._ranked()) if self._ranks_ids() else None


class FoldedPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = FoldedPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = FoldedPostgresAutocompleteQueryCompiler
    results_class = FoldedPostgresSearchResults

    # Tells search/services.py that text is folded here (no engine-side fuzzy matching).
    folds_text = True

    @property
    def config(self):
        return SEARCH_CONFIG if config_installed() else FALLBACK_CONFIG

    @config.setter
    def config(self, value):
        # Wagtail's __init__ sets SEARCH_CONFIG (None by default); the folding configuration wins.
        pass

    # Autocomplete uses the same configuration: it has no stemming either.
    autocomplete_config = config

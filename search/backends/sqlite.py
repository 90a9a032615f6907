"""The SQLite part of the database backend: folded FTS5 text, weighted bm25, rank once.

Imported only when the database is SQLite: ``modelsearch`` defines its FTS5
model only there, so importing this module on PostgreSQL would fail.
"""

import heapq
import re
from functools import lru_cache

from django.db import connections
from django.db.models import Expression, FloatField, Func
from django.db.models.expressions import RawSQL
from django.utils.encoding import force_str

from modelsearch.backends.database.sqlite.query import AndNot, MatchExpression, SearchQueryField, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from search.backends.folding import fold_query
from search.text import fold

# FTS5 column order is (autocomplete, body, title); a match in the title
# counts this many times a match in the body.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
# How many matches with a query word in their title ``best_by_title`` reads, best title score first.
TITLE_CANDIDATES = 400
# FTS5's unicode61 tokenizer: a token is a run of letters and digits (the text is folded already).
_TOKEN = re.compile(r"[^\W_]+")


class WeightedBM25(Func):
    """bm25() with per-column weights: title above body."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT})", []


def fts5_query(query, last_is_prefix=False):
    """The FTS5 query string for a Wagtail query tree (``None`` when it has no words).

    Wagtail builds it from one Django expression per word and operator, which
    Django then compiles node by node: for the project's minimum-match trees
    (dozens of ``And``/``Or`` groups) that was most of a search's time. The
    string is the same language: quoted words, ``AND``/``OR``/``NOT``, brackets.
    """
    if isinstance(query, PlainText):
        terms = query.query_string.split()
        if not terms:
            return None
        quoted = [_quoted(term) for term in terms]
        if last_is_prefix:
            quoted[-1] += "*"
        return quoted[0] if len(quoted) == 1 else "(" + f" {query.operator.upper()} ".join(quoted) + ")"
    if isinstance(query, Phrase):
        return _quoted(query.query_string) if query.query_string.split() else None
    if isinstance(query, Boost):  # FTS5 has no per-clause weights
        return fts5_query(query.subquery, last_is_prefix)
    if isinstance(query, AndNot):
        first, second = fts5_query(query.subquery_a), fts5_query(query.subquery_b)
        return f"({first} NOT {second})" if second else first
    if isinstance(query, And | Or):
        parts = [part for part in (fts5_query(sub, last_is_prefix) for sub in query.subqueries) if part]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else "(" + (" AND " if isinstance(query, And) else " OR ").join(parts) + ")"
    raise NotImplementedError(f"`{query.__class__.__name__}` is not supported by the SQLite search backend.")


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


@lru_cache(maxsize=2048)
def title_tokens(title):
    """A title's tokens as FTS5 reads its folded text, and their set (the titles of common matches
    repeat from search to search)."""
    tokens = tuple(_TOKEN.findall(fold(title).lower()))
    return tokens, frozenset(tokens)


def _has_phrase(wanted, tokens, token_set):
    """Whether the tokens ``wanted`` are in ``tokens``, in order and next to each other."""
    if len(wanted) == 1:
        return wanted[0] in token_set
    if not wanted or not token_set.issuperset(wanted):
        return False
    size = len(wanted)
    return any(tokens[start : start + size] == wanted for start in range(len(tokens) - size + 1))


def _leaves(query, found):
    """{term: its tokens} of every quoted term of ``fts5_query``'s string for the tree."""
    if isinstance(query, PlainText):
        for term in query.query_string.split():
            found[term] = tuple(_TOKEN.findall(term.lower()))
    elif isinstance(query, Phrase):
        found[query.query_string] = tuple(_TOKEN.findall(query.query_string.lower()))
    elif isinstance(query, AndNot):
        _leaves(query.subquery_a, found)
        _leaves(query.subquery_b, found)
    elif isinstance(query, And | Or):
        for subquery in query.subqueries:
            _leaves(subquery, found)
    return found


def tree_matches(query, present):
    """Whether a text with the terms ``present`` (a set) matches a query tree as ``fts5_query``'s string
    matches it in FTS5; None for a tree without words, which the string leaves out."""
    if isinstance(query, PlainText):
        terms = query.query_string.split()
        if not terms:
            return None
        return all(term in present for term in terms) if query.operator == "and" else any(t in present for t in terms)
    if isinstance(query, Phrase):
        return query.query_string in present if query.query_string.split() else None
    if isinstance(query, AndNot):
        first, second = tree_matches(query.subquery_a, present), tree_matches(query.subquery_b, present)
        return first if second is None else (first and not second)
    if isinstance(query, And | Or):
        parts = [part for part in (tree_matches(sub, present) for sub in query.subqueries) if part is not None]
        if not parts:
            return None
        return all(parts) if isinstance(query, And) else any(parts)
    raise NotImplementedError(f"`{query.__class__.__name__}` is not supported by the SQLite search backend.")


# A tree whose terms give more "all of these" sets than this is worked out node by node instead.
MAX_CLAUSES = 256


def _clauses(query):
    """The tree as "any of these sets of terms, all of each": a list of frozensets (None for a tree
    without words), or raises ValueError for a ``NOT`` or a tree of more than ``MAX_CLAUSES`` sets."""
    if isinstance(query, PlainText):
        terms = query.query_string.split()
        if not terms:
            return None
        return [frozenset(terms)] if query.operator == "and" else [frozenset([term]) for term in terms]
    if isinstance(query, Phrase):
        return [frozenset([query.query_string])] if query.query_string.split() else None
    if isinstance(query, And | Or):
        parts = [part for part in (_clauses(sub) for sub in query.subqueries) if part is not None]
        if not parts:
            return None
        if isinstance(query, Or):
            return [clause for part in parts for clause in part]
        combined = [frozenset()]
        for part in parts:
            combined = list({first | second for first in combined for second in part})
            if len(combined) > MAX_CLAUSES:
                raise ValueError("too many clauses")
        return combined
    raise ValueError(f"`{query.__class__.__name__}` is worked out node by node")


class TitleMatcher:
    """Whether a title alone matches a query tree, as FTS5 would match its folded text. The terms a
    title has are looked up once each; a minimum-match tree has hundreds of nodes but a handful of
    terms, so it is turned once into sets of terms of which a title must have all of one."""

    def __init__(self, query):
        self.query = query
        self.leaves = list(_leaves(query, {}).items())
        try:
            self.clauses = set(_clauses(query) or ())
        except ValueError:
            self.clauses = None
        self.known = {}

    def __call__(self, title):
        tokens, token_set = title_tokens(title)
        present = frozenset(term for term, wanted in self.leaves if _has_phrase(wanted, tokens, token_set))
        found = self.known.get(present)
        if found is None:
            if self.clauses is None:
                found = bool(tree_matches(self.query, present))
            else:
                found = any(clause <= present for clause in self.clauses)
            self.known[present] = found
        return found


class FTS5Query(Expression):
    """A ready FTS5 query string, compiled as one parameter (``MatchExpression`` substitutes it)."""

    output_field = SearchQueryField()

    def __init__(self, text):
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        return "%s", [self.text]


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


class RankOnceMixin:
    """Run the full-text match once per query, and first.

    Wagtail's SQLite compiler filters pages with ``pk IN (match)`` where the
    match joins the FTS table to the index entries; SQLite's planner scans the
    entries of the content type and runs the FTS match for each of them, and
    the ordering repeats the match for every page (a correlated subquery).
    With 10,000 procedures a common word took seconds. Here ``CROSS JOIN``
    (SQLite's documented way to fix the join order) puts the FTS table first,
    so the match runs once; counts and facets use it as a plain filter, and a
    page of results takes the ranked ids from one more FTS query and keeps the
    slice the queryset allows, in rank order.
    """

    def _build_rank_expression(self, vectors, config):
        return WeightedBM25()

    @property
    def normalized(self):
        """The query tree as modelsearch's ``normalize`` gives it, worked out once per search (a
        minimum-match tree has hundreds of nodes, and the count, the window and the facets ask for it)."""
        if getattr(self, "_normalized", None) is None:
            self._normalized = normalize(self.query)
        return self._normalized

    def build_search_query(self, query, config=None):
        if isinstance(query, MatchAll | Not):
            return super().build_search_query(query, config)
        text = fts5_query(query, self.LAST_TERM_IS_PREFIX)
        return FTS5Query(text) if text else None

    def _fts_entries(self, query, config):
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
        content_types = get_descendants_content_types_pks(self.queryset.model)
        return SQLiteFTSIndexEntry.objects.filter(match).filter(index_entry__content_type__in=content_types)

    def _matching_pks(self, query, config):
        entries = self._fts_entries(query, config).values("index_entry__object_id")
        sql, params = entries.query.sql_with_params()
        if sql.count(" INNER JOIN ") != 1:  # pragma: no cover - Wagtail changed its query
            return entries
        # The SQL is Django's own for the match above; the query text stays a parameter.
        return RawSQL(sql.replace(" INNER JOIN ", " CROSS JOIN "), params)  # noqa: S611

    def _matching(self, query, config):
        return self.queryset.filter(pk__in=self._matching_pks(query, config))

    def allowed_pks(self, config):
        """The pks of matching pages the queryset allows (computed once; by ``ranked_pks`` if it ran first)."""
        if getattr(self, "_allowed", None) is None:
            self._allowed = set(self._matching(self.normalized, config).order_by().values_list("pk", flat=True))
        return self._allowed

    def ranked_pks(self, config):
        """The pks of matching pages the queryset allows, best first: one FTS query, which also settles
        ``allowed_pks`` (the count and the facets need no second match)."""
        if getattr(self, "_ranked", None) is None:
            query = self.normalized
            rows = self._ranked_rows(query, config)
            if rows is None:
                allowed = self.queryset.order_by().values("pk")
                rows = (
                    self._fts_entries(query, config)
                    .filter(index_entry__object_id__in=allowed)
                    .annotate(score=self._build_rank_expression(None, config))
                    .order_by("score", "-index_entry__object_id")
                    .values_list("index_entry__object_id", flat=True)
                )
            self._ranked = list(dict.fromkeys(int(object_id) for object_id in rows))
            self._allowed = set(self._ranked)
        return self._ranked

    def best_by_title(self, config, size, exclude, title_of):
        """Up to ``size`` pks of matching pages whose title alone matches the query, best by title
        first, leaving out ``exclude``: the pages ``search(query, fields=["title"])`` finds, from the
        title scores the ranked statement already gave (no second full-text match). The order is the
        title column's bm25, whose word rarity counts whole rows: close to the title search's order,
        not always the same. ``title_of(pk)`` gives a page's title. None when the statement did not
        run (not a plain match)."""
        self.ranked_pks(config)
        scores = getattr(self, "_title_scores", None)
        if scores is None:
            return None
        matches = TitleMatcher(self.normalized)
        candidates = heapq.nsmallest(
            TITLE_CANDIDATES, ((score, -pk) for pk, score in scores.items() if pk not in exclude)
        )
        found = []
        for _score, negative in candidates:
            title = title_of(-negative)
            if title is not None and matches(title):
                found.append(-negative)
                if len(found) == size:
                    break
        return found

    def _ranked_rows(self, query, config):
        """The object ids of the ranked match, from the SQL Django builds for the queryset above (the
        same statement), written out: compiling the match, the join and the ranking through Django's
        ORM cost more than SQLite took to run them. None when the query is not a plain match.

        On a match over title and body it also keeps each page's title score (bm25 of the title
        column alone, ``best_by_title``), where the title has a word of the query."""
        compiled = self.build_search_query(query, config=config)
        content_types = list(get_descendants_content_types_pks(self.queryset.model))
        if not isinstance(compiled, FTS5Query) or not content_types:
            return None
        fts, entries = SQLiteFTSIndexEntry._meta.db_table, IndexEntry._meta.db_table
        allowed_sql, allowed_params = self.queryset.order_by().values("pk").query.sql_with_params()
        columns = " ".join(self.fields or self.FTS_TABLE_FIELDS)
        by_title = self.fields is None and "title" in self.FTS_TABLE_FIELDS
        title_score = f"bm25({fts}, 0.0, 0.0, 1.0)" if by_title else "0.0"
        # Names are the models' own tables; every value is a parameter.
        sql = (
            f'SELECT "{entries}"."object_id", {title_score} FROM "{fts}" INNER JOIN "{entries}" '  # noqa: S608
            f'ON ("{fts}"."rowid" = "{entries}"."id") '
            f'WHERE ({fts} MATCH %s AND "{entries}"."content_type_id" IN ({", ".join(["%s"] * len(content_types))}) '
            f'AND "{entries}"."object_id" IN ({allowed_sql})) '
            f'ORDER BY bm25({fts}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT}) ASC, "{entries}"."object_id" DESC'
        )
        params = [f"{{{columns}}} : ({compiled.text})", *content_types, *allowed_params]
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if by_title:
            self._title_scores = {int(object_id): score for object_id, score in rows if score < 0}
        return [row[0] for row in rows]

    def search(self, config, start, stop, score_field=None):
        query = self.normalized
        if score_field is not None or isinstance(query, MatchAll | Not):
            return super().search(config, start, stop, score_field)
        if not self.order_by_relevance or (not start and stop is None):
            return self._matching(query, config)[start:stop]  # counts and facets need no order
        ids = self.ranked_pks(config)[start:stop]
        if not ids:
            return self.queryset.none()
        # Put in rank order in Python (FoldedSQLiteSearchResults): an ORDER BY CASE of 50 WHENs cost
        # more to compile than the query took to run.
        queryset = self.queryset.filter(pk__in=ids).order_by()
        queryset.rank_order = ids
        return queryset


class FoldedSQLiteSearchQueryCompiler(RankOnceMixin, SQLiteSearchQueryCompiler):
    # Whole words only, as on PostgreSQL and Elasticsearch: an unfinished last word is completed by
    # search/services.py from the words pages use, the same way on every backend.
    LAST_TERM_IS_PREFIX = False


class FoldedSQLiteAutocompleteQueryCompiler(RankOnceMixin, SQLiteAutocompleteQueryCompiler):
    pass


class FoldedSQLiteSearchResults(SQLiteSearchResults):
    def matching_ids(self):
        """Every matching pk the queryset allows (known once a page of results was fetched), or None."""
        compiler = self.query_compiler
        if not isinstance(compiler, RankOnceMixin) or isinstance(compiler.normalized, MatchAll | Not):
            return None
        return compiler.allowed_pks(compiler.get_config(self.backend))

    def best_by_title(self, size, exclude, title_of):
        """``RankOnceMixin.best_by_title`` for these results, or None on another query kind."""
        compiler = self.query_compiler
        if not isinstance(compiler, RankOnceMixin) or isinstance(compiler.normalized, MatchAll | Not):
            return None
        if not compiler.order_by_relevance:
            return None
        return compiler.best_by_title(compiler.get_config(self.backend), size, exclude, title_of)

    def ranked_ids(self, start=0, stop=None):
        """The pks of the matching pages, best first (no page objects), or None on another query kind."""
        compiler = self.query_compiler
        if not isinstance(compiler, RankOnceMixin) or isinstance(compiler.normalized, MatchAll | Not):
            return None
        if not compiler.order_by_relevance:
            return None
        return compiler.ranked_pks(compiler.get_config(self.backend))[start:stop]

    def _do_search(self):
        queryset = self.get_queryset()
        rows = list(queryset)
        order = getattr(queryset, "rank_order", None)
        if order:
            position = {pk: rank for rank, pk in enumerate(order)}
            rows.sort(key=lambda row: position[row.pk])
        return rows

    def _do_count(self):
        compiler = self.query_compiler
        if not isinstance(compiler, RankOnceMixin) or isinstance(compiler.normalized, MatchAll | Not):
            return super()._do_count()
        total = len(compiler.allowed_pks(compiler.get_config(self.backend)))
        total = max(0, total - (self.start or 0))
        return min(total, self.stop - (self.start or 0)) if self.stop is not None else total


class FoldedSQLiteSearchBackend(SQLiteSearchBackend):
    index_class = FoldedSQLiteIndex
    query_compiler_class = FoldedSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = FoldedSQLiteAutocompleteQueryCompiler
    results_class = FoldedSQLiteSearchResults
    folds_text = True

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        return super()._search(query_compiler_class, fold_query(query), model_or_queryset, **kwargs)

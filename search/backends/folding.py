"""Fold Wagtail query trees the way ``search.text.fold`` folds text.

Shared by the backends that fold in Python (SQLite, Elasticsearch/OpenSearch):
a query reaches the index in the same form as the indexed text.
"""

from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

from search.query import AtLeast
from search.text import fold


def fold_query(query):
    """Fold a query string or a tree of Wagtail query objects (in place)."""
    if isinstance(query, str):
        return fold(query)
    if isinstance(query, PlainText | Phrase | Fuzzy):
        query.query_string = fold(query.query_string)
    elif isinstance(query, And | Or | AtLeast):
        for subquery in query.subqueries:
            fold_query(subquery)
    elif isinstance(query, Not | Boost):
        fold_query(query.subquery)
    return query

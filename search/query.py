"""A query node Wagtail's query classes lack: at least ``minimum`` of several parts.

``minimum_match`` (search/services.py) needs "any two of these eight words". The database backends
get that as an ``Or`` of every ``And`` of two (``expanded``); Elasticsearch/OpenSearch get one ``bool``
query with ``minimum_should_match`` (search/backends/engines.py), which scores each word once and
costs the engine a fraction of the 28 groups.
"""

import itertools

from modelsearch.query import And, Or, SearchQuery


class AtLeast(SearchQuery):
    def __init__(self, subqueries, minimum):
        if not 1 <= minimum <= len(subqueries):
            raise ValueError(f"AtLeast: {minimum} of {len(subqueries)} parts")
        self.subqueries = list(subqueries)
        self.minimum = minimum

    def expanded(self):
        """The same matches as ``Or`` and ``And`` nodes, for backends without minimum-should-match."""
        if self.minimum == len(self.subqueries):
            return And(self.subqueries) if len(self.subqueries) > 1 else self.subqueries[0]
        groups = [
            And(list(group)) if len(group) > 1 else group[0]
            for group in itertools.combinations(self.subqueries, self.minimum)
        ]
        return Or(groups) if len(groups) > 1 else groups[0]

    def __repr__(self):
        return f"<AtLeast {self.minimum} of {self.subqueries!r}>"


def expand(query):
    """``query`` with every ``AtLeast`` in it expanded, for the database backends."""
    if isinstance(query, AtLeast):
        return query.expanded()
    if isinstance(query, And | Or):
        return type(query)([expand(sub) for sub in query.subqueries])
    return query

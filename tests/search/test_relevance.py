"""The relevance test set passes on the backend this run uses, and reports
hit@3 and MRR (mean reciprocal rank) in the test summary."""

from collections import defaultdict

import pytest

from home.health import search_engine_name
from search.services import SearchParams, run_search
from tests.search.conftest import RELEVANCE_REPORT
from tests.search.relevance_cases import CASES


def rank_of(code, query):
    outcome = run_search(SearchParams(query=query))
    codes = [hit.code for hit in outcome.results]
    return (codes.index(code) + 1 if code in codes else None), outcome


def test_the_set_is_big_and_varied():
    categories = {category for category, _query, _code in CASES}
    assert len(CASES) >= 60
    assert {"no diacritics", "prefix", "colloquial", "document", "code", "typo", "nothing"} <= categories


@pytest.mark.django_db
def test_relevance_set(demo_catalogue):
    from wagtail.search.backends import get_search_backend

    failures, reciprocal, hits = [], [], 0
    by_category = defaultdict(lambda: [0, 0])
    positives = [case for case in CASES if case[2]]
    for category, query, code in CASES:
        rank, outcome = rank_of(code, query)
        by_category[category][1] += 1
        if code is None:
            if outcome.total:
                failures.append(f"{query!r} should find nothing, found {[h.title for h in outcome.results[:3]]}")
            else:
                by_category[category][0] += 1
            continue
        reciprocal.append(1 / rank if rank else 0.0)
        if rank and rank <= 3:
            hits += 1
            by_category[category][0] += 1
        else:
            failures.append(f"{query!r}: {code} at rank {rank}; top 3: {[h.title for h in outcome.results[:3]]}")

    engine = search_engine_name(get_search_backend())
    hit_at_3 = hits / len(positives)
    mrr = sum(reciprocal) / len(reciprocal)
    RELEVANCE_REPORT.append(
        f"relevance on {engine}: {len(CASES)} queries, hit@3 {hit_at_3:.3f}, MRR {mrr:.3f}; "
        + ", ".join(f"{cat} {ok}/{n}" for cat, (ok, n) in by_category.items())
    )
    assert not failures, "\n".join(failures)

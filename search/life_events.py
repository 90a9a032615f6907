"""Life-event matching for the site search.

``life_event_matches(folded_words)`` returns the live events whose phrase
words all occur, in order, in the query's folded words (other words may come
between), each with its live procedure page ids in order. The table is
kept until something search shows changes (search/cache.py: a page published,
unpublished, moved or deleted).
"""

from procedures.models import LifeEventPage, LifeEventProcedure, ProcedurePage
from search import cache as search_cache
from search.text import phrase_in, words


def _table():
    """[(event, [phrase words, ...], [procedure ids])], kept or built in one pass."""
    return search_cache.kept("life_events", _build_table)


def _build_table():
    events = list(LifeEventPage.objects.live().public().order_by("path"))
    rows = LifeEventProcedure.objects.filter(page__in=events).order_by("page_id", "sort_order", "id")
    live = set(ProcedurePage.objects.live().public().values_list("id", flat=True))
    by_event = {}
    for row in rows:
        if row.procedure_id in live:
            by_event.setdefault(row.page_id, []).append(row.procedure_id)
    table = []
    for event in events:
        phrases = [words(phrase) for phrase in event.phrase_list()]
        table.append(
            (
                {"id": event.id, "title": event.title, "url": event.url, "intro": event.intro},
                [phrase for phrase in phrases if phrase],
                by_event.get(event.id, []),
            )
        )
    return table


def life_event_matches(folded_words):
    """[(event dict: id, title, url, intro), [procedure ids in order]] matching the query."""
    query = list(folded_words)
    if not query:
        return []
    return [(event, ids) for event, phrases, ids in _table() if any(phrase_in(phrase, query) for phrase in phrases)]


def clear_cache(**kwargs):
    search_cache.bump()

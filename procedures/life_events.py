"""Life-event matching for the site search (the lead wires it in).

``life_event_matches(folded_words)`` returns the live events whose phrase
words all occur, in order, in the query's folded words (other words may come
between), each with its live procedure page ids in order. The table is
cached and cleared when an event page is published, unpublished or deleted.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from search.text import words

CACHE_KEY = "procedures:life_events:v1"
CACHE_SECONDS = 60 * 60


def _table():
    """[(event, [phrase words, ...], [procedure ids])], from cache or one pass."""
    table = cache.get(CACHE_KEY)
    if table is None:
        from procedures.models import LifeEventPage, LifeEventProcedure, ProcedurePage

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
        cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def _in_order(phrase, query):
    position = 0
    for word in phrase:
        try:
            position = query.index(word, position) + 1
        except ValueError:
            return False
    return True


def life_event_matches(folded_words):
    """[(event dict: id, title, url, intro), [procedure ids in order]] matching the query."""
    query = list(folded_words)
    if not query:
        return []
    return [(event, ids) for event, phrases, ids in _table() if any(_in_order(phrase, query) for phrase in phrases)]


def clear_cache(**kwargs):
    cache.delete(CACHE_KEY)


def _is_event(instance):
    from procedures.models import LifeEventPage

    return isinstance(instance, LifeEventPage)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_delete)
def _event_changed(sender, instance, **kwargs):
    from procedures.models import LifeEventPage, ProcedurePage

    if isinstance(instance, (LifeEventPage, ProcedurePage)) or sender in (LifeEventPage, ProcedurePage):
        clear_cache()

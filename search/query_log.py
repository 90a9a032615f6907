"""What people search for, counted for editors without exposing any one person.

Editors read the counts in two reports: the project's "Search queries"
report (search/admin_views.py) and Wagtail's own "Search terms" report
(``wagtail.contrib.search_promotions``). Both read Wagtail's ``Query`` /
``QueryDailyHits`` and the project's ``ZeroResultHit``, so a query is only
written there once **several distinct visitors** typed it
(``SEARCH_REPORT_MIN_VISITORS``, 3 by default, within
``SEARCH_REPORT_WINDOW_DAYS``, 30 by default). Until then its searches wait in
``QueryVisitor``, one row per (query, visitor); when the threshold is reached
they are moved into the reports and the waiting rows deleted. A name or a
house address typed by one person never reaches editors, and rows that never
reach the threshold are deleted after the window (``purge_query_visitors``,
run with every search that is written).

A *visitor* is a keyed hash (HMAC with ``SECRET_KEY``) of the client address
and the day: the address is never stored, and the same address on two days
gives two unrelated keys (so one person searching for their own name on
three different days does count three times; ``looks_personal`` still keeps
phone numbers, ID numbers and e-mail addresses out altogether).
Queries are stored folded (``dang ky khai sinh``) so spellings with and
without diacritics add up.

Searches are counted in memory and written together (home/batched_counts.py),
as procedure page views are: one transaction per process every
``SEARCH_LOG_FLUSH_SECONDS`` (0 writes each search at once) and when the
process exits, instead of five to seven queries, two of them writes, on every
search. The reports lag by up to that many seconds; a process killed without a
clean exit loses that many seconds of counts; a failed write keeps them for the
next one.
"""

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from home.batched_counts import BatchedCounts
from home.clients import client_ip
from search.models import QueryVisitor, ZeroResultHit
from search.text import words

# Seven or more digits, however grouped (phone, ID card numbers), or an e-mail.
_PERSONAL = re.compile(r"(?:\d[\s.\-]?){7,}|@")


def looks_personal(query):
    """Phone numbers, ID numbers and e-mail addresses are never logged."""
    without_codes = re.sub(r"\d{1,2}\.\d{6}", "", query)
    return bool(_PERSONAL.search(without_codes))


def visitor_key(request, day=None):
    """A keyed hash of the client's address and the day; never the address itself."""
    day = day or timezone.localdate()
    return salted_hmac("search.query_log.visitor", f"{client_ip(request)}|{day.isoformat()}").hexdigest()[:32]


def min_visitors():
    return max(1, int(getattr(settings, "SEARCH_REPORT_MIN_VISITORS", 3)))


def window_days():
    return max(1, int(getattr(settings, "SEARCH_REPORT_WINDOW_DAYS", 30)))


def _write(batch):
    with transaction.atomic():
        for day in {day for _folded, _visitor, day in batch}:
            purge_query_visitors(day)
        for (folded, visitor, day), (hits, zero) in batch.items():
            _record(folded, visitor, day, hits, zero)


# (folded query, visitor, day) -> [searches, searches that found nothing]; the log never names a query.
_searches = BatchedCounts("searches", "SEARCH_LOG_FLUSH_SECONDS", _write, width=2)


def record_query(query, total, visitor, today=None):
    """Count a search (and a zero-result search) by ``visitor`` (see ``visitor_key``); written when due."""
    folded = " ".join(words(query))[:255]
    if not folded or looks_personal(query):
        return
    _searches.add((folded, visitor, today or timezone.localdate()), 1, int(total == 0))


def pending():
    """The searches counted and not written yet: {(folded query, visitor, day): [searches, found nothing]}."""
    return _searches.pending()


def write_pending():
    """Write the searches counted in memory, in one transaction. Returns how many searches were written."""
    return _searches.flush()


def _record(folded, visitor, day, hits, zero):
    logged = Query.objects.filter(query_string=folded).first()
    if logged is not None and _released(logged):
        _count(logged, day, hits=hits, zero=zero)
        return
    row, _created = QueryVisitor.objects.get_or_create(query_string=folded, visitor=visitor, defaults={"date": day})
    QueryVisitor.objects.filter(pk=row.pk).update(hits=F("hits") + hits, zero_result_hits=F("zero_result_hits") + zero)
    if QueryVisitor.objects.filter(query_string=folded).count() >= min_visitors():
        release(folded)


def _released(query):
    """A query already in the reports (it reached the threshold), or one an editor promoted."""
    return query.daily_hits.exists() or query.zero_result_hits.exists() or query.editors_picks.exists()


def release(folded):
    """Move the waiting searches of a query into the reports (enough visitors typed it)."""
    waiting = QueryVisitor.objects.filter(query_string=folded)
    per_day = list(waiting.values("date").annotate(searches=Sum("hits"), zero=Sum("zero_result_hits")))
    logged = Query.get(folded)
    for day in per_day:
        _count(logged, day["date"], hits=day["searches"], zero=day["zero"])
    waiting.delete()
    return logged


def _count(logged, day, hits, zero):
    if hits:
        daily, _created = QueryDailyHits.objects.get_or_create(query=logged, date=day)
        QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + hits)
    if zero:
        row, _created = ZeroResultHit.objects.get_or_create(query=logged, date=day)
        ZeroResultHit.objects.filter(pk=row.pk).update(hits=F("hits") + zero)


def purge_query_visitors(today=None):
    """Forget waiting searches older than the window. Returns how many rows went."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=window_days() - 1)
    deleted, _per_model = QueryVisitor.objects.filter(date__lt=since).delete()
    return deleted

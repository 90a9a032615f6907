"""Public statistics of the feedback register: counts only, computed by the database, cached.

Definitions (the public page, the CSV and the JSON say the same):

* **Period.** (``feedback/periods.py``) Two dates, both included, in the commune's time zone
  (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh): from 00:00 local time on the
  first day to 00:00 local time on the day after the last. Months are local
  months too: an item received at 23:30 on 31 January local time (16:30 UTC)
  belongs to January.
* **Received** = items whose ``received_at`` falls in the period, except the
  items rejected (spam, invalid or duplicate: status "rejected"). A rejected
  item that staff restore counts again.
* **Resolved** = items whose answer the commune approved in the period and
  still stands behind (status approved, published or closed privately),
  counted in the period, and in the month, of the last approval
  (``approved_at``; ``Feedback.objects.resolved_in``, the same definition as
  the leaders' summary and the dashboard). An answer that still waits for
  approval is not counted, nor is an item reopened by its citizen until its
  new answer is approved (then it counts in the month of that approval).
* **On time** = resolved items answered on or before their due date (the
  local date of ``answered_at`` <= ``due_date``, or a day off right after it:
  a Saturday answer to a Friday deadline is on time, as everywhere else,
  ``feedback/deadlines.py``), as a percentage of the resolved items that have
  a due date.
* **Days to answer** = ``answered_at - received_at`` in days (with the
  fraction of the day), for the resolved items. The **median** and the
  **90th percentile** use linear interpolation between the closest ranks
  (PostgreSQL's ``percentile_cont``, Excel's PERCENTILE.INC, numpy's
  default): for n sorted values x[0..n-1] and a fraction p, h = (n - 1) * p and
  the result is x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
  PostgreSQL computes it with ``percentile_cont``; other databases (SQLite)
  rank the values with window functions and return only the two rows around
  each h, so both give the same numbers.
* **Satisfaction** = the average citizen rating (1 to 5) and the number of
  ratings given in the period (``FeedbackEvent.objects.ratings_in``: every
  rating, also one that reopened its item as "not satisfied"), by the rated
  item's field, department, channel and poster, and by the month it was given.
* **By** month, field of activity, department, channel, and QR poster (the
  source tag of items sent through the web form). A source tag is typed in an
  address, so a tag is only listed once it has at least
  ``MIN_SOURCE_TAG_ITEMS`` items (received or resolved) in the period.

Only counts leave this module: never a title, a text, a name or a tracking
code. Everything is one aggregate query per table section (plus one ranking
query per section outside PostgreSQL): the number of queries does not depend
on the number of items.

The figures are cached in the ``shared`` cache (seen by every process and by
the task worker: Redis, or the database cache table) with the version they
were computed at. Versions are per commune: saving or deleting a ``Feedback``
bumps its commune's version and the roll-up's, so in a province install one
commune's new item leaves the other communes' figures fresh (see
``bump_version``; adding, changing or removing a site bumps every version).
A request gets:

* the cached figures, when their version is current and they are less than
  ``CACHE_SECONDS`` old (a change that bypasses signals, ``QuerySet.update``,
  shows within that time);
* otherwise, while they are less than ``STALE_SECONDS`` old, the cached
  figures at once, and one background refresh is queued (django-q2 task
  ``reports.statistics.refresh``; one at a time per period): a visitor never
  waits for the aggregation over 100,000 items, and the page says when its
  figures were computed;
* the presets are also recomputed in the background every 5 minutes when
  they are not fresh (``warm_presets``), so their first visitor does not wait;
* otherwise (nothing cached, too old, or no task could be queued) figures
  computed during the request. The presets (a handful of periods) are always
  computed; a period of chosen dates only when no other such computation is
  running in any process (``Busy`` otherwise: the page asks to try again), so
  a stream of requests for ever new date ranges cannot occupy every worker.

The signal handlers are connected when this module is imported;
``FeedbackConfig.ready()`` imports it so that task workers and commands bump
the version too.
"""

import contextlib
import datetime
import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, router, transaction
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    Window,
)
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from wagtail.models import Site

from anyascii import anyascii

from feedback import deadlines
from feedback.models import Feedback, FeedbackEvent
from feedback.periods import Period, add_months, commune_zone
from feedback.queue import enqueue
from home import communes

logger = logging.getLogger(__name__)

#: Cached figures of the current version are served as they are for this long…
CACHE_SECONDS = 600
#: …and, once outdated, still served while a refresh runs, up to this age.
STALE_SECONDS = 1800
CACHE_PREFIX = "feedback-statistics"
#: Bumped to make every figure stale; the figures of one commune (``:site-<id>``) and of every item
#: together (``:all``, the roll-up and a single commune's install) have their own counters beside it.
VERSION_KEY = f"{CACHE_PREFIX}:version"
MIN_SOURCE_TAG_ITEMS = 3
#: (name, numerator, denominator) of the percentiles: integers, so that SQL divides exactly on every database.
PERCENTILES = (("median_days", 1, 2), ("p90_days", 9, 10))
#: While one request computes the figures of chosen dates, others wait this long before trying again.
BUSY_RETRY_SECONDS = 30
COMPUTING_KEY = f"{CACHE_PREFIX}:computing"
#: The longest period one request may ask for (months listed one by one).
MAX_MONTHS = 120


PRESETS = ("this-month", "3-months", "this-year", "12-months")
DEFAULT_PRESET = "12-months"


def preset_period(name, today=None):
    """This month, the last 3 or 12 months (the current one included), or this year; up to today."""
    today = today or timezone.localdate()
    first_of_month = today.replace(day=1)
    starts = {
        "this-month": first_of_month,
        "3-months": add_months(first_of_month, -2),
        "this-year": today.replace(month=1, day=1),
        "12-months": add_months(first_of_month, -11),
    }
    return Period(starts[name], today, name)


# --- SQL pieces ---


class DaysBetween(Func):
    """(first - second) in days, with the fraction of the day, as a float; per database."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 86400.0)",
            arg_joiner=" - ",
            **extra_context,
        )


class SQLiteLocalDate(Func):
    """SQLite's own ``date(column, '+N seconds'[, 'start of month'])``: the local date (or month) of a UTC column.

    Only for a zone whose offset does not change in the period (Asia/Ho_Chi_Minh
    has been UTC+7 since 1975): Django's TruncDate/TruncMonth call a Python
    function for every row on SQLite, many times slower on 100,000 rows.
    """

    arity = 1
    output_field = DateField()

    def __init__(self, expression, offset_seconds, month=False):
        modifiers = f"'{int(offset_seconds):+d} seconds'" + (", 'start of month'" if month else "")
        super().__init__(expression, template=f"date(%(expressions)s, {modifiers})")


def _fixed_offset(period):
    """The zone's UTC offset in seconds if it is the same all through ``period`` (checked at every month), else None."""
    zone = commune_zone()
    days = [*period.months(), period.start, period.end + datetime.timedelta(days=1)]
    offsets = {datetime.datetime.combine(day, datetime.time(12), tzinfo=zone).utcoffset() for day in days}
    return offsets.pop().total_seconds() if len(offsets) == 1 else None


def local_date(column, period, month=False):
    """The commune's local date (``month``: first day of the month) of ``column``, computed by the database."""
    offset = _fixed_offset(period) if connection.vendor == "sqlite" else None
    if offset is not None:
        return SQLiteLocalDate(column, offset, month=month)
    truncate = TruncMonth if month else TruncDate
    return truncate(column, tzinfo=commune_zone())


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY expression)``; p = numerator / denominator."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    arity = 1

    def __init__(self, expression, numerator, denominator, **extra):
        fraction = f"{int(numerator)}.0 / {int(denominator)}"
        super().__init__(expression, fraction=fraction, **extra)


def interpolate(ranked, count, numerator, denominator):
    """The percentile from the rows around h = (count - 1) * p: ``ranked`` maps 1-based ranks to values."""
    low = (count - 1) * numerator // denominator
    fraction = (count - 1) * numerator / denominator - low
    below = ranked[low + 1]
    above = ranked.get(low + 2, below)
    return below + fraction * (above - below)


# --- The figures ---


@dataclass
class Row:
    """The figures of one group (the whole period, a month, a field…). Counts only."""

    key: object = None
    label: str = ""
    received: int = 0
    resolved: int = 0
    with_due_date: int = 0
    on_time: int = 0
    mean_days: float | None = None
    median_days: float | None = None
    p90_days: float | None = None
    rating_average: float | None = None
    rating_count: int = 0

    @property
    def on_time_percent(self):
        if not self.with_due_date:
            return None
        return round(100 * self.on_time / self.with_due_date, 1)

    @property
    def is_empty(self):
        return not (self.received or self.resolved)

    def as_dict(self):
        data = asdict(self)
        data["on_time_percent"] = self.on_time_percent
        for name in ("mean_days", "median_days", "p90_days", "rating_average"):
            if data[name] is not None:
                data[name] = round(data[name], 2)
        return data


@dataclass
class Figures:
    period: Period
    totals: Row
    months: list = field(default_factory=list)
    fields: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    channels: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    computed_at: datetime.datetime | None = None
    #: The commune (site id) counted; None: every commune of the install.
    site: int | None = None
    #: The roll-up's figures of each commune (site ids as keys), with several communes: the province's table.
    communes: list = field(default_factory=list)

    @property
    def is_empty(self):
        return self.totals.is_empty

    def sections(self):
        """(name, rows) of every breakdown, in page order."""
        return [
            ("month", self.months),
            ("field", self.fields),
            ("department", self.departments),
            ("channel", self.channels),
            ("source_tag", self.sources),
        ]


def _resolved(period):
    return (
        Feedback.objects.resolved_in(period)
        .exclude(answered_at=None)
        .annotate(days=DaysBetween("answered_at", "received_at"), answered_on=local_date("answered_at", period))
    )


def _group(queryset, key, label):
    """``queryset`` grouped by ``key`` (an expression; None: no grouping), with a label column if given."""
    columns = {"key": key if key is not None else Value(0, output_field=IntegerField())}
    if label is not None:
        columns["label"] = label
    return queryset.order_by().values(**columns)


def _percentiles(queryset, key, label):
    """{key: {name: value}} of the percentiles of ``days``, computed by the database."""
    if connection.vendor == "postgresql":
        aggregates = {name: PercentileCont("days", num, den) for name, num, den in PERCENTILES}
        return {row["key"]: row for row in _group(queryset, key, label).annotate(**aggregates)}
    # Elsewhere: rank each group's durations and keep the (at most four) rows around each h.
    grouped = queryset.order_by().annotate(key=key if key is not None else Value(0, output_field=IntegerField()))
    partition = [F("key")]
    ranked = grouped.annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=[F("days").asc(), F("pk").asc()]),
        size=Window(Count("pk"), partition_by=partition),
    )
    wanted = Q()
    for name, num, den in PERCENTILES:
        low = ExpressionWrapper((F("size") - 1) * num / den, output_field=IntegerField())
        ranked = ranked.annotate(**{f"{name}_low": low})
        wanted |= Q(rank=F(f"{name}_low") + 1) | Q(rank=F(f"{name}_low") + 2)
    groups = {}
    for row in ranked.filter(wanted).values("key", "days", "rank", "size"):
        group = groups.setdefault(row["key"], {"size": row["size"], "ranked": {}})
        group["ranked"][row["rank"]] = row["days"]
    return {
        key: {name: interpolate(group["ranked"], group["size"], num, den) for name, num, den in PERCENTILES}
        for key, group in groups.items()
    }


def _on_time(period):
    """The condition "answered on time" for the items resolved in ``period`` (two queries: their due dates
    and the commune's days off)."""
    due_dates = _resolved(period).exclude(due_date=None).order_by().values_list("due_date", flat=True).distinct()
    return deadlines.on_time_q(list(due_dates), deadlines.commune_days_off())


def _section(period, key=None, label=None, only=None, on_time=None, month=False, site=None):
    """{key: Row} for one breakdown, by the item's field ``key`` (None: one row; ``month``: by local month of
    receipt, approval and rating). One query for "received", one for "resolved", one for the ratings (and one to
    rank durations). ``only(prefix)`` is a condition on the item's fields, ``prefix`` "feedback__" for ratings;
    ``site`` (an id) keeps one commune's items, None every commune's (the province's roll-up)."""

    def by(prefix, moment):
        if month:
            return local_date(moment, period, month=True)
        return F(prefix + key) if key else None

    received = Feedback.objects.received_in(period)
    resolved = _resolved(period)
    ratings = FeedbackEvent.objects.ratings_in(period)
    if site is not None:
        received, resolved, ratings = (
            received.filter(site_id=site),
            resolved.filter(site_id=site),
            ratings.filter(feedback__site_id=site),
        )
    if only is not None:
        received, resolved, ratings = (
            received.filter(only("")),
            resolved.filter(only("")),
            ratings.filter(only("feedback__")),
        )
    item_label = F(label) if label else None
    rows = {}

    def row_for(data):
        row_key = data["key"]
        if row_key not in rows:
            rows[row_key] = Row(key=row_key, label=data.get("label") or "")
        return rows[row_key]

    for data in _group(received, by("", "received_at"), item_label).annotate(received=Count("pk")):
        row_for(data).received = data["received"]
    aggregates = {
        "resolved": Count("pk"),
        "with_due_date": Count("pk", filter=Q(due_date__isnull=False)),
        "on_time": Count("pk", filter=Q(due_date__isnull=False) & (_on_time(period) if on_time is None else on_time)),
        "mean_days": Avg("days"),
    }
    resolved_key = by("", "approved_at")
    for data in _group(resolved, resolved_key, item_label).annotate(**aggregates):
        if not data["resolved"]:
            continue
        row = row_for(data)
        for name in aggregates:
            setattr(row, name, data[name])
    for row_key, values in _percentiles(resolved, resolved_key, item_label).items():
        for name, _num, _den in PERCENTILES:
            setattr(rows[row_key], name, values[name])
    rating_label = F("feedback__" + label) if label else None
    for data in _group(ratings, by("feedback__", "at"), rating_label).annotate(
        rating_count=Count("pk"), rating_average=Avg("rating")
    ):
        row = row_for(data)
        row.rating_count, row.rating_average = data["rating_count"], data["rating_average"]
    return rows


def _month_key(value):
    """TruncMonth gives an aware datetime (or a date): the first day of the month as a date."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, commune_zone()).date()
    return value


def _by_name(rows):
    """Named groups in Vietnamese alphabetical order (Đ with D), the group without one ("not yet classified") last."""
    return sorted(rows.values(), key=lambda row: (row.key is None, anyascii(row.label).casefold(), row.label))


def compute(period, site=None):
    """All the figures of ``period`` (uncached) for the commune ``site`` (an id; None: every commune, the
    same definitions summed over the province). A fixed number of queries."""
    on_time = _on_time(period)
    totals = _section(period, on_time=on_time, site=site).get(0) or Row(key=0)
    totals.key = None

    months = {}
    for key, row in _section(period, on_time=on_time, month=True, site=site).items():
        months[_month_key(key)] = row
    month_rows = []
    for month in period.months():
        row = months.get(month) or Row()
        row.key = month
        month_rows.append(row)

    fields = _section(period, "field_id", label="field__name", on_time=on_time, site=site)
    departments = _section(period, "department_id", label="department__name", on_time=on_time, site=site)
    channels = _section(period, "channel", on_time=on_time, site=site)
    channel_order = {value: index for index, value in enumerate(Feedback.Channel.values)}

    def from_posters(prefix):
        return Q(**{f"{prefix}channel": Feedback.Channel.WEB}) & ~Q(**{f"{prefix}source_tag": ""})

    sources = _section(period, "source_tag", only=from_posters, on_time=on_time, site=site)
    for row in sources.values():
        row.label = row.key
    commune_rows = []
    if site is None and not communes.is_single_commune():
        commune_rows = _by_commune(_section(period, "site_id", on_time=on_time))
    return Figures(
        period=period,
        totals=totals,
        months=month_rows,
        fields=_by_name(fields),
        departments=_by_name(departments),
        channels=sorted(channels.values(), key=lambda row: channel_order.get(row.key, len(channel_order))),
        sources=sorted(
            (row for row in sources.values() if max(row.received, row.resolved) >= MIN_SOURCE_TAG_ITEMS),
            key=lambda row: (-row.received, row.key),
        ),
        computed_at=timezone.now(),
        site=site,
        communes=commune_rows,
    )


def _by_commune(rows):
    """A row for every commune (its items' site), empty ones too, labelled with its name and keyed by its host
    name, in Vietnamese alphabetical order."""
    from home.models import CommuneSettings

    names = dict(CommuneSettings.objects.values_list("site_id", "commune_name"))
    found = []
    for site in Site.objects.order_by("pk"):
        row = rows.get(site.pk) or Row()
        name = (names.get(site.pk) or "").strip()
        row.key, row.label = site.hostname, name if name not in {"", "Xã"} else site.site_name or site.hostname
        found.append(row)
    return sorted(found, key=lambda row: (anyascii(row.label).casefold(), row.label, row.key))


# --- Cache ---


def _version_cache():
    return caches["shared"] if "shared" in settings.CACHES else caches["default"]


def _counter_key(site):
    return f"{VERSION_KEY}:all" if site is None else f"{VERSION_KEY}:site-{site}"


def current_version(site=None):
    """The version of the figures of ``site`` (an id; None: every item): (every figure's, this one's)."""
    try:
        found = _version_cache().get_many([VERSION_KEY, _counter_key(site)])
    except Exception:
        logger.warning("Statistics cache version unavailable", exc_info=True)
        return None
    return (found.get(VERSION_KEY, 0), found.get(_counter_key(site), 0))


def bump_version(site=None):
    """Make cached figures stale: those of commune ``site`` (an id) and the roll-up's when an item of it
    is saved or deleted; every figure with ``site=None`` (a bulk change, a site added or removed).

    With the database cache (no REDIS_URL) the version rows are written in the
    same transaction as the item, so they change exactly when the item does;
    a savepoint keeps a missing cache table from spoiling that transaction.
    """
    keys = [VERSION_KEY] if site is None else [_counter_key(site), _counter_key(None)]
    store = _version_cache()
    try:
        if isinstance(store, DatabaseCache):
            with transaction.atomic(using=router.db_for_write(store.cache_model_class)):
                for key in keys:
                    _increment(store, key)
        else:
            for key in keys:
                _increment(store, key)
    except Exception:
        logger.warning("Could not bump the statistics cache version", exc_info=True)


def _increment(store, key):
    try:
        store.incr(key)
    except ValueError:  # not set yet (or culled)
        store.set(key, 1, timeout=None)


def _figures_key(period, site=None):
    # v2: Figures gained ``communes``; figures kept by an older release are not read back.
    key = f"{CACHE_PREFIX}:figures:v2:{period.cache_key}"
    return key if site is None else f"{key}:site-{site}"


def _store(version, figures):
    """Keep ``figures`` with the version they were computed at (kept past STALE_SECONDS; read ages out)."""
    try:
        key = _figures_key(figures.period, figures.site)
        _version_cache().set(key, (version, figures), timeout=STALE_SECONDS * 2)
    except Exception:
        logger.warning("Could not cache the statistics", exc_info=True)


def _cached(period, site=None):
    try:
        return _version_cache().get(_figures_key(period, site))
    except Exception:
        logger.warning("Cached statistics unavailable", exc_info=True)
        return None


def _age_seconds(figures):
    return (timezone.now() - figures.computed_at).total_seconds()


def _queue_refresh(period, site=None):
    """Queue one background refresh of ``period`` (unless one is queued already); False if none could be."""
    lock = f"{_figures_key(period, site)}:refreshing"
    store = _version_cache()
    try:
        if not store.add(lock, 1, timeout=STALE_SECONDS):
            return True  # already queued: its result is on the way
        enqueue(
            "reports.statistics.refresh",
            period.start.isoformat(),
            period.end.isoformat(),
            period.preset,
            *(() if site is None else (site,)),
            task_name=f"statistics {period.cache_key}" + (f" site {site}" if site is not None else ""),
        )
    except Exception:
        logger.warning("Could not queue a statistics refresh", exc_info=True)
        with contextlib.suppress(Exception):  # the cache may be what failed; computing inline is enough
            store.delete(lock)
        return False
    return True


def refresh(start, end, preset="", site=None):
    """The background task: compute the figures of one period (and commune) and cache them (django-q2 task)."""
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), preset)
    version = current_version(site)
    figures = compute(period, site)
    if version is not None:
        _store(version, figures)
    try:
        _version_cache().delete(f"{_figures_key(period, site)}:refreshing")
    except Exception:
        logger.warning("Could not release the statistics refresh lock", exc_info=True)
    return figures.totals.received


class Busy(Exception):
    """Figures of chosen dates are being computed for another request: try again in BUSY_RETRY_SECONDS."""


def _compute_now(period, site=None):
    """Compute during the request; for chosen dates, only one such computation at a time (or ``Busy``)."""
    if period.preset:
        return compute(period, site)
    store = _version_cache()
    try:
        acquired = store.add(COMPUTING_KEY, 1, timeout=BUSY_RETRY_SECONDS * 4)
    except Exception:
        logger.warning("Statistics computing lock unavailable", exc_info=True)
        return compute(period, site)
    if not acquired:
        raise Busy
    try:
        return compute(period, site)
    finally:
        with contextlib.suppress(Exception):
            store.delete(COMPUTING_KEY)


def warm_presets(today=None):
    """Keep the figures of the presets ready (django-q2 schedule every 5 minutes, migration feedback/0009).

    Recomputes each preset whose cached figures are missing, outdated or
    ``CACHE_SECONDS`` old, so the page's default links never make a visitor
    wait. Returns how many were recomputed.
    """
    recomputed = 0
    for site in communes_counted():
        version = current_version(site)
        for name in PRESETS:
            period = preset_period(name, today)
            entry = _cached(period, site)
            if entry is not None and entry[0] == version and _age_seconds(entry[1]) < CACHE_SECONDS:
                continue
            refresh(period.start.isoformat(), period.end.isoformat(), period.preset, site)
            recomputed += 1
    return recomputed


def communes_counted():
    """The figures kept ready: the install's (None) and, with several communes, each commune's (site ids)."""
    if communes.is_single_commune():
        return [None]
    return [None, *Site.objects.order_by("pk").values_list("pk", flat=True)]


def site_for_request(request):
    """The commune whose figures a public page shows: its host's (None, every item, in a single commune's
    install, so its figures and cache are those of before there were communes)."""
    if communes.is_single_commune():
        return None
    site = Site.find_for_request(request)
    return site.pk if site is not None else None


def figures_for(period, site=None):
    """The figures of ``period`` for the commune ``site`` (an id; None: every commune): cached when fresh,
    outdated ones while a refresh runs, else computed now.

    Raises ``Busy`` when chosen dates would need computing while another request computes some.
    """
    version = current_version(site)
    if version is None:
        return _compute_now(period, site)
    entry = _cached(period, site)
    if entry is not None:
        cached_version, figures = entry
        age = _age_seconds(figures)
        if cached_version == version and age < CACHE_SECONDS:
            return figures
        if age < STALE_SECONDS and _queue_refresh(period, site):
            # A synchronous task runner (tests, Q_CLUSTER sync) has already stored fresh figures.
            entry = _cached(period, site)
            return entry[1] if entry is not None else figures
    figures = _compute_now(period, site)
    _store(version, figures)
    return figures


def feedback_changed(sender, instance=None, **kwargs):
    """Connected in ``reports/signals.py``: a saved or deleted item makes its commune's figures and the
    roll-up stale; a site added, changed or removed, every figure (the province's table lists the sites)."""
    # Not in transaction.on_commit: with the database cache the bump commits (or rolls back) with the item.
    site = getattr(instance, "site_id", None) if isinstance(instance, Feedback) else None
    bump_version(site)


__all__ = [
    "BUSY_RETRY_SECONDS",
    "CACHE_SECONDS",
    "STALE_SECONDS",
    "DEFAULT_PRESET",
    "Busy",
    "MIN_SOURCE_TAG_ITEMS",
    "PRESETS",
    "Figures",
    "Row",
    "bump_version",
    "compute",
    "figures_for",
    "preset_period",
    "refresh",
    "warm_presets",
]

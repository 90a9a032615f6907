"""Benchmark the public statistics page (/thong-ke/) on 100,000 feedback items.

Not a test: it reports, it does not judge. On a database of its own (a SQLite
file under ``.cache/`` by default, or DATABASE_URL with ``--database env``)
this script:

1. generates N feedback items (default 100,000) with bulk_create: received
   over the last two years (more on weekdays and in office hours), 14 fields
   of activity, 6 departments, the five channels (web items carry one of 12
   QR poster tags, or none), statuses from "received" to "published"
   (about 5 % rejected, 80 % resolved), answer times around a week with a
   long tail (about 80 % on time), and ratings for about 40 % of the answers.
   A second run with the same count and seed reuses the data; ``--rebuild``
   starts over;
2. requests the page in-process through the Django test client (DEBUG off),
   for the default period (the last 12 months) and for this year, ``--repeat``
   times each: cold (the statistics cache emptied before every request), warm
   (cached) and changed (an item saved since the figures were cached: the page
   shows them and queues one refresh), and prints the median and the worst
   time and the number of SQL queries of each kind of request; then the CSV
   and JSON files, cold, and the background refresh task itself.

    .venv/bin/python scripts/bench_statistics.py
    .venv/bin/python scripts/bench_statistics.py --items 20000 --repeat 3
    source scripts/lib.sh && source scripts/services.sh && start_services  # PostgreSQL + OpenSearch
    psql "postgres://portal@127.0.0.1:54329/postgres" -c "CREATE DATABASE bench_statistics"
    DATABASE_URL=postgres://portal@127.0.0.1:54329/bench_statistics \\
        .venv/bin/python scripts/bench_statistics.py --database env
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import add_database_arguments, positive_int, use_bench_database  # noqa: E402 - scripts/ is on the path when run

DEFAULT_SQLITE = ROOT / ".cache" / "bench-statistics.sqlite3"
GENERATOR_VERSION = 3
CODE_PREFIX = "BS"
FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Môi trường",
    "Giao thông",
    "Lao động – Thương binh và Xã hội",
    "Y tế",
    "Giáo dục",
    "Văn hóa – Thể thao",
    "Nông nghiệp",
    "An ninh trật tự",
    "Tư pháp",
    "Khác",
]
DEPARTMENTS = [
    "Văn phòng – Thống kê",
    "Địa chính – Xây dựng",
    "Tư pháp – Hộ tịch",
    "Văn hóa – Xã hội",
    "Kinh tế",
    "Công an xã",
]
CHANNELS = [("web", 55), ("hotline", 15), ("zalo", 15), ("in_person", 10), ("letter", 5)]
SOURCE_TAGS = [f"thon-{n}" for n in range(1, 11)] + ["nha-van-hoa", "mot-cua"]
STATUSES = [
    ("rejected", 5),
    ("received", 2),
    ("checked", 1),
    ("classified", 1),
    ("forwarded", 9),
    ("answered", 2),
    ("approved", 5),
    ("published", 45),
    ("closed", 30),
]
RESOLVED = {"approved", "published", "closed"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=positive_int, default=100_000, help="Feedback items to generate (100000).")
    parser.add_argument("--repeat", type=positive_int, default=5, help="Requests of each kind (5).")
    add_database_arguments(parser, DEFAULT_SQLITE)
    parser.add_argument("--rebuild", action="store_true", help="Generate again even if the data fits.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated data (1).")
    return parser.parse_args()


def configure_environment(args):
    """Point settings at the benchmark's own database (before django.setup())."""
    use_bench_database(args.database, args.sqlite_path, args.rebuild, "bench_statistics")


# --- Generated register ------------------------------------------------------


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def marker_code(count, seed):
    """A tracking code that says which data set is loaded (the last item's)."""
    return f"{CODE_PREFIX}{GENERATOR_VERSION}{seed % 10}{count:07d}"[:12]


def data_fits(count, seed):
    from feedback.models import Feedback

    return (
        Feedback.objects.filter(tracking_code=marker_code(count, seed)).exists() and Feedback.objects.count() == count
    )


def received_time(rng, now, zone):
    """A moment in the last two years: weekdays and office hours more often."""
    while True:
        moment = now - datetime.timedelta(seconds=rng.uniform(0, 730 * 86400))
        local = moment.astimezone(zone)
        weekday_weight = 1.0 if local.weekday() < 5 else 0.35
        hour_weight = 1.0 if 7 <= local.hour < 18 else 0.25
        if rng.random() < weekday_weight * hour_weight:
            return moment


def detach_statements(model):
    """SQL that empties or unlinks every table pointing at ``model`` (other than itself)."""
    from django.db import models

    statements = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.is_relation and relation.related_model is not model):
            continue
        if not (relation.one_to_many or relation.one_to_one) or relation.on_delete is None:
            continue
        table, column = relation.related_model._meta.db_table, relation.field.column
        if relation.on_delete is models.SET_NULL:
            statements.append(f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL")  # noqa: S608
        else:
            statements.append(f"DELETE FROM {table}")  # noqa: S608 - table names from the models
    return statements


def generate(count, seed):
    """Replace the register with ``count`` generated items. Returns seconds spent."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from anyascii import anyascii

    from feedback.models import Department, Feedback, FeedbackEvent
    from feedback.periods import commune_zone
    from procedures.models import FieldOfActivity

    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    zone = commune_zone()
    now = timezone.now()
    with transaction.atomic():
        # The benchmark's own database is emptied in SQL: the event log is append-only through the ORM, and
        # an ORM delete would load and signal 100,000 items one by one. Rows pointing at items go first.
        with connection.cursor() as cursor:
            for statement in detach_statements(Feedback):
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {Feedback._meta.db_table}")  # noqa: S608
        fields = [
            FieldOfActivity.objects.get_or_create(name=name, defaults={"slug": slugify(anyascii(name))})[0]
            for name in FIELDS
        ]
        departments = [Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS]

        def save(items):
            """The items, and each rating as the RATE event the statistics count (``ratings_in``)."""
            Feedback.objects.bulk_create(items)
            FeedbackEvent.objects.bulk_create(
                FeedbackEvent(feedback=item, action="rate", rating=item.rating, at=item.rated_at)
                for item in items
                if item.rating is not None
            )

        batch = []
        for number in range(count):
            received = received_time(rng, now, zone)
            status = weighted(rng, STATUSES)
            answer_days = min(rng.lognormvariate(1.8, 0.7), 90)  # median about 6 days, a long tail
            if status in {"answered", *RESOLVED} and received + datetime.timedelta(days=answer_days + 3) > now:
                status = "forwarded"  # too recent to have been answered yet
            channel = weighted(rng, CHANNELS)
            tag = rng.choice(SOURCE_TAGS) if channel == "web" and rng.random() < 0.6 else ""
            item = Feedback(
                tracking_code=f"{CODE_PREFIX}{number:07d}",
                title="Góp ý thử nghiệm",
                text="Nội dung thử nghiệm cho bài đo hiệu năng.",
                kind=rng.choice(["question", "question", "suggestion", "complaint", "misconduct"]),
                channel=channel,
                source_tag=tag,
                received_at=received,
                status=status,
            )
            if status == "rejected":
                item.reject_reason = rng.choice(["spam", "invalid", "duplicate"])
                item.closed_at = received + datetime.timedelta(hours=rng.uniform(1, 48))
            if status not in {"received", "rejected"}:
                item.field = rng.choice(fields)
            if status in {"classified", "forwarded", "answered", *RESOLVED}:
                item.department = rng.choice(departments)
            if status in {"forwarded", "answered", *RESOLVED}:
                item.forwarded_at = received + datetime.timedelta(hours=rng.uniform(2, 72))
                item.due_date = item.forwarded_at.astimezone(zone).date() + datetime.timedelta(days=rng.randint(7, 20))
            if status in {"answered", *RESOLVED}:
                item.answered_at = item.forwarded_at + datetime.timedelta(days=answer_days)
            if status in RESOLVED:
                item.approved_at = min(item.answered_at + datetime.timedelta(hours=rng.uniform(1, 72)), now)
            if status in RESOLVED and rng.random() < 0.4:
                item.rating = weighted(rng, [(1, 5), (2, 7), (3, 15), (4, 35), (5, 38)])
                item.rated_at = min(item.answered_at + datetime.timedelta(days=rng.uniform(0, 10)), now)
            if status in {"published", "closed"}:
                item.closed_at = min(item.answered_at + datetime.timedelta(days=rng.uniform(0, 3)), now)
            batch.append(item)
            if len(batch) == 5000:
                save(batch)
                batch = []
        if batch:
            save(batch)
        Feedback.objects.filter(tracking_code=f"{CODE_PREFIX}{count - 1:07d}").update(
            tracking_code=marker_code(count, seed)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- Measuring ---------------------------------------------------------------


def measure(client, url, repeat, mode):
    """(median ms, worst ms, queries of the last request) of ``repeat`` requests.

    ``mode``: "cold" (no cached figures), "warm" (current cached figures) or
    "changed" (cached figures outdated by a change: shown while a refresh is
    queued, see reports/statistics.py).
    """
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import statistics as feedback_statistics

    times, queries = [], 0
    if mode != "cold":
        client.get(url)  # fill the cache
    for _ in range(repeat):
        if mode == "cold":
            caches["default"].clear()
            caches["shared"].clear()
        elif mode == "changed":
            feedback_statistics.bump_version()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)
    return statistics.median(times), max(times), queries


def measure_refresh(repeat):
    """(median ms, worst ms, queries) of the background task that recomputes the default period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import statistics as feedback_statistics

    period = feedback_statistics.preset_period(feedback_statistics.DEFAULT_PRESET)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            feedback_statistics.refresh(period.start.isoformat(), period.end.isoformat(), period.preset)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), max(times), queries


def main():
    args = parse_args()
    configure_environment(args)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from django_q.models import OrmQ

    from feedback.models import Feedback

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    where = f"SQLite {args.sqlite_path}" if connection.vendor == "sqlite" else f"{connection.vendor} (DATABASE_URL)"
    print(f"Database: {where}")
    if args.rebuild or not data_fits(args.items, args.seed):
        print(f"Generating {args.items:,} feedback items…", flush=True)
        seconds = generate(args.items, args.seed)
        print(f"  done in {seconds:.1f} s")
    else:
        print(f"Reusing {args.items:,} generated items (--rebuild to start over).")
    resolved = Feedback.objects.filter(status__in=Feedback.ANSWER_GIVEN).count()
    print(f"  {Feedback.objects.count():,} items, {resolved:,} resolved")

    client = Client()
    rows = []
    for label, url in (
        ("page, last 12 months", "/thong-ke/"),
        ("page, this year", "/thong-ke/?ky=this-year"),
    ):
        for mode in ("cold", "warm", "changed"):
            median, worst, queries = measure(client, url, args.repeat, mode)
            rows.append((label, mode, median, worst, queries))
    for label, url in (("CSV", "/thong-ke/du-lieu.csv"), ("JSON", "/thong-ke/du-lieu.json")):
        median, worst, queries = measure(client, url, args.repeat, "cold")
        rows.append((label, "cold", median, worst, queries))
    rows.append(("refresh task, 12 months", "-", *measure_refresh(args.repeat)))
    OrmQ.objects.filter(key=settings.Q_CLUSTER["name"]).delete()  # the refreshes queued by "changed"
    print(f"\n{'request':<24} {'cache':<7} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
    for label, cache, median, worst, queries in rows:
        print(f"{label:<24} {cache:<7} {median:>10.1f} {worst:>10.1f} {queries:>8}")
    print(
        "\ncold: nothing cached; warm: cached figures of the current version; changed: an item was saved since,"
        "\nthe last figures are shown and one refresh task is queued (the worker runs it: 'refresh task')."
    )


if __name__ == "__main__":
    main()

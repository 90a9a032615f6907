"""Shared set-up for the benchmark scripts (bench_search.py, bench_statistics.py): arguments and database."""

import argparse
import os
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit


def percentile(values, share):
    """The ``share`` (0..1) percentile of a non-empty list, interpolated between the closest ranks: the
    definition of the public statistics (reports/statistics.py), PostgreSQL's percentile_cont and Excel's
    PERCENTILE.INC, so every script's p95 means the same."""
    values = list(values)
    if len(values) == 1:
        return values[0]
    if share <= 0:
        return min(values)
    if share >= 1:
        return max(values)
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    return cuts[round(share * 1000) - 1]


def positive_int(text):
    """argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def add_database_arguments(parser, default_sqlite):
    """--database sqlite|env and --sqlite-path, as every benchmark takes them (see use_bench_database)."""
    parser.add_argument(
        "--database",
        choices=["sqlite", "env"],
        default="sqlite",
        help="sqlite: a file of its own (--sqlite-path); env: DATABASE_URL, whose database name must contain 'bench'.",
    )
    parser.add_argument("--sqlite-path", type=Path, default=default_sqlite, help="SQLite file (.cache/...).")


def use_bench_database(database, sqlite_path, rebuild, example):
    """Point DATABASE_URL at the benchmark's own database (call before django.setup()).

    ``database`` is "sqlite" (a file, deleted first with ``rebuild``) or "env" (DATABASE_URL,
    which must name a database containing "bench": benchmarks empty what they use).
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # DEBUG off, ALLOWED_HOSTS *
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if database == "sqlite":
        path = sqlite_path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return
    url = os.environ.get("DATABASE_URL", "")
    name = urlsplit(url).path.lstrip("/")
    if not url:
        raise SystemExit(f"--database env needs DATABASE_URL (e.g. postgres://portal@127.0.0.1:54329/{example})")
    if "bench" not in name:
        raise SystemExit(
            f"DATABASE_URL names the database {name!r}: the benchmark empties what it uses, so it only runs on "
            f"one whose name contains 'bench' (CREATE DATABASE {example})."
        )


def run_in_threads(work, count):
    """Run ``work(0)`` … ``work(count - 1)`` in parallel threads and wait for all; return the seconds it took."""
    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def dev_queries(root):
    """The search queries of the DEV split of tests/data/search/queries.json (under ``root``), in file order.

    The test split is never looked at: benchmarks must not tune anything on the queries the quality
    figures are measured with.
    """
    import json

    items = json.loads((Path(root) / "tests" / "data" / "search" / "queries.json").read_text(encoding="utf-8"))
    return [item["query"] for item in items if item.get("split") == "dev"]

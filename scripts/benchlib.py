"""Shared set-up for the benchmark scripts (bench_search.py, bench_statistics.py)."""

import os
from urllib.parse import urlsplit


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

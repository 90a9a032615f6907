"""Peak scenario: N phones scanning posters at the same moment (issue 17, "Fast at peak").

Not a timed test: it prints figures, and exits with status 1 on any error: an
answer that is not 2xx/3xx, a connection error, or a traceback in the server log.

What it does:

1. prepares its own database as scripts/load_pages.py does (``--database
   sqlite``, the default, a fresh file; ``--database env`` the PostgreSQL
   database in ``DATABASE_URL``): migrate, createcachetable, collectstatic,
   home page, ``load_demo_data`` (232 procedures); ``--reuse-database``
   keeps the last run's database and skips ``load_demo_data`` (quicker);
2. starts gunicorn with ``config.settings.production`` (``--workers`` ×
   ``--threads``, gthread, 127.0.0.1, ``--port``; environment from
   scripts/load_feedback.py: generated secret and identity keys, ALLOWED_HOSTS
   127.0.0.1, no SSL redirect, FEEDBACK_TRUSTED_PROXIES=127.0.0.1). The cache
   is per process unless ``--redis-url`` is given (REDIS_URL is otherwise
   removed from the server's environment; the anonymous page cache's files
   are in .cache/peak-scenario-pages, emptied first); search uses whatever
   ``SEARCH_URL`` says (unset: the database backend);
3. warms up for ``--warmup`` seconds (4 phones, figures thrown away);
4. ``--phones`` simulated phones (threads, one keep-alive ``http.client``
   connection each, their own X-Forwarded-For address) loop for ``--seconds``;
   between two requests a phone waits ``--think`` seconds on average (drawn
   between half and one and a half times it: a person reading the page,
   typing a search; default 1 s, far quicker than people read; ``--think 0``
   sends without pause, which measures how much the server can take rather
   than what phones see). Each loop is one visitor who scanned a poster:

   - GET /p/<code>/ (the short link on the poster, 302) and its redirect
     target, the procedure page;
   - GET /p/<code>/qr.svg (the procedure's QR image);
   - one search, GET /search/?q=..., a query of the DEV split of
     tests/data/search/queries.json (never the test split);
   - GET /gop-y/ (the feedback form).

   Codes are drawn with the Zipf-like skew of scripts/load_pages.py (a few
   posters are scanned much more; the biggest real record is the most
   scanned). Each loop starts with no cookies (a new visitor); cookies the
   server sets during the loop are sent back within it;
5. prints requests/s over all requests, then per request kind and overall
   p50/p95/p99 latency in ms and the error count.

The client shares the 2 CPUs with the server: 64 Python threads spend CPU
(and the GIL) on building requests and reading answers, so the figures are a
lower bound of what the server alone would do; compare runs made on the same
machine with the same options, not with figures from elsewhere.

    .venv/bin/python scripts/peak_scenario.py                     # 64 phones, 60 s, SQLite
    .venv/bin/python scripts/peak_scenario.py --phones 8 --seconds 10
    DATABASE_URL=postgres://portal@127.0.0.1:54329/peak_bench \\
        .venv/bin/python scripts/peak_scenario.py --database env --port 8793
    .venv/bin/python scripts/peak_scenario.py --redis-url redis://127.0.0.1:6379/0
"""

import argparse
import http.client
import os
import random
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import dev_queries, percentile, positive_int, run_in_threads  # noqa: E402
from load_feedback import FORM_PATH, add_server_arguments, prepare, server_env, server_errors, start_server, stop  # noqa: E402
from load_pages import load_catalogue, skewed_codes  # noqa: E402

KINDS = ("short link", "procedure page", "qr.svg", "search", "feedback form")
# What a phone's browser sends; the answers are read whole but not decoded.
BASE_HEADERS = {"Accept": "text/html,*/*;q=0.8", "Accept-Encoding": "gzip, deflate", "Accept-Language": "vi"}
# Connection errors on a reused keep-alive connection that the server may have closed while idle.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Phone:
    """One simulated phone: a keep-alive connection to the server and the cookies of the current visitor."""

    def __init__(self, port, address):
        self.port = port
        self.headers = {**BASE_HEADERS, "X-Forwarded-For": address}
        self.connection = None
        self.cookies = {}
        self.reconnects = 0

    def _connect(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path):
        """GET ``path``; returns (status, Location, X-Page-Cache headers). Raises on connection errors (after one
        reconnect if a reused connection turned out closed)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        reused = self.connection is not None
        if not reused:
            self._connect()
        try:
            response = self._send(path, headers)
        except STALE:
            if not reused:
                raise
            self.reconnects += 1
            self._connect()
            response = self._send(path, headers)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", response.getheader("X-Page-Cache") or "none"

    def _send(self, path, headers):
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except BaseException:
            self.connection.close()
            self.connection = None
            raise
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response

    def close(self):
        if self.connection is not None:
            self.connection.close()


def local_path(location):
    """The path of a redirect target, absolute or not."""
    if "://" in location:
        parts = urlsplit(location)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return location


class Recorder:
    """Latencies by request kind, errors, request count: shared by the phone threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {kind: [] for kind in KINDS}
        self.errors = []
        self.loops = 0
        self.page_cache = {}  # X-Page-Cache of the procedure pages: hit, miss, none

    def timed(self, phone, kind, path):
        """GET ``path`` as ``kind``; returns its Location header ('' on error or none)."""
        started = time.perf_counter()
        try:
            status, location, cache_state = phone.get(path)
        except Exception as exc:  # noqa: BLE001 - reported, counted as an error
            with self.lock:
                self.errors.append(f"{kind} {path}: {exc!r}")
            return ""
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            if kind == "procedure page":
                self.page_cache[cache_state] = self.page_cache.get(cache_state, 0) + 1
            if not 200 <= status < 400:
                self.errors.append(f"{kind} {path}: HTTP {status}")
        return location


def run_phones(port, phones, seconds, codes, queries, seed=0, think=0.0):
    """``phones`` threads loop over the scenario for ``seconds``; returns (recorder, wall seconds, reconnects)."""
    recorder = Recorder()
    reconnects = []
    deadline = time.monotonic() + seconds

    def work(index):
        rng = random.Random(seed * 10_000 + index)  # noqa: S311 - a reproducible load pattern
        phone = Phone(port, f"198.51.{100 + index // 250}.{index % 250 + 1}")
        mine = codes[index % len(codes) :: phones] or codes
        turn = 0

        def pause():
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

        while time.monotonic() < deadline:
            code = mine[turn % len(mine)]
            turn += 1
            phone.cookies = {}  # a new visitor
            location = recorder.timed(phone, "short link", f"/p/{quote(code)}/")
            if location:
                recorder.timed(phone, "procedure page", local_path(location))
            else:
                with recorder.lock:
                    recorder.errors.append(f"short link /p/{code}/: no redirect")
            pause()
            recorder.timed(phone, "qr.svg", f"/p/{quote(code)}/qr.svg")
            pause()
            recorder.timed(phone, "search", f"/search/?q={quote(rng.choice(queries))}")
            pause()
            recorder.timed(phone, "feedback form", FORM_PATH)
            pause()
            with recorder.lock:
                recorder.loops += 1
        phone.close()
        with recorder.lock:
            reconnects.append(phone.reconnects)

    elapsed = run_in_threads(work, phones)
    return recorder, elapsed, sum(reconnects)


def report(recorder, elapsed, args, reconnects):
    total = sum(len(values) for values in recorder.latencies.values())
    every = [value for values in recorder.latencies.values() for value in values]
    print()
    print(f"{args.phones} phones for {elapsed:.1f} s, {args.think:g} s between requests on average: "
          f"{recorder.loops} scans (loops), {total} requests")  # fmt: skip
    print(f"throughput      {total / elapsed:8.1f} requests/s   {recorder.loops / elapsed:7.1f} scans/s")
    print(f"{'latency ms':16}{'count':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for kind in (*KINDS, "overall"):
        values = every if kind == "overall" else recorder.latencies[kind]
        if not values:
            print(f"{kind:16}{0:8d}")
            continue
        figures = (statistics.median(values), percentile(values, 0.95), percentile(values, 0.99), max(values))
        print(f"{kind:16}{len(values):8d}" + "".join(f"{value:9.1f}" for value in figures))
    states = ", ".join(f"{state} {count}" for state, count in sorted(recorder.page_cache.items()))
    print(f"page cache      procedure pages: {states or 'none'} (X-Page-Cache)")
    print(f"errors          {len(recorder.errors)} (not 2xx/3xx or connection errors); "
          f"{reconnects} idle keep-alive connections reopened")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=positive_int, default=64, help="concurrent simulated phones")
    parser.add_argument("--seconds", type=positive_int, default=60, help="length of the measured run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up (4 phones), 0 for none")
    parser.add_argument("--redis-url", default="", help="REDIS_URL for the server's cache (default: none)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a phone waits between requests (0: no pause)"
    )
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="keep the database of the last run (migrated again, demo data not reloaded): quicker set-up",
    )
    add_server_arguments(parser, ROOT / ".cache" / "peak-scenario.sqlite3")
    parser.set_defaults(port=8792, workers=2, threads=4)
    args = parser.parse_args()
    if args.server != "gunicorn":
        parser.error("the peak scenario runs gunicorn only")
    if args.database == "env" and urlsplit(os.environ.get("DATABASE_URL", "")).scheme not in {"postgres", "postgresql"}:
        sys.exit("--database env: set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")

    reuse = args.reuse_database and (args.database == "env" or args.sqlite_path.exists())
    env = server_env(args, fresh=not reuse)
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    env.update(
        FEEDBACK_PRIVATE_ROOT=str(ROOT / ".cache" / "peak-scenario-private"),
        DJANGO_STATIC_ROOT=str(ROOT / ".cache" / "peak-scenario-static"),
        PAGE_CACHE_DIR=str(ROOT / ".cache" / "peak-scenario-pages"),
    )
    shutil.rmtree(env["PAGE_CACHE_DIR"], ignore_errors=True)  # the anonymous page cache's files: start empty
    os.environ.update(env)
    if not args.redis_url:
        os.environ.pop("REDIS_URL", None)
    print(f"Preparing the database (migrate, collectstatic, home page{'' if reuse else ', load_demo_data'})…",
          flush=True)  # fmt: skip
    prepare(env)
    catalogue = load_catalogue(env, load=not reuse)
    if not catalogue:
        sys.exit("The database has no procedures: run without --reuse-database.")
    codes = skewed_codes(catalogue, 100_000)
    queries = dev_queries(ROOT)
    log_path = ROOT / ".cache" / "peak-scenario-server.log"
    with log_path.open("w") as log:
        server = start_server(env, args.port, args, log)
        try:
            search = "SEARCH_URL" if env.get("SEARCH_URL") else "database search"
            cache = "Redis cache" if args.redis_url else "per-process cache"
            print(f"gunicorn {args.workers} workers × {args.threads} threads (production settings) on "
                  f"127.0.0.1:{args.port}; {args.database}; {search}; {cache}; {len(catalogue)} procedures, "
                  f"{len(queries)} dev queries", flush=True)  # fmt: skip
            warm_errors = []
            if args.warmup > 0:
                warm, _, _ = run_phones(args.port, 4, args.warmup, codes[::7], queries, seed=1)
                warm_errors = [f"warm-up: {message}" for message in warm.errors]
                print(f"warm-up         {warm.loops} scans, {len(warm.errors)} errors", flush=True)
            recorder, elapsed, reconnects = run_phones(
                args.port, args.phones, args.seconds, codes, queries, think=args.think
            )
        finally:
            stop(server)

    report(recorder, elapsed, args, reconnects)
    tracebacks, locked = server_errors(log_path)
    print(f"server log      {tracebacks} tracebacks, {locked} × 'database is locked' ({log_path})")
    problems = [*warm_errors, *recorder.errors]
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the server log")
    for message in problems[:20]:
        print(f"PROBLEM: {message}")
    if problems:
        print("FAILED")
        sys.exit(1)
    print("OK: no error answers, no connection errors, no server traceback")


if __name__ == "__main__":
    main()

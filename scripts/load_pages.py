"""Load test of the QR landing pages: C clients open /p/<code>/ (and follow the redirect) while 2 others post feedback.

Not a timed test: it prints figures, and exits with status 1 if any answer is
a 5xx (or any non-2xx/3xx), a traceback is in the server log, an accepted
submission is not stored, or the page views written to ``ProcedureViewCount``
after the server stopped differ from the procedure pages the clients opened.

What it does:

1. prepares its own database (``--database sqlite``, the default, a fresh
   file; ``--database env`` the PostgreSQL database in ``DATABASE_URL``):
   migrate, collectstatic, home page, then ``load_demo_data`` (232 procedures);
2. starts gunicorn as scripts/load_feedback.py does (production settings,
   ``--workers`` × ``--threads``, 127.0.0.1, ``--port``, default 8790);
3. ``--clients`` threads GET ``--requests`` pages in total: /p/<code>/ and
   its redirect target, codes drawn with a Zipf-like skew (a few posters are
   scanned much more; the biggest real record is among the most scanned);
   2 more threads post ``--submissions`` feedback messages meanwhile, each
   from its own address (X-Forwarded-For);
4. stops gunicorn with SIGTERM and waits: each worker writes its remaining
   view counts at exit (procedures/view_counts.py); then compares.

    .venv/bin/python scripts/load_pages.py
    DATABASE_URL=postgres://portal@127.0.0.1:54329/load_pages_bench \\
        .venv/bin/python scripts/load_pages.py --database env --port 8791
"""

import argparse
import gzip
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import percentile, positive_int, run_in_threads  # noqa: E402
from load_feedback import (  # noqa: E402
    Client,
    add_server_arguments,
    prepare,
    server_env,
    server_errors,
    start_server,
    stop,
)


def load_catalogue(env, load=True):
    """Run load_demo_data (unless ``load`` is false); return [(code, text size)] of the live procedures,
    biggest first."""
    if load:
        subprocess.run(
            [sys.executable, "manage.py", "load_demo_data"], cwd=ROOT, env=env, check=True, capture_output=True
        )
    import django

    django.setup()
    from procedures.models import ProcedurePage, ProcedureViewCount

    ProcedureViewCount.objects.all().delete()

    def text_size(page):
        children = [*page.required_documents.all(), *page.steps.all()]
        return sum(len(str(value)) for obj in (page, *children) for value in vars(obj).values())

    pages = ProcedurePage.objects.live().public().exclude(code="").prefetch_related("required_documents", "steps")
    sizes = [(page.code, text_size(page)) for page in pages]
    return sorted(sizes, key=lambda item: -item[1])


def skewed_codes(catalogue, total, seed=13):
    """``total`` codes, Zipf-like (weight 1/rank): the biggest record first, then the others shuffled."""
    codes = [code for code, _ in catalogue]
    rest = codes[1:]
    random.Random(seed).shuffle(rest)  # noqa: S311 - a reproducible load pattern
    ranked = [codes[0], *rest]
    weights = [1 / (rank + 1) for rank in range(len(ranked))]
    return random.Random(seed + 1).choices(ranked, weights=weights, k=total)  # noqa: S311


def run_readers(port, codes, clients):
    """Each client opens its share of /p/<code>/ and the page it redirects to. Returns (results, errors, seconds)."""
    results, errors, lock = [], [], threading.Lock()

    def work(index):
        client = Client("127.0.0.1", port)
        headers = {"Accept-Encoding": "identity"}
        for code in codes[index::clients]:
            started = time.perf_counter()
            try:
                response, _ = client.request("GET", f"/p/{code}/", headers=headers)
                statuses = [response.status]
                size = 0
                if response.status == 302:
                    location = response.getheader("Location") or ""
                    path = "/" + location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location
                    response, body = client.request("GET", path, headers=headers)
                    statuses.append(response.status)
                    size = len(body)
                    gz = len(gzip.compress(body, 6))
                else:
                    gz = 0
            except Exception as exc:  # noqa: BLE001 - reported, counted as a failure
                with lock:
                    errors.append(f"/p/{code}/: {exc!r}")
                continue
            with lock:
                results.append((code, statuses, time.perf_counter() - started, size, gz))

    elapsed = run_in_threads(work, clients)
    return results, errors, elapsed


def run_writers(port, marker, total, stop_event):
    """2 clients post ``total`` feedback messages between them, each from its own address."""
    outcomes, lock = [], threading.Lock()

    def work(index):
        client = Client("127.0.0.1", port)
        for number in range(index, total, 2):
            address = f"198.51.100.{number % 250 + 1}"
            try:
                client.load_form(address)
                status, code, _, _ = client.submit(marker, number, address, identity=number % 4 == 0)
            except Exception as exc:  # noqa: BLE001
                status, code = repr(exc), None
            with lock:
                outcomes.append((number, status, code))
            stop_event.wait(0.2)

    thread = threading.Thread(target=run_in_threads, args=(work, 2))
    thread.start()
    return thread, outcomes


def stored_views_and_feedback(marker):
    from django.db import connections
    from django.db.models import Sum

    from feedback.models import Feedback
    from procedures.models import ProcedureViewCount

    for connection in connections.all():
        connection.close()  # read what the server wrote, not a cached transaction
    views = ProcedureViewCount.objects.aggregate(total=Sum("count"))["total"] or 0
    titles = set(Feedback.objects.filter(title__startswith=f"{marker} #").values_list("title", flat=True))
    return views, titles


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=positive_int, default=2000, help="procedure pages opened in total")
    parser.add_argument("--clients", type=positive_int, default=8)
    parser.add_argument("--submissions", type=positive_int, default=40, help="feedback posts by the 2 writers")
    add_server_arguments(parser, ROOT / ".cache" / "load-pages.sqlite3")
    parser.set_defaults(port=8790, workers=2, threads=4)
    args = parser.parse_args()
    if args.database == "env" and "postgres" not in (os.environ.get("DATABASE_URL", "")):
        sys.exit("--database env: set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")

    env = server_env(args)
    env.update(
        FEEDBACK_PRIVATE_ROOT=str(ROOT / ".cache" / "load-pages-private"),
        DJANGO_STATIC_ROOT=str(ROOT / ".cache" / "load-pages-static"),
    )
    os.environ.update(env)
    print("Preparing the database (migrate, collectstatic, home page, load_demo_data)…", flush=True)
    prepare(env)
    catalogue = load_catalogue(env)
    codes = skewed_codes(catalogue, args.requests)
    biggest_code, _ = catalogue[0]
    marker = f"LOADP-{uuid.uuid4().hex[:8]}"
    log_path = ROOT / ".cache" / "load-pages-server.log"
    stop_event = threading.Event()
    with log_path.open("w") as log:
        server = start_server(env, args.port, args, log)
        try:
            print(f"gunicorn {args.workers} workers × {args.threads} threads on 127.0.0.1:{args.port}; "
                  f"{args.database}; {len(catalogue)} procedures", flush=True)  # fmt: skip
            writer_thread, outcomes = run_writers(args.port, marker, args.submissions, stop_event)
            results, errors, elapsed = run_readers(args.port, codes, args.clients)
            writer_thread.join(timeout=300)
        finally:
            stop_event.set()
            stop(server)  # SIGTERM, then wait: workers write their remaining view counts at exit

    views_stored, titles = stored_views_and_feedback(marker)
    pages_opened = sum(1 for _, statuses, *_ in results if statuses[-1] == 200 and len(statuses) == 2)
    latencies = [seconds * 1000 for _, _, seconds, _, _ in results]
    statuses = {}
    for _, chain, *_ in results:
        for status in chain:
            statuses[status] = statuses.get(status, 0) + 1
    bad = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    five = sum(count for status, count in statuses.items() if status >= 500)
    sizes = [size for _, _, _, size, _ in results if size]
    gzips = [gz for _, _, _, size, gz in results if size]
    biggest = [(size, gz) for code, _, _, size, gz in results if code == biggest_code and size]
    accepted = {f"{marker} #{number:05d}" for number, status, _ in outcomes if status == 302}
    writer_5xx = sum(1 for _, status, _ in outcomes if isinstance(status, int) and status >= 500)
    tracebacks, locked = server_errors(log_path)
    print()
    print(f"pages opened          {len(results)} (/p/<code>/ + redirect) by {args.clients} clients in {elapsed:.1f} s")
    print(f"throughput            {len(results) / elapsed:.1f} pages/s ({2 * len(results) / elapsed:.1f} requests/s)")
    print(f"latency ms (2 GETs)   p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 0.95):.0f}  "
          f"p99 {percentile(latencies, 0.99):.0f}  max {max(latencies):.0f}")  # fmt: skip
    print(f"bytes per page        median {statistics.median(sizes):,.0f} raw / {statistics.median(gzips):,.0f} gzip; "
          f"max {max(sizes):,} / {max(gzips):,}")  # fmt: skip
    if biggest:
        print(f"biggest record        {biggest_code}: {biggest[0][0]:,} bytes raw / {biggest[0][1]:,} gzip, "
              f"opened {len(biggest)} times")  # fmt: skip
    print(f"answers               {dict(sorted(statuses.items()))}  (not 2xx/3xx: {bad})")
    print(f"feedback              {len(outcomes)} posted, {len(accepted)} accepted, {len(accepted & titles)} stored "
          f"({writer_5xx} × 5xx)")  # fmt: skip
    print(f"server log            {tracebacks} tracebacks, {locked} × 'database is locked' ({log_path})")
    print(f"page views            {pages_opened} opened by the clients, {views_stored} written to ProcedureViewCount")
    problems = list(errors)
    if bad or five or writer_5xx:
        problems.append(f"{bad} answers not 2xx/3xx, {five + writer_5xx} × 5xx")
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the server log")
    if accepted - titles:
        problems.append(f"{len(accepted - titles)} accepted submissions not stored")
    if views_stored != pages_opened:
        problems.append(f"view counts: {views_stored} written, {pages_opened} opened")
    for message in problems[:20]:
        print(f"PROBLEM: {message}")
    if problems:
        print("FAILED")
        sys.exit(1)
    print("OK: no error answers, every accepted submission stored, every page view written")


if __name__ == "__main__":
    main()

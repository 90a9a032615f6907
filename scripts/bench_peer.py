"""Search throughput beside wagtail/bakerydemo on the same machine (docs/search.md, "Speed").

Prints figures; not a test. Sets up once, cached under ``.cache/peer/``:

- ``bakerydemo/``: a checkout of wagtail/bakerydemo (extract it first from the bare git dir the
  ``fetch`` tool gives: ``git --git-dir=DIR archive HEAD | tar -x -C .cache/peer/bakerydemo``),
  run in its own venv (``venv-bakery/``: Django 5.2, Wagtail 7.4, gunicorn) with its production
  settings, SQLite and ``load_initial_data``. Nothing of its code is copied into this repository.
- ``portal.sqlite3``: this portal with ``migrate``, ``load_demo_data`` and ``update_index`` under
  ``config.settings.production`` (SQLite, database search backend).
- ``floor/floor_app.py``: a one-file Django app answering a fixed JSON body: the floor.

Then it starts one gunicorn per target (same settings: ``--workers 2``, sync) on private ports,
warms them, and runs interleaved rounds (portal API, portal HTML, bakerydemo, floor) of N
requests from C client threads (``http.client``), printing requests/s and p50/p95 per target per
round, the median over rounds and the ratios. Every server is stopped on exit.

The portal's queries come from the dev split of ``tests/data/search/queries.json`` ONLY.

    .venv/bin/python scripts/bench_peer.py --rounds 5 --requests 400 --concurrency 4
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / ".cache" / "peer"
BAKERY = PEER / "bakerydemo"
BAKERY_VENV = PEER / "venv-bakery"
PORTAL_DB = PEER / "portal.sqlite3"
FLOOR = PEER / "floor"
QUERIES = ROOT / "tests" / "data" / "search" / "queries.json"
# Words from bakerydemo's bread and blog titles (its fixtures): what its visitors would type.
BAKERY_QUERIES = [
    "bread",
    "sourdough",
    "baguette",
    "soda bread",
    "rye",
    "bagel",
    "croissant",
    "brioche",
    "focaccia",
    "pretzel",
    "tortilla",
    "bakery",
    "blog",
    "recipe",
    "wholemeal",
]
# As the reverse proxy in front of both would send them (both use SECURE_PROXY_SSL_HEADER).
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
FLOOR_APP = """\
from django.conf import settings
from django.http import JsonResponse
from django.urls import path

settings.configure(DEBUG=False, SECRET_KEY="floor-" + "x" * 50, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[])


def floor(request):
    return JsonResponse({"q": request.GET.get("q", ""), "results": []})


urlpatterns = [path("floor/", floor)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
"""


def dev_queries():
    """The dev split only: the test split is never looked at."""
    items = json.loads(QUERIES.read_text(encoding="utf-8"))
    return [item["query"] for item in items if item.get("split") == "dev"]


def portal_env():
    env = dict(os.environ)
    for name in ("SEARCH_URL", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    key_file = PEER / "portal-keys.json"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_text(json.dumps({"secret": secrets.token_urlsafe(64), "fernet": Fernet.generate_key().decode()}))
    keys = json.loads(key_file.read_text())
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=keys["secret"],
        FEEDBACK_IDENTITY_KEYS=keys["fernet"],
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        EMAIL_ALLOW_CONSOLE="true",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{PORTAL_DB}",
        DJANGO_STATIC_ROOT=str(PEER / "portal-static"),
        DJANGO_MEDIA_ROOT=str(PEER / "portal-media"),
        FEEDBACK_PRIVATE_ROOT=str(PEER / "portal-private"),
        LOG_LEVEL="WARNING",
    )
    return env


def bakery_env():
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_ENDPOINT"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="bakerydemo.settings.production",
        DJANGO_SECRET_KEY="bakery-" + "y" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_NAME=str(PEER / "bakery.sqlite3"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def run(cmd, cwd, env):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


def setup():
    PEER.mkdir(parents=True, exist_ok=True)
    if not (BAKERY / "manage.py").exists():
        sys.exit(f"Extract wagtail/bakerydemo into {BAKERY} first (see the docstring).")
    if not (BAKERY_VENV / "bin" / "gunicorn").exists():
        run([sys.executable, "-m", "venv", BAKERY_VENV], PEER, os.environ)
        run(
            [
                BAKERY_VENV / "bin" / "pip",
                "install",
                "-q",
                "Django>=5.2,<5.3",
                "wagtail>=7.4,<7.5",
                "python-dotenv>=1.2.1,<2",
                "wagtail-font-awesome-svg>=1,<2",
                "django-csp>=3.8,<4",
                "dj-database-url>=3.1.0,<4",
                "django-extensions>=4.1,<5",
                "django-debug-toolbar>=4.2,<5",
                "whitenoise>=6.11.0,<7",
                "django-storages>=1.14.6,<2",
                "django-redis>=6.0.0,<7",
                "django-basic-auth-ip-whitelist>=0.8,<0.9",
                "gunicorn",
            ],
            PEER,
            os.environ,
        )
    marker = PEER / "bakery.ready"
    if not marker.exists():
        py = BAKERY_VENV / "bin" / "python"
        run([py, "manage.py", "migrate", "--noinput"], BAKERY, bakery_env())
        run([py, "manage.py", "load_initial_data"], BAKERY, bakery_env())
        run([py, "manage.py", "collectstatic", "--noinput"], BAKERY, bakery_env())
        run([py, "manage.py", "update_index"], BAKERY, bakery_env())
        marker.touch()
    marker = PEER / "portal.ready"
    if not marker.exists():
        py = ROOT / ".venv" / "bin" / "python"
        for args in (
            ["migrate", "--noinput"],
            ["createcachetable"],
            ["load_demo_data"],
            ["collectstatic", "--noinput"],
            ["update_index"],
        ):
            run([py, "manage.py", *args], ROOT, portal_env())
        marker.touch()
    else:
        # The database was built by an older checkout: bring its schema and shipped data up to date.
        run([ROOT / ".venv" / "bin" / "python", "manage.py", "migrate", "--noinput"], ROOT, portal_env())
    FLOOR.mkdir(exist_ok=True)
    (FLOOR / "floor_app.py").write_text(FLOOR_APP)


def start(name, gunicorn, app, cwd, env, port, workers):
    log = open(PEER / f"{name}.log", "w")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc


def wait_up(port, path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=HEADERS)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answers on port {port}")


def load(port, paths, total, concurrency):
    """``total`` GETs over ``paths`` from ``concurrency`` threads, one keep-alive-less connection each."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", paths[i % len(paths)], headers=HEADERS)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if ok else errors).append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {"rps": len(latencies) / wall, "p50": pct(0.50), "p95": pct(0.95), "errors": len(errors)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400, help="requests per target per round")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per target")
    args = parser.parse_args()
    setup()

    queries = dev_queries()
    quote = urllib.parse.quote
    targets = {
        "portal-api": (8611, [f"/api/search/?q={quote(q)}" for q in queries]),
        # The same, every answer computed (SEARCH_KEEP_RESULTS off): the search itself.
        "portal-api-computed": (8614, [f"/api/search/?q={quote(q)}" for q in queries]),
        "portal-html": (8611, [f"/search/?q={quote(q)}" for q in queries]),
        "bakerydemo": (8612, [f"/search/?q={quote(q)}" for q in BAKERY_QUERIES]),
        "floor": (8613, [f"/floor/?q={quote(q)}" for q in queries]),
    }
    procs = [
        start(
            "portal",
            ROOT / ".venv" / "bin" / "gunicorn",
            "config.wsgi:application",
            ROOT,
            portal_env(),
            8611,
            args.workers,
        ),
        start(
            "portal-computed",
            ROOT / ".venv" / "bin" / "gunicorn",
            "config.wsgi:application",
            ROOT,
            {**portal_env(), "SEARCH_KEEP_RESULTS": "false"},
            8614,
            args.workers,
        ),
        start(
            "bakery",
            BAKERY_VENV / "bin" / "gunicorn",
            "bakerydemo.wsgi:application",
            BAKERY,
            bakery_env(),
            8612,
            args.workers,
        ),
        start(
            "floor",
            ROOT / ".venv" / "bin" / "gunicorn",
            "floor_app:application",
            FLOOR,
            {**os.environ, "PYTHONPATH": str(FLOOR)},
            8613,
            args.workers,
        ),
    ]
    try:
        for name, (port, paths) in targets.items():
            status = wait_up(port, paths[0])
            if status != 200:
                raise RuntimeError(f"{name} answers {status} on {paths[0]}")
            load(port, paths, 2 * len(paths) if name != "bakerydemo" else 60, args.concurrency)  # warm
        results = {name: [] for name in targets}
        for r in range(1, args.rounds + 1):
            for name, (port, paths) in targets.items():
                res = load(port, paths, args.requests, args.concurrency)
                results[name].append(res)
                print(
                    f"round {r} {name:12} {res['rps']:8.1f} req/s  p50 {res['p50']:7.1f} ms  "
                    f"p95 {res['p95']:7.1f} ms  errors {res['errors']}",
                    flush=True,
                )
        print(
            f"\nmedian over {args.rounds} rounds ({args.requests} requests, {args.concurrency} clients, "
            f"{args.workers} sync workers each):"
        )
        med = {}
        for name, rows in results.items():
            med[name] = {k: statistics.median(row[k] for row in rows) for k in ("rps", "p50", "p95")}
            print(
                f"  {name:12} {med[name]['rps']:8.1f} req/s  p50 {med[name]['p50']:7.1f} ms  "
                f"p95 {med[name]['p95']:7.1f} ms"
            )
        print(f"  portal-api / bakerydemo  {med['portal-api']['rps'] / med['bakerydemo']['rps']:.2f}x")
        print(
            f"  portal-api-computed / bakerydemo  {med['portal-api-computed']['rps'] / med['bakerydemo']['rps']:.2f}x"
        )
        print(f"  portal-html / bakerydemo {med['portal-html']['rps'] / med['bakerydemo']['rps']:.2f}x")
        for name in ("portal-api", "portal-api-computed", "portal-html", "bakerydemo"):
            print(f"  {name} / floor {med[name]['rps'] / med['floor']['rps']:.2f}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

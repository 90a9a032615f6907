"""Throughput beside wagtail/bakerydemo on the same machine: search (docs/search.md, "Speed") and pages.

Prints figures; not a test. Sets up once, cached under ``.cache/peer/``:

- ``bakerydemo/``: a checkout of wagtail/bakerydemo (extract it first from the bare git dir the
  ``fetch`` tool gives: ``git --git-dir=DIR archive HEAD | tar -x -C .cache/peer/bakerydemo``),
  run in its own venv (``venv-bakery/``: Django 5.2, Wagtail 7.4, gunicorn) with its production
  settings, SQLite and ``load_initial_data``. Nothing of its code is copied into this repository.
- ``portal.sqlite3``: this portal with ``migrate``, ``load_demo_data`` and ``update_index`` under
  ``config.settings.production`` (SQLite, database search backend; the page cache's files in
  ``portal-pages/``, emptied at each start).
- ``floor/floor_app.py``: a one-file Django app answering a fixed JSON body: the floor.

Then it starts one gunicorn per server needed (same settings: ``--workers 2``, sync) on private
ports, warms them, and runs interleaved rounds of N requests per target from C client threads
(``http.client``), printing requests/s and p50/p95 per target per round, the median over rounds
and the ratios. Every server is stopped on exit. ``--targets`` chooses the groups:

- ``search``: the portal's search API (answers kept, and computed: ``SEARCH_KEEP_RESULTS`` off),
  its search page, bakerydemo's search page (``bakery-search``);
- ``pages``: the portal's procedure page, the biggest demo procedure and a typical one (median
  size), each ``-cached`` (a plain anonymous GET, which the anonymous page cache,
  home/page_cache.py, serves after the first) and ``-uncached`` (the same GET with the cookie
  ``sessionid=bench``: the page cache skips any request carrying the session cookie, so the page is
  rendered each time), beside bakerydemo's bread page (``bakery-bread``, a bread of its demo data)
  and its search page;
- ``all`` (the default): both. The floor is in every group.

Ratios with the targets of the "fast at peak" work: cached procedure / floor >= 0.50, uncached
procedure / bakerydemo bread >= 2, search API / bakerydemo search >= 3. A ``-cached`` target not
answered from the page cache (``X-Page-Cache: hit``) is reported.

The portal's queries come from the dev split of ``tests/data/search/queries.json`` ONLY.

    .venv/bin/python scripts/bench_peer.py --rounds 5 --requests 400 --concurrency 4
    .venv/bin/python scripts/bench_peer.py --targets pages --rounds 3 --requests 200
    .venv/bin/python scripts/bench_peer.py --client wrk --concurrency 16 --seconds 8 --rounds 3

``--client wrk`` measures with Debian's ``wrk`` (C, keep-alive where the server allows it) for
``--seconds`` per target and round instead: the Python client tops out near 1,000 requests a
second on this machine, so the floor and the cached page measure the client more than the servers.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import dev_queries  # noqa: E402

PEER = ROOT / ".cache" / "peer"
BAKERY = PEER / "bakerydemo"
BAKERY_VENV = PEER / "venv-bakery"
PORTAL_DB = PEER / "portal.sqlite3"
FLOOR = PEER / "floor"
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
        PAGE_CACHE_DIR=str(PEER / "portal-pages"),
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


def wait_up(port, path, headers=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={**HEADERS, **(headers or {})})
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answers on port {port}")


def load(port, paths, total, concurrency, headers=None):
    """``total`` GETs over ``paths`` from ``concurrency`` threads, a new connection per request (as
    before: the sync workers close each one). Also counts the answers' ``X-Page-Cache`` header."""
    headers = {**HEADERS, **(headers or {})}
    latencies, errors, lock = [], [], threading.Lock()
    page_cache = {}
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            cache_state = None
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", paths[i % len(paths)], headers=headers)
                response = conn.getresponse()
                response.read()
                cache_state = response.getheader("X-Page-Cache") or "none"
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if ok else errors).append(elapsed)
                if cache_state:
                    page_cache[cache_state] = page_cache.get(cache_state, 0) + 1

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

    return {
        "rps": len(latencies) / wall,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "errors": len(errors),
        "page_cache": page_cache,
    }


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
local statuses = {}
response = function(status, headers, body)
  if status ~= 200 then statuses[status] = (statuses[status] or 0) + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%f %%d %%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
      + summary.errors.status, summary.requests))
end
"""


def load_wrk(port, paths, seconds, concurrency, headers=None):
    """The same measurement with wrk (Debian's ``wrk``): keep-alive connections, ``seconds`` long, the
    paths in turn. wrk is written in C: it measures the servers, where the Python client above measures
    itself as much as a fast server."""
    import shutil as _shutil
    import tempfile

    if _shutil.which("wrk") is None:
        sys.exit("--client wrk: install Debian's wrk (apt-get install wrk)")
    script = WRK_SCRIPT % ", ".join(json.dumps(path) for path in paths[:2000])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "-s", handle.name, "--latency"]
    for name, value in {**HEADERS, **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    rps, p50, p95, errors, _requests = line.split()[1:]
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "errors": int(errors), "page_cache": {}}


def portal_procedures():
    """(biggest, typical) procedure page paths of the portal's demo data: the biggest record and the one
    of median size (text of the page, its documents and steps, as scripts/load_pages.py measures it)."""
    code = (
        "import json, sys\n"
        "sys.path.insert(0, 'scripts')\n"
        "from load_pages import load_catalogue\n"
        "catalogue = load_catalogue(None, load=False)  # django.setup() too\n"
        "from procedures.models import ProcedurePage\n"
        "picked = [catalogue[0][0], catalogue[len(catalogue) // 2][0]]\n"
        "urls = [ProcedurePage.objects.live().get(code=c).get_url(None) for c in picked]\n"
        "print(json.dumps({'codes': picked, 'urls': urls}))\n"
    )
    out = subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "-c", code],
        cwd=ROOT,
        env=portal_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    paths = [urllib.parse.urlsplit(url).path for url in found["urls"]]
    return list(zip(found["codes"], paths, strict=True))


def bakery_bread_path():
    """A bread page of bakerydemo's demo data (from its database): the Bagel if it is there, else the first."""
    import sqlite3

    db = sqlite3.connect(PEER / "bakery.sqlite3")
    try:
        rows = db.execute(
            "SELECT p.title, p.url_path FROM wagtailcore_page p JOIN breads_breadpage b ON b.page_ptr_id = p.id "
            "WHERE p.live ORDER BY p.path"
        ).fetchall()
    finally:
        db.close()
    if not rows:
        raise RuntimeError("bakerydemo's database has no live bread page")
    title, url_path = next((row for row in rows if row[0].lower() == "bagel"), rows[0])
    # url_path starts with the site's root page ("/home/breads/bagel/"): the URL drops that first segment.
    return "/" + url_path.strip("/").split("/", 1)[1] + "/"


def ratio_line(med, top, bottom, target=None):
    if top not in med or bottom not in med:
        return
    value = med[top]["rps"] / med[bottom]["rps"]
    verdict = ""
    if target is not None:
        verdict = f"   (target >= {target:g}: {'met' if value >= target else 'NOT met'})"
    print(f"  {top} / {bottom}: {value:.2f}x{verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400, help="requests per target per round")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="python: threads of http.client, a new connection per request (the default); wrk: Debian's wrk",
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (--client wrk)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per target")
    parser.add_argument(
        "--targets",
        choices=["search", "pages", "all"],
        default="all",
        help="search: the search targets; pages: procedure pages (cached and not) beside bakerydemo's bread "
        "and search pages; all: both. The floor is in every group.",
    )
    args = parser.parse_args()
    setup()
    shutil.rmtree(PEER / "portal-pages", ignore_errors=True)  # the page cache's files: start empty
    groups = {"search", "pages"} if args.targets == "all" else {args.targets}

    queries = dev_queries(ROOT)
    quote = urllib.parse.quote
    # name: (server, paths, extra headers)
    targets = {}
    if "search" in groups:
        targets["portal-api"] = ("portal", [f"/api/search/?q={quote(q)}" for q in queries], {})
        # The same, every answer computed (SEARCH_KEEP_RESULTS off): the search itself.
        targets["portal-api-computed"] = ("portal-computed", [f"/api/search/?q={quote(q)}" for q in queries], {})
        targets["portal-html"] = ("portal", [f"/search/?q={quote(q)}" for q in queries], {})
    if groups & {"search", "pages"}:
        targets["bakery-search"] = ("bakery", [f"/search/?q={quote(q)}" for q in BAKERY_QUERIES], {})
    if "pages" in groups:
        (big_code, big_path), (typical_code, typical_path) = portal_procedures()
        print(f"procedure pages: biggest {big_code} {big_path}\n                 typical {typical_code} {typical_path}")
        # The anonymous page cache (home/page_cache.py) skips any request carrying the session cookie.
        uncached = {"Cookie": "sessionid=bench"}
        targets["proc-big-cached"] = ("portal", [big_path], {})
        targets["proc-big-uncached"] = ("portal", [big_path], uncached)
        targets["proc-typical-cached"] = ("portal", [typical_path], {})
        targets["proc-typical-uncached"] = ("portal", [typical_path], uncached)
        bread = bakery_bread_path()
        print(f"bakerydemo bread page: {bread}")
        targets["bakery-bread"] = ("bakery", [bread], {})
    targets["floor"] = ("floor", [f"/floor/?q={quote(q)}" for q in queries], {})

    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    servers = {
        "portal": (8611, gunicorn, "config.wsgi:application", ROOT, portal_env()),
        "portal-computed": (
            8614,
            gunicorn,
            "config.wsgi:application",
            ROOT,
            {**portal_env(), "SEARCH_KEEP_RESULTS": "false"},
        ),
        "bakery": (8612, BAKERY_VENV / "bin" / "gunicorn", "bakerydemo.wsgi:application", BAKERY, bakery_env()),
        "floor": (8613, gunicorn, "floor_app:application", FLOOR, {**os.environ, "PYTHONPATH": str(FLOOR)}),
    }
    needed = {server for server, _, _ in targets.values()}
    procs = [
        start(name, binary, app, cwd, env, port, args.workers)
        for name, (port, binary, app, cwd, env) in servers.items()
        if name in needed
    ]
    try:
        for name, (server, paths, headers) in targets.items():
            port = servers[server][0]
            status = wait_up(port, paths[0], headers)
            if status != 200:
                raise RuntimeError(f"{name} answers {status} on {paths[0]}")
            warm = 60 if server == "bakery" else max(60, 2 * len(paths))
            load(port, paths, warm, args.concurrency, headers)
        results = {name: [] for name in targets}
        for r in range(1, args.rounds + 1):
            for name, (server, paths, headers) in targets.items():
                if args.client == "wrk":
                    res = load_wrk(servers[server][0], paths, args.seconds, args.concurrency, headers)
                else:
                    res = load(servers[server][0], paths, args.requests, args.concurrency, headers)
                results[name].append(res)
                cache = ""
                if name.startswith("proc-"):
                    cache = "  page cache " + ", ".join(f"{k} {v}" for k, v in sorted(res["page_cache"].items()))
                print(
                    f"round {r} {name:22} {res['rps']:8.1f} req/s  p50 {res['p50']:7.1f} ms  "
                    f"p95 {res['p95']:7.1f} ms  errors {res['errors']}{cache}",
                    flush=True,
                )
        print(
            f"\nmedian over {args.rounds} rounds "
            f"({f'wrk, {args.seconds} s' if args.client == 'wrk' else f'{args.requests} requests'}, "
            f"{args.concurrency} clients, {args.workers} sync workers each):"
        )
        med = {}
        for name, rows in results.items():
            med[name] = {k: statistics.median(row[k] for row in rows) for k in ("rps", "p50", "p95")}
            print(
                f"  {name:22} {med[name]['rps']:8.1f} req/s  p50 {med[name]['p50']:7.1f} ms  "
                f"p95 {med[name]['p95']:7.1f} ms"
            )
        print("\nratios (req/s):")
        ratio_line(med, "proc-big-cached", "floor", 0.50)
        ratio_line(med, "proc-typical-cached", "floor", 0.50)
        ratio_line(med, "proc-big-uncached", "bakery-bread", 2)
        ratio_line(med, "proc-typical-uncached", "bakery-bread", 2)
        ratio_line(med, "portal-api", "bakery-search", 3)
        ratio_line(med, "portal-api-computed", "bakery-search", 3)
        ratio_line(med, "portal-html", "bakery-search")
        for name in ("portal-api", "portal-api-computed", "portal-html", "bakery-search", "bakery-bread"):
            ratio_line(med, name, "floor")
        errors = sum(row["errors"] for rows in results.values() for row in rows)
        not_cached = [
            name
            for name, rows in results.items()
            if name.endswith("-cached") and any(set(row["page_cache"]) - {"hit"} for row in rows)
        ]
        if not_cached:
            print(f"\nWARNING: not every answer of {', '.join(not_cached)} came from the page cache "
                  "(X-Page-Cache: hit): is home/page_cache.py in this checkout and enabled?")  # fmt: skip
        if errors:
            print(f"\nWARNING: {errors} requests failed or did not answer 200")
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

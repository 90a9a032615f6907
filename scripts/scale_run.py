"""Scale run (issue 18): a province's install at full size, timed on the cluster.

Not a test: it prints figures (docs/scaling.md, "Scale run"). On a running cluster with the demo loaded
(scripts/cluster.py up), it builds, in the cluster's database, and times each step:

1. communes up to ``--communes`` (``add_commune``: site, home page, settings, staff groups, answers page and
   its workflow, catalogue page showing the province's), host names ``x001.localhost`` …;
2. the province's catalogue imported to ``--procedures`` procedures: the demo's rows (real national records
   first) and, to reach the number, variants of the real records (same texts, codes ``9.9xxxxx``);
3. every commune's view of every procedure: one ``ProcedureOverride`` row each (a local note; one in ten hidden,
   one in twenty with a local fee), ``communes × procedures`` rows;
4. ``--items`` feedback items over the last year, spread over the communes (a few communes get many more),
   with their answers, due dates and ratings, as the register would hold them.

Then it measures through nginx, with ``--clients`` concurrent clients, on commune hosts drawn at random:
search per commune and province-wide (``scope=tinh``), each query once (cold) then again (warm), with queries
of the DEV split of tests/data/search/queries.json; procedure pages (``/p/<code>/`` then the page), cold then
warm; and the statistics, cold (``reports.statistics.compute``, as the first request after a change computes
them) per commune and for the province, and warm (the JSON endpoints, cached).

    .venv/bin/python scripts/scale_run.py --dir /tmp/cluster
"""

import argparse
import datetime
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import percentile
from cluster import Cluster
from load_feedback import Client

ROOT = Path(__file__).resolve().parent.parent
RNG = random.Random(18)  # noqa: S311 - a reproducible sample, not a secret


def host(number):
    return f"x{number:03d}.localhost"


def timed(label, work):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return result, seconds


def setup_django(cluster):
    os.environ.update(cluster.state["env"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Building the province ---


def build_communes(total):
    from wagtail.models import Site

    from home import communes

    have = Site.objects.count()
    for number in range(1, total - have + 1):
        communes.add_commune(f"Xã Thử Nghiệm {number:03d}", host(number), 80)
    return total - have


def build_catalogue(size):
    from procedures import catalogues
    from procedures.demo_catalogue import demo_catalogue_rows
    from procedures.importer import import_procedures

    rows = [row for _number, row in demo_catalogue_rows()]
    real = [row for row in rows if "Mã thủ tục" in row]
    variant = 0
    while len(rows) < size:
        source = dict(real[variant % len(real)])
        variant += 1
        source["Mã thủ tục"] = f"9.9{variant:05d}"
        source["Tên thủ tục"] = f"{source['Tên thủ tục']} (bản thử {variant})"
        rows.append(source)
    province = catalogues.province_catalogue()
    report = import_procedures(list(enumerate(rows[:size], start=1)), province, publish=True)
    return province, report


def build_overrides(province):
    from procedures.models import ProcedureIndexPage, ProcedureOverride, ProcedurePage

    procedures = list(ProcedurePage.objects.child_of(province).values_list("pk", flat=True))
    rows = []
    for catalogue in ProcedureIndexPage.objects.filter(shared_catalogue=province):
        ProcedureOverride.objects.filter(catalogue=catalogue).delete()
        for order, pk in enumerate(procedures):
            draw = RNG.random()
            rows.append(
                ProcedureOverride(
                    catalogue=catalogue,
                    procedure_id=pk,
                    sort_order=order,
                    hidden=draw < 0.1,
                    fee="Lệ phí theo quy định của xã." if 0.1 <= draw < 0.15 else "",
                    note=f"Tại {catalogue.get_parent().title}: nộp hồ sơ ở Bộ phận Một cửa, sáng thứ Bảy có trực.",
                )
            )
    ProcedureOverride.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def build_items(total):
    from django.utils import timezone

    from wagtail.models import Site

    from feedback.models import Feedback, FeedbackEvent
    from feedback.tracking import new_tracking_code
    from procedures.models import FieldOfActivity

    sites = list(Site.objects.order_by("pk").values_list("pk", flat=True))
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(sites))]  # a few communes get many more
    fields = list(FieldOfActivity.objects.values_list("pk", flat=True)) or [None]
    now = timezone.now()
    codes = set(Feedback.objects.values_list("tracking_code", flat=True))
    kinds = ["question", "suggestion", "complaint", "report"]
    channels = ["web", "web", "web", "phone", "in_person"]
    made = 0
    while made < total:
        items, ratings = [], []
        for _ in range(min(5000, total - made)):
            code = new_tracking_code()
            while code in codes:
                code = new_tracking_code()
            codes.add(code)
            received = now - datetime.timedelta(seconds=RNG.uniform(0, 365 * 86400))
            draw = RNG.random()
            item = Feedback(
                site_id=RNG.choices(sites, weights)[0],
                tracking_code=code,
                kind=RNG.choice(kinds),
                field_id=RNG.choice(fields),
                title=f"Phản ánh thử số {made + len(items)}",
                text="Đường liên ấp xuống cấp, mong xã xem xét sửa chữa.",
                channel=RNG.choice(channels),
                received_at=received,
                due_date=(received + datetime.timedelta(days=15)).date(),
            )
            answered = received + datetime.timedelta(days=RNG.uniform(0.5, 25))
            if draw < 0.05:
                item.status = "rejected"
            elif draw < 0.25 or answered > now:
                item.status = RNG.choice(["received", "checked", "forwarded"])
            else:
                item.status = RNG.choice(["approved", "published", "published", "closed"])
                item.answer = "Xã đã tiếp nhận và giao bộ phận chuyên môn xử lý."
                item.answered_at = answered
                item.approved_at = answered + datetime.timedelta(hours=RNG.uniform(1, 48))
            items.append(item)
        Feedback.objects.bulk_create(items)
        for item in items:
            if item.approved_at and RNG.random() < 0.3 and item.approved_at + datetime.timedelta(days=1) < now:
                ratings.append(
                    FeedbackEvent(
                        feedback=item,
                        action="rate",
                        rating=RNG.choice([3, 4, 4, 5, 5, 2]),
                        at=item.approved_at + datetime.timedelta(days=1),
                    )
                )
        FeedbackEvent.objects.bulk_create(ratings)
        made += len(items)
    from reports import statistics

    statistics.bump_version()
    return made


# --- Measuring through nginx ---


def measure(cluster, requests, clients):
    """[(seconds, status)] of ``requests`` ([(host, path)]) shared by ``clients`` threads."""
    results, lock, queue = [], threading.Lock(), list(requests)

    def run():
        client = Client("127.0.0.1", cluster.state["nginx_port"])
        while True:
            with lock:
                if not queue:
                    return
                target_host, path = queue.pop()
            started = time.perf_counter()
            response, _body = client.request("GET", path, headers={"Host": target_host})
            if response.status == 302:
                location = response.getheader("Location")
                response, _body = client.request("GET", location, headers={"Host": target_host})
            with lock:
                results.append((time.perf_counter() - started, response.status))

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(label, results):
    times = sorted(seconds for seconds, _status in results)
    errors = sum(1 for _seconds, status in results if status >= 500)
    print(
        f"  {label}: {len(times)} requests, p50 {percentile(times, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(times, 0.95) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, 5xx {errors}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--procedures", type=int, default=390)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200, help="requests per measurement")
    parser.add_argument("--skip-build", action="store_true", help="measure the province built by a previous run")
    args = parser.parse_args()
    cluster = Cluster(args.dir)
    setup_django(cluster)
    from django.db import connection

    from procedures import catalogues
    from procedures.models import ProcedureOverride, ProcedurePage

    print(f"Scale run on {connection.vendor} ({cluster.url})", flush=True)
    if not args.skip_build:
        print("Building:", flush=True)
        timed(f"add_commune up to {args.communes} communes", lambda: build_communes(args.communes))
        (province, imported), seconds = timed(
            f"import of the province's catalogue to {args.procedures} procedures",
            lambda: build_catalogue(args.procedures),
        )
        print(
            f"    {len(imported.created)} created, {len(imported.updated)} updated, "
            f"{len(imported.unchanged)} unchanged, {len(imported.rejected)} rejected "
            f"({seconds / max(1, len(imported.created) + len(imported.updated)):.2f} s per written procedure)"
        )
        timed("every commune's override of every procedure (bulk)", lambda: build_overrides(province))
        timed(f"{args.items} feedback items over a year (bulk)", lambda: build_items(args.items))
    from home import page_cache
    from search.services import clear_caches

    page_cache.bump()  # "cold" below means it: nothing kept from an earlier run
    clear_caches()
    from wagtail.models import Site

    from feedback.models import Feedback

    province = catalogues.province_catalogue()
    codes = list(ProcedurePage.objects.child_of(province).live().values_list("code", flat=True))
    print(
        f"Province: {Site.objects.count()} communes, {len(codes)} shared procedures, "
        f"{ProcedureOverride.objects.count()} commune views (override rows), {Feedback.objects.count()} items",
        flush=True,
    )
    hosts = [site.hostname for site in Site.objects.all() if site.hostname.startswith("x")] or ["127.0.0.1"]
    rows = json.loads((ROOT / "tests" / "data" / "search" / "queries.json").read_text("utf-8"))
    dev = [row["query"] for row in rows if row.get("split") == "dev"]  # never the test split
    from urllib.parse import urlencode

    print(f"Through nginx ({args.clients} clients, commune hosts drawn at random):", flush=True)
    searches = [(RNG.choice(hosts), "/search/?" + urlencode({"q": RNG.choice(dev)})) for _ in range(args.samples)]
    report("search per commune, cold", measure(cluster, searches, args.clients))
    report("search per commune, warm", measure(cluster, searches, args.clients))
    everywhere = [(h, path + "&scope=tinh") for h, path in searches]
    report("search province-wide, cold", measure(cluster, everywhere, args.clients))
    report("search province-wide, warm", measure(cluster, everywhere, args.clients))
    pages = [(RNG.choice(hosts), f"/p/{RNG.choice(codes)}/") for _ in range(args.samples)]
    report("procedure page (short address and page), cold", measure(cluster, pages, args.clients))
    report("procedure page (short address and page), warm", measure(cluster, pages, args.clients))

    from reports import statistics

    period = statistics.preset_period("12-months")
    print("Statistics, last 12 months:", flush=True)
    sample = Site.objects.order_by("?")[:10]
    cold = []
    for site in sample:
        started = time.perf_counter()
        statistics.compute(period, site.pk)
        cold.append(time.perf_counter() - started)
    cold.sort()
    print(f"  per commune, cold (compute, 10 communes): p50 {percentile(cold, 0.5):.2f} s, max {cold[-1]:.2f} s")
    timed("province roll-up with every commune's row, cold (compute)", lambda: statistics.compute(period))
    for site in [*sample, None]:  # kept as the presets' schedule keeps them
        statistics.figures_for(period, site.pk if site else None)
    warm = [(site.hostname, "/thong-ke/du-lieu.json?ky=12-months") for site in sample] * 5
    report("per commune, warm (JSON)", measure(cluster, warm, args.clients))
    roll_up = [("127.0.0.1", "/thong-ke/toan-tinh/du-lieu.json?ky=12-months")] * 20
    report("province roll-up, warm (JSON)", measure(cluster, roll_up, args.clients))

    # The 5-minute schedule (warm_presets) recomputes the offered periods whose version moved. Versions are
    # per commune: one citizen's message makes its commune's figures and the roll-up stale, no other's.
    from feedback.services import submit_feedback

    print("The statistics schedule (warm_presets, every commune's and the roll-up's offered periods):", flush=True)
    statistics.bump_version()  # what adding or removing a commune does
    recomputed, _seconds = timed("after a commune is added (every figure stale)", statistics.warm_presets)
    print(f"    {recomputed} figures recomputed")
    recomputed, _seconds = timed("with nothing new", statistics.warm_presets)
    print(f"    {recomputed} figures recomputed")
    site = sample[0]
    data = {"kind": "question", "title": "Giờ làm việc thứ Bảy", "text": "Một cửa có làm sáng thứ Bảy không?"}
    submit_feedback(data, site=site)
    recomputed, _seconds = timed(f"after one new message on {site.hostname}", statistics.warm_presets)
    print(f"    {recomputed} figures recomputed")


if __name__ == "__main__":
    main()

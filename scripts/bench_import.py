"""Benchmark the procedure import and the procedure page's query count.

On a throw-away database (a fresh SQLite file, or a test database next to
DATABASE_URL's), this script:

1. generates N procedures (default 1,000) in the national database's JSON
   format and imports them with ``--publish`` semantics, timed;
2. imports the same file again, timed, and checks that nothing changed
   (0 created, 0 updated, N unchanged, no new revisions);
3. renders one procedure page through the Django test client and counts the
   database queries for a page with 1 document and for one with 30 documents
   and 20 steps.

Exits with status 1 if the second import changed anything.

    .venv/bin/python scripts/bench_import.py
    .venv/bin/python scripts/bench_import.py --count 200
    .venv/bin/python scripts/bench_import.py --real   # real-shaped rows (below)

With ``--real`` the rows are the 200 real national records of
``tests/data/national/procedures.json`` cycled, each copy with a code and a
name of its own: long official names, document entries of thousands of
characters, cases, quantities and forms, as the national export has them.
"""

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

FIELDS = ["Hộ tịch", "Chứng thực", "Cư trú", "Đất đai", "Xây dựng", "Bảo trợ xã hội", "Tư pháp", "Văn hóa"]
CHANNELS = [["truc_tiep"], ["truc_tiep", "truc_tuyen"], ["truc_tiep", "truc_tuyen", "buu_chinh"]]
UNITS = [("working_days", 3), ("days", 10), ("hours", 4), ("immediately", None)]


def procedure(number, documents=3, steps=4):
    unit, value = UNITS[number % len(UNITS)]
    return {
        "code": f"1.{number:06d}",
        "name": f"Thủ tục hành chính thử nghiệm số {number}",
        "field": FIELDS[number % len(FIELDS)],
        "level": "Cấp tỉnh" if number % 10 == 0 else "Cấp xã",
        "steps": [f"Bước {i + 1}: công chức xử lý hồ sơ thủ tục số {number}" for i in range(steps)],
        "channels": CHANNELS[number % len(CHANNELS)],
        "documents": [
            {"name": f"Giấy tờ số {i + 1} của thủ tục {number}", "copies": 1 + i % 2, "form": None}
            for i in range(documents)
        ],
        "processing_time": {"value": value, "unit": unit, "note": ""},
        "fee": "Miễn lệ phí" if number % 3 else "50.000 đồng",
        "applicants": "Công dân Việt Nam cư trú trên địa bàn xã",
        "agency": "Ủy ban nhân dân cấp xã",
        "result": "Văn bản trả lời của Ủy ban nhân dân cấp xã",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP"],
        "conditions": "",
        "online_url": "https://dichvucong.gov.vn/" if number % 2 else "",
    }


NATIONAL = ROOT / "tests" / "data" / "national" / "procedures.json"


def real_shaped(count):
    """``count`` rows cut from the real records: copy k of record r gets code 9.<k><r> and a numbered name."""
    records = json.loads(NATIONAL.read_text(encoding="utf-8"))
    rows = []
    for number in range(count):
        record = dict(records[number % len(records)])
        copy_number = number // len(records)
        record["Mã thủ tục"] = f"9.{number + 1:06d}"
        if copy_number:
            record["Tên thủ tục"] = f"{record['Tên thủ tục']} (bản {copy_number + 1})"
        rows.append(record)
    return rows


def timed_import(path, catalogue, profile=False):
    from procedures.importer import import_procedures, read_rows

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = import_procedures(read_rows(path, "json"), catalogue, publish=True)
    seconds = time.perf_counter() - started
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    return report, seconds


def page_queries(client, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from procedures.view_counts import write_counts

    # Views counted as in production: in memory, written together once a minute (procedures/view_counts.py).
    with override_settings(PROCEDURE_VIEWS_FLUSH_SECONDS=60):
        write_counts()
        client.get(page.url)  # warm caches (site root, settings, menus)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        write_counts()
    if response.status_code != 200:
        raise SystemExit(f"{page.url} answered {response.status_code}")
    return len(queries)


def run(count, real=False, profile=False):
    from django.test import Client

    from wagtail.models import Revision

    from home.setup import ensure_home_page
    from procedures.importer import import_procedures
    from procedures.models import ProcedureIndexPage, ProcedurePage
    from tests.factories import make_procedure_index

    home = ensure_home_page()
    catalogue = ProcedureIndexPage.objects.first() or make_procedure_index(home)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "procedures.json"
        rows = real_shaped(count) if real else [procedure(n) for n in range(1, count + 1)]
        path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
        kind = "real-shaped" if real else "generated"
        print(f"{count} {kind} procedures ({path.stat().st_size / 1024:.0f} KiB of JSON)")

        first, first_seconds = timed_import(path, catalogue, profile=profile)
        revisions = Revision.objects.count()
        print(
            f"First import:  {first_seconds:7.2f} s  ({count / first_seconds:6.1f} rows/s)  "
            f"created {len(first.created)}, updated {len(first.updated)}, "
            f"unchanged {len(first.unchanged)}, rejected {len(first.rejected)}"
        )
        second, second_seconds = timed_import(path, catalogue)
        print(
            f"Second import: {second_seconds:7.2f} s  ({count / second_seconds:6.1f} rows/s)  "
            f"created {len(second.created)}, updated {len(second.updated)}, "
            f"unchanged {len(second.unchanged)}, rejected {len(second.rejected)}"
        )
    revisions_after = Revision.objects.count()
    print(f"Revisions: {revisions} after the first import, {revisions_after} after the second")
    idempotent = (
        not second.created
        and not second.updated
        and not second.rejected
        and len(second.unchanged) == count
        and revisions_after == revisions
        and ProcedurePage.objects.count() == count
    )

    small_report = import_procedures(
        [(1, procedure(count + 1, documents=1, steps=1)), (2, procedure(count + 2, documents=30, steps=20))],
        catalogue,
        publish=True,
    )
    small, big = (ProcedurePage.objects.get(pk=outcome.page_id) for outcome in small_report.created)
    client = Client()
    small_queries, big_queries = page_queries(client, small), page_queries(client, big)
    print(
        f"Queries to render a procedure page: 1 document/1 step: {small_queries}; 30 documents/20 steps: {big_queries}"
    )

    if not idempotent:
        print("FAIL: the second import changed something (it must report every row unchanged).")
        return 1
    print("OK: the second import changed nothing.")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="How many procedures to generate (default 1000).")
    parser.add_argument("--real", action="store_true", help="Rows cut from the real national records.")
    parser.add_argument("--profile", action="store_true", help="Print a cProfile summary of the first import.")
    args = parser.parse_args()

    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)

    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        # A name of its own, so that a test run on the same server is never clobbered.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_bench_import_{os.getpid()}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Throw-away database: {connection.vendor} {test_name}")
    try:
        return run(args.count, real=args.real, profile=args.profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())

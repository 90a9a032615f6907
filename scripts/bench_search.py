"""Benchmark the JSON search and autocomplete endpoints on 10,000 procedures.

On a database of its own (a SQLite file under ``.cache/`` by default, or
DATABASE_URL with ``--database env``) and on the search backend the
environment selects (SEARCH_URL set: Elasticsearch/OpenSearch, with its own
index prefix ``bench_``; unset: the database backend), this script:

1. generates N realistic procedures (default 10,000) from the 56 demo
   procedures in ``procedures/demo/procedures.json`` (applicant groups,
   villages, "(lần k)"; the 14 fields; 2 to 5 required documents each) and
   the demo synonyms, writes them straight into the page tree as live pages
   without revisions, checks the tree, and indexes them with
   ``update_index``, all timed. A second run on the same database with the
   same count reuses the data (and the index, if it still holds every
   procedure); ``--rebuild`` starts over;
2. builds a set of queries from the titles and document names (with and
   without diacritics, several words, typos, national codes, questions, a few
   that must find nothing) and prefixes of 2 to 8 characters;
3. calls ``/api/search/`` in-process through the Django test client (no web
   server, DEBUG off) for three endpoints: a search (page 1), a search with
   ``kind=procedure`` and a field filter, and ``mode=autocomplete``. It prints
   p50/p95/max latency, the SQL queries (and search engine calls) per request,
   and the hit rate: answers that are not 200, or queries expected to match
   that find nothing, mean the figures are not worth reading.

Exits with status 1 if a request fails or the hit rate is below
``--min-hit-rate``; latency above the target is reported, not failed.

    .venv/bin/python scripts/bench_search.py
    .venv/bin/python scripts/bench_search.py --procedures 2000 --profile
    source scripts/lib.sh && source scripts/services.sh && start_services  # PostgreSQL + OpenSearch
    DATABASE_URL=postgres://portal@127.0.0.1:54329/bench_search \\
        .venv/bin/python scripts/bench_search.py --database env
"""

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import add_database_arguments, percentile, positive_int, use_bench_database  # noqa: E402 - scripts/ is on the path when run

DEMO_PROCEDURES = ROOT / "procedures" / "demo" / "procedures.json"
DEFAULT_SQLITE = ROOT / ".cache" / "bench-search.sqlite3"
API = "/api/search/"
GENERATOR_VERSION = 2
# p95 aims of the search issue, in milliseconds.
TARGETS = {"engine": 30.0, "database": 100.0}

# Who the variants are for, and where: appended to the demo titles.
GROUPS = [
    "",
    "cho người cao tuổi",
    "cho trẻ em dưới 6 tuổi",
    "cho người khuyết tật",
    "cho hộ nghèo, hộ cận nghèo",
    "cho đồng bào dân tộc thiểu số",
    "đối với công dân cư trú ở nước ngoài",
    "cho người lao động tự do",
    "cho hộ kinh doanh cá thể",
    "có yếu tố nước ngoài",
    "cho học sinh, sinh viên",
    "cho thân nhân liệt sĩ",
]
VILLAGES = [
    "",
    "tại thôn Trung Tâm",
    "tại thôn Đồng Xanh",
    "tại thôn Suối Cát",
    "tại thôn Phú Lộc",
    "tại thôn Hòa Thuận",
    "tại buôn Ea Kmar",
    "tại thôn Tân Lập",
    "tại thôn Bình Minh",
    "tại thôn Thạch Bàn",
    "tại thôn Kim Ngọc",
    "tại ấp Long Hưng",
    "tại bản Nà Phặc",
]
EXTRA_DOCUMENTS = [
    "Thẻ Căn cước hoặc thẻ Căn cước công dân (xuất trình bản chính)",
    "Đơn đề nghị theo mẫu",
    "Văn bản ủy quyền có chứng thực (nếu nộp thay)",
    "Bản sao Giấy khai sinh",
    "Giấy xác nhận thông tin về cư trú",
    "Ảnh chân dung cỡ 4x6 cm",
    "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
    "Giấy xác nhận khuyết tật",
    "Hợp đồng thuê nhà hoặc văn bản cho mượn chỗ ở hợp pháp",
    "Văn bản đồng ý của chủ hộ",
    "Biên lai nộp phí, lệ phí (nếu có)",
    "Sơ đồ vị trí thửa đất",
]
QUESTIONS = ["{} cần giấy tờ gì", "làm {} ở đâu", "thủ tục {} như thế nào", "cho hỏi {}", "{} mất bao lâu"]
# Far from every title word, so that spelling correction finds nothing either.
NONSENSE = ["xqzv", "zzyzx quorbl", "qwrtzk", "wqxz jjfk", "fjqqk zvrb", "zvfjw", "jxqwz fzzk", "kzzqx"]


# --- Set-up, before Django is configured -------------------------------------


def fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=positive_int, default=10_000, help="Procedures to generate (10000).")
    parser.add_argument("--queries", type=positive_int, default=300, help="Requests per endpoint (300).")
    parser.add_argument("--warmup", type=int, default=20, help="Untimed requests per endpoint first (20).")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="Run every request once untimed first, answers computed each time (SEARCH_KEEP_RESULTS off): "
        "the steady state of a worker whose kept page facts and title caches hold the pages found.",
    )
    add_database_arguments(parser, DEFAULT_SQLITE)
    parser.add_argument("--index-prefix", default="bench_", help="Search engine index prefix (bench_).")
    parser.add_argument("--rebuild", action="store_true", help="Generate and index again even if the data fits.")
    parser.add_argument("--reindex", action="store_true", help="Index again (keep the generated data).")
    parser.add_argument(
        "--budget", type=positive_int, default=900, help="Stop an endpoint after this many seconds (900)."
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed for the generated data and queries (1).")
    parser.add_argument("--min-hit-rate", type=fraction, default=0.95, help="Fail below this hit rate (0.95).")
    parser.add_argument(
        "--profile", action="store_true", help="Also break the time down by phase, SQL and engine, and cProfile."
    )
    args = parser.parse_args()
    if args.index_prefix in {"", "test_", "portal_", "smoke_"}:
        parser.error(f"--index-prefix {args.index_prefix!r} is used by the tests or the portal: pick another")
    return args


def configure_environment(args):
    """Point settings at the benchmark's own database and index (before django.setup())."""
    os.environ["SEARCH_INDEX_PREFIX"] = args.index_prefix
    use_bench_database(args.database, args.sqlite_path, args.rebuild, "bench_search")


# --- Generated procedures ----------------------------------------------------


def procedure_rows(count, seed):
    """Rows in the national database's JSON format: the demo procedures, then variants."""
    demo = json.loads(DEMO_PROCEDURES.read_text("utf-8"))
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    titles = Counter()
    rows = []
    for number in range(count):
        base = demo[number % len(demo)]
        row = json.loads(json.dumps(base))
        documents = list(base["documents"])
        if number < len(demo):
            size = min(max(len(documents), 2), 5)
        else:
            group, village = rng.choice(GROUPS), rng.choice(VILLAGES)
            title = " ".join(part for part in (base["name"], group, village) if part)
            row["name"] = title if len(title) <= 230 else base["name"]
            row["code"] = f"9.{number:06d}"
            if group:
                row["applicants"] = f"{base['applicants']}; ưu tiên giải quyết {group.split(' ', 1)[1]}"
            size = rng.randint(2, 5)
        titles[row["name"]] += 1
        if titles[row["name"]] > 1:
            row["name"] = f"{row['name']} (lần {titles[row['name']]})"
        documents = documents[:size]
        extras = [name for name in EXTRA_DOCUMENTS if name not in {d["name"] for d in documents}]
        rng.shuffle(extras)
        documents += [{"name": name, "copies": 1, "form": None} for name in extras[: size - len(documents)]]
        row["documents"] = documents
        rows.append(row)
    return rows


def marker(count, seed):
    return f"Benchmark data (scripts/bench_search.py v{GENERATOR_VERSION}): {count} procedures, seed {seed}."


def find_catalogue(count, seed):
    from procedures.models import ProcedureIndexPage, ProcedurePage

    catalogue = ProcedureIndexPage.objects.filter(intro=marker(count, seed)).first()
    if catalogue is None or ProcedurePage.objects.child_of(catalogue).live().count() != count:
        return None
    return catalogue


def empty_database():
    """Start from an empty schema (the database is the benchmark's own)."""
    from django.core.management import call_command
    from django.db import connection

    from wagtail.models import Page

    if Page.objects.count() <= 2:  # Wagtail's root and welcome page: nothing generated yet
        return
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        path.unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def generate(count, seed):
    """Write ``count`` live procedures under a new catalogue (and the demo synonyms).

    Returns (catalogue, seconds, number of required documents).
    """
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from wagtail.models import Page

    from anyascii import anyascii

    from home.setup import ensure_home_page
    from procedures.importer import normalise_row
    from procedures.models import FieldOfActivity, ProcedureDocument, ProcedureIndexPage, ProcedurePage, ProcedureStep
    from search.vocabulary import ensure_shipped_synonyms

    started = time.perf_counter()
    rows = procedure_rows(count, seed)
    records = []
    for number, row in enumerate(rows, start=1):
        data = normalise_row(row)
        if isinstance(data, list):
            raise SystemExit(f"Generated row {number} is invalid: {data}")
        records.append(data)

    with transaction.atomic():
        home = ensure_home_page()
        catalogue = ProcedureIndexPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh", intro=marker(count, seed))
        home.add_child(instance=catalogue)
        catalogue.save_revision().publish()
        catalogue.refresh_from_db()
        ensure_shipped_synonyms()
        fields = {}
        for name in sorted({data.field_name for data in records if data.field_name}):
            fields[name], _created = FieldOfActivity.objects.get_or_create(
                name=name, defaults={"slug": slugify(anyascii(name))}
            )

        # Live pages without revisions, straight into the tree: the Page rows in
        # bulk (treebeard paths numbered after the catalogue's), then each
        # ProcedurePage row the way loaddata saves a fixture (save_base(raw=True):
        # no parent row, no indexing or reference-index signal), then the children.
        now = timezone.now()
        depth = catalogue.depth + 1
        slugs = set()
        pages = []
        for step, data in enumerate(records, start=1):
            base = slugify(anyascii(data.title))[:200].strip("-") or "thu-tuc"
            slug, suffix = base, 1
            while slug in slugs:
                suffix += 1
                slug = f"{base}-{suffix}"
            slugs.add(slug)
            pages.append(
                ProcedurePage(
                    title=data.title,
                    draft_title=data.title,
                    slug=slug,
                    code=data.code,
                    field=fields.get(data.field_name),
                    path=ProcedurePage._get_path(catalogue.path, depth, step),
                    depth=depth,
                    numchild=0,
                    url_path=f"{catalogue.url_path}{slug}/",
                    locale_id=catalogue.locale_id,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    translation_key=uuid.uuid4(),
                    **data.values,
                )
            )
        base_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
        Page.objects.bulk_create(
            [Page(**{name: getattr(page, name) for name in base_fields}) for page in pages], batch_size=500
        )
        ids = dict(Page.objects.filter(path__startswith=catalogue.path, depth=depth).values_list("path", "pk"))
        documents, steps = [], []
        for page, data in zip(pages, records, strict=True):
            page.pk = ids[page.path]  # sets page_ptr_id and id
            page.save_base(raw=True, force_insert=True)
            documents += [
                ProcedureDocument(page_id=page.pk, name=d.name, copies=d.copies, sort_order=order)
                for order, d in enumerate(data.documents or [])
            ]
            steps += [
                ProcedureStep(page_id=page.pk, text=text, sort_order=order)
                for order, text in enumerate(data.steps or [])
            ]
        ProcedureDocument.objects.bulk_create(documents, batch_size=1000)
        ProcedureStep.objects.bulk_create(steps, batch_size=1000)
        Page.objects.filter(pk=catalogue.pk).update(numchild=len(pages))
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum would gather them soon after a real import.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return catalogue, time.perf_counter() - started, len(documents)


def check_tree(catalogue, count):
    """The generated pages must be as valid as pages saved through Wagtail.

    treebeard's ``find_problems()`` takes a query per page; these set-wise
    checks cover the same ground for the generated level.
    """
    from django.db.models.functions import Length

    from wagtail.models import Page

    from procedures.models import ProcedurePage

    catalogue.refresh_from_db()
    depth = catalogue.depth + 1
    below = Page.objects.filter(path__startswith=catalogue.path, depth__gt=catalogue.depth)
    problems = {
        "pages below the catalogue": below.count() - count,
        "numchild of the catalogue": catalogue.numchild - count,
        "wrong depth": below.exclude(depth=depth).count(),
        "wrong path length": below.annotate(length=Length("path")).exclude(length=depth * Page.steplen).count(),
        "numchild not 0": below.exclude(numchild=0).count(),
        "url_path not under the catalogue": below.exclude(url_path__startswith=catalogue.url_path).count(),
        "live public procedures": ProcedurePage.objects.child_of(catalogue).live().public().count() - count,
    }
    wrong = {name: value for name, value in problems.items() if value}
    if wrong:
        raise SystemExit(f"The generated page tree is wrong: {wrong}")
    sample = ProcedurePage.objects.child_of(catalogue).order_by("path")
    for page in [*sample[:5], *sample.reverse()[:5]]:
        page.full_clean()  # unique code, slug among siblings, translation key, field rules


# --- The search backend ------------------------------------------------------


def backend_label():
    from django.conf import settings

    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    config = settings.WAGTAILSEARCH_BACKENDS["default"]
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if is_engine(backend):
        return f"{name} at {', '.join(config['URLS'])}, index prefix {config['INDEX_PREFIX']!r}"
    return name


def is_engine(backend):
    return hasattr(backend, "es")


def indexed_procedures(catalogue):
    """How many procedures the search index holds for *this* database (0 if unsure)."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import MATCH_ALL

    from procedures.models import ProcedurePage

    backend = get_search_backend()
    if not is_engine(backend):
        from modelsearch.conf import get_app_config

        IndexEntry = get_app_config().get_model("IndexEntry")
        content_type = ContentType.objects.get_for_model(ProcedurePage)
        return IndexEntry.objects.filter(content_type=content_type).count()
    try:
        total = backend.search(MATCH_ALL, ProcedurePage).count()
        # Another benchmark database may have filled the same index: check a few ids.
        for page in ProcedurePage.objects.child_of(catalogue).order_by("?")[:5]:
            found = [hit.pk for hit in backend.search(MATCH_ALL, ProcedurePage.objects.filter(code=page.code))]
            if found != [page.pk]:
                return 0
    except Exception:  # noqa: BLE001 - no index yet, or an old one: index again
        return 0
    return total


def update_index():
    from django.core.management import call_command

    from wagtail.search.backends import get_search_backend

    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    get_search_backend().refresh_indexes()
    return time.perf_counter() - started


# --- Queries -----------------------------------------------------------------


@dataclass
class Probe:
    kind: str  # what the query is made of
    params: dict
    expect: bool | None  # True: must find something; False: must find nothing; None: not checked


def _phrase(rng, text, low=2, high=4):
    parts = [part.strip(",;:()\"'") for part in text.split()]
    parts = [part for part in parts if part]
    size = min(len(parts), rng.randint(low, high))
    start = rng.randrange(len(parts) - size + 1)
    return " ".join(parts[start : start + size])


def _typo(rng, phrase):
    from search.text import fold

    parts = phrase.split()
    candidates = [i for i, part in enumerate(parts) if len(part) >= 4]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = parts[i]
    at = rng.randrange(1, len(word) - 1)
    how = rng.choice(["drop", "swap", "double"])
    if how == "drop":
        typo = word[:at] + word[at + 1 :]
    elif how == "swap":
        typo = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    else:
        typo = word[:at] + word[at] + word[at:]
    if fold(typo) == fold(word):
        return None
    parts[i] = typo
    return " ".join(parts)


def search_texts(rows, count, rng):
    """(kind, text, source row or None, expect) for full searches."""
    from search.text import fold

    mix = [
        ("title words", 0.25),
        ("title words, no diacritics", 0.2),
        ("whole title", 0.1),
        ("document words", 0.15),
        ("typo", 0.1),
        ("question", 0.07),
        ("code", 0.06),
        ("nonsense", 0.07),
    ]
    texts = []
    for kind, share in mix:
        wanted = max(1, round(count * share))
        while wanted:
            row = rng.choice(rows)
            text, expect = None, True
            if kind == "title words":
                text = _phrase(rng, row["name"])
            elif kind == "title words, no diacritics":
                text = fold(_phrase(rng, row["name"]))
            elif kind == "whole title":
                text = row["name"] if rng.random() < 0.5 else fold(row["name"])
            elif kind == "document words":
                text = _phrase(rng, rng.choice(row["documents"])["name"], 2, 5)
                text = fold(text) if rng.random() < 0.5 else text
            elif kind == "typo":
                text = _typo(rng, _phrase(rng, row["name"], 2, 3))
                text = fold(text) if text and rng.random() < 0.5 else text
            elif kind == "question":
                text = rng.choice(QUESTIONS).format(_phrase(rng, row["name"], 2, 3).lower())
                text = fold(text) if rng.random() < 0.5 else text
            elif kind == "code":
                text = row["code"]
            else:
                text, expect, row = rng.choice(NONSENSE), False, None
            if not text or len(text.split()) < (1 if kind in {"code", "nonsense"} else 2):
                continue
            texts.append((kind, text, row, expect))
            wanted -= 1
    rng.shuffle(texts)
    return texts[:count]


def prefixes(rows, count, rng):
    from search.text import fold

    probes = []
    while len(probes) < count:
        title = rng.choice(rows)["name"]
        title = fold(title) if rng.random() < 0.5 else title
        starts = [0] + [i + 1 for i, char in enumerate(title) if char == " "]
        start = 0 if rng.random() < 0.6 else rng.choice(starts)
        prefix = title[start : start + rng.randint(2, 8)].strip(" ,;()")
        if 2 <= len(prefix) <= 8:
            probes.append(Probe("prefix", {"q": prefix, "mode": "autocomplete"}, True))
    return probes


def build_probes(rows, count, seed):
    from django.utils.text import slugify

    from anyascii import anyascii

    rng = random.Random(seed + 1)  # noqa: S311 - repeatable queries, not secrets
    field_slugs = sorted({slugify(anyascii(row["field"])) for row in rows})
    texts = search_texts(rows, count, rng)
    search = [Probe(kind, {"q": text}, expect) for kind, text, _row, expect in texts]
    filtered = [
        Probe(
            kind,
            {
                "q": text,
                "kind": "procedure",
                "field": slugify(anyascii(row["field"])) if row else rng.choice(field_slugs),
            },
            expect,
        )
        for kind, text, row, expect in texts
    ]
    return {
        "search, page 1": search,
        "search, kind=procedure + field": filtered,
        "autocomplete (2-8 characters)": prefixes(rows, count, rng),
    }


# --- Measuring ---------------------------------------------------------------


class EngineCalls:
    """Count (and time) the HTTP requests sent to Elasticsearch/OpenSearch.

    Patched on the transport *class*: ``get_search_backend()`` builds a new
    backend, and a new client, on every call.
    """

    def __init__(self):
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend()
        self.transport = type(backend.es.transport) if is_engine(backend) else None
        self.calls = 0
        self.seconds = 0.0

    def __enter__(self):
        if self.transport is not None:
            original = self.original = self.transport.perform_request
            counter = self

            def perform_request(self, *args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(self, *args, **kwargs)
                finally:
                    counter.calls += 1
                    counter.seconds += time.perf_counter() - started

            self.transport.perform_request = perform_request
        return self

    def __exit__(self, *exc):
        if self.transport is not None:
            self.transport.perform_request = self.original


@dataclass
class Measurement:
    timings: list  # ms per timed request
    sql: list  # SQL queries per request (second pass)
    engine: list  # search engine HTTP calls per request (second pass)
    checked: Counter
    passed: Counter
    failures: list  # non-200 answers
    misses: list  # queries that found something when they should not, or the other way round
    planned: int


def measure(client, probes, warmup, budget, counted=50):
    """Time each probe, check its answer, then count queries for the first ``counted``.

    Stops early when the timed requests have taken ``budget`` seconds, so a
    backend that needs seconds per request still gives (fewer) figures.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Measurement([], [], [], Counter(), Counter(), [], [], len(probes))
    for probe in (probes * (warmup // len(probes) + 1))[:warmup]:
        client.get(API, probe.params)

    ran = []
    for probe in probes:
        if sum(result.timings) > budget * 1000:
            break
        ran.append(probe)
        started = time.perf_counter()
        response = client.get(API, probe.params)
        result.timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            result.failures.append(f"{response.status_code} for {probe.params}")
            continue
        data = response.json()
        if probe.expect is None:
            continue
        label = "expected hits" if probe.expect else "expected none"
        result.checked[label] += 1
        if bool(data["results"]) == probe.expect:
            result.passed[label] += 1
        else:
            result.misses.append(f"{label}, got {data['total']}: {probe.kind} {probe.params}")
        if probe.expect and "mode" not in probe.params and not data["facets"]["kind"]:
            result.failures.append(f"no kind facet for {probe.params}")

    # A second pass counts queries; kept apart so that logging them does not slow the timed pass.
    for probe in ran[:counted]:
        with CaptureQueriesContext(connection) as queries, EngineCalls() as calls:
            client.get(API, probe.params)
        result.sql.append(len(queries))
        result.engine.append(calls.calls)
    return result


def report(name, result, target, show_engine):
    timings = result.timings
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    hits = "; ".join(
        f"{label} {result.passed[label]}/{result.checked[label]} ({result.passed[label] / result.checked[label]:.0%})"
        for label in sorted(result.checked)
        if result.checked[label]
    )
    verdict = "meets" if p95 <= target else "MISSES"
    engine_text = f", engine calls/req {statistics.median(result.engine):.0f}" if show_engine else ""
    print(
        f"  {name:32} n={len(timings):4}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(timings):7.1f} ms  "
        f"[{verdict} p95 ≤ {target:.0f} ms]"
    )
    print(
        f"  {'':32} SQL queries/req median {statistics.median(result.sql):.0f} (max {max(result.sql)}){engine_text}"
        f"; hit rate: {hits}"
    )
    if len(timings) < result.planned:
        print(f"  {'':32} STOPPED after {len(timings)} of {result.planned} requests (--budget)")
    for text in [*result.failures, *result.misses][:5]:
        print(f"  {'':32} miss: {text}")


# --- Profiling (--profile) ---------------------------------------------------

PHASES = (
    "prepare",
    "correct_typos",
    "complete_last_word",
    "suggestion",
    "_pinned",
    "build_query",
    "_field_filter",
    "_hit_facts",
    "rerank",
    "_hits",
    "_facets",
    "_suggest",
    "vocabulary",
)


def breakdown(client, name, probes):
    """Mean ms per request in each phase of search.services.run_search, in SQL and in the engine."""
    from django.db import connection

    from search import services

    totals, calls = defaultdict(float), Counter()
    wrapped = {}

    def timed(label, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - started
                calls[label] += 1

        return wrapper

    for phase in PHASES:
        if callable(getattr(services, phase, None)):
            wrapped[phase] = getattr(services, phase)
            setattr(services, phase, timed(phase, wrapped[phase]))

    def sql_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            totals["SQL (execute only)"] += time.perf_counter() - started
            calls["SQL (execute only)"] += 1

    try:
        with connection.execute_wrapper(sql_timer), EngineCalls() as engine:
            for probe in probes:
                started = time.perf_counter()
                client.get(API, probe.params)
                totals["whole request"] += time.perf_counter() - started
                calls["whole request"] += 1
        if engine.transport is not None:
            totals["engine HTTP"] += engine.seconds
            calls["engine HTTP"] += engine.calls
    finally:
        for phase, function in wrapped.items():
            setattr(services, phase, function)

    print(f"  {name}: mean ms per request (phases are inclusive: _facets contains its _field_filter calls)")
    for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"    {label:22} {seconds * 1000 / len(probes):7.2f} ms   {calls[label] / len(probes):5.1f} calls/req")

    profiler = cProfile.Profile()
    profiler.enable()
    for probe in probes:
        client.get(API, probe.params)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"(search|procedures|home)/|modelsearch/backends|sqlite3|psycopg|opensearchpy/transport", 18)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print(f"    cProfile, {len(probes)} requests, cumulative seconds (with profiler overhead):")
    for line in lines[start:]:
        print(f"      {line}")


# --- Main --------------------------------------------------------------------


def run(args):
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wagtail.models import Site
    from wagtail.search.backends import get_search_backend

    from procedures.models import FieldOfActivity, ProcedureDocument, ProcedurePage

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the shared cache search reads (search/cache.py)
    migrate_seconds = time.perf_counter() - started
    where = connection.settings_dict["NAME"]
    print(f"Django {django.get_version()}, settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG {settings.DEBUG}")
    print(f"Database: {connection.vendor} {where} (migrate {migrate_seconds:.1f} s)")
    print(f"Search backend: {backend_label()}")

    catalogue = None if args.rebuild else find_catalogue(args.procedures, args.seed)
    if catalogue is None:
        empty_database()
        catalogue, seconds, documents = generate(args.procedures, args.seed)
        print(
            f"Generated {args.procedures} procedures with {documents} required documents in {seconds:.1f} s "
            f"({args.procedures / seconds:.0f}/s, live, no revisions)"
        )
        started = time.perf_counter()
        check_tree(catalogue, args.procedures)
        print(f"Checked the page tree and validated 10 pages in {time.perf_counter() - started:.1f} s")
        reindex = True
    else:
        print(f"Reusing {args.procedures} generated procedures (seed {args.seed}); --rebuild to generate again")
        reindex = args.reindex or indexed_procedures(catalogue) != args.procedures
    if reindex:
        seconds = update_index()
        print(f"Indexed with update_index in {seconds:.1f} s ({args.procedures / seconds:.0f} procedures/s)")
    else:
        print("Reusing the search index (it holds every procedure); --reindex to index again")
    indexed = indexed_procedures(catalogue)
    print(
        f"Data: {ProcedurePage.objects.count()} procedures, {ProcedureDocument.objects.count()} documents, "
        f"{FieldOfActivity.objects.count()} fields; {indexed} procedures in the search index"
    )
    if indexed != args.procedures:
        print(f"FAIL: the search index holds {indexed} procedures, not {args.procedures}.")
        return 1

    site = Site.objects.get(is_default_site=True)
    host = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    client = Client(HTTP_HOST=host)
    sample = ProcedurePage.objects.child_of(catalogue).order_by("path").last()
    response = client.get(sample.url)
    if response.status_code != 200:
        print(f"FAIL: a generated procedure page answered {response.status_code} at {sample.url}")
        return 1

    rows = procedure_rows(args.procedures, args.seed)
    endpoints = build_probes(rows, args.queries, args.seed)
    if args.warm:
        # Kept answers would make the timed pass a pass over the cache: every answer is computed.
        settings.SEARCH_KEEP_RESULTS = False
        args.warmup = max(args.warmup, args.queries)
    engine = is_engine(get_search_backend())
    target = TARGETS["engine" if engine else "database"]
    print(
        f"\n{args.queries} requests per endpoint after {args.warmup} warm-up requests"
        f"{' (each request once; answers computed, not kept)' if args.warm else ''}, in-process "
        f"(django.test.Client, HTTP_HOST {host}); target p95 ≤ {target:.0f} ms:"
    )
    failed, stopped, ran = [], [], {}
    for name, probes in endpoints.items():
        result = measure(client, probes, args.warmup, args.budget)
        report(name, result, target, engine)
        ran[name] = len(result.timings)
        if len(result.timings) < result.planned:
            stopped.append(name)
        total_checked, total_passed = sum(result.checked.values()), sum(result.passed.values())
        if result.failures:
            failed.append(f"{name}: {len(result.failures)} failed requests, e.g. {result.failures[0]}")
        if total_checked and total_passed / total_checked < args.min_hit_rate:
            failed.append(f"{name}: hit rate {total_passed / total_checked:.0%} < {args.min_hit_rate:.0%}")

    if args.profile:
        print("\nWhere the time goes (--profile):")
        for name, probes in endpoints.items():
            breakdown(client, name, probes[: min(50, ran[name])])

    if failed:
        for text in failed:
            print(f"FAIL: {text}")
        return 1
    print("\nOK: every request answered 200 and the hit rates are above the minimum.")
    if stopped:
        print(f"Only part of the requests ran for: {', '.join(stopped)} (--budget {args.budget} s).")
    return 0


def main():
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    configure_environment(args)

    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    # Deleting what is not in the index yet (a new benchmark database) logs 404s.
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

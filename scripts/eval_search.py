"""Held-out relevance evaluation of the site search on the real national catalogue.

On a throw-away database (a SQLite file under ``.cache/``, or a test database
next to DATABASE_URL's with ``--database env``) and on the search backend the
environment selects (SEARCH_URL set: Elasticsearch/OpenSearch, index prefix
``eval_``; unset: the database backend), this script:

1. imports the 200 real records of ``tests/data/national/procedures.json``,
   published, with only what a fresh install ships: the migrations' data and
   nothing else (no demo synonyms);
2. indexes them with ``update_index`` and refreshes the engine;
3. runs every query of the query set through
   ``search.services.run_search(SearchParams(query=q))``, exactly as the
   results page does, and prints per split (dev, test), per category and
   overall: queries, hit@1, hit@3, MRR (reciprocal rank of the first expected
   code on the first page, 0 if absent) and, for out-of-scope queries (no
   expected code), the share whose first result is not a procedure; then the
   time per query (p50/p95).

The query set is a JSON list of ``{"query", "category", "expected": [codes],
"source", "split": "dev"|"test"}``; ``expected`` empty means out of scope.
``--show-misses`` lists the dev misses with their top 3 titles; test misses
are never printed (the test split is held out: tune on dev only).

    .venv/bin/python scripts/eval_search.py
    .venv/bin/python scripts/eval_search.py --split dev --show-misses
    .venv/bin/python scripts/eval_search.py --json .cache/eval-search.json
    source scripts/lib.sh && source scripts/services.sh && start_services  # PostgreSQL + OpenSearch
    .venv/bin/python scripts/eval_search.py --database env
"""

import argparse
import gzip
import io
import json
import logging
import os
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "tests" / "data" / "national" / "procedures.json"
QUERIES = ROOT / "tests" / "data" / "search" / "queries.json"
# Every commune-level record of the sources (592), and the labels of the queries it answers otherwise.
COMMUNE_CATALOGUE = ROOT / "tests" / "data" / "national" / "commune_catalogue.json.gz"
COMMUNE_LABELS = ROOT / "tests" / "data" / "search" / "commune_catalogue_labels.json"
DEFAULT_SQLITE = ROOT / ".cache" / "eval-search.sqlite3"
SPLITS = ("dev", "test")
CATEGORIES = (
    "exact",
    "no_diacritics",
    "prefix",
    "colloquial",
    "situation",
    "filler",
    "typo",
    "upper_case",
    "out_of_scope",
)
OUT_OF_SCOPE = "out_of_scope"


# --- Query set and figures (no Django needed; tests/search/test_relevance_real.py uses them too) ---


def load_queries(path=QUERIES):
    """The query set, checked: a list of dicts with a query, a known split and a list of expected codes."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"The query set {path} does not exist (see docs/search.md, held-out evaluation).")
    cases = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for number, case in enumerate(cases, start=1):
        if not str(case.get("query", "")).strip():
            problems.append(f"#{number}: no query")
        if case.get("split") not in SPLITS:
            problems.append(f"#{number} {case.get('query')!r}: split {case.get('split')!r} is not dev or test")
        if not isinstance(case.get("expected"), list):
            problems.append(f"#{number} {case.get('query')!r}: expected is not a list of codes")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return cases


def _rank(outcome, expected):
    codes = [hit.code for hit in outcome.results]
    return next((index for index, code in enumerate(codes, start=1) if code in expected), None)


def _says_so(outcome):
    """The page says, above the results, that the commune does not do it, that no page has a word, or
    how to reach the office the query asks for (its address, phone, hours: search/contacts.py)."""
    return bool(
        getattr(outcome, "referrals", None)
        or getattr(outcome, "missing", None)
        or getattr(outcome, "contacts", None)
        or getattr(outcome, "loose", None)
    )


def judge(case, outcome, suggestions=None, suggested=None):
    """One query's result: rank of the first expected code on the first page, or for out of scope, the first hit.

    ``suggestions``: the autocomplete outcome for the same text; ``suggested``: the outcome of searching
    the "did you mean" proposal, if there was one.
    """
    expected = set(case["expected"])
    rank = _rank(outcome, expected)
    first = outcome.results[0] if outcome.results else None
    extra = {}
    if suggestions is not None:
        extra["autocomplete_rank"] = _rank(suggestions, expected)
    if getattr(outcome, "suggestion", ""):
        extra["suggestion"] = outcome.suggestion
        extra["suggestion_rank"] = _rank(suggested, expected) if suggested is not None else None
    return {
        **extra,
        "query": case["query"],
        "category": case.get("category", ""),
        "split": case["split"],
        "expected": case["expected"],
        "rank": rank,
        # Out of scope: right when nothing is found or the first result is not a procedure.
        # A referral ("not done here: go to ...") and the notice of words no page has ("no page mentions
        # 'karaoke'") are shown above the results: what the citizen reads first.
        "no_procedure_first": first is None or first.kind != "procedure" or _says_so(outcome),
        "notice": _says_so(outcome),
        "top3": [hit.title for hit in outcome.results[:3]],
        "total": outcome.total,
    }


def summarise(results):
    """Figures for a list of judged queries: in-scope hit@1/hit@3/MRR, out-of-scope share, counts."""
    in_scope = [r for r in results if r["expected"]]
    out_of_scope = [r for r in results if not r["expected"]]
    figures = {"queries": len(results), "in_scope": len(in_scope), "out_of_scope": len(out_of_scope)}
    if in_scope:
        figures["hit@1"] = sum(1 for r in in_scope if r["rank"] == 1) / len(in_scope)
        figures["hit@3"] = sum(1 for r in in_scope if r["rank"] and r["rank"] <= 3) / len(in_scope)
        figures["mrr"] = sum(1 / r["rank"] for r in in_scope if r["rank"]) / len(in_scope)
        # False alarms: queries the catalogue answers, shown a referral or a missing-word notice anyway.
        figures["false_notices"] = sum(1 for r in in_scope if r.get("notice"))
    if out_of_scope:
        figures["no_procedure_first"] = sum(1 for r in out_of_scope if r["no_procedure_first"]) / len(out_of_scope)
    completed = [r for r in in_scope if "autocomplete_rank" in r]
    if completed:
        figures["autocomplete@3"] = sum(1 for r in completed if (r["autocomplete_rank"] or 99) <= 3) / len(completed)
    offered = [r for r in results if r.get("suggestion")]
    figures["suggestions"] = len(offered)
    # A proposal is right when searching it puts an expected procedure in the first 3 (never, out of scope).
    figures["suggestions_right"] = sum(1 for r in offered if r["expected"] and (r["suggestion_rank"] or 99) <= 3)
    return figures


def report(results):
    """{split: {"overall": figures, "categories": {category: figures}}} for the splits present."""
    by_split = defaultdict(list)
    for result in results:
        by_split[result["split"]].append(result)
    figures = {}
    for split in SPLITS:
        if split not in by_split:
            continue
        by_category = defaultdict(list)
        for result in by_split[split]:
            by_category[result["category"]].append(result)
        order = [c for c in CATEGORIES if c in by_category] + sorted(set(by_category) - set(CATEGORIES))
        figures[split] = {
            "overall": summarise(by_split[split]),
            "categories": {category: summarise(by_category[category]) for category in order},
        }
    return figures


def _cell(figures, key):
    return f"{figures[key]:.3f}" if key in figures else "  –  "


def format_line(label, figures):
    """'exact          n= 40  hit@1 0.900  hit@3 0.950  MRR 0.925  no-procedure-first 1.000'"""
    line = f"{label:14} n={figures['queries']:4}  hit@1 {_cell(figures, 'hit@1')}  hit@3 {_cell(figures, 'hit@3')}"
    line += f"  MRR {_cell(figures, 'mrr')}"
    if "autocomplete@3" in figures:
        line += f"  autocomplete@3 {_cell(figures, 'autocomplete@3')}"
    if figures.get("suggestions"):
        line += f"  did-you-mean {figures['suggestions_right']}/{figures['suggestions']} right"
    if figures.get("false_notices"):
        line += f"  false-notices {figures['false_notices']}"
    if figures.get("out_of_scope"):
        line += f"  no-procedure-first {_cell(figures, 'no_procedure_first')} ({figures['out_of_scope']})"
    return line


def format_report(figures):
    """Printable lines: per split, each category, then all of the split."""
    lines = []
    for split, split_figures in figures.items():
        lines.append(f"[{split}]")
        for category, category_figures in split_figures["categories"].items():
            lines.append("  " + format_line(category, category_figures))
        lines.append("  " + format_line("ALL", split_figures["overall"]))
    return lines


def evaluate(cases):
    """Run every query as the site does; return (judged results, seconds per query)."""
    from search.services import SearchParams, run_search

    results, timings = [], []
    for case in cases:
        started = time.perf_counter()
        outcome = run_search(SearchParams(query=case["query"]))
        timings.append(time.perf_counter() - started)
        suggestions = run_search(SearchParams(query=case["query"], autocomplete=True))
        suggested = run_search(SearchParams(query=outcome.suggestion)) if outcome.suggestion else None
        results.append(judge(case, outcome, suggestions, suggested))
    return results, timings


# --- Throw-away database ------------------------------------------------------


def read_records(path):
    """The importer's rows of ``path`` (JSON, or gzipped JSON)."""
    from procedures.importer import read_rows

    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return read_rows(io.BytesIO(data), "json")


def fill_commune_contacts():
    """The contact details every commune's install has (Settings › Commune, shown in every page's footer):
    an address and a hotline for the default site, when empty. No office is added."""
    from wagtail.models import Site

    from home.models import CommuneSettings

    commune = CommuneSettings.for_site(Site.objects.get(is_default_site=True))
    if not commune.address or not commune.hotline:
        commune.address = commune.address or "Trụ sở Ủy ban nhân dân xã"
        commune.hotline = commune.hotline or "0263 3822 115"
        commune.save()


def import_catalogue(path=NATIONAL):
    """The real records of ``path`` (JSON, or gzipped JSON), published under a new catalogue, indexed."""
    from django.core.management import call_command

    from wagtail.search.backends import get_search_backend

    from home.setup import ensure_home_page
    from procedures.importer import import_procedures
    from procedures.models import ProcedureIndexPage, ProcedurePage
    from search.services import clear_caches
    from tests.factories import make_procedure_index

    home = ensure_home_page()
    fill_commune_contacts()
    catalogue = ProcedureIndexPage.objects.first() or make_procedure_index(home)
    started = time.perf_counter()
    imported = import_procedures(read_records(path), catalogue, publish=True)
    if imported.rejected:
        raise SystemExit(f"{len(imported.rejected)} real records of {path} were rejected by the importer")
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    get_search_backend().refresh_indexes()
    clear_caches()
    print(
        f"Imported {len(imported.created)} real procedures in {import_seconds:.1f} s, "
        f"indexed in {time.perf_counter() - started:.1f} s; "
        f"{ProcedurePage.objects.live().count()} live procedures"
    )


def describe_backend():
    from django.db import connection

    from wagtail.search.backends import get_search_backend

    from home.health import search_engine_name

    backend = get_search_backend()
    engine = search_engine_name(backend)
    label = f"{engine} ({type(backend).__module__}.{type(backend).__name__})"
    if engine != "database":
        from search.backends.engines import engine_version

        label += f", {engine_version(backend.es)} at {os.environ.get('SEARCH_URL')}"
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"sqlite {sqlite3.sqlite_version}"
    else:
        database = connection.vendor
    return engine, database, label


def run(args, cases):
    from search.models import SearchSynonym

    engine, database, label = describe_backend()
    print(f"Database: {database}; search backend: {label}")
    import_catalogue(args.catalogue)
    print(f"Synonyms present (shipped by migrations only): {SearchSynonym.objects.count()}")

    # One untimed query first: it builds the cached vocabulary, as the site's first search does.
    evaluate(cases[:1])
    results, timings = evaluate(cases)
    figures = report(results)
    print(f"\n{len(cases)} queries from {args.queries} (split {args.split}) on {engine}, {database}:")
    for line in format_report(figures):
        print(line)
    from benchlib import percentile

    p50, p95 = percentile(timings, 0.50) * 1000, percentile(timings, 0.95) * 1000
    print(f"Time per query: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings) * 1000:.1f} ms")

    if args.show_misses and args.split == "test":
        print("\n--show-misses lists dev misses only: the test split is held out.")
    elif args.show_misses:
        misses = [r for r in results if r["split"] == "dev" and not _hit(r)]
        print(f"\nDev misses ({len(misses)}; test misses are never shown):")
        for miss in misses:
            wanted = ", ".join(miss["expected"]) or "nothing (out of scope)"
            print(f"  [{miss['category']}] {miss['query']!r}: want {wanted}, rank {miss['rank']}; top 3:")
            for title in miss["top3"]:
                print(f"      - {title[:110]}")
        alarms = [r for r in results if r["split"] == "dev" and r["expected"] and r.get("notice")]
        if alarms:
            print(f"\nDev queries the catalogue answers, shown a notice anyway ({len(alarms)}):")
            for alarm in alarms:
                print(f"  [{alarm['category']}] {alarm['query']!r}: rank {alarm['rank']}")

    if args.json:
        out = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "queries_file": str(args.queries),
            "split": args.split,
            "engine": engine,
            "backend": label,
            "database": database,
            "figures": figures,
            "time_ms": {"p50": round(p50, 2), "p95": round(p95, 2), "max": round(max(timings) * 1000, 2)},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nFigures written to {args.json}")
    return 0


def _hit(result):
    """In scope: the expected code in the first 3; out of scope: no procedure first."""
    if result["expected"]:
        return bool(result["rank"] and result["rank"] <= 3)
    return result["no_procedure_first"]


def relabel(cases, path):
    """The query set with the labels of ``path`` applied (see --labels); an unknown query is an error."""
    labels = {item["query"]: item for item in json.loads(path.read_text("utf-8"))}
    unknown = set(labels) - {case["query"] for case in cases}
    if unknown:
        raise SystemExit(f"{path}: {len(unknown)} queries are not in the query set, e.g. {sorted(unknown)[0]!r}")
    relabelled = []
    for case in cases:
        label = labels.get(case["query"])
        if label is not None:
            case = {**case, "expected": list(label["expected"]), "category": label.get("category", case["category"])}
        relabelled.append(case)
    print(f"Labels from {path}: {len(labels)} queries relabelled")
    return relabelled


def change_vocabulary(without_groups, candidates_path):
    """Change what the migrations ship, for this run only (``--without-group``, ``--candidate-synonyms``)."""
    if not without_groups and not candidates_path:
        return
    from search import vocabulary
    from search.text import words

    shipped = {}
    for name, _source, entries in vocabulary.GROUPS:
        if any(part in name for part in without_groups):
            print(f"Left out: vocabulary group {name!r} ({len(entries)} entries)")
            continue
        shipped.update(entries)
    if candidates_path:
        keys = {" ".join(words(term)) for term in shipped}
        added = 0
        for entry in json.loads(candidates_path.read_text("utf-8")):
            key = " ".join(words(entry["term"]))
            if key not in keys:
                keys.add(key)
                shipped[entry["term"]] = entry["alternatives"]
                added += 1
        print(f"Candidate synonyms from {candidates_path}: {added} added")
    vocabulary.SHIPPED_SYNONYMS = shipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, default=QUERIES, help=f"Query set (default {QUERIES}).")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all", help="Which split to run.")
    parser.add_argument("--show-misses", action="store_true", help="List the dev misses with their top 3 titles.")
    parser.add_argument("--json", type=Path, help="Write the figures to this file.")
    parser.add_argument(
        "--database",
        choices=["sqlite", "env"],
        default="sqlite",
        help="sqlite: a file of its own (--sqlite-path); env: a test database next to DATABASE_URL's.",
    )
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE, help="SQLite file (deleted first).")
    parser.add_argument("--index-prefix", default="eval_", help="Index prefix on Elasticsearch/OpenSearch.")
    parser.add_argument(
        "--without-group",
        action="append",
        default=[],
        metavar="NAME",
        help="Leave out the shipped vocabulary groups whose name contains NAME (repeatable): to measure "
        "how the search does on stories a group was not written for.",
    )
    parser.add_argument(
        "--candidate-synonyms",
        type=Path,
        help='Also ship these entries (a JSON list of {"term", "alternatives"}), to try them before they '
        "join search/vocabulary.py; a term already shipped is skipped.",
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        default=NATIONAL,
        help="Records to import (JSON or .json.gz; default the 207-record fixture). "
        "tests/data/national/commune_catalogue.json.gz is every commune-level record of the sources; "
        "use it with --labels tests/data/search/commune_catalogue_labels.json.",
    )
    parser.add_argument(
        "--labels",
        type=Path,
        help='Relabel queries for another catalogue: a JSON list of {"query", "expected", "category"?} '
        "replacing those queries' expected codes (and category).",
    )
    args = parser.parse_args()

    cases = load_queries(args.queries)
    if args.labels:
        cases = relabel(cases, args.labels)
    if args.split != "all":
        cases = [case for case in cases if case["split"] == args.split]
    if not cases:
        raise SystemExit(f"No queries in split {args.split} of {args.queries}")

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["SEARCH_INDEX_PREFIX"] = args.index_prefix
    if args.database == "sqlite":
        path = args.sqlite_path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif not os.environ.get("DATABASE_URL"):
        raise SystemExit("--database env needs DATABASE_URL (e.g. postgres://portal@127.0.0.1:54329/portal)")

    import django

    django.setup()
    change_vocabulary(args.without_group, args.candidate_synonyms)
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    # Deleting an index that is not there yet (the first update_index) is logged as a warning: not news.
    for name in ("opensearch", "elasticsearch", "elastic_transport"):
        logging.getLogger(name).setLevel(logging.ERROR)

    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(args.sqlite_path.resolve())
    else:
        # A name of its own, so that a test run on the same server is never clobbered.
        test_settings["NAME"] = f"test_eval_search_{os.getpid()}"
    # A fresh database with the migrations (and their data) applied, dropped at the end.
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Throw-away database: {connection.vendor} {test_name}")
    try:
        return run(args, cases)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())

"""Checks on the held-out villager query set (tests/data/search/queries.json); no database."""

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
QUERIES_PATH = DATA / "search" / "queries.json"
SPLIT_SCRIPT = DATA / "search" / "split_queries.py"
RECORDS_PATH = DATA / "national" / "procedures.json"

CATEGORIES = {
    "exact",
    "no_diacritics",
    "prefix",
    "colloquial",
    "situation",
    "filler",
    "typo",
    "upper_case",
    "out_of_scope",
}
KEYS = {"query", "category", "expected", "source", "split"}


@pytest.fixture(scope="module")
def queries():
    return json.loads(QUERIES_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def national_codes():
    records = json.loads(RECORDS_PATH.read_text(encoding="utf-8"))
    return {record["Mã thủ tục"] for record in records}


def test_file_is_a_list_of_well_formed_queries(queries):
    assert isinstance(queries, list)
    for item in queries:
        assert set(item) - {"added", "relabelled", "drawn_as"} == KEYS, item
        assert item.get("drawn_as", item["category"]) in CATEGORIES, item
        assert isinstance(item["query"], str) and item["query"].strip() == item["query"]
        assert item["query"]
        assert item["category"] in CATEGORIES, item
        assert isinstance(item["expected"], list)
        assert item["source"]
        assert item["split"] in {"dev", "test"}, item
        # A query whose category changed after the draw (a record it asks for joined the fixture) says when.
        assert ("drawn_as" not in item) or "relabelled" in item, item


def test_at_least_300_queries(queries):
    assert len(queries) >= 300


def test_every_category_has_at_least_25_queries(queries):
    counts = Counter(item["category"] for item in queries)
    assert set(counts) == CATEGORIES
    for category, count in counts.items():
        assert count >= 25, (category, count)


def test_expected_codes_exist_in_the_records(queries, national_codes):
    for item in queries:
        if item["category"] == "out_of_scope":
            assert item["expected"] == [], item
        else:
            assert item["expected"], item
        assert len(set(item["expected"])) == len(item["expected"]), item
        missing = set(item["expected"]) - national_codes
        assert not missing, (item["query"], missing)


def test_at_least_100_distinct_expected_codes(queries):
    codes = {code for item in queries for code in item["expected"]}
    assert len(codes) >= 100


def test_both_splits_present_in_every_category(queries):
    splits = {}
    for item in queries:
        splits.setdefault(item["category"], set()).add(item["split"])
    for category, present in splits.items():
        assert present == {"dev", "test"}, category


def test_split_is_what_split_queries_computes(queries):
    spec = importlib.util.spec_from_file_location("split_queries", SPLIT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.compute_splits(queries)
    wrong = [item["query"] for item in queries if item["split"] != expected[item["query"]]]
    assert not wrong


def test_queries_added_after_the_split_are_dev_only(queries):
    """The held-out test split is the one drawn once: later queries tune, never test."""
    added = [item for item in queries if item.get("added")]
    assert all(item["split"] == "dev" for item in added)
    drawn = [item for item in queries if not item.get("added")]
    assert sum(item["split"] == "test" for item in drawn) == 173


def test_no_duplicate_queries(queries):
    normalised = Counter(" ".join(item["query"].lower().split()) for item in queries)
    duplicates = [text for text, count in normalised.items() if count > 1]
    assert not duplicates


CATALOGUE_PATH = DATA / "national" / "commune_catalogue.json.gz"
LABELS_PATH = DATA / "search" / "commune_catalogue_labels.json"


def test_the_commune_catalogue_holds_the_fixture_and_its_labels_name_real_records(queries, national_codes):
    """The full commune catalogue (scripts/eval_search.py --catalogue) has every fixture record, and each
    relabelled query is in the set and expects codes of that catalogue, keeping the ones it had."""
    import gzip

    records = json.loads(gzip.decompress(CATALOGUE_PATH.read_bytes()))
    codes = [record["Mã thủ tục"] for record in records]
    assert len(codes) == len(set(codes)) > 500
    assert national_codes <= set(codes)
    by_text = {query["query"]: query for query in queries}
    labels = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
    assert labels and len({label["query"] for label in labels}) == len(labels)
    for label in labels:
        query = by_text[label["query"]]
        assert label["expected"] and set(label["expected"]) <= set(codes), label["query"]
        assert set(query["expected"]) <= set(label["expected"]), label["query"]
        assert label.get("category", query["category"]) in CATEGORIES - {"out_of_scope"}, label["query"]
        assert label["why"].strip(), label["query"]

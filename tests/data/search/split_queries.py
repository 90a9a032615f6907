# ruff: noqa: T201  (command-line script: printing is its output)
"""Assign the dev/test split of the held-out villager query set.

Stratified by category: within each category the queries are sorted by text, shuffled with
``random.Random(14)`` and the first half (rounded up) goes to ``dev``, the rest to ``test``.
The result depends only on the queries and their categories, never on the current ``split``
values, so running the script twice changes nothing.

Queries added after the split was made carry ``"added": "<date>"`` and always go to ``dev``:
they take no part in the shuffle, so the held-out ``test`` split stays exactly as it was drawn
(adding queries to the shuffle would move queries tuned on into ``test``). A query relabelled after
the draw (a record it asks for joined the fixture) keeps the category it was drawn under in
``"drawn_as"``, so its new category moves no other query between the splits.

Usage: python tests/data/search/split_queries.py [--check]
"""

import json
import random
import sys
from pathlib import Path

QUERIES_PATH = Path(__file__).with_name("queries.json")
SEED = 14


def compute_splits(queries):
    """Return {query text: "dev" | "test"} for the given query objects."""
    rng = random.Random(SEED)  # noqa: S311  (reproducible split, not security)
    by_category = {}
    splits = {}
    for item in queries:
        if item.get("added"):
            splits[item["query"]] = "dev"
        else:
            by_category.setdefault(item.get("drawn_as", item["category"]), []).append(item["query"])
    for category in sorted(by_category):
        texts = sorted(by_category[category])
        rng.shuffle(texts)
        n_dev = (len(texts) + 1) // 2
        for index, text in enumerate(texts):
            splits[text] = "dev" if index < n_dev else "test"
    return splits


def main(argv):
    queries = json.loads(QUERIES_PATH.read_text(encoding="utf-8"))
    splits = compute_splits(queries)
    if "--check" in argv:
        wrong = [q["query"] for q in queries if q.get("split") != splits[q["query"]]]
        print(f"{len(wrong)} queries with a split different from the computed one")
        return 1 if wrong else 0
    for item in queries:
        item["split"] = splits[item["query"]]
    QUERIES_PATH.write_text(json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {}
    for item in queries:
        key = (item["category"], item["split"])
        counts[key] = counts.get(key, 0) + 1
    for (category, split), count in sorted(counts.items()):
        print(f"{category:14} {split:5} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The search engine's analysis chain for Vietnamese (no Django imports).

Wagtail's Elasticsearch/OpenSearch backends fold accents only in their
autocomplete (edge n-gram) fields; full-text fields use the engine's
``standard`` analyzer, so ``dang ky`` would not find ``Đăng ký``. The project
replaces the index's *default* analyzer, which every full-text field and the
``_all_text`` copies use, with one that lower-cases and then folds to ASCII
(Lucene's ``asciifolding`` maps every Vietnamese vowel and ``đ`` -> ``d``).
``search.text.fold`` does the same in Python, for queries and highlighting.

Index settings apply when an index is created: after changing them, run
``manage.py update_index`` (an atomic rebuild; searches keep working).
"""

FOLDING_FILTERS = ["lowercase", "asciifolding"]

INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                "default": {"type": "custom", "tokenizer": "standard", "filter": FOLDING_FILTERS},
                "default_search": {"type": "custom", "tokenizer": "standard", "filter": FOLDING_FILTERS},
            }
        }
    }
}

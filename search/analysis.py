"""The search engine's analysis for Vietnamese: core analysis only (no Django imports).

Wagtail's Elasticsearch/OpenSearch backends define analyzers with the
``asciifolding``, ``edge_ngram`` and ``ngram`` filters. Those live in the
engine's ``analysis-common`` module, which a bare Elasticsearch (its
integ-test distribution) and some managed services do not have: the index
could not even be created there. The project therefore replaces Wagtail's
index settings with analyzers built only from the server's core analysis
(``CORE_TOKENIZERS``, ``CORE_FILTERS``) and does in Python what the filters
did, the way the SQLite backend does (``search/backends/engines.py``):

- folding: every full-text value is indexed through ``search.text.fold``
  (``Đăng ký KHAI SINH`` -> ``dang ky khai sinh``), and every query is folded
  the same way before it reaches the engine;
- autocomplete (Wagtail's ``_edgengrams`` and ``AutocompleteField`` columns,
  used by the admin's choosers): the folded words and their prefixes of
  ``PREFIX_MIN``..``PREFIX_MAX`` characters are indexed as words, which is
  what the ``edge_ngram`` filter produced; a query word matches them whole.

The same settings run on OpenSearch and Elasticsearch 7/8/9. Index settings
apply when an index is created: after changing them, run
``manage.py update_index`` (an atomic rebuild; searches keep working).
"""

# What Elasticsearch 8.19's server module provides without analysis-common
# (checked on the integ-test-zip with _analyze); OpenSearch has the same.
CORE_TOKENIZERS = {"standard"}
CORE_FILTERS = {"lowercase"}
CORE_ANALYZER_TYPES = {"standard", "simple", "whitespace", "custom"}

# Wagtail's edge_ngram filter kept prefixes of 1 to 15 characters.
PREFIX_MIN = 1
PREFIX_MAX = 15

FOLDED_TEXT = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}

INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                # Text arrives folded; lower-casing again is harmless and keeps
                # direct queries (the admin, a shell) case-insensitive.
                "default": FOLDED_TEXT,
                "default_search": FOLDED_TEXT,
            }
        }
    }
}

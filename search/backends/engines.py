"""Wagtail's Elasticsearch/OpenSearch backends with the project's fuzzy matching.

Wagtail's ``Fuzzy`` query uses ``fuzziness: AUTO`` (one edit from 3
letters, two from 6). Vietnamese syllables are short, so that matches far
too much ("iphone" finds "phòng"). Here a word needs 4 letters for one edit
and 7 for two, and its first letter must be right: people rarely mistype
the first letter, and it keeps fuzzy matching fast on a large index.
The analysis chain (Vietnamese folding) is in ``search/analysis.py``.
"""

from importlib import import_module

FUZZINESS = "AUTO:4,7"
PREFIX_LENGTH = 1


class TunedFuzzyMixin:
    def _compile_fuzzy_query(self, query, fields):
        compiled = super()._compile_fuzzy_query(query, fields)
        if "multi_match" in compiled:
            options = compiled["multi_match"]
        else:
            options = next(iter(compiled["match"].values()))
        options.update({"fuzziness": FUZZINESS, "prefix_length": PREFIX_LENGTH})
        return compiled


def tuned_backend(engine):
    """The backend class of ``wagtail.search.backends.<engine>``, tuned."""
    base = import_module(f"wagtail.search.backends.{engine}").SearchBackend
    compiler = type(f"Tuned{base.query_compiler_class.__name__}", (TunedFuzzyMixin, base.query_compiler_class), {})
    module = f"search.backends.{engine}"
    return type(f"Tuned{base.__name__}", (base,), {"query_compiler_class": compiler, "__module__": module})

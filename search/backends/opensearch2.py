"""Wagtail's opensearch2 backend with the project's fuzzy matching (see engines.py)."""

from search.backends.engines import tuned_backend

SearchBackend = tuned_backend("opensearch2")

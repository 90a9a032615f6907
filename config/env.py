"""Read settings from the environment, with explicit parsing.

Kept free of Django imports so the settings modules can use it before Django
is configured.
"""

import base64
import hashlib
import os
from copy import deepcopy
from urllib.parse import urlsplit

from search.analysis import INDEX_SETTINGS

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}

# Wagtail's own search backends (from ``modelsearch``), by the name used in
# ``SEARCH_BACKEND``, each wrapped by the project (search/backends/) for
# Vietnamese folding and fuzzy matching. Elasticsearch and OpenSearch share
# one base class, so project analysis and query code works on all of them.
SEARCH_ENGINES = {
    "elasticsearch7": "search.backends.elasticsearch7",
    "elasticsearch8": "search.backends.elasticsearch8",
    "elasticsearch9": "search.backends.elasticsearch9",
    "opensearch2": "search.backends.opensearch2",
    "opensearch3": "search.backends.opensearch3",
}


class ConfigurationError(Exception):
    """Raised when an environment variable holds a value we cannot use."""


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    """Parse a boolean explicitly: the string "False" is false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ConfigurationError(f"{name} must be one of true/false/1/0/yes/no, got {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_key_rings(name):
    """``host=KEY1,KEY2;other.host=KEY3`` as {host: [keys]} (semicolons or new lines between communes)."""
    raw = os.environ.get(name, "")
    rings = {}
    for entry in raw.replace("\n", ";").split(";"):
        if not entry.strip():
            continue
        host, sep, keys = entry.partition("=")
        host, keys = host.strip().lower(), [key.strip() for key in keys.split(",") if key.strip()]
        if not sep or not host or not keys or ":" in host:
            raise ConfigurationError(f"{name}: each entry is host.name=KEY[,OLDER_KEY...], got {entry.strip()!r}")
        if host in rings:
            raise ConfigurationError(f"{name}: {host} is listed twice")
        rings[host] = keys
    return rings


def search_backends(search_url, engine, index_prefix=""):
    """Build ``WAGTAILSEARCH_BACKENDS`` from ``SEARCH_URL``/``SEARCH_BACKEND``.

    No URL means Wagtail's database backend (the embedded default).
    """
    if not search_url:
        return {"default": {"BACKEND": "search.backends.database"}}
    if engine not in SEARCH_ENGINES:
        known = ", ".join(sorted(SEARCH_ENGINES))
        raise ConfigurationError(f"SEARCH_BACKEND must be one of {known} when SEARCH_URL is set, got {engine!r}")
    urls = [url.strip() for url in search_url.split(",") if url.strip()]
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigurationError(f"SEARCH_URL must be http(s)://host:port, got {url!r}")
    return {
        "default": {
            "BACKEND": SEARCH_ENGINES[engine],
            "URLS": urls,
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": 10,
            # Build a new index and switch an alias to it: no downtime on rebuild.
            "ATOMIC_REBUILD": True,
            # Vietnamese folding on every full-text field (search/analysis.py).
            "INDEX_SETTINGS": deepcopy(INDEX_SETTINGS),
        }
    }


def derive_key(secret):
    """A Fernet key derived from a secret: development and tests only (production sets FEEDBACK_IDENTITY_KEYS)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"feedback-identity:{secret}".encode()).digest()).decode()

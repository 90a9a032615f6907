"""Settings for the test suite (pytest-django).

The database and search backend still come from the environment, so the same
suite runs on the embedded default (SQLite + database search) and on
PostgreSQL + Elasticsearch/OpenSearch.
"""

import os

from config.env import derive_key, env_str

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, Q_CLUSTER, WAGTAILSEARCH_BACKENDS

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".cache" / "test-media"
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["*"]
WAGTAILADMIN_BASE_URL = "http://testserver"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Page views are written on every view in tests (a test that measures the batching sets its own).
PROCEDURE_VIEWS_FLUSH_SECONDS = 0
SEARCH_LOG_FLUSH_SECONDS = 0

# SQLite test databases live in a file (not in memory) so that the task
# cluster and the live server, which run in other processes/threads, see them.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / ".cache").mkdir(exist_ok=True)
    # One file per test run, so that two runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".cache" / f"test-db-{os.getpid()}.sqlite3")}

# Keep test indexes apart from the portal's own on a shared search cluster.
if "INDEX_PREFIX" in WAGTAILSEARCH_BACKENDS["default"]:
    WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = env_str("SEARCH_INDEX_PREFIX", "test_")

Q_CLUSTER = {**Q_CLUSTER, "name": "commune-portal-test", "workers": 1}

FEEDBACK_IDENTITY_KEYS = [derive_key(SECRET_KEY)]
FEEDBACK_PRIVATE_ROOT = BASE_DIR / ".cache" / "test-private"
PROCEDURE_IMPORT_ROOT = FEEDBACK_PRIVATE_ROOT / "procedure-imports"

# The anonymous page cache is on, as in production, in one process's memory.
CACHES = {**CACHES, "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}

"""Settings shared by every environment. No secrets here.

Everything that differs between a laptop, CI and production comes from the
environment (see ``.env.example``). With nothing set, the portal runs on the
embedded default: SQLite, Wagtail's database search backend and django-q2
with the ORM broker.
"""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from config import formats as date_formats
from config.env import ConfigurationError, env_bool, env_int, env_key_rings, env_list, env_str, search_backends

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

DEBUG = env_bool("DJANGO_DEBUG", False)
# ".localhost": the demo's other communes (tanphu.localhost, myan.localhost) on this machine.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Applications ---

INSTALLED_APPS = [
    "home",
    "procedures",
    "feedback",
    "answers",
    "reports",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "csp",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Anonymous page views from the shared cache, with the headers the middleware below gave
    # them when they were rendered; a hit runs nothing else (home/page_cache.py).
    "home.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # ETag on every other GET answer, 304 when the browser has it (QR images, documents' pages).
    "django.middleware.http.ConditionalGetMiddleware",
    "home.security.ContentSecurityPolicyMiddleware",
    "home.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The request's Wagtail site without a query, once per host and generation (home/middleware.py).
    "home.middleware.KnownSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Saving a page in the admin is one transaction (home/middleware.py).
    "home.middleware.AtomicPageSaveMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ---
# SQLite file by default; DATABASE_URL (postgres://user:pass@host:port/name) for PostgreSQL.

# On SQLite (the embedded default, also in production on one machine and in the tests) every
# connection uses WAL (readers never wait for the writer, the writer never waits for readers),
# transactions start with BEGIN IMMEDIATE (a transaction that will write takes the write lock
# first, so a read-then-write can never fail to upgrade with "database is locked") and a writer
# waits up to DATABASE_BUSY_TIMEOUT seconds for its turn instead of failing. See docs/load.md.

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("DATABASE_BUSY_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---
# "default" is per process unless REDIS_URL is set. "shared" is seen by every
# process (web and task workers): django-q2 keeps its cluster heartbeat there,
# which /healthz reads.

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_shared_cache"},
        # Files, not the database: a page stored after a change never waits for SQLite's write lock.
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(env_str("PAGE_CACHE_DIR") or BASE_DIR / ".cache" / "pages")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }

# Anonymous page cache (home/page_cache.py): seconds an entry lives at most (0 = off),
# whether entries keep a gzip copy for clients that accept one.
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_GZIP = env_bool("PAGE_CACHE_GZIP", True)
# Each process also keeps the entries it read, up to this many bytes (always checked against the shared generation).
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
PAGE_CACHE_SKIP_PREFIXES = ("/admin/", "/documents/", "/search/", "/api/", "/gop-y/", "/thong-ke/", "/i18n/", "/p/")

# --- Security headers, sign-in lockout, CSRF page (docs/deployment.md, "Security") ---

# Public pages: nothing inline but the nonced blocks of our own templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, *env_list("CSP_FRAME_SRC")],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin (home.security picks it by path) writes inline scripts and
# style attributes, and frames its own previews.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, *env_list("CSP_FRAME_SRC")],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Browser features the portal never uses are off for every page and any frame.
# (The feedback form's photo input lets phones take a picture through the file
# picker and the camera app, which the "camera" feature does not govern.)
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# No staff e-mail address leaves for gravatar.com (and no third-party image in the admin).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# django-axes: ADMIN_LOGIN_FAILURE_LIMIT wrong passwords for one user name from
# one address lock that pair out for ADMIN_LOGIN_LOCKOUT_MINUTES; other users
# and addresses are unaffected. The address is the feedback form's (behind
# FEEDBACK_TRUSTED_PROXIES). Unlock early: `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "home.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "home.security.client_ip"
AXES_USERNAME_CALLABLE = "home.security.username_for_lockout"
AXES_LOCKOUT_CALLABLE = "home.security.lockout_response"
AXES_ENABLE_ADMIN = False

CSRF_FAILURE_VIEW = "home.views.csrf_failure"

# --- Passwords ---

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: Vietnamese first, English second ---

LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
# Ours first; then the libraries' admin strings the portal translates (scripts/vendor_messages.py, docs/glossary.md).
LOCALE_PATHS = [SITE_DIR / "locale", SITE_DIR / "locale_vendor"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Dates are typed day first (04/12/2026 is 4 December) in both languages, years in full: config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = date_formats.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = date_formats.DATETIME_INPUT_FORMATS
TIME_INPUT_FORMATS = date_formats.TIME_INPUT_FORMATS
FIRST_DAY_OF_WEEK = date_formats.FIRST_DAY_OF_WEEK
WAGTAIL_DATE_FORMAT = date_formats.WAGTAIL_DATE_FORMAT
WAGTAIL_DATETIME_FORMAT = date_formats.WAGTAIL_DATETIME_FORMAT
WAGTAIL_TIME_FORMAT = date_formats.WAGTAIL_TIME_FORMAT

# --- Static and media files ---

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ---

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Cổng thông tin xã")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "doc", "docx", "odt", "pdf", "rtf", "txt", "xls", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Page addresses are ASCII, like the importer's: the editor's slug sync transliterates
# "Đăng ký khai sinh" to "dang-ky-khai-sinh", and home/slugs.py does the same on the server.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Search: Wagtail's database backend, or Elasticsearch/OpenSearch ---
# SEARCH_URL=http://127.0.0.1:9200 and SEARCH_BACKEND=elasticsearch8 (or
# elasticsearch7/9, opensearch2/3) select a search cluster.

SEARCH_URL = env_str("SEARCH_URL")
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "elasticsearch8")
WAGTAILSEARCH_BACKENDS = search_backends(SEARCH_URL, SEARCH_BACKEND, env_str("SEARCH_INDEX_PREFIX", "portal_"))
# The search-queries reports show a query only once this many distinct visitors (a keyed hash of address + day)
# typed it within the window: one person's name or address never reaches editors (search/query_log.py).
SEARCH_REPORT_MIN_VISITORS = env_int("SEARCH_REPORT_MIN_VISITORS", 3)
# The search page and API answer a repeated search from memory until anything search shows changes
# (search/cache.py); off only to measure the search itself (scripts/bench_peer.py).
SEARCH_KEEP_RESULTS = env_bool("SEARCH_KEEP_RESULTS", True)
# ... and share those answers between processes through the page cache's store (Redis or files).
SEARCH_SHARE_RESULTS = env_bool("SEARCH_SHARE_RESULTS", True)
SEARCH_REPORT_WINDOW_DAYS = env_int("SEARCH_REPORT_WINDOW_DAYS", 30)
# Searches are counted in memory and written at most this often, per process (search/query_log.py).
SEARCH_LOG_FLUSH_SECONDS = env_int("SEARCH_LOG_FLUSH_SECONDS", 30)

# --- Background jobs: django-q2 ---
# ORM broker on the main database by default; Redis when REDIS_URL is set.
# django-q2 requires retry > timeout: a task pulled by a worker that died is handed out
# again only after `retry` seconds (ORM), so timeout stays above the longest task (poster
# batches) and e-mails do not wait for it: they go through an outbox swept every minute
# (feedback/notifications.py). On SIGTERM django-q2 first runs every task it already holds
# in memory: queue_limit = workers keeps that to one task per worker, so a stop takes
# seconds, not the whole backlog (docs/deployment.md, "The task worker").
Q_WORKERS = env_int("Q_WORKERS", 2)

Q_CLUSTER = {
    "name": "commune-portal",
    "workers": Q_WORKERS,
    "timeout": env_int("Q_TIMEOUT", 600),
    "retry": env_int("Q_TIMEOUT", 600) + 60,
    "max_attempts": 3,
    "queue_limit": env_int("Q_QUEUE_LIMIT", Q_WORKERS),
    "catch_up": False,
    "cache": "shared",
    "label": _("Background jobs"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# The notification outbox: a sender's lease on a row (longer than one SMTP send,
# EMAIL_TIMEOUT) and how old an unsent row must be before the sweep takes it over.
FEEDBACK_NOTIFICATION_LEASE = env_int("FEEDBACK_NOTIFICATION_LEASE", 60)
FEEDBACK_NOTIFICATION_GRACE = env_int("FEEDBACK_NOTIFICATION_GRACE", 30)

# Procedure page views are counted in memory and written together this often (procedures/view_counts.py).
PROCEDURE_VIEWS_FLUSH_SECONDS = env_int("PROCEDURE_VIEWS_FLUSH_SECONDS", 60)

# Wagtail uses django-tasks for its own background work (e.g. search index
# updates); run those in-process so nothing is lost if no worker exists.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Logging: to stderr, no personal data in messages ---

# Every handler masks e-mail addresses and phone numbers in messages and exception text
# (config/log_privacy.py). Every logger reaches one of these two handlers: the root's, or runserver's request log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "config.log_privacy.MaskPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (an unmasked DEBUG-only console; mail_admins, unused: ADMINS is empty) give way
        # to the root's; django-q2 adds its own unmasked handler only when no handler is reachable.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "elastic_transport": {"level": "WARNING"},
        "opensearch": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Email (notifications go through django-q2 tasks) ---

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# SMTP (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): a local relay by default.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigurationError("Set only one of EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465).")

# --- SMS to citizens (feedback/sms.py; docs/feedback.md, "SMS") ---
# Off unless a backend is named, e.g. feedback.sms.EsmsBackend (eSMS.vn's JSON API).
FEEDBACK_SMS_BACKEND = env_str("FEEDBACK_SMS_BACKEND")
FEEDBACK_SMS_URL = env_str(
    "FEEDBACK_SMS_URL", "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
)
FEEDBACK_SMS_API_KEY = env_str("FEEDBACK_SMS_API_KEY")
FEEDBACK_SMS_SECRET_KEY = env_str("FEEDBACK_SMS_SECRET_KEY")
# The sender name shown on the phone, registered with the provider beforehand.
FEEDBACK_SMS_BRANDNAME = env_str("FEEDBACK_SMS_BRANDNAME")
# eSMS message type: 2 = customer care (tin CSKH).
FEEDBACK_SMS_TYPE = env_str("FEEDBACK_SMS_TYPE", "2")
# The provider checks the request but neither delivers nor charges it.
FEEDBACK_SMS_SANDBOX = env_bool("FEEDBACK_SMS_SANDBOX", False)
# Without accents (đ -> d): 160 characters per SMS instead of 70.
FEEDBACK_SMS_ASCII = env_bool("FEEDBACK_SMS_ASCII", True)
# Seconds to connect and to get the answer; well under FEEDBACK_NOTIFICATION_LEASE.
FEEDBACK_SMS_TIMEOUT = env_int("FEEDBACK_SMS_TIMEOUT", 10)
if FEEDBACK_SMS_BACKEND == "feedback.sms.EsmsBackend" and not (
    FEEDBACK_SMS_API_KEY and FEEDBACK_SMS_SECRET_KEY and FEEDBACK_SMS_BRANDNAME
):
    raise ConfigurationError(
        "FEEDBACK_SMS_BACKEND=feedback.sms.EsmsBackend needs FEEDBACK_SMS_API_KEY, FEEDBACK_SMS_SECRET_KEY "
        "and FEEDBACK_SMS_BRANDNAME."
    )

# --- Citizen feedback ---
# Fernet keys for the submitter's identity, comma-separated, newest first
# (rotate with `manage.py rotate_identity_key`). Production requires them;
# dev and test derive one from SECRET_KEY.
FEEDBACK_IDENTITY_KEYS = env_list("FEEDBACK_IDENTITY_KEYS")
# A province install may give a commune keys of its own: {host name: [keys, newest first]}, from
# "tanphu.example.vn=KEY1,KEY2;myan.example.vn=KEY3" (feedback/crypto.py).
FEEDBACK_COMMUNE_IDENTITY_KEYS = env_key_rings("FEEDBACK_COMMUNE_IDENTITY_KEYS")
# Attachments are personal data: kept outside MEDIA_ROOT, served only to staff.
FEEDBACK_PRIVATE_ROOT = Path(env_str("FEEDBACK_PRIVATE_ROOT") or BASE_DIR / "private")
# Uploaded catalogue imports (data files, ZIPs of forms) wait here for their task; never served.
PROCEDURE_IMPORT_ROOT = Path(env_str("PROCEDURE_IMPORT_ROOT") or FEEDBACK_PRIVATE_ROOT / "procedure-imports")
FEEDBACK_MAX_ATTACHMENTS = 3
FEEDBACK_MAX_UPLOAD_SIZE = env_int("FEEDBACK_MAX_UPLOAD_SIZE", 8 * 1024 * 1024)
# Pixel bombs: a photo that would decode to more pixels than this is refused from its header (a JPEG
# counts at the reduced scale it is decoded at). 30 MP holds a 24 MP phone photo; see docs/feedback.md.
FEEDBACK_MAX_IMAGE_PIXELS = env_int("FEEDBACK_MAX_IMAGE_PIXELS", 30_000_000)
# Photos decoded at once in one web process (the others wait their turn).
FEEDBACK_IMAGE_DECODERS = env_int("FEEDBACK_IMAGE_DECODERS", 2)
if FEEDBACK_MAX_IMAGE_PIXELS < 1_000_000 or FEEDBACK_IMAGE_DECODERS < 1:
    raise ConfigurationError(
        "FEEDBACK_MAX_IMAGE_PIXELS must be at least 1000000 and FEEDBACK_IMAGE_DECODERS at least 1."
    )
# Accepted public submissions per client address: at most COUNT per MINUTES.
FEEDBACK_RATE_LIMIT = (env_int("FEEDBACK_RATE_LIMIT_COUNT", 5), env_int("FEEDBACK_RATE_LIMIT_MINUTES", 10))
# Reverse proxies whose X-Forwarded-For is trusted for the client address.
FEEDBACK_TRUSTED_PROXIES = env_list("FEEDBACK_TRUSTED_PROXIES")

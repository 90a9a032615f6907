"""Production settings: fail loudly on anything missing or unsafe.

Required: DJANGO_SECRET_KEY (50+ characters), DJANGO_ALLOWED_HOSTS,
WAGTAILADMIN_BASE_URL, and a real EMAIL_BACKEND (the console one only with
EMAIL_ALLOW_CONSOLE=true). See ``.env.example`` and the README.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

from .base import *  # noqa: F403

DEBUG = False


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (see .env.example).")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not a real secret: use 50+ random characters, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the portal's host names in production.")
WAGTAILADMIN_BASE_URL = _required("WAGTAILADMIN_BASE_URL")
FEEDBACK_IDENTITY_KEYS = [key.strip() for key in _required("FEEDBACK_IDENTITY_KEYS").split(",") if key.strip()]

# The console backend prints every message, citizens' e-mail addresses included, to the log: production
# needs a real backend (SMTP) unless someone explicitly accepts that, e.g. on a closed test machine.
CONSOLE_EMAIL = EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"  # noqa: F405
if CONSOLE_EMAIL and not env_bool("EMAIL_ALLOW_CONSOLE", False):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is the console backend, which writes citizens' e-mail addresses to the log. Set "
        "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST (see .env.example), or set "
        "EMAIL_ALLOW_CONSOLE=true to accept it knowingly."
    )

# HTTPS everywhere; the reverse proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

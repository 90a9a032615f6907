"""Settings for a developer's machine and the demo run (`make run`)."""

from config.env import derive_key, env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# Only for local use: production.py refuses to start without a real key.
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "django-insecure-local-development-key-do-not-deploy"

# Development key for identity encryption, unless the environment sets real ones.
FEEDBACK_IDENTITY_KEYS = FEEDBACK_IDENTITY_KEYS or [derive_key(SECRET_KEY)]  # noqa: F405

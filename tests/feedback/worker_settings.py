"""Settings for a real ``manage.py qcluster`` started by tests/feedback/test_worker.py.

The test settings, with the mail backend taken from the environment so that the
test can point the worker at a real (test) SMTP server or at a directory of files.
"""

from config.env import env_int, env_str
from config.settings.test import *  # noqa: F403
from config.settings.test import EMAIL_BACKEND

EMAIL_BACKEND = env_str("WORKER_EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_FILE_PATH = env_str("WORKER_EMAIL_FILE_PATH")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

"""gunicorn settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

gunicorn writes its own access and error logs, outside Django's ``LOGGING``.
Here they go through the same ``MaskPersonalData`` filter (e-mail addresses
and phone numbers masked), and the access log names the path without its
query string: a citizen's search words (``/search/?q=...``) or a name typed
into a form sent by GET never reach the log. Everything else can be given on
the command line as usual (``--bind``, ``--workers``, ``--threads``).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))

accesslog = "-"
# Address, time, method, path WITHOUT the query string, status, bytes, duration. No referer (it holds
# other pages' query strings) and no user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

_MASK = {"()": "config.log_privacy.MaskPersonalData"}
_FORMAT = {
    "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
    "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
    "class": "logging.Formatter",
}

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": _MASK},
    "formatters": {"generic": _FORMAT},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stdout",
            "filters": ["mask_personal_data"],
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

"""Health of the runtime parts: database, search backend, task queue.

Plain functions with no request objects, so they are usable from the view,
from management commands and from tests. Each returns a dict with at least
``ok`` (bool) and ``backend`` (what it checked). Error details go to the log,
not into the public response.
"""

import logging
import time

from django.db import connection

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)

SEARCH_TIMEOUT_SECONDS = 3


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        logger.warning("health check %s failed: %s", check.__name__, exc)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "backend": connection.vendor}


def search_engine_name(backend):
    """'database', 'elasticsearch' or 'opensearch', from the backend's module."""
    module = type(backend).__module__
    for name in ("opensearch", "elasticsearch"):
        if name in module:
            return name
    return "database"


def check_search():
    backend = get_search_backend()
    engine = search_engine_name(backend)
    if engine == "database":
        # A real query through the backend, as the search page would run it.
        list(backend.search("healthz", Page)[:1])
        return {"ok": True, "backend": engine}
    client = backend.es
    if engine == "opensearch":
        health = client.cluster.health(params={"request_timeout": SEARCH_TIMEOUT_SECONDS})
    else:
        health = client.options(request_timeout=SEARCH_TIMEOUT_SECONDS).cluster.health()
    status = health["status"]
    return {"ok": status in {"green", "yellow"}, "backend": engine, "cluster_status": status}


def check_tasks():
    from django_q.brokers import get_broker
    from django_q.status import Stat

    broker = get_broker()
    if not broker.ping():
        return {"ok": False, "backend": type(broker).__name__.lower(), "error": "broker unreachable"}
    clusters = Stat.get_all(broker=broker)
    result = {
        "ok": bool(clusters),
        "backend": type(broker).__name__.lower(),
        "workers": sum(len(stat.workers) for stat in clusters),
        "queued": broker.queue_size(),
    }
    if not clusters:
        result["error"] = "no worker running"
    return result


CHECKS = {"database": check_database, "search": check_search, "tasks": check_tasks}


def check_all():
    """Run every check; ``ok`` is true only if all parts are up."""
    results = {name: _timed(check) for name, check in CHECKS.items()}
    return {"ok": all(result["ok"] for result in results.values()), "checks": results}

"""/healthz reports the database, search backend and task queue, and turns 503 when one is down."""

import socket

from django.conf import settings
from django.db import connection
from django.test import override_settings

import pytest

from home.health import search_engine_name


def _closed_port():
    """A local port with nothing listening: a stopped search engine."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stopped_engine_backends():
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    if backend.endswith(".database"):
        backend = "search.backends.opensearch2"
    return {
        "default": {
            "BACKEND": backend,
            "URLS": [f"http://127.0.0.1:{_closed_port()}"],
            "INDEX_PREFIX": "test_",
            "TIMEOUT": 2,
            "OPTIONS": {"max_retries": 0},
        }
    }


def test_all_parts_up_gives_200(client, home_page, task_cluster):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "search", "tasks"}
    assert checks["database"]["ok"] is True
    assert checks["database"]["backend"] == connection.vendor
    assert checks["search"]["ok"] is True
    from wagtail.search.backends import get_search_backend

    assert checks["search"]["backend"] == search_engine_name(get_search_backend())
    assert checks["tasks"]["ok"] is True
    assert checks["tasks"]["workers"] >= 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_task_worker_gives_503(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["tasks"] == {**body["checks"]["tasks"], "ok": False, "error": "no worker running"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["search"]["ok"] is True


def test_stopped_search_engine_gives_503(client, home_page, task_cluster):
    with override_settings(WAGTAILSEARCH_BACKENDS=_stopped_engine_backends()):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["search"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"]["ok"] is True
    # No host names, ports or stack traces in the public answer.
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.search_engine
def test_search_engine_health_reports_cluster_status(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["search"]["backend"] in {"elasticsearch", "opensearch"}
    assert body["checks"]["search"]["cluster_status"] in {"green", "yellow"}

"""Shared fixtures; the report of which database and search engine ran.

The same suite runs on the embedded default (SQLite + database search) and on
PostgreSQL + Elasticsearch/OpenSearch: the environment decides (see
scripts/test.sh). Tests marked ``search_engine`` need a real cluster; they are
skipped with a reason on the database backend. With CI=true, a configured
service that does not answer stops the run instead of skipping.
"""

import os
import time

from django.core.management import call_command
from django.db import connection, connections

import pytest
from pytest_django.plugin import blocking_manager_key

from home.health import search_engine_name

pytest_plugins = ["tests.staff"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _database_description():
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        where = f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}"
        return f"PostgreSQL {version} at {where}"
    return connection.vendor


def _search_description():
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    engine = search_engine_name(backend)
    if engine == "database":
        return f"Wagtail database backend ({type(backend).__name__})"
    from search.backends.engines import engine_version

    return f"{engine_version(backend.es)} at {os.environ.get('SEARCH_URL', '?')}"


def _describe_environment(config):
    with config.stash[blocking_manager_key].unblock():
        return _describe(config)


def _describe(config):
    try:
        database = _database_description()
    except Exception as exc:  # noqa: BLE001 - reported, and fatal in CI
        database = f"UNAVAILABLE ({type(exc).__name__}: {exc})"
    try:
        search = _search_description()
    except Exception as exc:  # noqa: BLE001
        search = f"UNAVAILABLE ({type(exc).__name__}: {exc})"
    return database, search


def pytest_report_header(config):
    database, search = _describe_environment(config)
    config._portal_environment = (database, search)
    return [f"portal database: {database}", f"portal search backend: {search}"]


def pytest_sessionstart(session):
    database, search = _describe_environment(session.config)
    if IN_CI and ("UNAVAILABLE" in database or "UNAVAILABLE" in search):
        pytest.exit(f"CI: a configured service is down: database={database}; search={search}", returncode=3)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    database, search = getattr(config, "_portal_environment", None) or _describe_environment(config)
    terminalreporter.write_line(f"suite ran on: database = {database}; search = {search}")


def pytest_collection_modifyitems(config, items):
    from wagtail.search.backends import get_search_backend

    if search_engine_name(get_search_backend()) != "database":
        return
    reason = "needs Elasticsearch/OpenSearch (SEARCH_URL unset): runs in the PostgreSQL + search engine pass"
    for item in items:
        if "search_engine" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the test database exists, build the search index with the project's mappings."""
    with django_db_blocker.unblock():
        call_command("update_index", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_search_state():
    """What search keeps in memory (search/cache.py) belongs to one test: each test's database rolls back."""
    from search import cache as search_cache

    search_cache.forget()


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Cached pages and the per-process menu and settings belong to one test: its database rolls back."""
    from django.core.cache import caches

    caches["pages"].clear()
    caches["default"].clear()


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Every test writes uploads and generated files to its own folder.

    Not with a real task cluster: its worker processes keep the settings they started with.
    """
    if "task_cluster" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.FEEDBACK_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def clean_search_index(db):
    """Start from an empty search engine index.

    Test transactions roll back the database but not documents already sent
    to Elasticsearch/OpenSearch; left over, they would count in totals and
    fill result pages with rows that no longer exist.
    """
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    engine = search_engine_name(backend)
    if engine == "database":
        return
    # Documents written by an earlier test may not be searchable yet: refresh first, or they escape.
    backend.es.indices.refresh(index=f"{backend.index_prefix}*")
    # The integ-test distribution has no reindex module (so no _delete_by_query):
    # find the documents and delete them in bulk instead.
    search = {"index": f"{backend.index_prefix}*", "size": 10_000, "_source": False}
    query = {"match_all": {}}
    if engine == "opensearch":
        hits = backend.es.search(body={"query": query}, **search)["hits"]["hits"]
    else:
        hits = backend.es.search(query=query, **search)["hits"]["hits"]
    # The wildcard can reach a document twice (index and alias): delete each once, and a
    # document already gone (404) is what we wanted anyway.
    targets = sorted({(hit["_index"], hit["_id"]) for hit in hits})
    actions = [{"_op_type": "delete", "_index": index, "_id": doc_id} for index, doc_id in targets]
    if actions:
        backend.bulk(backend.es, actions, refresh=True, raise_on_error=False)


@pytest.fixture
def home_page(db):
    from home.setup import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def commune_settings(home_page):
    from wagtail.models import Site

    from home.models import CommuneSettings

    settings_obj = CommuneSettings.for_site(Site.objects.get(is_default_site=True))
    settings_obj.commune_name = "Xã Hòa Bình"
    settings_obj.authority_name = "Ủy ban nhân dân xã Hòa Bình"
    settings_obj.address = "Thôn Trung Tâm, xã Hòa Bình"
    settings_obj.hotline = "0263 3822 115"
    settings_obj.office_hours = "Thứ Hai – Thứ Sáu: 7:00 – 11:30\nSáng thứ Bảy: 7:30 – 11:30"
    settings_obj.zalo_url = "https://zalo.me/0000000000"
    settings_obj.save()
    return settings_obj


@pytest.fixture
def catalogue(clean_search_index, home_page, commune_settings):
    """The procedure catalogue page under the home page."""
    from tests.factories import make_procedure_index

    return make_procedure_index(home_page)


@pytest.fixture
def birth(catalogue):
    """A complete, published procedure: birth registration."""
    from tests.factories import make_field, make_procedure

    return make_procedure(
        catalogue,
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        field=make_field("Hộ tịch"),
        documents=[("Tờ khai đăng ký khai sinh", 1), ("Giấy chứng sinh", 1)],
        steps=["Nộp hồ sơ tại Bộ phận một cửa", "Công chức tư pháp – hộ tịch kiểm tra", "Trả kết quả"],
        processing_time_value=1,
        processing_time_unit="working_days",
        fee="Miễn lệ phí",
        agency="Ủy ban nhân dân cấp xã",
        channel_online=True,
        online_url="https://dichvucong.gov.vn/",
        legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
    )


@pytest.fixture
def task_cluster(transactional_db):
    """A real django-q2 cluster (ORM broker) running beside the test."""
    from django_q.brokers import get_broker
    from django_q.cluster import Cluster
    from django_q.status import Stat

    connections.close_all()  # the cluster's processes must open their own connections
    broker = get_broker()
    cluster = Cluster(broker)
    cluster.start()
    deadline = time.monotonic() + 30
    while not Stat.get_all(broker=broker):
        if time.monotonic() > deadline:
            cluster.stop()
            pytest.fail("the django-q2 cluster did not report in within 30 s")
        time.sleep(0.2)
    yield cluster
    cluster.stop()


@pytest.fixture
def batched_view_counts(db, settings):
    """Page views counted as in production: kept in memory, written when a period is over (not during a test)."""
    from procedures import view_counts

    view_counts.write_counts()  # starts a period
    settings.PROCEDURE_VIEWS_FLUSH_SECONDS = 3600
    yield view_counts
    view_counts.write_counts()


@pytest.fixture
def no_page_cache(settings):
    """The queries a page costs to render: the anonymous page cache (home/page_cache.py) stays out."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "page_cache" not in name]

#!/usr/bin/env bash
# `make test`: install the test dependencies and run the whole suite.
#
#   1. ruff (lint + format check), import-linter (layers, cycles), Django checks, makemigrations --check,
#      translation catalogue check
#   2. the suite on the embedded default: SQLite + Wagtail database search
#   3. the suite on PostgreSQL + OpenSearch, both started here and stopped after
#      then tests/cluster on a cluster of those parts: nginx, two gunicorn app servers, Redis, two task
#      workers and a shared directory (scripts/cluster.py; without extra arguments only)
#   4. tests/search on the same PostgreSQL + Elasticsearch (bare: core analysis only)
#
# With CI=true a service that cannot be started fails the run; elsewhere passes
# 2 and 3 are skipped with a one-line reason. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_venv requirements-dev.txt
export DJANGO_SETTINGS_MODULE=config.settings.test
unset DATABASE_URL SEARCH_URL SEARCH_BACKEND REDIS_URL
mkdir -p .cache

if [ ! -x /usr/bin/chromium ]; then
    log "Installing Debian's chromium for the browser tests"
    apt_install chromium fonts-dejavu-core || warn "chromium unavailable: browser tests will skip"
fi

SUMMARY=()
trap 'stop_cluster; stop_services' EXIT

compile_messages
log "Lint and format (ruff)"
"$PY" -m ruff check .
"$PY" -m ruff format --check .
log "Import layers and cycles (import-linter)"
"$VENV/bin/lint-imports"

log "Django checks and migrations"
"$PY" manage.py check --fail-level WARNING
"$PY" manage.py makemigrations --check --dry-run
"$PY" scripts/check_translations.py

# The browser tests drive the whole stack as citizens and staff do; they run
# once, on the production parts of pass 2 (or on SQLite when those parts are
# missing on a developer's machine), so CI stays well inside its time budget.
# With arguments (`bash scripts/test.sh tests/browser/...`) every pass runs them.
PASS1=("$@")
PASS1_NOTE=""
if [ $# -eq 0 ]; then
    PASS1=(--ignore=tests/browser)
    PASS1_NOTE=", all but tests/browser"
fi
log "Pass 1: SQLite + Wagtail database search$PASS1_NOTE"
"$PY" -m pytest "${PASS1[@]}"
SUMMARY+=("pass 1: SQLite + database search backend$PASS1_NOTE: passed")

log "Pass 2: PostgreSQL + OpenSearch"
if start_services; then
    "$PY" -m pytest "$@"
    SUMMARY+=("pass 2: PostgreSQL + OpenSearch $OPENSEARCH_VERSION: passed")
    if [ $# -eq 0 ]; then
        log "The cluster: nginx, two app servers, Redis, two task workers on PostgreSQL + OpenSearch (tests/cluster)"
        cluster_started=$SECONDS
        if start_cluster; then
            CLUSTER_DIR="$CLUSTER_DIR" "$PY" -m pytest tests/cluster
            stop_cluster
            SUMMARY+=("cluster (scripts/cluster.py), tests/cluster: passed in $((SECONDS - cluster_started))s")
        elif in_ci; then
            die "CI needs the cluster: $SERVICES_ERROR"
        else
            warn "skipped the cluster: $SERVICES_ERROR"
            SUMMARY+=("cluster: SKIPPED ($SERVICES_ERROR)")
        fi
    fi
elif in_ci; then
    die "CI needs PostgreSQL and the search engine: $SERVICES_ERROR"
else
    warn "skipped pass 2 (PostgreSQL + OpenSearch): $SERVICES_ERROR"
    SUMMARY+=("pass 2: PostgreSQL + OpenSearch: SKIPPED ($SERVICES_ERROR)")
    if [ $# -eq 0 ]; then
        log "Browser tests on SQLite + database search instead"
        "$PY" -m pytest tests/browser
        SUMMARY+=("browser tests on SQLite + database search backend: passed")
    fi
fi

log "Pass 3: PostgreSQL + Elasticsearch $ELASTICSEARCH_VERSION (tests/search)"
pass3_started=$SECONDS
stop_search
if [ -n "${DATABASE_URL:-}" ] && start_elasticsearch; then
    "$PY" -m pytest tests/search "$@"
    SUMMARY+=("pass 3: PostgreSQL + Elasticsearch $ELASTICSEARCH_VERSION, tests/search: passed in $((SECONDS - pass3_started))s")
elif in_ci; then
    die "CI needs PostgreSQL and Elasticsearch: $SERVICES_ERROR"
else
    warn "skipped pass 3 (PostgreSQL + Elasticsearch): $SERVICES_ERROR"
    SUMMARY+=("pass 3: PostgreSQL + Elasticsearch: SKIPPED ($SERVICES_ERROR)")
fi

log "Summary"
printf '  %s\n' "${SUMMARY[@]}"

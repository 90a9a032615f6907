#!/usr/bin/env bash
# `make run`: set up (first time) and start the portal with demo data on
# http://127.0.0.1:8000, with the django-q2 worker beside the web server.
# Ctrl-C stops both. A second run keeps the data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
ADDR="${PORTAL_ADDR:-127.0.0.1:8000}"

compile_messages
log "Migrating the database"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable -v0
log "Loading the demo commune"
"$PY" manage.py load_demo_data
log "Building the search index"
"$PY" manage.py update_index -v0

PIDS=()
cleanup() {
    trap - EXIT INT TERM
    log "Stopping the web server and the task worker"
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "Starting the task worker (django-q2)"
"$PY" manage.py qcluster &
PIDS+=($!)
"$PY" manage.py runserver "$ADDR" --noreload &
PIDS+=($!)
log "Portal: http://$ADDR/   admin: http://$ADDR/admin/   health: http://$ADDR/healthz   (Ctrl-C stops)"
# If either process ends on its own, stop the other too.
wait -n "${PIDS[@]}"

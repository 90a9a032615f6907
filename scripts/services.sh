# Provision real PostgreSQL, OpenSearch and Elasticsearch for the test suite (sourced by test.sh).
#
# PostgreSQL: Debian's package, a throw-away cluster per run on a private port.
# Search engines: the integ-test-zip distributions from Maven Central (cached in
# .cache/search after the first run). OpenSearch also gets its analysis-common
# module (on Maven Central too), so that the checks of pass 2 run on a full
# server; Elasticsearch runs bare (core analysis only, no analysis-common: it is
# not published), which the project's index settings need (search/analysis.py).
#
# They refuse to run as root, so as root they run as an unprivileged user.

PG_PORT="${TEST_PG_PORT:-54329}"
SEARCH_PORT="${TEST_SEARCH_PORT:-9251}"
OPENSEARCH_VERSION="${OPENSEARCH_VERSION:-2.19.3}"
ELASTICSEARCH_VERSION="${ELASTICSEARCH_VERSION:-8.19.21}"
SERVICE_USER="${SERVICE_USER:-portaltest}"
SERVICES_TMP=""
PG_BIN=""
PG_DATA=""
SEARCH_PID=""
SEARCH_HOME=""
SERVICES_ERROR=""

_run_as_service_user() {
    if is_root; then
        runuser -u "$SERVICE_USER" -- "$@"
    else
        "$@"
    fi
}

_ensure_service_user() {
    is_root || return 0
    id "$SERVICE_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
}

_find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && PG_BIN="$dir"
    done
    [ -n "$PG_BIN" ]
}

start_postgres() {
    if ! _find_pg_bin; then
        apt_install postgresql postgresql-contrib || { SERVICES_ERROR="PostgreSQL is not installed"; return 1; }
        _find_pg_bin || { SERVICES_ERROR="PostgreSQL binaries not found after install"; return 1; }
    fi
    PG_DATA="$SERVICES_TMP/pg"
    mkdir -p "$PG_DATA"
    is_root && chown "$SERVICE_USER" "$PG_DATA"
    _run_as_service_user "$PG_BIN/initdb" -D "$PG_DATA" -U portal --auth=trust -E UTF8 --locale=C.UTF-8 >"$SERVICES_TMP/initdb.log" 2>&1 \
        || { SERVICES_ERROR="initdb failed: $(tail -3 "$SERVICES_TMP/initdb.log")"; return 1; }
    _run_as_service_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$SERVICES_TMP/pg.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null \
        || { SERVICES_ERROR="PostgreSQL did not start: $(tail -3 "$SERVICES_TMP/pg.log")"; return 1; }
    _run_as_service_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U portal portal \
        || { SERVICES_ERROR="createdb failed"; return 1; }
    export DATABASE_URL="postgres://portal@127.0.0.1:$PG_PORT/portal"
    log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

_fetch_opensearch() {
    # Download (once) and unpack OpenSearch with the analysis-common module.
    local cache="$ROOT/.cache/search"
    local home="$cache/opensearch-$OPENSEARCH_VERSION"
    if [ -f "$home/.ready" ]; then
        OPENSEARCH_HOME="$home"
        return 0
    fi
    command -v mvn >/dev/null || apt_install maven || { SERVICES_ERROR="maven is needed to fetch OpenSearch"; return 1; }
    command -v unzip >/dev/null || apt_install unzip || { SERVICES_ERROR="unzip is missing"; return 1; }
    local repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    local artifact
    for artifact in \
        "org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
        "org.opensearch.plugin:analysis-common:$OPENSEARCH_VERSION"; do
        log "Fetching $artifact from Maven Central"
        mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false >"$cache.mvn.log" 2>&1 \
            || { SERVICES_ERROR="mvn could not fetch $artifact: $(grep -m1 ERROR "$cache.mvn.log")"; return 1; }
    done
    rm -rf "$home" && mkdir -p "$cache"
    unzip -q "$repo/org/opensearch/distribution/integ-test-zip/opensearch/$OPENSEARCH_VERSION/opensearch-$OPENSEARCH_VERSION.zip" -d "$cache"
    local module="$home/modules/analysis-common"
    mkdir -p "$module"
    cp "$repo/org/opensearch/plugin/analysis-common/$OPENSEARCH_VERSION/analysis-common-$OPENSEARCH_VERSION.jar" "$module/"
    cat >"$module/plugin-descriptor.properties" <<DESC
description=Adds analysis components (lowercase, asciifolding, edge_ngram, synonym, ...)
version=$OPENSEARCH_VERSION
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$OPENSEARCH_VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
DESC
    touch "$home/.ready"
    OPENSEARCH_HOME="$home"
}

_java_home() {
    if [ -n "${OPENSEARCH_JAVA_HOME:-}" ]; then echo "$OPENSEARCH_JAVA_HOME"; return; fi
    command -v java >/dev/null || apt_install openjdk-17-jre-headless >&2 || return 1
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

start_search() {
    _fetch_opensearch || return 1
    local java_home
    java_home="$(_java_home)" || { SERVICES_ERROR="Java is needed for OpenSearch"; return 1; }
    # A private copy per run: OpenSearch writes its keystore and logs beside its config.
    local home="$SERVICES_TMP/opensearch"
    SEARCH_HOME="$home"
    cp -r "$OPENSEARCH_HOME" "$home"
    mkdir -p "$home/data" "$home/logs"
    is_root && chown -R "$SERVICE_USER" "$home"
    (
        cd "$home" && _run_as_service_user env OPENSEARCH_JAVA_HOME="$java_home" \
            OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m" bin/opensearch -q \
            -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
            -Ehttp.port="$SEARCH_PORT" -Etransport.port="$((SEARCH_PORT + 100))" \
            -Epath.data="$home/data" -Epath.logs="$home/logs" \
            -Ecluster.routing.allocation.disk.threshold_enabled=false
    ) >"$SERVICES_TMP/opensearch.out" 2>&1 &
    SEARCH_PID=$!
    local url="http://127.0.0.1:$SEARCH_PORT"
    local i
    for i in $(seq 1 120); do
        if curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
            export SEARCH_URL="$url" SEARCH_BACKEND=opensearch3 SEARCH_INDEX_PREFIX="test_"
            log "OpenSearch $OPENSEARCH_VERSION on $url (started in ${i}s)"
            return 0
        fi
        if ! kill -0 "$SEARCH_PID" 2>/dev/null; then break; fi
        sleep 1
    done
    SERVICES_ERROR="OpenSearch did not start: $(grep -m1 -E 'ERROR|Exception' "$home/logs/"*.log "$SERVICES_TMP/opensearch.out" 2>/dev/null | cut -c1-300)"
    return 1
}

_fetch_elasticsearch() {
    # Download (once) and unpack Elasticsearch's integ-test-zip: core modules only.
    local cache="$ROOT/.cache/search"
    local home="$cache/elasticsearch-$ELASTICSEARCH_VERSION"
    if [ -f "$home/.ready" ]; then
        ELASTICSEARCH_HOME="$home"
        return 0
    fi
    command -v mvn >/dev/null || apt_install maven || { SERVICES_ERROR="maven is needed to fetch Elasticsearch"; return 1; }
    command -v unzip >/dev/null || apt_install unzip || { SERVICES_ERROR="unzip is missing"; return 1; }
    local repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    local artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip"
    mkdir -p "$cache"
    log "Fetching $artifact from Maven Central"
    mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false >"$cache.mvn.log" 2>&1 \
        || { SERVICES_ERROR="mvn could not fetch $artifact: $(grep -m1 ERROR "$cache.mvn.log")"; return 1; }
    rm -rf "$home"
    unzip -q "$repo/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ELASTICSEARCH_VERSION/elasticsearch-$ELASTICSEARCH_VERSION.zip" -d "$cache" \
        || { SERVICES_ERROR="could not unpack Elasticsearch $ELASTICSEARCH_VERSION"; return 1; }
    touch "$home/.ready"
    ELASTICSEARCH_HOME="$home"
}

start_elasticsearch() {
    # Elasticsearch on the same port as OpenSearch (stop_search first): security and ML off, 512 MB heap.
    _fetch_elasticsearch || return 1
    local java_home
    java_home="${ELASTICSEARCH_JAVA_HOME:-$(_java_home)}" || { SERVICES_ERROR="Java is needed for Elasticsearch"; return 1; }
    local home="$SERVICES_TMP/elasticsearch"
    SEARCH_HOME="$home"
    cp -r "$ELASTICSEARCH_HOME" "$home"
    mkdir -p "$home/data" "$home/logs"
    is_root && chown -R "$SERVICE_USER" "$home"
    local started=$SECONDS
    (
        cd "$home" && _run_as_service_user env ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
            bin/elasticsearch -q \
            -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
            -Ehttp.port="$SEARCH_PORT" -Etransport.port="$((SEARCH_PORT + 100))" \
            -Epath.data="$home/data" -Epath.logs="$home/logs" \
            -Expack.security.enabled=false -Expack.ml.enabled=false \
            -Ecluster.routing.allocation.disk.threshold_enabled=false
    ) >"$SERVICES_TMP/elasticsearch.out" 2>&1 &
    SEARCH_PID=$!
    local url="http://127.0.0.1:$SEARCH_PORT"
    local i
    for i in $(seq 1 120); do
        # No `GET /` on the integ-test-zip: ask the cluster's health.
        if curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
            export SEARCH_URL="$url" SEARCH_BACKEND=elasticsearch8 SEARCH_INDEX_PREFIX="test_"
            log "Elasticsearch $ELASTICSEARCH_VERSION on $url (started in $((SECONDS - started))s)"
            return 0
        fi
        if ! kill -0 "$SEARCH_PID" 2>/dev/null; then break; fi
        sleep 1
    done
    SERVICES_ERROR="Elasticsearch did not start: $(grep -m1 -E 'ERROR|Exception' "$home/logs/"*.log "$SERVICES_TMP/elasticsearch.out" 2>/dev/null | cut -c1-300)"
    return 1
}

stop_search() {
    # Stop the running search engine (OpenSearch or Elasticsearch) and remove its copy.
    if [ -n "$SEARCH_PID" ]; then
        pkill -TERM -f "path.home=$SEARCH_HOME" 2>/dev/null || true
        wait "$SEARCH_PID" 2>/dev/null || true
        SEARCH_PID=""
    fi
    [ -n "$SEARCH_HOME" ] && rm -rf "$SEARCH_HOME"
    SEARCH_HOME=""
    unset SEARCH_URL SEARCH_BACKEND SEARCH_INDEX_PREFIX
}

start_services() {
    SERVICES_TMP="$(mktemp -d /tmp/portal-services.XXXXXX)"
    chmod 755 "$SERVICES_TMP"
    _ensure_service_user
    is_root && chown "$SERVICE_USER" "$SERVICES_TMP"
    start_postgres && start_search
}

stop_services() {
    stop_search
    if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        _run_as_service_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$SERVICES_TMP" ] && rm -rf "$SERVICES_TMP"
    SERVICES_TMP=""
}

CLUSTER_DIR=""

start_cluster() {
    # nginx, two app servers, Redis and two task workers on the running PostgreSQL and search engine
    # (scripts/cluster.py, its database the otherwise unused "portal" one). Debian's nginx and Redis.
    if ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null; then
        apt_install nginx-light redis-server || { SERVICES_ERROR="nginx and redis-server are needed"; return 1; }
    fi
    CLUSTER_DIR="$SERVICES_TMP/cluster"
    "$PY" scripts/cluster.py up --dir "$CLUSTER_DIR" >"$SERVICES_TMP/cluster-up.log" 2>&1 || {
        SERVICES_ERROR="the cluster did not start: $(tail -n 3 "$SERVICES_TMP/cluster-up.log" | tr '\n' ' ' | cut -c1-300)"
        return 1
    }
}

stop_cluster() {
    if [ -n "$CLUSTER_DIR" ] && [ -f "$CLUSTER_DIR/cluster.json" ]; then
        "$PY" scripts/cluster.py down --dir "$CLUSTER_DIR" || true
    fi
    CLUSTER_DIR=""
}

# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not run).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31m==> %s\033[0m\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = "0" ]; }
in_ci() { case "${CI:-}" in true|1|yes) return 0 ;; *) return 1 ;; esac; }

apt_install() {
    # Install Debian packages when we may (root); otherwise say what is missing.
    if ! is_root; then
        warn "missing system packages: $* (install them with apt-get as root)"
        return 1
    fi
    if [ ! -f "$ROOT/.cache/apt-updated" ]; then
        apt-get update -q >/dev/null && mkdir -p "$ROOT/.cache" && touch "$ROOT/.cache/apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

ensure_venv() {
    # Create .venv and install the given requirements file when it changed.
    local requirements="$1"
    if [ ! -x "$PY" ]; then
        command -v python3 >/dev/null || die "python3 is required"
        python3 -m venv "$VENV" || {
            apt_install python3-venv && python3 -m venv "$VENV"
        } || die "could not create the virtual environment"
        "$PY" -m pip install -q --upgrade pip
    fi
    local stamp="$VENV/.installed-$(basename "$requirements")"
    local digest
    digest="$(cat "$ROOT/requirements.txt" "$ROOT/$requirements" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        log "Installing $requirements"
        "$PY" -m pip install -q -r "$ROOT/$requirements" || die "pip install -r $requirements failed"
        echo "$digest" >"$stamp"
    fi
}

compile_messages() {
    # The Vietnamese UI catalogue is compiled here, not committed.
    command -v msgfmt >/dev/null || apt_install gettext || die "gettext (msgfmt) is needed to compile translations"
    "$PY" manage.py compilemessages -l vi --ignore ".venv/*" --ignore ".cache/*" -v0
}

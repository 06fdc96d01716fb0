#!/usr/bin/env bash
# A private PostgreSQL cluster on loopback for the catalog contract tests, the cluster test and
# benchmarks.
#
#   scripts/services/postgres.sh start   initialise once, start (or reuse a running one), make sure
#                                        the database sohoa_test exists, print its SQLAlchemy URL
#   scripts/services/postgres.sh stop    stop the cluster started by "start"
#   scripts/services/postgres.sh url     print the URL (exit 1 if the server is not up)
#
# The binaries are Debian's (apt-get install postgresql; the Makefile installs it). The cluster is
# not Debian's system cluster: its own data directory, port and socket directory, owned by an
# unprivileged user (postgres refuses to run as root), with one superuser "sohoa" that may create
# databases, trusted on 127.0.0.1 only. Environment knobs: SOHOA_PG_PORT (default 55432),
# SOHOA_PG_DIR (data, socket and log; default /tmp/sohoa-pg), SOHOA_PG_BIN (the server's bin
# directory; default the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

PORT="${SOHOA_PG_PORT:-55432}"
RUN_DIR="${SOHOA_PG_DIR:-/tmp/sohoa-pg}"
DATA="$RUN_DIR/data"
LOG="$RUN_DIR/postgres.log"
DB_USER="sohoa"
DB_NAME="sohoa_test"
URL="postgresql+psycopg://$DB_USER@127.0.0.1:$PORT/$DB_NAME"

say() { echo "postgres: $*" >&2; }

find_bin() {
    if [ -n "${SOHOA_PG_BIN:-}" ]; then echo "$SOHOA_PG_BIN"; return 0; fi
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
        say "PostgreSQL is not installed; apt-get install postgresql (make install does)"
        return 1
    fi
    echo "$bin"
}

# postgres refuses to run as root: as root, run the cluster as the unprivileged "postgres" user
# that Debian's package creates; as anyone else, as that user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

ready() {
    local bin="$1"
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -U "$DB_USER" >/dev/null 2>&1
}

ensure_db() {
    local bin="$1" exists
    exists=$("$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -tAq \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
    if [ "$exists" != "1" ]; then
        "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -q \
            -c "CREATE DATABASE $DB_NAME" >/dev/null
    fi
}

start() {
    local bin
    bin=$(find_bin)
    if ready "$bin"; then ensure_db "$bin"; echo "$URL"; return 0; fi
    if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    mkdir -p "$RUN_DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$RUN_DIR"; fi
    chmod 700 "$RUN_DIR"
    if [ ! -s "$DATA/PG_VERSION" ]; then
        rm -rf "$DATA"
        as_owner "$bin/initdb" -D "$DATA" -U "$DB_USER" -A trust -E UTF8 --locale=C.UTF-8 \
            >"$RUN_DIR/initdb.log" 2>&1 || {
                say "initdb failed; see $RUN_DIR/initdb.log"; tail -20 "$RUN_DIR/initdb.log" >&2
                return 1; }
        # Loopback only, its own socket directory (not /var/run/postgresql), enough connections
        # for several worker processes with a pool each.
        cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN_DIR'
max_connections = 200
CONF
    fi
    say "starting on 127.0.0.1:$PORT (data $DATA)"
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -s start >/dev/null 2>&1 || {
        say "failed to start; see $LOG"; tail -20 "$LOG" >&2 2>/dev/null || true; return 1; }
    local i
    for i in $(seq 1 60); do
        if ready "$bin"; then ensure_db "$bin"; echo "$URL"; return 0; fi
        sleep 0.5
    done
    say "did not accept connections in 30 s; see $LOG"
    tail -20 "$LOG" >&2 2>/dev/null || true
    return 1
}

stop() {
    if [ -s "$DATA/postmaster.pid" ]; then
        local bin
        bin=$(find_bin)
        as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 -s stop >/dev/null 2>&1 || true
        say "stopped"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) if ready "$(find_bin)"; then echo "$URL"; else exit 1; fi ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A private Redis on loopback: the work-queue broker for the queue and cluster tests and the
# queue benchmark.
#
#   scripts/services/redis.sh start   start (or reuse a running one), print its URL on one line
#   scripts/services/redis.sh stop    stop the server started by "start"
#   scripts/services/redis.sh url     print the URL (exit 1 if the server is not up)
#
# The binary is Debian's (apt-get install redis-server; the Makefile installs it), but the server
# is not Debian's system service: its own port, directory and pid file, bound to 127.0.0.1 only,
# no persistence (the tests start from an empty queue). Environment knobs: SOHOA_REDIS_PORT
# (default 56379), SOHOA_REDIS_DIR (pid file and log; default /tmp/sohoa-redis).
set -euo pipefail

PORT="${SOHOA_REDIS_PORT:-56379}"
RUN_DIR="${SOHOA_REDIS_DIR:-/tmp/sohoa-redis}"
PIDFILE="$RUN_DIR/redis.pid"
LOG="$RUN_DIR/redis.log"
URL="redis://127.0.0.1:$PORT/0"

say() { echo "redis: $*" >&2; }
# shellcheck source=pidfile.sh
source "$(dirname "${BASH_SOURCE[0]}")/pidfile.sh"

ready() {
    [ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" = "PONG" ]
}

start() {
    if ready; then echo "$URL"; return 0; fi
    if ! command -v redis-server >/dev/null; then
        say "redis-server is not installed; apt-get install redis-server (make install does)"
        return 1
    fi
    mkdir -p "$RUN_DIR"
    redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --pidfile "$PIDFILE" \
        --logfile "$LOG" --dir "$RUN_DIR" --save "" --appendonly no \
        --protected-mode yes >/dev/null
    local i
    for i in $(seq 1 50); do
        if ready; then say "started on $URL"; echo "$URL"; return 0; fi
        sleep 0.1
    done
    say "did not answer in 5 s; see $LOG"
    tail -20 "$LOG" >&2 2>/dev/null || true
    return 1
}

stop() {
    if stop_pidfile "$PIDFILE" 5; then say "stopped"; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) if ready; then echo "$URL"; else exit 1; fi ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

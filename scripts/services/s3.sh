#!/usr/bin/env bash
# A real S3-compatible server on loopback for the blob-store contract tests, the cluster test and
# benchmarks: versitygw (Versity S3 Gateway, Apache-2.0) with its posix backend, built from source.
#
#   scripts/services/s3.sh start   build once (Go module proxy), start (or reuse a running one),
#                                  wait until it answers, print the endpoint URL
#   scripts/services/s3.sh stop    stop the server started by "start"
#   scripts/services/s3.sh url     print the endpoint URL (exit 1 if the server is not up)
#
# The binary is built with `go install github.com/versity/versitygw/cmd/versitygw@$VERSION` into
# ~/.cache/sohoa/bin (about 7 minutes on 2 cores the first time, then instant). Go comes from
# /usr/local/go or PATH; Debian's golang-go is too old for it. Buckets are directories under the
# data directory (the posix backend keeps metadata in extended attributes, so that directory must
# be on a file system with user xattrs: ext4, xfs, btrfs; not tmpfs).
# Credentials are fixed test values: access key sohoa-test, secret sohoa-test-secret, region
# us-east-1. Environment knobs: SOHOA_S3_PORT (default 7070), SOHOA_S3_DIR (data and log; default
# /var/tmp/sohoa-s3), SOHOA_S3_VERSION, SOHOA_GO (the go command).
set -euo pipefail

VERSION="${SOHOA_S3_VERSION:-v1.8.0}"
MODULE=github.com/versity/versitygw
# The module's go.sum hash (h1:), checked before building; its own go.sum pins its dependencies,
# which the go command verifies. Another version needs its own: SOHOA_S3_MODULE_SUM.
case "$VERSION" in
    v1.8.0) MODULE_SUM="h1:au+wI+aybno/STsQiSm35Uu6Q6iK5MWReQxgO6SEMFc=" ;;
    *) MODULE_SUM="${SOHOA_S3_MODULE_SUM:?SOHOA_S3_VERSION=$VERSION needs SOHOA_S3_MODULE_SUM (h1:…)}" ;;
esac
PORT="${SOHOA_S3_PORT:-7070}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sohoa"
RUN_DIR="${SOHOA_S3_DIR:-/var/tmp/sohoa-s3}"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/versitygw-$VERSION"
URL="http://127.0.0.1:${PORT}"
PIDFILE="$RUN_DIR/versitygw.pid"
LOG="$RUN_DIR/versitygw.log"
ACCESS_KEY="sohoa-test"
SECRET_KEY="sohoa-test-secret"
REGION="us-east-1"

say() { echo "s3: $*" >&2; }
# shellcheck source=pidfile.sh
source "$(dirname "${BASH_SOURCE[0]}")/pidfile.sh"

find_go() {
    local candidate
    for candidate in "${SOHOA_GO:-}" "$(command -v go || true)" /usr/local/go/bin/go; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
    say "no Go toolchain found to build versitygw; install Go 1.25 or newer (/usr/local/go)"
    say "or point SOHOA_GO at it"
    return 1
}

build() {
    # A binary is used only when it was built from the pinned module (its .sum stamp).
    if [ -x "$BIN" ] && [ "$(cat "$BIN.sum" 2>/dev/null)" = "$MODULE_SUM" ]; then return 0; fi
    mkdir -p "$BIN_DIR"
    # One build at a time: the cluster test and the contract tests may both ask for the server.
    exec 9>"$BIN_DIR/.versitygw.lock"
    flock 9
    if [ -x "$BIN" ] && [ "$(cat "$BIN.sum" 2>/dev/null)" = "$MODULE_SUM" ]; then exec 9>&-; return 0; fi
    local go tmp sum
    go=$(find_go)
    tmp=$(mktemp -d "$BIN_DIR/.build-XXXXXX")
    sum=$(cd "$tmp" && "$go" mod download -json "$MODULE@$VERSION" 2>>"$BIN_DIR/versitygw-build.log" \
          | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')
    if [ "$sum" != "$MODULE_SUM" ]; then
        say "$MODULE@$VERSION has module hash '${sum:-none}', pinned $MODULE_SUM; not building"
        rm -rf "$tmp"; exec 9>&-
        return 1
    fi
    if [ -x "$BIN" ]; then  # built before the pin existed, from this same verified module
        echo "$MODULE_SUM" >"$BIN.sum"; rm -rf "$tmp"; exec 9>&-; return 0
    fi
    say "building versitygw $VERSION from the Go module proxy (once, a few minutes)"
    if ! (cd "$tmp" && GOBIN="$tmp" GOFLAGS=-trimpath "$go" install \
            "$MODULE/cmd/versitygw@$VERSION") >>"$BIN_DIR/versitygw-build.log" 2>&1; then
        say "build failed; see $BIN_DIR/versitygw-build.log"
        tail -20 "$BIN_DIR/versitygw-build.log" >&2
        rm -rf "$tmp"; exec 9>&-
        return 1
    fi
    mv "$tmp/versitygw" "$BIN" && echo "$MODULE_SUM" >"$BIN.sum" && rm -rf "$tmp"
    exec 9>&-
}

# Any HTTP answer means the gateway is listening; the health path answers 200.
healthy() {
    curl -fsS -o /dev/null --max-time 2 "$URL/health" 2>/dev/null
}

start() {
    if healthy; then echo "$URL"; return 0; fi
    build
    mkdir -p "$RUN_DIR/data"
    if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        say "a server (pid $(cat "$PIDFILE")) is running but not answering; stopping it"
        stop
    fi
    say "starting versitygw $VERSION on $URL (data $RUN_DIR/data)"
    setsid "$BIN" --port "127.0.0.1:$PORT" --access "$ACCESS_KEY" --secret "$SECRET_KEY" \
        --region "$REGION" --health /health --quiet posix "$RUN_DIR/data" \
        >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    local i
    for i in $(seq 1 60); do
        if healthy; then echo "$URL"; return 0; fi
        if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then break; fi
        sleep 0.5
    done
    say "did not answer on $URL; see $LOG"
    tail -20 "$LOG" >&2 2>/dev/null || true
    return 1
}

stop() {
    if stop_pidfile "$PIDFILE" 10; then say "stopped"; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    build) build ;;
    url) if healthy; then echo "$URL"; else exit 1; fi ;;
    *) echo "usage: $0 start|stop|build|url" >&2; exit 2 ;;
esac

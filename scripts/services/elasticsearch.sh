#!/usr/bin/env bash
# A real single-node Elasticsearch on loopback for the search contract tests and benchmarks.
#
#   scripts/services/elasticsearch.sh start   download once (Maven Central, through mvn), start,
#                                             wait until the cluster is healthy, print the URL
#   scripts/services/elasticsearch.sh stop    stop the node started by "start"
#   scripts/services/elasticsearch.sh url     print the URL (exit 1 if the node is not up)
#
# The distribution is org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip
# (no bundled JDK, no x-pack), cached under ~/.cache/sohoa/. It needs Java 21 or newer and
# refuses to run as root, so it runs as the unprivileged user "sohoa-es" with single-node
# discovery, security off and a small heap. Environment knobs: SOHOA_ES_VERSION, SOHOA_ES_PORT,
# SOHOA_ES_TRANSPORT_PORT (default SOHOA_ES_PORT + 100),
# SOHOA_ES_HEAP, SOHOA_ES_JAVA_HOME, SOHOA_ES_DIR (data and logs; default /tmp/sohoa-es),
# SOHOA_ES_DIST_DIR (the unpacked distribution; default /var/tmp/sohoa-es-dist).
set -euo pipefail

VERSION="${SOHOA_ES_VERSION:-9.2.0}"
# The distribution's SHA-256, checked before it is unpacked; another version needs its own.
case "$VERSION" in
    9.2.0) ZIP_SHA256=bf44938a0490ba2a303d39c9cb64b38963dd08c812ce93e10816e878585bcb6b ;;
    *) ZIP_SHA256="${SOHOA_ES_SHA256:?SOHOA_ES_VERSION=$VERSION needs SOHOA_ES_SHA256, the SHA-256 of its zip}" ;;
esac
PORT="${SOHOA_ES_PORT:-9201}"
TRANSPORT_PORT="${SOHOA_ES_TRANSPORT_PORT:-$((PORT + 100))}"
HEAP="${SOHOA_ES_HEAP:-512m}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sohoa"
RUN_DIR="${SOHOA_ES_DIR:-/tmp/sohoa-es}"
ES_USER="sohoa-es"
URL="http://127.0.0.1:${PORT}"
ZIP="$CACHE/elasticsearch-$VERSION.zip"
# Unpacked outside $HOME: root's home is not readable by the unprivileged user.
DIST="${SOHOA_ES_DIST_DIR:-/var/tmp/sohoa-es-dist}/elasticsearch-$VERSION"
PIDFILE="$RUN_DIR/es.pid"

say() { echo "elasticsearch: $*" >&2; }
# shellcheck source=pidfile.sh
source "$(dirname "${BASH_SOURCE[0]}")/pidfile.sh"
# shellcheck source=pins.sh
source "$(dirname "${BASH_SOURCE[0]}")/pins.sh"

find_java() {
    local candidates=("${SOHOA_ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64
                      /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64
                      /usr/lib/jvm/java-21-openjdk-amd64)
    local home major
    for home in "${candidates[@]}"; do
        [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
        major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
                | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$home"; return 0; fi
    done
    say "no Java 21 or newer found; install one (e.g. apt-get install openjdk-21-jre-headless)"
    say "or point SOHOA_ES_JAVA_HOME at it"
    return 1
}

fetch() {
    # The unpacked tree is trusted only when it was unpacked from the pinned zip.
    if [ -x "$DIST/bin/elasticsearch" ] && [ "$(cat "$DIST/.zip-sha256" 2>/dev/null)" = "$ZIP_SHA256" ]
    then return 0; fi
    mkdir -p "$CACHE"
    if [ ! -s "$ZIP" ]; then
        say "downloading Elasticsearch $VERSION from Maven Central (once)"
        mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:2.8:copy \
            "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip" \
            "-DoutputDirectory=$CACHE" >&2
    fi
    check_sha256 "$ZIP" "$ZIP_SHA256" elasticsearch
    mkdir -p "$(dirname "$DIST")"
    local tmp
    tmp="$(dirname "$DIST")/.unpack-$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    (cd "$tmp" && unzip -q "$ZIP")
    echo "$ZIP_SHA256" >"$tmp/elasticsearch-$VERSION/.zip-sha256"
    rm -rf "$DIST" && mv "$tmp/elasticsearch-$VERSION" "$DIST" && rm -rf "$tmp"
}

# The integ-test-zip has no analysis-common module, so no "asciifolding" filter: add Lucene's
# own ASCIIFoldingFilter under that name (es-folding/, a 40-line shim compiled here against the
# node's own jars). A real cluster's default distribution has the filter built in.
install_folding() {
    local java_home="$1" plugin="$DIST/plugins/sohoa-folding"
    if [ -s "$plugin/sohoa-folding.jar" ]; then return 0; fi
    local src build
    src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/es-folding"
    build=$(mktemp -d)
    "$java_home/bin/javac" --release 21 -proc:none -nowarn -cp "$DIST/lib/*" -d "$build" \
        "$src/org/sohoa/esfolding/FoldingPlugin.java"
    mkdir -p "$plugin"
    "$java_home/bin/jar" --create --file "$plugin/sohoa-folding.jar" -C "$build" .
    cat > "$plugin/plugin-descriptor.properties" <<PROPS
description=asciifolding token filter (Lucene ASCIIFoldingFilter) for the sohoa test node
version=1.0.0
name=sohoa-folding
classname=org.sohoa.esfolding.FoldingPlugin
java.version=21
elasticsearch.version=$VERSION
PROPS
    rm -rf "$build"
}

healthy() {
    curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

start() {
    if healthy; then echo "$URL"; return 0; fi
    local java_home
    java_home=$(find_java)
    fetch
    install_folding "$java_home"
    id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home \
        --shell /usr/sbin/nologin "$ES_USER"
    # The node writes its config (keystore) and plugins dir: give it its own copy of the config.
    rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs"
    cp -r "$DIST/config" "$RUN_DIR/config"
    cat >> "$RUN_DIR/config/elasticsearch.yml" <<YML
cluster.name: sohoa-test
node.name: sohoa-test-node
network.host: 127.0.0.1
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
    chown -R "$ES_USER" "$RUN_DIR"
    chmod -R a+rX "$DIST"
    say "starting $VERSION on $URL (user $ES_USER, heap $HEAP, Java $java_home)"
    runuser -u "$ES_USER" -- env JAVA_HOME="$java_home" ES_JAVA_HOME="$java_home" \
        ES_PATH_CONF="$RUN_DIR/config" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
        "$DIST/bin/elasticsearch" -d -p "$PIDFILE" >"$RUN_DIR/logs/stdout.log" 2>&1 || {
            say "failed to start; see $RUN_DIR/logs/"; tail -20 "$RUN_DIR/logs/stdout.log" >&2
            return 1; }
    local i
    for i in $(seq 1 180); do
        if healthy; then echo "$URL"; return 0; fi
        sleep 1
    done
    say "did not become healthy in 180 s; see $RUN_DIR/logs/"
    tail -30 "$RUN_DIR/logs/sohoa-test.log" >&2 2>/dev/null || true
    return 1
}

stop() {
    if stop_pidfile "$PIDFILE" 30; then say "stopped"; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) if healthy; then echo "$URL"; else exit 1; fi ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

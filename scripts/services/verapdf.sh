#!/usr/bin/env bash
# veraPDF, the PDF Association's PDF/A validator, from Maven Central.
#
#   scripts/services/verapdf.sh fetch     copy its jars into the cache once (a no-op afterwards)
#   scripts/services/verapdf.sh command   print the command line that runs it
#   scripts/services/verapdf.sh FILE...   validate files as PDF/A-2b
#
# Maven resolves the jars into ~/.m2 the first time (online), later offline. Cache:
# SOHOA_VERAPDF_DIR (default ~/.cache/sohoa/verapdf).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${SOHOA_VERAPDF_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sohoa/verapdf}"
LIB="$CACHE/lib"
MAIN=org.verapdf.apps.GreenfieldCliWrapper
PINS="$HERE/tools/verapdf/jars.sha256"   # every runtime jar's SHA-256, checked before each use
# shellcheck source=pins.sh
source "$HERE/scripts/services/pins.sh"

fetch() {
    if [ -s "$CACHE/ok" ]; then check_jars "$LIB" "$PINS" verapdf; return; fi
    command -v mvn >/dev/null || { echo "verapdf: Maven (mvn) is not installed" >&2; return 1; }
    rm -rf "$LIB" && mkdir -p "$LIB"
    local goals=(dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$LIB")
    if ! mvn -q -B -o -f "$HERE/tools/verapdf/pom.xml" "${goals[@]}" >"$CACHE/fetch.log" 2>&1; then
        echo "verapdf: resolving from Maven Central (once)" >&2
        mvn -q -B -f "$HERE/tools/verapdf/pom.xml" "${goals[@]}" >"$CACHE/fetch.log" 2>&1 || {
            tail -20 "$CACHE/fetch.log" >&2; return 1; }
    fi
    if [ "${SOHOA_WRITE_PINS:-}" = 1 ]; then write_jars "$LIB" "$PINS"; fi
    check_jars "$LIB" "$PINS" verapdf
    echo ok >"$CACHE/ok"
}

case "${1:-}" in
    fetch) fetch ;;
    command) fetch && echo "java -cp $LIB/* $MAIN" ;;
    "") echo "usage: $0 fetch|command|FILE..." >&2; exit 2 ;;
    *) fetch && exec java -cp "$LIB/*" "$MAIN" --flavour 2b --format text "$@" ;;
esac

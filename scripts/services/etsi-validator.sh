#!/usr/bin/env bash
# An independent ETSI check of sohoa's signatures: the EU's DSS library (Maven Central,
# eu.europa.ec.joinup.sd-dss) validating a PDF, as a tiny Java program in
# tools/etsi-validate/.
#
#   scripts/services/etsi-validator.sh build              build once into the cache (jar plus
#                                                         dependency jars); a no-op when the
#                                                         sources have not changed
#   scripts/services/etsi-validator.sh run FILE ROOT.pem [ROOT2.pem ...] [--online]
#                                                         [--reports DIR]
#                                                         print DSS's verdict per signature as
#                                                         JSON (format such as
#                                                         PAdES-BASELINE-LTA, indication,
#                                                         sub-indication); offline unless
#                                                         --online; --reports also writes
#                                                         DSS's XML reports to DIR
#   scripts/services/etsi-validator.sh run ROOT.pem [...] --pdf A.pdf --pdf B.pdf [--online]
#                                                         several files in one JVM: one JSON
#                                                         object per line, in order
#   scripts/services/etsi-validator.sh built              exit 0 when a build is in the cache
#
# Maven resolves the dependencies into ~/.m2 the first time (online); later builds run offline
# (mvn -o) from there. The build happens in a copy of the sources under the cache, so the work
# tree stays clean. Environment knobs: SOHOA_ETSI_JAVA_HOME (a Java 17 or newer; default: the
# java on PATH), SOHOA_ETSI_DIR (default ~/.cache/sohoa/etsi-validator).
set -euo pipefail

HERE="$(cd "$(dirname "$0")/../.." && pwd)"
SRC="$HERE/tools/etsi-validate"
CACHE="${SOHOA_ETSI_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sohoa/etsi-validator}"
LIB="$CACHE/lib"
STAMP="$CACHE/source.sha256"
PINS="$SRC/jars.sha256"   # every dependency jar's SHA-256 (the validator's own jar is built here)
# shellcheck source=pins.sh
source "$HERE/scripts/services/pins.sh"

say() { echo "etsi-validator: $*" >&2; }

java_bin() {
    if [ -n "${SOHOA_ETSI_JAVA_HOME:-}" ]; then echo "$SOHOA_ETSI_JAVA_HOME/bin/java"; else echo java; fi
}

source_hash() {
    (cd "$SRC" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum \
        | cut -d' ' -f1
}

built() {
    [ -s "$STAMP" ] && [ -s "$LIB/etsi-validate.jar" ] && [ "$(cat "$STAMP")" = "$(source_hash)" ] \
        && check_jars "$LIB" "$PINS" etsi-validator etsi-validate.jar 2>/dev/null
}

build() {
    if built; then return 0; fi
    command -v mvn >/dev/null || { say "Maven (mvn) is not installed: apt-get install maven"; return 1; }
    local work="$CACHE/build"
    rm -rf "$work" "$LIB.new" && mkdir -p "$work" "$LIB.new"
    cp -r "$SRC/pom.xml" "$SRC/src" "$work/"
    local goals=(package dependency:copy-dependencies -DincludeScope=runtime
                 "-DoutputDirectory=$LIB.new")
    local java_home=()
    if [ -n "${SOHOA_ETSI_JAVA_HOME:-}" ]; then java_home=(env "JAVA_HOME=$SOHOA_ETSI_JAVA_HOME"); fi
    # Offline first (everything already in ~/.m2); online once when something is missing.
    if ! "${java_home[@]}" mvn -q -B -o -f "$work/pom.xml" "${goals[@]}" >"$CACHE/build.log" 2>&1; then
        say "resolving DSS and its dependencies from Maven Central (once)"
        if ! "${java_home[@]}" mvn -q -B -f "$work/pom.xml" "${goals[@]}" >"$CACHE/build.log" 2>&1; then
            tail -30 "$CACHE/build.log" >&2
            say "build failed; the full log is $CACHE/build.log"
            return 1
        fi
    fi
    if [ "${SOHOA_WRITE_PINS:-}" = 1 ]; then write_jars "$LIB.new" "$PINS" etsi-validate.jar; fi
    check_jars "$LIB.new" "$PINS" etsi-validator etsi-validate.jar || return 1
    cp "$work/target/etsi-validate.jar" "$LIB.new/"
    rm -rf "$LIB" && mv "$LIB.new" "$LIB"
    source_hash >"$STAMP"
    say "built into $LIB"
}

run() {
    if ! built; then build; fi
    exec "$(java_bin)" -Xss4m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$LIB/*" \
        vn.sohoa.etsi.Validate "$@"
}

case "${1:-}" in
    build) build ;;
    built) built ;;
    run) shift; [ $# -ge 2 ] || { say "usage: $0 run FILE ROOT.pem [ROOT2.pem ...]"; exit 2; }; run "$@" ;;
    *) say "usage: $0 build | built | run FILE ROOT.pem [ROOT2.pem ...] [--reports DIR]"; exit 2 ;;
esac

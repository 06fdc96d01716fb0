# Sourced by scripts/test.sh: start the shared test servers and stop at exit only what this run
# started, and only when no other run still uses it.
#
# Several people run the suite on one machine against the same servers (one PostgreSQL cluster,
# one Elasticsearch node, ...). A run that found a server already up reuses it and must leave it
# up at its end: stopping it pulls it from under the run that started it. A run that started one
# leaves it up too while another run holds a lease on it; the last such run out does not stop it
# either (it did not start it): the server stays up for the next run, `NAME.sh stop` ends it.
#
#   start_service NAME VAR   start (or reuse) $SOHOA_SERVICES_DIR/NAME.sh, export the URL it
#                            prints as VAR, take a lease on it for this run ($$)
#   stop_services            give the leases back; stop each service this run started and
#                            nobody else holds a lease on
#
# Leases are files $SOHOA_LEASE_DIR/NAME/PID (default /tmp/sohoa-test-leases); one whose
# process is gone (a run killed with -9) counts for nothing.

SOHOA_SERVICES_DIR="${SOHOA_SERVICES_DIR:-scripts/services}"
SOHOA_LEASE_DIR="${SOHOA_LEASE_DIR:-/tmp/sohoa-test-leases}"
STARTED=()
LEASED=()

start_service() {  # NAME VAR
    local name=$1 url
    mkdir -p "$SOHOA_LEASE_DIR/$name"
    chmod 1777 "$SOHOA_LEASE_DIR" "$SOHOA_LEASE_DIR/$name" 2>/dev/null || true
    : > "$SOHOA_LEASE_DIR/$name/$$"
    LEASED+=("$name")
    if ! "$SOHOA_SERVICES_DIR/$name.sh" url >/dev/null 2>&1; then
        STARTED+=("$name")  # not up before: this run starts it
    fi
    url="$("$SOHOA_SERVICES_DIR/$name.sh" start)"
    export "$2=$url"
}

other_leases() {  # NAME: the live runs other than this one holding a lease on NAME
    local lease pid
    for lease in "$SOHOA_LEASE_DIR/$1"/*; do
        [ -e "$lease" ] || continue
        pid=${lease##*/}
        [ "$pid" = "$$" ] && continue
        if [ -d "/proc/$pid" ]; then echo "$pid"; else rm -f "$lease" 2>/dev/null || true; fi
    done
}

stop_services() {
    local name users
    for name in "${LEASED[@]}"; do rm -f "$SOHOA_LEASE_DIR/$name/$$"; done
    for name in "${STARTED[@]}"; do
        users=$(other_leases "$name" | tr '\n' ' ')
        if [ -n "$users" ]; then
            echo "$name: left running, still used by run(s) ${users% }" >&2
        else
            "$SOHOA_SERVICES_DIR/$name.sh" stop || true
        fi
    done
}

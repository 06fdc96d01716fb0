# Sourced by the service scripts: stop the process named in a pid file, politely first.
# stop_pidfile PIDFILE SECONDS: SIGTERM, wait up to SECONDS for it to exit, then SIGKILL.
stop_pidfile() {
    local pidfile=$1 seconds=$2 pid i
    [ -s "$pidfile" ] || return 1
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

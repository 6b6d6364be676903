#!/usr/bin/env bash
# Stops the provider, backend and standalone sandbox that start.sh STATE_DIR started, using the PIDs in
# STATE_DIR/interop.env and nothing else. Each process gets SIGTERM, then SIGKILL if it is still
# running after 5 seconds.
#
# Usage: stop.sh STATE_DIR
set -euo pipefail

readonly graceSeconds=5

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 STATE_DIR" >&2
    exit 2
fi

envFile="$1/interop.env"
if [[ ! -f "$envFile" ]]; then
    echo "stop.sh: $envFile not found; was start.sh run with this STATE_DIR?" >&2
    exit 1
fi

readPid() {
    local key="$1" value
    value="$(sed -n "s/^$key=//p" "$envFile" | head -n 1)"
    if [[ ! "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "stop.sh: $envFile has no valid $key (found \"$value\")" >&2
        return 1
    fi
    printf '%s\n' "$value"
}

# Succeeds when PID exists and is not a zombie that waits for its parent to reap it.
isRunning() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
    [[ "$state" != "Z" ]]
}

# Prints the command line of a PID, or nothing when the process is gone.
commandLineOf() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
}

# Polls every 0.1 s, at most TENTHS times, until PID is gone.
waitForExit() {
    local pid="$1" tenths="$2" i
    for ((i = 0; i < tenths; i++)); do
        isRunning "$pid" || return 0
        sleep 0.1
    done
}

stopProcess() {
    local name="$1" pid="$2" script="$3"
    if ! isRunning "$pid"; then
        echo "stop.sh: the $name (PID $pid) is not running" >&2
        return 0
    fi
    # Guards against a PID that was reused by another program after the server exited.
    if [[ "$(commandLineOf "$pid")" != *"$script"* ]]; then
        echo "stop.sh: PID $pid is not the $name (its command line does not contain $script); leaving it alone" >&2
        return 0
    fi

    kill -TERM "$pid" 2>/dev/null || true
    waitForExit "$pid" $((graceSeconds * 10))
    if isRunning "$pid"; then
        echo "stop.sh: the $name (PID $pid) still runs after ${graceSeconds} s, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        waitForExit "$pid" 20
        if isRunning "$pid"; then
            echo "stop.sh: the $name (PID $pid) still runs after SIGKILL" >&2
            return 1
        fi
    fi
    echo "stop.sh: stopped the $name (PID $pid)" >&2
}

providerPid="$(readPid INTEROP_PROVIDER_PID)"
backendPid="$(readPid INTEROP_BACKEND_PID)"

status=0
if grep -q '^INTEROP_SANDBOX_PID=' "$envFile"; then
    sandboxPid="$(readPid INTEROP_SANDBOX_PID)"
    stopProcess sandbox "$sandboxPid" authflow-sandbox || status=1
fi
stopProcess backend "$backendPid" backend.mjs || status=1
stopProcess provider "$providerPid" provider.mjs || status=1
exit "$status"

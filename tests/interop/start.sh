#!/usr/bin/env bash
# Starts the interop OpenID provider and GraphQL backend in the background.
#
# Usage: start.sh STATE_DIR
#
# Installs the locked npm packages first when node_modules is missing or older than
# package-lock.json. Writes STATE_DIR/interop.env (INTEROP_ISSUER, INTEROP_GRAPHQL,
# INTEROP_PROVIDER_PID, INTEROP_BACKEND_PID, and INTEROP_CLIENT_KEY_FILE: the private key of the
# private_key_jwt client) and the logs STATE_DIR/provider.log and
# STATE_DIR/backend.log. Stop both servers with stop.sh STATE_DIR.
# Optional environment: INTEROP_PROVIDER_PORT, INTEROP_BACKEND_PORT (default 0, a free port),
# INTEROP_AUDIENCE (ID token audiences the backend accepts, default explorer-public), and
# AFX_SANDBOX_BIN: the built authflow-sandbox program, which then runs too and adds
# INTEROP_SANDBOX_ISSUER and INTEROP_SANDBOX_PID to interop.env (log: STATE_DIR/sandbox.log).
set -euo pipefail

readonly startupTimeoutSeconds=30

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 STATE_DIR" >&2
    exit 2
fi

scriptDir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stateDir="$1"
mkdir -p "$stateDir"
stateDir="$(cd "$stateDir" && pwd)"

envFile="$stateDir/interop.env"
providerLog="$stateDir/provider.log"
backendLog="$stateDir/backend.log"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "start.sh: node and npm are required but were not found in PATH" >&2
    exit 1
fi

if [[ ! -d "$scriptDir/node_modules" || "$scriptDir/package-lock.json" -nt "$scriptDir/node_modules" ]]; then
    echo "start.sh: installing npm packages in $scriptDir (npm ci)" >&2
    if ! (cd "$scriptDir" && npm ci --no-audit --no-fund --loglevel=error >"$stateDir/npm-ci.log" 2>&1); then
        echo "start.sh: npm ci failed in $scriptDir; output:" >&2
        cat "$stateDir/npm-ci.log" >&2
        exit 1
    fi
    # Marks the install time, which the check above compares with package-lock.json.
    touch "$scriptDir/node_modules"
fi

providerPid=""
backendPid=""
sandboxPid=""

# Stops whatever this script started when it fails before writing interop.env.
cleanUpOnFailure() {
    local status=$?
    if [[ $status -ne 0 ]]; then
        for pid in $sandboxPid $backendPid $providerPid; do
            kill "$pid" 2>/dev/null || true
        done
    fi
}
trap cleanUpOnFailure EXIT

# Waits until a log file contains a JSON line starting with {"KEY": and prints the line.
# Fails when the process exits first or the timeout passes.
waitForJsonLine() {
    local name="$1" pid="$2" logFile="$3" key="$4"
    local line i
    # Polls every 0.1 s; the grep and kill calls make the real wait slightly longer.
    for ((i = 0; i < startupTimeoutSeconds * 10; i++)); do
        line="$(grep -m1 "^{\"$key\":" "$logFile" || true)"
        if [[ -n "$line" ]]; then
            printf '%s\n' "$line"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "start.sh: the $name (PID $pid) exited during startup; last lines of $logFile:" >&2
            tail -n 20 "$logFile" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "start.sh: the $name (PID $pid) did not report its URL within ${startupTimeoutSeconds} s; last lines of $logFile:" >&2
    tail -n 20 "$logFile" >&2
    return 1
}

# Extracts the string value of KEY from a one-line JSON object.
jsonValue() {
    node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"
}

rm -f "$envFile"

clientKeyFile="$stateDir/client-key.pem"
INTEROP_CLIENT_KEY_FILE="$clientKeyFile" node "$scriptDir/provider.mjs" >"$providerLog" 2>&1 </dev/null &
providerPid=$!
providerLine="$(waitForJsonLine provider "$providerPid" "$providerLog" issuer)"
issuer="$(jsonValue "$providerLine" issuer)"

INTEROP_ISSUER="$issuer" node "$scriptDir/backend.mjs" >"$backendLog" 2>&1 </dev/null &
backendPid=$!
backendLine="$(waitForJsonLine backend "$backendPid" "$backendLog" graphql)"
graphqlUrl="$(jsonValue "$backendLine" graphql)"

# The app's own sandbox as a standalone server, used by the tests like any other provider.
sandboxIssuer=""
if [[ -n "${AFX_SANDBOX_BIN:-}" ]]; then
    if [[ ! -x "$AFX_SANDBOX_BIN" ]]; then
        echo "start.sh: AFX_SANDBOX_BIN is $AFX_SANDBOX_BIN, which is not an executable file; build the authflow-sandbox target" >&2
        exit 1
    fi
    sandboxLog="$stateDir/sandbox.log"
    : >"$sandboxLog"
    "$AFX_SANDBOX_BIN" --port 0 >"$sandboxLog" 2>&1 </dev/null &
    sandboxPid=$!
    for ((i = 0; i < startupTimeoutSeconds * 10; i++)); do
        sandboxIssuer="$(sed -n 's/^Issuer:[[:space:]]*//p' "$sandboxLog" | head -n 1 || true)"
        [[ -n "$sandboxIssuer" ]] && break
        if ! kill -0 "$sandboxPid" 2>/dev/null; then
            echo "start.sh: authflow-sandbox (PID $sandboxPid) exited during startup; last lines of $sandboxLog:" >&2
            tail -n 20 "$sandboxLog" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [[ -z "$sandboxIssuer" ]]; then
        echo "start.sh: authflow-sandbox (PID $sandboxPid) printed no issuer within ${startupTimeoutSeconds} s" >&2
        exit 1
    fi
fi

temporaryEnvFile="$envFile.tmp"
cat >"$temporaryEnvFile" <<EOF
INTEROP_ISSUER=$issuer
INTEROP_GRAPHQL=$graphqlUrl
INTEROP_PROVIDER_PID=$providerPid
INTEROP_BACKEND_PID=$backendPid
INTEROP_CLIENT_KEY_FILE=$clientKeyFile
EOF
if [[ -n "$sandboxPid" ]]; then
    printf 'INTEROP_SANDBOX_ISSUER=%s\nINTEROP_SANDBOX_PID=%s\n' "$sandboxIssuer" "$sandboxPid" >>"$temporaryEnvFile"
fi
mv "$temporaryEnvFile" "$envFile"

echo "start.sh: provider $issuer (PID $providerPid), backend $graphqlUrl (PID $backendPid)" >&2

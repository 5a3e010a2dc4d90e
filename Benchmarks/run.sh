#!/usr/bin/env bash
# Builds Foyer and its load generator in release, starts a fresh server on a temporary
# data directory (loopback only), creates an account and an owner, runs foyer-load
# against it, prints one summary table and stops the server.
#
#   Benchmarks/run.sh                 # full run: 15,000 sockets, 10 dashboards, 2,000 events/s for 60 s
#   Benchmarks/run.sh --smoke         # ~30 s: 1,000 sockets, 2 dashboards, 200 events/s for 10 s
#   Benchmarks/run.sh --runs 3        # three runs, each on a fresh server; the table shows medians
#   Benchmarks/run.sh --no-build --out DIR --trackers 19000 --rate 5000 ...
#
# Options of this script: --runs N, --port P, --no-build, --out DIR (keep the JSON
# reports and server logs), --server-bin PATH (measure another build of `foyer`, e.g. the
# previous commit's, against the same generator). Everything else goes to `foyer-load run` (see
# `.build/release/foyer-load run --help`).
#
# The server gets --entry-limit 100000 so every tab is shown (the default 500 would put
# the rest in the waiting line); its per-address limits stay at their defaults: the
# generator spreads its sockets over 127.0.0.2, 127.0.0.3, ... instead.
set -euo pipefail

cd "$(dirname "$0")/.."
runs=1
port=18080
build=1
out=""
server_bin=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --out) out="$2"; shift 2 ;;
        --server-bin) server_bin="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done

if [ "$build" = 1 ]; then
    swift build -c release --product foyer
    swift build -c release --product foyer-load
fi
bin="$(swift build -c release --show-bin-path)"
foyer="${server_bin:-$bin/foyer}"

work="$(mktemp -d "${TMPDIR:-/tmp}/foyer-bench.XXXXXX")"
[ -n "$out" ] && mkdir -p "$out"
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The generator and the server each hold one descriptor per socket.
ulimit -n "$(ulimit -Hn)"

password="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
email="bench@bench.example"
reports=()
for run in $(seq 1 "$runs"); do
    data="$work/data-$run"
    mkdir -p "$data"
    "$foyer" account add bench --data-dir "$data" >/dev/null
    site="$("$foyer" account list --data-dir "$data" | awk -F'\t' '$1 == "bench" { print $2 }')"
    FOYER_PASSWORD="$password" FOYER_BCRYPT_COST=4 \
        "$foyer" user add --email "$email" --role owner --account bench --data-dir "$data" >/dev/null

    log="$work/server-$run.log"
    "$foyer" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --entry-limit 100000 >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "run.sh: the server did not start" >&2; exit 1; }
        sleep 0.1
    done

    report="$work/run-$run.json"
    echo "run.sh: run $run of $runs (server pid $server_pid, port $port)" >&2
    if ! FOYER_PASSWORD="$password" "$bin/foyer-load" run --host 127.0.0.1 --port "$port" --site "$site" --email "$email" \
        --server-pid "$server_pid" --json "$report" ${args[@]+"${args[@]}"}; then
        echo "run.sh: foyer-load failed; last server log lines:" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    reports+=("$report")
    stop_server
    if [ -n "$out" ]; then cp "$report" "$log" "$out/"; fi
done

if [ "$runs" -gt 1 ]; then
    echo
    "$bin/foyer-load" summarize "${reports[@]}"
fi

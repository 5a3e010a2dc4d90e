#!/usr/bin/env bash
# The scale-out figure: three `foyer serve` nodes on one PostgreSQL database (a
# throwaway cluster started by scripts/start-postgres), each holding its share of the
# tracker sockets, with the dashboards of each generator on ANOTHER node, so every
# measured event crosses nodes through the database's log.
#
#   Benchmarks/cluster.sh                       # 3 × 15,000 sockets, 2,000 page changes/s in all, 60 s
#   Benchmarks/cluster.sh --no-build --trackers 1000 --rate 200 --duration 10   # quick check
#
# Options of this script: --no-build, --out DIR. Everything else goes to each of the
# three `foyer-load run` processes; --trackers and --rate are per process.
set -euo pipefail

cd "$(dirname "$0")/.."
build=1
out=""
args=()
trackers=15000
rate=667
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --out) out="$2"; shift 2 ;;
        --trackers) trackers="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done

if [ "$build" = 1 ]; then
    swift build -c release --product foyer
    swift build -c release --product foyer-load
fi
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/foyer-cluster-bench.XXXXXX")"
# Its own folder: the database's unprivileged user must be able to reach it.
pg="$(mktemp -d /tmp/foyer-bench-pg.XXXXXX)"
[ -n "$out" ] && mkdir -p "$out"
pids=()
cleanup() {
    for pid in ${pids[@]+"${pids[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
    [ -x "$pg/pg_ctl" ] && "$pg/pg_ctl" stop >/dev/null 2>&1 || true
    rm -rf "$work" "$pg"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)"

eval "$(scripts/start-postgres "$pg")"
database="$FOYER_TEST_DATABASE_URL"

password="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
email="bench@bench.example"
"$bin/foyer" account add bench --database "$database" >/dev/null
site="$("$bin/foyer" account list --database "$database" | awk -F'\t' '$1 == "bench" { print $2 }')"
FOYER_PASSWORD="$password" FOYER_BCRYPT_COST=4 \
    "$bin/foyer" user add --email "$email" --role owner --account bench --database "$database" >/dev/null

ports=(18081 18082 18083)
for index in 0 1 2; do
    "$bin/foyer" serve --host 127.0.0.1 --port "${ports[$index]}" --database "$database" --entry-limit 100000 \
        >"$work/node$index.log" 2>&1 &
    pids+=($!)
done
for index in 0 1 2; do
    for _ in $(seq 1 200); do
        curl -fsS "http://127.0.0.1:${ports[$index]}/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
done

# The three generators connect on their own, then start their idle and event phases
# together (a generator still connecting would add its hellos to the others' figures).
start_at=$(( $(date +%s) + trackers / 250 + 20 ))
loads=()
for index in 0 1 2; do
    feed=$(( (index + 1) % 3 ))
    FOYER_PASSWORD="$password" "$bin/foyer-load" run --host 127.0.0.1 --port "${ports[$index]}" \
        --feed-port "${ports[$feed]}" --server-pid "${pids[$index]}" --site "$site" --email "$email" \
        --trackers "$trackers" --rate "$rate" --start-at "$start_at" --json "$work/load$index.json" ${args[@]+"${args[@]}"} \
        >"$work/load$index.out" 2>&1 &
    loads+=($!)
done
status=0
for pid in "${loads[@]}"; do wait "$pid" || status=1; done
for index in 0 1 2; do
    echo "== generator $index: trackers on node $index, dashboards on node $(( (index + 1) % 3 ))"
    cat "$work/load$index.out"
done
if [ -n "$out" ]; then cp "$work"/load*.json "$work"/node*.log "$out/"; fi
exit $status

#!/usr/bin/env bash
# Counts the server's instructions per page change under callgrind (deterministic, unlike
# CPU time on a shared machine): starts FOYER_BIN under valgrind on a fresh data folder,
# optionally gives the account N triggers that never fire (as Benchmarks/run.sh --triggers),
# runs foyer-load, and keeps only the page-change phase (counters zeroed when foyer-load
# starts sending, dumped when it closes).
#
#   scripts/callgrind-events.sh FOYER_BIN TRIGGERS OUT_PREFIX [PORT]
#   callgrind_annotate --inclusive=yes OUT_PREFIX.cg.* | swift demangle --simplified
#
# valgrind 3.19 needs two workarounds: the binary without its DWARF 5 debug info (copied
# with objcopy --strip-debug; symbols stay), and a sigsuspend that copies its mask to the
# stack (libdispatch passes a read-only one, which valgrind writes to and crashes).
set -euo pipefail
bin=$1; triggers=$2; out=$3; port=${4:-18181}
load="$(dirname "$0")/../.build/release/foyer-load"
work=$(mktemp -d "${TMPDIR:-/tmp}/foyer-callgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$bin" "$work/foyer"
cat > "$work/shim.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
int sigsuspend(const sigset_t *mask) { sigset_t copy = *mask; return syscall(SYS_rt_sigsuspend, &copy, 8); }
C
gcc -shared -fPIC -O2 -o "$work/shim.so" "$work/shim.c"
data=$work/data; mkdir -p "$data"
password="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
email=bench@bench.example
"$work/foyer" account add bench --data-dir "$data" >/dev/null
site="$("$work/foyer" account list --data-dir "$data" | awk -F'\t' '$1 == "bench" { print $2 }')"
FOYER_PASSWORD="$password" FOYER_BCRYPT_COST=4 "$work/foyer" user add --email "$email" --role owner --account bench --data-dir "$data" >/dev/null
ulimit -n "$(ulimit -Hn)"
LD_PRELOAD="$work/shim.so" valgrind --tool=callgrind --callgrind-out-file="$out.cg" --instr-atstart=no \
    "$work/foyer" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --entry-limit 100000 >"$out.server.log" 2>&1 &
vpid=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
jar=$work/jar
curl -fsS -c "$jar" -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/session" >/dev/null
for n in $(seq 1 "$triggers"); do
    curl -fsS -b "$jar" -H 'Content-Type: application/json' \
        -d "{\"name\":\"Never $n\",\"message\":\"Hello\",\"conditions\":{\"urlContains\":\"/no-page-has-this-$n\",\"secondsOnPage\":$n}}" \
        "http://127.0.0.1:$port/api/triggers" >/dev/null
done
callgrind_control -i on "$vpid" >/dev/null
FOYER_PASSWORD="$password" "$load" run --host 127.0.0.1 --port "$port" --site "$site" --email "$email" --server-pid "$vpid" \
    --json "$out.json" --trackers 300 --dashboards 2 --rate 50 --duration 20 --settle 1 --idle 1 --warmup-sockets 10 \
    --connect-concurrency 16 >"$out.load.txt" 2>&1 &
lpid=$!
until grep -q "sending" "$out.load.txt" 2>/dev/null; do sleep 0.05; done
callgrind_control -z "$vpid" >/dev/null
until grep -q "closing" "$out.load.txt" 2>/dev/null; do sleep 0.05; done
callgrind_control -d events "$vpid" >/dev/null
wait "$lpid"
kill -TERM "$vpid"; wait "$vpid" || true
events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["eventsSent"])' "$out.json")
total=$(grep -h '^totals:' "$out".cg.* | awk '{print $2}')
echo "page changes $events, instructions $total, per page change $((total / events))"

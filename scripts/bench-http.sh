#!/usr/bin/env bash
# Transition throughput over HTTP: juece-bench (cmd/juece-bench) drives
# POST /api/v1/items/{id}/events/{event} against a PostgreSQL-backed
# `juece serve` at 1, 8, 16 and 32 connections, and pgbench runs the raw-SQL
# baseline (../shared/bench) on the same PostgreSQL server in the same run.
# Prints a markdown table and writes it to .bench/http.md (raw outputs and
# the server log next to it). See BENCHMARKS.md.
#
#   JUECE_BENCH_PG        server URL of a role that may create databases
#                         (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   JUECE_BENCH_BASELINE  directory holding schema.sql and transition.sql
#                         (default ../shared/bench, relative to the repository)
#   BENCH_SECONDS         measured seconds per level (default 15)
#   BENCH_ITEMS           items juece-bench creates (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."

server="${JUECE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
baseline="${JUECE_BENCH_BASELINE:-../shared/bench}"
secs="${BENCH_SECONDS:-15}"
items="${BENCH_ITEMS:-2000}"
levels=(1 8 16 32)

for f in schema.sql transition.sql; do
  if [ ! -f "$baseline/$f" ]; then
    echo "bench-http: baseline file $baseline/$f not found; set JUECE_BENCH_BASELINE to the directory holding schema.sql and transition.sql" >&2
    exit 1
  fi
done
tool=bench-http
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
require_cmds psql pgbench go curl
require_pg


juece_db=juece_bench_http
baseline_db=juece_bench_baseline_http
juece_url="$(db_url "$juece_db")"
bl_url="$(db_url "$baseline_db")"

out=.bench
mkdir -p "$out"
server_pid=""

drop_dbs() {
  for d in "$juece_db" "$baseline_db"; do
    psql "$server" -qX -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  drop_dbs
}
trap cleanup EXIT

checkpoint() { psql "$server" -qX -c CHECKPOINT >/dev/null 2>&1 || true; }

# idle_pct: percent of CPU idle over one second, sampled while this script's
# own load is paused; a low value means other work shares the machine.
idle_pct() {
  local a b
  a=($(head -1 /proc/stat 2>/dev/null)) || { echo '?'; return; }
  sleep 1
  b=($(head -1 /proc/stat))
  awk -v i1="${a[4]}" -v w1="${a[5]}" -v i2="${b[4]}" -v w2="${b[5]}" \
    -v t1="$(IFS=+; echo $((${a[*]:1})))" -v t2="$(IFS=+; echo $((${b[*]:1})))" \
    'BEGIN { printf "%.0f%%", (t2 > t1 ? 100 * ((i2 + w2) - (i1 + w1)) / (t2 - t1) : 0) }'
}

# jnum KEY LINE: a number from a flat juece-bench --json line.
jnum() { sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p" <<<"$2"; }
# jstatus LINE: errors by status as "409:3 transport:1", or "".
jstatus() { sed -n 's/.*"errors_by_status":{\([^}]*\)}.*/\1/p' <<<"$1" | tr -d '"' | tr ',' ' '; }

echo "bench-http: building bin/juece and bin/juece-bench"
go build -o bin/juece ./cmd/juece
go build -o bin/juece-bench ./cmd/juece-bench
./bin/juece workflow validate --workflows scripts/bench >/dev/null

drop_dbs
psql "$server" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $juece_db" >/dev/null
psql "$server" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $baseline_db" >/dev/null

echo "bench-http: migrating $juece_db and creating the benchmark account"
./bin/juece --db "$juece_url" migrate >/dev/null
./bin/juece --db "$juece_url" org add bench 基准测试机关 >/dev/null
echo "bench-http-password-$RANDOM$RANDOM" | ./bin/juece --db "$juece_url" user add --org bench --username bench \
  --roles secretariat,organizer --department 办公室 --password-stdin >/dev/null
token="$(./bin/juece --db "$juece_url" token create --org bench --username bench --name bench 2>/dev/null)"
[[ "$token" == jt_* ]] || { echo "bench-http: token create printed no token" >&2; exit 1; }

# A free port: bind port 0 and read what the kernel picked.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))"
addr="127.0.0.1:$port"
echo "bench-http: starting juece serve on $addr (log: $out/http-server.log)"
./bin/juece --db "$juece_url" --workflows scripts/bench serve --addr "$addr" >"$out/http-server.log" 2>&1 &
server_pid=$!
for i in $(seq 1 100); do
  if curl -fsS "http://$addr/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench-http: the server exited; its log:" >&2; cat "$out/http-server.log" >&2; exit 1
  fi
  [ "$i" -lt 100 ] || { echo "bench-http: the server was not ready after 20 s" >&2; exit 1; }
  sleep 0.2
done

echo "bench-http: loading the baseline schema into $baseline_db"
PGOPTIONS='-c client_min_messages=warning' psql "$bl_url" -qX -v ON_ERROR_STOP=1 -f "$baseline/schema.sql" >/dev/null

# The two sides alternate level by level, so that other work on the machine
# and PostgreSQL's state drift affect both alike.
declare -A j_rps j_p50 j_p99 j_err j_status b_tps load
bench_rc=0
: >"$out/http-juece.jsonl"
for c in "${levels[@]}"; do
  checkpoint
  load[$c]="$(idle_pct)"
  echo "bench-http: juece-bench --items $items --conns $c --duration ${secs}s --warmup 2s"
  rc=0
  JUECE_BENCH_TOKEN="$token" ./bin/juece-bench --url "http://$addr" --items "$items" \
    --conns "$c" --duration "${secs}s" --warmup 2s --json >"$out/http-juece-c$c.json" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "bench-http: juece-bench failed (exit $rc)" >&2; exit 1
  fi
  [ "$rc" -eq 0 ] || bench_rc=$rc
  line="$(grep -E "^\{\"conns\":$c," "$out/http-juece-c$c.json" || true)"
  [ -n "$line" ] || { echo "bench-http: no juece-bench result for $c connections" >&2; exit 1; }
  echo "$line" >>"$out/http-juece.jsonl"
  j_rps[$c]="$(jnum rps "$line")"
  j_p50[$c]="$(jnum p50_ms "$line")"
  j_p99[$c]="$(jnum p99_ms "$line")"
  j_err[$c]="$(jnum errors "$line")"
  j_status[$c]="$(jstatus "$line")"
  printf 'bench-http:   Juece %.0f req/s, p50 %s ms, p99 %s ms, %s errors\n' "${j_rps[$c]}" "${j_p50[$c]}" "${j_p99[$c]}" "${j_err[$c]}"

  j=$((c < 2 ? c : 2))
  checkpoint
  echo "bench-http: pgbench -n -M extended -f transition.sql -c $c -j $j -T $secs"
  pgbench "$bl_url" -n -M extended -f "$baseline/transition.sql" -c "$c" -j "$j" -T "$secs" >"$out/http-pgbench-c$c.txt" 2>&1 || {
    cat "$out/http-pgbench-c$c.txt" >&2; exit 1; }
  tps="$(awk '/^tps = .*without initial connection time/ {print $3}' "$out/http-pgbench-c$c.txt")"
  [ -n "$tps" ] || { echo "bench-http: no tps line in pgbench output" >&2; cat "$out/http-pgbench-c$c.txt" >&2; exit 1; }
  b_tps[$c]="$tps"
  echo "bench-http:   baseline ${tps} TPS"
done
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

settings="$(psql "$server" -AtqX -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size')")"
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, PostgreSQL $(psql "$server" -AtqX -c 'SHOW server_version') ($settings);"
  echo "Juece at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -z "$(git status --porcelain -- cmd/juece engine server store workflows migrations 2>/dev/null)" ] || echo ' (with uncommitted changes)'),"
  echo "$items fresh items per level, ${secs} s measured per level after a 2 s warmup, the two sides alternating level by level;"
  echo "server, load generator and PostgreSQL share the machine. CPU idle just before each level (other work):$(for c in "${levels[@]}"; do printf ' %s' "${c}c=${load[$c]}"; done)."
  echo
  echo "| connections | baseline TPS | Juece HTTP req/s | ratio | Juece p50 | Juece p99 | errors |"
  echo "|------------:|-------------:|-----------------:|------:|----------:|----------:|-------:|"
  for c in "${levels[@]}"; do
    awk -v c="$c" -v b="${b_tps[$c]}" -v j="${j_rps[$c]}" -v p50="${j_p50[$c]}" -v p99="${j_p99[$c]}" \
      -v e="${j_err[$c]}" -v s="${j_status[$c]}" \
      'BEGIN { printf "| %d | %.0f | %.0f | %.2f | %.1f ms | %.1f ms | %d%s |\n", c, b, j, j / b, p50, p99, e, (s == "" ? "" : " (" s ")") }'
  done
} >"$out/http.md"
echo
cat "$out/http.md"
if [ "$bench_rc" -ne 0 ]; then
  echo "bench-http: juece-bench saw errors (see the errors column)" >&2
  exit 1
fi

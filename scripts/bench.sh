#!/usr/bin/env bash
# Transition throughput: the raw-SQL pgbench baseline and Juece's engine
# (store.BenchmarkFire_PostgreSQL) on the same PostgreSQL server, in one run,
# at 1, 8 and 16 concurrent callers. Prints a markdown table and writes it to
# .bench/results.md (raw outputs next to it). See BENCHMARKS.md.
#
#   JUECE_BENCH_PG        server URL of a role that may create databases
#                         (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   JUECE_BENCH_BASELINE  directory holding schema.sql and transition.sql
#                         (default ../shared/bench, relative to the repository)
#   BENCH_SECONDS         seconds per measurement (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."

server="${JUECE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
baseline="${JUECE_BENCH_BASELINE:-../shared/bench}"
secs="${BENCH_SECONDS:-15}"
callers=(1 8 16)

for f in schema.sql transition.sql; do
  if [ ! -f "$baseline/$f" ]; then
    echo "bench: baseline file $baseline/$f not found; set JUECE_BENCH_BASELINE to the directory holding schema.sql and transition.sql" >&2
    exit 1
  fi
done
tool=bench
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
require_cmds psql pgbench go
require_pg

dbname=juece_bench_baseline
bl_url="$(db_url "$dbname")"

drop_baseline() {
  psql "$server" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS ${dbname} WITH (FORCE)" >/dev/null 2>&1 || true
}
trap drop_baseline EXIT

out=.bench
mkdir -p "$out"

checkpoint() { psql "$server" -qX -c CHECKPOINT >/dev/null 2>&1 || true; }

echo "bench: loading the baseline schema into ${dbname}"
drop_baseline
psql "$server" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE ${dbname}" >/dev/null
PGOPTIONS='-c client_min_messages=warning' psql "$bl_url" -qX -v ON_ERROR_STOP=1 -f "$baseline/schema.sql" >/dev/null

declare -A base_tps juece_tps juece_conf
for c in "${callers[@]}"; do
  j=$((c < 2 ? c : 2))
  checkpoint
  echo "bench: pgbench -c $c -j $j -T $secs"
  pgbench "$bl_url" -n -M extended -f "$baseline/transition.sql" -c "$c" -j "$j" -T "$secs" >"$out/pgbench-c$c.txt" 2>&1 || {
    cat "$out/pgbench-c$c.txt" >&2; exit 1; }
  tps="$(awk '/^tps = .*without initial connection time/ {print $3}' "$out/pgbench-c$c.txt")"
  [ -n "$tps" ] || { echo "bench: no tps line in pgbench output" >&2; cat "$out/pgbench-c$c.txt" >&2; exit 1; }
  base_tps[$c]="$tps"
  echo "bench:   baseline ${tps} TPS"
done
drop_baseline

checkpoint
echo "bench: go test ./store/ -bench BenchmarkFire_PostgreSQL -benchtime ${secs}s"
JUECE_TEST_PG="$server" go test ./store/ -run '^$' -bench 'BenchmarkFire_PostgreSQL' -benchtime "${secs}s" -count 1 -timeout 30m \
  | tee "$out/go-bench.txt"
for c in "${callers[@]}"; do
  line="$(grep -E "^BenchmarkFire_PostgreSQL/callers=${c}(-[0-9]+)?[[:space:]]" "$out/go-bench.txt" || true)"
  tx="$(awk '{for (i = 2; i <= NF; i++) if ($i == "tx/s") print $(i-1)}' <<<"$line")"
  cf="$(awk '{for (i = 2; i <= NF; i++) if ($i == "conflicts") print $(i-1)}' <<<"$line")"
  [ -n "$tx" ] || { echo "bench: no tx/s for callers=$c in go test output" >&2; exit 1; }
  juece_tps[$c]="$tx"
  juece_conf[$c]="${cf:-0}"
done

settings="$(psql "$server" -AtqX -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size')")"
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, PostgreSQL $(psql "$server" -AtqX -c 'SHOW server_version') ($settings), ${secs} s per measurement."
  echo
  echo "| callers | baseline TPS | Juece TPS | ratio | Juece conflicts (retried) |"
  echo "|--------:|-------------:|----------:|------:|--------------------------:|"
  for c in "${callers[@]}"; do
    awk -v c="$c" -v b="${base_tps[$c]}" -v j="${juece_tps[$c]}" -v k="${juece_conf[$c]}" \
      'BEGIN { printf "| %d | %.0f | %.0f | %.2f | %.0f |\n", c, b, j, j / b, k }'
  done
} >"$out/results.md"
echo
cat "$out/results.md"

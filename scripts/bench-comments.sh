#!/usr/bin/env bash
# Public comment intake under load: a PostgreSQL-backed `juece serve`, one
# major-decision item brought into public consultation over the API, then
# `juece-bench --mode comments` (cmd/juece-bench/comments.go): 50 clients
# sending 200 comments/s in all for 30 s to
# POST /api/v1/public/{org}/items/{id}/comments while a staff user reads
# at 10 requests/s. It checks that every acknowledged comment is stored and
# that staff requests stay under 100 ms at p99. Writes the report to
# .bench/comments.md (server log: .bench/comments-server.log). See
# BENCHMARKS.md.
#
#   JUECE_BENCH_PG   server URL of a role that may create databases
#                    (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   BENCH_SECONDS    seconds of load (default 30)
#   BENCH_RATE       comments per second, all clients together (default 200)
#   BENCH_CLIENTS    public clients (default 50)
#   BENCH_STAFF_RATE staff reads per second (default 10)
#   BENCH_ARGS       more juece-bench flags, e.g. "--repeat 0.99 --seed 2"
#   BENCH_PERF       if set to a number of seconds, `perf record -g` the
#                    server for that long, 10 s into the load, to
#                    .bench/comments-perf.data (needs perf and permission)
set -euo pipefail
cd "$(dirname "$0")/.."

server="${JUECE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
secs="${BENCH_SECONDS:-30}"
rate="${BENCH_RATE:-200}"
clients="${BENCH_CLIENTS:-50}"
staff_rate="${BENCH_STAFF_RATE:-10}"
perf_secs="${BENCH_PERF:-}"
read -r -a extra <<<"${BENCH_ARGS:-}"

tool=bench-comments
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
require_cmds psql go curl jq
require_pg


db=juece_bench_comments
url="$(db_url "$db")"
org=bench
out=.bench
mkdir -p "$out"
server_pid=""
perf_pid=""

cleanup() {
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql "$server" -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "bench-comments: building bin/juece and bin/juece-bench"
go build -o bin/juece ./cmd/juece
go build -o bin/juece-bench ./cmd/juece-bench

psql "$server" -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
psql "$server" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null

echo "bench-comments: migrating $db and creating the staff account"
./bin/juece --db "$url" migrate >/dev/null
./bin/juece --db "$url" org add "$org" 基准测试机关 >/dev/null
echo "bench-comments-password-$RANDOM$RANDOM" | ./bin/juece --db "$url" user add --org "$org" --username staff \
  --roles secretariat,organizer --department 住房和城乡建设局 --password-stdin >/dev/null
token="$(./bin/juece --db "$url" token create --org "$org" --username staff --name bench 2>/dev/null)"
[[ "$token" == jt_* ]] || { echo "bench-comments: token create printed no token" >&2; exit 1; }

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))"
addr="127.0.0.1:$port"
api="http://$addr/api/v1"
echo "bench-comments: starting juece serve on $addr (log: $out/comments-server.log)"
./bin/juece --db "$url" serve --addr "$addr" --public-rate 1000000 >"$out/comments-server.log" 2>&1 &
server_pid=$!
for i in $(seq 1 100); do
  if curl -fsS "http://$addr/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench-comments: the server exited; its log:" >&2; cat "$out/comments-server.log" >&2; exit 1
  fi
  [ "$i" -lt 100 ] || { echo "bench-comments: the server was not ready after 20 s" >&2; exit 1; }
  sleep 0.2
done

# post PATH JSON: POST as the staff user; prints the body, fails on non-2xx.
post() {
  local resp code
  resp="$(curl -sS -w '\n%{http_code}' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary "$2" "$api$1")"
  code="${resp##*$'\n'}"
  resp="${resp%$'\n'*}"
  if [ "${code:0:1}" != 2 ]; then
    echo "bench-comments: POST $1 gave $code: $resp" >&2
    return 1
  fi
  printf '%s\n' "$resp"
}

# The item: proposed (scenario.Proposal()), started, drafted, consulted,
# opened for public comment. The server's clock is real and counts days in
# China time (UTC+8), so the comment period closes 35 days after today in
# China; a closing date in a year without holiday data is accepted and
# marked provisional.
echo "bench-comments: preparing a major-decision item in public consultation"
dept="$(curl -fsS -H "Authorization: Bearer $token" "$api/me" | jq -er '.user.department_id')"
item="$(post /items "$(jq -nc '{workflow: "major-decision", title: "关于老旧小区加装电梯财政补贴的决策（意见征集压力测试）",
  payload: {source: "department", problem: "老旧小区加装电梯推进缓慢",
    reasons_and_basis: "《城市居住区规划设计标准》；民生实事项目",
    preliminary_solution: "财政补贴每部电梯20万元", necessity_feasibility: "老年人口占比高，资金已列入预算"}}')" | jq -er .id)"
post "/items/$item/events/start_decision" "$(jq -nc --argjson d "$dept" \
  '{payload: {study_summary: "经研究，建议启动", organizer_department_ids: [$d]}}')" >/dev/null
# The draft is uploaded as a file; uploading a draft records it
# (record_draft) in the same transaction.
printf '%s' '决策草案 第一稿' | curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" \
  -F kind=draft -F 'payload={"legal_basis":["《中华人民共和国城乡规划法》"]}' \
  -F 'file=@-;filename=draft.txt;type=text/plain' "$api/items/$item/documents"
post "/items/$item/events/record_department_consultation" \
  '{"payload": {"departments": ["住建局", "财政局"], "agreed": true}}' >/dev/null
today="$(TZ=CST-8 date +%F)"
closes="$(TZ=CST-8 date -d "$today +35 days" +%F)"
open_payload="$(jq -nc --arg c "$closes" '{payload: {methods: ["public_comment"], channels: ["区政府网站"], closes_on: $c}}')"
post "/items/$item/events/open_comment_period" "$open_payload" >/dev/null
state="$(curl -fsS "$api/public/$org/items/$item" | jq -r '"\(.state.name) open_for_comment=\(.open_for_comment), comments until \(.consultation.comments_until) (provisional: \(.consultation.comments_until_provisional))"')"
echo "bench-comments: item $item is $state (closing date announced: $closes)"

if [ -n "$perf_secs" ] && command -v perf >/dev/null; then
  (sleep 10; exec perf record -g -p "$server_pid" -o "$out/comments-perf.data" -- sleep "$perf_secs") \
    >"$out/comments-perf.log" 2>&1 &
  perf_pid=$!
fi

# cpu: "total idle" jiffies of the machine; proc_cpu PID: jiffies of a process.
cpu() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6 }' /proc/stat; }
proc_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
read -r t0 i0 <<<"$(cpu)"
sleep 1
read -r t1 i1 <<<"$(cpu)"
idle_before="$(awk -v t="$((t1 - t0))" -v i="$((i1 - i0))" 'BEGIN { printf "%.0f%%", (t > 0 ? 100 * i / t : 0) }')"

psql "$url" -qX -c 'SELECT pg_stat_reset()' >/dev/null 2>&1 || true
lsn0="$(psql "$url" -AtqX -c 'SELECT pg_current_wal_lsn()')"
read -r t0 i0 <<<"$(cpu)"
s0="$(proc_cpu "$server_pid")"
echo "bench-comments: juece-bench --mode comments --clients $clients --rate $rate --duration ${secs}s --staff-rate $staff_rate${extra[*]+ ${extra[*]}}"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
rc=0
JUECE_BENCH_TOKEN="$token" ./bin/juece-bench --mode comments --url "http://$addr" --org "$org" --item "$item" \
  --clients "$clients" --rate "$rate" --duration "${secs}s" --staff-rate "$staff_rate" ${extra[@]+"${extra[@]}"} >"$out/comments.txt" || rc=$?
if [ "$rc" -gt 1 ]; then
  echo "bench-comments: juece-bench failed (exit $rc)" >&2; exit 1
fi
read -r t1 i1 <<<"$(cpu)"
s1="$(proc_cpu "$server_pid")"
lsn1="$(psql "$url" -AtqX -c 'SELECT pg_current_wal_lsn()')"
hz="$(getconf CLK_TCK)"
cpu_line="$(awk -v t="$((t1 - t0))" -v i="$((i1 - i0))" -v s="$((s1 - s0))" -v hz="$hz" -v n="$(nproc)" \
  'BEGIN { printf "machine busy %.0f%% of %d cores; juece serve %.1f CPU-s (%.0f%% of the machine)", 100 * (t - i) / t, n, s / hz, 100 * s / t }')"
wal="$(psql "$url" -AtqX -c "SELECT pg_size_pretty(pg_wal_lsn_diff('$lsn1', '$lsn0'))")"
if [ -n "$perf_pid" ]; then wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# What PostgreSQL did for the load (statistics reset just before it; read
# after the server closed its connections, which flushes their counters).
dbstats="$(psql "$url" -AtqX -c "SELECT 'commits ' || xact_commit || ', rollbacks ' || xact_rollback || ', rows inserted ' || tup_inserted
  || ', updated ' || tup_updated FROM pg_stat_database WHERE datname = current_database()" 2>/dev/null || echo '?')"
sizes="$(psql "$url" -AtqX -c "SELECT 'items ' || pg_size_pretty(pg_total_relation_size('items')) || ', audit_events '
  || pg_size_pretty(pg_total_relation_size('audit_events'))" 2>/dev/null || echo '?')"
record_kb="$(psql "$url" -AtqX -c "SELECT round(octet_length(record::text) / 1024.0, 1) FROM items WHERE id = $item" 2>/dev/null || echo '?')"

{
  echo "Run of $started on $(nproc) cores, PostgreSQL $(psql "$server" -AtqX -c 'SHOW server_version');"
  echo "Juece at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -z "$(git status --porcelain -- cmd/juece engine server store workflows migrations 2>/dev/null)" ] || echo ' (with uncommitted changes)');"
  echo "server, load generator and PostgreSQL share the machine; CPU idle in the second before the load: $idle_before."
  echo
  echo '```'
  cat "$out/comments.txt"
  echo
  echo "During the load: $cpu_line; WAL written $wal (whole cluster)."
  echo "PostgreSQL (this database): $dbstats; sizes after: $sizes; item record ${record_kb} KiB."
  echo '```'
} >"$out/comments.md"
cat "$out/comments.md"
exit "$rc"

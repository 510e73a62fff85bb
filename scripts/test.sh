#!/usr/bin/env bash
# The whole test suite: go vet, then every package's tests with the
# PostgreSQL tests run, never skipped.
#
# PostgreSQL: JUECE_TEST_PG (a URL of a role that may create databases) or
# postgres://postgres@127.0.0.1:5432/postgres. When nothing answers there
# and the PostgreSQL server binaries are installed, a throwaway cluster is
# started on port 55432 for this run and removed afterwards. When neither
# works the script stops with instructions.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${JUECE_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

pg_answers() {
  if command -v psql >/dev/null; then
    psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
  else
    # No client: try a TCP connection to the host and port of the URL.
    local hp="${1#*@}"; hp="${hp%%/*}"
    timeout 3 bash -c "exec 3<>/dev/tcp/${hp%%:*}/${hp##*:}" 2>/dev/null
  fi
}

tmpdir=""
cleanup() {
  if [ -n "$tmpdir" ]; then
    run_pg "$pgbin/pg_ctl" -D "$tmpdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmpdir"
  fi
}
trap cleanup EXIT

run_pg() {
  # initdb and postgres refuse to run as root: use the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ -z "${JUECE_TEST_PG:-}" ] && ! pg_answers "$url"; then
  pgbin=""
  for d in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pgbin="$d"; break; fi
  done
  if [ -z "$pgbin" ]; then
    cat >&2 <<'MSG'
test: no PostgreSQL answers at 127.0.0.1:5432 and no server binaries (initdb, pg_ctl) were found.
      Install PostgreSQL (Debian: apt-get install -y postgresql) or start it,
      or set JUECE_TEST_PG=postgres://USER@HOST:PORT/postgres?sslmode=disable
      (a role that may create databases), then run `make test` again.
MSG
    exit 1
  fi
  tmpdir="$(mktemp -d /tmp/juece-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$tmpdir"
  echo "test: starting a throwaway PostgreSQL cluster ($pgbin) on port 55432"
  run_pg "$pgbin/initdb" -D "$tmpdir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  run_pg "$pgbin/pg_ctl" -D "$tmpdir/data" -l "$tmpdir/log" -w \
    -o "-p 55432 -k $tmpdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  url="postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable"
fi
export JUECE_TEST_PG="$url"

echo "test: go vet ./..."
go vet ./...
echo "test: go test ./... (PostgreSQL at ${url%%\?*})"
go test -count=1 -timeout 15m "$@" ./...

# A short run of each fuzz target (their seed corpora already ran above):
# the loaders, the text checks and the API's request bodies. Longer runs:
# JUECE_FUZZTIME=5m make test.
fuzztime="${JUECE_FUZZTIME:-10s}"
for target in ./workflows:FuzzParse_AnyBytesGiveADefinitionOrAnError ./calendars:FuzzParse_AnyBytesGiveAValidNoticeOrAnError \
  ./engine:FuzzCheckStrings_AcceptsOnlyCleanText ./server:FuzzAPI_RequestBodiesNeverGive500; do
  echo "test: fuzz ${target#*:} for $fuzztime"
  go test -run '^$' -fuzz "^${target#*:}\$" -fuzztime "$fuzztime" "${target%%:*}"
done

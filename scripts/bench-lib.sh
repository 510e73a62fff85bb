# Shared by the benchmark scripts (sourced, not run): checks and the URL
# helper. Expects $server (a PostgreSQL URL of a role that may create
# databases) and $tool (the calling script's name, for messages).

# require_cmds CMD…: stop unless every command is on PATH.
require_cmds() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$tool: $c is not on PATH" >&2; exit 1; }
  done
}

# require_pg: stop unless PostgreSQL answers at $server.
require_pg() {
  if ! psql "$server" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    echo "$tool: no PostgreSQL answers at ${server%%\?*}; start it or set JUECE_BENCH_PG" >&2
    exit 1
  fi
}

# db_url NAME: the server URL with its database replaced by NAME.
db_url() {
  local base="${server%%\?*}"
  local query="${server#"$base"}"
  local rest="${base#*://}"
  echo "${base%%://*}://${rest%%/*}/$1${query}"
}

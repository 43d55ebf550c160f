# Finding or starting a PostgreSQL, for the scripts that need one: sourced by
# scripts/test.sh, bench/matcher/run.sh and bench/load/run.sh. The caller defines
# `say` (how it prints a progress line). A throw-away cluster sets `pgdir`, `pg_user`
# and `pg_url`; the caller's EXIT trap calls `pg_stop_throwaway`.

pgdir="" pg_user="" pg_url=""

# Never print a password that a URL may carry.
redact() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

# A PostgreSQL program: from PATH, else the newest /usr/lib/postgresql/*/bin
# (Debian keeps initdb/pg_ctl off PATH).
pg_bin() {
  local dir
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [[ -n "$dir" && -x "$dir/$1" ]]; then echo "$dir/$1"; return; fi
  return 1
}

# On a fresh machine nothing may be installed: as root, install it non-interactively.
ensure_pg_installed() {
  pg_bin initdb >/dev/null && pg_bin pg_ctl >/dev/null && pg_bin psql >/dev/null && return
  if [[ $EUID -ne 0 ]]; then
    say "PostgreSQL (initdb, pg_ctl, psql) not found; install it or set DATABASE_URL"
    exit 1
  fi
  say "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
  pg_bin initdb >/dev/null || { say "PostgreSQL installed, but initdb not found"; exit 1; }
}

# Whether a server answers at URL $1.
pg_answers() {
  [[ "$1" == postgres://* || "$1" == postgresql://* ]] || return 1
  PGCONNECT_TIMEOUT=5 "$(pg_bin psql)" "$1" -XtAqw -c 'select 1' >/dev/null 2>&1
}

# Whether a server answers at URL $1 and its role may CREATE DATABASE.
pg_can_create_databases() {
  [[ "$1" == postgres://* || "$1" == postgresql://* ]] || return 1
  local ok
  ok=$(PGCONNECT_TIMEOUT=5 "$(pg_bin psql)" "$1" -XtAqw -v ON_ERROR_STOP=1 -c \
    'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' \
    2>/dev/null) || return 1
  [[ "$ok" == t ]]
}

# initdb and postgres refuse to run as root, so as root run them as an unprivileged user.
pg_runas() { if [[ -n "$pg_user" ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

# Starts a throw-away cluster on loopback (installing PostgreSQL first when it is
# missing and we are root) and sets pg_url to its `postgres` database. $1 is the
# locale: `C` for byte order everywhere, or empty for C.UTF-8 where the system has it
# (byte-order sorting like C, but lower()/upper() know non-ASCII letters).
pg_start_throwaway() {
  ensure_pg_installed
  if [[ $EUID -eq 0 ]]; then
    pg_user=postgres  # Debian's package creates it; make our own user otherwise
    id -u "$pg_user" >/dev/null 2>&1 || pg_user=musubi-pg
    id -u "$pg_user" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
  fi
  local locale=${1:-}
  if [[ -z "$locale" ]]; then
    locale=C
    if locale -a 2>/dev/null | grep -ixE 'c\.utf-?8' >/dev/null; then locale=C.UTF-8; fi
  fi
  # /tmp rather than $TMPDIR: the postgres user must be able to reach the directory.
  pgdir=$(mktemp -d /tmp/musubi-pg.XXXXXX)
  [[ -z "$pg_user" ]] || chown "$pg_user" "$pgdir"
  pg_runas "$(pg_bin initdb)" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 \
    --locale="$locale" >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; exit 1; }

  # Durability settings off: a cluster that dies is simply thrown away, and
  # fsync-free commits make one-database-per-test harnesses several times faster.
  # Port: the first free one from 55432 up (a refused connect = nobody listens);
  # if another run grabs it between the look and the start, try the next one.
  local port=55431 tries=0
  while :; do
    port=$((port + 1))
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    pg_runas "$(pg_bin pg_ctl)" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pgdir" \
      -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      -o "-c max_connections=200" start >/dev/null && break
    tries=$((tries + 1))
    ((tries < 5)) || { cat "$pgdir/server.log" >&2; exit 1; }
  done
  pg_url="postgres://postgres@127.0.0.1:$port/postgres"
  say "PostgreSQL: throw-away cluster $pg_url (data in $pgdir, removed on exit)"
}

# Stops and removes the throw-away cluster, if one was started.
pg_stop_throwaway() {
  [[ -n "$pgdir" ]] || return 0
  # immediate: the data is thrown away anyway, so skip the shutdown checkpoint.
  pg_runas "$(pg_bin pg_ctl)" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
  pgdir=""
}

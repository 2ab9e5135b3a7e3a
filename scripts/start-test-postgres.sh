#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and benchmarks, and prints
#   export PASSERELLE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:<port>/postgres
# on stdout (everything else goes to stderr), so callers can `eval "$(scripts/start-test-postgres.sh)"`.
#
# Idempotent: a cluster already running in the directory is reused. Works as root (initdb and
# the server run as the `postgres` user, which root cannot be) or as an ordinary user. Trust
# authentication on 127.0.0.1 only; durability is switched off (fsync, synchronous_commit):
# this cluster is for tests and is thrown away.
#
# Options (or the environment variables in brackets):
#   --dir DIR       data and socket directory  [PASSERELLE_PG_DIR, default /tmp/passerelle-test-pg]
#   --port PORT     loopback port              [PASSERELLE_PG_PORT, default 5433]
#   --no-install    never apt-get install PostgreSQL when it is missing (the test harness uses this)
#   --durable       keep PostgreSQL's durable defaults (fsync, synchronous_commit on): for benchmarks
#   --stop          stop the cluster in DIR and delete DIR
set -euo pipefail

dir="${PASSERELLE_PG_DIR:-/tmp/passerelle-test-pg}"
port="${PASSERELLE_PG_PORT:-5433}"
install=1
durable=0
stop=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        --no-install) install=0; shift ;;
        --durable) durable=1; shift ;;
        --stop) stop=1; shift ;;
        *) echo "start-test-postgres: unknown option $1" >&2; exit 2 ;;
    esac
done

say() { echo "start-test-postgres: $*" >&2; }

# The newest installed server binaries (Debian keeps them out of PATH).
find_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

# Runs a server binary as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

if [ "$stop" -eq 1 ]; then
    if bin="$(find_bin)" && [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit 0
fi

if ! bin="$(find_bin)"; then
    if [ "$install" -eq 1 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing PostgreSQL"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        # Debian's package starts its own cluster on 5432; ours is separate, so that one may stay.
    fi
    if ! bin="$(find_bin)"; then
        say "PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package"
        exit 1
    fi
fi

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    say "running as root needs a 'postgres' user to own the cluster (the postgresql package creates it)"
    exit 1
fi

url="postgres://postgres@127.0.0.1:${port}/postgres"
data="$dir/data"

if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    running_port="$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$running_port" ] && [ "$running_port" != "$port" ]; then
        say "a cluster already runs in $dir on port $running_port; using it"
        url="postgres://postgres@127.0.0.1:${running_port}/postgres"
    fi
    echo "export PASSERELLE_TEST_POSTGRES_URL=$url"
    exit 0
fi

mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
fi
chmod 700 "$dir"

if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; say "initdb failed"; exit 1; }
fi

settings="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300"
if [ "$durable" -eq 0 ]; then
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
# -l sends the server's output to a file: without it pg_ctl's child keeps our stdout open.
if ! as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "$settings" -w -t 60 start >/dev/null 2>&1; then
    tail -n 20 "$dir/server.log" >&2 || true
    say "the server did not start (is port $port free?)"
    exit 1
fi
echo "export PASSERELLE_TEST_POSTGRES_URL=$url"

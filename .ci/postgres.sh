#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on a loopback port and prints its URL.
#   .ci/postgres.sh start DIR [PORT]   -> prints postgres://... on stdout
#   .ci/postgres.sh stop DIR
# PostgreSQL refuses to run as root, so the cluster is owned by the postgres user.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: postgres.sh start|stop DIR [PORT]}
dir=${2:?usage: postgres.sh start|stop DIR [PORT]}
port=${3:-55432}

as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
	fi
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
	as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt \
		-c "SELECT 1 FROM pg_database WHERE datname='sigra'" | grep -q 1 ||
		as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres sigra
	echo "postgres://postgres@127.0.0.1:$port/sigra?sslmode=disable"
	;;
stop)
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
	;;
*)
	echo "usage: postgres.sh start|stop DIR [PORT]" >&2
	exit 2
	;;
esac

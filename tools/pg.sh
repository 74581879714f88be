#!/bin/bash
# A private PostgreSQL cluster for the demo, the tests and the benchmark:
# made with initdb in DIR, listening on a Unix socket only, never on TCP.
#
#   tools/pg.sh start DIR            initdb if needed, start, wait until ready
#   tools/pg.sh stop DIR [MODE]      pg_ctl stop (MODE: smart, fast, immediate)
#   tools/pg.sh psql DIR [ARGS...]   psql on the cluster (-d DB, default postgres)
#   tools/pg.sh conninfo DIR [DB]    print the libpq connection string
#   tools/pg.sh status DIR           exit 0 when the server runs
#
# PostgreSQL refuses to run as root: as root, the server runs as the
# "postgres" user (runuser) and DIR is handed to it.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2
data=$dir/data

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Unix socket paths are limited to 107 bytes: a deep build tree gets its
# socket in a short directory under /tmp, remembered in DIR/socketdir.
sockdir() {
	if [ -f "$dir/socketdir" ]; then
		cat "$dir/socketdir"
	elif [ ${#dir} -le 80 ]; then
		echo "$dir/sock"
	else
		mktemp -d /tmp/tandem-pg.XXXXXX | tee "$dir/socketdir"
	fi
}

conninfo() {
	echo "host=$(sockdir) user=postgres dbname=${1:-postgres}"
}

case $cmd in
start)
	sock=$(sockdir)
	mkdir -p "$sock"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$dir" "$sock"
		# every parent must be searchable by postgres
		chmod o+x "$dir" "$(dirname "$dir")" 2>/dev/null || true
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		as_pg "$PGBIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
		cat >>"$data/postgresql.conf" <<-CONF
			# tools/pg.sh: a private cluster on a Unix socket only
			listen_addresses = ''
			unix_socket_directories = '$sock'
			max_connections = 50
			logging_collector = off
		CONF
	fi
	if as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		conninfo
		exit 0
	fi
	as_pg "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start >/dev/null ||
		{ tail -20 "$dir/server.log" >&2; exit 1; }
	conninfo
	;;
stop)
	mode=${1:-fast}
	if [ -f "$data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$data" -m "$mode" -w -t 30 stop >/dev/null
	fi
	;;
status)
	as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null
	;;
psql)
	# libpq's environment, so that "-d DB" and other psql options still work
	as_pg env PGHOST="$(sockdir)" PGUSER=postgres PGDATABASE=postgres \
		psql -X -v ON_ERROR_STOP=1 "$@"
	;;
conninfo)
	conninfo "${1:-}"
	;;
*)
	usage
	;;
esac

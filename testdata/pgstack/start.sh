#!/bin/bash
# start.sh starts a private PostgreSQL cluster for the tests in DIR: initdb
# with a fresh superuser password, listening on 127.0.0.1 only (no unix socket
# outside DIR), password authentication (scram-sha-256) for every TCP
# connection, so a wrong password fails as it does on a real server. It waits
# until the server answers and writes DIR/env for the tests. Running it on a
# running cluster restarts that cluster; its databases are kept.
#
# As root, the server runs as the unprivileged user PGSTACK_USER (postgres):
# PostgreSQL refuses to run as root.
#
# Usage: testdata/pgstack/start.sh DIR     (run install.sh first)
# Port:  PGSTACK_PORT (15432)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd -P)
case $dir in
*[!A-Za-z0-9._/-]*)
	echo "start.sh: DIR must contain only A-Z a-z 0-9 . _ / -: $dir" >&2
	exit 2
	;;
esac
port=${PGSTACK_PORT:-15432}
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || [ "$port" -gt 65535 ]; then
	echo "start.sh: not a TCP port: $port" >&2
	exit 2
fi
host=127.0.0.1

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
	echo "start.sh: no PostgreSQL server under /usr/lib/postgresql; run $here/install.sh first" >&2
	exit 1
fi

# as runs a command as the cluster's owner.
if [ "$(id -u)" = 0 ]; then
	owner=${PGSTACK_USER:-postgres}
	if ! id "$owner" >/dev/null 2>&1; then
		echo "start.sh: user $owner does not exist (set PGSTACK_USER to an unprivileged user)" >&2
		exit 1
	fi
	as() { runuser -u "$owner" -- "$@"; }
else
	owner=$(id -un)
	as() { "$@"; }
fi

"$here/stop.sh" "$dir"

if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
	echo "start.sh: $host:$port is already in use:" >&2
	ss -ltnp "sport = :$port" >&2 || true
	exit 1
fi

mkdir -p "$dir/secrets" "$dir/run" "$dir/log"
chmod 755 "$dir"
if ! as test -x "$dir"; then
	echo "start.sh: user $owner cannot reach $dir (a parent directory is closed to it)" >&2
	exit 1
fi
chmod 700 "$dir/secrets"
data=$dir/data
if [ ! -s "$data/PG_VERSION" ]; then
	rm -rf "$data"
	mkdir -p "$data"
	openssl rand -hex 16 >"$dir/secrets/superuser.password" 2>/dev/null ||
		head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/secrets/superuser.password"
	# initdb reads the password from a file the owner can read; it lives
	# only for the call.
	pwfile=$(mktemp "$dir/run/pw.XXXXXX")
	cp "$dir/secrets/superuser.password" "$pwfile"
	chown "$owner" "$data" "$pwfile" "$dir/run" "$dir/log"
	as "$bin/initdb" -D "$data" -U announce_test --pwfile="$pwfile" \
		--auth-local=scram-sha-256 --auth-host=scram-sha-256 \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 || {
		rm -f "$pwfile"
		echo "start.sh: initdb failed:" >&2
		tail -n 20 "$dir/log/initdb.log" >&2
		exit 1
	}
	rm -f "$pwfile"
fi
chown "$owner" "$dir/run" "$dir/log"

# Fast and loopback-only: the tests need no durability.
as "$bin/pg_ctl" -D "$data" -l "$dir/log/postgres.log" -w -t 30 start \
	-o "-c listen_addresses=$host -c port=$port -c unix_socket_directories=$dir/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB" \
	>"$dir/log/pg_ctl.log" 2>&1 || {
	echo "start.sh: postgres did not start:" >&2
	tail -n 20 "$dir/log/postgres.log" >&2 || true
	exit 1
}
deadline=$((SECONDS + 20))
until "$bin/pg_isready" -q -h "$host" -p "$port"; do
	[ $SECONDS -lt $deadline ] || {
		echo "start.sh: postgres not ready within 20 s" >&2
		exit 1
	}
	sleep 0.1
done

env_file=$dir/env
cat >"$env_file.tmp" <<ENV
# Written by testdata/pgstack/start.sh; point ANNOUNCE_PGSTACK at it.
ANNOUNCE_TEST_PG_DIR=$dir
ANNOUNCE_TEST_PG_BIN=$bin
ANNOUNCE_TEST_PG_HOST=$host
ANNOUNCE_TEST_PG_PORT=$port
ANNOUNCE_TEST_PG_USER=announce_test
ANNOUNCE_TEST_PG_PASSWORD_FILE=$dir/secrets/superuser.password
ENV
mv "$env_file.tmp" "$env_file"
echo "postgres $("$bin/postgres" --version | awk '{print $3}') up in $dir on $host:$port"
echo "ANNOUNCE_PGSTACK=$env_file"

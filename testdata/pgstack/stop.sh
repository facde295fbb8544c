#!/bin/bash
# stop.sh stops the cluster start.sh started in DIR and waits until it is
# gone, so the port is free. It does nothing when nothing runs there. The
# databases stay in DIR/data.
#
# Usage: testdata/pgstack/stop.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
[ -d "$1" ] || exit 0
dir=$(cd "$1" && pwd -P)
pidfile=$dir/data/postmaster.pid
rm -f "$dir/env"
[ -r "$pidfile" ] || exit 0
# The postmaster is found by its own pid file, never by name: other clusters
# on this machine are not ours to stop. Its executable is checked too, so a
# stale pid file cannot point at an unrelated process.
pid=$(head -n 1 "$pidfile" | tr -dc 0-9)
[ -n "$pid" ] || exit 0
case $(readlink "/proc/$pid/exe" 2>/dev/null) in
/usr/lib/postgresql/*/bin/postgres) ;;
*) exit 0 ;;
esac
# SIGINT is PostgreSQL's "fast" shutdown: end sessions, checkpoint, exit.
kill -INT "$pid" 2>/dev/null || true
for _ in $(seq 100); do
	kill -0 "$pid" 2>/dev/null || exit 0
	sleep 0.1
done
echo "stop.sh: postgres pid $pid still running after 10 s; killing it" >&2
kill -KILL "$pid" 2>/dev/null || true

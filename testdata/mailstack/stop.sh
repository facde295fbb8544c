#!/bin/bash
# stop.sh stops the test mail stack that start.sh started in DIR, and waits
# until its processes are gone so the ports are free. It does nothing when
# nothing runs there. Mail, logs and certificates stay in DIR.
#
# Usage: testdata/mailstack/stop.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
[ -d "$1" ] || exit 0
dir=$(cd "$1" && pwd -P)
export PATH=$PATH:/usr/sbin:/sbin

# The master processes are found by their own pid files, never by name:
# other instances on this machine are not ours to stop. The executable is
# checked too, so a stale pid file (DIR survives reboots in /tmp) cannot
# point us at an unrelated process that got the same pid.
pid_of() { # pidfile executable
	local pid
	[ -r "$1" ] || return 1
	pid=$(tr -dc 0-9 <"$1")
	[ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$2" ] && echo "$pid"
}

pids=()
if pid=$(pid_of "$dir/postfix-spool/pid/master.pid" /usr/lib/postfix/sbin/master); then
	# What "postfix stop" does, less its 1 s polling sleeps.
	kill "$pid" 2>/dev/null || true
	pids+=("$pid")
fi
if pid=$(pid_of "$dir/dovecot/run/master.pid" /usr/sbin/dovecot); then
	kill "$pid" 2>/dev/null || true
	pids+=("$pid")
fi

# Both masters end their children before they exit themselves.
for pid in ${pids[@]+"${pids[@]}"}; do
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || continue 2
		sleep 0.1
	done
	echo "stop.sh: pid $pid still running after 10 s; killing it" >&2
	kill -KILL "$pid" 2>/dev/null || true
done
rm -f "$dir/env"

#!/usr/bin/env bash
# bench-site.sh measures `announce site` on the shipped example: the size of
# the generated site (files, bytes, and per kind) and the wall-clock time of
# the whole command (start, loading config/templates/locales, building every
# page, feed, calendar and the timeline, writing), over RUNS runs, each into
# a fresh directory; it prints every run and the median.
#
# Usage: scripts/bench-site.sh [RUNS]   (default 10; no root, no server)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
work=$(mktemp -d /tmp/announce-bench-site.XXXXXX)
trap 'rm -rf "$work"' EXIT

go build -o "$work/announce" ./cmd/announce
export XDG_STATE_HOME="$work/state"   # no ledger: the schedule alone

times=()
for i in $(seq "$runs"); do
	out="$work/site-$i"
	t0=$(date +%s%N)
	"$work/announce" site --out "$out" 2>/dev/null   # as of now: every 2019 notice has gone out
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	times+=("$ms")
	echo "run $i: ${ms} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')

out="$work/site-1"
files=$(find "$out" -type f | wc -l)
bytes=$(find "$out" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo
echo "site: $files files, $bytes bytes; median of $runs runs: ${median} ms"
for kind in index.html feed.atom calendar.ics; do
	n=$(find "$out" -mindepth 3 -type f -name "$kind" | wc -l)
	b=$(find "$out" -mindepth 3 -type f -name "$kind" -printf '%s\n' | awk '{s+=$1} END {print s+0}')
	echo "  KEY/LOCALE/$kind: $n files, $b bytes"
done
for f in index.html timeline.svg rollout.ics; do
	echo "  $f: $(stat -c %s "$out/$f") bytes"
done

#!/usr/bin/env bash
# bench-digest.sh measures the support-inbox digest against the loopback
# Dovecot: a support inbox of N messages (mostly unrelated mail, one in 50 a
# reply to a notice, one in 100 a bounce) is filled with pipelined IMAP
# APPENDs, then read once from scratch (the first sync), then again after 100
# new messages arrive (the incremental sync). Each read is timed, connection
# and ledger writes included, with the peak live heap while it ran; the first
# read runs for N/10 messages too, so that a heap that does not grow with the
# mailbox shows.
#
# Targets: first sync of 20,000 messages under 60 s, 100 new under 2 s.
#
# Usage: scripts/bench-digest.sh [N]   (as root on Debian; default N=20000)
#   ANNOUNCE_MAILSTACK=DIR/env: use a running mail stack instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
stack=
cleanup() {
	if [ -n "$stack" ]; then bash testdata/mailstack/stop.sh "$stack" >/dev/null 2>&1 || true; rm -rf "$stack"; fi
}
trap cleanup EXIT

if [ -z "${ANNOUNCE_MAILSTACK:-}" ]; then
	bash testdata/mailstack/install.sh >/dev/null
	stack=$(mktemp -d /tmp/announce-bench-digest.XXXXXX)
	MAILSTACK_SMTP_PORT=${MAILSTACK_SMTP_PORT:-12025} MAILSTACK_SUBMISSION_PORT=${MAILSTACK_SUBMISSION_PORT:-12587} \
		MAILSTACK_IMAP_PORT=${MAILSTACK_IMAP_PORT:-12143} MAILSTACK_IMAPS_PORT=${MAILSTACK_IMAPS_PORT:-12993} \
		bash testdata/mailstack/start.sh "$stack" >/dev/null
	export ANNOUNCE_MAILSTACK=$stack/env
fi

go test -c -o /tmp/announce-bench-digest.test ./internal/support
for size in $((n / 10)) "$n"; do
	ANNOUNCE_BENCH_DIGEST=$size ANNOUNCE_BENCH_DIGEST_ASSERT=$([ "$size" = "$n" ] && echo 1 || echo 0) \
		/tmp/announce-bench-digest.test -test.run '^TestBenchDigest$' -test.v -test.count 1 -test.timeout 30m |
		grep -E '^digest bench:|filled|FAIL|--- ' || true
done
rm -f /tmp/announce-bench-digest.test

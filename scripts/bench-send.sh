#!/usr/bin/env bash
# bench-send.sh measures how fast announce sends real notices, against the
# ceiling of the machine: Postfix's own load generator into Postfix's sink.
#
#   1. smtp-sink on loopback; announce sends N notices into it (ledger on,
#      4 connections); then smtp-source -s 4 -d -m N with a message of the
#      same size into the same sink. Prints both rates and the ratio.
#   2. Peak memory of announce for N and 4N recipients (flat = good).
#   3. announce through the test Postfix with STARTTLS + AUTH (the mail stack).
#
# Usage: scripts/bench-send.sh [N]   (as root on Debian; default N=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
n=${1:-10000}
port=${BENCH_SINK_PORT:-10030}
work=$(mktemp -d /tmp/announce-bench.XXXXXX)
sink_pid=
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
	if [ -n "${stack:-}" ]; then bash testdata/mailstack/stop.sh "$stack" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

bash testdata/mailstack/install.sh >/dev/null
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
go build -o "$work/announce" ./cmd/announce

# A self-contained config: one instance whose SMTP is the sink (tls none is
# allowed on loopback only), N recipients, the shipped templates and locales.
mkdir -p "$work/config" "$work/recipients"
write_config() { # host port tls extra...
	cat >"$work/config/instances.toml" <<TOML
[instances.bench]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es", "ca"]
from = "Katuma <noreply@katuma.test>"
recipients = "recipients/bench.csv"
[instances.bench.support]
email = "info@katuma.test"
url = "https://community.coopdevs.org/c/katuma"
hours = { days = ["monday", "friday"], from = "10:00", to = "18:00" }
[instances.bench.smtp]
host = "$1"
port = $2
tls = "$3"
connections = 4
$4
TOML
}
cat >"$work/config/schedule.toml" <<'TOML'
campaign = "bench"
release = "v2.0.0"
purpose = "purpose_v2_infrastructure"
[windows.bench]
start = 2019-05-07T09:00:00
duration = "2h"
extra = "1h"
TOML
recipients() { # count domain
	{
		echo "email,name,locale,role"
		for ((i = 0; i < $1; i++)); do
			case $((i % 3)) in 0) l=ca ;; 1) l=es ;; *) l= ;; esac
			echo "user$i@$2,Usuària $i,$l,shopper"
		done
	} >"$work/recipients/bench.csv"
}
send() { # state-file → prints "seconds maxrss_kb"
	(cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time" \
		./announce --instance bench --notice announce --yes --state "$1" \
		--templates "$repo/templates" --locales "$repo/locales" >"$work/out" 2>"$work/err") ||
		{ cat "$work/out" "$work/err" >&2; exit 1; }
	cat "$work/time"
}

# 1. announce vs smtp-source into smtp-sink.
/usr/sbin/smtp-sink -u nobody 127.0.0.1:$port 1024 >/dev/null 2>&1 &
sink_pid=$!
sleep 0.5
write_config 127.0.0.1 "$port" none 'auth = "none"'
recipients "$n" example.test
read -r secs rss <<<"$(send "$work/ledger1.db")"
announce_rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
(cd "$work" && ./announce --instance bench --dry-run --notice announce --out "$work/eml" \
	--templates "$repo/templates" --locales "$repo/locales" >/dev/null 2>&1)
emls=("$work"/eml/bench/announce/*.eml)
size=$(wc -c <"${emls[0]}")
rm -rf "$work/eml"
start=$(date +%s.%N)
/usr/sbin/smtp-source -s 4 -d -m "$n" -l "$size" -f noreply@katuma.test -t someone@example.test 127.0.0.1:$port >/dev/null
end=$(date +%s.%N)
source_rate=$(awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
ratio=$(awk -v a="$announce_rate" -v b="$source_rate" 'BEGIN { printf "%.0f", 100 * a / b }')

# 2. Memory for 4N recipients.
recipients $((4 * n)) example.test
read -r secs4 rss4 <<<"$(send "$work/ledger2.db")"
kill "$sink_pid"
sink_pid=

# 3. Through the test Postfix: STARTTLS + SASL AUTH, delivered to Dovecot.
stack=/tmp/announce-bench-stack
m=${BENCH_POSTFIX_MESSAGES:-2000}
MAILSTACK_SMTP_PORT=10125 MAILSTACK_SUBMISSION_PORT=10687 MAILSTACK_IMAP_PORT=10243 MAILSTACK_IMAPS_PORT=11093 \
	bash testdata/mailstack/start.sh "$stack" >/dev/null
# shellcheck disable=SC1091
. "$stack/env"
write_config 127.0.0.1 "$ANNOUNCE_TEST_SMTP_PORT" starttls "auth = \"plain\"
username = \"$ANNOUNCE_TEST_SMTP_USER\"
password_file = \"$ANNOUNCE_TEST_SMTP_PASSWORD_FILE\"
ca_file = \"$ANNOUNCE_TEST_CA_FILE\""
recipients "$m" katuma.test
read -r psecs prss <<<"$(send "$work/ledger3.db")"
postfix_rate=$(awk -v n="$m" -v s="$psecs" 'BEGIN { printf "%.0f", n / s }')

cat <<REPORT
messages of $size bytes, 4 connections, ledger on
announce -> smtp-sink:        $n in ${secs}s = $announce_rate msg/s (max RSS ${rss} KB)
smtp-source -s 4 -d -> sink:  $n = $source_rate msg/s
ratio:                        $ratio %
announce, $((4 * n)) recipients:  ${secs4}s (max RSS ${rss4} KB)
announce -> Postfix (STARTTLS + AUTH, 4 connections): $m in ${psecs}s = $postfix_rate msg/s
REPORT

#!/bin/bash
# start.sh starts the loopback test mail stack in DIR: a private Postfix
# (plain SMTP, and submission with STARTTLS + SASL AUTH) that delivers over
# LMTP to a private Dovecot (IMAP with STARTTLS, and IMAPS). It makes a fresh
# CA and server certificate, fresh passwords, renders the templates beside
# this script into DIR, waits until every port answers and writes DIR/env for
# the tests. Running it on a running stack restarts that stack.
#
# Usage: testdata/mailstack/start.sh DIR       (as root; run install.sh first)
# Ports: MAILSTACK_SMTP_PORT (10025), MAILSTACK_SUBMISSION_PORT (10587),
#        MAILSTACK_IMAP_PORT (10143), MAILSTACK_IMAPS_PORT (10993).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "start.sh: must run as root (Postfix and Dovecot switch users)" >&2
	exit 1
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd -P)
# DIR goes into sed replacements and unquoted config values.
case $dir in
*[!A-Za-z0-9._/-]*)
	echo "start.sh: DIR must contain only A-Z a-z 0-9 . _ / -: $dir" >&2
	exit 2
	;;
esac
# Dovecot's sockets live in DIR/dovecot/run; unix socket paths max out at 107 bytes.
if [ ${#dir} -gt 70 ]; then
	echo "start.sh: DIR is too long for Dovecot's unix sockets (max 70 bytes): $dir" >&2
	exit 2
fi

smtp_port=${MAILSTACK_SMTP_PORT:-10025}
submission_port=${MAILSTACK_SUBMISSION_PORT:-10587}
imap_port=${MAILSTACK_IMAP_PORT:-10143}
imaps_port=${MAILSTACK_IMAPS_PORT:-10993}
host=127.0.0.1
ports="$smtp_port $submission_port $imap_port $imaps_port"
for port in $ports; do
	if ! [[ $port =~ ^[1-9][0-9]*$ ]] || [ "$port" -gt 65535 ]; then
		echo "start.sh: not a TCP port: $port" >&2
		exit 2
	fi
done
if [ "$(tr ' ' '\n' <<<"$ports" | sort -u | wc -l)" -ne 4 ]; then
	echo "start.sh: the four ports must differ: $ports" >&2
	exit 2
fi
export PATH=$PATH:/usr/sbin:/sbin

for cmd in postfix dovecot doveadm openssl; do
	if ! command -v "$cmd" >/dev/null; then
		echo "start.sh: $cmd not found; run $here/install.sh first" >&2
		exit 1
	fi
done

# A stack already running in DIR is stopped first, so a second start is a
# clean restart; its mail is kept.
"$here/stop.sh" "$dir"

# Nothing else may hold our ports; saying who does saves a puzzled test run.
for port in $ports; do
	if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
		echo "start.sh: $host:$port is already in use:" >&2
		ss -ltnp "sport = :$port" >&2 || true
		exit 1
	fi
done

mkdir -p "$dir"/{tls,secrets,log,postfix,postfix-spool,postfix-data,dovecot/run,dovecot/state,mail}
chown postfix:postfix "$dir/postfix-data"
chmod 755 "$dir"
chmod 700 "$dir/secrets"
# Dovecot delivers and reads as "mail" (see dovecot.conf).
chown mail:mail "$dir/mail"
chmod 700 "$dir/mail"
: >"$dir/log/postfix.log"
: >"$dir/log/dovecot.log"

# --- TLS: a new CA and a server certificate for localhost, 127.0.0.1, ::1.
tls=$dir/tls
rm -f "$tls"/*
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	-days 30 -subj "/CN=announce test mail stack CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" \
	-keyout "$tls/ca.key" -out "$tls/ca.crt" 2>"$tls/openssl.log"
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	-subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>>"$tls/openssl.log"
cat >"$tls/server.ext" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
	-CAcreateserial -days 30 -extfile "$tls/server.ext" -out "$tls/server.crt" 2>>"$tls/openssl.log"
chmod 600 "$tls"/*.key

# --- Users. Passwords are new on every start and live only in DIR/secrets.
newpass() { openssl rand -hex 12; }
sender_user=sender@katuma.test
support_user=support@katuma.test
master_user=mailstack-master
newpass >"$dir/secrets/sender.password"
newpass >"$dir/secrets/support.password"
newpass >"$dir/secrets/master.password"
# passwd-file lines (user:password). Dovecot's auth process runs as "dovecot"
# and reads these files.
entry() { echo "$1:$(cat "$2")"; }
{
	entry "$sender_user" "$dir/secrets/sender.password"
	entry "$support_user" "$dir/secrets/support.password"
} >"$dir/dovecot/users"
entry "$master_user" "$dir/secrets/master.password" >"$dir/dovecot/master-users"
chown root:dovecot "$dir/dovecot/users" "$dir/dovecot/master-users"
chmod 640 "$dir/dovecot/users" "$dir/dovecot/master-users"

# --- Configs.
render() {
	sed -e "s|@DIR@|$dir|g" \
		-e "s|@SMTP_PORT@|$smtp_port|g" \
		-e "s|@SUBMISSION_PORT@|$submission_port|g" \
		-e "s|@IMAP_PORT@|$imap_port|g" \
		-e "s|@IMAPS_PORT@|$imaps_port|g" \
		"$1" >"$2"
}
render "$here/dovecot.conf" "$dir/dovecot/dovecot.conf"
render "$here/main.cf" "$dir/postfix/main.cf"
render "$here/master.cf" "$dir/postfix/master.cf"
cp "$here/domains.regexp" "$dir/postfix/domains.regexp"
# Postfix re-reads a config file modified within the last second or two until
# it is that old (it might still be being written), which would add ~2 s to
# every start: backdate ours, which are complete.
touch -d "@$(($(date +%s) - 10))" "$dir/postfix"/*

fail() {
	echo "start.sh: $*" >&2
	for log in "$dir/log/postfix.log" "$dir/log/postfix.start" "$dir/log/dovecot.log" "$dir/log/dovecot.stderr"; do
		[ -s "$log" ] || continue
		echo "--- tail $log" >&2
		tail -n 25 "$log" >&2
	done
	# Postfix's master reports its own start-up errors only to syslog, which
	# these machines lack; postconf at least names bad parameters.
	echo "--- postconf -c $dir/postfix warnings (master(8) start-up errors go to syslog only)" >&2
	postconf -c "$dir/postfix" -n 2>&1 >/dev/null | tail -n 10 >&2 || true
	"$here/stop.sh" "$dir" >&2 || true
	exit 1
}

# --- Dovecot first: Postfix needs its auth and LMTP sockets.
# Dovecot keeps the caller's stderr open; give it a file, not our pipe.
dovecot -c "$dir/dovecot/dovecot.conf" </dev/null >"$dir/log/dovecot.stderr" 2>&1 ||
	fail "dovecot did not start"

# --- Postfix. "postfix check" also creates the queue directories.
postfix -c "$dir/postfix" check >"$dir/log/postfix.start" 2>&1 ||
	fail "postfix check failed"
postfix -c "$dir/postfix" start >>"$dir/log/postfix.start" 2>&1 ||
	fail "postfix did not start"

# --- Wait until every service answers: a greeting on the plain ports, a TLS
# handshake verified against our CA on STARTTLS and implicit-TLS ports.
greets() { # port prefix
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && IFS= read -r line <&3 && [[ $line == "$2"* ]]' "$host" "$1" "$2" 2>/dev/null
}
tls_ok() { # port [starttls protocol]
	local extra=()
	[ $# -gt 1 ] && extra=(-starttls "$2")
	timeout 3 openssl s_client -connect "$host:$1" "${extra[@]}" -CAfile "$tls/ca.crt" \
		-verify_return_error -verify_hostname localhost </dev/null >/dev/null 2>&1
}
ready() {
	[ -S "$dir/dovecot/run/lmtp" ] && [ -S "$dir/dovecot/run/auth-postfix" ] &&
		greets "$smtp_port" "220 " &&
		greets "$imap_port" "* OK" &&
		tls_ok "$submission_port" smtp &&
		tls_ok "$imap_port" imap &&
		tls_ok "$imaps_port"
}
deadline=$((SECONDS + 20))
until ready; do
	[ $SECONDS -lt $deadline ] || fail "not every port answered within 20 s"
	sleep 0.1
done

# --- What the tests need. Values are single-quoted where the shell needs it.
env_file=$dir/env
cat >"$env_file.tmp" <<ENV
# Written by testdata/mailstack/start.sh; source it, or point ANNOUNCE_MAILSTACK at it.
ANNOUNCE_TEST_MAILSTACK_DIR=$dir
ANNOUNCE_TEST_SMTP_HOST=$host
ANNOUNCE_TEST_SMTP_PORT=$submission_port
ANNOUNCE_TEST_SMTP_PLAIN_PORT=$smtp_port
ANNOUNCE_TEST_SMTP_USER=$sender_user
ANNOUNCE_TEST_SMTP_PASSWORD_FILE=$dir/secrets/sender.password
ANNOUNCE_TEST_IMAP_HOST=$host
ANNOUNCE_TEST_IMAP_PORT=$imap_port
ANNOUNCE_TEST_IMAPS_PORT=$imaps_port
ANNOUNCE_TEST_IMAP_USER=$support_user
ANNOUNCE_TEST_IMAP_PASSWORD_FILE=$dir/secrets/support.password
ANNOUNCE_TEST_IMAP_MASTER_USER=$master_user
ANNOUNCE_TEST_IMAP_MASTER_PASSWORD_FILE=$dir/secrets/master.password
ANNOUNCE_TEST_IMAP_MASTER_SEPARATOR='*'
ANNOUNCE_TEST_CA_FILE=$tls/ca.crt
ANNOUNCE_TEST_TLS_SERVER_NAME=localhost
ANNOUNCE_TEST_DOVEADM='doveadm -c $dir/dovecot/dovecot.conf'
ANNOUNCE_TEST_POSTFIX_CONFIG_DIR=$dir/postfix
ANNOUNCE_TEST_POSTFIX_LOG=$dir/log/postfix.log
ANNOUNCE_TEST_DOVECOT_LOG=$dir/log/dovecot.log
ENV
mv "$env_file.tmp" "$env_file"
echo "mail stack up in $dir: smtp $host:$smtp_port, submission $host:$submission_port, imap $host:$imap_port, imaps $host:$imaps_port"
echo "ANNOUNCE_MAILSTACK=$env_file"

#!/bin/sh
# install.sh installs the Debian packages the loopback mail stack needs, when
# they are missing, and makes sure no system-wide Postfix or Dovecot is left
# running: start.sh runs private instances with their own config.
#
# Usage: testdata/mailstack/install.sh   (as root, Debian 12)
set -eu

# Binary -> package that ships it. smtp-sink/smtp-source come with postfix,
# doveadm with dovecot-core.
need=""
for pair in \
	postfix:postfix smtp-sink:postfix smtp-source:postfix \
	dovecot:dovecot-core doveadm:dovecot-core \
	/usr/lib/dovecot/imap:dovecot-imapd /usr/lib/dovecot/lmtp:dovecot-lmtpd \
	openssl:openssl; do
	bin=${pair%%:*}
	pkg=${pair#*:}
	case $bin in
	/*) [ -x "$bin" ] && continue ;;
	*) PATH=$PATH:/usr/sbin:/sbin command -v "$bin" >/dev/null 2>&1 && continue ;;
	esac
	case " $need " in *" $pkg "*) ;; *) need="$need $pkg" ;; esac
done

if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install.sh: need root to install:$need" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# "No configuration": the package writes no /etc/postfix/main.cf, so its
	# init script has nothing to start and debconf asks nothing.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	echo "postfix postfix/mailname string localhost" | debconf-set-selections

	# Without systemd, maintainer scripts start daemons through invoke-rc.d;
	# a policy-rc.d that exits 101 tells it not to. Docker images ship one
	# already; add one only for the duration of the install otherwise.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi

	# Refresh the package lists only when there are none, or the install
	# fails on a stale list.
	if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
		apt-get update -q
	fi
	# shellcheck disable=SC2086 # $need is a word list
	if ! apt-get install -q -y --no-install-recommends $need; then
		apt-get update -q
		# shellcheck disable=SC2086
		apt-get install -q -y --no-install-recommends $need
	fi
fi

# Stop a system-wide instance, if something started one anyway: by its own
# pid file, never by process name, so private instances are left alone.
for pidfile in /var/spool/postfix/pid/master.pid /run/dovecot/master.pid; do
	[ -r "$pidfile" ] || continue
	pid=$(tr -dc 0-9 <"$pidfile")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo "install.sh: stopping system-wide daemon (pid $pid from $pidfile)" >&2
		kill "$pid" || true
	fi
done

echo "install.sh: $(postconf -d -h mail_version 2>/dev/null | sed 's/^/postfix /'), $(dovecot --version | sed 's/^/dovecot /'), $(openssl version)"

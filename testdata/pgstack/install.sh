#!/bin/sh
# install.sh installs Debian's PostgreSQL server when it is missing. It starts
# nothing and leaves any system cluster alone: start.sh runs a private cluster
# of its own (initdb in a directory of ours, loopback only).
#
# Usage: testdata/pgstack/install.sh   (as root, Debian 12)
set -eu

if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
	echo "install.sh: $(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1) present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install.sh: need root to install postgresql" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Without systemd, maintainer scripts start the system cluster through
# invoke-rc.d; a policy-rc.d that exits 101 tells it not to.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt-get update -q
fi
if ! apt-get -o DPkg::Lock::Timeout=600 install -q -y --no-install-recommends postgresql; then
	apt-get update -q
	apt-get -o DPkg::Lock::Timeout=600 install -q -y --no-install-recommends postgresql
fi
echo "install.sh: $(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1) installed"

#!/bin/sh
# install.sh installs, when missing, what the status site's tests use: Debian's
# chromium (pages rendered headless at phone and desktop widths) and the
# independent parsers that check what announce writes — python3-feedparser
# (Atom), python3-icalendar (iCalendar) and python3-html5lib (HTML).
#
# Usage: testdata/browser/install.sh   (as root, Debian 12)
set -eu

# Debian's python3 (the packages install for it), not one earlier on PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
need=""
[ -x /usr/bin/python3 ] || need="python3"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
for pair in feedparser:python3-feedparser icalendar:python3-icalendar html5lib:python3-html5lib; do
	"$py" -c "import ${pair%%:*}" >/dev/null 2>&1 || need="$need ${pair#*:}"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install.sh: need root to install:$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $need >/dev/null ||
	{ apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $need >/dev/null; }

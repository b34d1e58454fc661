#!/bin/sh
# Install the Debian packages hersteld needs to build, run, test and
# package (scripts/deps.sh [check | bench | package]), when they are
# missing, and for "check" the npm packages of the browser tests and of
# the ical.js feed test (tests/package-lock.json) into tests/node_modules.  Idempotent: does
# nothing when everything is present.
set -eu
cd "$(dirname "$0")/.."

build="pkg-config gcc make libical-dev libcurl4-openssl-dev libsqlite3-dev
libconfig-dev libmicrohttpd-dev libjansson-dev libssl-dev zlib1g-dev
libsystemd-dev"
check="libcmocka-dev python3 python3-aiosmtpd python3-icalendar
python3-recurring-ical-events faketime sqlite3 strace procps clang
libfuzzer-14-dev chromium systemd"

# make bench: wrk, and nginx to serve the same feed as a static file (any
# Debian flavour of nginx will do; nginx-light when there is none).
bench="wrk"
[ -x /usr/sbin/nginx ] || bench="$bench nginx-light"

# make deb and make check-package: debhelper and lintian (dpkg-buildpackage
# is in dpkg-dev; fakeroot for a build that is not run as root).
package="dpkg-dev debhelper fakeroot lintian"

case "${1:-}" in
"")	want="$build" ;;
check)	want="$build $check" ;;
bench)	want="$build $check $bench" ;;
package) want="$build $package" ;;
*)	echo "usage: scripts/deps.sh [check | bench | package]" >&2; exit 2 ;;
esac

# The browser tests (tests/browser) drive Debian's chromium, and the feed
# test reads the feeds with ical.js (tests/ical), with the exact npm
# packages of tests/package-lock.json: npm ci when tests/node_modules is
# missing or older than the lock.  Node.js itself comes with the
# machine (Debian's own is too old for html-validate).
node_modules() {
	lock=tests/package-lock.json
	mark=tests/node_modules/.package-lock.json
	[ -f "$mark" ] && [ ! "$lock" -nt "$mark" ] && return 0
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps: npm not found; the browser and ical.js tests need Node.js >= 20.19" >&2
		exit 69
	fi
	echo "deps: npm ci in tests/"
	log=$(mktemp)
	if ! npm ci --prefix tests --no-audit --no-fund --loglevel=error \
	    >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		exit 69
	fi
	rm -f "$log"
	touch "$mark"
}

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: not root; run as root: apt-get install$missing" >&2
		exit 77
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

case "${1:-}" in
check|bench)	node_modules ;;
esac

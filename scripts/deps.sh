#!/bin/sh
# Install the Debian packages hersteld needs to build, run, test and
# package (scripts/deps.sh [check | bench | package]), when they are
# missing.  Idempotent: does nothing when everything is present.
set -eu

build="pkg-config gcc make libical-dev libcurl4-openssl-dev libsqlite3-dev
libconfig-dev libmicrohttpd-dev libjansson-dev libssl-dev zlib1g-dev
libsystemd-dev"
check="libcmocka-dev python3 python3-aiosmtpd python3-icalendar
python3-recurring-ical-events faketime sqlite3 strace procps clang
libfuzzer-14-dev systemd"

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

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; run as root: apt-get install$missing" >&2
	exit 77
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/bash
# make check-package: the Debian package, tried as an administrator would.
#
#   tests/package.sh [DIR]     DIR holds hersteld_*.deb and its .changes
#                              (default build/deb, where make deb puts them)
#
# lintian (no error, no warning), dpkg -i, the installed service started
# (systemctl where systemd runs; otherwise -- a container -- the installed
# daemon as the hersteld user with the installed configuration, in the
# directories the unit's StateDirectory and RuntimeDirectory would make),
# the installed herstelctl talking to it (as root, as a member of the
# hersteld group, and refused for anyone else), a reload and a stop, then
# apt-get purge and a look for anything left behind.  Debian keeps system
# users on purge, so the hersteld user and group stay; nothing else may.
#
# Needs root; changes the system while it runs and undoes it at the end,
# also on failure.  Not part of make check.

set -u
cd "$(dirname "$0")/.." || exit 1

dir=${1:-build/deb}
SOCK=/run/hersteld/hersteld.sock
CONF=/etc/hersteld/hersteld.conf
START_TIMEOUT=10

say() { echo "package: $*"; }
fail() {
	echo "package: FAILED: $*" >&2
	[ -s "${log:-/nonexistent}" ] && sed 's/^/    hersteld: /' "$log" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "package: run as root (it installs the package)" >&2; exit 77; }
deb=$(ls "$dir"/hersteld_*.deb 2>/dev/null | grep -v dbgsym | head -n 1)
changes=$(ls "$dir"/hersteld_*.changes 2>/dev/null | head -n 1)
[ -n "$deb" ] && [ -n "$changes" ] || fail "no hersteld_*.deb and .changes in $dir (make deb)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hersteld-package.XXXXXX") || exit 1
chmod 755 "$tmp"
log=$tmp/hersteld.log
pid=""
systemd=0
[ -d /run/systemd/system ] && systemd=1

cleanup() {
	if [ "$systemd" = 1 ]; then
		systemctl stop hersteld 2>/dev/null
	elif [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null
	fi
	if dpkg-query -W -f='${Status}' hersteld 2>/dev/null | grep -q installed; then
		say "cleaning up: apt-get purge hersteld"
		apt-get purge -y -qq hersteld >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- lintian ----
# As an unprivileged user, as lintian prefers; it reads the build tree.
say "lintian $changes"
if ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env HOME="$tmp" TMPDIR="$tmp" lintian --fail-on error,warning -I \
    "$changes" >"$tmp/lintian.out" 2>&1; then
	cat "$tmp/lintian.out" >&2
	fail "lintian reports errors or warnings"
fi
sed 's/^/    /' "$tmp/lintian.out"
say "lintian: no errors, no warnings" \
    "($(grep -c '^[IP]:' "$tmp/lintian.out") informational tag(s))"

# ---- install ----
if dpkg-query -W -f='${Status}' hersteld 2>/dev/null | grep -q installed; then
	say "hersteld is installed already: purging it first"
	apt-get purge -y -qq hersteld >/dev/null || fail "cannot purge the old hersteld"
fi
had_user=0
getent passwd hersteld >/dev/null && had_user=1
say "dpkg -i $deb"
dpkg -i "$deb" >"$tmp/dpkg.out" 2>&1 || { cat "$tmp/dpkg.out" >&2; fail "dpkg -i"; }
dpkg -L hersteld | sort >"$tmp/files"

for f in /usr/sbin/hersteld /usr/bin/herstelctl /lib/systemd/system/hersteld.service \
    /usr/lib/sysusers.d/hersteld.conf /usr/share/man/man8/hersteld.8.gz \
    /usr/share/man/man1/herstelctl.1.gz /usr/share/man/man5/hersteld.conf.5.gz \
    /usr/share/bash-completion/completions/herstelctl "$CONF"; do
	[ -e "$f" ] || fail "$f is not installed"
done
dpkg-query -W -f='${Conffiles}\n' hersteld | grep -q "^ $CONF " ||
    fail "$CONF is not a conffile"
getent passwd hersteld >/dev/null || fail "no user hersteld after dpkg -i"
getent group hersteld >/dev/null || fail "no group hersteld after dpkg -i"
nfiles=$(while read -r f; do [ -d "$f" ] || echo "$f"; done <"$tmp/files" | wc -l)
say "installed: $nfiles files; user and group hersteld;" \
    "$CONF a conffile"

# ---- start ----
if [ "$systemd" = 1 ]; then
	say "systemctl start hersteld"
	systemctl start hersteld || { journalctl -u hersteld -n 30 >&2; fail "systemctl start"; }
	systemctl is-active -q hersteld || fail "hersteld is not active"
	port=8080
else
	# What the unit's StateDirectory= and RuntimeDirectory= would make.
	say "no systemd running (a container): the installed daemon as user" \
	    "hersteld with $CONF"
	install -d -o hersteld -g hersteld -m 0700 /var/lib/hersteld
	install -d -o hersteld -g hersteld -m 0750 /run/hersteld
	conf=$CONF
	port=8080
	if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
		# Someone else listens on 8080 here: only the port changes.
		port=$(/usr/bin/python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		conf=$tmp/hersteld.conf
		sed "s/127\.0\.0\.1:8080/127.0.0.1:$port/" "$CONF" >"$conf"
		chmod 644 "$conf"
		say "127.0.0.1:8080 is taken on this machine: listen.http on $port"
	fi
	setpriv --reuid=hersteld --regid=hersteld --init-groups \
	    /usr/sbin/hersteld -n -c "$conf" >"$tmp/check.out" 2>&1 ||
	    { cat "$tmp/check.out" >&2; fail "hersteld -n -c $conf"; }
	(cd /var/lib/hersteld && umask 0077 &&
	    exec setpriv --reuid=hersteld --regid=hersteld --init-groups \
	    --inh-caps=-all --bounding-set=-all --no-new-privs \
	    /usr/sbin/hersteld -d -c "$conf") 2>"$log" &
	pid=$!
	for _ in $(seq $((START_TIMEOUT * 10))); do
		[ -S "$SOCK" ] && grep -q ' started' "$log" && break
		kill -0 "$pid" 2>/dev/null || fail "hersteld exited while starting"
		sleep 0.1
	done
	[ -S "$SOCK" ] || fail "no socket $SOCK after ${START_TIMEOUT}s"
fi
say "started: $(stat -c '%n %a %U:%G' "$SOCK"), $(stat -c '%n %a %U:%G' /run/hersteld)"
[ "$(stat -c '%a %U %G' "$SOCK")" = "660 hersteld hersteld" ] ||
    fail "$SOCK is not 0660 hersteld:hersteld"

# ---- talk to it with the installed CLI ----
ctl() { /usr/bin/herstelctl --socket "$SOCK" "$@"; }
ctl location list >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "herstelctl location list"; }
id=$(ctl location add herstelhuis --name Herstelhuis --address "Bijlmerplein 1" 2>&1) ||
    fail "herstelctl location add: $id"
ctl location list >"$tmp/out" 2>&1 && grep -q '^herstelhuis ' "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "the new location is not listed"; }
say "herstelctl --socket $SOCK location add herstelhuis: $id; location list:"
sed 's/^/    /' "$tmp/out"
# A member of the group hersteld, not root, on the default socket; anyone
# else is refused.
(cd / && setpriv --reuid=nobody --regid=hersteld --clear-groups \
    /usr/bin/herstelctl location show herstelhuis) >"$tmp/out" 2>&1 ||
    { cat "$tmp/out" >&2; fail "a member of group hersteld cannot use herstelctl"; }
(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups \
    /usr/bin/herstelctl location list) >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 69 ] || { cat "$tmp/out" >&2; fail "a user outside group hersteld got exit $rc, not 69"; }
say "herstelctl without root: allowed in group hersteld, refused (69) outside it"
db=/var/lib/hersteld/hersteld.db
[ "$(stat -c '%a %U' "$db")" = "600 hersteld" ] ||
    fail "$db is $(stat -c '%a %U' "$db"), not 600 hersteld"
if command -v curl >/dev/null; then
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/") ||
	    fail "no answer on 127.0.0.1:$port"
	[ "$code" = 200 ] || fail "GET / on 127.0.0.1:$port answered $code"
	say "http://127.0.0.1:$port/ answers 200"
fi
words=$(bash --norc -c 'source /usr/share/bash-completion/completions/herstelctl
COMP_WORDS=(herstelctl location show ""); COMP_CWORD=3; _herstelctl
echo "${COMPREPLY[*]}"')
[ "$words" = herstelhuis ] || fail "completion of location show offers \"$words\""
say "bash completion of \"herstelctl location show \": $words"

# ---- reload and stop ----
if [ "$systemd" = 1 ]; then
	systemctl reload hersteld || fail "systemctl reload"
	systemctl stop hersteld || fail "systemctl stop"
	say "systemctl reload and stop"
else
	kill -HUP "$pid"
	for _ in $(seq 50); do
		grep -q 'configuration reloaded' "$log" && break
		sleep 0.1
	done
	grep -q 'configuration reloaded' "$log" || fail "no reload on SIGHUP"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=""
	[ "$rc" = 0 ] || fail "hersteld exited with $rc on SIGTERM"
	[ -e "$SOCK" ] && fail "$SOCK is left after the stop"
	say "SIGHUP reloaded, SIGTERM stopped it (exit 0)"
fi

# ---- purge ----
say "apt-get purge hersteld"
apt-get purge -y -qq hersteld >"$tmp/purge.out" 2>&1 ||
    { cat "$tmp/purge.out" >&2; fail "apt-get purge"; }
dpkg-query -W -f='${Status}' hersteld 2>/dev/null | grep -q installed &&
    fail "hersteld is still installed"
left=""
while read -r f; do
	[ -d "$f" ] && continue		# directories others share (/usr/bin)
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$tmp/files"
for f in /etc/hersteld /var/lib/hersteld /run/hersteld; do
	[ -e "$f" ] && left="$left $f"
done
left="$left $(find /etc/systemd /var/lib/systemd -name '*hersteld*' 2>/dev/null | tr '\n' ' ')"
left=$(echo $left)
[ -z "$left" ] || fail "left after purge: $left"
kept="the system user and group hersteld (Debian keeps system users)"
[ "$had_user" = 1 ] && kept="$kept, which existed before"
say "purged: no file, configuration, state or unit link is left; kept: $kept"
say "OK"

"""End-to-end harness: a real hersteld on a temporary directory, driven by
the real herstelctl, plain HTTP over TCP, and raw HTTP over the UNIX socket.

    with Daemon() as d:
        r = d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis")
        assert r.rc == 0

The binaries come from $HERSTELD and $HERSTELCTL (default: the normal build
in the source tree).  Everything lives in one temporary directory that is
removed on exit, also when the test failed; the daemon is killed if it is
still running.  Standard library only.
"""

import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# sysexits.h
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_NOPERM = 77
EX_CONFIG = 78

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ERROR: UndefinedBehaviorSanitizer")

START_TIMEOUT = 10.0

# ---- the clock every daemon of the suite runs on ----
#
# No test may depend on the day it runs.  Every daemon the harness starts
# runs under libfaketime on one pinned clock, which starts at PIN when
# this module is loaded and runs at normal speed from there; now() is
# that clock, for the tests' own date arithmetic.  A daemon (re)started
# later starts where the clock stands then, so time never runs backwards
# across a restart.  A test that moves the clock itself passes its own
# faketime_env() to Daemon(env=...).
UTC = datetime.timezone.utc
PIN = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
_PIN_T0 = time.monotonic()


def now(tz=UTC):
    """The pinned clock: an aware datetime in tz."""
    return (PIN + datetime.timedelta(seconds=time.monotonic() - _PIN_T0)
            ).astimezone(tz)
CLI_TIMEOUT = 60.0


def wait_until(what, fn, timeout=20.0):
    """fn()'s first true value, asked every 0.1 s; AssertionError naming
    what after timeout seconds.  A sleep, not a timed wait on a lock: the
    tests may run under libfaketime."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("not within %.0f s: %s (last: %r)" %
                                 (timeout, what, v))
        time.sleep(0.1)


def outbox_settled(d, at=None, timeout=20.0):
    """Until no message due at daemon time at (default: now) is pending or
    sending; returns the outbox's rows."""
    at = at or now(UTC)

    def settled():
        rows = d.cli("--json", "outbox", "list", "--limit", "10000",
                     check=True).json()
        busy = [r for r in rows if r["status"] == "sending" or
                (r["status"] == "pending" and
                 datetime.datetime.fromisoformat(r["due"]) <= at)]
        return rows if not busy else None
    return wait_until("outbox settled", settled, timeout)


def binary(var, default):
    path = os.environ.get(var) or default
    if not os.path.isabs(path):
        path = os.path.join(TOP, path)
    return path


def hersteld():
    return binary("HERSTELD", "daemon/hersteld")


def herstelctl():
    return binary("HERSTELCTL", "cli/herstelctl")


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sanitizer_report(text):
    """The sanitizer lines in text, or "" when there are none."""
    lines = [l for l in text.splitlines() if any(m in l for m in SANITIZER_MARKS)]
    return "\n".join(lines)


def nostart(fn):
    """Decorator: the runner passes a Daemon that has not been started."""
    fn.nostart = True
    return fn


def clean_env():
    """The environment for our children: no HERSTEL_* from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERSTEL_")}
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


class PortTaken(Exception):
    """listen.http could not bind: another process took the port."""


class Result:
    """What a finished program left behind."""

    def __init__(self, argv, rc, out, err):
        self.argv = argv
        self.rc = rc
        self.out_bytes = out
        self.err_bytes = err
        self.out = out.decode("utf-8", "replace")
        self.err = err.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.out)

    def err_lines(self):
        return [l for l in self.err.splitlines() if l.strip()]

    def __repr__(self):
        cmd = " ".join(a.decode("utf-8", "backslashreplace")
                       if isinstance(a, bytes) else str(a) for a in self.argv)
        return ("$ %s\nexit %d\n--- stdout\n%s--- stderr\n%s" %
                (cmd, self.rc, self.out, self.err))


def run(argv, cwd=None, timeout=CLI_TIMEOUT, input=None, env=None):
    p = subprocess.run(argv, cwd=cwd, input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout,
                       env=env if env is not None else clean_env())
    return Result(argv, p.returncode, p.stdout, p.stderr)


def check_result(r, check):
    """check: None (anything), True (exit 0), or an exit code."""
    if check is None:
        return r
    want = 0 if check is True else check
    if r.rc != want:
        raise AssertionError("expected exit %d\n%r" % (want, r))
    return r


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a UNIX socket."""

    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def _request(conn, method, path, body, headers):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers = dict(headers or {})
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


class Daemon:
    """One hersteld on its own temporary directory."""

    def __init__(self, autostart=True, env=None):
        self.autostart = autostart
        # env: extra variables for the daemon only (not for herstelctl),
        # e.g. harness.faketime_env(...) to run it under libfaketime.
        self.extra_env = dict(env or {})
        self.pids = []          # of every daemon started, for cleanup()
        self.dir = tempfile.mkdtemp(prefix="hersteld-e2e-")
        self.db = os.path.join(self.dir, "hersteld.db")
        self.socket = os.path.join(self.dir, "hersteld.sock")
        self.maildir = os.path.join(self.dir, "mail")
        self.conf = os.path.join(self.dir, "hersteld.conf")
        self.stderr_path = os.path.join(self.dir, "hersteld.stderr")
        self.port = free_port()
        self.proc = None
        self.hersteld = hersteld()
        self.herstelctl = herstelctl()
        self.rewrite_config(self.config_text())

    # ---- configuration ----

    def config_text(self, **override):
        """The default configuration; keyword arguments replace lines
        (value is the libconfig text, e.g. timezone='"UTC"')."""
        port = override.pop("port", self.port)
        settings = [
            ("database", '"%s"' % self.db),
            ("timezone", '"Europe/Amsterdam"'),
            ("public_url", '"http://localhost:%d"' % port),
            ("listen", '{ socket = "%s"; http = "127.0.0.1:%d"; }' %
             (self.socket, port)),
            ("maildir", '"%s"' % self.maildir),
            ("log_level", '"info"'),
        ]
        lines = ["# written by tests/e2e/harness.py"]
        for key, value in settings:
            value = override.pop(key, value)
            if value is not None:
                lines.append("%s = %s;" % (key, value))
        for key, value in override.items():
            lines.append("%s = %s;" % (key, value))
        return "\n".join(lines) + "\n"

    def rewrite_config(self, text):
        self.conf_text = text
        with open(self.conf, "w") as fp:
            fp.write(text)

    # ---- life cycle ----

    def __enter__(self):
        try:
            if self.autostart:
                self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)
        for pid in self.pids:
            forget_faketime(pid)

    def _spawn(self, args):
        # Append: a restart keeps the earlier log for the failure report.
        with open(self.stderr_path, "ab") as err:
            p = subprocess.Popen([self.hersteld] + args, cwd=self.dir,
                                 stdin=subprocess.DEVNULL,
                                 stdout=err, stderr=err,
                                 env=self.daemon_env())
        self.pids.append(p.pid)
        return p

    def daemon_env(self):
        # A clock the whole run was started under (the date guard of
        # make check) gives way to the pinned one.
        env = {k: v for k, v in clean_env().items()
               if not k.startswith("FAKETIME")}
        if not any(k.startswith("FAKETIME") for k in self.extra_env):
            env.update(pinned_env())
        env.update(self.extra_env)
        return env

    def start(self):
        """Start the daemon and wait until its socket accepts connections.
        If the free port was taken in the meantime, try another one."""
        for attempt in range(3):
            try:
                return self._start()
            except PortTaken:
                old, self.port = self.port, free_port()
                self.rewrite_config(self.conf_text.replace(
                    ":%d" % old, ":%d" % self.port))
        return self._start()

    def _start(self):
        assert self.proc is None or self.proc.poll() is not None, \
            "daemon already running"
        offset = self._stderr_size()
        self.proc = self._spawn(["-d", "-c", self.conf])
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self._stderr_bytes()[offset:].decode("utf-8", "replace")
                if "listen.http" in err and "cannot listen" in err:
                    self.proc = None
                    raise PortTaken(err)
                raise AssertionError("hersteld exited with %d while starting:\n%s"
                                     % (self.proc.returncode, self.stderr()))
            if (self._socket_answers() and self._tcp_answers() and
                    self._logged_start(offset)):
                return self
            time.sleep(0.02)
        raise AssertionError("hersteld did not accept connections on %s within "
                             "%.0f s:\n%s" % (self.socket, START_TIMEOUT,
                                              self.stderr()))

    def start_expect_exit(self, timeout=START_TIMEOUT):
        """Start the daemon expecting it to refuse: wait for its exit and
        return a Result with its exit code and what it wrote."""
        offset = self._stderr_size()
        self.proc = self._spawn(["-d", "-c", self.conf])
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("hersteld kept running (expected it to exit):\n"
                                 + self.stderr())
        err = self._stderr_bytes()[offset:]
        self.proc = None
        r = Result([self.hersteld, "-d", "-c", self.conf], rc, b"", err)
        assert not sanitizer_report(r.err), "sanitizer report from hersteld:\n%r" % r
        return r

    def _socket_answers(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(1)
            s.connect(self.socket)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def _logged_start(self, offset):
        # The socket answers as soon as it is bound, but listen.http may
        # still fail after that; main() logs "started" once both are up.
        # (At log_level warn or error that line is not written.)
        if re.search(r'^log_level = "(warn|error)"', self.conf_text, re.M):
            return True
        return b" started" in self._stderr_bytes()[offset:]

    def _tcp_answers(self):
        # listen.http starts just after the socket; wait for it too.
        if "127.0.0.1:%d" % self.port not in self.conf_text:
            return True
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def sighup(self):
        os.kill(self.proc.pid, signal.SIGHUP)

    def stop(self, timeout=30):
        """SIGTERM; the daemon must exit 0 without sanitizer reports."""
        assert self.running(), "daemon is not running:\n" + self.stderr()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("hersteld did not stop within %d s of SIGTERM"
                                 % timeout)
        self.proc = None
        self.assert_clean()
        assert rc == 0, "hersteld exited with %d on SIGTERM:\n%s" % (
            rc, self.stderr())
        return rc

    def restart(self):
        self.stop()
        return self.start()

    # ---- the daemon's stderr (its log in the foreground) ----

    def _stderr_bytes(self):
        try:
            with open(self.stderr_path, "rb") as fp:
                return fp.read()
        except FileNotFoundError:
            return b""

    def _stderr_size(self):
        return len(self._stderr_bytes())

    def stderr(self):
        return self._stderr_bytes().decode("utf-8", "replace")

    def stderr_tail(self, lines=30):
        return "\n".join(self.stderr().splitlines()[-lines:])

    def wait_log(self, text, after=0, timeout=10.0):
        """Wait until the log, from byte offset after, contains text."""
        deadline = time.monotonic() + timeout
        while True:
            log = self._stderr_bytes()[after:].decode("utf-8", "replace")
            if text in log:
                return log
            if time.monotonic() > deadline:
                raise AssertionError("log does not say %r within %.0f s:\n%s"
                                     % (text, timeout, log))
            time.sleep(0.02)

    def log_offset(self):
        return self._stderr_size()

    def assert_clean(self):
        report = sanitizer_report(self.stderr())
        assert not report, "sanitizer report in hersteld's stderr:\n" + \
            self.stderr()

    # ---- talking to it ----

    def hersteld_cmd(self, *args, timeout=START_TIMEOUT):
        """Run hersteld with args (e.g. "-n", "-c", FILE) in the test
        directory and return its Result."""
        r = run([self.hersteld] + list(args), cwd=self.dir, timeout=timeout)
        report = sanitizer_report(r.err)
        assert not report, "sanitizer report from hersteld:\n%r" % r
        return r

    def cli(self, *args, token=None, tcp=False, check=None, socket_path=None,
            input=None):
        """Run herstelctl; args may be str or bytes.  Over the socket by
        default; over TCP (--url) when tcp or token is given."""
        argv = [self.herstelctl]
        if tcp or token is not None:
            argv += ["--url", "http://127.0.0.1:%d" % self.port]
            if token is not None:
                argv += ["--token", token]
        else:
            argv += ["--socket", socket_path or self.socket]
        argv += list(args)
        r = run(argv, cwd=self.dir, input=input)
        report = sanitizer_report(r.err)
        assert not report, "sanitizer report from herstelctl:\n%r" % r
        return check_result(r, check)

    def http(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) over TCP."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return _request(conn, method, path, body, headers)

    def api_socket(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) over the UNIX socket (the admin)."""
        return _request(UnixHTTPConnection(self.socket), method, path, body,
                        headers)

    # ---- the database, read-only ----

    def sqlite(self, query, params=()):
        """Rows of query on the database, opened read-only."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def dump(self):
        """Every table's rows, sorted: compare before and after to show
        that a refused request changed nothing (audit included)."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "ORDER BY name")]
            # The delivery thread sends queued mail on its own time:
            # what a request wrote to the outbox is what was queued.
            cols = {"outbox": "id, key, kind, participant_id, event_id, "
                    "occurrence, recipient, subject, due, created"}
            out = {t: sorted(con.execute('SELECT %s FROM "%s"' % (
                cols.get(t, "*"), t)).fetchall(), key=repr)
                   for t in tables}
            out["user_version"] = con.execute("PRAGMA user_version").fetchone()
            return out
        finally:
            con.close()


# ---- libfaketime (Debian's faketime): move the daemon's clock ----

LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


# Only the wall clock is moved for a daemon: its monotonic clock (the
# connection time-outs of libmicrohttpd and curl, the request deadline)
# keeps real time, so that moving the date never makes a connection look
# idle for a year and closes it unanswered.  (Not for Python: its
# time.sleep fails with a monotonic clock left alone.)
def _asan_with_faketime():
    asan = os.environ.get("ASAN_OPTIONS", "")
    return (asan + ":" if asan else "") + "verify_asan_link_order=0"


def forget_faketime(pid):
    """Remove the shared clock libfaketime made for process pid, once it
    has ended: a process killed (as every test's daemon is at the end)
    cannot remove it itself, and /dev/shm would fill up run after run."""
    for name in ("faketime_shm_%d" % pid, "sem.faketime_sem_%d" % pid):
        try:
            os.unlink(os.path.join("/dev/shm", name))
        except OSError:
            pass


def pinned_env():
    """Environment for a program that runs on the pinned clock, from
    where now() stands at this moment."""
    return {"LD_PRELOAD": LIBFAKETIME,
            "FAKETIME": now().strftime("@%Y-%m-%d %H:%M:%S"),
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "UTC",
            "ASAN_OPTIONS": _asan_with_faketime()}


def faketime_env(stamp_file):
    """Environment for a daemon whose clock is read from stamp_file (a line
    like "@2026-12-01 20:00:00", see set_faketime), re-read on every call
    so that a test can move it while the daemon runs.  ASan must not
    insist on being first in the link order when libfaketime is preloaded."""
    return {"LD_PRELOAD": LIBFAKETIME,
            "FAKETIME_TIMESTAMP_FILE": stamp_file,
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "UTC",
            "ASAN_OPTIONS": _asan_with_faketime()}


def set_faketime(stamp_file, when):
    """when: "YYYY-MM-DD HH:MM:SS" in UTC (faketime_env sets TZ=UTC) or a
    datetime (converted to UTC).  The daemon's clock jumps there the next
    time it reads it (FAKETIME_NO_CACHE) and runs on at normal speed from
    there: libfaketime's "@" counts from the moment it read the new value.
    After moving the clock, d.sighup() wakes the delivery thread."""
    if hasattr(when, "astimezone") and getattr(when, "tzinfo", None):
        when = when.astimezone(datetime.timezone.utc)
    if not isinstance(when, str):
        when = when.strftime("%Y-%m-%d %H:%M:%S")
    tmp = stamp_file + ".tmp"
    with open(tmp, "w") as fp:
        fp.write("@%s\n" % when)
    os.replace(tmp, stamp_file)

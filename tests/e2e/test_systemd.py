"""hersteld under systemd: the sd_notify(3) messages of Type=notify, and
the unit file conf/hersteld.service.

The daemon is started with NOTIFY_SOCKET naming a datagram socket the test
owns, as systemd does: READY=1 must come only once the admin socket and
listen.http answer, RELOADING=1 then READY=1 around a SIGHUP (also when
the new file is refused), and STOPPING=1 on SIGTERM.  The unit file is
checked offline with systemd-analyze (verify, and a security exposure of
at most 2.0); no systemd needs to run.
"""

import os
import re
import shutil
import signal
import socket
import tempfile

import harness
from harness import nostart

NOTIFY_TIMEOUT = 10.0
UNIT = os.path.join(harness.TOP, "conf", "hersteld.service")
MAX_EXPOSURE = 2.0


class NotifySocket:
    """A datagram socket in the daemon's directory, as systemd's."""

    def __init__(self, d):
        self.path = os.path.join(d.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(NOTIFY_TIMEOUT)

    def next(self):
        """The next message, as a dict of its NAME=value lines."""
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            raise AssertionError("no sd_notify message within %.0f s"
                                 % NOTIFY_TIMEOUT)
        return dict(line.split("=", 1)
                    for line in data.decode().split("\n") if line)

    def none_pending(self):
        self.sock.settimeout(0.2)
        try:
            data = self.sock.recv(4096)
        except (socket.timeout, BlockingIOError):
            return True
        finally:
            self.sock.settimeout(NOTIFY_TIMEOUT)
        raise AssertionError("unexpected sd_notify message %r" % data)

    def close(self):
        self.sock.close()


def start_notified(d):
    """Start d with NOTIFY_SOCKET set; returns the NotifySocket after the
    READY=1, and checks that both listeners answered by then."""
    n = NotifySocket(d)
    d.extra_env["NOTIFY_SOCKET"] = n.path
    # Spawn without the harness's own wait: READY=1 is the signal.
    d.proc = d._spawn(["-d", "-c", d.conf])
    msg = n.next()
    assert msg.get("READY") == "1", (msg, d.stderr())
    assert d._socket_answers(), "READY=1 before the socket answers"
    socket.create_connection(("127.0.0.1", d.port), timeout=1).close()
    assert " started" in d.stderr(), d.stderr()
    return n


@nostart
def test_ready_comes_once_the_socket_and_http_answer(d):
    n = start_notified(d)
    try:
        d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
              check=True)
        # One READY=1 only: requests send nothing.
        n.none_pending()
    finally:
        n.close()


@nostart
def test_sighup_sends_reloading_then_ready(d):
    n = start_notified(d)
    try:
        offset = d.log_offset()
        d.sighup()
        msg = n.next()
        assert msg.get("RELOADING") == "1", msg
        assert re.fullmatch(r"[0-9]+", msg.get("MONOTONIC_USEC", "")), msg
        assert n.next().get("READY") == "1"
        d.wait_log("configuration reloaded", after=offset)
        # A file that is refused keeps the old one: still READY=1 after.
        d.rewrite_config(d.conf_text + "timezone = 12;\n")
        offset = d.log_offset()
        d.sighup()
        assert n.next().get("RELOADING") == "1"
        assert n.next().get("READY") == "1"
        d.wait_log("reload failed", after=offset)
        d.cli("location", "list", check=True)
    finally:
        n.close()


@nostart
def test_sigterm_sends_stopping_and_exits_0(d):
    n = start_notified(d)
    try:
        d.proc.send_signal(signal.SIGTERM)
        assert n.next().get("STOPPING") == "1"
        assert d.proc.wait(timeout=30) == 0, d.stderr()
        d.proc = None
        d.assert_clean()
    finally:
        n.close()


@nostart
def test_an_unreachable_notify_socket_is_logged_and_harmless(d):
    d.extra_env["NOTIFY_SOCKET"] = os.path.join(d.dir, "nobody-listens")
    d.start()
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    assert "sd_notify:" in d.stderr(), d.stderr()
    d.stop()


# ---- the unit file, offline ----

def unit_with_binary(tmp):
    """conf/hersteld.service with ExecStart on the binary under test (the
    installed path does not exist here)."""
    with open(UNIT) as fp:
        text = fp.read()
    assert "ExecStart=/usr/sbin/hersteld " in text, text
    path = os.path.join(tmp, "hersteld.service")
    with open(path, "w") as fp:
        fp.write(text.replace("/usr/sbin/hersteld", harness.hersteld()))
    return path


def systemd_analyze(*args):
    if shutil.which("systemd-analyze") is None:
        raise AssertionError("systemd-analyze is not installed (Debian "
                             "package systemd): cannot check the unit")
    return harness.run(["systemd-analyze"] + list(args))


def test_unit_file_passes_systemd_analyze_verify():
    tmp = tempfile.mkdtemp(prefix="hersteld-unit-")
    try:
        r = systemd_analyze("verify", "--man=no", unit_with_binary(tmp))
        assert r.rc == 0 and r.err.strip() == "", r
    finally:
        shutil.rmtree(tmp)


def test_unit_file_security_exposure_is_at_most_2():
    r = systemd_analyze("security", "--offline=yes", "--no-pager", UNIT)
    m = re.search(r"Overall exposure level for hersteld\.service: "
                  r"([0-9.]+) (\w+)", r.out)
    assert m, r
    assert float(m.group(1)) <= MAX_EXPOSURE, r
    # What it must keep, whatever the score: notify, and the socket's
    # group reaching the staff through RuntimeDirectoryMode.
    with open(UNIT) as fp:
        text = fp.read()
    for line in ("Type=notify", "User=hersteld", "UMask=0077",
                 "RuntimeDirectoryMode=0750", "StateDirectory=hersteld",
                 "ProtectSystem=strict",
                 "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                 "SystemCallFilter=@system-service"):
        assert re.search("^%s$" % re.escape(line), text, re.M), line

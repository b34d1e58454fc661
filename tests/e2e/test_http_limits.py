"""What listen.http holds against a slow or hostile client (issue 11), and
what hersteld -n checks before a start:

- connections that trickle their headers are limited per client address
  (listen.per_client) and closed when their request is not whole within
  listen.request_timeout, however slowly they keep sending; meanwhile a
  client from another address and the admin on the UNIX socket are
  answered at once;
- a request that arrives whole within the deadline, and a second request
  on a kept-alive connection, are answered as before; a kept-alive
  connection that sends no next request is closed at the deadline;
- %00 in the path and an HTTP/1.1 request without Host get 400; an
  announced body over the cap gets 413 before any of it is sent;
  headers of 6 KiB are served, of 20 KiB refused with 431;
- hersteld -n refuses, with one line and status 69, what start-up refuses:
  an unresolvable listen.http host, a socket path over the UNIX limit, a
  database or socket directory that does not exist.

Every client here talks to 127.0.0.1; the "other client" comes from
127.0.0.2, which Linux routes over loopback too.
"""

import os
import select
import socket
import threading
import time

import harness
from harness import EX_UNAVAILABLE, nostart

PER_CLIENT = 10
DEADLINE = 3           # listen.request_timeout in these tests, seconds
SLOW = 300             # trickling connections
TRICKLE = 0.5          # seconds between their header lines


def limits_config(d, **extra):
    listen = '{ socket = "%s"; http = "127.0.0.1:%d"; per_client = %d; ' \
             'request_timeout = %d; }' % (d.socket, d.port, PER_CLIENT,
                                          DEADLINE)
    return d.config_text(listen=listen, **extra)


def start_with_limits(d):
    d.rewrite_config(limits_config(d))
    d.start()


def raw(d, data, source="127.0.0.1", timeout=5.0):
    """Send data on a new TCP connection and return what comes back until
    the daemon closes it or timeout passes (b"" on a reset)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.bind((source, 0))
        s.connect(("127.0.0.1", d.port))
        s.sendall(data)
        return read_all(s, timeout)
    finally:
        s.close()


def read_all(s, timeout):
    out = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    return out


def status_of(reply):
    line = reply.split(b"\r\n", 1)[0]
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def add_room(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "12", check=True)


# ---- slow clients ----

class Trickler:
    """Connections from 127.0.0.1 that send a request line and then one
    header line every TRICKLE seconds, never finishing.  Records when each
    was connected and when the daemon closed it."""

    def __init__(self, d, n):
        self.socks = {}          # fd -> socket, still open
        self.opened = {}         # fd -> monotonic time of connect
        self.closed = {}         # fd -> monotonic time the end was seen
        self.refused = 0         # connect failed outright
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.bind(("127.0.0.1", 0))
                s.connect(("127.0.0.1", d.port))
                s.sendall(b"GET /feeds/public.ics HTTP/1.1\r\n"
                          b"Host: 127.0.0.1\r\n")
            except OSError:
                self.refused += 1
                s.close()
                continue
            s.setblocking(False)
            self.socks[s.fileno()] = s
            self.opened[s.fileno()] = time.monotonic()

    def open_count(self):
        return len(self.socks)

    def _close(self, fd):
        self.closed[fd] = time.monotonic()
        self.socks.pop(fd).close()

    def poll(self, seconds):
        """Watch for ends for this long."""
        end = time.monotonic() + seconds
        while self.socks and time.monotonic() < end:
            r, _, _ = select.select(list(self.socks), [], [],
                                    max(0, end - time.monotonic()))
            for fd in r:
                try:
                    data = self.socks[fd].recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self._close(fd)
        if not self.socks:
            time.sleep(max(0, end - time.monotonic()))

    def trickle(self):
        for fd, s in list(self.socks.items()):
            try:
                s.send(b"X-Slow: 1\r\n")
            except OSError:
                self._close(fd)

    def close_all(self):
        for s in self.socks.values():
            s.close()
        self.socks.clear()


@nostart
def test_trickling_clients_are_limited_and_cut_off_while_others_are_served(d):
    start_with_limits(d)
    t0 = time.monotonic()
    slow = Trickler(d, SLOW)
    try:
        slow.poll(0.5)
        early = slow.open_count()
        held = dict((fd, slow.opened[fd]) for fd in slow.socks)

        # Another client, and the admin, are answered while they trickle.
        other = {}

        def fetch():
            t = time.monotonic()
            other["reply"] = raw(d, b"GET /feeds/public.ics HTTP/1.1\r\n"
                                 b"Host: 127.0.0.1\r\nConnection: close\r\n"
                                 b"\r\n", source="127.0.0.2", timeout=5)
            other["seconds"] = time.monotonic() - t
            t = time.monotonic()
            other["cli"] = d.cli("location", "list")
            other["cli_seconds"] = time.monotonic() - t

        th = threading.Thread(target=fetch)
        th.start()
        until = t0 + DEADLINE + 6
        while slow.open_count() and time.monotonic() < until:
            slow.trickle()
            slow.poll(TRICKLE)
        th.join(10)
        assert not th.is_alive()
        assert status_of(other["reply"]) == 200, other["reply"][:200]
        assert b"BEGIN:VCALENDAR" in other["reply"]
        assert other["seconds"] < 2, other
        assert other["cli"].rc == 0 and other["cli_seconds"] < 5, other

        # The address could hold PER_CLIENT connections; the rest were
        # closed at once.
        assert early == PER_CLIENT, \
            "%d of %d connections from 127.0.0.1 were held (%d refused)" % (
                early, SLOW, slow.refused)

        # Each held connection was closed at its deadline, not before and
        # not much after, although it kept sending.
        assert slow.open_count() == 0, \
            "%d trickling connections still open after %.1f s" % (
                slow.open_count(), time.monotonic() - t0)
        for fd, at in held.items():
            lived = slow.closed[fd] - at
            assert DEADLINE - 0.5 <= lived <= DEADLINE + 2.5, \
                "a trickling connection lived %.2f s (deadline %d s)" % (
                    lived, DEADLINE)
    finally:
        slow.close_all()
    # Nothing lingers: 127.0.0.1 is served again.
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200, body
    assert time.monotonic() - t0 < 30
    # A clean stop: the deadline thread ends, nothing leaks.
    d.stop()


@nostart
def test_a_request_whole_in_time_is_served_and_an_idle_keep_alive_ends(d):
    start_with_limits(d)
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    try:
        # Headers spread over more than half the deadline, then done.
        s.sendall(b"GET /feeds/public.ics HTTP/1.1\r\n")
        time.sleep(DEADLINE / 4)
        s.sendall(b"Host: 127.0.0.1\r\n")
        time.sleep(DEADLINE / 4)
        s.sendall(b"Accept: text/calendar\r\n\r\n")
        f = s.makefile("rb")
        for i in range(2):
            line = f.readline()
            assert status_of(line) == 200, line
            length = None
            while True:
                h = f.readline()
                if h in (b"\r\n", b""):
                    break
                k, _, v = h.decode().partition(":")
                if k.lower() == "content-length":
                    length = int(v)
            assert length and b"BEGIN:VCALENDAR" in f.read(length)
            if i == 1:
                break
            # The same connection carries the next request.
            s.sendall(b"GET /feeds/public.ics HTTP/1.1\r\n"
                      b"Host: 127.0.0.1\r\n\r\n")
        f.close()
        # The third request never comes: the connection is closed when it
        # is due, not after the 30 s idle time-out.
        t = time.monotonic()
        assert read_all(s, DEADLINE + 3) == b""
        waited = time.monotonic() - t
        assert DEADLINE - 0.5 <= waited <= DEADLINE + 1.5, waited
    finally:
        s.close()
    d.stop()


# ---- malformed requests ----

def test_an_encoded_nul_in_the_path_is_400(d):
    add_room(d)
    status, _, _ = d.http("GET", "/feeds/room/herstelhuis/zaal-1.ics")
    assert status == 200
    for path in ("/feeds/room/herstelhuis/zaal-1.ics%00.txt",
                 "/feeds/public.ics%00",
                 "/feeds/public.ics?x=%00"):
        status, _, body = d.http("GET", path)
        assert status == 400, (path, status, body)
        assert b"NUL" in body, body
    status, _, body = d.api_socket("GET", "/api/v1/locations%00x")
    assert status == 400, body


def test_http11_without_host_is_400_and_http10_without_host_is_served(d):
    reply = raw(d, b"GET /feeds/public.ics HTTP/1.1\r\nConnection: close"
                   b"\r\n\r\n")
    assert status_of(reply) == 400, reply[:300]
    assert b"Host" in reply
    reply = raw(d, b"GET /feeds/public.ics HTTP/1.0\r\n\r\n")
    assert status_of(reply) == 200, reply[:300]
    assert b"BEGIN:VCALENDAR" in reply
    reply = raw(d, b"GET /feeds/public.ics HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
    assert status_of(reply) == 200, reply[:300]


def test_headers_of_6_kib_are_served_and_over_the_pool_431(d):
    # A connection's memory pool is 16 KiB (http.c): ordinary headers,
    # cookies included, fit; a request whose headers do not is refused.
    for n, want in ((6 * 1024, 200), (20 * 1024, 431)):
        reply = raw(d, b"GET /feeds/public.ics HTTP/1.1\r\nHost: x\r\n"
                       b"Cookie: c=" + b"a" * n + b"\r\n"
                       b"Connection: close\r\n\r\n")
        assert status_of(reply) == want, (n, reply[:300])


def test_an_announced_body_over_the_cap_is_413_before_it_is_sent(d):
    r = d.cli("--json", "token", "create", "--role", "admin", "--name", "ci",
              check=True)
    token = r.json()["token"].encode()
    head = (b"POST /api/v1/locations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer " + token + b"\r\n"
            b"Content-Type: application/json\r\n")
    for path, length in ((b"/api/v1/locations", 1 << 30),
                         (b"/api/v1/locations", 1024 * 1024 + 1),
                         (b"/api/v1/import", 1 << 30),
                         (b"/api/v1/import", 10 ** 30)):
        t = time.monotonic()
        reply = raw(d, head.replace(b"/api/v1/locations", path) +
                    b"Content-Length: %d\r\n\r\n" % length, timeout=5)
        assert status_of(reply) == 413, (path, length, reply[:300])
        # (A length past 64 bits is refused by libmicrohttpd itself.)
        if length < 1 << 64:
            assert b"too_large" in reply, (path, length, reply[:400])
        assert time.monotonic() - t < 2
    # The admin's socket has the same caps.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(5)
        s.connect(d.socket)
        s.sendall(b"POST /api/v1/locations HTTP/1.1\r\nHost: localhost\r\n"
                  b"Content-Length: 1073741824\r\n\r\n")
        reply = read_all(s, 5)
    finally:
        s.close()
    assert status_of(reply) == 413, reply[:300]
    # Without a token it stays 401, and a body within the cap still works.
    reply = raw(d, b"POST /api/v1/locations HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 1073741824\r\n\r\n")
    assert status_of(reply) == 401, reply[:300]
    status, _, body = d.http("POST", "/api/v1/locations",
                             {"slug": "noord", "name": "Noord"},
                             headers={"Authorization": "Bearer " +
                                      token.decode()})
    assert status == 201, body


# ---- hersteld -n checks what start-up checks ----

def refused_alike(d, setting):
    """-n and a real start both refuse the configuration with 69 and the
    same one-line message naming setting."""
    r = d.hersteld_cmd("-n", "-c", d.conf)
    assert r.rc == EX_UNAVAILABLE, r
    assert len(r.err_lines()) == 1, r
    assert "OK" not in r.err, r
    assert r.err.startswith("hersteld: %s " % setting), r
    message = r.err.strip()[len("hersteld: "):]
    s = d.start_expect_exit()
    assert s.rc == EX_UNAVAILABLE, s
    assert message in s.err, (r, s)
    return message


@nostart
def test_hersteld_n_refuses_a_listen_host_that_does_not_resolve(d):
    d.rewrite_config(d.config_text(
        listen='{ socket = "%s"; http = "no-such-host.invalid:%d"; }' %
        (d.socket, d.port)))
    refused_alike(d, "listen.http")


@nostart
def test_hersteld_n_refuses_a_socket_path_over_the_unix_limit(d):
    long_path = os.path.join(d.dir, "s" * 120 + ".sock")
    d.rewrite_config(d.config_text(
        listen='{ socket = "%s"; http = "127.0.0.1:%d"; }' %
        (long_path, d.port)))
    message = refused_alike(d, "listen.socket")
    assert "107" in message, message


@nostart
def test_hersteld_n_refuses_a_database_directory_that_does_not_exist(d):
    d.rewrite_config(d.config_text(
        database='"%s"' % os.path.join(d.dir, "nope", "hersteld.db")))
    message = refused_alike(d, "database")
    assert "nope" in message, message
    assert not os.path.exists(os.path.join(d.dir, "nope"))


@nostart
def test_hersteld_n_refuses_a_socket_directory_that_does_not_exist(d):
    d.rewrite_config(d.config_text(
        listen='{ socket = "%s"; http = "127.0.0.1:%d"; }' %
        (os.path.join(d.dir, "nope", "h.sock"), d.port)))
    message = refused_alike(d, "listen.socket")
    assert "nope" in message, message


@nostart
def test_limits_out_of_range_are_configuration_errors(d):
    for key, value in (("per_client", 0), ("per_client", 257),
                       ("request_timeout", 0), ("request_timeout", 301),
                       ("request_timeout", '"15"')):
        d.rewrite_config(d.config_text(
            listen='{ socket = "%s"; http = "127.0.0.1:%d"; %s = %s; }' %
            (d.socket, d.port, key, value)))
        r = d.hersteld_cmd("-n", "-c", d.conf)
        assert r.rc == harness.EX_CONFIG, r
        assert "listen.%s" % key in r.err, r
    d.rewrite_config(limits_config(d))
    r = d.hersteld_cmd("-n", "-c", d.conf)
    assert r.rc == 0, r

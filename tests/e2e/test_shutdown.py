"""Shutting down: SIGTERM and SIGINT let a request that is already in
flight finish (and its write land) before the daemon exits 0; new
connections are no longer accepted.
"""

import json
import signal
import socket
import time


def _half_sent_post(d, body):
    """Open a request on the socket and send all but the last byte."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(d.socket)
    head = ("POST /api/v1/locations HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % len(body)).encode()
    s.sendall(head + body[:-1])
    return s


def _finish(s, body):
    s.sendall(body[-1:])
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def _in_flight_request_finishes(d, sig):
    body = json.dumps({"slug": "herstelhuis", "name": "Herstelhuis"}).encode()
    s = _half_sent_post(d, body)
    time.sleep(0.3)         # the daemon has the headers
    d.proc.send_signal(sig)
    time.sleep(0.3)         # it is shutting down, waiting for us
    assert d.proc.poll() is None, "exited with a request in flight"
    answer = _finish(s, body)
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    rc = d.proc.wait(timeout=20)
    d.proc = None
    assert rc == 0, d.stderr()
    d.assert_clean()
    assert d.sqlite("SELECT slug FROM location") == [("herstelhuis",)]


def test_sigterm_lets_an_in_flight_request_finish_and_exits_0(d):
    _in_flight_request_finishes(d, signal.SIGTERM)


def test_sigint_lets_an_in_flight_request_finish_and_exits_0(d):
    _in_flight_request_finishes(d, signal.SIGINT)

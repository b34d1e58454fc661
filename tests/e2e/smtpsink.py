"""A real SMTP server for the end-to-end tests: Debian's python3-aiosmtpd
on 127.0.0.1, storing every message it accepts (envelope sender,
recipients, raw bytes).

    with SmtpSink() as sink:            # started on a free port
        ... sink.port ...
        msgs = sink.wait_for(3)         # at least 3 messages within 10 s

Knobs, all settable while it runs:

    sink.reject = {"a@example.org"}     # RCPT TO:<a@example.org> -> 550
    sink.tempfail_until(time.monotonic() + 5)   # 451 to MAIL, RCPT and DATA
    sink.delay = 0.05                   # seconds to wait before each 250
    sink.stop(); sink.start()           # down and up again on the same port

Messages are parsed with the email package (policy=email.policy.default).
"""

import asyncio
import email
import email.policy
import logging
import threading
import time

from aiosmtpd.controller import Controller

import harness

# aiosmtpd logs every session at INFO and every lost client at WARNING.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


class Received:
    """One accepted message."""

    def __init__(self, mail_from, rcpts, data):
        self.mail_from = mail_from
        self.rcpts = list(rcpts)
        self.data = data
        self.time = time.monotonic()
        self.msg = email.message_from_bytes(data, policy=email.policy.default)

    @property
    def message_id(self):
        return self.msg["Message-ID"]

    def text(self):
        """The text/plain part, decoded."""
        part = self.msg.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def calendar(self):
        """The text/calendar part as (method parameter, raw bytes), or
        (None, None) when there is none."""
        for part in self.msg.walk():
            if part.get_content_type() == "text/calendar":
                return (part.get_param("method"),
                        part.get_payload(decode=True))
        return None, None

    def __repr__(self):
        return "<mail to %s: %s>" % (",".join(self.rcpts), self.msg["Subject"])


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    def _tempfail(self):
        return time.monotonic() < self.sink._tempfail_until

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self._tempfail():
            self.sink.refused += 1
            return "451 4.3.0 try again later (test sink)"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self._tempfail():
            self.sink.refused += 1
            return "451 4.3.0 try again later (test sink)"
        if address.lower() in self.sink.reject:
            self.sink.refused += 1
            return "550 5.1.1 <%s>: no such user (test sink)" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._tempfail():
            self.sink.refused += 1
            return "451 4.3.0 try again later (test sink)"
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.sink._add(Received(envelope.mail_from, envelope.rcpt_tos, data))
        return "250 2.0.0 OK: queued (test sink)"


class SmtpSink:
    def __init__(self, port=None, start=True):
        self.port = port or harness.free_port()
        self.reject = set()
        self.delay = 0.0
        self.refused = 0
        self._tempfail_until = 0.0
        self._lock = threading.Condition()
        self._messages = []
        self._controller = None
        if start:
            self.start()

    # ---- life cycle ----

    def start(self):
        assert self._controller is None, "sink already running"
        deadline = time.monotonic() + 10
        while True:
            c = Controller(_Handler(self), hostname="127.0.0.1",
                           port=self.port, decode_data=False,
                           ready_timeout=10)
            try:
                c.start()
                break
            except Exception:
                # The port may still be held by the previous run's
                # connections for a moment after stop().
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._controller = c
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def running(self):
        return self._controller is not None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def config(self, retry=1, **extra):
        """The libconfig text of the smtp group that points at this sink."""
        parts = ['url = "%s"' % self.url,
                 'from = "Herstelhuis <noreply@example.org>"',
                 "retry = %d" % retry]
        parts += ["%s = %s" % kv for kv in extra.items()]
        return "{ %s; }" % "; ".join(parts)

    # ---- knobs ----

    def tempfail_until(self, when):
        """Answer 451 to MAIL, RCPT and DATA until time.monotonic() when."""
        self._tempfail_until = when

    # ---- what arrived ----

    def _add(self, rec):
        with self._lock:
            self._messages.append(rec)
            self._lock.notify_all()

    def messages(self):
        with self._lock:
            return list(self._messages)

    def count(self):
        with self._lock:
            return len(self._messages)

    def clear(self):
        with self._lock:
            self._messages.clear()

    def wait_for(self, n, timeout=10.0, pred=None):
        """Wait until at least n messages (matching pred, if given) arrived;
        return them all (matching pred).  AssertionError on time-out."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                got = [m for m in self._messages if pred is None or pred(m)]
                if len(got) >= n:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "sink: %d message(s) within %.0f s, expected %d: %r"
                        % (len(got), timeout, n, got))
                self._lock.wait(min(left, 0.2))

    def to(self, addr):
        """The messages whose envelope recipients include addr."""
        return [m for m in self.messages()
                if addr.lower() in (r.lower() for r in m.rcpts)]

    def quiet_for(self, seconds, since):
        """Wait seconds, then return the messages that arrived after the
        first since (take since = sink.count() before the action)."""
        time.sleep(seconds)
        return self.messages()[since:]

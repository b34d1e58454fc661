"""An SMTP server that misbehaves on cue, for the fault-injection tests
(test_mail_faults.py).  Raw sockets, one thread per connection, speaking
just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to take
mail from libcurl, so that every byte and every silence is under the
test's control, which aiosmtpd (smtpsink.py) does not give.

    with FaultSmtp() as srv:            # on 127.0.0.1, a free port
        srv.fault(5, "MAIL", "close", "421 4.3.2 shutting down")
        ... srv.port, srv.config(timeout=2) ...
        srv.wait_for(10)                # 10 messages accepted within 10 s

A fault fires once, on the n-th transaction the server sees (the n-th
MAIL FROM since it started, over all connections, counted from 1), at one
stage of it:

    "MAIL", "RCPT", "DATA"  the reply to that command
    "BODY"                  while the message is coming in, after 354
    "DOT"                   the reply to the end of the message

and does one of:

    "reply"   answer text instead of the usual reply, keep the connection
    "close"   answer text, then close the connection (421 does this)
    "drop"    close the connection without a word
    "stall"   say nothing, read and discard until the client goes away

srv.stall_greeting = True accepts connections and never greets them.
srv.events lists what happened as (transaction, stage, action) tuples.
"""

import email
import email.policy
import socket
import threading
import time

import harness


class Accepted:
    """One message the server answered 250 to at the end of DATA."""

    def __init__(self, mail_from, rcpts, data):
        self.mail_from = mail_from
        self.rcpts = list(rcpts)
        self.data = data
        self.msg = email.message_from_bytes(data, policy=email.policy.default)

    @property
    def message_id(self):
        return self.msg["Message-ID"]

    def __repr__(self):
        return "<mail to %s: %s>" % (",".join(self.rcpts), self.msg["Subject"])


class _Closed(Exception):
    pass


class _Conn:
    def __init__(self, srv, sock):
        self.srv = srv
        self.sock = sock
        self.buf = b""

    def send(self, line):
        self.sock.sendall(line.encode("ascii") + b"\r\n")

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise _Closed()
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("ascii", "replace")

    def body(self, fault):
        """The message up to the lone dot, dot-stuffing undone.  With a
        BODY fault, act once some of it has arrived."""
        while fault is not None and len(self.buf) < 64:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise _Closed()
            self.buf += chunk
        if fault is not None:
            return None
        while b"\r\n.\r\n" not in b"\r\n" + self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise _Closed()
            self.buf += chunk
        data, self.buf = (b"\r\n" + self.buf).split(b"\r\n.\r\n", 1)
        data = data[2:]
        lines = [l[1:] if l.startswith(b".") else l
                 for l in data.split(b"\r\n")]
        return b"\r\n".join(lines) + b"\r\n"

    def swallow(self):
        """Stall: read and drop until the client closes or the server
        stops."""
        self.sock.settimeout(0.2)
        while not self.srv._stopping.is_set():
            try:
                if not self.sock.recv(65536):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def act(self, fault, normal):
        """Answer normal, or do what fault says; False: connection over."""
        if fault is None:
            self.send(normal)
            return True
        action, text = fault
        if action == "reply":
            self.send(text)
            return True
        if action == "close":
            self.send(text)
        elif action == "stall":
            self.swallow()
        return False

    def run(self):
        srv = self.srv
        if srv.stall_greeting:
            srv._note(0, "GREETING", "stall")
            self.swallow()
            return
        self.send("220 127.0.0.1 ESMTP fault server (test)")
        txn, mail_from, rcpts = 0, None, []
        while True:
            cmd = self.line()
            verb = cmd.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                if verb == "EHLO":
                    self.send("250-127.0.0.1")
                    self.send("250-8BITMIME")
                    self.send("250 SIZE 10485760")
                else:
                    self.send("250 127.0.0.1")
            elif verb == "MAIL":
                txn = srv._next_txn()
                mail_from = cmd.split(":", 1)[1].strip().strip("<>")
                rcpts = []
                if not self.act(srv._take(txn, "MAIL"), "250 2.1.0 OK"):
                    return
            elif verb == "RCPT":
                rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                if not self.act(srv._take(txn, "RCPT"), "250 2.1.5 OK"):
                    return
            elif verb == "DATA":
                if not self.act(srv._take(txn, "DATA"),
                                "354 End data with <CR><LF>.<CR><LF>"):
                    return
                bf = srv._take(txn, "BODY")
                data = self.body(bf)
                if data is None:
                    # A BODY fault: only "drop" and "stall" make sense.
                    if bf[0] == "stall":
                        self.swallow()
                    return
                fault = srv._take(txn, "DOT")
                if fault is None:
                    srv._add(Accepted(mail_from, rcpts, data))
                if not self.act(fault, "250 2.0.0 OK: queued (fault server)"):
                    return
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.send("250 OK")
            elif verb == "NOOP":
                self.send("250 OK")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye")
                return
            else:
                self.send("502 5.5.2 command not implemented")


class FaultSmtp:
    def __init__(self):
        self.port = harness.free_port()
        self.stall_greeting = False
        self.events = []
        self.connections = 0
        self._faults = {}
        self._txn = 0
        self._messages = []
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._threads = []
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind(("127.0.0.1", self.port))
        self._lsock.listen(16)
        self._lsock.settimeout(0.2)
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    # ---- the plan ----

    def fault(self, txn, stage, action, text=None):
        """On transaction txn (1-based), at stage, do action (see above)."""
        assert stage in ("MAIL", "RCPT", "DATA", "BODY", "DOT"), stage
        assert action in ("reply", "close", "drop", "stall"), action
        assert text or action in ("drop", "stall"), "reply needs a text"
        with self._cond:
            self._faults[(txn, stage)] = (action, text)

    def _next_txn(self):
        with self._cond:
            self._txn += 1
            return self._txn

    def _take(self, txn, stage):
        with self._cond:
            f = self._faults.pop((txn, stage), None)
            if f is not None:
                self.events.append((txn, stage, f[0]))
            return f

    def _note(self, txn, stage, action):
        with self._cond:
            self.events.append((txn, stage, action))

    def transactions(self):
        with self._cond:
            return self._txn

    # ---- serving ----

    def _accept(self):
        while not self._stopping.is_set():
            try:
                sock, _ = self._lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._cond:
                self.connections += 1
            t = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, sock):
        try:
            _Conn(self, sock).run()
        except (_Closed, OSError):
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def stop(self):
        self._stopping.set()
        self._lsock.close()
        self._acceptor.join(5)
        for t in self._threads:
            t.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ---- for the daemon ----

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def config(self, retry=1, **extra):
        """The libconfig text of the smtp group that points here."""
        parts = ['url = "%s"' % self.url,
                 'from = "Herstelhuis <noreply@example.org>"',
                 "retry = %d" % retry]
        parts += ["%s = %s" % kv for kv in extra.items()]
        return "{ %s; }" % "; ".join(parts)

    # ---- what arrived ----

    def _add(self, rec):
        with self._cond:
            self._messages.append(rec)
            self._cond.notify_all()

    def messages(self):
        with self._cond:
            return list(self._messages)

    def count(self):
        with self._cond:
            return len(self._messages)

    def wait_for(self, n, timeout=10.0):
        """Until at least n messages were accepted; returns them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "fault server: %d message(s) within %.0f s, "
                        "expected %d; events %r" % (len(self._messages),
                                                    timeout, n, self.events))
                self._cond.wait(min(left, 0.2))
            return list(self._messages)

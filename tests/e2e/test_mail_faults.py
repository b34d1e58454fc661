"""Fault injection on mail delivery, end to end: the daemon sends a burst
of change notices to an SMTP server (smtpfault.py) that misbehaves once in
the middle of it -- drops the connection during DATA, answers 421 and
closes, answers 452 after the message, or stalls past smtp.timeout.

In every case the daemon must lose nothing (each message arrives exactly
once after the server recovers: these faults all strike before the server
accepted the message, so the documented duplicate window is not hit),
must not mark a temporary failure as failed, and must say what happened:
in the outbox row's last_error, in `herstelctl outbox list`, and in its
log.

smtp.retry is 2 s, so that the failed message can be seen pending with its
error for a moment before the retry sends it; smtp.timeout is 2 s for the
stalls.  Every test runs in seconds and stops by itself.
"""

import time

import harness
from smtpfault import FaultSmtp
from harness import outbox_settled, wait_until
from test_mail import _bulk, api, day, event, outbox, setup

N = 10          # people in the burst
RETRY = 2       # smtp.retry, seconds
TIMEOUT = 2     # smtp.timeout, seconds


def start(d, srv):
    d.rewrite_config(d.config_text(smtp=srv.config(retry=RETRY,
                                                    timeout=TIMEOUT)))
    d.start()


def burst(d, srv, *faults):
    """N people registered (their confirmations delivered cleanly), then
    one change notice to each, queued in one transaction and sent as one
    batch; faults are (k, stage, action, text) with k counted from 1
    within the burst.  Returns (event id, messages before the burst,
    log offset)."""
    setup(d)
    eid = event(d, "Lotgenotengroep", day(20))
    _bulk(d, eid, N)
    srv.wait_for(N)
    outbox_settled(d)
    base = srv.transactions()
    for k, stage, action, text in faults:
        srv.fault(base + k, stage, action, text)
    mark, log = srv.count(), d.log_offset()
    d.cli("event", "edit", str(eid), "--start", day(21), "--duration", "2h",
          check=True)
    return eid, mark, log


def changes(d):
    return [r for r in outbox(d) if r["kind"] == "change"]


def catch_error(d, what, timeout=15.0):
    """The change row that carries a last_error while pending, caught
    between the failure and the retry; no change row is ever failed."""
    def look():
        rows = changes(d)
        assert not [r for r in rows if r["status"] == "failed"], rows
        return [r for r in rows if r["status"] == "pending" and
                r["last_error"] and
                not r["last_error"].startswith("not tried")]
    return wait_until(what, look, timeout)


def all_sent_once(d, srv, mark):
    """Every change notice recorded sent, and arrived exactly once."""
    def done():
        rows = changes(d)
        assert not [r for r in rows if r["status"] == "failed"], rows
        return len(rows) == N and all(r["status"] == "sent" for r in rows)
    wait_until("every change notice sent", done, timeout=30)
    time.sleep(0.5)
    got = srv.messages()[mark:]
    assert all(m.msg["Subject"].startswith("Gewijzigd: ") for m in got), got
    people = sorted("burst%03d@example.org" % i for i in range(N))
    assert sorted(m.rcpts[0] for m in got) == people, got
    assert len({m.message_id for m in got}) == N, got
    return changes(d)


def check_rest_waits(d, failed, k):
    """After a failure that ends the batch (failed is the row caught by
    catch_error, the k-th of the burst), the messages after it wait
    untried: they say why, and no try is counted that did not happen."""
    rows = changes(d)
    rest = [r for r in rows if r["id"] > failed["id"]]
    assert len(rest) == N - k, rows
    assert all(r["status"] == "pending" and r["attempts"] == 0 and
               r["last_error"] == "not tried: " + failed["last_error"]
               for r in rest), rest


def _bulk_one(d, eid, who):
    status, _ = api(d, "POST", "participants", {
        "email": who, "remind": "none", "quiet": "none"})
    assert status in (200, 201), status
    status, _ = api(d, "POST", "events/%d/register" % eid,
                    {"participant": who})
    assert status in (200, 201), status


def listed(d, text):
    out = d.cli("outbox", "list", "--status", "pending", check=True).out
    return out if text in out else None


@harness.nostart
def test_mail_connection_dropped_during_data_is_retried_not_lost(d):
    with FaultSmtp() as srv:
        start(d, srv)
        _, mark, log = burst(d, srv, (4, "BODY", "drop", None))
        rows = catch_error(d, "the dropped message pending with its error")
        assert len(rows) == 1, rows
        err = rows[0]["last_error"]
        # The detail is "the server hung up", or "Connection reset by
        # peer" when the close found part of the message unread.
        assert err.startswith("the connection was closed during DATA, "
                              "before the server accepted the message: "), err
        check_rest_waits(d, rows[0], 4)
        d.wait_log("message %d not sent, will retry: %s" % (rows[0]["id"],
                                                            err), after=log)
        rows = all_sent_once(d, srv, mark)
        assert srv.events[-1][1:] == ("BODY", "drop"), srv.events
        assert sorted(r["attempts"] for r in rows) == [1] * (N - 1) + [2], rows


def _421(d, stage):
    with FaultSmtp() as srv:
        start(d, srv)
        _, mark, log = burst(
            d, srv, (5, stage, "close",
                     "421 4.3.2 Service shutting down (fault server)"))
        rows = catch_error(d, "the 421 message pending with its error")
        # Only the message the server refused: the next one is not tried
        # on the connection the server closed.
        assert len(rows) == 1, rows
        err = rows[0]["last_error"]
        assert err == "421 4.3.2 Service shutting down (fault server)", err
        assert listed(d, "421 4.3.2"), d.cli("outbox", "list").out
        d.wait_log("message %d not sent, will retry: %s" % (rows[0]["id"],
                                                            err), after=log)
        rows = all_sent_once(d, srv, mark)
        assert sorted(r["attempts"] for r in rows) == [1] * (N - 1) + [2], rows
        assert "Connection reset" not in d.stderr()[log:], d.stderr()[log:]
        assert (stage, "close") in [e[1:] for e in srv.events], srv.events


@harness.nostart
def test_mail_421_to_mail_from_in_the_middle_of_a_batch(d):
    _421(d, "MAIL")


@harness.nostart
def test_mail_421_to_rcpt_in_the_middle_of_a_batch(d):
    _421(d, "RCPT")


@harness.nostart
def test_mail_421_after_data_in_the_middle_of_a_batch(d):
    _421(d, "DOT")


@harness.nostart
def test_mail_452_after_data_for_one_message(d):
    with FaultSmtp() as srv:
        start(d, srv)
        _, mark, log = burst(
            d, srv, (3, "DOT", "reply",
                     "452 4.3.1 Insufficient system storage (fault server)"))
        rows = catch_error(d, "the 452 message pending with its error")
        assert len(rows) == 1, rows
        assert rows[0]["last_error"].startswith("452 4.3.1"), rows
        d.wait_log("message %d not sent, will retry: 452 4.3.1" %
                   rows[0]["id"], after=log)
        rows = all_sent_once(d, srv, mark)
        # The rest of the batch went on over the same connection.
        assert sorted(r["attempts"] for r in rows) == [1] * (N - 1) + [2], rows


@harness.nostart
def test_mail_server_stalls_after_data_past_the_timeout(d):
    with FaultSmtp() as srv:
        start(d, srv)
        _, mark, log = burst(d, srv, (6, "DOT", "stall", None))
        rows = catch_error(d, "the stalled message pending with its error")
        err = rows[0]["last_error"]
        assert err.startswith("no answer from the server within %d s during "
                              "DATA, before the server accepted the message "
                              "(smtp.timeout)" % TIMEOUT), err
        check_rest_waits(d, rows[0], 6)
        d.wait_log("message %d not sent, will retry: %s" % (rows[0]["id"],
                                                            err), after=log)
        rows = all_sent_once(d, srv, mark)
        assert sorted(r["attempts"] for r in rows) == [1] * (N - 1) + [2], rows


@harness.nostart
def test_mail_server_never_greets(d):
    with FaultSmtp() as srv:
        start(d, srv)
        setup(d)
        eid = event(d, "Lotgenotengroep", day(20))
        srv.stall_greeting = True
        log = d.log_offset()
        t0 = time.monotonic()
        _bulk(d, eid, 3)
        rows = wait_until("an error after the time-out", lambda: [
            r for r in outbox(d) if r["last_error"] and
            not r["last_error"].startswith("not tried")], timeout=15)
        assert time.monotonic() - t0 < TIMEOUT + 8
        err = rows[0]["last_error"]
        assert err.startswith("no answer from the server within %d s before "
                              "its greeting (smtp.timeout)" % TIMEOUT), err
        assert not outbox(d, "failed")
        d.wait_log("not sent, will retry: %s" % err, after=log)
        srv.stall_greeting = False
        got = srv.wait_for(3, timeout=20)
        wait_until("all sent", lambda: all(
            r["status"] == "sent" for r in outbox(d)), timeout=20)
        time.sleep(0.5)
        assert len(srv.messages()) == 3 and \
            len({m.message_id for m in got}) == 3, srv.messages()
        # SIGTERM while the server stalls: the daemon stops within the
        # time-out and the message stays pending, to go after a restart.
        srv.stall_greeting = True
        stalls = srv.events.count((0, "GREETING", "stall"))
        _bulk_one(d, eid, "laat@example.org")
        wait_until("a stalled connection", lambda: srv.events.count(
            (0, "GREETING", "stall")) > stalls)
        t0 = time.monotonic()
        d.stop(timeout=TIMEOUT + 10)
        assert time.monotonic() - t0 < TIMEOUT + 3
        assert d.sqlite("SELECT status, attempts FROM outbox WHERE "
                        "recipient = 'laat@example.org'") == [("pending", 1)]
        srv.stall_greeting = False
        d.start()
        got = srv.wait_for(4, timeout=15)
        assert [m.rcpts for m in got[3:]] == [["laat@example.org"]], got


@harness.nostart
def test_mail_550_quoting_the_address_leaves_no_address_in_log_or_outbox(d):
    """A permanent refusal names the address, as servers do; neither the
    daemon's log nor the outbox row keeps it (an erased person must leave
    no trace), while the reply itself is still said."""
    with FaultSmtp() as srv:
        start(d, srv)
        _, mark, log = burst(
            d, srv, (4, "RCPT", "reply",
                     "550 5.1.1 <burst003@example.org>: Recipient address "
                     "rejected: User unknown in virtual mailbox table"))
        def failed():
            rows = [r for r in changes(d) if r["status"] == "failed"]
            return rows or None
        rows = wait_until("the refused message failed", failed, timeout=30)
        assert len(rows) == 1, rows
        assert rows[0]["last_error"].startswith("550 5.1.1 <<address>>: "
                                                "Recipient address rejected")
        d.wait_log("message %d refused: 550 5.1.1 <<address>>" %
                   rows[0]["id"], after=log)
        assert "@example.org" not in d.stderr()[log:], d.stderr()[log:]
        status, body = api(d, "GET", "outbox?status=failed")
        assert "burst003@" not in repr([r.get("last_error") for r in body])

"""Bounds on the work one request can cause: a VTIMEZONE with a rule no
real zone has (FREQ=SECONDLY, MINUTELY, HOURLY, a year 1) is refused at
once, naming the zone, while other requests keep being answered; series
are bounded (COUNT at most 5000, at most 5000 occurrences up to UNTIL or,
open-ended, within the booking horizon) through `event add --repeat`,
`book --repeat` and import alike; and SIGTERM ends the daemon within a
few seconds whatever it is doing.

The time limits here are generous on purpose (the machines are shared
and noisy): they tell a refusal from the endless expansion the bad files
used to cause, not how fast the daemon is.
"""

import json
import os
import signal
import socket
import subprocess
import threading
import time

import harness
from harness import EX_DATAERR

ORG_GROUP = "lotgenoten-zuidoost"


def crlf(text):
    return text.replace("\n", "\r\n")


def write(d, name, text):
    path = os.path.join(d.dir, name)
    with open(path, "wb") as fp:
        fp.write(crlf(text).encode())
    return path


def zone(freq, start="16010101T020000", extra=""):
    """A VTIMEZONE whose DAYLIGHT part repeats with freq."""
    return """BEGIN:VTIMEZONE
TZID:Evil Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:%s
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=%s%s
END:DAYLIGHT
END:VTIMEZONE
""" % (start, freq, extra)


def plan(vtimezone="", tzid="Evil Standard Time", rrule=None,
         uid="reeks@limits.example"):
    ev = """BEGIN:VEVENT
UID:%s
DTSTAMP:20261101T120000Z
SUMMARY:Lotgenotengroep
DTSTART;TZID=%s:20270309T190000
DTEND;TZID=%s:20270309T210000
""" % (uid, tzid, tzid)
    if rrule:
        ev += "RRULE:%s\n" % rrule
    return ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//limits//NL\n" +
            vtimezone + ev + "END:VEVENT\nEND:VCALENDAR\n")


def organizer(d):
    d.cli("group", "add", ORG_GROUP, "--name", "Lotgenoten Zuidoost",
          check=True)
    return d.cli("token", "create", "--role", "organizer", "--group",
                 ORG_GROUP, "--name", "org", check=True).out.strip()


def timed_import(d, path, token=None, timeout=60):
    """herstelctl import, with a time limit of its own: (Result, seconds)."""
    argv = [d.herstelctl]
    if token:
        argv += ["--url", "http://127.0.0.1:%d" % d.port, "--token", token]
    else:
        argv += ["--socket", d.socket]
    argv += ["import", path]
    t0 = time.monotonic()
    try:
        r = harness.run(argv, cwd=d.dir, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("import still running after %d s" % timeout)
    return r, time.monotonic() - t0


BAD_ZONES = [
    # (VTIMEZONE, what the one line says)
    (zone("SECONDLY"), "repeats SECONDLY"),
    (zone("MINUTELY"), "repeats MINUTELY"),
    (zone("HOURLY"), "repeats HOURLY"),
    (zone("DAILY"), "repeats DAILY"),
    (zone("YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU"), "more than 100000 times"),
    (zone("YEARLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11"), "BYHOUR"),
    (zone("YEARLY;BYMONTH=3;BYDAY=-1SU", start="00010101T020000"),
     "the year 1;"),
    (zone("YEARLY;BYMONTH=3;BYDAY=-1SU", start="99990101T020000"),
     "the year 9999"),
]


def test_vtimezone_rules_no_real_zone_has_are_refused_at_once(d):
    org = organizer(d)
    for vtz, says in BAD_ZONES:
        path = write(d, "zone.ics", plan(vtz))
        before = d.dump()
        r, took = timed_import(d, path, token=org)
        assert r.rc == EX_DATAERR, (says, r)
        assert len(r.err_lines()) == 1, r
        assert says in r.err and "Evil Standard Time" in r.err, (says, r)
        assert "line 4:" in r.err, r         # the VTIMEZONE's BEGIN
        assert took < 15, "%s took %.1f s" % (says, took)
        assert d.dump() == before, "the database changed: %r" % (r,)
    d.stop()


def test_other_requests_are_answered_while_bad_zones_come_in(d):
    org = organizer(d)
    path = write(d, "zone.ics", plan(zone("SECONDLY")))
    results = []

    def importer():
        for _ in range(3):
            results.append(timed_import(d, path, token=org, timeout=20)[0])

    t = threading.Thread(target=importer)
    t.start()
    t0 = time.monotonic()
    while t.is_alive() and time.monotonic() - t0 < 20:
        q0 = time.monotonic()
        d.cli("--json", "event", "list", check=True)
        assert time.monotonic() - q0 < 10, "a listing waited for the import"
    t.join(30)
    assert not t.is_alive(), "the imports did not finish"
    assert [r.rc for r in results] == [EX_DATAERR] * 3, results
    # A real Outlook zone still comes in.
    good = zone("YEARLY;BYDAY=-1SU;BYMONTH=3")
    r, took = timed_import(d, write(d, "good.ics", plan(good)), token=org)
    assert r.rc == 0 and r.out == "1 added, 0 updated, 0 unchanged\n", r
    assert took < 15, took


def test_a_content_line_over_1_mib_is_refused_quickly(d):
    # libical reads one long line in time that grows with its square: a
    # single 10 MiB line took it more than half a minute.
    text = plan(tzid="Europe/Amsterdam").replace(
        "SUMMARY:", "X-PADDING:" + "x" * (2 * 1024 * 1024) + "\nSUMMARY:")
    path = write(d, "long.ics", text)
    before = d.dump()
    r, took = timed_import(d, path)
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "line 7:" in r.err and "longer than 1 MiB" in r.err, r
    assert took < 15, took
    assert d.dump() == before



def fold(line):
    """An RFC 5545 content line folded at 75 octets."""
    parts = [line[:75]]
    parts += [" " + line[i:i + 74] for i in range(75, len(line), 74)]
    return "\n".join(parts)


def with_description(value, folded=True, extra=""):
    line = "DESCRIPTION:" + value
    return plan(tzid="Europe/Amsterdam").replace(
        "SUMMARY:", extra + (fold(line) if folded else line) + "\nSUMMARY:")


def test_a_huge_description_is_refused_before_the_file_is_sent(d):
    # 9.9 MB, one folded DESCRIPTION: herstelctl stops at the line that
    # passes the 1 MiB cap, before it encodes and sends the file.
    path = write(d, "huge.ics", with_description("x" * 9700000))
    assert os.path.getsize(path) > 9900000
    before = d.dump()
    r, took = timed_import(d, path)
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert r.err == ("herstelctl: import: %s: line 7: a content line longer "
                     "than 1 MiB (an attachment?): leave it out of the "
                     "file\n" % path), r
    assert took < 15, took
    assert d.dump() == before


def test_an_over_long_event_text_is_refused_by_its_line(d):
    # Under the line cap, but far past DESCRIPTION's 10000 characters:
    # refused by herstelctl with the daemon's own words, and by the
    # daemon for any other client before libical reads the file.
    text = with_description("\u00e9" * 300000)
    path = write(d, "long.ics", text)
    before = d.dump()
    r, _ = timed_import(d, path)
    says = "line 7: DESCRIPTION is too long: 300000 characters, at most 10000"
    assert r.rc == EX_DATAERR and r.err == (
        "herstelctl: import: %s: %s\n" % (path, says)), r
    status, _, body = d.api_socket(
        "POST", "/api/v1/import", json.dumps({"ics": crlf(text)}).encode(),
        {"Content-Type": "application/json"})
    assert status == 422, (status, body)
    err = json.loads(body)["error"]
    assert err["message"] == says and err["details"] == {"line": 7}, err
    # SUMMARY and LOCATION alike, wherever the event's lines are.
    for prop, cap, line in (("SUMMARY", 200, 9), ("LOCATION", 500, 10)):
        t = plan(tzid="Europe/Amsterdam").replace(
            "SUMMARY:Lotgenotengroep\n", "SUMMARY:Lotgenotengroep\n"
            if prop != "SUMMARY" else "").replace(
            "END:VEVENT", fold(prop + ":" + "y" * 40000) + "\nEND:VEVENT")
        r, _ = timed_import(d, write(d, prop + ".ics", t))
        assert r.rc == EX_DATAERR and r.err.endswith(
            ": line %d: %s is too long: 40000 characters, at most %d\n"
            % (line, prop, cap)), r
    assert d.dump() == before


def test_texts_at_their_caps_still_come_in(d):
    # A cancelled event's DESCRIPTION holds "Afgelast: REASON", a blank
    # line and the description: 10512 characters at most, all accepted;
    # escapes (\, is one comma) count once.
    desc = "Afgelast: " + "r" * 500 + "\\n\\n" + "a\\," * 5000
    text = with_description(desc, extra="STATUS:CANCELLED\n")
    r, _ = timed_import(d, write(d, "cap.ics", text))
    assert r.rc == 0 and r.out == "1 added, 0 updated, 0 unchanged\n", r
    row = d.sqlite("SELECT description, cancel_reason FROM event")
    assert row == [("a," * 5000, "r" * 500)], row


# ---- series: at most 5000 occurrences ----

EVENT = ["event", "add", "--kind", "overig", "--title", "Inloop",
         "--start", "2026-12-03 19:00", "--duration", "1h"]

SERIES_CASES = [
    # (rule, what the one line says)
    ("FREQ=DAILY;COUNT=2147483647", "COUNT=2147483647 is more than 5000"),
    ("FREQ=DAILY;COUNT=99999999999", "is more than 5000"),
    ("FREQ=DAILY;COUNT=5001", "COUNT=5001 is more than 5000"),
    ("FREQ=DAILY;UNTIL=22001231T000000Z", "more than 5000 occurrences"),
    ("FREQ=HOURLY", "more than 5000 occurrences before"),
]


def refused(d, args, says, token=None):
    before = d.dump()
    t0 = time.monotonic()
    r = d.cli(*args, token=token)
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert says in r.err, (says, r)
    assert time.monotonic() - t0 < 5, r
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def test_series_over_5000_occurrences_are_refused_by_event_add(d):
    for rule, says in SERIES_CASES:
        refused(d, EVENT + ["--repeat", rule], says)
    # Within the limits: COUNT=5000, and daily without end (730 days
    # to the booking horizon).
    d.cli(*EVENT, "--repeat", "FREQ=DAILY;COUNT=5000", check=True)
    d.cli(*EVENT, "--repeat", "FREQ=DAILY", check=True)


def test_series_over_5000_occurrences_are_refused_by_book(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-2", "--name", "Zaal 2",
          "--capacity", "12", check=True)
    book = ["book", "herstelhuis/zaal-2", "--start", "2026-12-03 09:00",
            "--duration", "1h"]
    for rule, says in SERIES_CASES:
        refused(d, book + ["--repeat", rule], says)
    d.cli(*book, "--repeat", "FREQ=DAILY", check=True)


def test_series_over_5000_occurrences_are_refused_by_import(d):
    org = organizer(d)
    for rule, says in SERIES_CASES:
        path = write(d, "series.ics", plan(tzid="Europe/Amsterdam",
                                           rrule=rule))
        before = d.dump()
        r, took = timed_import(d, path, token=org)
        assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
        assert "line 10:" in r.err and says.replace("--repeat", "RRULE") \
            in r.err, (says, r)
        assert took < 20, took
        assert d.dump() == before


# ---- SIGTERM ends the daemon whatever it is doing ----

class SilentSmtp:
    """An SMTP server that greets, answers EHLO and then never says
    another word: the daemon's mail delivery waits 30 s for an answer."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.silent = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._talk, args=(c,), daemon=True).start()

    def _talk(self, c):
        # Greet and answer EHLO (curl's connect phase has its own 10 s
        # limit), then keep silent from MAIL FROM on.
        try:
            c.sendall(b"220 silent.example.org ESMTP\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = c.recv(1024)
                if not chunk:
                    return
                data += chunk
            c.sendall(b"250 silent.example.org\r\n")
            self.silent = True
        except OSError:
            return

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


@harness.nostart
def test_sigterm_ends_the_daemon_within_seconds_whatever_it_is_doing(d):
    smtp = SilentSmtp()
    try:
        d.rewrite_config(d.config_text(smtp='{ url = "smtp://127.0.0.1:%d"; '
                                       'from = "noreply@example.org"; }'
                                       % smtp.port))
        d.start()
        eid = d.cli("event", "add", "--kind", "overig", "--title", "Inloop",
                    "--start", "2026-12-03 19:00", "--duration", "1h",
                    "--place", "Buurthuis", check=True).out.strip()
        who = d.cli("participant", "add", "--email", "fatima@example.org",
                    check=True).out.strip()
        d.cli("register", eid, who, check=True)
        # The confirmation is being delivered to a server that is silent.
        t0 = time.monotonic()
        while not smtp.silent and time.monotonic() - t0 < 10:
            time.sleep(0.1)
        assert smtp.silent, "the daemon did not try to deliver the mail"
        time.sleep(0.5)
        t0 = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        try:
            rc = d.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            raise AssertionError("hersteld did not stop within 20 s")
        took = time.monotonic() - t0
        d.proc = None
        assert rc == 0, d.stderr()
        assert took < 15, "stopping took %.1f s" % took
        assert "exiting without it" in d.stderr(), d.stderr_tail()
        d.assert_clean()
        # Nothing was lost: the message is still to be sent.
        rows = d.sqlite("SELECT status FROM outbox")
        assert rows and all(r[0] != "sent" for r in rows), rows
    finally:
        smtp.close()

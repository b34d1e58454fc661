"""The mail side (issue 5), end to end with a real SMTP server on loopback
(Debian's python3-aiosmtpd, see smtpsink.py), messages read with Python's
email package and calendar parts with python3-icalendar:

- every kind of message (confirmation, waiting list, promotion, change,
  cancellation, follow-up, announcement, booking) reaches the right
  recipient with the right headers, in Dutch and in English, with an iMIP
  part (REQUEST / CANCEL, bumped SEQUENCE) where there should be one;
- no outside text can add a header or a recipient (a title with CR/LF);
- delivery: SMTP down during a burst, 451 for a while, 550 for one
  recipient (failed, then `outbox retry`), SIGKILL in the middle of a burst
  (nothing lost, duplicates only for messages caught in flight: counted),
  SIGTERM in the middle of a burst (every message sent is recorded, the
  rest goes out once after the restart);
- quiet hours, with the daemon's clock moved by libfaketime;
- privacy: `participant forget` leaves no trace in the database files, the
  anonymous group's attendees are counts only, follow-ups one per person,
  the one-click unsubscribe link, the personal feed behind its token;
- bad input is refused with the sysexits code and changes nothing.

Dates are computed from today (Europe/Amsterdam) so that reminders lie in
the future; tests that need a given clock run the daemon under faketime.
Participants who should get mail at once are given --quiet none where
their mail would otherwise wait out quiet hours (the test may run at night).
"""

import datetime
import email.utils
import json
import os
import re
import signal
import tempfile
import time
import zoneinfo

import harness
from harness import EX_DATAERR, EX_NOPERM, EX_USAGE, outbox_settled, \
    wait_until

EX_NOINPUT = 66
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc

ROOM = "herstelhuis/zaal-1"
GROUP = "lotgenoten"
GROUP_ADDR = "lotgenoten@example.org"
FROM = "noreply@example.org"


# ---- helpers ----

def ical():
    import icalendar
    return icalendar


def day(n, hhmm="19:00"):
    """Today + n days in Amsterdam, as "YYYY-MM-DD HH:MM"."""
    d = harness.now(AMS).date() + datetime.timedelta(days=n)
    return "%s %s" % (d.isoformat(), hhmm)


def ams(text):
    """"YYYY-MM-DD HH:MM" in Amsterdam as an aware datetime."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(
        tzinfo=AMS)


def start_with_sink(d, sink, **conf):
    """Point the (not yet started) daemon at sink and start it."""
    d.rewrite_config(d.config_text(smtp=sink.config(), **conf))
    d.start()
    return d


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Bijlmerplein 1", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    d.cli("room", "add", "herstelhuis/stilte", "--name", "Stilteruimte",
          "--capacity", "10", "--needs-approval", check=True)
    d.cli("group", "add", GROUP, "--name", "Lotgenoten Zuidoost",
          "--kind", "steungroep", "--email", GROUP_ADDR, check=True)


def event(d, title="Lotgenotengroep", start=None, *args, token=None):
    start = start or day(20)
    if "--room" not in args and "--place" not in args:
        args = ("--room", ROOM) + tuple(args)
    if "--group" not in args:
        args = ("--group", GROUP) + tuple(args)
    r = d.cli("event", "add", "--kind", "steungroep", "--title", title,
              "--start", start, "--duration", "2h", *args, token=token,
              check=True)
    return int(r.out.strip())


def participant(d, email, *args):
    r = d.cli("participant", "add", "--email", email, *args, check=True)
    return int(r.out.strip())


def register(d, eid, who, *args):
    return d.cli("register", str(eid), str(who), *args, check=True).out.strip()


def outbox(d, status=None):
    args = ["--json", "outbox", "list", "--limit", "10000"]
    if status:
        args += ["--status", status]
    return d.cli(*args, check=True).json()


def addresses(msg, header):
    return [a for _, a in email.utils.getaddresses(msg.get_all(header, []))]


def check_envelope(m, to, reply_to=GROUP_ADDR, unsubscribe=True, now=None):
    """The headers every message carries, and no other recipient.  now:
    the daemon's clock when it sent m (under faketime)."""
    msg = m.msg
    assert [r.lower() for r in m.rcpts] == [to.lower()], m.rcpts
    assert m.mail_from.lower().endswith(FROM), m.mail_from
    assert addresses(msg, "From") == [FROM], msg["From"]
    assert msg["From"].addresses[0].display_name == "Herstelhuis"
    assert addresses(msg, "To") == [to], msg["To"]
    for h in ("Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"):
        assert msg[h] is None, (h, msg[h])
    if reply_to:
        assert addresses(msg, "Reply-To") == [reply_to], msg["Reply-To"]
    for h in ("Date", "Message-ID", "Subject", "From", "To", "MIME-Version"):
        assert len(msg.get_all(h, [])) == 1, (h, msg.get_all(h))
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", msg["Message-ID"]), \
        msg["Message-ID"]
    date = email.utils.parsedate_to_datetime(msg["Date"])
    now = now or harness.now(UTC)
    assert abs((date - now).total_seconds()) < 600, (msg["Date"], now)
    assert msg["Auto-Submitted"] == "auto-generated"
    # The raw header is RFC 2047 (7-bit); the parsed one is the text.
    raw_head = m.data.split(b"\r\n\r\n", 1)[0]
    assert all(b < 0x80 for b in raw_head), raw_head
    assert b"\n" not in m.data.replace(b"\r\n", b""), "bare LF in the message"
    if unsubscribe:
        lu = msg["List-Unsubscribe"]
        assert re.fullmatch(r"<http://localhost:\d+/unsubscribe/[0-9a-f]{32,}>",
                            lu), lu
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return msg


def calendar(m, method):
    """The text/calendar part of m, parsed: METHOD method, one VEVENT."""
    param, raw = m.calendar()
    assert param is not None, "no text/calendar part in %r" % m
    assert param.upper() == method, (param, method)
    cal = ical().Calendar.from_ical(raw)
    assert str(cal.get("method")) == method, cal.get("method")
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1, events
    return events[0]


def unsub_path(m):
    return re.search(r"/unsubscribe/[0-9a-f]+", m.msg["List-Unsubscribe"]).group(0)


def refused(d, args, code, says=None, token=None):
    """args is refused with code and one line on stderr; nothing changes
    in the database and no mail is queued."""
    before = d.dump()
    r = d.cli(*args, token=token)
    assert r.rc == code, r
    lines = r.err_lines()
    assert len(lines) == 1 and lines[0].startswith("herstelctl: "), r
    if says is not None:
        assert says in lines[0], (says, r)
    assert r.out == "", r
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def api(d, method, path, body=None):
    status, _, data = d.api_socket(method, "/api/v1/" + path, body)
    return status, (json.loads(data) if data else None)


# ---- every kind of message ----

@harness.nostart
def test_mail_confirmation_dutch_and_english_headers_and_ics(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        start = day(20)
        eid = event(d, "Lotgenotengroep \u00e9\u00e9n", start)
        uid = d.cli("--json", "event", "show", str(eid), check=True).json()["uid"]
        fa = participant(d, "fatima@example.org", "--name", "Fatima El Amrani")
        jo = participant(d, "john@example.org", "--name", "John", "--lang", "en")
        # A display name that looks like more addresses stays one name.
        co = participant(d, "comma@example.org", "--name",
                         'El Amrani, Fatima "F" <evil@example.org>')
        for p in (fa, jo, co):
            assert register(d, eid, p) == "registered"
        msgs = sink.wait_for(3)
        time.sleep(1.0)
        assert sink.count() == 3, sink.messages()
        by = {m.rcpts[0]: m for m in sink.messages()}
        assert sorted(by) == ["comma@example.org", "fatima@example.org",
                              "john@example.org"], by

        nl = check_envelope(by["fatima@example.org"], "fatima@example.org")
        assert nl["To"].addresses[0].display_name == "Fatima El Amrani"
        assert nl["Subject"].startswith(
            "Aangemeld: Lotgenotengroep \u00e9\u00e9n \u2014 "), nl["Subject"]
        text = by["fatima@example.org"].text()
        assert "Beste Fatima El Amrani," in text, text
        assert "Je bent aangemeld voor deze bijeenkomst." in text, text
        assert "Herstelhuis Zuidoost" in text and "Grote zaal" in text, text
        assert "Afmelden: http://localhost:" in text, text
        assert nl.get_content_type() == "multipart/alternative"
        ve = calendar(by["fatima@example.org"], "REQUEST")
        assert str(ve["uid"]) == uid
        assert ve.decoded("dtstart") == ams(start)
        assert ve.decoded("dtend") == ams(start) + datetime.timedelta(hours=2)
        assert str(ve["summary"]) == "Lotgenotengroep \u00e9\u00e9n"
        assert "ATTENDEE" not in str(ve.to_ical(), "utf-8") or \
            "john@example.org" not in str(ve.to_ical(), "utf-8")

        en = check_envelope(by["john@example.org"], "john@example.org")
        assert en["Subject"].startswith("Registered: Lotgenotengroep"), \
            en["Subject"]
        text = by["john@example.org"].text()
        assert "Dear John," in text and \
            "You are registered for this session." in text, text
        assert "Unsubscribe: http://localhost:" in text, text
        assert calendar(by["john@example.org"], "REQUEST").decoded(
            "dtstart") == ams(start)

        co_msg = check_envelope(by["comma@example.org"], "comma@example.org")
        assert co_msg["To"].addresses[0].display_name.startswith("El Amrani")

        # Unique Message-IDs; unsubscribe links differ per person.
        ids = [m.message_id for m in msgs]
        assert len(set(ids)) == len(ids), ids
        assert len({unsub_path(m) for m in msgs}) == 3
        rows = outbox(d, "sent")
        assert sorted(r["recipient"] for r in rows
                      if r["kind"] == "confirmation") == sorted(by)
        # Reminders for the default leads (7d, 1d) are planned, not sent.
        rem = [r for r in outbox(d, "pending") if r["kind"] == "reminder"]
        assert len(rem) == 6, rem
        dues = sorted({datetime.datetime.fromisoformat(r["due"]) for r in rem})
        assert dues == [ams(start) - datetime.timedelta(days=7),
                        ams(start) - datetime.timedelta(days=1)], dues


@harness.nostart
def test_mail_change_and_cancellation_carry_imip_with_bumped_sequence(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        start, moved = day(20), day(21, "18:30")
        eid = event(d, "Themabijeenkomst herstel", start)
        fa = participant(d, "fatima@example.org", "--name", "Fatima")
        jo = participant(d, "john@example.org", "--lang", "en")
        register(d, eid, fa)
        register(d, eid, jo)
        sink.wait_for(2)
        seq0 = calendar(sink.to("fatima@example.org")[0], "REQUEST")["sequence"]

        d.cli("event", "edit", str(eid), "--start", moved, "--duration", "2h",
              check=True)
        got = sink.wait_for(2, pred=lambda m: "Gewijzigd" in m.msg["Subject"]
                            or "Changed" in m.msg["Subject"])
        by = {m.rcpts[0]: m for m in got}
        assert sorted(by) == ["fatima@example.org", "john@example.org"]
        nl = check_envelope(by["fatima@example.org"], "fatima@example.org")
        assert nl["Subject"].startswith("Gewijzigd: Themabijeenkomst herstel")
        text = by["fatima@example.org"].text()
        assert "De tijd is veranderd." in text, text
        ve = calendar(by["fatima@example.org"], "REQUEST")
        assert ve.decoded("dtstart") == ams(moved)
        seq1 = int(ve["sequence"])
        assert seq1 > int(seq0), (seq0, seq1)
        en = check_envelope(by["john@example.org"], "john@example.org")
        assert en["Subject"].startswith("Changed: "), en["Subject"]
        assert "The time has changed." in by["john@example.org"].text()
        assert int(calendar(by["john@example.org"], "REQUEST")["sequence"]) \
            == seq1
        # The reminders moved with the event (no reminder for the old time).
        rem = [datetime.datetime.fromisoformat(r["due"])
               for r in outbox(d, "pending") if r["kind"] == "reminder"]
        assert sorted(set(rem)) == [ams(moved) - datetime.timedelta(days=7),
                                    ams(moved) - datetime.timedelta(days=1)], rem
        assert len(rem) == 4, rem

        d.cli("event", "cancel", str(eid), "--reason", "Ziekte", check=True)
        got = sink.wait_for(2, pred=lambda m: "Afgelast" in m.msg["Subject"]
                            or "Cancelled" in m.msg["Subject"])
        by = {m.rcpts[0]: m for m in got}
        check_envelope(by["fatima@example.org"], "fatima@example.org")
        text = by["fatima@example.org"].text()
        assert "Deze bijeenkomst gaat niet door." in text and \
            "Reden: Ziekte" in text, text
        ve = calendar(by["fatima@example.org"], "CANCEL")
        assert int(ve["sequence"]) > seq1, (seq1, ve["sequence"])
        assert str(ve.get("status", "CANCELLED")) == "CANCELLED"
        assert "This session will not take place." in \
            by["john@example.org"].text()
        calendar(by["john@example.org"], "CANCEL")
        # No reminders left for a cancelled event, nothing sent twice.
        assert [r for r in outbox(d, "pending") if r["kind"] == "reminder"] == []
        time.sleep(1.0)
        ids = [m.message_id for m in sink.messages()]
        assert len(ids) == 6 and len(set(ids)) == 6, ids


@harness.nostart
def test_mail_cancelled_occurrence_of_a_series(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        first = day(14)
        eid = event(d, "Wekelijkse groep", first, "--repeat",
                    "FREQ=WEEKLY;COUNT=4")
        uid = d.cli("--json", "event", "show", str(eid), check=True).json()["uid"]
        fa = participant(d, "fatima@example.org", "--remind", "1d")
        register(d, eid, fa)
        conf = sink.wait_for(1)[0]
        assert calendar(conf, "REQUEST").get("rrule") is not None
        second = ams(first) + datetime.timedelta(days=7)
        pending = [r for r in outbox(d, "pending") if r["kind"] == "reminder"]
        assert len(pending) == 4, pending
        d.cli("event", "cancel", str(eid), "--occurrence",
              second.date().isoformat(), check=True)
        m = sink.wait_for(2)[1]
        check_envelope(m, "fatima@example.org")
        kinds = [r["kind"] for r in outbox(d, "sent")]
        assert "cancellation" in kinds, \
            "cancelling one occurrence sent %r, not a cancellation:\n%s" % (
                kinds, m.text())
        assert m.msg["Subject"].startswith("Afgelast: "), m.msg["Subject"]
        assert "Deze bijeenkomst gaat niet door." in m.text(), m.text()
        assert str(second.day) in m.msg["Subject"], m.msg["Subject"]
        ve = calendar(m, "CANCEL")
        assert str(ve["uid"]) == uid
        assert ve.decoded("recurrence-id") == second, ve.get("recurrence-id")
        assert int(ve["sequence"]) >= int(calendar(conf, "REQUEST")["sequence"])
        # Only that occurrence's reminder is gone.
        pending = [datetime.datetime.fromisoformat(r["due"])
                   for r in outbox(d, "pending") if r["kind"] == "reminder"]
        assert len(pending) == 3, pending
        assert second - datetime.timedelta(days=1) not in pending, pending


@harness.nostart
def test_mail_waiting_list_promotion(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        eid = event(d, "Kleine groep", day(20), "--capacity", "1")
        a = participant(d, "anna@example.org", "--name", "Anna")
        b = participant(d, "bram@example.org", "--name", "Bram")
        assert register(d, eid, a) == "registered"
        assert register(d, eid, b) == "full: on the waiting list"
        sink.wait_for(2)
        wl = sink.to("bram@example.org")
        assert len(wl) == 1
        check_envelope(wl[0], "bram@example.org")
        assert wl[0].msg["Subject"].startswith("Wachtlijst: Kleine groep"), \
            wl[0].msg["Subject"]
        assert "Je staat op de wachtlijst" in wl[0].text(), wl[0].text()
        # No reminders for someone on the waiting list.
        assert not [r for r in outbox(d, "pending")
                    if r["recipient"] == "bram@example.org"]
        att = d.cli("--json", "attendees", str(eid), check=True).json()
        assert (att["going"], att["waitlist"], att["capacity"]) == (1, 1, 1)

        d.cli("unregister", str(eid), str(a), check=True)
        got = sink.wait_for(1, pred=lambda m: m.rcpts == ["bram@example.org"]
                            and "Er is plek" in m.msg["Subject"])
        check_envelope(got[0], "bram@example.org")
        assert "Er is een plek vrijgekomen." in got[0].text(), got[0].text()
        calendar(got[0], "REQUEST")
        att = d.cli("--json", "attendees", str(eid), check=True).json()
        assert (att["going"], att["waitlist"]) == (1, 0), att
        assert [(x["email"], x["status"]) for x in att["attendees"]] == \
            [("bram@example.org", "going")], att
        # Bram now has the reminders, Anna's are gone.
        pend = outbox(d, "pending")
        assert {r["recipient"] for r in pend if r["kind"] == "reminder"} == \
            {"bram@example.org"}, pend
        # Anna: her confirmation, and that she is no longer registered,
        # taking the session from her calendar.
        gone = sink.wait_for(1, pred=lambda m: m.rcpts == [
            "anna@example.org"] and "Afgemeld" in m.msg["Subject"])
        check_envelope(gone[0], "anna@example.org")
        assert "Je bent afgemeld voor deze bijeenkomst." in gone[0].text()
        calendar(gone[0], "CANCEL")
        time.sleep(1.0)
        assert sink.count() == 4, sink.messages()
        assert len(sink.to("anna@example.org")) == 2


@harness.nostart
def test_mail_booking_requests_to_the_group_address(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        org = d.cli("token", "create", "--role", "organizer", "--group", GROUP,
                    "--name", "org", check=True).out.strip().splitlines()[0]
        mgr = d.cli("token", "create", "--role", "location-manager",
                    "--location", "herstelhuis", "--name", "beheer",
                    check=True).out.strip().splitlines()[0]
        ids = []
        for n in (10, 17):
            r = d.cli("book", "herstelhuis/stilte", "--start", day(n),
                      "--duration", "2h", "--group", GROUP, "--title",
                      "Stiltemoment", token=org, check=True)
            ids.append(int(r.out.split()[0]))
        got = sink.wait_for(2)
        for m in got:
            check_envelope(m, GROUP_ADDR, reply_to=None, unsubscribe=False)
            assert m.msg["Subject"].startswith("Aanvraag ontvangen: "), \
                m.msg["Subject"]
            assert "Je aanvraag voor een ruimte is ontvangen." in m.text()
        d.cli("booking", "approve", str(ids[0]), token=mgr, check=True)
        m = sink.wait_for(3)[2]
        check_envelope(m, GROUP_ADDR, reply_to=None, unsubscribe=False)
        assert m.msg["Subject"].startswith("Geboekt: "), m.msg["Subject"]
        d.cli("booking", "decline", str(ids[1]), "--reason", "Verbouwing",
              token=mgr, check=True)
        m = sink.wait_for(4)[3]
        check_envelope(m, GROUP_ADDR, reply_to=None, unsubscribe=False)
        assert m.msg["Subject"].startswith("Afgewezen: "), m.msg["Subject"]
        assert "Reden: Verbouwing" in m.text(), m.text()
        # (The sink has a message a moment before the outbox records it.)
        rows = wait_until("all recorded as sent", lambda: [
            r for r in outbox(d)] if all(r["status"] == "sent"
                                         for r in outbox(d)) else None)
        assert [r["kind"] for r in rows] == ["booking"] * 4, rows


@harness.nostart
def test_mail_announcement_to_followers(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        d.cli("group", "add", "noord", "--name", "Ouders Noord", "--email",
              "noord@example.org", check=True)
        fa = participant(d, "fatima@example.org", "--quiet", "none")
        jo = participant(d, "john@example.org", "--quiet", "none",
                         "--lang", "en")
        participant(d, "other@example.org", "--quiet", "none")
        d.cli("participant", "follow", str(fa), GROUP, check=True)
        d.cli("participant", "follow", str(jo), GROUP, check=True)
        d.cli("participant", "follow", "other@example.org", "noord", check=True)
        event(d, "Nieuwe steungroep", day(30))
        got = sink.wait_for(2)
        by = {m.rcpts[0]: m for m in got}
        assert sorted(by) == ["fatima@example.org", "john@example.org"], by
        m = by["fatima@example.org"]
        check_envelope(m, "fatima@example.org")
        assert m.msg["Subject"].startswith("Nieuw: Nieuwe steungroep"), \
            m.msg["Subject"]
        assert "Lotgenoten Zuidoost" in m.text()
        calendar(m, "PUBLISH")
        assert by["john@example.org"].msg["Subject"].startswith("New: ")
        # A proposed event is not announced; publishing it is.
        eid = event(d, "Voorstel", day(31), "--propose")
        time.sleep(1.0)
        assert sink.count() == 2, sink.messages()
        d.cli("event", "publish", str(eid), check=True)
        sink.wait_for(4)
        time.sleep(1.0)
        assert sink.count() == 4, sink.messages()
        assert sink.to("other@example.org") == []
        # A session entered afterwards (it took place three days ago, for
        # the accounts) is news to nobody: no announcement.
        mark = sink.count()
        event(d, "Achteraf ingevoerd", day(-3))
        late = sink.quiet_for(1.5, since=mark)
        assert late == [] and not [r for r in outbox(d, "pending")
                                   if r["kind"] == "announcement"], \
            (late, outbox(d, "pending"))


def test_mail_followup_one_message_per_person():
    """followup only after the session started: the daemon's clock is
    moved past the start with libfaketime."""
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now(AMS).replace(second=0, microsecond=0)
        harness.set_faketime(stamp, now)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            start_with_sink(d, sink)
            setup(d)
            start = (now + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
            eid = event(d, "Lotgenotengroep", start)
            people = ["p%d@example.org" % i for i in range(5)]
            for p in people:
                participant(d, p, "--quiet", "none", "--remind", "none")
                register(d, eid, p)
            participant(d, "later@example.org", "--quiet", "none")
            d.cli("unregister", str(eid), "p4@example.org", check=True)
            sink.wait_for(6)    # five confirmations, p4 unregistered
            notes = os.path.join(tmp, "notes.txt")
            with open(notes, "w") as fp:
                fp.write("Dank voor jullie komst.\nVolgende keer: herstel.\n")
            r = d.cli("followup", str(eid), "--file", notes)
            assert r.rc == EX_DATAERR, r     # not started yet
            # Three hours after the start, daemon time.
            after = now + datetime.timedelta(days=2, hours=3)
            harness.set_faketime(stamp, after)
            d.sighup()
            d.cli("followup", str(eid), "--file", notes, check=True)
            got = sink.wait_for(4, pred=lambda m: "Na afloop" in
                                m.msg["Subject"])
            time.sleep(1.0)
            assert sink.count() == 10, sink.messages()
            assert sorted(m.rcpts[0] for m in got) == people[:4]
            for m in got:
                check_envelope(m, m.rcpts[0], now=after)
                assert "Volgende keer: herstel." in m.text(), m.text()
                assert m.calendar() == (None, None)
                others = [p for p in people + ["later@example.org"]
                          if p != m.rcpts[0]]
                assert not any(o.encode() in m.data for o in others), m.data
            ids = [m.message_id for m in got]
            assert len(set(ids)) == 4
            # A second followup for the same session is not sent twice.
            d.cli("followup", str(eid), "--file", notes)
            time.sleep(1.0)
            assert sink.count() == 10, sink.messages()
            d.stop()


@harness.nostart
def test_mail_title_with_crlf_cannot_add_a_header(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        fa = participant(d, "fatima@example.org", "--quiet", "none")
        d.cli("participant", "follow", str(fa), GROUP, check=True)
        evil = "Sessie\r\nBcc: evil@example.org"
        before = d.dump()
        r = d.cli("event", "add", "--kind", "steungroep", "--title", evil,
                  "--start", day(20), "--duration", "2h", "--room", ROOM,
                  "--group", GROUP)
        if r.rc != 0:
            # Refused: a clear one-line error, nothing written or queued.
            assert r.rc == EX_DATAERR, r
            assert "--title" in r.err and "control character" in r.err, r
            assert d.dump() == before
            # The daemon refuses it too, not only the CLI.
            status, body = api(d, "POST", "events", {
                "kind": "steungroep", "title": evil, "start": day(20),
                "duration": "2h", "room": ROOM, "group": GROUP})
            assert status in (400, 422), (status, body)
            assert d.dump() == before
            eid = event(d, "Sessie", day(20))
        else:
            eid = int(r.out.strip())
        # Other outside text that reaches headers: the participant's name
        # (To), the group's name, the reason of a cancellation.
        status, body = api(d, "POST", "participants", {
            "email": "name@example.org", "name": "Naam\r\nBcc: evil@example.org"})
        if status < 300:
            register(d, eid, "name@example.org")
        register(d, eid, fa)
        d.cli("event", "cancel", str(eid), "--reason",
              "ziek\r\nBcc: evil@example.org")
        time.sleep(1.5)
        for m in sink.messages():
            assert "evil@example.org" not in [x.lower() for x in m.rcpts], m
            assert m.msg["Bcc"] is None, m.data
            head = m.data.split(b"\r\n\r\n", 1)[0]
            assert not re.search(rb"(?im)^bcc:", head), head
        assert sink.to("fatima@example.org"), sink.messages()


# ---- delivery ----

@harness.nostart
def test_mail_smtp_down_during_a_burst_everything_arrives_once(d):
    sink = SmtpSink(start=False)
    try:
        start_with_sink(d, sink)
        setup(d)
        eid = event(d, "Grote bijeenkomst", day(20))
        t0 = time.monotonic()
        people = ["ouder%02d@example.org" % i for i in range(30)]
        for p in people:
            participant(d, p, "--remind", "none")
            register(d, eid, p)
        rows = outbox(d)
        assert len(rows) == 30
        assert all(r["status"] in ("pending", "sending") for r in rows), rows
        time.sleep(max(0.0, 3 - (time.monotonic() - t0)))
        assert any(r["attempts"] >= 1 and r["last_error"]
                   for r in outbox(d, "pending")), outbox(d)
        sink.start()
        got = sink.wait_for(30, timeout=20)
        time.sleep(2.5)
        got = sink.messages()
        ids = [m.message_id for m in got]
        assert len(ids) == 30 and len(set(ids)) == 30, ids
        assert sorted(m.rcpts[0] for m in got) == people
        rows = outbox(d)
        assert all(r["status"] == "sent" for r in rows), rows
        print("smtp down: 30 queued, %d delivered, %d duplicate(s), "
              "up to %d attempts" % (len(set(ids)), len(ids) - len(set(ids)),
                                     max(r["attempts"] for r in rows)))
    finally:
        sink.stop()


@harness.nostart
def test_mail_451_is_retried_until_accepted(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        eid = event(d, "Sessie", day(20))
        # 451 until the test says so, not for a fixed time: registering
        # may take longer than any fixed time (a sanitizer build).
        sink.tempfail_until(time.monotonic() + 3600)
        for i in range(5):
            participant(d, "t%d@example.org" % i, "--remind", "none")
            register(d, eid, "t%d@example.org" % i)
        time.sleep(1.0)
        rows = outbox(d)
        assert sink.count() == 0 and sink.refused > 0
        assert all(r["status"] in ("pending", "sending") for r in rows), rows
        assert any("451" in (r["last_error"] or "") for r in rows), rows
        sink.tempfail_until(time.monotonic())
        got = sink.wait_for(5, timeout=20)
        time.sleep(1.5)
        assert sink.count() == 5, sink.messages()
        assert len({m.message_id for m in got}) == 5
        assert all(r["status"] == "sent" and r["attempts"] >= 2
                   for r in outbox(d)), outbox(d)


@harness.nostart
def test_mail_550_fails_one_message_then_outbox_retry(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        eid = event(d, "Sessie", day(20))
        sink.reject = {"bounce@example.org"}
        for p in ("a@example.org", "bounce@example.org", "b@example.org"):
            participant(d, p, "--remind", "none")
            register(d, eid, p)
        got = sink.wait_for(2)
        failed = wait_until("a failed message", lambda: outbox(d, "failed"))
        assert len(failed) == 1 and failed[0]["recipient"] == \
            "bounce@example.org", failed
        assert "550" in failed[0]["last_error"], failed
        assert failed[0]["attempts"] == 1, failed
        assert sorted(m.rcpts[0] for m in got) == ["a@example.org",
                                                   "b@example.org"]
        # A failed message is not retried by itself.
        time.sleep(2.5)
        assert outbox(d, "failed")[0]["attempts"] == 1
        assert sink.count() == 2
        listing = d.cli("outbox", "list", "--status", "failed", check=True).out
        assert "bounce@example.org" in listing and "550" in listing, listing
        sink.reject = set()
        d.cli("outbox", "retry", str(failed[0]["id"]), check=True)
        m = sink.wait_for(3)[2]
        check_envelope(m, "bounce@example.org")
        row = wait_until("recorded as sent", lambda: [
            r for r in [d.cli("--json", "outbox", "show", str(failed[0]["id"]),
                              check=True).json()] if r["status"] == "sent"])[0]
        assert row["attempts"] >= 1, row
        assert not row["last_error"], row
        time.sleep(1.0)
        assert sink.count() == 3, sink.messages()


def _bulk(d, eid, n):
    """n participants registered for eid over the API (faster than n CLI
    runs); their confirmations go out as they come."""
    for i in range(n):
        status, body = api(d, "POST", "participants", {
            "email": "burst%03d@example.org" % i, "remind": "none",
            "quiet": "none"})
        assert status in (200, 201), (status, body)
        status, body = api(d, "POST", "events/%d/register" % eid,
                           {"participant": "burst%03d@example.org" % i})
        assert status in (200, 201), (status, body)


def _burst_under_way(d, sink, n):
    """n people registered, then one change notice to each queued at once
    and going out slowly; returns the sink's count before the burst, once
    a quarter of it has arrived."""
    start_with_sink(d, sink)
    setup(d)
    eid = event(d, "Grote bijeenkomst", day(20))
    _bulk(d, eid, n)
    sink.wait_for(n, timeout=30)
    outbox_settled(d)
    sink.delay = 0.01
    mark = sink.count()
    d.cli("event", "edit", str(eid), "--start", day(21), "--duration",
          "2h", check=True)
    wait_until("a part of the burst", lambda: sink.count() >= mark + n // 4,
               timeout=20)
    return mark


def _restart_and_send_all(d, sink, n):
    """Start the stopped daemon again; until all n change notices are
    recorded as sent (and a moment for any duplicate to arrive)."""
    sink.delay = 0
    d.start()
    wait_until("every change sent", lambda: dict(d.sqlite(
        "SELECT status, count(*) FROM outbox WHERE kind = 'change' "
        "GROUP BY status")) == {"sent": n}, timeout=30)
    time.sleep(1.0)


@harness.nostart
def test_mail_sigkill_mid_burst_loses_nothing(d):
    n = 200
    with SmtpSink() as sink:
        mark = _burst_under_way(d, sink, n)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        d.proc = None
        at_kill = sink.count() - mark
        states = dict(d.sqlite("SELECT status, count(*) FROM outbox WHERE "
                               "kind = 'change' GROUP BY status"))
        _restart_and_send_all(d, sink, n)
        # A sent message's text is cleared in the outbox, so the
        # Message-IDs are counted on arrival: one change notice per person
        # (one Message-ID each); a duplicate repeats a Message-ID.
        burst = sink.messages()[mark:]
        assert all(m.msg["Subject"].startswith("Gewijzigd: ") for m in burst)
        ids_of = {}
        for m in burst:
            ids_of.setdefault(m.rcpts[0], set()).add(m.message_id)
        people = ["burst%03d@example.org" % i for i in range(n)]
        lost = [p for p in people if p not in ids_of]
        assert all(len(v) == 1 for v in ids_of.values()), \
            "two different messages to one person: %r" % ids_of
        ids = [m.message_id for m in burst]
        dup = len(ids) - len(set(ids))
        print("killed mid-burst: %d queued, %d delivered before the kill "
              "(outbox then %r), %d delivered, %d lost, %d duplicate(s)" %
              (n, at_kill, states, len(set(ids)), len(lost), dup))
        assert not lost, lost
        # At most what was sent and not yet recorded: the sender stays
        # within 64 outcomes of the recording (outbox.c), and one on the
        # wire.
        assert dup <= 65, dup
        assert len({m.message_id for m in sink.messages()[:mark]}) == n


@harness.nostart
def test_mail_sigterm_mid_burst_records_every_message_sent(d):
    """SIGTERM while a burst goes out: the send under way finishes, every
    message the server accepted is recorded as sent, nothing is left
    'sending', and what was not tried goes out once after the restart."""
    n = 200
    with SmtpSink() as sink:
        mark = _burst_under_way(d, sink, n)
        d.stop()
        at_stop = sink.count() - mark
        states = dict(d.sqlite("SELECT status, count(*) FROM outbox WHERE "
                               "kind = 'change' GROUP BY status"))
        assert states == {"sent": at_stop, "pending": n - at_stop}, \
            (states, at_stop)
        waiting = d.sqlite("SELECT count(*) FROM outbox WHERE kind = "
                           "'change' AND last_error = 'not tried: the "
                           "daemon is stopping' AND attempts = 0")[0][0]
        assert 0 < waiting <= n - at_stop, (waiting, states)
        _restart_and_send_all(d, sink, n)
        burst = sink.messages()[mark:]
        ids = [m.message_id for m in burst]
        assert len(ids) == len(set(ids)) == n, (len(ids), len(set(ids)))
        assert sorted(m.rcpts[0] for m in burst) == \
            ["burst%03d@example.org" % i for i in range(n)]
        # Each went once: the claims of what was not tried were undone.
        assert [r[0] for r in d.sqlite(
            "SELECT attempts FROM outbox WHERE kind = 'change'")] == [1] * n


# ---- quiet hours (libfaketime) ----

def test_mail_no_reminder_after_the_session_started():
    """hersteld was down (or SMTP was) until after the session began: the
    reminder for it is no use any more and must not go out late."""
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        clock0 = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=AMS)
        harness.set_faketime(stamp, clock0)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            start_with_sink(d, sink)
            setup(d)
            eid = event(d, "Middaggroep", "2026-12-02 14:00")
            participant(d, "a@example.org", "--remind", "1d,2h",
                        "--quiet", "none")
            register(d, eid, "a@example.org")
            sink.wait_for(1)
            assert len([r for r in outbox(d, "pending")
                        if r["kind"] == "reminder"]) == 2
            d.stop()
            # Down from 12:00 until 15:00 the next day: both reminders
            # (14:00 and 12:00) were missed, the session began at 14:00.
            harness.set_faketime(stamp, datetime.datetime(
                2026, 12, 2, 15, 0, tzinfo=AMS))
            d.start()
            time.sleep(2.0)
            late = [m for m in sink.messages()
                    if m.msg["Subject"].startswith("Herinnering")]
            assert late == [], "a reminder sent an hour after the session " \
                "began: %r (outbox: %r)" % (late, outbox(d))
            d.stop()


def test_mail_quiet_hours_defer_reminders():
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        clock0 = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=AMS)
        harness.set_faketime(stamp, clock0)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            start_with_sink(d, sink)

            def move(to):
                harness.set_faketime(stamp, to)
                d.sighup()

            setup(d)
            # A: reminder at 00:00 falls in quiet hours -> 08:00.
            a = event(d, "Ochtendgroep", "2026-12-02 10:00")
            # B: reminder at 21:30, event at 07:30 before the quiet hours
            # end -> 20:59, just before they start.
            b = event(d, "Vroege groep", "2026-12-02 07:30")
            # C: no quiet hours: at 00:00 exactly.
            c = event(d, "Nachtgroep", "2026-12-02 10:00", "--place", "Online")
            pa = participant(d, "a@example.org", "--remind", "10h",
                             "--quiet", "21:00-08:00")
            pn = participant(d, "n@example.org", "--remind", "10h",
                             "--quiet", "none")
            # 7d before is already past: not queued; 10h is.
            pw = participant(d, "w@example.org", "--remind", "7d,10h",
                             "--quiet", "21:00-08:00")
            register(d, a, pa)
            register(d, b, pa)
            register(d, c, pn)
            register(d, a, pw)
            sink.wait_for(4)   # the confirmations go at once
            rem = {(r["recipient"], r["event"]): r for r in outbox(d, "pending")
                   if r["kind"] == "reminder"}
            assert sorted(rem) == sorted([("a@example.org", a),
                                          ("a@example.org", b),
                                          ("n@example.org", c),
                                          ("w@example.org", a)]), rem
            due = {k: datetime.datetime.fromisoformat(v["due"])
                   for k, v in rem.items()}
            assert rem[("a@example.org", a)]["due"] == \
                "2026-12-02T08:00:00+01:00", rem
            assert rem[("a@example.org", b)]["due"] == \
                "2026-12-01T20:59:00+01:00", rem
            assert rem[("n@example.org", c)]["due"] == \
                "2026-12-02T00:00:00+01:00", rem
            assert rem[("w@example.org", a)]["due"] == \
                "2026-12-02T08:00:00+01:00", rem

            def reminders():
                return [m for m in sink.messages()
                        if m.msg["Subject"].startswith("Herinnering")]

            # 20:58:55: nothing yet; the 20:59 reminder comes 5 s later.
            move(datetime.datetime(2026, 12, 1, 20, 58, 55, tzinfo=AMS))
            time.sleep(2.5)
            assert reminders() == [], reminders()
            got = wait_until("the 20:59 reminder", reminders, timeout=10)
            assert len(got) == 1 and got[0].rcpts == ["a@example.org"], got
            sent_at = email.utils.parsedate_to_datetime(got[0].msg["Date"])
            assert sent_at >= due[("a@example.org", b)], got[0].msg["Date"]
            assert "Vroege groep" in got[0].msg["Subject"]

            # 23:59:57: the no-quiet-hours reminder at 00:00, not the others.
            move(datetime.datetime(2026, 12, 1, 23, 59, 57, tzinfo=AMS))
            got = wait_until("the 00:00 reminder",
                             lambda: len(reminders()) >= 2 and reminders(),
                             timeout=10)
            assert got[1].rcpts == ["n@example.org"], got
            # A confirmation in quiet hours still goes at once; its
            # reminder (10h before 10:00) is already past: not queued.
            register(d, c, pa)
            wait_until("confirmation at night", lambda: sink.to(
                "a@example.org")[-1].msg["Subject"].startswith("Aangemeld: Nacht"))
            r = [r for r in outbox(d, "pending") if r["event"] == c]
            assert r == [], r
            time.sleep(1.0)
            assert len(reminders()) == 2, reminders()
            # 07:59:56: the deferred ones at 08:00.
            move(datetime.datetime(2026, 12, 2, 7, 59, 56, tzinfo=AMS))
            time.sleep(2.0)
            assert len(reminders()) == 2, reminders()
            got = wait_until("the 08:00 reminders",
                             lambda: len(reminders()) >= 4 and reminders(),
                             timeout=10)
            assert sorted((m.rcpts[0], m.msg["Subject"].split(" ")[1])
                          for m in got[2:]) == \
                [("a@example.org", "Ochtendgroep"),
                 ("w@example.org", "Ochtendgroep")], got
            for m in got[2:]:
                sent_at = email.utils.parsedate_to_datetime(m.msg["Date"])
                assert sent_at >= datetime.datetime(2026, 12, 2, 8, 0,
                                                    tzinfo=AMS), m.msg["Date"]
                assert m.calendar() == (None, None)
                check_envelope_at(m, sent_at)
            time.sleep(1.0)
            assert len(reminders()) == 4, reminders()
            d.stop()


def check_envelope_at(m, when):
    """check_envelope for a message sent at a faked time."""
    assert [r.lower() for r in m.rcpts] == [addresses(m.msg, "To")[0]]
    assert m.msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert m.msg["Cc"] is None and m.msg["Bcc"] is None


# ---- privacy ----

@harness.nostart
def test_mail_forget_leaves_no_trace_in_the_database(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        addr = "zeynep.vergeten@example.org"
        name = "Zeynep Vergeetmij"
        e1 = event(d, "Eerste", day(20))
        e2 = event(d, "Tweede", day(30), "--capacity", "1")
        keep = participant(d, "blijft@example.org")
        register(d, e2, keep)
        pid = participant(d, addr, "--name", name, "--quiet", "none")
        d.cli("participant", "follow", str(pid), GROUP, check=True)
        register(d, e1, pid)
        assert register(d, e2, pid) == "full: on the waiting list"
        sink.wait_for(3)
        feed = d.cli("--json", "participant", "show", str(pid),
                     check=True).json()["feed"]
        feed_path = "/" + feed.split("/", 3)[3]
        unsub = unsub_path(sink.to(addr)[0])
        assert d.http("GET", feed_path)[0] == 200
        rows = wait_until("a message to them recorded as sent", lambda: [
            outbox(d)] if any(r["recipient"] == addr and r["status"] == "sent"
                              for r in outbox(d)) else None)[0]
        assert any(r["recipient"] == addr and r["status"] == "pending"
                   for r in rows)

        r = d.cli("participant", "forget", addr, check=True)
        assert addr not in r.out or "forgotten" in r.out.lower(), r
        assert d.cli("participant", "show", addr).rc == EX_DATAERR
        assert not [r for r in outbox(d) if r["recipient"] == addr]
        assert d.http("GET", feed_path)[0] == 404
        assert d.http("POST", unsub, body="List-Unsubscribe=One-Click",
                      headers={"Content-Type":
                               "application/x-www-form-urlencoded"})[0] == 404
        att = d.cli("--json", "attendees", str(e1), check=True).json()
        assert att["going"] == 0, att
        att = d.cli("--json", "attendees", str(e2), check=True).json()
        assert (att["going"], att["waitlist"]) == (1, 0), att
        # The bytes: nothing in the database or its WAL, in any case.
        for suffix in ("", "-wal", "-journal"):
            path = d.db + suffix
            if not os.path.exists(path):
                continue
            with open(path, "rb") as fp:
                data = fp.read().lower()
            for needle in (addr, "zeynep", "vergeetmij"):
                assert needle.encode() not in data, (needle, path)
        # After a restart too (a checkpoint then).
        d.restart()
        for suffix in ("", "-wal"):
            if os.path.exists(d.db + suffix):
                with open(d.db + suffix, "rb") as fp:
                    assert addr.encode() not in fp.read().lower(), suffix
        # The other participant is untouched.
        assert d.cli("participant", "show", str(keep)).rc == 0
        time.sleep(1.0)
        assert sink.count() == 3, sink.messages()


def test_mail_anonymous_group_attendees_are_counts_only():
    with harness.Daemon() as d:
        setup(d)
        d.cli("group", "add", "gemeente-ouders", "--name", "Medewerkers",
              "--kind", "gemeente", "--email", "anon@example.org",
              "--anonymous", check=True)
        eid = event(d, "Besloten groep", day(20), "--group", "gemeente-ouders",
                    "--capacity", "2")
        people = ["anoniem%d@example.org" % i for i in range(3)]
        for i, p in enumerate(people):
            participant(d, p, "--name", "Geheim%d" % i)
            register(d, eid, p)
        org = d.cli("token", "create", "--role", "organizer", "--group",
                    "gemeente-ouders", "--name", "org", check=True
                    ).out.strip().splitlines()[0]
        other = d.cli("token", "create", "--role", "organizer", "--group",
                      GROUP, "--name", "andere", check=True
                      ).out.strip().splitlines()[0]
        adm = d.cli("token", "create", "--role", "admin", "--name", "adm",
                    check=True).out.strip().splitlines()[0]
        for tok in (None, adm, org):
            j = d.cli("--json", "attendees", str(eid), token=tok,
                      check=True).json()
            assert j["anonymous"] is True and j["attendees"] is None, j
            assert (j["going"], j["waitlist"], j["capacity"]) == (2, 1, 2), j
            text = d.cli("attendees", str(eid), token=tok, check=True).out
            assert "2" in text, text
            for secret in people + ["Geheim", "anoniem"]:
                assert secret not in text and secret not in json.dumps(j), \
                    (secret, text)
            occ = d.cli("--json", "attendees", str(eid), "--occurrence",
                        day(20)[:10], token=tok)
            for secret in people + ["Geheim"]:
                assert secret not in occ.out, occ
        # Another group's organizer learns nothing.
        r = d.cli("attendees", str(eid), token=other)
        assert r.rc in (EX_NOPERM, EX_DATAERR), r
        assert not any(p in r.out + r.err for p in people), r
        # Nor through the API directly, nor the outbox listing to the
        # organizer.
        status, _, body = d.http("GET", "/api/v1/events/%d/attendees" % eid,
                                 headers={"Authorization": "Bearer " + org})
        assert status == 200 and b"anoniem" not in body, (status, body)
        r = d.cli("--json", "outbox", "list", token=org)
        assert r.rc != 0 or "anoniem" not in r.out, r


@harness.nostart
def test_mail_unsubscribe_link(d):
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        e1 = event(d, "Eerste", day(20))
        e2 = event(d, "Tweede", day(30))
        pid = participant(d, "fatima@example.org", "--quiet", "none")
        d.cli("participant", "follow", str(pid), GROUP, check=True)
        register(d, e1, pid)
        m = sink.wait_for(1)[0]
        path = unsub_path(m)
        assert [r for r in outbox(d, "pending") if r["kind"] == "reminder"]

        status, headers, body = d.http("GET", path)
        assert status == 200, (status, body)
        assert headers["content-type"].startswith("text/html"), headers
        page = body.decode()
        assert re.search(r'<form[^>]*method="?post', page, re.I), page
        assert path in page or 'action=""' in page or "action=" not in page, page
        show = d.cli("--json", "participant", "show", str(pid), check=True).json()
        assert show["unsubscribed"] is None, show
        # HEAD and GET never unsubscribe (link scanners fetch links).
        d.http("HEAD", path)
        assert d.cli("--json", "participant", "show", str(pid),
                     check=True).json()["unsubscribed"] is None

        status, _, body = d.http(
            "POST", path, body="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, (status, body)
        show = d.cli("--json", "participant", "show", str(pid), check=True).json()
        assert show["unsubscribed"] is not None, show
        assert "Unsubscribed" in d.cli("participant", "show", str(pid),
                                       check=True).out
        assert not [r for r in outbox(d, "pending")
                    if r["recipient"] == "fatima@example.org"], outbox(d)
        # Twice is fine.
        assert d.http("POST", path, body="List-Unsubscribe=One-Click",
                      headers={"Content-Type":
                               "application/x-www-form-urlencoded"})[0] == 200
        # Later registrations and announcements send nothing.
        mark = sink.count()
        register(d, e2, pid)
        event(d, "Derde", day(40))
        assert sink.quiet_for(1.5, since=mark) == []
        assert not [r for r in outbox(d) if r["recipient"] ==
                    "fatima@example.org" and r["status"] != "sent"]
        # Unknown tokens: 404, for POST and for GET alike (a form that
        # can only fail helps nobody).
        bad = "/unsubscribe/" + "0" * 64
        assert d.http("POST", bad, body="List-Unsubscribe=One-Click",
                      headers={"Content-Type":
                               "application/x-www-form-urlencoded"})[0] == 404
        assert d.http("GET", "/unsubscribe/abc")[0] == 404
        status, _, body = d.http("GET", bad)
        assert status == 404, (status, body)
        # --resubscribe: mail again.
        d.cli("participant", "edit", str(pid), "--resubscribe", check=True)
        e4 = event(d, "Vierde", day(45))
        register(d, e4, pid)
        got = sink.wait_for(1, pred=lambda m: "Vierde" in m.msg["Subject"]
                            and "Aangemeld" in m.msg["Subject"])
        assert got[0].rcpts == ["fatima@example.org"]


@harness.nostart
def test_mail_calendar_parts_in_the_repeated_hour_end_after_they_start(d):
    # 31 October 2027 Amsterdam has 02:00-03:00 twice: 00:00-01:00 UTC in
    # summer time, 01:00-02:00 UTC in winter time.  A time in that hour is
    # written in UTC, which every client reads as the same instant.
    with SmtpSink() as sink:
        start_with_sink(d, sink)
        setup(d)
        single = int(d.cli("event", "add", "--kind", "steungroep", "--title",
                           "Nachtwake", "--start", "2027-10-31 02:30",
                           "--duration", "30m", "--room", ROOM, "--group",
                           GROUP, check=True).out.strip())
        series = int(d.cli("event", "add", "--kind", "steungroep", "--title",
                           "Nachtreeks", "--start", "2027-10-24 02:30",
                           "--duration", "30m", "--place", "Buurthuis",
                           "--group", GROUP, "--repeat",
                           "FREQ=WEEKLY;BYDAY=SU;COUNT=3",
                           check=True).out.strip())
        fa = participant(d, "fatima@example.org")
        register(d, single, fa)
        register(d, series, fa, "--occurrence", "2027-10-31")
        msgs = sink.wait_for(2)
        assert len(msgs) == 2, msgs
        for m in msgs:
            ve = calendar(m, "REQUEST")
            assert ve.decoded("dtstart") == datetime.datetime(
                2027, 10, 31, 0, 30, tzinfo=UTC), (m, ve.to_ical())
            assert ve.decoded("dtend") == datetime.datetime(
                2027, 10, 31, 1, 0, tzinfo=UTC), (m, ve.to_ical())
            raw = m.calendar()[1].replace(b"\r\n ", b"")
            assert b"\r\nDTSTART:20271031T003000Z\r\n" in raw, raw
            assert b"\r\nDTEND:20271031T010000Z\r\n" in raw, raw


def test_mail_personal_feed():
    with harness.Daemon() as d:
        setup(d)
        single = day(20)
        e1 = event(d, "Losse bijeenkomst", single)
        first = day(14, "10:00")
        e2 = event(d, "Reeks", first, "--repeat", "FREQ=WEEKLY;COUNT=4")
        uid1 = d.cli("--json", "event", "show", str(e1), check=True).json()["uid"]
        uid2 = d.cli("--json", "event", "show", str(e2), check=True).json()["uid"]
        pid = participant(d, "fatima@example.org", "--remind", "7d,1d,2h")
        other = participant(d, "ander@example.org", "--name", "Ander")
        register(d, e1, pid)
        occ = ams(first) + datetime.timedelta(days=7)
        register(d, e2, pid, "--occurrence", occ.date().isoformat())
        register(d, e1, other)
        show = d.cli("participant", "show", str(pid), check=True).out
        m = re.search(r"Personal feed:\s+(\S+)", show)
        assert m, show
        url = m.group(1)
        assert url == d.cli("--json", "participant", "show", str(pid),
                            check=True).json()["feed"]
        path = re.fullmatch(r"http://localhost:\d+(/feeds/personal/[0-9a-f]{32,}"
                            r"\.ics)", url).group(1)
        status, headers, body = d.http("GET", path)
        assert status == 200, status
        assert headers["content-type"].startswith("text/calendar"), headers
        cal = ical().Calendar.from_ical(body)
        evs = {str(e["uid"]): e for e in cal.walk("VEVENT")}
        occ_uid = "%s-%s" % (occ.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
                             uid2)
        assert sorted(evs) == sorted([uid1, occ_uid]), sorted(evs)
        assert evs[uid1].decoded("dtstart") == ams(single)
        assert evs[occ_uid].decoded("dtstart") == occ
        assert evs[occ_uid].get("rrule") is None
        for e in evs.values():
            alarms = e.walk("VALARM")
            trig = sorted(a.decoded("trigger") for a in alarms)
            assert trig == [datetime.timedelta(days=-7),
                            datetime.timedelta(days=-1),
                            datetime.timedelta(hours=-2)], trig
        assert b"ander@example.org" not in body and b"Ander" not in body
        assert b"ATTENDEE" not in body
        # Wrong tokens: 404.
        assert d.http("GET", "/feeds/personal/" + "0" * 64 + ".ics")[0] == 404
        assert d.http("GET", path[:-5] + "x.ics")[0] == 404
        # Unregistering takes it off the feed.
        d.cli("unregister", str(e1), str(pid), check=True)
        body = d.http("GET", path)[2]
        assert [str(e["uid"]) for e in ical().Calendar.from_ical(body)
                .walk("VEVENT")] == [occ_uid]


def test_mail_sitting_out_one_occurrence_and_changing_lead_times():
    with harness.Daemon() as d:
        setup(d)
        first = day(14)
        eid = event(d, "Reeks", first, "--repeat", "FREQ=WEEKLY;COUNT=4")
        pid = participant(d, "fatima@example.org", "--remind", "1d")
        register(d, eid, pid)
        occs = [ams(first) + datetime.timedelta(days=7 * i) for i in range(4)]

        def reminder_dues():
            return sorted(datetime.datetime.fromisoformat(r["due"])
                          for r in outbox(d, "pending")
                          if r["kind"] == "reminder")
        assert reminder_dues() == [o - datetime.timedelta(days=1)
                                   for o in occs]
        d.cli("unregister", str(eid), str(pid), "--occurrence",
              occs[1].date().isoformat(), check=True)
        assert reminder_dues() == [o - datetime.timedelta(days=1)
                                   for o in occs if o != occs[1]]
        att = d.cli("--json", "attendees", str(eid), "--occurrence",
                    occs[1].date().isoformat(), check=True).json()
        assert att["going"] == 0, att
        att = d.cli("--json", "attendees", str(eid), "--occurrence",
                    occs[2].date().isoformat(), check=True).json()
        assert att["going"] == 1, att
        # The personal feed leaves that occurrence out.
        url = d.cli("--json", "participant", "show", str(pid),
                    check=True).json()["feed"]
        body = d.http("GET", "/" + url.split("/", 3)[3])[2]
        import recurring_ical_events
        cal = ical().Calendar.from_ical(body)
        got = sorted(e.decoded("dtstart") for e in recurring_ical_events.of(
            cal).between(occs[0] - datetime.timedelta(days=1),
                         occs[3] + datetime.timedelta(days=1)))
        assert got == [o for o in occs if o != occs[1]], got
        # New lead times replan the pending reminders.
        d.cli("participant", "edit", str(pid), "--remind", "2d,2h", check=True)
        want = sorted([o - datetime.timedelta(days=2) for o in occs
                       if o != occs[1]] +
                      [o - datetime.timedelta(hours=2) for o in occs
                       if o != occs[1]])
        assert reminder_dues() == want, reminder_dues()
        d.cli("participant", "edit", str(pid), "--remind", "none", check=True)
        assert reminder_dues() == []


# ---- bad input ----

def test_mail_bad_input_is_refused_and_changes_nothing():
    with harness.Daemon() as d:
        setup(d)
        eid = event(d, "Sessie", day(20))
        prop = event(d, "Voorstel", day(21), "--propose")
        series = event(d, "Reeks", day(14, "14:00"), "--repeat",
                       "FREQ=WEEKLY;COUNT=3")
        pid = participant(d, "fatima@example.org")
        register(d, eid, pid)
        sent_id = outbox(d)[-1]["id"]
        wait_until("the confirmation written to the maildir",
                   lambda: outbox(d, "sent"))
        notes = os.path.join(d.dir, "notes.txt")
        with open(notes, "w") as fp:
            fp.write("notities\n")
        cases = [
            (["register", str(eid), "999"], EX_DATAERR, "999"),
            (["register", str(eid), "nobody@example.org"], EX_DATAERR, None),
            (["register", "999", str(pid)], EX_DATAERR, "999"),
            (["register", str(eid), str(pid)], EX_DATAERR, None),
            (["register", str(prop), str(pid)], EX_DATAERR, None),
            (["register", str(series), str(pid), "--occurrence",
              day(15)[:10]], EX_DATAERR, None),
            (["register", str(series), str(pid), "--occurrence",
              "2026-13-01"], None, "--occurrence"),
            (["unregister", str(series), str(pid)], EX_DATAERR, None),
            (["participant", "add", "--email", "x@example.org", "--remind",
              "bad"], None, "--remind"),
            (["participant", "add", "--email", "x@example.org", "--remind",
              "0d"], None, "--remind"),
            (["participant", "add", "--email", "x@example.org", "--quiet",
              "bad"], None, "--quiet"),
            (["participant", "add", "--email", "x@example.org", "--quiet",
              "25:00-08:00"], None, "--quiet"),
            (["participant", "add", "--email", "x@example.org", "--lang",
              "de"], None, "--lang"),
            (["participant", "add", "--email", "not-an-address"], EX_DATAERR,
             None),
            (["participant", "add", "--email", "a@b@example.org"], EX_DATAERR,
             None),
            (["participant", "add", "--email", "FATIMA@example.org"],
             EX_DATAERR, None),
            (["participant", "add"], EX_USAGE, "--email"),
            (["participant", "show", "999"], EX_DATAERR, "999"),
            (["participant", "forget", "nobody@example.org"], EX_DATAERR, None),
            (["participant", "edit", str(pid), "--remind", "7x"], None,
             "--remind"),
            (["participant", "follow", str(pid), "nogroup"], EX_DATAERR, None),
            (["outbox", "retry", str(sent_id)], EX_DATAERR, None),
            (["outbox", "retry", "999"], EX_DATAERR, "999"),
            (["outbox", "show", "999"], EX_DATAERR, "999"),
            (["outbox", "list", "--status", "lost"], None, None),
            (["followup", str(eid), "--file", notes], EX_DATAERR, None),
            (["followup", str(eid), "--file", "/nonexistent/notes.txt"],
             EX_NOINPUT, "/nonexistent/notes.txt"),
            (["attendees", "999"], EX_DATAERR, "999"),
        ]
        problems = []
        for args, code, says in cases:
            try:
                refused(d, args, code if code is not None else
                        _usage_or_data(d, args), says)
            except AssertionError as e:
                problems.append(str(e))
        assert not problems, "\n\n".join(problems)
        assert len(d.cli("--json", "participant", "list", check=True).json()) == 1


def _usage_or_data(d, args):
    """For a value the CLI could check itself (64) or leave to the daemon
    (65): whichever it returns, as long as it is one of them."""
    r = d.cli(*args)
    assert r.rc in (EX_USAGE, EX_DATAERR), r
    return r.rc

"""Unregistering, as the person's calendar sees it.  Registering mails
an iTIP REQUEST that puts the session in their calendar; when they are
unregistered (by themselves on their page, or by an organiser) they get
a message saying so, with a CANCEL of that very entry (RFC 5546 3.2.5:
the event goes on, so no STATUS): the whole series, one date of it they
now sit out (RECURRENCE-ID), or one date they had on its own (its own
UID).  Every calendar part each person was mailed is replayed into a
model calendar (itip.py) that must end up holding exactly the sessions
they still go to.  Someone on the waiting list had nothing in their
calendar: their message has no calendar part, nor has any change mailed
to them.  A session that is over
gets no message.  Mail goes through a real SMTP sink.
"""
import datetime
import os
import re
import tempfile
import zoneinfo

import harness
from itip import Calendar, ical, sessions
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
GROUP = "lotgenoten"
GROUP_ADDR = "lotgenoten@example.org"


def start(d, sink):
    d.rewrite_config(d.config_text(smtp=sink.config()))
    d.start()
    d.cli("group", "add", GROUP, "--name", "Lotgenoten Zuidoost", "--kind",
          "steungroep", "--email", GROUP_ADDR, check=True)


def event(d, title, first, *args):
    return d.cli("event", "add", "--kind", "steungroep", "--title", title,
                 "--group", GROUP, "--place", "Buurthuis", "--start",
                 "%s 19:00" % first.isoformat(), "--duration", "2h", *args,
                 check=True).out.strip()


def person(d, addr, *args):
    return d.cli("participant", "add", "--email", addr, "--quiet", "none",
                 "--remind", "1d", *args, check=True).out.strip()


def replay(sink, addr):
    """The model calendar of addr's mail, and how many parts it took."""
    cal, n = Calendar(), 0
    for m in sink.messages():
        if m.rcpts != [addr]:
            continue
        _, raw = m.calendar()
        if raw is not None:
            cal.apply(raw)
            n += 1
    return cal, n


def only_part(m, method):
    """m's calendar part: METHOD method, its VEVENTs."""
    param, raw = m.calendar()
    assert param is not None and param.upper() == method, (param, m.text())
    cal = ical().Calendar.from_ical(raw)
    assert str(cal["METHOD"]) == method, raw
    return cal.walk("VEVENT")


def reminders(d, pid):
    return sorted(r[0] for r in d.sqlite(
        "SELECT occurrence FROM outbox WHERE participant_id = ? AND "
        "kind = 'reminder' AND status = 'pending'", (int(pid),)))


def at(day):
    return int(datetime.datetime.combine(day, datetime.time(19, 0),
                                         tzinfo=AMS).timestamp())


@harness.nostart
def test_unregister_takes_the_session_from_their_calendar(d):
    with SmtpSink() as sink:
        start(d, sink)
        first = harness.now(AMS).date() + datetime.timedelta(days=10)
        week = datetime.timedelta(days=7)
        dates = [first + i * week for i in range(4)]
        series = event(d, "Lotgenotengroep", first, "--repeat",
                       "FREQ=WEEKLY;COUNT=4")
        single = event(d, "Themabijeenkomst", first + datetime.timedelta(
            days=2))
        uid = d.cli("--json", "event", "show", series,
                    check=True).json()["uid"]
        reeks, los, een = (person(d, "reeks@example.org"),
                           person(d, "los@example.org", "--lang", "en"),
                           person(d, "een@example.org"))
        d.cli("register", series, reeks, check=True)
        d.cli("register", series, los, "--occurrence", dates[2].isoformat(),
              check=True)
        d.cli("register", single, een, check=True)
        sink.wait_for(3)
        span = (datetime.datetime.combine(first - week, datetime.time(0),
                                          tzinfo=AMS),
                datetime.datetime.combine(first + 5 * week, datetime.time(0),
                                          tzinfo=AMS))
        all4 = ["%s 19:00 Lotgenotengroep" % x.isoformat() for x in dates]
        assert sessions(replay(sink, "reeks@example.org")[0].calendar(),
                        *span) == all4

        # Sitting one date out takes that date alone from the calendar.
        d.cli("unregister", series, reeks, "--occurrence",
              dates[1].isoformat(), check=True)
        m = sink.wait_for(4)[3]
        assert m.rcpts == ["reeks@example.org"], m.rcpts
        assert m.msg["Subject"].startswith("Afgemeld: Lotgenotengroep"), \
            m.msg["Subject"]
        assert "Je bent afgemeld voor deze bijeenkomst." in m.text()
        assert "Dit is een reeks" not in m.text(), m.text()
        assert m.msg["Reply-To"] == GROUP_ADDR
        (ve,) = only_part(m, "CANCEL")
        assert str(ve["UID"]) == uid
        assert ve.decoded("RECURRENCE-ID") == datetime.datetime.combine(
            dates[1], datetime.time(19, 0), tzinfo=AMS)
        assert "STATUS" not in ve, ve.to_ical()
        assert [str(a) for a in (ve.get("ATTENDEE"),)] == [
            "mailto:reeks@example.org"]
        cal, n = replay(sink, "reeks@example.org")
        assert n == 2
        assert sessions(cal.calendar(), *span) == all4[:1] + all4[2:]
        assert at(dates[1]) not in reminders(d, reeks)

        # Back in: the date comes back (a REQUEST for that instance) ...
        d.cli("register", series, reeks, "--occurrence", dates[1].isoformat(),
              check=True)
        m = sink.wait_for(5)[4]
        assert m.msg["Subject"].startswith("Aangemeld: "), m.msg["Subject"]
        (ve,) = only_part(m, "REQUEST")
        assert str(ve["UID"]) == uid and "RECURRENCE-ID" in ve
        assert sessions(replay(sink, "reeks@example.org")[0].calendar(),
                        *span) == all4
        assert at(dates[1]) in reminders(d, reeks)
        # ... and sitting it out again is news again.
        d.cli("unregister", series, reeks, "--occurrence",
              dates[1].isoformat(), check=True)
        sink.wait_for(6)
        cal, n = replay(sink, "reeks@example.org")
        assert n == 4
        assert sessions(cal.calendar(), *span) == all4[:1] + all4[2:]

        # The whole series: gone from the calendar, no reminder left.
        d.cli("unregister", series, reeks, check=True)
        m = sink.wait_for(7)[6]
        assert "Dit is een reeks; je bent afgemeld voor alle " \
            "bijeenkomsten." in m.text(), m.text()
        ves = only_part(m, "CANCEL")
        assert [str(v["UID"]) for v in ves] == [uid]
        assert "RECURRENCE-ID" not in ves[0] and "STATUS" not in ves[0]
        cal, n = replay(sink, "reeks@example.org")
        assert n == 5 and sessions(cal.calendar(), *span) == []
        assert reminders(d, reeks) == []

        # One date on its own, in English: that entry, by its own UID.
        d.cli("unregister", series, los, "--occurrence", dates[2].isoformat(),
              check=True)
        m = sink.wait_for(8)[7]
        assert m.rcpts == ["los@example.org"]
        assert m.msg["Subject"].startswith(
            "Registration cancelled: Lotgenotengroep"), m.msg["Subject"]
        assert "You are no longer registered for this session." in m.text()
        (ve,) = only_part(m, "CANCEL")
        assert re.fullmatch(r"\d{8}T\d{6}Z-" + re.escape(uid),
                            str(ve["UID"])), ve["UID"]
        assert "RECURRENCE-ID" not in ve
        cal, n = replay(sink, "los@example.org")
        assert n == 2 and sessions(cal.calendar(), *span) == []

        # A single event.
        d.cli("unregister", single, een, check=True)
        m = sink.wait_for(9)[8]
        (ve,) = only_part(m, "CANCEL")
        assert "STATUS" not in ve and "RECURRENCE-ID" not in ve
        cal, n = replay(sink, "een@example.org")
        assert n == 2 and sessions(cal.calendar(), *span) == []
        # Every message went to its one person, and there are no others.
        harness.outbox_settled(d)
        assert sink.count() == 9, [(x.rcpts, x.msg["Subject"])
                                   for x in sink.messages()]


@harness.nostart
def test_someone_waiting_gets_no_calendar_part(d):
    """The waiting-list mail has no calendar part, so nothing after it
    may put the session in their calendar: a change, the later part of
    a split, unregistering."""
    with SmtpSink() as sink:
        start(d, sink)
        first = harness.now(AMS).date() + datetime.timedelta(days=10)
        eid = event(d, "Kleine groep", first, "--capacity", "1", "--repeat",
                    "FREQ=WEEKLY;COUNT=4")
        a = person(d, "anna@example.org")
        b = person(d, "bram@example.org")
        d.cli("register", eid, a, check=True)
        d.cli("register", eid, b, check=True)
        sink.wait_for(2)
        # A new time for the series: Anna's entry moves, Bram is told.
        d.cli("event", "edit", eid, "--start", "%s 19:30" % first.isoformat(),
              check=True)
        sink.wait_for(4)
        (ma,) = [m for m in sink.to("anna@example.org")
                 if m.msg["Subject"].startswith("Gewijzigd")]
        assert only_part(ma, "REQUEST")
        (mb,) = [m for m in sink.to("bram@example.org")
                 if m.msg["Subject"].startswith("Gewijzigd")]
        assert "Er is iets veranderd" in mb.text()
        assert mb.calendar() == (None, None), mb.calendar()
        # Split from the third date on: the later part is news to both.
        d.cli("event", "edit", eid, "--following",
              (first + datetime.timedelta(days=14)).isoformat(), "--title",
              "Kleine groep (nieuw)", check=True)
        harness.outbox_settled(d)
        for m in sink.to("bram@example.org"):
            assert m.calendar() == (None, None), (m.msg["Subject"],
                                                  m.calendar())
        assert replay(sink, "bram@example.org")[1] == 0
        assert replay(sink, "anna@example.org")[1] == len(
            sink.to("anna@example.org"))
        seen = sink.count()
        d.cli("unregister", eid, b, check=True)
        m = sink.wait_for(seen + 1)[seen]
        assert m.rcpts == ["bram@example.org"]
        assert m.msg["Subject"].startswith("Afgemeld: Kleine groep")
        assert m.calendar() == (None, None), m.calendar()
        # Anna keeps her place; nothing more goes to her.
        harness.outbox_settled(d)
        assert sink.count() == seen + 1


def test_unregister_after_the_session_or_unsubscribed_sends_nothing():
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now(AMS).replace(second=0, microsecond=0)
        harness.set_faketime(stamp, now)
        first = now.date() + datetime.timedelta(days=3)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            start(d, sink)
            eid = event(d, "Reeks", first, "--repeat", "FREQ=WEEKLY;COUNT=3")
            a = person(d, "anna@example.org")
            stil = person(d, "stil@example.org")
            d.cli("register", eid, a, check=True)
            d.cli("register", eid, stil, check=True)
            sink.wait_for(2)
            # Unsubscribed (the mail's one-click link): no mail of any kind.
            (m,) = sink.to("stil@example.org")
            path = re.search(r"/unsubscribe/[0-9a-f]+",
                             m.msg["List-Unsubscribe"]).group(0)
            status, _, _ = d.http("POST", path, b"List-Unsubscribe=One-Click",
                                  {"Content-Type":
                                   "application/x-www-form-urlencoded"})
            assert status == 200, status
            d.cli("unregister", eid, stil, check=True)
            # Past the first session: sitting it out is bookkeeping, and
            # no news to anyone.
            harness.set_faketime(stamp, datetime.datetime.combine(
                first, datetime.time(23, 0), tzinfo=AMS))
            d.cli("unregister", eid, a, "--occurrence", first.isoformat(),
                  check=True)
            assert d.sqlite("SELECT count(*) FROM outbox WHERE kind = "
                            "'cancellation'") == [(0,)]
            harness.outbox_settled(d)
            assert sink.count() == 2, [(x.rcpts, x.msg["Subject"])
                                       for x in sink.messages()]

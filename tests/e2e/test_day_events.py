"""Day events (issue 14, item 3): an event that lasts whole dates, not
00:00-24:00 times.

- `event add --date D [--days N]`: listed and shown as dates, `--json`
  with days and last_day; written to every feed as VALUE=DATE (python's
  icalendar reads date objects, so calendars put them in the all-day
  row); turned into an event with times and back with `event edit`; one
  date of a series of day events moved with --occurrence --date;
- every refusal is one line, a usage or data error, and changes nothing;
- in a room: held for the location's opening hours of that date, refused
  on a day it is closed or over several dates when it closes at night,
  the whole date where a location has no opening hours;
- an imported DATE event becomes a day event, and the mail to someone who
  registers says the date without a time, with a VALUE=DATE part.

Dates are computed from the pinned clock (harness.now()).
"""

import datetime
import tempfile
import time
import zoneinfo

import harness
from harness import EX_DATAERR, EX_USAGE
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def weekday_after(days, weekday):
    """The first date at least days from now that is weekday (0 Monday)."""
    d = harness.now(AMS).date() + datetime.timedelta(days=days)
    return d + datetime.timedelta(days=(weekday - d.weekday()) % 7)


def ics_of(d, path):
    import icalendar
    status, _, body = d.http("GET", path)
    assert status == 200, (path, status)
    return icalendar.Calendar.from_ical(body)


def vevents(cal, uid):
    return [c for c in cal.walk("VEVENT") if str(c["UID"]) == uid]


def test_day_events_are_dates_in_the_cli_and_the_feeds():
    tue = weekday_after(30, 1)
    with harness.Daemon() as d:
        one = d.cli("event", "add", "--kind", "overig", "--title",
                    "Open dag", "--date", tue.isoformat(),
                    check=True).out.strip()
        week = d.cli("event", "add", "--kind", "themabijeenkomst",
                     "--title", "Herstelweek", "--date",
                     (tue + datetime.timedelta(days=6)).isoformat(),
                     "--days", "3", check=True).out.strip()
        series = d.cli("event", "add", "--kind", "steungroep", "--title",
                       "Inloopdag", "--date", tue.isoformat(), "--repeat",
                       "FREQ=WEEKLY;COUNT=3", check=True).out.strip()
        frm, to = tue.isoformat(), (tue + datetime.timedelta(days=30)
                                    ).isoformat()
        out = d.cli("event", "list", "--from", frm, "--to", to,
                    check=True).out
        last = (tue + datetime.timedelta(days=8)).isoformat()
        assert "%s - %s" % ((tue + datetime.timedelta(days=6)).isoformat(),
                            last) in out
        assert "00:00" not in out, out
        rows = d.cli("--json", "event", "list", "--from", frm, "--to", to,
                     check=True).json()
        by_id = {}
        for r in rows:
            by_id.setdefault(str(r["id"]), []).append(r)
        assert [(r["days"], r["last_day"]) for r in by_id[one]] == [
            (1, tue.isoformat())]
        assert [(r["days"], r["last_day"]) for r in by_id[week]] == [
            (3, last)]
        assert [r["start"][:10] for r in by_id[series]] == [
            (tue + datetime.timedelta(days=7 * k)).isoformat()
            for k in range(3)]
        assert "When:         %s" % tue.isoformat() in d.cli(
            "event", "show", one, check=True).out

        # The feed: DATE values, the end the day after the last date.
        uids = {i: d.cli("--json", "event", "show", i, check=True).json()
                ["uid"] for i in (one, week, series)}
        cal = ics_of(d, "/feeds/public.ics")
        (ve,) = vevents(cal, uids[week])
        assert ve["DTSTART"].dt == tue + datetime.timedelta(days=6)
        assert ve["DTEND"].dt == tue + datetime.timedelta(days=9)
        assert not isinstance(ve["DTSTART"].dt, datetime.datetime)
        status, _, body = d.http("GET", "/feeds/public.ics")
        text = body.decode()
        assert "DTSTART;VALUE=DATE:%s" % tue.strftime("%Y%m%d") in text
        assert "TZID" not in text.split("BEGIN:VEVENT", 1)[1]

        # One date of the series moves to the Thursday: a date again.
        moved = tue + datetime.timedelta(days=9)
        d.cli("event", "edit", series, "--occurrence",
              (tue + datetime.timedelta(days=7)).isoformat(), "--date",
              moved.isoformat(), check=True)
        cal = ics_of(d, "/feeds/public.ics")
        parts = vevents(cal, uids[series])
        over = [p for p in parts if "RECURRENCE-ID" in p]
        assert len(over) == 1
        assert over[0]["RECURRENCE-ID"].dt == tue + datetime.timedelta(days=7)
        assert over[0]["DTSTART"].dt == moved
        assert over[0]["DTEND"].dt == moved + datetime.timedelta(days=1)

        # Times, then a date again.
        d.cli("event", "edit", one, "--start", "%s 10:00" % tue,
              "--duration", "2h", check=True)
        r = d.cli("--json", "event", "show", one, check=True).json()
        assert r["days"] == 0 and r["start"].startswith("%sT10:00" % tue)
        d.cli("event", "edit", one, "--date",
              (tue + datetime.timedelta(days=1)).isoformat(), "--days", "2",
              check=True)
        r = d.cli("--json", "event", "show", one, check=True).json()
        assert (r["days"], r["last_day"]) == (
            2, (tue + datetime.timedelta(days=2)).isoformat())
        d.assert_clean()


def test_day_event_refusals_are_one_line_and_change_nothing():
    tue = weekday_after(30, 1)
    with harness.Daemon() as d:
        timed = d.cli("event", "add", "--kind", "overig", "--title", "Avond",
                      "--start", "%s 19:00" % tue, "--duration", "2h",
                      check=True).out.strip()
        series = d.cli("event", "add", "--kind", "overig", "--title",
                       "Reeks", "--date", tue.isoformat(), "--repeat",
                       "FREQ=WEEKLY;COUNT=3", check=True).out.strip()
        before = d.dump()
        day = tue.isoformat()
        cases = [
            (("event", "add", "--kind", "overig", "--title", "x", "--date",
              day, "--start", "%s 10:00" % day, "--duration", "1h"),
             EX_USAGE, "not both"),
            (("event", "add", "--kind", "overig", "--title", "x", "--days",
              "2"), EX_USAGE, "--days needs --date"),
            (("event", "add", "--kind", "overig", "--title", "x", "--date",
              day, "--days", "0"), EX_USAGE, "--days"),
            (("event", "add", "--kind", "overig", "--title", "x", "--date",
              day, "--days", "367"), EX_DATAERR, "from 1 to 366"),
            (("event", "add", "--kind", "overig", "--title", "x", "--date",
              "2027-02-30"), EX_DATAERR, "--date"),
            (("event", "edit", timed, "--days", "2"), EX_DATAERR,
             "give --date too"),
            (("event", "edit", series, "--start", "%s 10:00" % day),
             EX_DATAERR, "day event"),
            (("event", "edit", series, "--occurrence", day, "--start",
              "%s 10:00" % day, "--duration", "1h"), EX_DATAERR,
             "stays a day event"),
            (("event", "edit", timed, "--date", day, "--duration", "1h"),
             EX_DATAERR, "not both"),
        ]
        for argv, code, text in cases:
            r = d.cli(*argv)
            assert r.rc == code, r
            assert len(r.err_lines()) == 1 and text in r.err, r
        assert d.dump() == before
        d.assert_clean()


def test_a_day_event_in_a_room_holds_the_opening_hours_of_its_date():
    tue = weekday_after(20, 1)
    sat = tue + datetime.timedelta(days=4)
    with harness.Daemon() as d:
        d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
              "--hours", "mon-fri 09:00-17:00", check=True)
        d.cli("room", "add", "herstelhuis/zaal", "--name", "Zaal",
              "--capacity", "30", check=True)
        d.cli("location", "add", "noord", "--name", "Huis van de Wijk",
              check=True)
        d.cli("room", "add", "noord/zaal", "--name", "Zaal", "--capacity",
              "30", check=True)
        eid = d.cli("event", "add", "--kind", "overig", "--title",
                    "Studiedag", "--date", tue.isoformat(), "--room",
                    "herstelhuis/zaal", check=True).out.strip()
        slots = d.sqlite("SELECT s.start, s.\"end\" FROM booking_slot s "
                         "JOIN booking b ON b.id = s.booking_id "
                         "WHERE b.event_id = ?", (int(eid),))
        local = [tuple(datetime.datetime.fromtimestamp(t, AMS).strftime(
            "%Y-%m-%d %H:%M") for t in row) for row in slots]
        assert local == [("%s 09:00" % tue, "%s 17:00" % tue)]
        # The room is taken that day, for those hours.
        r = d.cli("book", "herstelhuis/zaal", "--start", "%s 10:00" % tue,
                  "--duration", "1h", "--title", "Overleg")
        assert r.rc == EX_DATAERR and "Studiedag" in r.err, r
        before = d.dump()
        # Closed on Saturday; closed at night between two dates.
        r = d.cli("event", "add", "--kind", "overig", "--title", "Zaterdag",
                  "--date", sat.isoformat(), "--room", "herstelhuis/zaal")
        assert r.rc == EX_DATAERR and "opening hours" in r.err, r
        r = d.cli("event", "add", "--kind", "overig", "--title", "Twee",
                  "--date", (tue + datetime.timedelta(days=1)).isoformat(),
                  "--days", "2", "--room", "herstelhuis/zaal")
        assert r.rc == EX_DATAERR and "opening hours" in r.err, r
        assert d.dump() == before
        # Without opening hours: the whole dates, Saturday and all.
        eid2 = d.cli("event", "add", "--kind", "overig", "--title",
                     "Weekend", "--date", sat.isoformat(), "--days", "2",
                     "--room", "noord/zaal", check=True).out.strip()
        (row,) = d.sqlite("SELECT s.start, s.\"end\" FROM booking_slot s "
                          "JOIN booking b ON b.id = s.booking_id "
                          "WHERE b.event_id = ?", (int(eid2),))
        start = datetime.datetime.fromtimestamp(row[0], AMS)
        end = datetime.datetime.fromtimestamp(row[1], AMS)
        assert (start.date(), start.hour, end.date(), end.hour) == (
            sat, 0, sat + datetime.timedelta(days=2), 0)
        d.assert_clean()


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:{d1}\r
DTEND;VALUE=DATE:{d2}\r
UID:{uid}\r
SUMMARY:Herstelkamp\r
LOCATION:\r
DESCRIPTION:\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_imported_day_event_stays_one_and_its_mail_says_the_date():
    first = weekday_after(40, 4)
    last = first + datetime.timedelta(days=2)
    uid = "kamp-%s@example.org" % first.strftime("%Y%m%d")
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        path = tmp + "/kamp.ics"
        with open(path, "w", newline="") as f:
            f.write(ICS.format(d1=first.strftime("%Y%m%d"),
                               d2=(last + datetime.timedelta(days=1)
                                   ).strftime("%Y%m%d"), uid=uid))
        with harness.Daemon(autostart=False) as d:
            d.rewrite_config(d.config_text(smtp=sink.config()))
            d.start()
            d.cli("import", path, check=True)
            (r,) = [x for x in d.cli("--json", "event", "list", "--from",
                                     first.isoformat(), "--to",
                                     (last + datetime.timedelta(days=2)
                                      ).isoformat(), check=True).json()
                    if x["uid"] == uid]
            assert (r["days"], r["last_day"]) == (3, last.isoformat())
            cal = ics_of(d, "/feeds/public.ics")
            (ve,) = vevents(cal, uid)
            assert (ve["DTSTART"].dt, ve["DTEND"].dt) == (
                first, last + datetime.timedelta(days=1))
            # The same file again changes nothing.
            assert "0 added, 0 updated" in d.cli("import", path,
                                                 check=True).out
            d.cli("participant", "add", "--email", "ouder@example.org",
                  check=True)
            d.cli("register", str(r["id"]), "ouder@example.org", check=True)
            deadline = time.monotonic() + 20
            while not sink.messages() and time.monotonic() < deadline:
                time.sleep(0.1)
            (m,) = sink.messages()
            # "vrijdag 1 januari 2027 t/m zondag 3 januari 2027": no time.
            (when,) = [line for line in m.text().splitlines()
                       if " t/m " in line]
            assert ":" not in when.split(":", 1)[1], when
            method, ics = m.calendar()
            assert b"DTSTART;VALUE=DATE:" + first.strftime(
                "%Y%m%d").encode() in ics.replace(b"\r\n ", b""), ics
            d.assert_clean()

"""herstelctl import takes the calendars real programs export: Google
(empty LOCATION/DESCRIPTION, zero-length reminders, no DTEND), Outlook
(Windows zone names, X-MICROSOFT-CDO-*), Exchange (an all-day series whose
RECURRENCE-IDs and EXDATEs are date-times in a Windows zone), Apple
(X-APPLE-*, floating times, an empty URL), Nextcloud/SabreDAV (private
TZIDs with their own VTIMEZONE), Thunderbird (empty CLASS and CATEGORIES,
X-MOZ-*) and a changed occurrence without its series.  Each file comes in,
and what herstelctl lists is, occurrence by occurrence, what
recurring-ical-events expands from the same file: the same start and end
instants and titles.  Events without length are the one exception:
hersteld keeps none, and skips them with a warning that says so.

The fixtures (tests/e2e/fixtures/import/) are written for this test and
hold dates in 2027, after the pinned clock (2026-11-23).
"""

import datetime
import os
import zoneinfo

import icalendar
import recurring_ical_events

import harness
from harness import EX_DATAERR

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "import")
CONFIGURED = zoneinfo.ZoneInfo("Europe/Amsterdam")    # the harness's zone
UTC = datetime.timezone.utc
WINDOW = ("2027-01-01", "2028-01-01")

PRODUCERS = [
    # (file, events written, what the warnings say, one each)
    ("google.ics", 3, [
        '"Herinnering: zaal bevestigen" (UID 7h2k4m6n8p0r1s3t5v7x9z@google.com)'
        " ends when it starts (DTEND is DTSTART): hersteld keeps no events "
        "without length, so it is skipped",
        '"Deadline subsidieaanvraag" (UID 5d8f0h2j4l6n8q0s2u4w6y@google.com) '
        "ends when it starts (it has no DTEND or DURATION)",
        'occurrence 20270323T190000 of "Lotgenotengroep Zuidoost" ends when '
        "it starts: hersteld keeps no events without length, so it is left "
        "out of the series",
    ]),
    ("outlook.ics", 2, []),
    ("exchange.ics", 1, []),
    ("apple.ics", 2, []),
    ("nextcloud.ics", 3, [
        'time zone "MyTimezone" matches no time zone hersteld knows: its '
        "times are read with the file's VTIMEZONE and kept as the same "
        "moments in Europe/Amsterdam",
    ]),
    # RRULE with RDATEs (one also a rule's occurrence, one taken out by
    # EXDATE, one changed by RECURRENCE-ID, one in UTC, one in another
    # zone), and RDATEs without RRULE
    ("nextcloud_rdate.ics", 2, []),
    ("thunderbird.ics", 2, []),
    ("orphan.ics", 2, [
        "a changed occurrence of 0rph4n5e71e5abcdef012345@google.com, a "
        "series that is not in the file, is imported as a single event with "
        "UID 0rph4n5e71e5abcdef012345@google.com_R20270209T180000Z",
    ]),
]


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def fixture(d, name):
    """The fixture as an export has it (CRLF), in the daemon's directory."""
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as fp:
        text = crlf(fp.read())
    path = os.path.join(d.dir, name)
    with open(path, "wb") as fp:
        fp.write(text.encode())
    return path


def instant(v):
    """A DTSTART/DTEND value as hersteld reads it, in UTC: floating times
    and dates (00:00) in the configured zone."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=CONFIGURED)
        return v.astimezone(UTC)
    return datetime.datetime(v.year, v.month, v.day,
                             tzinfo=CONFIGURED).astimezone(UTC)


def expanded(path):
    """(start, end, title) of every occurrence recurring-ical-events finds
    in the window, and those without length apart."""
    with open(path, "rb") as fp:
        cal = icalendar.Calendar.from_ical(fp.read())
    frm, to = (datetime.date.fromisoformat(x) for x in WINDOW)
    kept, zero = [], []
    for ev in recurring_ical_events.of(cal).between(frm, to):
        start = ev["DTSTART"].dt
        end = ev["DTEND"].dt if "DTEND" in ev else start
        # A date without DTEND lasts that day (RFC 5545 3.6.1).
        if not isinstance(start, datetime.datetime) and end == start and \
                "DURATION" not in ev:
            end = start + datetime.timedelta(days=1)
        occ = (instant(start), instant(end), str(ev["SUMMARY"]))
        (zero if occ[0] == occ[1] else kept).append(occ)
    return sorted(kept), sorted(zero)


def uids_of(path):
    with open(path, "rb") as fp:
        cal = icalendar.Calendar.from_ical(fp.read())
    return {str(ev["UID"]) for ev in cal.walk("VEVENT")}


def listed(d, uids):
    """(start, end, title) of what herstelctl lists for the file's UIDs
    (an orphan's UID is its series' UID with "_R..." after it)."""
    occ = d.cli("--json", "event", "list", "--from", WINDOW[0], "--to",
                WINDOW[1], check=True).json()
    out = []
    for o in occ:
        if o["uid"] in uids or o["uid"].split("_R")[0] in uids:
            out.append((datetime.datetime.fromisoformat(o["start"]).astimezone(UTC),
                        datetime.datetime.fromisoformat(o["end"]).astimezone(UTC),
                        o["title"]))
    return sorted(out)


def test_import_of_each_producers_export_agrees_with_recurring_ical_events(d):
    summary = []
    for name, written, says in PRODUCERS:
        path = fixture(d, name)
        r = d.cli("import", path)
        assert r.rc == 0, (name, r)
        assert r.out == "%d added, 0 updated, 0 unchanged\n" % written, (name, r)
        warnings = r.err_lines()
        assert len(warnings) == len(says), (name, r)
        for w, s in zip(warnings, says):
            assert s in w, (name, s, r)
        assert "X-LIC-ERROR" not in r.err, (name, r)
        want, zero = expanded(path)
        got = listed(d, uids_of(path))
        assert got == want, (name, got, want)
        # What has no length is what the warnings named.
        assert len(zero) == len(says) - (1 if name in ("nextcloud.ics",
                                                        "orphan.ics") else 0), \
            (name, zero)
        summary.append("%s: %d occurrences agree, %d without length skipped"
                       % (name, len(got), len(zero)))
        # Importing it again finds every event again: nothing changes.
        before = d.dump()
        r = d.cli("import", path, check=True)
        assert r.out == "0 added, 0 updated, %d unchanged\n" % written, (name, r)
        assert d.dump() == before, name
    print("\n".join(summary))
    # libical's own X-LIC-ERROR lines for the empty values never show.
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200 and b"X-LIC-ERROR" not in body, body[:300]


def test_exchange_all_day_series_takes_its_date_time_exceptions(d):
    r = d.cli("import", fixture(d, "exchange.ics"), check=True)
    assert r.err == "", r
    occ = d.cli("--json", "event", "list", "--from", "2027-04-01", "--to",
                "2027-06-01", check=True).json()
    got = [(o["occurrence"], o["start"], o["title"]) for o in occ]
    assert got == [
        ("2027-04-01", "2027-04-01T00:00:00+02:00", "Inloopdag steungroepen"),
        ("2027-04-08", "2027-04-08T00:00:00+02:00", "Inloopdag steungroepen"),
        # RECURRENCE-ID;TZID=GMT Standard Time:20270415T000000 is the 15th
        ("2027-04-15", "2027-04-16T00:00:00+02:00",
         "Inloopdag steungroepen (vrijdag)"),
        ("2027-04-22", "2027-04-22T00:00:00+02:00", "Inloopdag steungroepen"),
        # EXDATE;TZID=GMT Standard Time:20270429T000000 excludes the 29th
        ("2027-05-06", "2027-05-06T00:00:00+02:00", "Inloopdag steungroepen"),
        ("2027-05-13", "2027-05-13T00:00:00+02:00",
         "Inloopdag steungroepen (ochtend)"),
        ("2027-05-20", "2027-05-20T00:00:00+02:00", "Inloopdag steungroepen"),
    ], got


def test_private_time_zones_keep_a_known_zone_or_the_files_own_rules(d):
    d.cli("import", fixture(d, "nextcloud.ics"), check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-01-01", "--to",
                "2027-05-01", check=True).json()
    zones = {}
    for o in occ:
        ev = d.cli("--json", "event", "show", str(o["id"]), check=True).json()
        zones[ev["title"]] = ev["timezone"]
    # "custom_America/New_York" has New York's rules: it is New York.
    assert zones["Online spreekuur diaspora"] == "America/New_York", zones
    # "MyTimezone" (+05:30) is none we know: the moments, in our zone.
    assert zones["Kennissessie met partners in India"] == "Europe/Amsterdam"
    assert zones["Wekelijks overleg (winter)"] == "Europe/Amsterdam"


NO_ZONE_SERIES = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//SabreDAV//SabreDAV//EN
BEGIN:VTIMEZONE
TZID:MyTimezone
BEGIN:STANDARD
TZOFFSETFROM:+0530
TZOFFSETTO:+0530
DTSTART:19700101T000000
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:lente@voorbeeld.example
DTSTAMP:20261119T150000Z
SUMMARY:Overleg over de zomertijd heen
DTSTART;TZID=MyTimezone:20270315T160000
DTEND;TZID=MyTimezone:20270315T170000
RRULE:FREQ=WEEKLY;COUNT=4
END:VEVENT
END:VCALENDAR
"""

EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//refusals//NL
BEGIN:VEVENT
%sEND:VEVENT
END:VCALENDAR
"""

REFUSALS = [
    # (what, file, the line it names, what it says)
    ("a series in a zone of the file that our zone would move",
     NO_ZONE_SERIES, 18, 'the series "Overleg over de zomertijd heen" repeats '
     "in a time zone of the file that matches no time zone hersteld knows"),
    ("a VEVENT without UID",
     EVENT % "SUMMARY:Zonder UID\nDTSTART:20270301T100000Z\n"
             "DTEND:20270301T110000Z\n", 4, "VEVENT without UID"),
    ("an empty DTSTART",
     EVENT % "UID:leeg@x\nSUMMARY:Lege start\nDTSTART:\n"
             "DTEND:20270301T110000Z\n", 7,
     'DTSTART in the event "Lege start": No value for DTSTART property'),
    ("a broken DTEND",
     EVENT % "UID:kapot@x\nSUMMARY:Kapotte eindtijd\n"
             "DTSTART:20270301T100000Z\nDTEND:1 maart 11:00\n", 8,
     'DTEND in the event "Kapotte eindtijd"'),
    ("an end before the start",
     EVENT % "UID:terug@x\nSUMMARY:Terug in de tijd\n"
             "DTSTART:20270301T100000Z\nDTEND:20270301T090000Z\n", 8,
     "the event ends before it starts"),
    ("two RRULEs",
     EVENT % "UID:twee@x\nSUMMARY:Twee regels\nDTSTART:20270301T100000Z\n"
             "DTEND:20270301T110000Z\nRRULE:FREQ=WEEKLY;COUNT=2\n"
             "RRULE:FREQ=DAILY;COUNT=2\n", 9, "more than one RRULE"),
    ("one UID twice",
     EVENT % ("UID:dubbel@x\nSUMMARY:Een\nDTSTART:20270301T100000Z\n"
              "DTEND:20270301T110000Z\nEND:VEVENT\nBEGIN:VEVENT\n"
              "UID:dubbel@x\nSUMMARY:Twee\nDTSTART:20270302T100000Z\n"
              "DTEND:20270302T110000Z\n"), 10, "a second event with UID"),
    ("an event over 366 days",
     EVENT % "UID:lang@x\nSUMMARY:Te lang\nDTSTART;VALUE=DATE:20270101\n"
             "DTEND;VALUE=DATE:20280103\n", 7,
     "the event lasts more than 366 days, hersteld's limit for one "
     "occurrence (7 days in a room)"),
    ("an RDATE before DTSTART",
     EVENT % "UID:vroeg@x\nSUMMARY:Te vroeg\nDTSTART:20270301T100000Z\n"
             "DTEND:20270301T110000Z\nRDATE:20270201T100000Z\n", 9,
     "RDATE 20270201T100000Z is before DTSTART"),
    ("an RDATE date in a series with times",
     EVENT % "UID:dag@x\nSUMMARY:Hele dag\nDTSTART:20270301T100000Z\n"
             "DTEND:20270301T110000Z\nRDATE;VALUE=DATE:20270308\n", 9,
     "RDATE 20270308 is a date, but DTSTART has a time"),
    ("an RDATE period that ends before it starts",
     EVENT % "UID:periode@x\nSUMMARY:Periode\nDTSTART:20270301T100000Z\n"
             "DTEND:20270301T110000Z\n"
             "RDATE;VALUE=PERIOD:20270308T100000Z/20270308T090000Z\n", 9,
     "the period of RDATE"),
    ("not a calendar",
     "BEGIN:VCARD\nVERSION:3.0\nFN:Fatima\nEND:VCARD\n", 1, "VCALENDAR"),
]


def test_import_refusals_that_remain_name_the_line_and_change_nothing(d):
    for what, text, line, says in REFUSALS:
        path = os.path.join(d.dir, "bad.ics")
        with open(path, "wb") as fp:
            fp.write(crlf(text).encode())
        before = d.dump()
        r = d.cli("import", path)
        assert r.rc == EX_DATAERR, (what, r)
        assert len(r.err_lines()) == 1, (what, r)
        assert "line %d:" % line in r.err, (what, line, r)
        assert says in r.err, (what, says, r)
        assert "X-LIC" not in r.err, (what, r)
        assert d.dump() == before, what


# ---- events longer than a week ----

LONG = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//lang//NL
BEGIN:VEVENT
UID:tentoonstelling-2027@voorbeeld.example
DTSTAMP:20261120T120000Z
SUMMARY:Tentoonstelling Herstel in beeld
DTSTART;TZID=Europe/Amsterdam:%s
DTEND;TZID=Europe/Amsterdam:%s
END:VEVENT
END:VCALENDAR
"""


def test_import_of_a_three_week_event_without_a_room_lists_it_on_a_middle_day(d):
    # Three weeks, starting two weeks after the pinned clock.
    start = (harness.now(CONFIGURED) + datetime.timedelta(days=14)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=21, hours=7)
    fmt = "%Y%m%dT%H%M%S"
    path = os.path.join(d.dir, "lang.ics")
    with open(path, "wb") as fp:
        fp.write(crlf(LONG % (start.strftime(fmt), end.strftime(fmt))).encode())
    r = d.cli("import", path, check=True)
    assert r.out == "1 added, 0 updated, 0 unchanged\n", r
    middle = (start + datetime.timedelta(days=10)).date()
    occ = d.cli("--json", "event", "list", "--from", middle.isoformat(),
                "--to", (middle + datetime.timedelta(days=1)).isoformat(),
                check=True).json()
    assert [(o["uid"], o["start"], o["end"]) for o in occ] == [
        ("tentoonstelling-2027@voorbeeld.example", start.isoformat(),
         end.isoformat())], occ
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200, status
    cal = icalendar.Calendar.from_ical(body)
    found = [ev for ev in cal.walk("VEVENT")
             if str(ev["UID"]) == "tentoonstelling-2027@voorbeeld.example"]
    assert len(found) == 1, body[:500]
    assert found[0].decoded("DTSTART") == start
    assert found[0].decoded("DTEND") == end
    # A room is booked for a week at most: the same length there is refused.
    eid = str(occ[0]["id"])
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "20", check=True)
    before = d.dump()
    r = d.cli("event", "edit", eid, "--room", "herstelhuis/zaal-1")
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "an occurrence in a room may last at most 7 days" in r.err, r
    r = d.cli("event", "add", "--kind", "overig", "--title", "Lang",
              "--start", start.strftime("%Y-%m-%d %H:%M"), "--duration",
              "21d", "--room", "herstelhuis/zaal-1")
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "an occurrence in a room may last at most 7 days" in r.err, r
    assert d.dump() == before
    # Its title can still be changed: the length is not in the way.
    d.cli("event", "edit", eid, "--title", "Herstel in beeld", check=True)


# ---- extra dates (RDATE) ----

RDATE_SERIES = "0d1e2f30-4152-4637-8a9b-acbdcedf0011"
RDATE_ONLY = "5e6f7081-92a3-4b4c-9d5e-6f708192a3b4"


def feed_occurrences(body, uids):
    """(start, end, title) of what recurring-ical-events expands from the
    feed for uids, in the window (a cancelled one's title without the
    "Afgelast: " the feed puts before it)."""
    cal = icalendar.Calendar.from_ical(body)
    frm, to = (datetime.date.fromisoformat(x) for x in WINDOW)
    return sorted((instant(ev["DTSTART"].dt), instant(ev["DTEND"].dt),
                   str(ev["SUMMARY"]).removeprefix("Afgelast: "))
                  for ev in recurring_ical_events.of(cal).between(frm, to)
                  if str(ev["UID"]) in uids)


def test_extra_dates_come_back_out_in_the_feed_as_rrule_and_rdate(d):
    path = fixture(d, "nextcloud_rdate.ics")
    d.cli("import", path, check=True)
    uids = uids_of(path)
    got = listed(d, uids)
    assert got == expanded(path)[0]
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200, status
    masters = {str(ev["UID"]): ev for ev in
               icalendar.Calendar.from_ical(body).walk("VEVENT")
               if "RECURRENCE-ID" not in ev}
    text = body.decode()
    for uid in (RDATE_SERIES, RDATE_ONLY):
        assert "RRULE" in masters[uid] and "RDATE" in masters[uid], text
    # RDATE alone is a series of one by its rule, plus the extra dates.
    assert "RRULE:FREQ=DAILY;COUNT=1" in text, text
    assert "RDATE;TZID=Europe/Amsterdam:20270413T100000" in text, text
    # The one in UTC and the one in London come out in the series' zone.
    assert "RDATE;TZID=Europe/Amsterdam:20270320T190000" in text, text
    assert "RDATE;TZID=Europe/Amsterdam:20270325T190000" in text, text
    # What a calendar program makes of the feed is what herstelctl lists.
    assert feed_occurrences(body, uids) == got
    # event show names the extra dates.
    eid = [o["id"] for o in d.cli("--json", "event", "list", "--from",
                                  "2027-02-01", "--to", "2027-02-03",
                                  check=True).json()
           if o["uid"] == RDATE_SERIES][0]
    ev = d.cli("--json", "event", "show", str(eid), check=True).json()
    assert "2027-03-25T19:00:00+01:00" in ev["extra"], ev
    assert "2027-02-04T19:00:00+01:00" in ev["extra"], ev
    r = d.cli("event", "show", str(eid), check=True)
    assert "Also on" in r.out, r
    # The feed imported back is what is there: nothing changes.
    before = d.dump()
    back = os.path.join(d.dir, "feed.ics")
    with open(back, "wb") as fp:
        fp.write(body)
    r = d.cli("import", back, check=True)
    assert r.out == "0 added, 0 updated, 2 unchanged\n", r
    assert d.dump() == before


def test_extra_dates_can_be_picked_changed_and_split_off(d):
    d.cli("import", fixture(d, "nextcloud_rdate.ics"), check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-01-01", "--to",
                "2028-01-01", check=True).json()
    ids = {o["uid"]: str(o["id"]) for o in occ}
    series, only = ids[RDATE_SERIES], ids[RDATE_ONLY]
    # One extra date changed by itself, found by its local date.
    d.cli("event", "edit", series, "--occurrence", "2027-03-25", "--title",
          "Lotgenotengroep Noord (donderdag)", check=True)
    # One taken out.
    d.cli("event", "cancel", series, "--occurrence", "2027-03-20",
          check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-03-15", "--to",
                "2027-04-01", check=True).json()
    assert [(o["occurrence"], o["title"], o["status"]) for o in occ] == [
        ("2027-03-20", "Lotgenotengroep Noord", "cancelled"),
        ("2027-03-25", "Lotgenotengroep Noord (donderdag)", "published"),
    ], occ
    # Split where the rule still repeats after an extra date: refused.
    before = d.dump()
    r = d.cli("event", "edit", series, "--following", "2027-02-04",
              "--title", "Later")
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "extra date (RDATE)" in r.err, r
    assert d.dump() == before
    # A date that is neither the rule's nor an extra date.
    r = d.cli("event", "edit", only, "--occurrence", "2027-04-14", "--title",
              "X")
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "--occurrence 2027-04-14 is not an occurrence of this series (it "\
        "starts 2027-04-06 10:00, repeats FREQ=DAILY;COUNT=1 and has 2 "\
        "extra dates)" in r.err, r
    # After the rule's end, an extra date starts the new part.
    d.cli("event", "edit", only, "--following", "2027-04-13", "--title",
          "Inloopochtend (nieuw)", check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-04-01", "--to",
                "2027-05-01", check=True).json()
    got = [(o["occurrence"] or o["start"][:10], o["title"]) for o in occ]
    assert got == [("2027-04-06", "Inloopochtend Herstelhuis"),
                   ("2027-04-13", "Inloopochtend (nieuw)"),
                   ("2027-04-20", "Inloopochtend (nieuw)")], occ
    assert occ[1]["id"] == occ[2]["id"] != occ[0]["id"], occ
    # Moved across the start of summer time, an extra date keeps its
    # wall-clock distance from the start: 10:00 stays 10:00.
    d.cli("event", "edit", str(occ[1]["id"]), "--start", "2027-03-23 10:00",
          check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-03-22", "--to",
                "2027-04-01", check=True).json()
    assert [o["start"] for o in occ if o["title"] == "Inloopochtend (nieuw)"
            ] == ["2027-03-23T10:00:00+01:00", "2027-03-30T10:00:00+02:00"], occ
    # And the feed still says the same as the list.
    status, _, body = d.http("GET", "/feeds/public.ics")
    listed_all = listed(d, {RDATE_SERIES, RDATE_ONLY} | {
        o["uid"] for o in occ})
    assert feed_occurrences(body, {o["uid"] for o in occ} |
                            {RDATE_SERIES, RDATE_ONLY}) == listed_all


PERIODS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:Zimbra-Calendar-Provider
BEGIN:VEVENT
UID:8f1c2a3b-periods@zimbra.example
DTSTAMP:20261120T120000Z
SUMMARY:Kennissessie schuldhulp
DTSTART;TZID=Europe/Amsterdam:20270503T140000
DTEND;TZID=Europe/Amsterdam:20270503T160000
RDATE;VALUE=PERIOD:20270510T120000Z/20270510T150000Z,20270517T120000Z/PT2H
RDATE;TZID=Europe/Amsterdam;VALUE=PERIOD:20270524T140000/PT1H
END:VEVENT
END:VCALENDAR
"""


def test_rdate_periods_give_their_start_and_length(d):
    # recurring-ical-events 2.0 cannot read periods; RFC 5545 3.8.5.2:
    # the occurrence is the period.
    path = os.path.join(d.dir, "periods.ics")
    with open(path, "wb") as fp:
        fp.write(crlf(PERIODS).encode())
    r = d.cli("import", path, check=True)
    assert r.out == "1 added, 0 updated, 0 unchanged\n" and r.err == "", r
    occ = d.cli("--json", "event", "list", "--from", "2027-05-01", "--to",
                "2027-06-01", check=True).json()
    assert [(o["start"], o["end"]) for o in occ] == [
        ("2027-05-03T14:00:00+02:00", "2027-05-03T16:00:00+02:00"),
        ("2027-05-10T14:00:00+02:00", "2027-05-10T17:00:00+02:00"),
        ("2027-05-17T14:00:00+02:00", "2027-05-17T16:00:00+02:00"),
        ("2027-05-24T14:00:00+02:00", "2027-05-24T15:00:00+02:00"),
    ], occ
    r = d.cli("import", path, check=True)
    assert r.out == "0 added, 0 updated, 1 unchanged\n", r


def test_an_event_with_extra_dates_holds_its_room_on_each_of_them(d):
    d.cli("import", fixture(d, "nextcloud_rdate.ics"), check=True)
    occ = d.cli("--json", "event", "list", "--from", "2027-04-01", "--to",
                "2027-05-01", check=True).json()
    assert len(occ) == 3 and occ[0]["uid"] == RDATE_ONLY, occ
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "20", check=True)
    d.cli("event", "edit", str(occ[0]["id"]), "--room", "herstelhuis/zaal-1",
          check=True)
    slots = d.sqlite("SELECT s.start, s.\"end\" FROM booking_slot s JOIN "
                     "booking b ON b.id = s.booking_id WHERE b.event_id = ?",
                     (occ[0]["id"],))
    want = [(int(datetime.datetime.fromisoformat(o["start"]).timestamp()),
             int(datetime.datetime.fromisoformat(o["end"]).timestamp()))
            for o in occ]
    assert sorted(slots) == want, (slots, want)

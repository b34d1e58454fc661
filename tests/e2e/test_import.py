"""herstelctl import: a yearly plan from another calendar comes in as events
that keep their UIDs, series with their EXDATEs and RECURRENCE-ID
exceptions, in local time across the DST change of March 2027 (also from an
Outlook-style VTIMEZONE); importing the same file again changes nothing, an
updated file updates what changed; malformed and oversized files are
refused naming the line and change nothing; a feed exported by one daemon
and imported into a fresh one exports the same events.
"""

import datetime
import os

import icalendar

import harness
from harness import EX_DATAERR, EX_NOPERM

UID_SERIES = "lotgenoten-2027@jaarplanning.example"
UID_DIALOOG = "dialoog-2027-03@jaarplanning.example"
UID_NETWERK = "netwerk-2027@jaarplanning.example"
UID_THEMA = "thema-2027-04@jaarplanning.example"
UID_RECES = "zomerreces-2027@jaarplanning.example"

# Outlook writes its own zone names, with a VTIMEZONE of its own.
OUTLOOK_TZ = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""

PLAN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Gemeente//Jaarplanning 2027//NL
""" + OUTLOOK_TZ + """BEGIN:VEVENT
UID:""" + UID_SERIES + """
DTSTAMP:20261101T120000Z
SUMMARY:Lotgenotengroep
DESCRIPTION:Wekelijks samenkomen\\, met koffie.\\nIedereen welkom.
CATEGORIES:steungroep,Erkenning,Financiële hulp
LOCATION:Buurthuis De Meeuw\\, Bijlmerdreef 1
DTSTART;TZID=Europe/Amsterdam:20270309T190000
DTEND;TZID=Europe/Amsterdam:20270309T210000
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6
EXDATE;TZID=Europe/Amsterdam:20270323T190000
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_SERIES + """
DTSTAMP:20261101T120000Z
RECURRENCE-ID;TZID=Europe/Amsterdam:20270330T190000
SUMMARY:Lotgenotengroep (op woensdag)
DTSTART;TZID=Europe/Amsterdam:20270331T180000
DTEND;TZID=Europe/Amsterdam:20270331T200000
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_SERIES + """
DTSTAMP:20261101T120000Z
RECURRENCE-ID;TZID=Europe/Amsterdam:20270406T190000
SUMMARY:Lotgenotengroep
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_DIALOOG + """
DTSTAMP:20261101T120000Z
SUMMARY:Dialoogsessie compensatie
CATEGORIES:dialoogsessie
DTSTART;TZID=W. Europe Standard Time:20270325T140000
DTEND;TZID=W. Europe Standard Time:20270325T160000
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_NETWERK + """
DTSTAMP:20261101T120000Z
SUMMARY:Netwerksessie partners
CATEGORIES:netwerksessie
DTSTART;TZID=W. Europe Standard Time:20270318T100000
DTEND;TZID=W. Europe Standard Time:20270318T113000
RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20270408T235959Z
EXDATE;TZID=W. Europe Standard Time:20270401T100000
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_THEMA + """
DTSTAMP:20261101T120000Z
SUMMARY:Themabijeenkomst erkenning
STATUS:CANCELLED
DTSTART;TZID=Europe/Amsterdam:20270401T190000
DURATION:PT2H
END:VEVENT
BEGIN:VEVENT
UID:""" + UID_RECES + """
DTSTAMP:20261101T120000Z
SUMMARY:Zomerreces
DTSTART;VALUE=DATE:20270719
DTEND;VALUE=DATE:20270720
END:VEVENT
END:VCALENDAR
"""


def crlf(text):
    return text.replace("\n", "\r\n")


def write(d, name, text):
    path = os.path.join(d.dir, name)
    with open(path, "wb") as fp:
        fp.write(text.encode() if isinstance(text, str) else text)
    return path


def line_of(text, needle, nth=1):
    """The 1-based line number of the nth line of text containing needle."""
    seen = 0
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError("%r not in the text" % needle)


def do_import(d, text, *args, name="plan.ics", **kw):
    return d.cli("import", write(d, name, text), *args, **kw)


def occurrences(d, frm="2027-03-01", to="2027-08-01"):
    return d.cli("--json", "event", "list", "--from", frm, "--to", to,
                 check=True).json()


def by_uid(d):
    """Event details by UID (one `event show` per event in the window)."""
    ids = {o["uid"]: o["id"] for o in occurrences(d)}
    return {uid: d.cli("--json", "event", "show", str(eid), check=True).json()
            for uid, eid in ids.items()}


def refused(d, text, says, line=None, code=EX_DATAERR):
    """The file is refused with one line naming the line; nothing changes."""
    before = d.dump()
    r = do_import(d, text, name="bad.ics")
    assert r.rc == code, r
    assert len(r.err_lines()) == 1, r
    if line is not None:
        assert "line %d:" % line in r.err, (line, r)
    assert says in r.err, (says, r)
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def test_yearly_plan_comes_in_as_series_with_exceptions_in_local_time(d):
    r = do_import(d, crlf(PLAN), check=True)
    assert r.out == "5 added, 0 updated, 0 unchanged\n", r
    occ = occurrences(d)
    got = [(o["uid"], o["start"], o["end"], o["status"]) for o in occ]
    s, n = UID_SERIES, UID_NETWERK
    assert got == [
        (s, "2027-03-09T19:00:00+01:00", "2027-03-09T21:00:00+01:00", "published"),
        (s, "2027-03-16T19:00:00+01:00", "2027-03-16T21:00:00+01:00", "published"),
        (n, "2027-03-18T10:00:00+01:00", "2027-03-18T11:30:00+01:00", "published"),
        # 2027-03-23 is an EXDATE
        (n, "2027-03-25T10:00:00+01:00", "2027-03-25T11:30:00+01:00", "published"),
        (UID_DIALOOG, "2027-03-25T14:00:00+01:00", "2027-03-25T16:00:00+01:00",
         "published"),
        # summer time from 2027-03-28: same wall clock, other offset
        (s, "2027-03-31T18:00:00+02:00", "2027-03-31T20:00:00+02:00", "published"),
        (UID_THEMA, "2027-04-01T19:00:00+02:00", "2027-04-01T21:00:00+02:00",
         "cancelled"),
        # 2027-04-01 10:00 of the netwerksessie is an EXDATE
        (s, "2027-04-06T19:00:00+02:00", "2027-04-06T21:00:00+02:00", "cancelled"),
        (n, "2027-04-08T10:00:00+02:00", "2027-04-08T11:30:00+02:00", "published"),
        (s, "2027-04-13T19:00:00+02:00", "2027-04-13T21:00:00+02:00", "published"),
        (UID_RECES, "2027-07-19T00:00:00+02:00", "2027-07-20T00:00:00+02:00",
         "published"),
    ], got
    moved = [o for o in occ if o["uid"] == s and o["occurrence"] == "2027-03-30"]
    assert moved[0]["moved"] and moved[0]["title"] == "Lotgenotengroep (op woensdag)"
    ev = by_uid(d)
    series = ev[s]
    assert series["repeat"] == "FREQ=WEEKLY;COUNT=6;BYDAY=TU"
    assert series["except"] == ["2027-03-23"]
    assert series["kind"] == "steungroep"
    assert series["themes"] == ["erkenning", "financiele-hulp"]
    assert series["place"] == "Buurthuis De Meeuw, Bijlmerdreef 1"
    assert series["description"] == "Wekelijks samenkomen, met koffie.\nIedereen welkom."
    assert series["timezone"] == "Europe/Amsterdam"
    assert series["status"] == "published" and series["visibility"] == "public"
    # The Outlook zone is the configured one, Europe/Amsterdam.
    assert ev[UID_DIALOOG]["timezone"] == "Europe/Amsterdam"
    assert ev[UID_DIALOOG]["kind"] == "dialoogsessie"
    assert ev[UID_THEMA]["status"] == "cancelled"
    assert ev[UID_THEMA]["title"] == "Themabijeenkomst erkenning"
    assert ev[UID_THEMA]["kind"] == "overig"     # no category, no --kind
    assert [e["sequence"] for e in ev.values()] == [0] * 5
    audit = d.sqlite("SELECT action, detail FROM audit")
    assert audit == [("import", "5 added, 0 updated, 0 unchanged")], audit


def test_events_keep_their_uids(d):
    do_import(d, crlf(PLAN), check=True)
    uids = {o["uid"] for o in occurrences(d)}
    assert uids == {UID_SERIES, UID_DIALOOG, UID_NETWERK, UID_THEMA, UID_RECES}
    eid = [o["id"] for o in occurrences(d) if o["uid"] == UID_DIALOOG][0]
    assert d.cli("--json", "event", "show", str(eid),
                 check=True).json()["uid"] == UID_DIALOOG
    status, _, body = d.http("GET", "/events/%s.ics" % UID_DIALOOG)
    assert status == 200 and b"UID:" + UID_DIALOOG.encode() in body, body


def test_importing_the_same_file_twice_changes_nothing(d):
    do_import(d, crlf(PLAN), check=True)
    before = d.dump()
    r = do_import(d, crlf(PLAN), check=True)
    assert r.out == "0 added, 0 updated, 5 unchanged\n", r
    # No row anywhere, no SEQUENCE bump, not even an audit row.
    assert d.dump() == before
    # Line endings do not matter either.
    r = do_import(d, PLAN, check=True)
    assert r.out == "0 added, 0 updated, 5 unchanged\n", r
    assert d.dump() == before


def test_updated_file_updates_the_changed_event_and_bumps_its_sequence(d):
    do_import(d, crlf(PLAN), check=True)
    before = by_uid(d)
    moved = PLAN.replace("W. Europe Standard Time:20270325T140000",
                         "W. Europe Standard Time:20270325T150000").replace(
                         "W. Europe Standard Time:20270325T160000",
                         "W. Europe Standard Time:20270325T170000")
    assert moved != PLAN
    r = do_import(d, crlf(moved), "--json", check=True)
    answer = r.json()
    assert (answer["added"], answer["updated"], answer["unchanged"]) == (0, 1, 4)
    assert [e["uid"] for e in answer["events"] if e["action"] == "updated"] == \
        [UID_DIALOOG]
    after = by_uid(d)
    assert after[UID_DIALOOG]["start"] == "2027-03-25T15:00:00+01:00"
    assert after[UID_DIALOOG]["end"] == "2027-03-25T17:00:00+01:00"
    assert after[UID_DIALOOG]["sequence"] == 1
    assert after[UID_DIALOOG]["id"] == before[UID_DIALOOG]["id"]
    for uid in (UID_SERIES, UID_NETWERK, UID_THEMA, UID_RECES):
        assert after[uid] == before[uid], uid
    assert d.sqlite("SELECT detail FROM audit ORDER BY id")[-1] == (
        "0 added, 1 updated, 4 unchanged",)
    # A higher SEQUENCE in the file is kept; a title is not time or place.
    retitled = moved.replace("SUMMARY:Dialoogsessie compensatie",
                             "SUMMARY:Dialoogsessie herstel\nSEQUENCE:7")
    r = do_import(d, crlf(retitled), check=True)
    assert r.out == "0 added, 1 updated, 4 unchanged\n", r
    ev = by_uid(d)[UID_DIALOOG]
    assert ev["title"] == "Dialoogsessie herstel" and ev["sequence"] == 7
    # An exception taken out of the file: the occurrence is back as it was.
    plain = retitled.replace(
        "BEGIN:VEVENT\nUID:%s\nDTSTAMP:20261101T120000Z\n"
        "RECURRENCE-ID;TZID=Europe/Amsterdam:20270406T190000\n"
        "SUMMARY:Lotgenotengroep\nSTATUS:CANCELLED\nEND:VEVENT\n" % UID_SERIES, "")
    assert plain != retitled
    r = do_import(d, crlf(plain), check=True)
    assert r.out == "0 added, 1 updated, 4 unchanged\n", r
    occ = [o for o in occurrences(d) if o["occurrence"] == "2027-04-06"]
    assert occ[0]["status"] == "published", occ
    assert by_uid(d)[UID_SERIES]["sequence"] == 1


MALFORMED = [
    # (what, how to break the plan, the line it names, what it says)
    ("a broken DTSTART value",
     lambda p: p.replace("DTSTART;TZID=Europe/Amsterdam:20270309T190000",
                         "DTSTART;TZID=Europe/Amsterdam:2027-03-09 19:00"),
     lambda p: line_of(p, "2027-03-09 19:00"), "DTSTART"),
    ("a date that does not exist",
     lambda p: p.replace("20270325T160000", "20271345T160000"),
     lambda p: line_of(p, "20271345T160000"), "not a valid date"),
    ("a missing END:VEVENT",
     lambda p: p.replace("EXDATE;TZID=Europe/Amsterdam:20270323T190000\n"
                         "END:VEVENT\n",
                         "EXDATE;TZID=Europe/Amsterdam:20270323T190000\n"),
     lambda p: line_of(p, "BEGIN:VEVENT", 2), "END:VEVENT is missing"),
    ("a missing END:VCALENDAR",
     lambda p: p.replace("END:VCALENDAR\n", ""),
     lambda p: len(p.split("\n")) - 1, "END:VCALENDAR is missing"),
    ("not iCalendar at all",
     lambda p: "Jaarplanning 2027\nmaart: lotgenotengroep\n",
     lambda p: 1, "not an iCalendar file"),
    ("a line that is not NAME:VALUE",
     lambda p: p.replace("SUMMARY:Zomerreces\n", "SUMMARY:Zomerreces\nzomaar tekst\n"),
     lambda p: line_of(p, "zomaar tekst"), "not an iCalendar content line"),
    ("an unknown time zone",
     lambda p: p.replace("DTSTART;TZID=Europe/Amsterdam:20270401T190000",
                         "DTSTART;TZID=Mars/Olympus:20270401T190000"),
     lambda p: line_of(p, "Mars/Olympus"), 'time zone "Mars/Olympus"'),
    ("a time zone that is a path",
     lambda p: p.replace("DTSTART;TZID=Europe/Amsterdam:20270401T190000",
                         "DTSTART;TZID=../../../../etc/passwd:20270401T190000"),
     lambda p: line_of(p, "etc/passwd"), "is not one hersteld knows"),
    ("an event without a title",
     lambda p: p.replace("SUMMARY:Netwerksessie partners\n", ""),
     lambda p: line_of(p, "BEGIN:VEVENT", 5), "no SUMMARY"),
    ("a start the rule does not repeat on",
     lambda p: p.replace("FREQ=WEEKLY;BYDAY=TU;COUNT=6",
                         "FREQ=WEEKLY;BYDAY=WE;COUNT=6"),
     lambda p: line_of(p, "BYDAY=WE"), "not itself an occurrence of RRULE"),
    ("an end before the start",
     lambda p: p.replace("DTEND;TZID=Europe/Amsterdam:20270309T210000",
                         "DTEND;TZID=Europe/Amsterdam:20270309T180000"),
     lambda p: line_of(p, "20270309T180000"), "ends before it starts"),
    ("a SEQUENCE that is not a number",
     lambda p: p.replace("SUMMARY:Zomerreces\n", "SUMMARY:Zomerreces\nSEQUENCE:twee\n"),
     lambda p: line_of(p, "SEQUENCE:twee"), "not a whole number"),
    ("one UID twice",
     lambda p: p.replace("UID:" + UID_RECES, "UID:" + UID_DIALOOG),
     lambda p: line_of(p, "BEGIN:VEVENT", 7), "a second event with UID"),
]


def test_malformed_files_are_refused_naming_the_line_and_change_nothing(d):
    d.cli("event", "add", "--kind", "overig", "--title", "Bestaand",
          "--start", "2027-03-02 10:00", "--duration", "1h", check=True)
    # A good import first, so that a refusal has something to leave alone.
    do_import(d, crlf(PLAN.replace("DTSTART;TZID=Europe/Amsterdam:20270401T190000",
                                   "DTSTART;TZID=Europe/Amsterdam:20270402T190000")),
              check=True)
    for what, breaks, line, says in MALFORMED:
        text = breaks(PLAN)
        assert text != PLAN, what
        try:
            refused(d, crlf(text), says, line(text))
        except AssertionError as e:
            raise AssertionError("%s: %s" % (what, e))


def test_file_over_10_mib_is_refused_by_the_cli_and_by_the_daemon(d):
    mib10 = 10 * 1024 * 1024
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    tail = "END:VCALENDAR\r\n"
    # Padding lines of 512 KiB: one content line may be at most 1 MiB.
    pad = "X-PADDING:" + "x" * (512 * 1024 - 12) + "\r\n"
    body = pad * ((mib10 - len(head) - len(tail)) // len(pad))
    last = mib10 - len(head) - len(tail) - len(body)
    exact = head + body + "X-PADDING:" + "x" * (last - 12) + "\r\n" + tail
    assert len(exact) == mib10
    before = d.dump()
    r = do_import(d, exact + "x", name="big.ics")
    assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
    assert "larger than 10 MiB" in r.err, r
    assert d.dump() == before
    # The daemon does not rely on the CLI.
    status, _, body = d.api_socket("POST", "/api/v1/import",
                                   {"ics": exact + "x"})
    assert status == 413 and b"larger than 10 MiB" in body, (status, body)
    assert d.dump() == before
    # Exactly 10 MiB is fine (and holds no event).
    r = do_import(d, exact, name="big.ics", check=True)
    assert r.out == "0 added, 0 updated, 0 unchanged\n", r


def test_group_and_kind_options(d):
    d.cli("group", "add", "lotgenoten-zuidoost", "--name", "Lotgenoten Zuidoost",
          "--email", "info@example.org", check=True)
    before = d.dump()
    r = d.cli("import", write(d, "plan.ics", crlf(PLAN)), "--group", "nobody")
    assert r.rc == EX_DATAERR and "unknown group" in r.err, r
    r = d.cli("import", write(d, "plan.ics", crlf(PLAN)), "--kind", "feest")
    assert r.rc == EX_DATAERR and "--kind" in r.err, r
    assert d.dump() == before
    do_import(d, crlf(PLAN), "--group", "lotgenoten-zuidoost", "--kind",
              "kennissessie", check=True)
    ev = by_uid(d)
    assert {e["group"] for e in ev.values()} == {"lotgenoten-zuidoost"}
    assert ev[UID_THEMA]["kind"] == "kennissessie"     # no category: --kind
    assert ev[UID_SERIES]["kind"] == "steungroep"      # its category wins
    status, _, body = d.http("GET", "/feeds/group/lotgenoten-zuidoost.ics")
    assert status == 200 and UID_SERIES.encode() in body


def test_parts_that_cannot_be_imported_are_skipped_with_a_warning_and_orphans_come_alone(d):
    extra = PLAN.replace("END:VCALENDAR\n", """BEGIN:VTODO
UID:todo-1@example
SUMMARY:Zaal reserveren
END:VTODO
BEGIN:VEVENT
UID:elders@example
RECURRENCE-ID;TZID=Europe/Amsterdam:20270105T190000
SUMMARY:Uitzondering zonder reeks
DTSTART;TZID=Europe/Amsterdam:20270105T200000
DTEND;TZID=Europe/Amsterdam:20270105T210000
END:VEVENT
END:VCALENDAR
""")
    r = do_import(d, crlf(extra), check=True)
    # The changed occurrence without its series comes in by itself.
    assert r.out == "6 added, 0 updated, 0 unchanged\n", r
    warnings = r.err_lines()
    assert len(warnings) == 2, r
    assert "line %d:" % line_of(extra, "BEGIN:VTODO") in warnings[0]
    assert "VTODO skipped" in warnings[0]
    assert "line %d:" % line_of(extra, "RECURRENCE-ID", 3) in warnings[1]
    assert "single event with UID elders@example_R20270105T180000Z" in \
        warnings[1], r
    alone = [o for o in occurrences(d, "2027-01-01", "2027-02-01")]
    assert [(o["uid"], o["title"], o["start"], o["end"]) for o in alone] == [
        ("elders@example_R20270105T180000Z", "Uitzondering zonder reeks",
         "2027-01-05T20:00:00+01:00", "2027-01-05T21:00:00+01:00")], alone
    # Its UID is stable: the same file again changes nothing.
    before = d.dump()
    r = do_import(d, crlf(extra), check=True)
    assert r.out == "0 added, 0 updated, 6 unchanged\n", r
    assert d.dump() == before


def test_roles_organizer_imports_for_its_own_group_only(d):
    for slug in ("lotgenoten-zuidoost", "ouders-noord"):
        d.cli("group", "add", slug, "--name", slug, check=True)
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis", check=True)
    org = d.cli("token", "create", "--role", "organizer", "--group",
                "lotgenoten-zuidoost", "--name", "org", check=True).out.strip()
    mgr = d.cli("token", "create", "--role", "location-manager", "--location",
                "herstelhuis", "--name", "mgr", check=True).out.strip()
    path = write(d, "plan.ics", crlf(PLAN))
    before = d.dump()
    r = d.cli("import", path, token=mgr)
    assert r.rc == EX_NOPERM and len(r.err_lines()) == 1, r
    r = d.cli("import", path, "--group", "ouders-noord", token=org)
    assert r.rc == EX_NOPERM and "own group" in r.err, r
    assert d.dump() == before
    r = d.cli("import", path, token=org, check=True)
    assert r.out == "5 added, 0 updated, 0 unchanged\n", r
    assert {e["group"] for e in by_uid(d).values()} == {"lotgenoten-zuidoost"}
    # An event of another group is not the organizer's to overwrite.
    d.cli("event", "edit", str(by_uid(d)[UID_RECES]["id"]), "--group",
          "ouders-noord", check=True)
    before = d.dump()
    r = d.cli("import", write(d, "plan.ics", crlf(PLAN.replace(
        "SUMMARY:Zomerreces", "SUMMARY:Zomerstop"))), token=org)
    assert r.rc == EX_NOPERM and "another group" in r.err, r
    assert "line %d:" % line_of(PLAN, "BEGIN:VEVENT", 7) in r.err, r
    assert d.dump() == before


# ---- a feed out of one daemon, into another ----

COMPARED = ("SUMMARY", "DTSTART", "DTEND", "RRULE", "EXDATE", "STATUS",
            "SEQUENCE", "CATEGORIES", "LOCATION", "DESCRIPTION")


def _values(ev, name):
    v = ev.get(name)
    if v is None:
        return None
    if name == "EXDATE":
        lists = v if isinstance(v, list) else [v]
        return sorted(d.dt for x in lists for d in x.dts)
    if name == "CATEGORIES":
        lists = v if isinstance(v, list) else [v]
        return [str(c) for x in lists for c in x.cats]
    if name == "RRULE":
        return {k: list(x) for k, x in v.items()}
    if name in ("DTSTART", "DTEND"):
        return ev.decoded(name)
    return str(v)


def vevents(body):
    """The feed's VEVENTs by (UID, RECURRENCE-ID), parsed by icalendar."""
    cal = icalendar.Calendar.from_ical(body)
    out = {}
    for ev in cal.walk("VEVENT"):
        rid = ev.get("RECURRENCE-ID")
        key = (str(ev["UID"]), rid.dt if rid is not None else None)
        assert key not in out, key
        out[key] = {name: _values(ev, name) for name in COMPARED}
    return out


def feed(d):
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200, (status, body)
    return body


def plan_by_cli(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Johan Cruijff Boulevard, Amsterdam",
          "--hours", "mon-sun 08:00-23:00", check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Grote zaal",
          "--capacity", "40", check=True)
    d.cli("group", "add", "lotgenoten-zuidoost", "--name", "Lotgenoten Zuidoost",
          "--email", "info@example.org", check=True)
    sid = int(d.cli("event", "add", "--kind", "steungroep", "--title",
                    "Lotgenotengroep", "--start", "2027-03-02 19:00",
                    "--duration", "2h", "--room", "herstelhuis/zaal-1",
                    "--group", "lotgenoten-zuidoost", "--repeat",
                    "FREQ=WEEKLY;BYDAY=TU;COUNT=8", "--except", "2027-03-16",
                    "--theme", "erkenning", "--theme", "uht",
                    "--description", "Regel 1\nRegel 2; met \"quotes\", ja",
                    check=True).out)
    d.cli("event", "edit", str(sid), "--occurrence", "2027-03-30", "--start",
          "2027-03-31 18:30", "--title", "Lotgenotengroep (woensdag)", check=True)
    d.cli("event", "cancel", str(sid), "--occurrence", "2027-04-13",
          "--reason", "Pasen", check=True)
    one = int(d.cli("event", "add", "--kind", "dialoogsessie", "--title",
                    "Dialoog: herstel, compensatie", "--start",
                    "2027-03-27 14:00", "--duration", "90m", "--place",
                    "Café \"De Meeuw\", Noord; 2e verdieping", check=True).out)
    d.cli("event", "cancel", str(one), "--reason", "Te weinig aanmeldingen",
          check=True)
    d.cli("event", "add", "--kind", "themabijeenkomst", "--title", "Erkenning",
          "--start", "2027-04-01 19:00", "--end", "2027-04-01 21:30",
          "--location", "herstelhuis", "--description", "Een avond.",
          check=True)
    d.cli("event", "add", "--kind", "netwerksessie", "--title", "Ochtend",
          "--start", "2027-03-25 09:00", "--duration", "1h", "--place",
          "Stadhuis", "--repeat", "FREQ=DAILY;INTERVAL=7;UNTIL=20270415",
          check=True)
    d.cli("event", "add", "--kind", "kennissessie", "--title", "Inloop",
          "--start", "2027-03-20 10:00", "--duration", "2h", "--room",
          "herstelhuis/zaal-1", check=True)
    d.cli("book", "herstelhuis/zaal-1", "--start", "2027-03-20 13:00",
          "--duration", "1h", "--title", "Overleg", check=True)


def test_feed_round_trip_into_a_fresh_daemon_gives_the_same_events(d):
    plan_by_cli(d)
    first = feed(d)
    events = vevents(first)
    assert len(events) == 7, sorted(events)    # 5 events, 2 exceptions
    with harness.Daemon() as fresh:
        r = do_import(fresh, first.decode(), name="feed.ics", check=True)
        assert r.out == "5 added, 0 updated, 0 unchanged\n", r
        second = feed(fresh)
        assert vevents(second) == events
        # ... and their occurrences are the same to herstelctl.
        def shown(x):
            return [(o["uid"], o["occurrence"], o["start"], o["end"], o["title"],
                     o["status"], o["sequence"])
                    for o in occurrences(x, "2027-03-01", "2027-05-01")]
        assert shown(fresh) == shown(d)
        # Importing the second feed back changes nothing there either.
        before = fresh.dump()
        r = do_import(fresh, second.decode(), name="feed2.ics", check=True)
        assert r.out == "0 added, 0 updated, 5 unchanged\n", r
        assert fresh.dump() == before
        assert not harness.sanitizer_report(fresh.stderr())


def test_own_feed_imported_back_changes_nothing(d):
    plan_by_cli(d)
    before = d.dump()
    r = do_import(d, feed(d).decode(), name="feed.ics", check=True)
    assert r.out == "0 added, 0 updated, 5 unchanged\n", r
    # The room stays booked; nothing at all is written.
    assert d.dump() == before


def test_event_in_a_room_keeps_it_and_its_booking_follows_the_file(d):
    plan_by_cli(d)
    text = feed(d).decode()
    assert "DTSTART;TZID=Europe/Amsterdam:20270320T100000" in text
    # Over the booking from 13:00: refused with the clash, nothing written.
    clash = text.replace("20270320T100000", "20270320T123000").replace(
        "20270320T120000", "20270320T133000")
    before = d.dump()
    r = do_import(d, clash, name="clash.ics")
    assert r.rc == EX_DATAERR and "zaal-1" in r.err, r
    begin = clash.rfind("BEGIN:VEVENT", 0, clash.index("20270320T123000"))
    assert "line %d:" % (clash[:begin].count("\n") + 1) in r.err, r
    assert d.dump() == before
    # Later that afternoon: the event and its booking move together.
    later = text.replace("20270320T100000", "20270320T150000").replace(
        "20270320T120000", "20270320T170000")
    r = do_import(d, later, name="later.ics", check=True)
    assert r.out == "0 added, 1 updated, 4 unchanged\n", r
    occ = [o for o in occurrences(d) if o["title"] == "Inloop"]
    assert [(o["start"], o["room"], o["sequence"]) for o in occ] == [
        ("2027-03-20T15:00:00+01:00", "herstelhuis/zaal-1", 1)], occ
    slots = d.sqlite("SELECT s.start, s.\"end\" FROM booking_slot s JOIN "
                     "booking b ON b.id = s.booking_id JOIN event e ON "
                     "e.id = b.event_id WHERE e.title = 'Inloop'")
    start = int(datetime.datetime(2027, 3, 20, 14, 0,
                                  tzinfo=datetime.timezone.utc).timestamp())
    assert slots == [(start, start + 7200)], slots

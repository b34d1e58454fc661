"""Room bookings through herstelctl (issue 3): single and recurring
bookings, one conflict engine for bookings, events, closures and opening
hours; refusals that list every colliding occurrence and change nothing;
--skip-conflicts and restoring a skipped date; DST; 32 concurrent requests
for one slot; approval by location managers over TCP; roles; privacy
("bezet"); room availability and room find.

Today is 2026-11-22 on the test machine; every date used lies between
December 2026 and October 2028, inside bookings.horizon_days (730).
"""

import datetime
import json
import subprocess
import zoneinfo

import harness
from harness import EX_DATAERR, EX_NOPERM, EX_OK, EX_USAGE

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")

ROOM = "herstelhuis/zaal-2"
THURSDAYS = "FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z"
TUESDAYS = "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T235959Z"
GROUP = ["--group", "lotgenoten-zuidoost"]


def setup(d):
    """Two locations.  Herstelhuis is open mon-sat 09:00-22:00 and closed
    over Christmas; Noord has no opening hours (open all day)."""
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--hours", "mon-sat 09:00-22:00", check=True)
    d.cli("location", "add", "noord", "--name", "Huis van de Wijk Noord",
          check=True)
    for ref, name, cap, extra in (
            ("herstelhuis/zaal-1", "Grote zaal", "40", ["--accessible"]),
            ("herstelhuis/zaal-2", "Zaal 2", "12", []),
            ("herstelhuis/spreekkamer", "Spreekkamer", "6", ["--accessible"]),
            ("herstelhuis/stilte", "Stilteruimte", "15",
             ["--accessible", "--needs-approval"]),
            ("noord/zaal-1", "Zaal Noord", "20", [])):
        d.cli("room", "add", ref, "--name", name, "--capacity", cap, *extra,
              check=True)
    d.cli("closure", "add", "herstelhuis", "--from", "2026-12-24", "--to",
          "2026-12-27", "--reason", "Kerst", check=True)
    for slug, name in (("lotgenoten-zuidoost", "Lotgenoten Zuidoost"),
                       ("ouders-noord", "Ouders Noord")):
        d.cli("group", "add", slug, "--name", name, "--kind", "steungroep",
              "--email", "info@example.org", check=True)


def token(d, *args):
    return d.cli("token", "create", *args, check=True).out.strip()


def organizer(d, group="lotgenoten-zuidoost"):
    return token(d, "--role", "organizer", "--group", group, "--name",
                 "org " + group)


def manager(d, location="herstelhuis"):
    return token(d, "--role", "location-manager", "--location", location,
                 "--name", "beheer " + location)


def book(d, room, start, *args, token=None):
    """Book; the id is the only thing on stdout's first line."""
    if not any(a in ("--end", "--duration") for a in args):
        args = ("--duration", "2h") + tuple(args)
    r = d.cli("book", room, "--start", start, *args, token=token, check=True)
    first = r.out.splitlines()[0]
    assert first.isdigit(), r
    return int(first)


def show(d, bid, token=None):
    return d.cli("--json", "booking", "show", str(bid), token=token,
                 check=True).json()


def refused(d, args, code=EX_DATAERR, says=None, listing=(), token=None):
    """args is refused: a first stderr line saying why (containing says),
    then exactly the indented lines in listing (the colliding
    occurrences), nothing on stdout, the exit code, and no change to the
    database."""
    before = d.dump()
    r = d.cli(*args, token=token)
    assert r.rc == code, r
    lines = r.err_lines()
    assert lines and lines[0].startswith("herstelctl: "), r
    if says is not None:
        assert says in lines[0], (says, r)
    assert lines[1:] == ["  " + x for x in listing], (list(listing), r)
    assert r.out == "", r
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def held(d, bid):
    """Local start/end ("YYYY-MM-DD HH:MM") of the held slots of bid."""
    rows = d.sqlite("SELECT start, \"end\" FROM booking_slot WHERE "
                    "booking_id = ? AND state = 'held' ORDER BY start", (bid,))
    return [(local(s), local(e)) for s, e in rows]


def local(ts):
    return datetime.datetime.fromtimestamp(ts, AMS).strftime("%Y-%m-%d %H:%M")


def slot_states(d, bid):
    return dict(d.sqlite("SELECT state, count(*) FROM booking_slot WHERE "
                         "booking_id = ? GROUP BY state", (bid,)))


def availability(d, room, frm, to, token=None):
    return d.cli("--json", "room", "availability", room, "--from", frm,
                 "--to", to, token=token, check=True).json()


def event(d, *args):
    return int(d.cli("event", "add", "--kind", "steungroep", *args,
                     check=True).out.strip())


# ---- single bookings ----

def test_single_booking_is_confirmed_at_once_and_prints_its_id(d):
    setup(d)
    r = d.cli("book", ROOM, "--start", "2026-12-08 19:00", "--duration", "2h",
              *GROUP, "--title", "Lotgenotengroep", check=True)
    bid = int(r.out.strip())
    assert r.out == "%d\n" % bid, r
    assert "booking %d: confirmed, 1 occurrence(s) held" % bid in r.err, r
    b = show(d, bid)
    assert b["status"] == "confirmed" and b["room"] == ROOM
    assert b["start"] == "2026-12-08T19:00:00+01:00"
    assert b["end"] == "2026-12-08T21:00:00+01:00"
    assert b["group"] == "lotgenoten-zuidoost" and b["title"] == "Lotgenotengroep"
    assert b["held"] == 1 and b["repeat"] is None and b["private"] is False
    assert held(d, bid) == [("2026-12-08 19:00", "2026-12-08 21:00")]
    listing = d.cli("booking", "list", "--room", ROOM, check=True).out
    assert "Lotgenotengroep" in listing and "confirmed" in listing
    # --end instead of --duration, in another room
    other = book(d, "herstelhuis/zaal-1", "2026-12-08 19:00", "--end",
                 "2026-12-08 20:30")
    assert show(d, other)["end"] == "2026-12-08T20:30:00+01:00"
    assert d.sqlite("SELECT action FROM audit WHERE action LIKE 'booking.%'") \
        == [("booking.add",), ("booking.add",)]


def test_dry_run_says_whether_it_is_free_and_writes_nothing(d):
    setup(d)
    book(d, ROOM, "2027-01-07 19:00", "--title", "Blok")
    before = d.dump()
    series = ["book", ROOM, "--start", "2026-12-03 19:00", "--duration", "2h",
              "--repeat", THURSDAYS, "--dry-run"]
    # without --skip-conflicts a dry run is refused just like the real one
    refused(d, series, says="is not free for 2 of 57 occurrence(s)",
            listing=["2026-12-24 19:00-21:00: closed (Kerst)",
                     '2027-01-07 19:00-21:00: booked: "Blok"'])
    r = d.cli(*series, "--skip-conflicts", check=True)
    assert r.out.splitlines() == [
        "not free: 55 occurrence(s) free, would be confirmed",
        "Would not get 2 occurrence(s), not free:",
        "  2026-12-24 19:00-21:00: closed (Kerst)",
        '  2027-01-07 19:00-21:00: booked: "Blok"'], r
    r = d.cli("book", ROOM, "--start", "2026-12-01 19:00", "--duration", "2h",
              "--dry-run", check=True)
    assert r.out == "free: 1 occurrence(s) free, would be confirmed\n", r
    assert d.dump() == before


def test_back_to_back_bookings_do_not_conflict(d):
    setup(d)
    room = "noord/zaal-1"         # open all day: 23:00 is allowed here
    a = book(d, room, "2026-12-08 19:00", "--end", "2026-12-08 21:00")
    b = book(d, room, "2026-12-08 21:00", "--end", "2026-12-08 23:00")
    c = book(d, room, "2026-12-08 17:00", "--end", "2026-12-08 19:00")
    assert [show(d, x)["status"] for x in (a, b, c)] == ["confirmed"] * 3
    # and within opening hours at the Herstelhuis, up to closing time
    book(d, ROOM, "2026-12-08 19:00", "--end", "2026-12-08 21:00")
    book(d, ROOM, "2026-12-08 21:00", "--end", "2026-12-08 22:00")
    book(d, ROOM, "2026-12-08 09:00", "--end", "2026-12-08 19:00")


def test_overlap_by_one_minute_is_refused(d):
    setup(d)
    book(d, ROOM, "2026-12-08 19:00", *GROUP, "--title", "Lotgenotengroep")
    what = 'booked: "Lotgenotengroep" (Lotgenoten Zuidoost)'
    refused(d, ["book", ROOM, "--start", "2026-12-08 20:59", "--end",
                "2026-12-08 22:00"],
            says="room herstelhuis/zaal-2 is not free for 1 of 1 occurrence(s)",
            listing=["2026-12-08 20:59-22:00: " + what])
    refused(d, ["book", ROOM, "--start", "2026-12-08 17:00", "--end",
                "2026-12-08 19:01"],
            says="nothing was booked",
            listing=["2026-12-08 17:00-19:01: " + what])
    refused(d, ["book", ROOM, "--start", "2026-12-08 19:30", "--duration",
                "30m"], listing=["2026-12-08 19:30-20:00: " + what])
    refused(d, ["book", ROOM, "--start", "2026-12-08 18:00", "--duration",
                "4h"], listing=["2026-12-08 18:00-22:00: " + what])


def test_refusal_as_json_has_every_collision_in_details(d):
    setup(d)
    book(d, ROOM, "2026-12-08 19:00", *GROUP, "--title", "Lotgenotengroep")
    before = d.dump()
    r = d.cli("--json", "book", ROOM, "--start", "2026-12-08 20:00",
              "--duration", "1h")
    assert r.rc == EX_DATAERR, r
    err = json.loads(r.err)["error"]
    assert err["code"] == "conflict", err
    assert err["details"] == [{
        "start": "2026-12-08T20:00:00+01:00",
        "end": "2026-12-08T21:00:00+01:00", "kind": "booking",
        "text": '2026-12-08 20:00-21:00: booked: "Lotgenotengroep" '
                '(Lotgenoten Zuidoost)'}], err
    assert d.dump() == before


# ---- series ----

def test_weekly_series_over_christmas_closure_is_refused_whole_naming_24_december(d):
    setup(d)
    r = refused(d, ["book", ROOM, "--start", "2026-12-03 19:00", "--duration",
                    "2h", "--repeat", THURSDAYS, *GROUP, "--title",
                    "Lotgenotengroep"],
                says="room herstelhuis/zaal-2 is not free for 1 of 57 "
                     "occurrence(s); nothing was booked (use "
                     "--skip-conflicts to book the others)",
                listing=["2026-12-24 19:00-21:00: closed (Kerst)"])
    assert d.sqlite("SELECT count(*) FROM booking") == [(0,)]
    assert d.sqlite("SELECT count(*) FROM booking_slot") == [(0,)]
    # the same request as JSON: a 409 with the closure in its details
    r = d.cli("--json", "book", ROOM, "--start", "2026-12-03 19:00",
              "--duration", "2h", "--repeat", THURSDAYS)
    details = json.loads(r.err)["error"]["details"]
    assert [(x["start"], x["kind"]) for x in details] == [
        ("2026-12-24T19:00:00+01:00", "closure")], r
    # a Tuesday series misses the closure (22 and 29 December are free)
    bid = book(d, ROOM, "2026-12-01 19:00", "--repeat", TUESDAYS)
    b = show(d, bid)
    assert b["held"] == 57 and b["repeat"] == TUESDAYS, b
    dates = [s for s, _ in held(d, bid)]
    assert "2026-12-22 19:00" in dates and "2026-12-29 19:00" in dates


def blockers(d):
    """Things in zaal-2 on some Thursdays at 19:00-21:00 (and some that
    are not in the way); returns the lines the Thursday series must list."""
    book(d, ROOM, "2027-01-07 19:00", "--group", "ouders-noord", "--title",
         "Inloopspreekuur")
    book(d, ROOM, "2027-02-11 20:00", "--title", "Bewonersavond")
    book(d, ROOM, "2027-03-04 18:00", "--duration", "90m", "--group",
         "ouders-noord", "--title", "Budgetcafe", "--private")
    event(d, "--title", "Erkenning", "--start", "2027-04-01 20:30",
          "--duration", "1h", "--room", ROOM, *GROUP)
    # not in the way: another day, back to back, another room
    book(d, ROOM, "2027-01-08 19:00", "--title", "Vrijdag")
    book(d, ROOM, "2027-01-14 21:00", "--end", "2027-01-14 22:00",
         "--title", "Aansluitend")
    book(d, ROOM, "2027-01-14 17:00", "--end", "2027-01-14 19:00",
         "--title", "Ervoor")
    book(d, "herstelhuis/zaal-1", "2027-01-21 19:00", "--title", "Elders")
    return ["2026-12-24 19:00-21:00: closed (Kerst)",
            '2027-01-07 19:00-21:00: booked: "Inloopspreekuur" (Ouders Noord)',
            '2027-02-11 19:00-21:00: booked: "Bewonersavond"',
            '2027-03-04 19:00-21:00: booked: "Budgetcafe" (Ouders Noord)',
            '2027-04-01 19:00-21:00: booked: "Erkenning" (Lotgenoten Zuidoost)']


SERIES = ["book", ROOM, "--start", "2026-12-03 19:00", "--duration", "2h",
          "--repeat", THURSDAYS, *GROUP, "--title", "Lotgenotengroep"]


def test_series_colliding_with_bookings_lists_every_colliding_date(d):
    setup(d)
    expect = blockers(d)
    refused(d, SERIES, says="is not free for 5 of 57 occurrence(s)",
            listing=expect)


def test_skip_conflicts_books_the_rest_and_lists_the_skipped_dates(d):
    setup(d)
    expect = blockers(d)
    r = d.cli(*SERIES, "--skip-conflicts", check=True)
    bid = int(r.out.splitlines()[0])
    assert "booking %d: confirmed, 52 occurrence(s) held" % bid in r.err, r
    both = (r.out + r.err).splitlines()
    assert "Skipped 5 occurrence(s), not free:" in both, r
    i = both.index("Skipped 5 occurrence(s), not free:")
    assert both[i + 1:i + 6] == ["  " + x for x in expect], r
    assert show(d, bid)["held"] == 52
    assert slot_states(d, bid) == {"held": 52, "skipped": 5}
    dates = [s[:10] for s, _ in held(d, bid)]
    for x in expect:
        assert x[:10] not in dates, x
    assert "2026-12-31" in dates and "2027-12-30" in dates
    # the skipped dates are still someone else's; the held ones are ours
    refused(d, ["book", ROOM, "--start", "2027-01-28 20:00", "--duration",
                "1h"],
            listing=['2027-01-28 20:00-21:00: booked: "Lotgenotengroep" '
                     '(Lotgenoten Zuidoost)'])


def test_restore_holds_a_skipped_date_again_once_the_blocker_is_cancelled(d):
    setup(d)
    blockers(d)
    bid = int(d.cli(*SERIES, "--skip-conflicts", check=True).out.split()[0])
    blocker = d.sqlite("SELECT id FROM booking WHERE title = 'Inloopspreekuur'")[0][0]
    restore = ["booking", "restore", str(bid), "--occurrence", "2027-01-07"]
    refused(d, restore, says="room herstelhuis/zaal-2 is still not free on "
            "2027-01-07", listing=['2027-01-07 19:00-21:00: booked: '
                                   '"Inloopspreekuur" (Ouders Noord)'])
    refused(d, ["booking", "restore", str(bid), "--occurrence", "2026-12-24"],
            says="still not free",
            listing=["2026-12-24 19:00-21:00: closed (Kerst)"])
    refused(d, ["booking", "restore", str(bid), "--occurrence", "2027-01-08"],
            says="--occurrence 2027-01-08 is not an occurrence of booking %d"
            % bid)
    refused(d, ["booking", "restore", str(bid), "--occurrence", "2027-01-14"],
            says="already held")
    d.cli("booking", "cancel", str(blocker), check=True)
    assert show(d, blocker)["status"] == "cancelled"
    r = d.cli("--json", "booking", "restore", str(bid), "--occurrence",
              "2027-01-07", check=True)
    assert r.json()["held"] == 53, r
    assert ("2027-01-07 19:00", "2027-01-07 21:00") in held(d, bid)
    assert slot_states(d, bid) == {"held": 53, "skipped": 4}
    # now the date is ours again: the old blocker cannot come back
    refused(d, ["book", ROOM, "--start", "2027-01-07 19:00", "--duration",
                "2h"], listing=['2027-01-07 19:00-21:00: booked: '
                                '"Lotgenotengroep" (Lotgenoten Zuidoost)'])
    assert d.sqlite("SELECT action FROM audit ORDER BY id DESC LIMIT 1") == \
        [("booking.restore",)]


def test_cancel_one_occurrence_or_the_series_frees_the_room(d):
    setup(d)
    bid = book(d, ROOM, "2026-12-01 19:00", "--repeat", TUESDAYS, *GROUP,
               "--title", "Lotgenotengroep")
    d.cli("booking", "cancel", str(bid), "--occurrence", "2026-12-15",
          check=True)
    assert show(d, bid)["held"] == 56
    other = book(d, ROOM, "2026-12-15 19:00", "--title", "Invaller")
    refused(d, ["booking", "cancel", str(bid), "--occurrence", "2026-12-15"],
            says="not held")
    # the cancelled date is taken now: restoring it is refused
    refused(d, ["booking", "restore", str(bid), "--occurrence", "2026-12-15"],
            says="still not free",
            listing=['2026-12-15 19:00-21:00: booked: "Invaller"'])
    d.cli("booking", "cancel", str(bid), check=True)
    assert show(d, bid)["status"] == "cancelled" and show(d, bid)["held"] == 0
    book(d, ROOM, "2026-12-22 19:00", "--title", "Na annulering")
    refused(d, ["booking", "cancel", str(bid)], says="already cancelled")
    assert show(d, other)["status"] == "confirmed"


# ---- opening hours ----

def test_opening_hours_are_respected_and_named(d):
    setup(d)
    hours = "outside the opening hours (%s, mon-sat 09:00-22:00)"
    refused(d, ["book", ROOM, "--start", "2026-12-13 19:00", "--duration",
                "2h"], says="not free for 1 of 1",
            listing=["2026-12-13 19:00-21:00: " + hours % "sunday"])
    refused(d, ["book", ROOM, "--start", "2026-12-14 21:30", "--end",
                "2026-12-14 23:00"],
            listing=["2026-12-14 21:30-23:00: " + hours % "monday"])
    refused(d, ["book", ROOM, "--start", "2026-12-14 08:30", "--end",
                "2026-12-14 10:00"],
            listing=["2026-12-14 08:30-10:00: " + hours % "monday"])
    # exactly the opening hours is fine
    book(d, ROOM, "2026-12-14 09:00", "--end", "2026-12-14 22:00")
    # a daily series lists each Sunday
    refused(d, ["book", ROOM, "--start", "2027-01-07 10:00", "--duration",
                "1h", "--repeat", "FREQ=DAILY;COUNT=8"],
            says="not free for 1 of 8",
            listing=["2027-01-10 10:00-11:00: " + hours % "sunday"])


# ---- DST ----

def test_series_across_dst_holds_19_local_and_conflicts_in_local_time(d):
    setup(d)
    bid = book(d, ROOM, "2027-03-02 19:00", "--repeat",
               "FREQ=WEEKLY;UNTIL=20270427T235959Z", "--title", "Voorjaar",
               *GROUP)
    slots = held(d, bid)
    assert len(slots) == 9, slots
    assert all(s[11:] == "19:00" and e[11:] == "21:00" for s, e in slots), slots
    utc = [datetime.datetime.fromtimestamp(t, datetime.timezone.utc).hour
           for (t,) in d.sqlite("SELECT start FROM booking_slot WHERE "
                                "booking_id = ? ORDER BY start", (bid,))]
    assert utc == [18] * 4 + [17] * 5, utc     # summer time from 28 March
    busy = [(p["start"], p["end"], p["what"]) for p in
            availability(d, ROOM, "2027-03-22", "2027-04-01")
            if p["state"] == "busy"]
    assert busy == [
        ("2027-03-23T19:00:00+01:00", "2027-03-23T21:00:00+01:00",
         "Voorjaar (Lotgenoten Zuidoost)"),
        ("2027-03-30T19:00:00+02:00", "2027-03-30T21:00:00+02:00",
         "Voorjaar (Lotgenoten Zuidoost)")], busy
    b = show(d, bid)
    assert b["start"] == "2027-03-02T19:00:00+01:00", b
    what = 'booked: "Voorjaar" (Lotgenoten Zuidoost)'
    refused(d, ["book", ROOM, "--start", "2027-03-30 19:30", "--duration",
                "1h"], listing=["2027-03-30 19:30-20:30: " + what])
    refused(d, ["book", ROOM, "--start", "2027-04-06 20:30", "--duration",
                "1h"], listing=["2027-04-06 20:30-21:30: " + what])
    # an hour later or earlier in local time is free on both sides of 28 March
    for day in ("2027-03-23", "2027-03-30", "2027-04-13"):
        book(d, ROOM, day + " 21:00", "--duration", "1h")
        book(d, ROOM, day + " 18:00", "--duration", "1h")
    # and back again when summer time ends on 31 October 2027
    autumn = book(d, "herstelhuis/zaal-1", "2027-10-19 19:00", "--repeat",
                  "FREQ=WEEKLY;COUNT=4")
    assert held(d, autumn) == [("2027-%s 19:00" % x, "2027-%s 21:00" % x)
                               for x in ("10-19", "10-26", "11-02", "11-09")]
    refused(d, ["book", "herstelhuis/zaal-1", "--start", "2027-11-02 20:30",
                "--duration", "1h"],
            listing=['2027-11-02 20:30-21:30: booked'])
    book(d, "herstelhuis/zaal-1", "2027-11-02 21:00", "--duration", "1h")


# ---- concurrency ----

def test_32_concurrent_requests_for_one_slot_end_with_exactly_one_booking(d):
    setup(d)
    procs = []
    for i in range(32):
        argv = [d.herstelctl, "--socket", d.socket, "book", ROOM, "--start",
                "2026-12-10 19:00", "--duration", "2h", "--title",
                "Poging %d" % i]
        procs.append(subprocess.Popen(argv, cwd=d.dir, env=harness.clean_env(),
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))
    results = []
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=harness.CLI_TIMEOUT)
        results.append(harness.Result(p.args, p.returncode, out, err))
    for r in results:
        assert not harness.sanitizer_report(r.err), r
    ok = [i for i, r in enumerate(results) if r.rc == EX_OK]
    assert len(ok) == 1, "\n".join(repr(r) for r in results)
    winner = ok[0]
    for i, r in enumerate(results):
        if i == winner:
            continue
        assert r.rc == EX_DATAERR and r.out == "", r
        assert r.err_lines() == [
            "herstelctl: room herstelhuis/zaal-2 is not free for 1 of 1 "
            "occurrence(s); nothing was booked (use --skip-conflicts to book "
            "the others)",
            '  2026-12-10 19:00-21:00: booked: "Poging %d"' % winner], r
    assert d.sqlite("SELECT count(*), title FROM booking") == \
        [(1, "Poging %d" % winner)]
    assert d.sqlite("SELECT count(*) FROM booking_slot WHERE state = 'held'") \
        == [(1,)]


# ---- events hold rooms through the same engine ----

def test_event_with_room_onto_a_booked_slot_is_refused_with_the_listing(d):
    setup(d)
    book(d, ROOM, "2026-12-08 19:00", "--group", "ouders-noord", "--title",
         "Inloopspreekuur")
    what = 'booked: "Inloopspreekuur" (Ouders Noord)'
    refused(d, ["event", "add", "--kind", "steungroep", "--title", "Erkenning",
                "--start", "2026-12-08 20:00", "--duration", "2h", "--room",
                ROOM, *GROUP],
            says="room herstelhuis/zaal-2 is not free",
            listing=["2026-12-08 20:00-22:00: " + what])
    # a weekly event series lists its one colliding date, and the closure
    refused(d, ["event", "add", "--kind", "steungroep", "--title", "Reeks",
                "--start", "2026-12-01 18:00", "--duration", "2h", "--room",
                ROOM, "--repeat", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"],
            says="not free",
            listing=["2026-12-08 18:00-20:00: " + what,
                     "2026-12-24 18:00-20:00: closed (Kerst)"])
    # opening hours hold for events too
    refused(d, ["event", "add", "--kind", "steungroep", "--title", "Zondag",
                "--start", "2026-12-13 14:00", "--duration", "2h", "--room",
                ROOM], says="not free",
            listing=["2026-12-13 14:00-16:00: outside the opening hours "
                     "(sunday, mon-sat 09:00-22:00)"])
    # the event holds its slot: a booking on top of it is refused
    eid = event(d, "--title", "Erkenning", "--start", "2026-12-09 19:00",
                "--duration", "2h", "--room", ROOM, *GROUP)
    assert d.sqlite("SELECT count(*) FROM booking WHERE event_id = ?",
                    (eid,)) == [(1,)]
    refused(d, ["book", ROOM, "--start", "2026-12-09 20:00", "--duration",
                "2h"], listing=['2026-12-09 20:00-22:00: booked: "Erkenning" '
                                '(Lotgenoten Zuidoost)'])


def event_series(d):
    """A Tuesday 17:00-19:00 event series in zaal-2 and a booking right
    after it on 15 December (19:00-21:00)."""
    eid = event(d, "--title", "Vroege groep", "--start", "2026-12-01 17:00",
                "--duration", "2h", "--room", ROOM, *GROUP, "--repeat",
                "FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    book(d, ROOM, "2026-12-15 19:00", "--group", "ouders-noord", "--title",
         "Avondgroep")
    return eid


def test_moving_one_event_occurrence_onto_a_booked_slot_is_refused(d):
    setup(d)
    eid = event_series(d)
    refused(d, ["event", "edit", str(eid), "--occurrence", "2026-12-15",
                "--start", "2026-12-15 18:00"],
            says="not free",
            listing=['2026-12-15 18:00-20:00: booked: "Avondgroep" '
                     '(Ouders Noord)'])
    # moving it to a free time works, and frees 17:00-19:00 that day
    d.cli("event", "edit", str(eid), "--occurrence", "2026-12-15", "--start",
          "2026-12-15 15:00", check=True)
    book(d, ROOM, "2026-12-15 17:00", "--title", "In het gat")


def test_lengthening_an_event_series_into_a_booking_is_refused(d):
    setup(d)
    eid = event_series(d)
    refused(d, ["event", "edit", str(eid), "--duration", "3h"],
            says="not free",
            listing=['2026-12-15 17:00-20:00: booked: "Avondgroep" '
                     '(Ouders Noord)'])
    assert d.cli("--json", "event", "show", str(eid),
                 check=True).json()["end"] == "2026-12-01T19:00:00+01:00"
    # moving the whole series to start later is refused the same way
    refused(d, ["event", "edit", str(eid), "--start", "2026-12-01 18:00"],
            says="not free",
            listing=['2026-12-15 18:00-20:00: booked: "Avondgroep" '
                     '(Ouders Noord)'])


def test_cancelling_an_event_or_one_occurrence_frees_the_room(d):
    setup(d)
    eid = event_series(d)
    single = event(d, "--title", "Eenmalig", "--start", "2026-12-10 19:00",
                   "--duration", "2h", "--room", ROOM, *GROUP)
    vroeg = 'booked: "Vroege groep" (Lotgenoten Zuidoost)'
    refused(d, ["book", ROOM, "--start", "2026-12-08 17:00", "--duration",
                "2h"], listing=["2026-12-08 17:00-19:00: " + vroeg])
    d.cli("event", "cancel", str(eid), "--occurrence", "2026-12-08",
          check=True)
    book(d, ROOM, "2026-12-08 17:00", "--title", "Nu vrij")
    # the other occurrences still hold the room
    refused(d, ["book", ROOM, "--start", "2026-12-22 17:00", "--duration",
                "2h"], listing=["2026-12-22 17:00-19:00: " + vroeg])
    d.cli("event", "cancel", str(single), check=True)
    book(d, ROOM, "2026-12-10 19:00", "--title", "Na de annulering")
    d.cli("event", "cancel", str(eid), check=True)
    book(d, ROOM, "2026-12-22 17:00", "--title", "Hele reeks vrij")
    # an event's booking is changed through the event, not directly
    ebid = d.sqlite("SELECT id FROM booking WHERE event_id = ?", (eid,))[0][0]
    refused(d, ["booking", "cancel", str(ebid)], says="belongs to event")


def test_moving_one_occurrence_into_another_booked_room_names_that_room(d):
    setup(d)
    eid = event_series(d)
    book(d, "herstelhuis/zaal-1", "2026-12-08 17:00", "--title", "Grote zaal")
    # the refusal is about zaal-1, where the occurrence would go
    refused(d, ["event", "edit", str(eid), "--occurrence", "2026-12-08",
                "--room", "herstelhuis/zaal-1"],
            says="room herstelhuis/zaal-1 is not free",
            listing=['2026-12-08 17:00-19:00: booked: "Grote zaal"'])


def test_a_closure_added_later_does_not_block_unrelated_edits_of_an_event(d):
    setup(d)
    eid = event(d, "--title", "Reeks", "--start", "2027-01-05 19:00",
                "--duration", "2h", "--room", ROOM, "--repeat",
                "FREQ=WEEKLY;COUNT=6")
    # --keep: the closure is for new requests; the session stays held
    d.cli("closure", "add", "herstelhuis", "--from", "2027-01-12", "--to",
          "2027-01-13", "--reason", "Verbouwing", "--keep", check=True)
    # renaming the series, or one other occurrence, causes no new conflict
    d.cli("event", "edit", str(eid), "--title", "Nieuwe naam", check=True)
    d.cli("event", "edit", str(eid), "--occurrence", "2027-01-19", "--title",
          "Anders", check=True)
    # but moving the series still has to fit
    refused(d, ["event", "edit", str(eid), "--start", "2027-01-05 21:00"],
            says="not free",
            listing=["2027-01-05 21:00-23:00: outside the opening hours "
                     "(tuesday, mon-sat 09:00-22:00)"] +
                    ["2027-01-%02d 21:00-23:00: %s" % (day, x) for day, x in (
                        (12, "closed (Verbouwing)"),
                        (19, "outside the opening hours (tuesday, "
                             "mon-sat 09:00-22:00)"),
                        (26, "outside the opening hours (tuesday, "
                             "mon-sat 09:00-22:00)"))] +
                    ["2027-02-%02d 21:00-23:00: outside the opening hours "
                     "(tuesday, mon-sat 09:00-22:00)" % day
                     for day in (2, 9)])


def test_an_organizers_event_in_an_approval_room_is_requested_until_approved(d):
    setup(d)
    org = organizer(d)
    mgr = manager(d)
    eid = int(d.cli("event", "add", "--kind", "steungroep", "--title", "Stil",
                    "--start", "2026-12-08 19:00", "--duration", "2h",
                    "--room", "herstelhuis/stilte", token=org,
                    check=True).out.strip())
    rows = d.cli("--json", "booking", "list", "--status", "requested",
                 token=mgr, check=True).json()
    assert [(x["event"], x["title"]) for x in rows] == [(eid, "Stil")], rows
    # the request holds the room
    refused(d, ["book", "herstelhuis/stilte", "--start", "2026-12-08 20:00",
                "--duration", "1h"],
            listing=['2026-12-08 20:00-21:00: booked: "Stil" '
                     '(Lotgenoten Zuidoost)'])
    d.cli("booking", "approve", str(rows[0]["id"]), token=mgr, check=True)
    assert show(d, rows[0]["id"])["status"] == "confirmed"


def test_the_horizon_rolls_forward_and_skips_what_is_not_free(d):
    setup(d)
    d.rewrite_config(d.config_text(bookings="{ horizon_days = 30; }"))
    d.restart()
    refused(d, ["book", ROOM, "--start", "2027-01-07 19:00", "--duration",
                "2h"], says="--start is beyond the booking horizon (30 days")
    bid = book(d, ROOM, "2026-12-03 19:00", "--repeat", "FREQ=WEEKLY;BYDAY=TH",
               "--title", "Open einde")
    assert [s[:10] for s, _ in held(d, bid)] == [
        "2026-12-03", "2026-12-10", "2026-12-17"]
    # closures are not bound by the horizon: one lies ahead of the series
    d.cli("closure", "add", ROOM, "--from", "2027-01-07", "--to",
          "2027-01-08", "--reason", "Vloer", check=True)
    # 29 more days: the series reaches 2027-01-14, still conflict-checked
    off = d.log_offset()
    d.rewrite_config(d.config_text(bookings="{ horizon_days = 59; }"))
    d.restart()
    d.wait_log("horizon: 2 new occurrence(s) held", after=off)
    assert [s[:10] for s, _ in held(d, bid)] == [
        "2026-12-03", "2026-12-10", "2026-12-17", "2026-12-31", "2027-01-14"]
    notes = d.sqlite("SELECT note FROM booking_slot WHERE booking_id = ? AND "
                     "state = 'skipped' ORDER BY start", (bid,))
    assert notes == [("2026-12-24 19:00-21:00: closed (Kerst)",),
                     ("2027-01-07 19:00-21:00: closed (Vloer)",)], notes
    [(actor, action, detail)] = d.sqlite(
        "SELECT actor, action, detail FROM audit ORDER BY id DESC LIMIT 1")
    assert (actor, action) == ("horizon", "booking.skip"), (actor, action)
    assert detail.startswith("booking %d: 2 new occurrence(s) skipped, not "
                             "free (first: 2026-12-24 19:00-21:00: closed "
                             "(Kerst))" % bid), detail
    # a restart without a change redoes nothing
    before = d.dump()
    d.restart()
    assert d.dump() == before
    # the skipped date comes back once it is free
    cid = d.sqlite("SELECT id FROM closure WHERE reason = 'Vloer'")[0][0]
    d.cli("closure", "remove", str(cid), check=True)
    d.cli("booking", "restore", str(bid), "--occurrence", "2027-01-07",
          check=True)
    assert show(d, bid)["held"] == 6


# ---- privacy and roles ----

def test_private_booking_shows_as_bezet_to_another_group_but_title_to_admin(d):
    setup(d)
    book(d, ROOM, "2026-12-08 19:00", "--group", "ouders-noord", "--title",
         "Geheim overleg", "--private")
    args = ["book", ROOM, "--start", "2026-12-08 19:00", "--duration", "1h"]
    other = organizer(d, "lotgenoten-zuidoost")
    own = organizer(d, "ouders-noord")
    mgr = manager(d)
    r = refused(d, args, token=other, listing=["2026-12-08 19:00-20:00: bezet"])
    assert "Geheim" not in r.err and "Ouders" not in r.err
    title = ['2026-12-08 19:00-20:00: booked: "Geheim overleg" (Ouders Noord)']
    refused(d, args, listing=title)                 # admin over the socket
    refused(d, args, token=own, listing=title)      # its own group
    refused(d, args, token=mgr, listing=title)      # the location's manager
    busy = [p["what"] for p in availability(d, ROOM, "2026-12-08",
                                            "2026-12-09", token=other)
            if p["state"] == "busy"]
    assert busy == ["bezet"], busy
    busy = [p["what"] for p in availability(d, ROOM, "2026-12-08",
                                            "2026-12-09")
            if p["state"] == "busy"]
    assert busy == ["Geheim overleg (Ouders Noord)"], busy
    # an event that is private or for its group only is "bezet" as well
    for vis, day in (("private", "10"), ("group", "11")):
        event(d, "--title", "Besloten " + vis, "--start",
              "2026-12-%s 19:00" % day, "--duration", "2h", "--room", ROOM,
              "--group", "ouders-noord", "--visibility", vis)
        refused(d, ["book", ROOM, "--start", "2026-12-%s 20:00" % day,
                    "--duration", "1h"], token=other,
                listing=["2026-12-%s 20:00-21:00: bezet" % day])
        refused(d, ["book", ROOM, "--start", "2026-12-%s 20:00" % day,
                    "--duration", "1h"], token=own,
                listing=['2026-12-%s 20:00-21:00: booked: "Besloten %s" '
                         '(Ouders Noord)' % (day, vis)])
    # the other group does not see it in the list either
    assert d.cli("--json", "booking", "list", token=other,
                 check=True).json() == []


def test_needs_approval_gives_organizers_a_request_that_holds_its_slot(d):
    setup(d)
    room = "herstelhuis/stilte"
    org = organizer(d, "lotgenoten-zuidoost")
    noord = organizer(d, "ouders-noord")
    r = d.cli("book", room, "--start", "2026-12-08 19:00", "--duration", "2h",
              "--title", "Stiltegroep", token=org, check=True)
    bid = int(r.out.strip())
    assert "booking %d: requested" % bid in r.err, r
    b = show(d, bid, token=org)
    assert b["status"] == "requested" and b["group"] == "lotgenoten-zuidoost"
    assert b["held"] == 1
    # nobody else gets the slot while it is requested
    refused(d, ["book", room, "--start", "2026-12-08 20:00", "--duration",
                "2h"], token=noord,
            listing=['2026-12-08 20:00-22:00: booked: "Stiltegroep" '
                     '(Lotgenoten Zuidoost)'])
    refused(d, ["book", room, "--start", "2026-12-08 19:00", "--duration",
                "2h"],
            listing=['2026-12-08 19:00-21:00: booked: "Stiltegroep" '
                     '(Lotgenoten Zuidoost)'])
    # the admin and the location's manager get it confirmed at once
    mgr = manager(d)
    a = book(d, room, "2026-12-09 19:00")
    m = book(d, room, "2026-12-10 19:00", token=mgr)
    assert show(d, a)["status"] == show(d, m)["status"] == "confirmed"
    # rooms without approval confirm an organizer's booking at once
    c = book(d, ROOM, "2026-12-08 19:00", token=org)
    assert show(d, c, token=org)["status"] == "confirmed"


def test_approval_flow_with_a_location_manager_token_over_tcp(d):
    setup(d)
    room = "herstelhuis/stilte"
    org = organizer(d, "lotgenoten-zuidoost")
    noord_org = organizer(d, "ouders-noord")
    mgr = manager(d, "herstelhuis")
    other_mgr = manager(d, "noord")
    first = book(d, room, "2026-12-08 19:00", "--title", "Eerste", token=org)
    second = book(d, room, "2026-12-09 19:00", "--title", "Tweede",
                  token=noord_org)
    confirmed = book(d, ROOM, "2026-12-09 19:00", token=org)
    rows = d.cli("--json", "booking", "list", "--status", "requested",
                 token=mgr, check=True).json()
    assert [x["id"] for x in rows] == [first, second], rows
    table = d.cli("booking", "list", "--status", "requested", token=mgr,
                  check=True).out
    assert "Eerste" in table and "Tweede" in table and "requested" in table
    # another location's manager does not see them
    assert d.cli("--json", "booking", "list", "--status", "requested",
                 token=other_mgr, check=True).json() == []
    # nor may an organizer, not even for its own request
    refused(d, ["booking", "approve", str(first)], code=EX_NOPERM, token=org)
    r = d.cli("--json", "booking", "approve", str(first), token=mgr,
              check=True)
    assert r.json()["status"] == "confirmed"
    r = d.cli("--json", "booking", "decline", str(second), "--reason",
              "De ruimte is die avond nodig voor onderhoud", token=mgr,
              check=True)
    assert r.json()["status"] == "declined"
    b = show(d, second, token=noord_org)
    assert b["reason"] == "De ruimte is die avond nodig voor onderhoud"
    assert b["held"] == 0
    assert d.cli("--json", "booking", "list", "--status", "requested",
                 token=mgr, check=True).json() == []
    # a declined request lets go of its slot
    book(d, room, "2026-12-09 19:00", "--title", "Daarna", token=org)
    # only requested bookings can be approved or declined
    refused(d, ["booking", "approve", str(first)], token=mgr,
            says="only a requested booking")
    refused(d, ["booking", "decline", str(confirmed)], token=mgr,
            says="only a requested booking")
    refused(d, ["booking", "approve", str(second)], token=mgr,
            says="only a requested booking")
    actors = d.sqlite("SELECT actor, action FROM audit WHERE action IN "
                      "('booking.approve', 'booking.decline') ORDER BY id")
    assert [a for _, a in actors] == ["booking.approve", "booking.decline"]
    assert all("beheer herstelhuis" in a for a, _ in actors), actors


def test_another_locations_manager_gets_403_approving_or_declining(d):
    setup(d)
    org = organizer(d, "lotgenoten-zuidoost")
    other_mgr = manager(d, "noord")
    bid = book(d, "herstelhuis/stilte", "2026-12-08 19:00", token=org)
    for verb in (["approve", str(bid)],
                 ["decline", str(bid), "--reason", "nee"]):
        refused(d, ["booking", *verb], code=EX_NOPERM, token=other_mgr,
                says="only an admin or the manager of this location")
    assert show(d, bid)["status"] == "requested"


def test_location_manager_books_only_in_its_own_location(d):
    setup(d)
    noord = manager(d, "noord")
    mine = book(d, "noord/zaal-1", "2026-12-09 19:00", "--title", "Hier")
    book(d, ROOM, "2026-12-09 19:00", "--title", "Daar")
    assert [x["id"] for x in d.cli("--json", "booking", "list", token=noord,
                                   check=True).json()] == [mine]
    refused(d, ["book", ROOM, "--start", "2026-12-08 19:00", "--duration",
                "2h"], code=EX_NOPERM, token=noord,
            says="a location manager books only in its own location")
    bid = book(d, "noord/zaal-1", "2026-12-08 19:00", token=noord)
    assert show(d, bid, token=noord)["status"] == "confirmed"


def test_organizer_books_only_for_its_own_group(d):
    setup(d)
    org = organizer(d, "lotgenoten-zuidoost")
    refused(d, ["book", ROOM, "--start", "2026-12-08 19:00", "--duration",
                "2h", "--group", "ouders-noord"], code=EX_NOPERM, token=org,
            says="an organizer books only for its own group")
    bid = book(d, ROOM, "2026-12-08 19:00", token=org)
    assert show(d, bid, token=org)["group"] == "lotgenoten-zuidoost"
    bid2 = book(d, ROOM, "2026-12-09 19:00", *GROUP, token=org)
    assert show(d, bid2, token=org)["group"] == "lotgenoten-zuidoost"
    assert d.sqlite("SELECT booked_by FROM booking WHERE id = ?",
                    (bid,))[0][0].startswith("token org lotgenoten-zuidoost")
    # it may cancel its own group's booking, not another group's
    theirs = book(d, ROOM, "2026-12-10 19:00", "--group", "ouders-noord")
    refused(d, ["booking", "cancel", str(theirs)], token=org,
            says="unknown booking %d" % theirs)
    d.cli("booking", "cancel", str(bid), token=org, check=True)


# ---- bad input ----

def test_bad_input_is_refused_with_one_line_and_changes_nothing(d):
    setup(d)
    bid = book(d, ROOM, "2026-12-08 19:00", "--title", "Bestaand")
    start = ["--start", "2026-12-08 10:00"]
    cases = [
        (["book", "herstelhuis/zaal-9", *start, "--duration", "2h"],
         EX_DATAERR, 'unknown room "herstelhuis/zaal-9"'),
        (["book", "nergens/zaal-1", *start, "--duration", "2h"], EX_DATAERR,
         "unknown"),
        (["book", "zaal-2", *start, "--duration", "2h"], EX_USAGE,
         "must be named LOC/ROOM"),
        (["book", ROOM, "--duration", "2h"], EX_USAGE, "--start is required"),
        (["book", ROOM, *start], EX_USAGE, "give --end or --duration"),
        (["book", ROOM, *start, "--end", "2026-12-08 09:00"], EX_DATAERR,
         "--end must be after --start"),
        (["book", ROOM, *start, "--end", "2026-12-08 10:00"], EX_DATAERR,
         "--end must be after --start"),
        (["book", ROOM, *start, "--duration", "0m"], EX_DATAERR,
         "--duration"),
        (["book", ROOM, *start, "--duration", "0"], EX_DATAERR, "--duration"),
        (["book", ROOM, *start, "--duration", "lang"], EX_DATAERR,
         "--duration"),
        (["book", ROOM, *start, "--duration", "8d"], EX_DATAERR,
         "--duration"),
        (["book", ROOM, *start, "--duration", "2h", "--end",
          "2026-12-08 12:00"], EX_DATAERR, "give --end or --duration"),
        (["book", ROOM, *start, "--duration", "2h", "--repeat",
          "FREQ=WEEKLY;BYDAY=XX"], EX_DATAERR, "BYDAY=XX"),
        (["book", ROOM, *start, "--duration", "2h", "--repeat", "iedere week"],
         EX_DATAERR, "repeat"),
        (["book", ROOM, *start, "--duration", "2h", "--repeat",
          "FREQ=DAILY;COUNT=3;INTERVAL=0"], EX_DATAERR, "INTERVAL"),
        (["book", ROOM, "--start", "2026-11-20 10:00", "--duration", "2h"],
         EX_DATAERR, "--start is in the past"),
        (["book", ROOM, "--start", "2025-06-02 10:00", "--duration", "2h",
          "--repeat", "FREQ=WEEKLY;COUNT=3"], EX_DATAERR,
         "no occurrence between now and the booking horizon"),
        (["book", ROOM, "--start", "2028-12-05 10:00", "--duration", "2h"],
         EX_DATAERR, "--start is beyond the booking horizon (730 days"),
        (["book", ROOM, "--start", "gisteren", "--duration", "2h"], EX_DATAERR,
         "--start"),
        (["book", ROOM, "--start", "2027-03-28 02:30", "--duration", "1h"],
         EX_DATAERR, "does not exist"),
        (["book", ROOM, *start, "--duration", "2h", "--title", "t" * 201],
         EX_DATAERR, "--title is too long"),
        (["book", ROOM, *start, "--duration", "2h", "--group", "nobody"],
         EX_DATAERR, 'unknown group "nobody"'),
        (["book", ROOM, *start, "--duration", "26h", "--repeat",
          "FREQ=DAILY;COUNT=3"], EX_DATAERR, "overlap each other"),
        (["booking", "show", "999"], EX_DATAERR, "unknown booking 999"),
        (["booking", "show", "x"], EX_USAGE, "booking ID"),
        (["booking", "approve", "999"], EX_DATAERR, "unknown booking 999"),
        (["booking", "cancel", "999"], EX_DATAERR, "unknown booking 999"),
        (["booking", "cancel", str(bid), "--occurrence", "2026-12-09"],
         EX_DATAERR, "not an occurrence"),
        (["booking", "cancel", str(bid), "--occurrence", "9 december"],
         EX_DATAERR, "--occurrence"),
        (["booking", "restore", str(bid)], EX_USAGE, "--occurrence is required"),
        (["booking", "cancel", str(bid), "--reason", "x"], EX_USAGE,
         "--reason is for decline"),
        (["booking", "list", "--status", "open"], EX_DATAERR,
         "--status must be"),
        (["booking", "list", "--room", "herstelhuis/zaal-9"], EX_DATAERR,
         "unknown room"),
        (["room", "availability", ROOM, "--from", "2026-12-10", "--to",
          "2026-12-09"], EX_DATAERR, "--to must be after --from"),
        (["room", "availability", ROOM, "--from", "2026-12-10"], EX_USAGE,
         "--from and --to are required"),
        (["room", "availability", ROOM, "--from", "2026-12-01", "--to",
          "2027-06-01"], EX_DATAERR, "at most 92 days"),
        (["room", "availability", "herstelhuis/zaal-9", "--from", "2026-12-01",
          "--to", "2026-12-02"], EX_DATAERR, "unknown room"),
        (["room", "find", "nergens", *start, "--duration", "2h"], EX_DATAERR,
         'unknown location "nergens"'),
        (["room", "find", "herstelhuis", *start, "--end", "2026-12-08 09:00"],
         EX_DATAERR, "--end must be after --start"),
        (["room", "find", "herstelhuis", *start, "--duration", "2h",
          "--capacity", "0"], EX_USAGE, "--capacity"),
        (["room", "find", "herstelhuis", "--duration", "2h"], EX_USAGE,
         "--start is required"),
    ]
    for args, code, says in cases:
        refused(d, args, code, says)
    # an unknown verb is a usage error: the reason, then the usage
    before = d.dump()
    r = d.cli("booking", "frobnicate")
    assert r.rc == EX_USAGE and r.err_lines()[0] == \
        'herstelctl: booking: unknown verb "frobnicate"', r
    assert d.dump() == before
    # a series with no free occurrence: refused even with --skip-conflicts,
    # listing every occurrence it would have had
    refused(d, ["book", ROOM, "--start", "2026-12-13 10:00", "--duration",
                "1h", "--repeat", "FREQ=WEEKLY;COUNT=2", "--skip-conflicts"],
            says="room herstelhuis/zaal-2 is not free at any occurrence of "
                 "this series",
            listing=["2026-12-13 10:00-11:00: outside the opening hours "
                     "(sunday, mon-sat 09:00-22:00)",
                     "2026-12-20 10:00-11:00: outside the opening hours "
                     "(sunday, mon-sat 09:00-22:00)"])
    refused(d, ["book", ROOM, "--start", "2026-12-24 10:00", "--duration",
                "1h", "--skip-conflicts"], says="not free at any occurrence",
            listing=["2026-12-24 10:00-11:00: closed (Kerst)"])


def test_the_api_refuses_unknown_fields_and_missing_ones(d):
    setup(d)
    before = d.dump()
    status, _, out = d.api_socket("POST", "/api/v1/bookings", {
        "room": ROOM, "start": "2026-12-08 19:00", "duration": "2h",
        "colour": "red"})
    assert status == 422 and b"colour" in out, out
    status, _, out = d.api_socket("POST", "/api/v1/bookings", {
        "room": ROOM, "duration": "2h"})
    assert status == 422 and b"start" in out, out
    status, _, out = d.api_socket("POST", "/api/v1/bookings", {
        "room": ROOM, "start": "2026-12-08 19:00"})
    assert status == 422 and json.loads(out)["error"]["message"] == \
        "give --end or --duration", out
    assert d.dump() == before


# ---- availability and finding a room ----

def test_room_availability_shows_free_and_busy_periods_with_titles_and_closures(d):
    setup(d)
    book(d, ROOM, "2026-12-22 19:00", *GROUP, "--title", "Lotgenotengroep")
    book(d, ROOM, "2026-12-23 09:00", "--duration", "90m", "--title",
         "Ochtend")
    d.cli("closure", "add", ROOM, "--from", "2026-12-28 12:00", "--to",
          "2026-12-28 14:00", "--reason", "Schoonmaak", check=True)
    got = [(p["start"][:16].replace("T", " "), p["end"][11:16], p["state"],
            p["what"]) for p in availability(d, ROOM, "2026-12-21",
                                             "2026-12-29")]
    assert got == [
        ("2026-12-21 09:00", "22:00", "free", None),
        ("2026-12-22 09:00", "19:00", "free", None),
        ("2026-12-22 19:00", "21:00", "busy",
         "Lotgenotengroep (Lotgenoten Zuidoost)"),
        ("2026-12-22 21:00", "22:00", "free", None),
        ("2026-12-23 09:00", "10:30", "busy", "Ochtend"),
        ("2026-12-23 10:30", "22:00", "free", None),
        ("2026-12-24 09:00", "22:00", "busy", "closed (Kerst)"),
        ("2026-12-25 09:00", "22:00", "busy", "closed (Kerst)"),
        ("2026-12-26 09:00", "22:00", "busy", "closed (Kerst)"),
        # Sunday the 27th is not open at all
        ("2026-12-28 09:00", "12:00", "free", None),
        ("2026-12-28 12:00", "14:00", "busy", "closed (Schoonmaak)"),
        ("2026-12-28 14:00", "22:00", "free", None)], got
    table = d.cli("room", "availability", ROOM, "--from", "2026-12-22",
                  "--to", "2026-12-23", check=True).out
    assert "2026-12-22 19:00-21:00  busy   Lotgenotengroep (Lotgenoten " \
        "Zuidoost)" in table, table
    # the closure holds only in zaal-2; zaal-1 is free that day
    assert [p["state"] for p in availability(d, "herstelhuis/zaal-1",
                                             "2026-12-28", "2026-12-29")] \
        == ["free"]


def test_room_find_lists_only_free_rooms_that_fit_and_meet_the_need(d):
    setup(d)
    find = ["--json", "room", "find", "herstelhuis", "--start",
            "2026-12-08 19:00", "--duration", "2h"]

    def rooms(*extra):
        return [x["room"] for x in d.cli(*find, *extra, check=True).json()]

    assert rooms() == ["herstelhuis/spreekkamer", "herstelhuis/zaal-2",
                       "herstelhuis/stilte", "herstelhuis/zaal-1"]
    assert rooms("--capacity", "12") == ["herstelhuis/zaal-2",
                                         "herstelhuis/stilte",
                                         "herstelhuis/zaal-1"]
    assert rooms("--capacity", "12", "--accessible") == [
        "herstelhuis/stilte", "herstelhuis/zaal-1"]
    book(d, "herstelhuis/stilte", "2026-12-08 20:00", "--duration", "1h")
    d.cli("closure", "add", "herstelhuis/zaal-1", "--from", "2026-12-08",
          "--to", "2026-12-09", "--reason", "Onderhoud", check=True)
    assert rooms("--capacity", "12", "--accessible") == []
    assert rooms("--capacity", "12") == ["herstelhuis/zaal-2"]
    assert rooms("--capacity", "41") == []
    # back to back with the booking is fine
    r = d.cli("--json", "room", "find", "herstelhuis", "--start",
              "2026-12-08 21:00", "--end", "2026-12-08 22:00", "--capacity",
              "15", "--accessible", check=True).json()
    assert [x["room"] for x in r] == ["herstelhuis/stilte"], r
    # nothing is free on a Sunday or at Christmas
    for when in ("2026-12-13 19:00", "2026-12-24 19:00"):
        assert d.cli("--json", "room", "find", "herstelhuis", "--start", when,
                     "--duration", "1h", check=True).json() == []
    table = d.cli("room", "find", "herstelhuis", "--start", "2026-12-08 10:00",
                  "--duration", "1h", "--capacity", "30", check=True).out
    assert "herstelhuis/zaal-1" not in table and "ROOM" in table, table


def test_booking_show_lists_what_a_series_does_not_hold(d):
    setup(d)
    bid = book(d, ROOM, "2026-12-03 19:00", "--repeat", "FREQ=WEEKLY;COUNT=5",
               "--skip-conflicts")
    d.cli("booking", "cancel", str(bid), "--occurrence", "2026-12-10",
          check=True)
    not_held = [(x["occurrence"], x["state"], x["reason"])
                for x in show(d, bid)["not_held"]]
    assert not_held == [
        ("2026-12-10", "cancelled", ""),
        ("2026-12-24", "skipped", "2026-12-24 19:00-21:00: closed (Kerst)")
    ], not_held
    table = d.cli("booking", "show", str(bid), check=True).out
    assert "Not held" in table and "closed (Kerst)" in table, table
    # once restored it is held again and no longer listed
    d.cli("booking", "restore", str(bid), "--occurrence", "2026-12-10",
          check=True)
    assert [x["occurrence"] for x in show(d, bid)["not_held"]] == ["2026-12-24"]


def test_a_series_must_start_on_one_of_its_own_occurrences(d):
    setup(d)
    refused(d, ["book", ROOM, "--start", "2026-12-02 19:00", "--duration",
                "1h", "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"],
            says="--start 2026-12-02 19:00 is not itself an occurrence")
    refused(d, ["book", ROOM, "--start", "2026-12-08 19:00", "--duration",
                "1h", "--repeat", "FREQ=WEEKLY;UNTIL=20261201T000000Z"],
            says="has no occurrence from --start 2026-12-08 19:00 on")


def no_overlapping_held_slots(d):
    pairs = d.sqlite(
        "SELECT a.booking_id, b.booking_id, a.start FROM booking_slot a "
        "JOIN booking_slot b ON a.room_id = b.room_id AND a.id < b.id AND "
        "a.start < b.\"end\" AND b.start < a.\"end\" "
        "WHERE a.state = 'held' AND b.state = 'held'")
    assert pairs == [], pairs


def test_a_later_roll_keeps_an_earlier_skipped_occurrence_skipped(d):
    """An occurrence of an event series skipped earlier (someone else holds
    it) stays skipped when a later roll meets a new conflict."""
    setup(d)
    d.rewrite_config(d.config_text(bookings="{ horizon_days = 30; }"))
    d.restart()
    eid = d.cli("event", "add", "--kind", "overig", "--title", "Reeks",
                "--start", "2026-12-02 19:00", "--duration", "2h",
                "--room", ROOM, "--repeat", "FREQ=WEEKLY", "--propose",
                check=True).out.strip()
    [(bid,)] = d.sqlite("SELECT id FROM booking WHERE event_id = ?", (eid,))
    d.cli("booking", "decline", str(bid), check=True)
    book(d, ROOM, "2026-12-09 19:00", "--title", "Y")
    # a change of the series asks for the room again: 12-09 is taken
    d.cli("event", "edit", eid, "--repeat", "FREQ=WEEKLY;INTERVAL=1",
          check=True)
    assert "2026-12-09" not in [s[:10] for s, _ in held(d, bid)]
    skipped = [local(t)[:10] for (t,) in d.sqlite(
        "SELECT start FROM booking_slot WHERE booking_id = ? AND "
        "state = 'skipped'", (bid,))]
    assert skipped == ["2026-12-09"], skipped
    d.cli("closure", "add", ROOM, "--from", "2027-01-06 00:00", "--to",
          "2027-01-06 23:59", "--reason", "Dicht", check=True)
    d.rewrite_config(d.config_text(bookings="{ horizon_days = 60; }"))
    d.restart()
    no_overlapping_held_slots(d)


def test_a_proposal_shows_as_bezet_to_other_groups_everywhere(d):
    setup(d)
    d.cli("event", "add", "--kind", "overig", "--title", "Geheim voorstel",
          "--start", "2026-12-08 19:00", "--duration", "2h", "--room", ROOM,
          "--group", "lotgenoten-zuidoost", "--propose", check=True)
    other = organizer(d, "ouders-noord")
    out = d.cli("--json", "room", "availability", ROOM, "--from",
                "2026-12-08", "--to", "2026-12-09", token=other,
                check=True).json()
    assert [p["what"] for p in out if p["state"] == "busy"] == ["bezet"], out
    r = d.cli("book", ROOM, "--start", "2026-12-08 19:30", "--duration", "1h",
              token=other)
    assert r.rc == EX_DATAERR and "Geheim" not in r.err and "bezet" in r.err, r


def test_one_occurrence_of_a_roomless_series_can_move_into_a_room(d):
    setup(d)
    eid = d.cli("event", "add", "--kind", "overig", "--title", "Buiten",
                "--start", "2026-12-02 19:00", "--duration", "2h",
                "--location", "herstelhuis", "--repeat", "FREQ=WEEKLY;COUNT=4",
                check=True).out.strip()
    d.cli("event", "edit", eid, "--occurrence", "2026-12-09", "--room", ROOM,
          check=True)
    [(bid,)] = d.sqlite("SELECT id FROM booking WHERE event_id = ?", (eid,))
    assert [s[:10] for s, _ in held(d, bid)] == ["2026-12-09"]
    refused(d, ["book", ROOM, "--start", "2026-12-09 19:00", "--duration",
                "1h"], says="not free",
            listing=['2026-12-09 19:00-20:00: booked: "Buiten"'])

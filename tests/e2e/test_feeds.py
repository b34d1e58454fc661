"""iCalendar feeds (issue 4), fetched over HTTP and read with the real
parsers from Debian (python3-icalendar, python3-recurring-ical-events):

- what the parsers expand from a feed equals `herstelctl --json event list`
  for the same window, across the DST changes of October 2026 and March
  2027, with an exception date, a moved and a cancelled occurrence, a split
  series, and whole cancelled events (kept as STATUS:CANCELLED);
- every kind of feed: public, kind, group (and its secret link), location
  and room (occupied periods, "Bezet" for what is not public, the managers'
  secret link), one event, free/busy;
- the text itself: CRLF, lines of at most 75 octets folded without
  splitting UTF-8, escaping, calendar properties, plain TZIDs with one
  VTIMEZONE per zone that is right over the whole feed window, stable UIDs,
  SEQUENCE/DTSTAMP/LAST-MODIFIED/CREATED, URL, ORGANIZER, no ATTENDEE, the
  feeds.past_days/future_days window;
- privacy: private, group-only and proposed events, private bookings;
- HTTP: Content-Type, strong ETag, Last-Modified, 304 (also with curl),
  HEAD, gzip, 404, no stale cache and stable validators;
- herstelctl feed list: http:// and webcal:// links from public_url, the
  secret links only for the admin and the group's organizers or the
  location's managers.

Import is tested in test_import.py.  Today is 2026-11-22 on the test
machine; tests that depend on "now" compute their dates from today.
"""

import bisect
import datetime
import gzip
import http.client
import os
import re
import socket
import subprocess
import threading
import time
import zoneinfo

import harness
from harness import EX_DATAERR, EX_NOPERM

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc

ROOM = "herstelhuis/zaal-1"
ROOM_NAME = "Herstelhuis Zuidoost \u2014 Grote zaal"
PLACE = 'Caf\u00e9 "De Meeuw", Noord; 2e verdieping'
# 300 characters of Dutch with accents (2-byte) and a few 3-byte marks,
# so that a fold at 75 octets lands inside a character more than once.
DUTCH = ("Na jaren van onzekerheid praten ouders \u00e9\u00e9n voor \u00e9\u00e9n "
         "over hun ervaringen met de Belastingdienst \u2014 financi\u00eble "
         "zorgen, ge\u00efsoleerd raken, ru\u00efne, re\u00efntegratie en "
         "co\u00f6rdinatie; h\u00e9t vertrouwen dat terugkomt. Caf\u00e9, "
         "cr\u00e8che, pr\u00e9ventie, na\u00efef, ide\u00eble steun: \u20ac "
         "compensatie \u00e9n erkenning, co\u00f6peratie met Buurtteams, UHT en "
         "CWS. Wij luisteren \u00e9cht naar elkaar, d\u00e1t is het begin van "
         "herstel voor iedereen die hier komt.")
DUTCH = (DUTCH * 2)[:300]
assert len(DUTCH) == 300


def parsers():
    """The Debian parsers (imported here so that a missing package shows
    as a failing test, not as a broken runner)."""
    import icalendar
    import recurring_ical_events
    return icalendar, recurring_ical_events


# ---- setting up ----

def setup(d):
    """Herstelhuis Zuidoost with two rooms, Noord without rooms, and three
    groups: lotgenoten, ouders-noord (anonymous) and uht (a partner)."""
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Johan Cruijff Boulevard 1, Amsterdam", check=True)
    d.cli("location", "add", "noord", "--name", "Huis van de Wijk Noord",
          "--address", "Buikslotermeerplein 2, Amsterdam", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    d.cli("room", "add", "herstelhuis/spreekkamer", "--name", "Spreekkamer",
          "--capacity", "6", check=True)
    d.cli("room", "add", "noord/zaal", "--name", "Zaal Noord", "--capacity",
          "20", check=True)
    d.cli("group", "add", "lotgenoten", "--name", "Lotgenoten Zuidoost",
          "--kind", "steungroep", "--email", "lotgenoten@example.org",
          check=True)
    d.cli("group", "add", "ouders-noord", "--name", "Ouders Noord",
          "--kind", "steungroep", "--email", "noord@example.org",
          "--anonymous", check=True)
    d.cli("group", "add", "uht", "--name", "UHT: herstel, samen",
          "--kind", "partner", "--email", "uht@example.org", check=True)


def add(d, *args):
    r = d.cli("event", "add", *args, check=True)
    return int(r.out.strip())


def show(d, eid):
    return d.cli("--json", "event", "show", str(eid), check=True).json()


def book(d, room, start, *args):
    r = d.cli("book", room, "--start", start, *args, check=True)
    return int(r.out.splitlines()[0])


def token(d, *args):
    return d.cli("token", "create", *args, check=True).out.strip()


def links(d, *args, token=None):
    """herstelctl --json feed list: {name: (url, webcal)}."""
    out = d.cli("--json", "feed", "list", *args, token=token,
                check=True).json()
    return {x["name"]: (x["url"], x["webcal"]) for x in out}


def base_url(d):
    return "http://localhost:%d" % d.port


def path_of(d, url):
    assert url.startswith(base_url(d) + "/"), url
    return url[len(base_url(d)):]


def secret_path(d, kind, *args):
    """The path of the secret link herstelctl feed list gives for kind
    ("group" or "location" or "room") with args (e.g. --group G)."""
    for name, (url, _) in links(d, *args).items():
        p = path_of(d, url)
        if re.fullmatch(r"/feeds/%s/.*/[0-9a-f]{16,}\.ics" % kind, p):
            return p
    raise AssertionError("no secret %s link in feed list %r" % (kind, args))


def restart_with(d, **conf):
    """Rewrite the configuration with conf and restart the daemon."""
    d.stop()
    d.rewrite_config(d.config_text(**conf))
    d.start()


# ---- fetching and reading ----

def get(d, path, want=200, headers=None, method="GET"):
    status, hdrs, body = d.http(method, path, headers=headers)
    assert status == want, (path, status, hdrs, body[:300])
    return hdrs, body


def feed(d, path):
    """The body of a feed, checked for the text rules every feed obeys."""
    hdrs, body = get(d, path)
    assert hdrs["content-type"] == "text/calendar; charset=utf-8", hdrs
    check_text(body, path)
    return body


def check_text(body, what=""):
    """CRLF line ends only, no line over 75 octets, every physical line
    valid UTF-8 on its own (folding never splits a character)."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n"), (what, body[:80])
    assert body.endswith(b"END:VCALENDAR\r\n"), (what, body[-80:])
    bare = body.replace(b"\r\n", b"")
    assert b"\r" not in bare and b"\n" not in bare, \
        "%s: a line end that is not CRLF" % what
    for i, line in enumerate(body.split(b"\r\n")[:-1]):
        assert len(line) <= 75, "%s: line %d is %d octets: %r" % (
            what, i + 1, len(line), line)
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            raise AssertionError("%s: line %d splits a UTF-8 sequence: %r"
                                 % (what, i + 1, line))


def logical_lines(body):
    """Unfolded content lines (str)."""
    return body.decode("utf-8").replace("\r\n ", "").replace(
        "\r\n\t", "").split("\r\n")[:-1]


def raw(body, name):
    """The raw values of every property called name (unfolded, still
    escaped), with their parameters: [(params, value)]."""
    out = []
    for line in logical_lines(body):
        m = re.match(r"([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)\Z", line)
        if m and m.group(1).upper() == name:
            out.append((m.group(2), m.group(3)))
    return out


def parse(body):
    icalendar, _ = parsers()
    return icalendar.Calendar.from_ical(body)


def vevents(body):
    return list(parse(body).walk("VEVENT"))


def summaries(body):
    return sorted(str(e["SUMMARY"]) for e in vevents(body))


def uids(body):
    return sorted({str(e["UID"]) for e in vevents(body)})


def aware(dt):
    assert isinstance(dt, datetime.datetime) and dt.tzinfo is not None, dt
    return dt.astimezone(UTC)


def iso(s):
    return datetime.datetime.fromisoformat(s).astimezone(UTC)


def expand(body, frm, to):
    """What recurring_ical_events expands from body in [frm, to):
    sorted (start, end, title, cancelled), the "Afgelast: " taken off."""
    _, rie = parsers()
    out = []
    for e in rie.of(parse(body)).between(frm, to):
        title = str(e["SUMMARY"])
        cancelled = str(e.get("STATUS", "")).upper() == "CANCELLED"
        if cancelled and title.startswith("Afgelast: "):
            title = title[len("Afgelast: "):]
        out.append((aware(e["DTSTART"].dt), aware(e["DTEND"].dt), title,
                    cancelled))
    return sorted(out)


def listed(d, frm, to, *extra):
    """herstelctl --json event list for the same window, in the same form
    (proposed, private and group-only events are not in public feeds)."""
    out = []
    for o in d.cli("--json", "event", "list", "--from", frm, "--to", to,
                   *extra, check=True).json():
        if o["status"] == "proposed" or o["visibility"] != "public":
            continue
        out.append((iso(o["start"]), iso(o["end"]), o["title"],
                    o["status"] == "cancelled"))
    return sorted(out)


def day(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=AMS)


# ---- VTIMEZONE evaluation (independent of the parsers' own zone data) ----

def vtimezone_transitions(vtz, until):
    """[(utc instant, offset after it)] of a VTIMEZONE's observances up to
    until (naive UTC), computed from its DTSTART/RRULE/RDATE text."""
    from dateutil import rrule as du
    out = []
    for sub in vtz.subcomponents:
        if sub.name not in ("STANDARD", "DAYLIGHT"):
            continue
        start = sub["DTSTART"].dt
        assert start.tzinfo is None, "observance DTSTART must be local: %r" % (
            start,)
        off_from = sub["TZOFFSETFROM"].td
        off_to = sub["TZOFFSETTO"].td
        onsets = [start]
        if "RRULE" in sub:
            rule = sub["RRULE"].to_ical().decode()
            m = re.search(r"UNTIL=(\d{8}T\d{6})Z", rule)
            if m:      # UTC UNTIL -> local wall time of the onset
                u = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S")
                rule = rule.replace(m.group(0), "UNTIL=" + (
                    u + off_from).strftime("%Y%m%dT%H%M%S"))
            onsets = list(du.rrulestr(rule, dtstart=start).between(
                start, until + datetime.timedelta(days=400), inc=True))
        rdates = sub.get("RDATE", [])
        for rd in rdates if isinstance(rdates, list) else [rdates]:
            onsets += [x.dt for x in rd.dts]
        out += [(o - off_from, off_to) for o in onsets]
    return sorted(out)


def check_vtimezone(vtz, frm, to):
    """Every 3 hours of [frm, to] the VTIMEZONE gives the offset zoneinfo
    gives for its TZID."""
    tzid = str(vtz["TZID"])
    zone = zoneinfo.ZoneInfo(tzid)
    frm = frm.astimezone(UTC).replace(tzinfo=None)
    to = to.astimezone(UTC).replace(tzinfo=None)
    trans = vtimezone_transitions(vtz, to)
    assert trans and trans[0][0] <= frm, \
        "VTIMEZONE %s does not reach back to the window's start %s" % (
            tzid, frm)
    keys = [t for t, _ in trans]
    t = frm
    while t <= to:
        i = bisect.bisect_right(keys, t) - 1
        want = zone.utcoffset(t.replace(tzinfo=UTC).astimezone(zone)
                              .replace(tzinfo=None))
        assert trans[i][1] == want, "VTIMEZONE %s says %s at %s UTC, " \
            "zoneinfo %s" % (tzid, trans[i][1], t, want)
        t += datetime.timedelta(hours=3)


# ==== occurrences equal event list, across both DST changes ====

def dst_events(d):
    """Series and single events around 25 October 2026 and 28 March 2027,
    at a location and a place (no room: past occurrences need no booking).
    Returns the event ids by name."""
    e = {}
    e["weekly"] = add(d, "--kind", "steungroep", "--title", "Lotgenotengroep",
                      "--start", "2026-10-06 19:00", "--duration", "2h",
                      "--location", "herstelhuis", "--group", "lotgenoten",
                      "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=30",
                      "--except", "2026-12-29")
    d.cli("event", "edit", str(e["weekly"]), "--occurrence", "2026-10-27",
          "--start", "2026-10-28 20:00", "--title", "Lotgenotengroep (woensdag)",
          check=True)
    d.cli("event", "cancel", str(e["weekly"]), "--occurrence", "2027-03-30",
          "--reason", "Pasen", check=True)
    # the night the clocks go back: 22:00 CEST to 03:00 CET is six hours
    e["night"] = add(d, "--kind", "overig", "--title", "Nachtwake",
                     "--start", "2026-10-24 22:00", "--end", "2026-10-25 03:00",
                     "--place", PLACE)
    # fortnightly, split in March: the later part an hour later
    e["split"] = add(d, "--kind", "dialoogsessie", "--title", "Dialoogsessie",
                     "--start", "2027-01-07 19:30", "--duration", "1h30m",
                     "--location", "noord", "--group", "uht", "--repeat",
                     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=10")
    d.cli("event", "edit", str(e["split"]), "--following", "2027-03-18",
          "--start", "2027-03-18 20:30", "--title", "Dialoogsessie (later)",
          check=True)
    # the later part of a series cancelled
    e["inloop"] = add(d, "--kind", "netwerksessie", "--title", "Inloop",
                      "--start", "2027-03-01 10:00", "--duration", "1h",
                      "--location", "noord", "--repeat",
                      "FREQ=WEEKLY;BYDAY=MO;COUNT=8")
    d.cli("event", "cancel", str(e["inloop"]), "--following", "2027-03-29",
          "--reason", "Verbouwing", check=True)
    # a whole series and a single event cancelled
    e["kook"] = add(d, "--kind", "overig", "--title", "Kookclub", "--start",
                    "2026-11-04 18:00", "--duration", "2h", "--location",
                    "herstelhuis", "--repeat", "FREQ=WEEKLY;BYDAY=WE;COUNT=5")
    d.cli("event", "cancel", str(e["kook"]), "--reason", "Geen kok",
          check=True)
    e["thema"] = add(d, "--kind", "themabijeenkomst", "--title",
                     "Themabijeenkomst compensatie", "--start",
                     "2027-03-27 14:00", "--duration", "2h", "--location",
                     "herstelhuis", "--group", "lotgenoten")
    d.cli("event", "cancel", str(e["thema"]), "--reason", "Te weinig "
          "aanmeldingen", check=True)
    # never in a public feed
    add(d, "--kind", "steungroep", "--title", "Besloten", "--start",
        "2026-11-10 19:00", "--duration", "1h", "--location", "herstelhuis",
        "--group", "lotgenoten", "--visibility", "group")
    add(d, "--kind", "steungroep", "--title", "Priv\u00e9", "--start",
        "2026-11-11 19:00", "--duration", "1h", "--location", "herstelhuis",
        "--visibility", "private")
    add(d, "--kind", "steungroep", "--title", "Voorstel", "--start",
        "2026-11-12 19:00", "--duration", "1h", "--location", "herstelhuis",
        "--propose")
    return e


def test_public_feed_expands_to_exactly_the_event_list_across_both_dst_changes(d):
    # a window long enough that 6 October 2026 stays inside for years
    restart_with(d, feeds="{ past_days = 1500; future_days = 730; }")
    setup(d)
    dst_events(d)
    frm, to = "2026-10-01", "2027-05-01"
    body = feed(d, "/feeds/public.ics")
    got = expand(body, day(frm), day(to))
    want = listed(d, frm, to)
    assert got == want, "feed and event list differ:\nonly in the feed: " \
        "%r\nonly in event list: %r" % (sorted(set(got) - set(want)),
                                        sorted(set(want) - set(got)))
    starts = {(s, t): c for s, _, t, c in got}
    # 19:00 local on both sides of each change, in UTC
    assert starts[(iso("2026-10-20T17:00:00Z"), "Lotgenotengroep")] is False
    assert starts[(iso("2026-11-03T18:00:00Z"), "Lotgenotengroep")] is False
    assert starts[(iso("2027-03-23T18:00:00Z"), "Lotgenotengroep")] is False
    assert starts[(iso("2027-04-06T17:00:00Z"), "Lotgenotengroep")] is False
    # the moved one, the cancelled one, the exception date
    assert starts[(iso("2026-10-28T19:00:00Z"),
                   "Lotgenotengroep (woensdag)")] is False
    assert (iso("2026-10-27T18:00:00Z"), "Lotgenotengroep") not in starts
    assert starts[(iso("2027-03-30T17:00:00Z"), "Lotgenotengroep")] is True
    assert (iso("2026-12-29T18:00:00Z"), "Lotgenotengroep") not in starts
    # six real hours over the night the clocks go back
    night = [g for g in got if g[2] == "Nachtwake"]
    assert night == [(iso("2026-10-24T20:00:00Z"), iso("2026-10-25T02:00:00Z"),
                      "Nachtwake", False)], night
    # whole cancelled events stay, as cancelled
    assert [c for _, _, t, c in got if t == "Kookclub"] == [True] * 5
    assert [c for _, _, t, c in got if t == "Themabijeenkomst compensatie"] \
        == [True]
    for hidden in ("Besloten", "Priv\u00e9", "Voorstel"):
        assert hidden not in [t for _, _, t, _ in got]
        assert hidden.encode() not in body


def test_kind_and_group_feeds_expand_to_the_filtered_event_list(d):
    restart_with(d, feeds="{ past_days = 1500; future_days = 730; }")
    setup(d)
    dst_events(d)
    frm, to = "2026-10-01", "2027-05-01"
    for path, extra in (("/feeds/kind/steungroep.ics", ["--kind", "steungroep"]),
                        ("/feeds/kind/dialoogsessie.ics",
                         ["--kind", "dialoogsessie"]),
                        ("/feeds/kind/kennissessie.ics",
                         ["--kind", "kennissessie"]),
                        ("/feeds/group/lotgenoten.ics", ["--group", "lotgenoten"]),
                        ("/feeds/group/uht.ics", ["--group", "uht"])):
        got = expand(feed(d, path), day(frm), day(to))
        want = listed(d, frm, to, *extra)
        assert got == want, (path, sorted(set(got) ^ set(want)))
    assert expand(feed(d, "/feeds/kind/kennissessie.ics"), day(frm),
                  day(to)) == []


def test_series_are_rrule_exdate_and_recurrence_id_components(d):
    restart_with(d, feeds="{ past_days = 1500; future_days = 730; }")
    setup(d)
    e = dst_events(d)
    uid = show(d, e["weekly"])["uid"]
    body = feed(d, "/feeds/public.ics")
    mine = [v for v in vevents(body) if str(v["UID"]) == uid]
    masters = [v for v in mine if "RECURRENCE-ID" not in v]
    assert len(masters) == 1, mine
    m = masters[0]
    assert "RRULE" in m
    assert [(p, v) for p, v in raw(body, "RRULE")
            if "COUNT=30" in v and "BYDAY=TU" in v], raw(body, "RRULE")
    assert ";TZID=Europe/Amsterdam" in raw(body, "EXDATE")[0][0]
    assert raw(body, "EXDATE")[0][1] == "20261229T190000"
    rids = {aware(v["RECURRENCE-ID"].dt): v for v in mine
            if "RECURRENCE-ID" in v}
    moved = rids[iso("2026-10-27T18:00:00Z")]
    assert aware(moved["DTSTART"].dt) == iso("2026-10-28T19:00:00Z")
    assert str(moved["SUMMARY"]) == "Lotgenotengroep (woensdag)"
    assert str(moved["STATUS"]) == "CONFIRMED"
    gone = rids[iso("2027-03-30T17:00:00Z")]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert str(gone["SUMMARY"]) == "Afgelast: Lotgenotengroep"
    assert "Pasen" in str(gone["DESCRIPTION"])
    # SEQUENCE is the event's (bumped by each change)
    assert int(m["SEQUENCE"]) == show(d, e["weekly"])["sequence"] == 2
    for p, _ in raw(body, "RECURRENCE-ID"):
        assert p == ";TZID=Europe/Amsterdam", p
    # a whole cancelled event is kept, STATUS:CANCELLED
    thema = [v for v in vevents(body) if str(v["UID"]) ==
             show(d, e["thema"])["uid"]]
    assert len(thema) == 1 and str(thema[0]["STATUS"]) == "CANCELLED"
    assert "Te weinig aanmeldingen" in str(thema[0]["DESCRIPTION"])


def test_one_event_download_expands_to_that_event_only(d):
    restart_with(d, feeds="{ past_days = 1500; future_days = 730; }")
    setup(d)
    e = dst_events(d)
    ev = show(d, e["weekly"])
    body = feed(d, "/events/%s.ics" % ev["uid"])
    assert uids(body) == [ev["uid"]]
    frm, to = "2026-10-01", "2027-05-01"
    want = [x for x in listed(d, frm, to) if x[2].startswith("Lotgenotengroep")]
    assert expand(body, day(frm), day(to)) == want
    cal = parse(body)
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Lotgenotengroep"
    # a cancelled public event can still be downloaded, as cancelled
    thema = feed(d, "/events/%s.ics" % show(d, e["thema"])["uid"])
    assert [str(v["STATUS"]) for v in vevents(thema)] == ["CANCELLED"]


# ==== every kind of feed ====

def privacy_setup(d):
    """Events and bookings of every visibility in the Grote zaal."""
    ids = {}
    ids["open"] = add(d, "--kind", "steungroep", "--title", "Open avond",
                      "--description", "Iedereen welkom", "--start",
                      "2026-12-08 19:00", "--duration", "2h", "--room", ROOM,
                      "--group", "lotgenoten")
    ids["anon"] = add(d, "--kind", "steungroep", "--title", "Ouderavond Noord",
                      "--start", "2026-12-09 19:00", "--duration", "2h",
                      "--room", ROOM, "--group", "ouders-noord")
    ids["group"] = add(d, "--kind", "steungroep", "--title", "GEHEIM-GROEP",
                       "--description", "GEHEIM-GROEPSTEKST", "--start",
                       "2026-12-10 19:00", "--duration", "2h", "--room", ROOM,
                       "--group", "ouders-noord", "--visibility", "group")
    ids["private"] = add(d, "--kind", "steungroep", "--title", "GEHEIM-PRIVE",
                         "--description", "GEHEIM-PRIVETEKST", "--start",
                         "2026-12-11 19:00", "--duration", "2h", "--room",
                         ROOM, "--group", "lotgenoten", "--visibility",
                         "private")
    ids["proposed"] = add(d, "--kind", "steungroep", "--title",
                          "GEHEIM-VOORSTEL", "--start", "2026-12-12 19:00",
                          "--duration", "2h", "--room", ROOM, "--group",
                          "ouders-noord", "--propose")
    ids["booking"] = book(d, ROOM, "2026-12-13 10:00", "--duration", "2h",
                          "--group", "ouders-noord", "--title",
                          "GEHEIM-BOEKING", "--private")
    ids["plain"] = book(d, ROOM, "2026-12-13 14:00", "--duration", "1h",
                        "--group", "lotgenoten", "--title", "Repetitie koor")
    ids["elsewhere"] = add(d, "--kind", "overig", "--title", "Spreekuur",
                           "--start", "2026-12-08 10:00", "--duration", "1h",
                           "--room", "herstelhuis/spreekkamer")
    ids["noord"] = add(d, "--kind", "overig", "--title", "Buurtmaaltijd",
                       "--start", "2026-12-08 18:00", "--duration", "1h",
                       "--room", "noord/zaal")
    return ids


def slots(body):
    """{local start "MM-DD HH:MM": (SUMMARY, STATUS)} of a room feed."""
    out = {}
    for v in vevents(body):
        k = v["DTSTART"].dt.astimezone(AMS).strftime("%m-%d %H:%M")
        assert k not in out, k
        out[k] = (str(v["SUMMARY"]), str(v["STATUS"]))
    return out


def test_public_kind_and_group_feeds_carry_only_published_public_events(d):
    setup(d)
    ids = privacy_setup(d)
    assert summaries(feed(d, "/feeds/public.ics")) == [
        "Buurtmaaltijd", "Open avond", "Ouderavond Noord", "Spreekuur"]
    assert summaries(feed(d, "/feeds/kind/steungroep.ics")) == [
        "Open avond", "Ouderavond Noord"]
    assert summaries(feed(d, "/feeds/kind/overig.ics")) == [
        "Buurtmaaltijd", "Spreekuur"]
    assert summaries(feed(d, "/feeds/kind/themabijeenkomst.ics")) == []
    assert summaries(feed(d, "/feeds/group/lotgenoten.ics")) == ["Open avond"]
    assert summaries(feed(d, "/feeds/group/ouders-noord.ics")) == [
        "Ouderavond Noord"]
    assert summaries(feed(d, "/feeds/group/uht.ics")) == []
    # the group's secret link adds its group-only events (not private ones)
    secret = secret_path(d, "group", "--group", "ouders-noord")
    body = feed(d, secret)
    assert summaries(body) == ["GEHEIM-GROEP", "Ouderavond Noord"]
    assert "GEHEIM-GROEPSTEKST" in str([v.get("DESCRIPTION")
                                        for v in vevents(body)])
    assert d.http("GET", secret)[1]["cache-control"].startswith("private")
    lot = secret_path(d, "group", "--group", "lotgenoten")
    assert summaries(feed(d, lot)) == ["Open avond"]
    # publishing the proposal puts it in the public feeds
    d.cli("event", "publish", str(ids["proposed"]), check=True)
    assert "GEHEIM-VOORSTEL" in summaries(feed(d, "/feeds/public.ics"))


def test_room_feed_shows_every_occupied_period_and_bezet_for_what_is_not_public(d):
    setup(d)
    privacy_setup(d)
    body = feed(d, "/feeds/room/%s.ics" % ROOM)
    got = slots(body)
    assert got == {
        "12-08 19:00": ("Open avond (Lotgenoten Zuidoost)", "CONFIRMED"),
        "12-09 19:00": ("Ouderavond Noord (Ouders Noord)", "CONFIRMED"),
        "12-10 19:00": ("Bezet", "CONFIRMED"),
        "12-11 19:00": ("Bezet", "CONFIRMED"),
        "12-12 19:00": ("Bezet", "TENTATIVE"),
        "12-13 10:00": ("Bezet", "CONFIRMED"),
        "12-13 14:00": ("Repetitie koor (Lotgenoten Zuidoost)", "CONFIRMED"),
    }, got
    for v in vevents(body):
        if str(v["SUMMARY"]) == "Bezet":
            assert "DESCRIPTION" not in v and "ORGANIZER" not in v, v
            assert "CATEGORIES" not in v and "URL" not in v, v
    assert b"GEHEIM" not in body
    cal = parse(body)
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == ROOM_NAME
    # the end of each period is right too
    ends = {v["DTSTART"].dt.astimezone(AMS).strftime("%m-%d %H:%M"):
            v["DTEND"].dt.astimezone(AMS).strftime("%H:%M")
            for v in vevents(body)}
    assert ends["12-13 10:00"] == "12:00" and ends["12-13 14:00"] == "15:00"
    assert "Grote zaal" in str(vevents(body)[0]["LOCATION"])
    assert "Johan Cruijff Boulevard 1" in str(vevents(body)[0]["LOCATION"])


def test_location_feed_covers_its_rooms_and_the_secret_link_shows_every_detail(d):
    setup(d)
    privacy_setup(d)
    body = feed(d, "/feeds/location/herstelhuis.ics")
    got = slots(body)
    assert got["12-08 10:00"] == ("Spreekuur", "CONFIRMED")
    assert got["12-11 19:00"] == ("Bezet", "CONFIRMED")
    assert "12-08 18:00" not in got          # Noord's room
    assert len(got) == 8, got
    assert b"GEHEIM" not in body
    cal = parse(body)
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == \
        "Herstelhuis Zuidoost"
    # the managers' link: every title
    secret = secret_path(d, "location", "--location", "herstelhuis")
    full = slots(feed(d, secret))
    assert full["12-10 19:00"][0].startswith("GEHEIM-GROEP"), full
    assert full["12-11 19:00"][0].startswith("GEHEIM-PRIVE"), full
    assert full["12-12 19:00"][0].startswith("GEHEIM-VOORSTEL"), full
    assert full["12-13 10:00"][0].startswith("GEHEIM-BOEKING"), full
    assert set(full) == set(got)
    assert d.http("GET", secret)[1]["cache-control"].startswith("private")
    # and the same key opens the rooms of that location, not others
    key = secret.rsplit("/", 1)[1]
    room = slots(feed(d, "/feeds/room/%s/%s" % (ROOM, key)))
    assert room["12-13 10:00"][0].startswith("GEHEIM-BOEKING"), room
    get(d, "/feeds/room/noord/zaal/%s" % key, want=404)
    get(d, "/feeds/location/noord/%s" % key, want=404)
    noord = slots(feed(d, "/feeds/location/noord.ics"))
    assert noord == {"12-08 18:00": ("Buurtmaaltijd", "CONFIRMED")}, noord


def test_one_event_link_serves_public_events_only(d):
    setup(d)
    ids = privacy_setup(d)
    for name in ("open", "anon", "elsewhere"):
        ev = show(d, ids[name])
        body = feed(d, "/events/%s.ics" % ev["uid"])
        assert uids(body) == [ev["uid"]]
        assert summaries(body) == [ev["title"]]
    for name in ("group", "private", "proposed"):
        uid = show(d, ids[name])["uid"]
        status, hdrs, body = d.http("GET", "/events/%s.ics" % uid)
        assert status == 404 and b"GEHEIM" not in body, (name, status, body)
    d.cli("event", "publish", str(ids["proposed"]), check=True)
    feed(d, "/events/%s.ics" % show(d, ids["proposed"])["uid"])


def test_freebusy_has_busy_periods_for_bookings_and_busy_unavailable_for_closures(d):
    setup(d)
    privacy_setup(d)
    d.cli("closure", "add", "herstelhuis", "--from", "2026-12-24", "--to",
          "2026-12-27", "--reason", "Kerst", check=True)
    d.cli("closure", "add", "herstelhuis/spreekkamer", "--from",
          "2027-01-04 09:00", "--to", "2027-01-04 17:00", "--reason",
          "Schilderwerk", check=True)
    hdrs, body = get(d, "/freebusy/room/%s.ifb" % ROOM)
    assert hdrs["content-type"] == "text/calendar; charset=utf-8"
    check_text(body, "freebusy")
    cal = parse(body)
    assert str(cal["X-WR-CALNAME"]) == ROOM_NAME
    fbs = list(cal.walk("VFREEBUSY"))
    assert len(fbs) == 1 and not list(cal.walk("VEVENT"))
    fb = fbs[0]
    assert "UID" in fb and "DTSTAMP" in fb
    # the component spans the feed window
    now = harness.now(UTC)
    assert abs(aware(fb["DTSTART"].dt) - (now - datetime.timedelta(days=90))) \
        < datetime.timedelta(days=1)
    assert abs(aware(fb["DTEND"].dt) - (now + datetime.timedelta(days=730))) \
        < datetime.timedelta(days=1)
    periods = []
    for params, value in raw(body, "FREEBUSY"):
        for p in value.split(","):
            s, e = p.split("/")
            periods.append((params, datetime.datetime.strptime(
                s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC), datetime.datetime
                .strptime(e, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)))
    local = sorted((p, s.astimezone(AMS).strftime("%m-%d %H:%M"),
                    e.astimezone(AMS).strftime("%m-%d %H:%M"))
                   for p, s, e in periods)
    busy = [(s, e) for p, s, e in local if p == ";FBTYPE=BUSY"]
    assert busy == [("12-08 19:00", "12-08 21:00"), ("12-09 19:00", "12-09 21:00"),
                    ("12-10 19:00", "12-10 21:00"), ("12-11 19:00", "12-11 21:00"),
                    ("12-12 19:00", "12-12 21:00"), ("12-13 10:00", "12-13 12:00"),
                    ("12-13 14:00", "12-13 15:00")], local
    unavailable = [(s, e) for p, s, e in local
                   if p == ";FBTYPE=BUSY-UNAVAILABLE"]
    # the location's closure; not the other room's
    assert unavailable == [("12-24 00:00", "12-27 00:00")], local
    assert len(local) == len(busy) + len(unavailable), local
    # nothing about what the room is used for
    assert b"GEHEIM" not in body and b"SUMMARY" not in body
    assert b"Kerst" not in body and b"ATTENDEE" not in body
    # the other room: its own closure only
    _, other = get(d, "/freebusy/room/herstelhuis/spreekkamer.ifb")
    kinds = sorted(p for p, _ in raw(other, "FREEBUSY"))
    assert kinds == [";FBTYPE=BUSY", ";FBTYPE=BUSY-UNAVAILABLE",
                     ";FBTYPE=BUSY-UNAVAILABLE"], raw(other, "FREEBUSY")


def test_no_shared_feed_leaks_private_titles_or_attendees(d):
    setup(d)
    ids = privacy_setup(d)
    shared = [path_of(d, url) for url, _ in links(d).values()]
    shared += ["/events/%s.ics" % show(d, ids[n])["uid"]
               for n in ("open", "anon", "elsewhere", "noord")]
    assert len(shared) > 15, shared
    for path in shared:
        status, hdrs, body = d.http("GET", path)
        assert status == 200, (path, status)
        check_text(body, path)
        assert b"GEHEIM" not in body, (path, body)
        assert b"ATTENDEE" not in body, path
        assert hdrs["cache-control"].startswith("public"), (path, hdrs)
    # secret links carry no attendees either
    for args, kind in ((("--group", "ouders-noord"), "group"),
                       (("--location", "herstelhuis"), "location")):
        body = feed(d, secret_path(d, kind, *args))
        assert b"ATTENDEE" not in body
        assert b"GEHEIM-PRIVE" not in body or kind == "location"
    # the anonymous group's public event names the group, never a person
    body = feed(d, "/feeds/public.ics")
    anon = [v for v in vevents(body) if str(v["SUMMARY"]) == "Ouderavond Noord"]
    assert len(anon) == 1
    assert str(anon[0]["ORGANIZER"]) == "mailto:noord@example.org"
    assert str(anon[0]["ORGANIZER"].params["CN"]) == "Ouders Noord"


# ==== the text ====

def test_every_feed_is_crlf_folded_at_75_octets_and_never_splits_utf8(d):
    setup(d)
    privacy_setup(d)
    eid = add(d, "--kind", "dialoogsessie", "--title",
              "Dialoogsessie: h\u00e9rstel, erkenning en compensatie \u2014 "
              "voor \u00e9lke ouder (co\u00f6rdinatie UHT)", "--start",
              "2026-12-15 19:00", "--duration", "2h", "--room",
              "herstelhuis/spreekkamer", "--group", "uht", "--description",
              DUTCH)
    ev = show(d, eid)
    paths = [path_of(d, url) for url, _ in links(d).values()]
    paths.append("/events/%s.ics" % ev["uid"])
    for path in paths:
        feed(d, path)          # checks CRLF, 75 octets, UTF-8 per line
    body = feed(d, "/feeds/public.ics")
    mine = [v for v in vevents(body) if str(v["UID"]) == ev["uid"]][0]
    assert str(mine["DESCRIPTION"]) == DUTCH
    assert str(mine["SUMMARY"]) == ev["title"]
    # the description really was folded, more than once
    pieces = []
    for line in body.split(b"\r\n"):
        if line.startswith(b" ") and pieces:
            pieces[-1].append(line)
        else:
            pieces.append([line])
    desc = [p for p in pieces if p[0].startswith(b"DESCRIPTION")
            and b"Na jaren" in b"".join(l[1:] for l in p[1:]) + p[0]]
    assert len(desc) == 1 and len(desc[0]) >= 5, desc


def test_text_is_escaped_and_a_title_must_be_one_line(d):
    setup(d)
    desc = "Eerste regel\nTweede regel, met komma; puntkomma \\ en backslash"
    eid = add(d, "--kind", "overig", "--title", "Koffie, thee; en \\ meer",
              "--start", "2026-12-15 10:00", "--duration", "1h",
              "--place", PLACE, "--description", desc)
    body = feed(d, "/feeds/public.ics")
    assert raw(body, "LOCATION") == [
        ("", 'Caf\u00e9 "De Meeuw"\\, Noord\\; 2e verdieping')]
    assert raw(body, "DESCRIPTION") == [
        ("", "Eerste regel\\nTweede regel\\, met komma\\; puntkomma \\\\ en "
             "backslash")]
    assert raw(body, "SUMMARY") == [("", "Koffie\\, thee\\; en \\\\ meer")]
    v = vevents(body)[0]
    assert str(v["LOCATION"]) == PLACE
    assert str(v["DESCRIPTION"]) == desc
    assert str(v["SUMMARY"]) == "Koffie, thee; en \\ meer"
    # a title is one line: refused by the CLI and by the API, nothing written
    before = d.dump()
    for title in ("Twee\nregels", "Twee\r\nregels", "Twee\rregels"):
        r = d.cli("event", "add", "--kind", "overig", "--title", title,
                  "--start", "2026-12-16 10:00", "--duration", "1h",
                  "--place", "Stadhuis")
        assert r.rc == EX_DATAERR, r
        assert len(r.err_lines()) == 1 and "title" in r.err, r
        r = d.cli("event", "edit", str(eid), "--title", title)
        assert r.rc == EX_DATAERR, r
    status, _, _ = d.api_socket("POST", "/api/v1/events", {
        "kind": "overig", "title": "Twee\nregels", "start": "2026-12-16 10:00",
        "duration": "1h", "place": "Stadhuis"})
    assert status in (400, 422), status
    assert d.dump() == before
    # and a group name with a colon and comma is a quoted CN
    add(d, "--kind", "overig", "--title", "Partneroverleg", "--start",
        "2026-12-17 10:00", "--duration", "1h", "--place", "Stadhuis",
        "--group", "uht")
    body = feed(d, "/feeds/group/uht.ics")
    v = vevents(body)[0]
    assert str(v["ORGANIZER"]) == "mailto:uht@example.org"
    assert str(v["ORGANIZER"].params["CN"]) == "UHT: herstel, samen"
    cal = parse(body)
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "UHT: herstel, samen"


def test_calendar_properties_name_refresh_and_timezone(d):
    setup(d)
    privacy_setup(d)
    names = {
        "/feeds/public.ics": None,
        "/feeds/kind/dialoogsessie.ics": None,
        "/feeds/group/lotgenoten.ics": "Lotgenoten Zuidoost",
        "/feeds/location/herstelhuis.ics": "Herstelhuis Zuidoost",
        "/feeds/room/%s.ics" % ROOM: ROOM_NAME,
        "/freebusy/room/%s.ifb" % ROOM: ROOM_NAME,
    }
    for path, name in names.items():
        body = feed(d, path)
        cal = parse(body)
        assert str(cal["VERSION"]) == "2.0", path
        assert str(cal["PRODID"]).startswith("-//"), path
        assert str(cal["CALSCALE"]) == "GREGORIAN", path
        assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]), path
        assert str(cal["NAME"]).strip() and \
            str(cal["NAME"]).lower() not in ("calendar", "agenda"), path
        if name is not None:
            assert str(cal["NAME"]) == name, (path, str(cal["NAME"]))
        assert str(cal["X-WR-TIMEZONE"]) == "Europe/Amsterdam", path
        assert raw(body, "REFRESH-INTERVAL") == [(";VALUE=DURATION", "PT1H")], \
            (path, raw(body, "REFRESH-INTERVAL"))
        assert raw(body, "X-PUBLISHED-TTL") == [("", "PT1H")], path
        assert not raw(body, "METHOD") or raw(body, "METHOD") == [
            ("", "PUBLISH")], path
    names = {str(parse(feed(d, p))["NAME"]) for p in
             ("/feeds/public.ics", "/feeds/kind/dialoogsessie.ics",
              "/feeds/kind/steungroep.ics", "/feeds/group/lotgenoten.ics")}
    assert len(names) == 4, names           # each feed its own name
    # feeds.refresh drives both, after a restart and after a reload
    restart_with(d, feeds='{ refresh = "15m"; }')
    body = feed(d, "/feeds/public.ics")
    assert raw(body, "REFRESH-INTERVAL") == [(";VALUE=DURATION", "PT15M")]
    assert raw(body, "X-PUBLISHED-TTL") == [("", "PT15M")]
    off = d.log_offset()
    d.rewrite_config(d.config_text(feeds='{ refresh = "1d"; }'))
    d.sighup()
    d.wait_log("configuration reloaded", after=off)
    for path in ("/feeds/public.ics", "/feeds/room/%s.ics" % ROOM):
        body = feed(d, path)
        assert raw(body, "REFRESH-INTERVAL") == [(";VALUE=DURATION", "P1D")], \
            (path, raw(body, "REFRESH-INTERVAL"))
        assert raw(body, "X-PUBLISHED-TTL") == [("", "P1D")], path


def test_plain_tzids_and_one_right_vtimezone_per_zone_used(d):
    setup(d)
    d.cli("location", "add", "londen", "--name", "Londen", "--timezone",
          "Europe/London", check=True)
    d.cli("room", "add", "londen/hal", "--name", "Hal", "--capacity", "10",
          check=True)
    privacy_setup(d)
    add(d, "--kind", "overig", "--title", "Bezoek Londen", "--start",
        "2027-03-29 19:00", "--duration", "1h", "--room", "londen/hal",
        "--repeat", "FREQ=WEEKLY;COUNT=3", "--except", "2027-04-05")
    now = harness.now(UTC)
    frm, to = now - datetime.timedelta(days=90), now + \
        datetime.timedelta(days=730)
    paths = [path_of(d, url) for url, _ in links(d).values()]
    for path in paths:
        body = feed(d, path)
        text = body.decode()
        assert "freeassociation" not in text, path
        used = set(re.findall(r";TZID=([^;:]*)[;:]", text.replace(
            "\r\n ", "")))
        for tzid in used:
            assert re.fullmatch(r"[A-Z][A-Za-z_]+/[A-Za-z_]+", tzid), \
                (path, tzid)
        tzs = list(parse(body).walk("VTIMEZONE"))
        have = [str(t["TZID"]) for t in tzs]
        assert sorted(have) == sorted(used), (path, have, used)
        for t in tzs:
            check_vtimezone(t, frm, to)
            # compact: only the observances the window needs
            assert len(t.subcomponents) <= 6, (path, len(t.subcomponents))
    body = feed(d, "/feeds/public.ics")
    assert sorted(str(t["TZID"]) for t in parse(body).walk("VTIMEZONE")) == \
        ["Europe/Amsterdam", "Europe/London"]
    london = [v for v in vevents(body) if str(v["SUMMARY"]) == "Bezoek Londen"]
    assert aware(london[0]["DTSTART"].dt) == iso("2027-03-29T18:00:00Z")
    assert raw(body, "EXDATE") == [(";TZID=Europe/London", "20270405T190000")]
    got = [x for x in expand(body, day("2027-03-01"), day("2027-05-01"))
           if x[2] == "Bezoek Londen"]
    assert got == [x for x in listed(d, "2027-03-01", "2027-05-01")
                   if x[2] == "Bezoek Londen"]
    assert [s for s, _, _, _ in got] == [iso("2027-03-29T18:00:00Z"),
                                         iso("2027-04-12T18:00:00Z")]
    room = feed(d, "/feeds/room/londen/hal.ics")
    assert str(parse(room)["X-WR-TIMEZONE"]) == "Europe/London"
    assert [str(t["TZID"]) for t in parse(room).walk("VTIMEZONE")] == \
        ["Europe/London"]


def test_event_properties_uid_sequence_stamps_url_organizer(d):
    setup(d)
    ids = privacy_setup(d)
    eid = add(d, "--kind", "dialoogsessie", "--title", "Dialoog", "--start",
              "2026-12-15 19:00", "--duration", "2h", "--room", ROOM,
              "--group", "uht", "--theme", "compensatie", "--theme", "uht")
    d.cli("event", "edit", str(eid), "--start", "2026-12-15 18:30", check=True)
    ev = show(d, eid)
    body = feed(d, "/feeds/public.ics")
    for v in vevents(body):
        for prop in ("UID", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "CREATED",
                     "URL", "DTSTART", "DTEND", "SUMMARY", "STATUS"):
            assert prop in v, (prop, v)
        assert aware(v["DTSTAMP"].dt) and aware(v["CREATED"].dt)
        assert aware(v["LAST-MODIFIED"].dt) >= aware(v["CREATED"].dt)
        assert str(v["URL"]) == "%s/events/%s.ics" % (base_url(d), v["UID"])
        assert "ATTENDEE" not in v
    v = [x for x in vevents(body) if str(x["UID"]) == ev["uid"]][0]
    assert int(v["SEQUENCE"]) == ev["sequence"] == 1
    assert str(v["ORGANIZER"]) == "mailto:uht@example.org"
    assert str(v["ORGANIZER"].params["CN"]) == "UHT: herstel, samen"
    cats = set()
    for _, value in raw(body, "CATEGORIES"):
        cats |= set(re.split(r"(?<!\\),", value))
    assert {"dialoogsessie", "compensatie", "uht"} <= cats, cats
    loc = str(v["LOCATION"])
    assert "Grote zaal" in loc and "Johan Cruijff Boulevard 1" in loc, loc
    # the URL answers with that one event
    one = feed(d, path_of(d, str(v["URL"])))
    assert uids(one) == [ev["uid"]]
    # an event without a group has no ORGANIZER (never a person)
    sp = [x for x in vevents(body) if str(x["UID"]) ==
          show(d, ids["elsewhere"])["uid"]][0]
    assert "ORGANIZER" not in sp
    # room feeds: stamps and sequence too
    for x in vevents(feed(d, "/feeds/room/%s.ics" % ROOM)):
        for prop in ("UID", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "CREATED"):
            assert prop in x, (prop, x)


def test_uids_and_bytes_are_stable_across_requests_and_restarts(d):
    setup(d)
    privacy_setup(d)
    restart_with(d, feeds="{ past_days = 1500; future_days = 730; }")
    dst_events(d)
    paths = ["/feeds/public.ics", "/feeds/room/%s.ics" % ROOM,
             "/feeds/location/herstelhuis.ics", "/feeds/group/lotgenoten.ics"]
    first = {p: feed(d, p) for p in paths}
    etags = {p: d.http("GET", p)[1]["etag"] for p in paths}
    for p in paths:
        assert feed(d, p) == first[p], p
    expected = sorted(o["uid"] for o in d.cli(
        "--json", "event", "list", "--from", "2026-01-01", "--to",
        "2028-12-31", check=True).json()
        if o["visibility"] == "public" and o["status"] != "proposed")
    assert uids(first["/feeds/public.ics"]) == sorted(set(expected))
    d.restart()
    for p in paths:
        again = feed(d, p)
        assert uids(again) == uids(first[p]), p
        assert again == first[p], "%s changed over a restart" % p
        assert d.http("GET", p)[1]["etag"] == etags[p], p


def test_only_events_inside_past_and_future_days_are_in_the_feeds(d):
    restart_with(d, feeds="{ past_days = 10; future_days = 30; }")
    setup(d)
    today = harness.now(AMS).date()

    def at(days, hour="19:00"):
        return "%s %s" % (today + datetime.timedelta(days=days), hour)

    def single(title, days):
        add(d, "--kind", "overig", "--title", title, "--start", at(days),
            "--duration", "1h", "--place", "Stadhuis")

    single("te oud", -20)
    single("net geweest", -5)
    single("binnenkort", 25)
    single("te ver", 40)
    add(d, "--kind", "overig", "--title", "reeks loopt door", "--start",
        at(-60), "--duration", "1h", "--place", "Stadhuis", "--repeat",
        "FREQ=WEEKLY;COUNT=20")
    add(d, "--kind", "overig", "--title", "reeks voorbij", "--start",
        at(-60), "--duration", "1h", "--place", "Stadhuis", "--repeat",
        "FREQ=WEEKLY;COUNT=3")
    add(d, "--kind", "overig", "--title", "reeks later", "--start", at(35),
        "--duration", "1h", "--place", "Stadhuis", "--repeat",
        "FREQ=WEEKLY;COUNT=3")
    cancelled = add(d, "--kind", "overig", "--title", "afgelast binnen",
                    "--start", at(3), "--duration", "1h", "--place",
                    "Stadhuis")
    d.cli("event", "cancel", str(cancelled), check=True)
    want = ["Afgelast: afgelast binnen", "binnenkort", "net geweest",
            "reeks loopt door"]
    for path in ("/feeds/public.ics", "/feeds/kind/overig.ics"):
        assert summaries(feed(d, path)) == want, (path, summaries(feed(d, path)))
    # room feeds and free/busy: the same window
    book(d, ROOM, at(25, "10:00"), "--duration", "1h", "--title", "binnen")
    book(d, ROOM, at(40, "10:00"), "--duration", "1h", "--title", "buiten")
    body = feed(d, "/feeds/room/%s.ics" % ROOM)
    assert summaries(body) == ["binnen"], summaries(body)
    fb = get(d, "/freebusy/room/%s.ifb" % ROOM)[1]
    assert len(raw(fb, "FREEBUSY")) == 1, raw(fb, "FREEBUSY")


def test_a_series_with_no_occurrence_inside_the_window_is_left_out(d):
    """"A series is included when any occurrence falls inside" the
    window: not when its occurrences only lie on both sides of it."""
    restart_with(d, feeds="{ past_days = 10; future_days = 30; }")
    setup(d)
    today = harness.now(AMS).date()
    start = "%s 19:00" % (today - datetime.timedelta(days=20))
    # one occurrence 20 days ago, the next 40 days ahead
    add(d, "--kind", "overig", "--title", "reeks eromheen", "--start", start,
        "--duration", "1h", "--place", "Stadhuis", "--repeat",
        "FREQ=DAILY;INTERVAL=60;COUNT=2")
    # weekly, but every occurrence inside the window is an exception
    first = today - datetime.timedelta(days=14)
    skip = [str(first + datetime.timedelta(days=7 * i)) for i in range(1, 7)]
    args = []
    for x in skip:
        args += ["--except", x]
    add(d, "--kind", "overig", "--title", "reeks met gat", "--start",
        "%s 10:00" % first, "--duration", "1h", "--place", "Stadhuis",
        "--repeat", "FREQ=WEEKLY;COUNT=8", *args)
    frm = str(today - datetime.timedelta(days=10))
    to = str(today + datetime.timedelta(days=31))
    assert d.cli("--json", "event", "list", "--from", frm, "--to", to,
                 check=True).json() == []
    got = summaries(feed(d, "/feeds/public.ics"))
    assert got == [], "events with no occurrence inside the window: %r" % got


# ==== HTTP ====

def etag_of(d, path, headers=None):
    return d.http("GET", path, headers=headers)[1]["etag"]


def test_http_headers_strong_etag_and_conditional_requests(d):
    setup(d)
    privacy_setup(d)
    path = "/feeds/public.ics"
    hdrs, body = get(d, path)
    assert hdrs["content-type"] == "text/calendar; charset=utf-8"
    etag = hdrs["etag"]
    assert re.fullmatch(r'"[^"\s]+"', etag), etag          # strong, quoted
    lm = datetime.datetime.strptime(hdrs["last-modified"],
                                    "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(lm - harness.now(UTC).replace(tzinfo=None)) < datetime.timedelta(minutes=5)
    cc = hdrs["cache-control"]
    assert "no-store" not in cc and ("no-cache" in cc or "max-age" in cc), cc
    assert int(hdrs["content-length"]) == len(body)
    # If-None-Match: 304 with no body, the same validators
    for inm in (etag, '"other", ' + etag, "W/" + etag, "*"):
        status, h, b = d.http("GET", path, headers={"If-None-Match": inm})
        assert status == 304 and b == b"", (inm, status, b)
        assert h["etag"] == etag and h["last-modified"] == hdrs["last-modified"]
    status, _, b = d.http("GET", path, headers={"If-None-Match": '"other"'})
    assert status == 200 and b == body
    # If-Modified-Since: 304 from Last-Modified on, 200 before it
    status, _, b = d.http("GET", path, headers={
        "If-Modified-Since": hdrs["last-modified"]})
    assert status == 304 and b == b""
    later = (lm + datetime.timedelta(hours=1)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT")
    assert d.http("GET", path, headers={"If-Modified-Since": later})[0] == 304
    earlier = (lm - datetime.timedelta(days=1)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT")
    status, _, b = d.http("GET", path, headers={"If-Modified-Since": earlier})
    assert status == 200 and b == body
    # If-None-Match wins over If-Modified-Since
    status, _, b = d.http("GET", path, headers={
        "If-None-Match": '"other"', "If-Modified-Since": hdrs["last-modified"]})
    assert status == 200 and b == body
    # every kind of feed answers conditionally
    for p in ("/feeds/kind/steungroep.ics", "/feeds/group/lotgenoten.ics",
              "/feeds/location/herstelhuis.ics", "/feeds/room/%s.ics" % ROOM,
              "/freebusy/room/%s.ifb" % ROOM,
              "/events/%s.ics" % vevents(body)[0]["UID"],
              secret_path(d, "group", "--group", "lotgenoten")):
        e = etag_of(d, p)
        status, _, b = d.http("GET", p, headers={"If-None-Match": e})
        assert status == 304 and b == b"", (p, status)


def test_304_round_trip_with_curl(d):
    setup(d)
    privacy_setup(d)
    url = "http://127.0.0.1:%d/feeds/public.ics" % d.port
    etag = etag_of(d, "/feeds/public.ics")

    def curl(*args):
        p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                            "%{http_code} %{size_download}", *args, url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30, env=harness.clean_env())
        assert p.returncode == 0, p
        return p.stdout.decode()

    assert curl("-H", "If-None-Match: " + etag) == "304 0"
    assert curl("-H", 'If-None-Match: "nope"').startswith("200 ")
    d.cli("event", "add", "--kind", "overig", "--title", "Nieuw", "--start",
          "2026-12-20 10:00", "--duration", "1h", "--place", "Stadhuis",
          check=True)
    assert curl("-H", "If-None-Match: " + etag).startswith("200 ")
    # and with If-Modified-Since: 304 when nothing changed since
    hdrs = d.http("GET", "/feeds/public.ics")[1]
    assert curl("-H", "If-Modified-Since: " + hdrs["last-modified"]) == "304 0"


def raw_request(d, request):
    """Send bytes, read until the server closes: the whole response."""
    s = socket.create_connection(("127.0.0.1", d.port), timeout=30)
    try:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


def test_head_gives_the_headers_and_no_body(d):
    setup(d)
    privacy_setup(d)
    for path in ("/feeds/public.ics", "/feeds/room/%s.ics" % ROOM,
                 "/freebusy/room/%s.ifb" % ROOM):
        hdrs, body = get(d, path)
        resp = raw_request(d, b"HEAD " + path.encode() + b" HTTP/1.1\r\n"
                           b"Host: localhost\r\nConnection: close\r\n\r\n")
        head, _, rest = resp.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert rest == b"", (path, rest[:100])
        fields = {k.lower(): v.strip() for k, _, v in (
            l.partition(":") for l in head.decode().split("\r\n")[1:])}
        assert fields["content-type"] == "text/calendar; charset=utf-8"
        assert fields["etag"] == hdrs["etag"]
        assert fields["last-modified"] == hdrs["last-modified"]
        assert int(fields["content-length"]) == len(body)
    status, _, body = d.http("HEAD", "/feeds/group/nope.ics")
    assert status == 404 and body == b""
    assert d.http("POST", "/feeds/public.ics", body="x")[0] == 405


def test_gzip_when_accepted_and_the_same_calendar(d):
    setup(d)
    privacy_setup(d)
    for path in ("/feeds/public.ics", "/feeds/location/herstelhuis.ics",
                 "/freebusy/room/%s.ifb" % ROOM):
        plain_h, plain = get(d, path)
        assert "content-encoding" not in plain_h
        assert "accept-encoding" in plain_h.get("vary", "").lower()
        h, z = get(d, path, headers={"Accept-Encoding": "gzip, deflate"})
        assert h["content-encoding"] == "gzip", h
        assert h["content-type"] == "text/calendar; charset=utf-8"
        assert "accept-encoding" in h.get("vary", "").lower()
        assert int(h["content-length"]) == len(z) < len(plain)
        assert gzip.decompress(z) == plain
        for ae in ("identity", "gzip;q=0", "br"):
            h, b = get(d, path, headers={"Accept-Encoding": ae})
            assert "content-encoding" not in h and b == plain, (ae, h)


def test_gzip_form_has_its_own_strong_etag(d):
    """RFC 9110 8.8.3: a strong entity tag of a content-encoded
    representation has to differ from the unencoded one's."""
    setup(d)
    privacy_setup(d)
    path = "/feeds/public.ics"
    plain = etag_of(d, path)
    zipped = etag_of(d, path, headers={"Accept-Encoding": "gzip"})
    assert plain != zipped, "gzip and plain bodies share the strong ETag %s" \
        % plain
    status, _, b = d.http("GET", path, headers={"Accept-Encoding": "gzip",
                                                "If-None-Match": zipped})
    assert status == 304 and b == b""


def test_many_clients_at_once_each_get_the_whole_feed_sent_from_a_file(d):
    """A feed of several sendfile pieces (MHD sends 128 KiB at a time),
    asked for by eight kept-alive clients at once, plain and gzip in turn:
    every answer is the whole calendar, each client at its own offset of
    the one file.  That file has no name: nothing new appears next to the
    database, and the daemon holds it as an unlinked file there."""
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          "--address", "Johan Cruijff Boulevard 1, Amsterdam", check=True)
    day0 = harness.now(AMS).date() + datetime.timedelta(days=2)
    text = (DUTCH * 30)[:9000]
    for i in range(40):
        add(d, "--kind", "themabijeenkomst", "--title", "Avond %d" % i,
            "--description", "%d %s" % (i, text), "--start",
            "%s 19:00" % (day0 + datetime.timedelta(days=i)),
            "--duration", "2h", "--place", PLACE)
    before = sorted(os.listdir(d.dir))
    _, plain = get(d, "/feeds/public.ics")
    assert len(plain) > 3 * 128 * 1024, len(plain)
    _, zipped = get(d, "/feeds/public.ics",
                    headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(zipped) == plain
    bad = []

    def client(k):
        conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
        try:
            for j in range(12):
                gz = (j + k) % 2 == 1
                conn.request("GET", "/feeds/public.ics", headers={
                    "Accept-Encoding": "gzip" if gz else "identity"})
                r = conn.getresponse()
                body = r.read()
                if r.status != 200 or body != (zipped if gz else plain):
                    bad.append((k, j, r.status, len(body)))
        except Exception as e:
            bad.append((k, repr(e)))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == [], bad
    assert sorted(os.listdir(d.dir)) == before
    fds = "/proc/%d/fd" % d.proc.pid
    held = [os.readlink(os.path.join(fds, f)) for f in os.listdir(fds)]
    files = [p for p in held
             if p.startswith(os.path.realpath(d.dir) + "/#")]
    assert files and all(p.endswith(" (deleted)") for p in files), held


def test_unknown_feeds_are_404_with_a_short_text(d):
    setup(d)
    ids = privacy_setup(d)
    gkey = secret_path(d, "group", "--group", "lotgenoten").rsplit("/", 1)[1]
    lkey = secret_path(d, "location", "--location", "herstelhuis") \
        .rsplit("/", 1)[1]
    bad = ["/feeds/kind/vergadering.ics", "/feeds/group/onbekend.ics",
           "/feeds/location/onbekend.ics", "/feeds/room/herstelhuis/kelder.ics",
           "/feeds/room/onbekend/zaal-1.ics", "/feeds/room/herstelhuis.ics",
           "/freebusy/room/herstelhuis/kelder.ifb",
           "/freebusy/room/herstelhuis/zaal-1.ics",
           "/events/onbekend@localhost.ics",
           "/events/%s.ics" % show(d, ids["private"])["uid"],
           "/feeds/group/lotgenoten/%s.ics" % ("0" * len(gkey[:-4])),
           "/feeds/group/ouders-noord/%s" % gkey,     # another group's key
           "/feeds/group/lotgenoten/%s" % lkey,       # a location's key
           "/feeds/location/herstelhuis/%s" % gkey,
           "/feeds/location/herstelhuis/.ics",
           "/feeds/public", "/feeds/public.ics/", "/feeds/public.ics.gz",
           "/feeds/", "/feeds/personal/onbekend.ics", "/feeds/../api/v1/events"]
    for path in bad:
        status, hdrs, body = d.http("GET", path)
        assert status == 404, (path, status, body[:200])
        assert hdrs["content-type"].startswith("text/plain"), (path, hdrs)
        assert 0 < len(body) < 100 and b"BEGIN:" not in body, (path, body)


def test_a_change_through_the_cli_shows_at_the_next_request_in_every_affected_feed(d):
    setup(d)
    ids = privacy_setup(d)
    uid = show(d, ids["open"])["uid"]
    gsecret = secret_path(d, "group", "--group", "lotgenoten")
    lsecret = secret_path(d, "location", "--location", "herstelhuis")
    affected = ["/feeds/public.ics", "/feeds/kind/steungroep.ics",
                "/feeds/group/lotgenoten.ics", gsecret,
                "/feeds/location/herstelhuis.ics", lsecret,
                "/feeds/room/%s.ics" % ROOM, "/events/%s.ics" % uid]
    before = {p: d.http("GET", p) for p in affected}
    d.cli("event", "edit", str(ids["open"]), "--title", "Open avond (nieuw)",
          check=True)
    for p in affected:
        status, h, body = d.http("GET", p, headers={
            "If-None-Match": before[p][1]["etag"]})
        assert status == 200, (p, status)
        assert h["etag"] != before[p][1]["etag"], p
        assert b"Open avond (nieuw)" in body, p
    # moving it changes the busy time
    fb = "/freebusy/room/%s.ifb" % ROOM
    old = d.http("GET", fb)[2]
    d.cli("event", "edit", str(ids["open"]), "--start", "2026-12-08 18:00",
          check=True)
    new = d.http("GET", fb)[2]
    assert b"20261208T170000Z/20261208T190000Z" in new and new != old
    # cancelling shows as cancelled, at once
    d.cli("event", "cancel", str(ids["open"]), check=True)
    v = [x for x in vevents(feed(d, "/feeds/public.ics"))
         if str(x["UID"]) == uid]
    assert [str(x["STATUS"]) for x in v] == ["CANCELLED"]
    # removing it: gone from the feeds, its link 404
    d.cli("event", "remove", str(ids["open"]), check=True)
    assert uid.encode() not in feed(d, "/feeds/public.ics")
    get(d, "/events/%s.ics" % uid, want=404)
    # renaming a room renames its feed
    d.cli("room", "edit", ROOM, "--name", "Zaal De Boeg", check=True)
    assert str(parse(feed(d, "/feeds/room/%s.ics" % ROOM))["NAME"]) == \
        "Herstelhuis Zuidoost \u2014 Zaal De Boeg"


def test_an_unchanged_feed_keeps_its_etag_and_last_modified(d):
    setup(d)
    ids = privacy_setup(d)
    unaffected = ["/feeds/kind/overig.ics", "/feeds/group/lotgenoten.ics",
                  "/feeds/location/noord.ics", "/feeds/room/noord/zaal.ics",
                  "/feeds/room/%s.ics" % ROOM,
                  "/events/%s.ics" % show(d, ids["open"])["uid"]]
    before = {p: d.http("GET", p)[1] for p in unaffected}
    pub = d.http("GET", "/feeds/public.ics")[1]
    time.sleep(1.1)          # a new Last-Modified would show
    # changes elsewhere: a dialoogsessie of another group at a place, a
    # private event, a group, a closure of another location
    add(d, "--kind", "dialoogsessie", "--title", "Nieuw", "--start",
        "2026-12-20 10:00", "--duration", "1h", "--place", "Stadhuis",
        "--group", "uht")
    add(d, "--kind", "overig", "--title", "Priv\u00e9", "--start",
        "2026-12-21 10:00", "--duration", "1h", "--place", "Stadhuis",
        "--visibility", "private")
    d.cli("group", "add", "nieuw", "--name", "Nieuwe groep", check=True)
    for p in unaffected:
        status, h, body = d.http("GET", p, headers={
            "If-None-Match": before[p]["etag"]})
        assert status == 304, (p, status)
        assert h["etag"] == before[p]["etag"], p
        assert h["last-modified"] == before[p]["last-modified"], p
        assert d.http("GET", p, headers={
            "If-Modified-Since": before[p]["last-modified"]})[0] == 304, p
    h = d.http("GET", "/feeds/public.ics")[1]
    assert h["etag"] != pub["etag"]
    assert h["last-modified"] != pub["last-modified"]


def test_freebusy_keeps_its_etag_when_nothing_in_the_room_changed(d):
    setup(d)
    privacy_setup(d)
    path = "/freebusy/room/%s.ifb" % ROOM
    before = d.http("GET", path)[1]
    time.sleep(1.1)
    d.cli("group", "add", "nieuw", "--name", "Nieuwe groep", check=True)
    status, h, _ = d.http("GET", path, headers={
        "If-None-Match": before["etag"]})
    assert status == 304, "an unrelated change gave the free/busy of %s a " \
        "new ETag (%s -> %s)" % (ROOM, before["etag"], h["etag"])
    assert h["last-modified"] == before["last-modified"]


def test_if_modified_since_never_hides_a_change_made_in_the_same_second(d):
    """A client that revalidates with If-Modified-Since (no ETag) must get
    the new feed after a change, also when the change fell in the same
    second as its previous fetch."""
    setup(d)
    path = "/feeds/public.ics"
    for i in range(3):
        # a fresh render at the start of one of the daemon's seconds
        # (its clock is pinned, so watch its Date header), then a change
        # within it
        first = d.http("HEAD", "/feeds/kind/overig.ics")[1]["date"]
        while d.http("HEAD", "/feeds/kind/overig.ics")[1]["date"] == first:
            time.sleep(0.002)
        d.cli("group", "add", "g%d" % i, "--name", "Groep %d" % i, check=True)
        hdrs, body = get(d, path)
        add(d, "--kind", "overig", "--title", "Nieuw %d" % i, "--start",
            "2026-12-20 10:00", "--duration", "1h", "--place", "Stadhuis")
        status, h, b = d.http("GET", path, headers={
            "If-Modified-Since": hdrs["last-modified"]})
        assert status == 200, "If-Modified-Since: %s answered 304 while the " \
            "feed changed (ETag %s -> %s, Last-Modified %s -> %s)" % (
                hdrs["last-modified"], hdrs["etag"], h["etag"],
                hdrs["last-modified"], h["last-modified"])
        assert ("Nieuw %d" % i).encode() in b


# ==== herstelctl feed list ====

def test_feed_list_prints_http_and_webcal_links_from_public_url(d):
    setup(d)
    privacy_setup(d)
    restart_with(d, public_url='"https://agenda.example.org/herstel"')
    out = d.cli("--json", "feed", "list", check=True).json()
    paths = set()
    for x in out:
        assert set(x) >= {"name", "url", "webcal"}, x
        assert x["url"].startswith("https://agenda.example.org/herstel/"), x
        path = x["url"][len("https://agenda.example.org/herstel"):]
        # webcal:// for calendars; free/busy files are fetched, not
        # subscribed to
        if path.endswith(".ifb"):
            assert x["webcal"] is None, x
        else:
            assert x["webcal"] == "webcal://agenda.example.org/herstel" + \
                path, x
        assert x["name"].strip(), x
        paths.add(path)
    want = {"/feeds/public.ics", "/feeds/group/lotgenoten.ics",
            "/feeds/group/ouders-noord.ics", "/feeds/group/uht.ics",
            "/feeds/location/herstelhuis.ics", "/feeds/location/noord.ics",
            "/feeds/room/herstelhuis/zaal-1.ics",
            "/feeds/room/herstelhuis/spreekkamer.ics",
            "/feeds/room/noord/zaal.ics",
            "/freebusy/room/herstelhuis/zaal-1.ifb",
            "/freebusy/room/herstelhuis/spreekkamer.ifb",
            "/freebusy/room/noord/zaal.ifb"}
    want |= {"/feeds/kind/%s.ics" % k for k in (
        "themabijeenkomst", "dialoogsessie", "steungroep", "kennissessie",
        "netwerksessie", "overig")}
    assert paths == want, sorted(paths ^ want)
    names = {x["name"]: x["url"] for x in out}
    assert names[ROOM_NAME].endswith("/feeds/room/herstelhuis/zaal-1.ics")
    # every link answers (served here on 127.0.0.1)
    for path in paths:
        status, _, body = d.http("GET", path)
        assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), path
    # the table shows each name with both links
    table = d.cli("feed", "list", check=True).out
    for x in out:
        assert x["name"] in table and x["url"] in table and \
            (x["webcal"] is None or x["webcal"] in table), x
    # the URL in the feeds is built from public_url as well
    body = feed(d, "/feeds/public.ics")
    for v in vevents(body):
        assert str(v["URL"]) == "https://agenda.example.org/herstel/events/" \
            "%s.ics" % v["UID"]


def test_secret_links_only_for_the_admin_and_the_groups_organizers(d):
    setup(d)
    privacy_setup(d)
    org = token(d, "--role", "organizer", "--group", "ouders-noord",
                "--name", "org noord")
    other = token(d, "--role", "organizer", "--group", "lotgenoten",
                  "--name", "org lotgenoten")
    mgr = token(d, "--role", "location-manager", "--location", "herstelhuis",
                "--name", "beheer")
    noord_mgr = token(d, "--role", "location-manager", "--location", "noord",
                      "--name", "beheer noord")

    def secrets(lk):
        return sorted(u for u, _ in lk.values()
                      if re.search(r"/[0-9a-f]{16,}\.ics$", u))

    # nobody gets a secret link without asking for it
    assert secrets(links(d)) == []
    for t in (org, other, mgr):
        assert secrets(links(d, token=t)) == []
    # the group's link: the admin and its own organizers, the same link
    admin_g = secrets(links(d, "--group", "ouders-noord"))
    assert len(admin_g) == 1 and "/feeds/group/ouders-noord/" in admin_g[0]
    assert secrets(links(d, "--group", "ouders-noord", token=org)) == admin_g
    for t in (other, mgr):
        r = d.cli("feed", "list", "--group", "ouders-noord", token=t)
        assert r.rc == EX_NOPERM and r.out == "", r
        assert len(r.err_lines()) == 1, r
        assert not re.search(r"[0-9a-f]{16,}", r.err), r
    body = feed(d, path_of(d, admin_g[0]))
    assert b"GEHEIM-GROEP" in body
    assert b"GEHEIM-GROEP" not in feed(d, "/feeds/group/ouders-noord.ics")
    assert b"GEHEIM-GROEP" not in feed(d, "/feeds/public.ics")
    # the location's links: the admin and its own managers
    admin_l = secrets(links(d, "--location", "herstelhuis"))
    assert sorted(path_of(d, u).split("/")[2] for u in admin_l) == \
        ["location", "room", "room"], admin_l
    assert secrets(links(d, "--location", "herstelhuis", token=mgr)) == admin_l
    for t in (noord_mgr, org):
        r = d.cli("feed", "list", "--location", "herstelhuis", token=t)
        assert r.rc == EX_NOPERM and r.out == "", r
        assert not re.search(r"[0-9a-f]{16,}", r.err), r
    # unknown group or location: one line, no links
    for args in (("--group", "onbekend"), ("--location", "onbekend")):
        r = d.cli("feed", "list", *args)
        assert r.rc == EX_DATAERR and r.out == "", r
        assert len(r.err_lines()) == 1 and "onbekend" in r.err, r
    # over TCP without a token: nothing
    r = d.cli("feed", "list", tcp=True)
    assert r.rc == EX_NOPERM and r.out == "", r


def test_a_location_feed_shows_events_held_there_without_a_room(d):
    setup(d)
    add(d, "--kind", "overig", "--title", "Open inloop", "--start",
        "2026-12-05 14:00", "--duration", "2h", "--location", "noord",
        "--group", "lotgenoten")
    add(d, "--kind", "overig", "--title", "Besloten overleg", "--start",
        "2026-12-06 14:00", "--duration", "1h", "--location", "noord",
        "--visibility", "private")
    body = feed(d, "/feeds/location/noord.ics")
    summaries = sorted(str(v["SUMMARY"]) for v in vevents(body))
    assert summaries == ["Bezet", "Open inloop (Lotgenoten Zuidoost)"], \
        summaries
    assert b"Besloten" not in body
    # the managers' link names both; a room's feed shows neither
    links = d.cli("--json", "feed", "list", "--location", "noord",
                  check=True).json()
    [secret] = [x["url"] for x in links
                if x["url"].count("/") == 6 and "/feeds/location/" in x["url"]]
    full = feed(d, secret[secret.index("/feeds/"):])
    assert sorted(str(v["SUMMARY"]) for v in vevents(full)) == [
        "Besloten overleg", "Open inloop (Lotgenoten Zuidoost)"]
    assert vevents(feed(d, "/feeds/room/noord/zaal.ics")) == []


# ==== the hour the clocks repeat and the hour they skip ====
#
# Amsterdam repeats 02:00-03:00 on 31 October 2027: first in summer time
# (00:00-01:00 UTC), then in winter time (01:00-02:00 UTC).  RFC 5545
# reads a local time in that hour as its first instant, python-icalendar
# (pytz) as its second; so such a time must not be written as a local
# time at all.  On 26 March 2028 02:00-03:00 does not exist: a weekly
# 02:30 is at 03:30 that day, the time after the gap.

EDGE_FROM, EDGE_TO = "2027-10-01", "2028-05-01"
GROUP_NAME = "Lotgenoten Zuidoost"


def edge_events(d):
    """Single events and weekly series with their start, their end or
    both in the repeated hour, and around the skipped one: in rooms (so
    also as bookings in the room and location feeds) and at locations
    without a room.  Every one public, steungroep, lotgenoten.  Returns
    {name: id}."""
    e = {}

    def ev(name, where, start, *args):
        e[name] = add(d, "--kind", "steungroep", "--group", "lotgenoten",
                      "--title", name, "--start", start, *where, *args)

    zaal = ("--room", ROOM)
    kamer = ("--room", "herstelhuis/spreekkamer")
    noordzaal = ("--room", "noord/zaal")
    huis = ("--location", "herstelhuis")
    noord = ("--location", "noord")
    # October: start and end both in the repeated hour (the first 02:30,
    # 30 minutes later is the second 02:00)
    ev("Beide dubbel", zaal, "2027-10-31 02:30", "--duration", "30m")
    # only the end: 01:30 summer time plus two hours is the second 02:30
    ev("Einde dubbel", noordzaal, "2027-10-31 01:30", "--duration", "2h")
    # only the start: the first 02:30, two hours, until 03:30 winter time
    ev("Begin dubbel", huis, "2027-10-31 02:30", "--duration", "2h")
    # the start in the second 02:30 (given with its offset)
    ev("Begin tweede keer", noord, "2027-10-31T02:30:00+01:00",
       "--duration", "1h")
    # from the first 02:10 to the second 02:50
    ev("Heel het dubbele uur", huis, "2027-10-31T02:10:00+02:00",
       "--end", "2027-10-31T02:50:00+01:00")
    # weekly series whose 31 October occurrence starts, ends or both in
    # the repeated hour; one starts there; one leaves it out; one has it
    # changed
    ev("Reeks beide", kamer, "2027-10-24 02:30", "--duration", "30m",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3")
    ev("Reeks einde", huis, "2027-10-24 01:30", "--duration", "1h30m",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3")
    ev("Reeks begin", noord, "2027-10-17 02:15", "--duration", "2h",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=4")
    ev("Reeks vanaf het dubbele uur", huis, "2027-10-31 02:30",
       "--duration", "30m", "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=2")
    ev("Reeks zonder", noord, "2027-10-24 02:45", "--duration", "15m",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3", "--except", "2027-10-31")
    ev("Reeks gewijzigd", huis, "2027-10-24 02:20", "--duration", "20m",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3")
    d.cli("event", "edit", str(e["Reeks gewijzigd"]), "--occurrence",
          "2027-10-31", "--title", "Reeks gewijzigd (nacht)", check=True)
    # March: a weekly 02:30 is at 03:30 on the 26th; 01:30 for an hour
    # ends at 03:30; single events right before and after the gap
    ev("Maart gat", zaal, "2028-03-19 02:30", "--duration", "30m",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3")
    ev("Maart over het gat", kamer, "2028-03-19 01:30", "--duration", "1h",
       "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=3")
    ev("Maart ervoor", noordzaal, "2028-03-26 01:30", "--duration", "1h")
    ev("Maart erna", huis, "2028-03-26 03:00", "--duration", "30m")
    ev("Maart eromheen", noord, "2028-03-26 01:59", "--end",
       "2028-03-26 03:01")
    return e


def edge_listed(d):
    """herstelctl --json event list over the edge window."""
    return d.cli("--json", "event", "list", "--from", EDGE_FROM, "--to",
                 EDGE_TO, check=True).json()


def repeated_hour(naive, zone=AMS):
    """Whether the local time naive names two instants in zone."""
    a, b = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone,
                                                             fold=1)
    if a.utcoffset() == b.utcoffset():
        return False
    # both readings exist (in a gap neither survives the round trip)
    return all(x.astimezone(UTC).astimezone(zone).replace(tzinfo=None) ==
               naive for x in (a, b))


def check_edge_text(body, what):
    """No DTSTART or DTEND is a local time in a repeated hour, except a
    series' own DTSTART (its RRULE repeats it), which then has a DURATION
    and its occurrences in that hour written out; every VEVENT starts
    before it ends, read from its UTC or unambiguous local times."""
    for v in vevents(body):
        series = "RRULE" in v
        for name in ("DTSTART", "DTEND"):
            if name not in v:
                continue
            dt = v[name].dt
            tzid = v[name].params.get("TZID")
            if tzid is None:
                assert dt.tzinfo is not None and dt.utcoffset() == \
                    datetime.timedelta(0), (what, name, v[name].to_ical())
                continue
            naive = dt.replace(tzinfo=None)
            if repeated_hour(naive, zoneinfo.ZoneInfo(str(tzid))):
                assert series and name == "DTSTART", \
                    "%s: %s %s;TZID=%s is in a repeated hour" % (
                        what, v["SUMMARY"], name, tzid)
                assert "DTEND" not in v and "DURATION" in v, (what, v)
        start = v["DTSTART"].dt
        if "DURATION" in v:
            assert "DTEND" not in v, (what, v)
            assert v["DURATION"].dt > datetime.timedelta(0), (what, v)
        elif not series or not repeated_hour(start.replace(tzinfo=None)):
            assert aware(start) < aware(v["DTEND"].dt), (
                what, str(v["SUMMARY"]), v["DTSTART"].to_ical(),
                v["DTEND"].to_ical())


def expand_spans(body):
    """(start, end, SUMMARY) of every occurrence recurring-ical-events
    expands from body over the edge window, in UTC.

    It expands the feed as served first (it must not stop on any VEVENT,
    and none may end before it starts).  For the instants, it reads the
    feed without X-WR-TIMEZONE: x_wr_timezone 0.0.5 turns each UTC time
    into pytz local time, which recurring-ical-events 2.0.1 localizes
    again from the wall clock, taking the second of two readings, so it
    cannot read a time in the first 02:00-03:00 of a repeated hour
    however it is written.  X-WR-TIMEZONE has no meaning for times that
    carry a TZID or a Z (RFC 7986 leaves it out; it is for floating
    times), so the instants do not depend on it."""
    _, rie = parsers()
    frm, to = day(EDGE_FROM), day(EDGE_TO)
    for e in rie.of(parse(body)).between(frm, to):
        assert aware(e["DTSTART"].dt) < aware(e["DTEND"].dt), e
    out = []
    plain = re.sub(rb"\r\nX-WR-TIMEZONE:[^\r]*", b"", body)
    assert b"X-WR-TIMEZONE" not in plain
    for e in rie.of(parse(plain)).between(frm, to):
        out.append((aware(e["DTSTART"].dt), aware(e["DTEND"].dt),
                    str(e["SUMMARY"])))
    return sorted(out)


def want_spans(rows, suffix=""):
    return sorted((iso(o["start"]), iso(o["end"]), o["title"] + suffix)
                  for o in rows)


def check_edge_feed(d, path, rows, suffix=""):
    body = feed(d, path)
    check_edge_text(body, path)
    got = expand_spans(body)
    want = want_spans(rows, suffix)
    assert got == want, "%s: feed and event list differ:\nonly in the " \
        "feed: %r\nonly in event list: %r" % (
            path, sorted(set(got) - set(want)), sorted(set(want) - set(got)))
    return body


def test_times_in_the_repeated_and_the_skipped_hour_are_read_right_in_every_feed(d):
    restart_with(d, feeds="{ past_days = 30; future_days = 900; }")
    setup(d)
    e = edge_events(d)
    rows = edge_listed(d)
    assert {o["id"] for o in rows} == set(e.values())
    for o in rows:
        assert iso(o["start"]) < iso(o["end"]), o
    # what event list itself says about the hard ones
    by = {(o["title"], o["occurrence"]): o for o in rows}
    assert (iso(by[("Beide dubbel", None)]["start"]),
            iso(by[("Beide dubbel", None)]["end"])) == (
        iso("2027-10-31T00:30:00Z"), iso("2027-10-31T01:00:00Z"))
    assert iso(by[("Begin tweede keer", None)]["start"]) == \
        iso("2027-10-31T01:30:00Z")
    assert iso(by[("Reeks beide", "2027-10-31")]["start"]) == \
        iso("2027-10-31T00:30:00Z")
    assert iso(by[("Maart gat", "2028-03-26")]["start"]) == \
        iso("2028-03-26T01:30:00Z")
    assert ("Reeks zonder", "2027-10-31") not in by
    assert ("Reeks gewijzigd (nacht)", "2027-10-31") in by

    # the feeds of events: all of them
    for path in ("/feeds/public.ics", "/feeds/kind/steungroep.ics",
                 "/feeds/group/lotgenoten.ics",
                 secret_path(d, "group", "--group", "lotgenoten")):
        body = check_edge_feed(d, path, rows)
    # the bytes of the one from the report: a UTC DTEND after a UTC DTSTART
    lines = logical_lines(body)
    i = lines.index("SUMMARY:Beide dubbel")
    near = lines[i - 12:i + 12]
    assert "DTSTART:20271031T003000Z" in near, near
    assert "DTEND:20271031T010000Z" in near, near
    # a series starting in the repeated hour: local DTSTART and DURATION
    i = lines.index("SUMMARY:Reeks vanaf het dubbele uur")
    near = lines[i - 12:i + 12]
    assert "DTSTART;TZID=Europe/Amsterdam:20271031T023000" in near, near
    assert "DURATION:PT30M" in near, near
    # one event each
    for name, eid in e.items():
        uid = show(d, eid)["uid"]
        check_edge_feed(d, "/events/%s.ics" % uid,
                        [o for o in rows if o["id"] == eid])
    # rooms and locations: the occupied periods, titled with the group
    for loc in ("herstelhuis", "noord"):
        check_edge_feed(d, "/feeds/location/%s.ics" % loc,
                        [o for o in rows if o["location"] == loc],
                        " (%s)" % GROUP_NAME)
    for room in (ROOM, "herstelhuis/spreekkamer", "noord/zaal"):
        check_edge_feed(d, "/feeds/room/%s.ics" % room,
                        [o for o in rows if o["room"] == room],
                        " (%s)" % GROUP_NAME)
    # a personal feed: whole series, single events, one occurrence alone
    pid = int(d.cli("participant", "add", "--email", "nacht@example.org",
                    check=True).out.strip())
    for name in ("Beide dubbel", "Begin tweede keer", "Reeks beide",
                 "Reeks vanaf het dubbele uur", "Maart gat"):
        d.cli("register", str(e[name]), str(pid), check=True)
    d.cli("register", str(e["Reeks begin"]), str(pid), "--occurrence",
          "2027-10-31", check=True)
    mine = [o for o in rows if o["id"] in (
        e["Beide dubbel"], e["Begin tweede keer"], e["Reeks beide"],
        e["Reeks vanaf het dubbele uur"], e["Maart gat"])] + \
        [by[("Reeks begin", "2027-10-31")]]
    url = d.cli("--json", "participant", "show", str(pid),
                check=True).json()["feed"]
    check_edge_feed(d, path_of(d, url), mine)


def test_room_and_location_feeds_show_the_title_given_to_one_occurrence(d):
    setup(d)
    open_ = add(d, "--kind", "steungroep", "--title", "Lotgenotengroep",
                "--start", "2027-02-02 19:00", "--duration", "2h", "--room",
                ROOM, "--group", "lotgenoten", "--repeat",
                "FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    closed = add(d, "--kind", "steungroep", "--title", "Oudergroep",
                 "--start", "2027-02-03 19:00", "--duration", "2h", "--room",
                 ROOM, "--group", "ouders-noord", "--visibility", "group",
                 "--repeat", "FREQ=WEEKLY;BYDAY=WE;COUNT=3")
    d.cli("event", "edit", str(open_), "--occurrence", "2027-02-09",
          "--title", "Lotgenotengroep: gastspreker", check=True)
    d.cli("event", "edit", str(closed), "--occurrence", "2027-02-10",
          "--title", "GEHEIM-NIEUWE-TITEL", check=True)
    # what event list and the public feed say
    listed_titles = {o["start"][:10]: o["title"] for o in d.cli(
        "--json", "event", "list", "--from", "2027-02-01", "--to",
        "2027-02-20", check=True).json()}
    assert listed_titles["2027-02-09"] == "Lotgenotengroep: gastspreker"
    assert listed_titles["2027-02-10"] == "GEHEIM-NIEUWE-TITEL"
    lot = " (Lotgenoten Zuidoost)"
    want = {
        "02-02 19:00": ("Lotgenotengroep" + lot, "CONFIRMED"),
        "02-09 19:00": ("Lotgenotengroep: gastspreker" + lot, "CONFIRMED"),
        "02-16 19:00": ("Lotgenotengroep" + lot, "CONFIRMED"),
        "02-03 19:00": ("Bezet", "CONFIRMED"),
        "02-10 19:00": ("Bezet", "CONFIRMED"),
        "02-17 19:00": ("Bezet", "CONFIRMED"),
    }
    for path in ("/feeds/room/%s.ics" % ROOM,
                 "/feeds/location/herstelhuis.ics"):
        body = feed(d, path)
        assert slots(body) == want, (path, slots(body))
        assert b"GEHEIM" not in body, path
    # the managers' links show every title, the new ones included
    secret = secret_path(d, "location", "--location", "herstelhuis")
    key = secret.rsplit("/", 1)[1]
    for path in (secret, "/feeds/room/%s/%s" % (ROOM, key)):
        full = slots(feed(d, path))
        assert full["02-09 19:00"][0] == "Lotgenotengroep: gastspreker" + lot
        assert full["02-10 19:00"][0] == "GEHEIM-NIEUWE-TITEL (Ouders Noord)"
        assert full["02-17 19:00"][0] == "Oudergroep (Ouders Noord)", full

"""Every feed of one scenario read by a second iCalendar engine, Mozilla's
ical.js (tests/package.json pins it; Thunderbird's calendar is built on
it), and compared occurrence by occurrence with `herstelctl --json event
list` over the same window.

The scenario (SCENARIO below, one table of herstelctl commands) covers
both changes of summer time in Europe/Amsterdam, the hour the clocks
repeat in autumn, a zone on the other side of the world, moved, retitled
and cancelled occurrences, a cancelled event, an exception date, a series
split in two and a later part cancelled, events for a group only, private
and proposed events, and a participant's registrations.  Every feed
`herstelctl feed list` gives (with the secret links of every group and
location), the participant's personal feed and the one-event download of
every public event is fetched, expanded by tests/ical/expand.mjs with
ical.js over the year of the scenario, and each occurrence (its UID, its
original date, start and end in UTC, whether it is cancelled, proposed or
held, its title) must be one that event list gives for the feed's subset
of events, and the other way round.

ical.js reads only the feed (it has no zone data of its own), so the
VTIMEZONEs, RRULEs, EXDATEs and RECURRENCE-ID components are what is
tested, as a calendar application sees them.

Node.js and tests/node_modules are installed by scripts/deps.sh check
(make check); without them the test fails, as the browser tests do.

The scenario's year is the one after harness.now(): both changes of
summer time, and every event, lie ahead of the daemon's clock, on any day
the suite runs.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import zoneinfo

import harness

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc
EXPAND = os.path.join(harness.TOP, "tests", "ical", "expand.mjs")
ICALJS = os.path.join(harness.TOP, "tests", "node_modules", "ical.js")
NODE_TIMEOUT = 120

PARENT = "ouder-icaljs@example.org"


# ---- the scenario ----
#
# Dates are written relative to the two Sundays on which summer time
# starts ("sp", the last Sunday of March) and ends ("au", the last Sunday
# of October) in the scenario's year: "sp-26 19:00" is 19:00 on the
# Tuesday four weeks before the spring change.  A weekday stays the same
# weekday in every year that way.  "@name" is the id of the event the
# row named name added, "@name/later" the later part after a split with
# --following.  Rows run in order.

SETUP = [
    ("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
     "--address", "Bijlmerplein 1, Amsterdam"),
    ("room", "add", "herstelhuis/zaal-1", "--name", "Grote zaal",
     "--capacity", "40"),
    ("room", "add", "herstelhuis/spreekkamer", "--name", "Spreekkamer",
     "--capacity", "6"),
    ("location", "add", "noord", "--name", "Huis van de Wijk Noord",
     "--address", "Buikslotermeerplein 2, Amsterdam"),
    # The other side of the world: summer time there ends in April and
    # starts in October, and 07:30 there is the evening before in UTC.
    ("location", "add", "sydney", "--name", "Sydney Dutch Club",
     "--timezone", "Australia/Sydney"),
    ("group", "add", "lotgenoten", "--name", "Lotgenoten Zuidoost",
     "--kind", "steungroep", "--email", "lotgenoten@example.org"),
    ("group", "add", "uht", "--name", "UHT: herstel, samen", "--kind",
     "partner", "--email", "uht@example.org"),
    ("participant", "add", "--email", PARENT, "--name", "Ouder"),
]

GROUP_NAMES = {"lotgenoten": "Lotgenoten Zuidoost",
               "uht": "UHT: herstel, samen"}

# (name or None, herstelctl arguments).  A row with a name is an
# "event add"; its id is @name from then on.
SCENARIO = [
    # Weekly on Tuesday at 19:00 in a room, from four weeks before the
    # spring change to a month after the autumn one, with an exception
    # date, one occurrence moved over the spring change to a Monday, one
    # retitled, one cancelled and one moved to another room.
    ("weekly", ("event", "add", "--kind", "steungroep", "--title",
                "Lotgenotengroep", "--start", "sp-26 19:00", "--duration",
                "2h", "--room", "herstelhuis/zaal-1", "--group",
                "lotgenoten", "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=40",
                "--except", "sp+16")),
    (None, ("event", "edit", "@weekly", "--occurrence", "sp-5", "--start",
            "sp+1 20:00")),
    (None, ("event", "edit", "@weekly", "--occurrence", "sp+9", "--title",
            "Lotgenotengroep: brieven van de UHT")),
    (None, ("event", "cancel", "@weekly", "--occurrence", "sp+23",
            "--reason", "Zaal niet beschikbaar")),
    (None, ("event", "edit", "@weekly", "--occurrence", "au+9", "--room",
            "herstelhuis/spreekkamer")),
    # Fortnightly on Thursday at a location, split after the spring
    # change: from then on an hour later and under another title.
    ("split", ("event", "add", "--kind", "dialoogsessie", "--title",
               "Dialoogsessie", "--start", "sp-45 19:30", "--duration",
               "1h30m", "--location", "noord", "--group", "uht",
               "--repeat", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=14")),
    (None, ("event", "edit", "@split", "--following", "sp+25", "--start",
            "sp+25 20:30", "--title", "Dialoogsessie (later)")),
    # Weekly on Monday morning over the autumn change, its later part
    # cancelled.
    ("inloop", ("event", "add", "--kind", "netwerksessie", "--title",
                "Inloop", "--start", "au-20 10:00", "--duration", "1h",
                "--location", "noord", "--repeat",
                "FREQ=WEEKLY;BYDAY=MO;COUNT=8")),
    (None, ("event", "cancel", "@inloop", "--following", "au+8",
            "--reason", "Verbouwing")),
    # A whole series and a single event cancelled.
    ("kook", ("event", "add", "--kind", "overig", "--title", "Kookclub",
              "--start", "au-18 18:00", "--duration", "2h", "--location",
              "herstelhuis", "--repeat", "FREQ=WEEKLY;BYDAY=WE;COUNT=5")),
    (None, ("event", "cancel", "@kook", "--reason", "Geen kok")),
    ("thema", ("event", "add", "--kind", "themabijeenkomst", "--title",
               "Themabijeenkomst compensatie", "--start", "sp-1 14:00",
               "--duration", "2h", "--room", "herstelhuis/zaal-1",
               "--group", "lotgenoten")),
    (None, ("event", "cancel", "@thema", "--reason",
            "Te weinig aanmeldingen")),
    # The hour the clocks repeat: 02:30 is the first of the two (summer
    # time), written in UTC in the feeds; the second one given with its
    # offset; a night over the change; a weekly series at 02:15 whose
    # third occurrence falls in that hour.
    ("wake", ("event", "add", "--kind", "overig", "--title", "Nachtwake",
              "--start", "au 02:30", "--duration", "30m", "--location",
              "herstelhuis")),
    ("wake2", ("event", "add", "--kind", "overig", "--title",
               "Nachtwake (wintertijd)", "--start", "au 02:30+01:00",
               "--duration", "30m", "--place",
               "Caf\u00e9 \"De Meeuw\", Noord")),
    ("night", ("event", "add", "--kind", "overig", "--title",
               "Nacht van de ouders", "--start", "au-1 22:00", "--end",
               "au 03:00", "--place", "Buurthuis De Meeuw")),
    ("shift", ("event", "add", "--kind", "netwerksessie", "--title",
               "Nachtdienst telefoon", "--start", "au-14 02:15",
               "--duration", "45m", "--location", "noord", "--repeat",
               "FREQ=WEEKLY;COUNT=4")),
    # Every third Monday at 07:30 in Sydney, over both of its changes.
    ("sydney", ("event", "add", "--kind", "kennissessie", "--title",
                "Kennissessie Sydney", "--start", "sp-13 07:30",
                "--duration", "1h", "--location", "sydney", "--repeat",
                "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO;COUNT=12")),
    # Not for everyone: the group's secret link, and "Bezet" in the
    # location's and rooms' feeds without a key.
    ("besloten", ("event", "add", "--kind", "steungroep", "--title",
                  "Besloten kring", "--start", "sp+4 19:00", "--duration",
                  "2h", "--room", "herstelhuis/zaal-1", "--group",
                  "lotgenoten", "--visibility", "group")),
    ("prive", ("event", "add", "--kind", "overig", "--title",
               "Priv\u00e9 gesprek", "--start", "sp+5 10:00",
               "--duration", "1h", "--room", "herstelhuis/spreekkamer",
               "--visibility", "private")),
    ("voorstel", ("event", "add", "--kind", "dialoogsessie", "--title",
                  "Voorstel: samen koken", "--start", "sp+6 10:00",
                  "--duration", "2h", "--room", "herstelhuis/zaal-1",
                  "--group", "lotgenoten", "--propose")),
    # The participant's personal feed: the weekly series with one
    # occurrence sat out, one occurrence of the fortnightly one (an
    # entry of its own), and the night watch.
    (None, ("register", "@weekly", PARENT)),
    (None, ("unregister", "@weekly", PARENT, "--occurrence", "sp+30")),
    (None, ("register", "@split", PARENT, "--occurrence", "sp-17")),
    (None, ("register", "@wake", PARENT)),
]

# ---- places for cases still to come ----
#
# Day events (event add --date D [--days N]): written as DATE values, so
# ical.js gives their dates; on the days the clocks change (23 and 25
# hours long), over the autumn change, as a series with a moved and a
# cancelled date, and in a room (whose feed shows the hours it holds).
ALL_DAY = [
    ("openday", ("event", "add", "--kind", "overig", "--title", "Open dag",
                 "--date", "sp", "--location", "noord")),
    ("camp", ("event", "add", "--kind", "overig", "--title", "Herstelkamp",
              "--date", "au-2", "--days", "3", "--location", "noord")),
    ("walkin", ("event", "add", "--kind", "steungroep", "--title",
                "Inloopdag", "--date", "sp-7", "--repeat",
                "FREQ=WEEKLY;COUNT=4", "--group", "lotgenoten",
                "--location", "noord")),
    (None, ("event", "edit", "@walkin", "--occurrence", "sp",
            "--date", "sp+1")),
    (None, ("event", "cancel", "@walkin", "--occurrence", "sp+7",
            "--reason", "Koningsdag-voorbereiding")),
    ("dayroom", ("event", "add", "--kind", "overig", "--title",
                 "Dag in de zaal", "--date", "au+4", "--room",
                 "herstelhuis/zaal-1")),
]
# For instance a series with extra dates (one of them on the day the
# clocks go back), one of which is then cancelled or moved.
RDATE = []

# Weekly series at 02:30 on Sundays whose occurrence on the day summer
# time starts falls in the skipped hour.  The daemon, like RFC 5545
# (3.3.5), reads that 02:30 with the offset before the gap, 01:30 UTC;
# ical.js would expand the RRULE to 00:30 UTC, so the feed writes such an
# occurrence as a component of its own (as in the hour the clocks
# repeat), under the RECURRENCE-ID the RRULE gives it: unchanged, with a
# title of its own, and excluded.
SPRING_GAP = [
    ("gap", ("event", "add", "--kind", "overig", "--title",
             "Vroege dienst", "--start", "sp-14 02:30", "--duration", "1h",
             "--location", "noord", "--repeat", "FREQ=WEEKLY;COUNT=4")),
    ("gap2", ("event", "add", "--kind", "overig", "--title",
              "Nachtdienst", "--start", "sp-7 02:15", "--duration", "30m",
              "--repeat", "FREQ=WEEKLY;COUNT=3")),
    (None, ("event", "edit", "@gap2", "--occurrence", "sp", "--title",
            "Nachtdienst (zomertijd)")),
    ("gap3", ("event", "add", "--kind", "overig", "--title",
              "Vroege wandeling", "--start", "sp-7 02:45", "--duration",
              "45m", "--repeat", "FREQ=WEEKLY;COUNT=3", "--except", "sp")),
]


def dst_sundays(year):
    """The last Sundays of March and October of year."""
    def last_sunday(month):
        d = datetime.date(year, month, 31)
        return d - datetime.timedelta(days=(d.weekday() + 1) % 7)
    return last_sunday(3), last_sunday(10)


def scenario_year():
    """The year after the pinned clock's: both changes ahead."""
    return harness.now(AMS).year + 1


def resolve(arg, anchors, ids):
    """One argument of a row: "@name" is an id; "sp+N[ HH:MM[+HH:MM]]"
    and "au-N..." a date (and time) relative to a change of summer time;
    anything else itself."""
    if arg.startswith("@"):
        return str(ids[arg[1:]])
    m = re.fullmatch(r"(sp|au)([+-]\d+)?( .*)?", arg)
    if not m:
        return arg
    day = anchors[m.group(1)] + datetime.timedelta(days=int(m.group(2) or 0))
    if not m.group(3):
        return day.isoformat()
    hhmm, offset = re.fullmatch(r" (\d\d:\d\d)([+-]\d\d:\d\d)?",
                                m.group(3)).groups()
    if offset:          # a time with its own offset, as ISO 8601
        return "%sT%s:00%s" % (day.isoformat(), hhmm, offset)
    return "%s %s" % (day.isoformat(), hhmm)


def seed(d):
    """Run SETUP, SCENARIO, ALL_DAY, RDATE and SPRING_GAP; {name: id}."""
    sp, au = dst_sundays(scenario_year())
    anchors = {"sp": sp, "au": au}
    for row in SETUP:
        d.cli(*row, check=True)
    ids = {}
    for name, argv in SCENARIO + ALL_DAY + RDATE + SPRING_GAP:
        r = d.cli(*[resolve(a, anchors, ids) for a in argv], check=True)
        if name:
            ids[name] = int(r.out.strip())
        elif argv[:2] == ("event", "edit") and "--following" in argv:
            m = re.search(r"it is event (\d+)", r.out)
            assert m, r
            ids[argv[2][1:] + "/later"] = int(m.group(1))
    return ids


# ---- the window, both ways ----

def window():
    """The scenario's year, 00:00 in Amsterdam to 00:00 a year later:
    (event list's --from and --to, ical.js's UTC instants)."""
    y = scenario_year()
    frm, to = datetime.date(y, 1, 1), datetime.date(y + 1, 1, 1)
    utc = [datetime.datetime.combine(x, datetime.time(), AMS).astimezone(UTC)
           .strftime("%Y-%m-%dT%H:%M:%SZ") for x in (frm, to)]
    return (frm.isoformat(), to.isoformat()), utc


def expand(body, utc_window):
    """ical.js's expansion of body over the window (expand.mjs's JSON)."""
    assert os.path.isdir(ICALJS), \
        "tests/node_modules/ical.js is missing: run scripts/deps.sh check"
    node = shutil.which("node") or "/usr/bin/node"
    with tempfile.NamedTemporaryFile(suffix=".ics") as fp:
        fp.write(body)
        fp.flush()
        p = subprocess.run([node, EXPAND, "--from", utc_window[0], "--to",
                            utc_window[1], fp.name], cwd=harness.TOP,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=NODE_TIMEOUT, env=harness.clean_env())
    assert p.returncode == 0, "expand.mjs exited with %d:\n%s" % (
        p.returncode, p.stderr.decode("utf-8", "replace"))
    return json.loads(p.stdout)


def utc_text(s):
    """An event list time ("2027-03-09T19:00:00+01:00") as expand.mjs
    writes instants; a bare date stays a date."""
    if len(s) == 10:
        return s
    return datetime.datetime.fromisoformat(s).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def local_date(instant, zone):
    """The date, in zone, of an expand.mjs instant or date."""
    if len(instant) == 10:
        return instant
    t = datetime.datetime.strptime(instant, "%Y-%m-%dT%H:%M:%SZ")
    return t.replace(tzinfo=UTC).astimezone(zone).date().isoformat()


STATUS = {"CANCELLED": "cancelled", "TENTATIVE": "proposed",
          "CONFIRMED": "published", "": "published"}


# ---- which feed shows what ----

def public(o):
    return o["visibility"] == "public" and o["status"] != "proposed"


def hidden(o):
    """What a location's or room's feed without a key shows as Bezet."""
    return o["visibility"] != "public" or o["status"] == "proposed"


def feeds_of(d, extra_paths):
    """[(path, kind, predicate)] for every feed of feed list (with every
    group's and location's secret links) and extra_paths [(path, kind,
    predicate)].  kind: "events" (the event feeds, by UID and
    RECURRENCE-ID), "slots" (a location's or room's occupied periods) or
    "slots-full" (the same with every detail)."""
    # feed list takes one --group or --location at a time.
    paths = []
    for opt in [()] + [("--" + row[0], row[2]) for row in SETUP
                       if row[:2] in (("group", "add"), ("location", "add"))]:
        for f in d.cli("--json", "feed", "list", *opt, check=True).json():
            path = urllib.parse.urlsplit(f["url"]).path
            if path not in paths:
                paths.append(path)
    out = []
    for path in paths:
        if path.startswith("/freebusy/"):
            continue           # a VFREEBUSY: no occurrences to compare
        m = re.fullmatch(r"/feeds/(public|kind|group|location|room)"
                         r"(?:/(.+?))?\.ics", path)
        assert m, "a feed this test does not know: %s" % path
        what, rest = m.group(1), m.group(2) or ""
        key = re.search(r"/([0-9a-f]{32})$", rest)
        if key:
            rest = rest[:key.start()]
        if what == "public":
            out.append((path, "events", public))
        elif what == "kind":
            out.append((path, "events",
                        lambda o, k=rest: public(o) and o["kind"] == k))
        elif what == "group" and not key:
            out.append((path, "events",
                        lambda o, g=rest: public(o) and o["group"] == g))
        elif what == "group":
            out.append((path, "events", lambda o, g=rest: o["group"] == g and
                        o["status"] != "proposed" and
                        o["visibility"] in ("public", "group")))
        elif what == "location":
            out.append((path, "slots-full" if key else "slots",
                        lambda o, l=rest: o["location"] == l))
        else:
            out.append((path, "slots-full" if key else "slots",
                        lambda o, r=rest: o["room"] == r))
    return out + extra_paths


def event_list_key(o, kind):
    """What event list says of occurrence o, in the terms of a feed of
    kind."""
    title = o["title"]
    uid, occurrence = o["uid"], o["occurrence"]
    if kind.startswith("slots"):
        # One entry per occupied period, titled with the group's name,
        # or Bezet without a key; no RECURRENCE-ID.
        occurrence = None
        if kind == "slots" and hidden(o):
            uid, title = None, "Bezet"
        elif o["group"]:
            title = "%s (%s)" % (title, GROUP_NAMES[o["group"]])
    start, end = utc_text(o["start"]), utc_text(o["end"])
    # A day event is its dates (local), except where a room holds it:
    # a room's feed shows the hours taken.
    if o.get("days") and not (kind.startswith("slots") and o["room"]):
        start, end = o["start"][:10], o["end"][:10]
    return (uid, occurrence, start, end, o["status"], title)


def feed_key(x, kind, zones, uids):
    """The same of an occurrence ical.js expanded."""
    status = STATUS[x["status"]]
    title = x["summary"]
    if status == "cancelled" and title.startswith("Afgelast: "):
        title = title[len("Afgelast: "):]
    uid, occurrence = x["uid"], None
    if kind.startswith("slots"):
        # The entry's UID is its event's, and more; Bezet carries none.
        uid = next((u for u in uids if x["uid"].startswith(u + "-")), None)
    else:
        m = re.fullmatch(r"(\d{8}T\d{6}Z)-(.+)", uid)
        if m and m.group(2) in uids:
            # One occurrence alone (herstelctl(1), BUGS): the original
            # start in UTC, then the event's UID.
            uid = m.group(2)
            rid = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ")
            occurrence = rid.replace(tzinfo=UTC).astimezone(
                zones[uid]).date().isoformat()
        elif x["recurrence_id"]:
            occurrence = local_date(x["recurrence_id"], zones[uid])
    return (uid, occurrence, x["start"], x["end"], status, title)


def compare(path, got, want):
    """got and want as multisets; a readable difference."""
    extra = sorted(set(got) - set(want), key=repr)
    missing = sorted(set(want) - set(got), key=repr)
    dupes = len(got) != len(set(got)) or len(want) != len(set(want))
    assert not extra and not missing and sorted(got, key=repr) == \
        sorted(want, key=repr), "%s: ical.js and event list differ%s" \
        "\nonly from ical.js:\n  %s\nonly from event list:\n  %s" % (
            path, " (duplicates)" if dupes else "",
            "\n  ".join(map(repr, extra)) or "-",
            "\n  ".join(map(repr, missing)) or "-")


def test_every_feed_expanded_by_icaljs_equals_the_event_list(d):
    ids = seed(d)
    (frm, to), utc_window = window()
    listed = d.cli("--json", "event", "list", "--from", frm, "--to", to,
                   check=True).json()
    zones = {}
    for eid in sorted({o["id"] for o in listed}):
        ev = d.cli("--json", "event", "show", str(eid), check=True).json()
        zones[ev["uid"]] = zoneinfo.ZoneInfo(ev["timezone"])
    uids = sorted(zones, key=len, reverse=True)

    # The participant's feed: the series without the occurrence sat out,
    # one occurrence of the split series alone, the single event.
    me = d.cli("--json", "participant", "show", PARENT, check=True).json()
    sp, _ = dst_sundays(scenario_year())
    sat_out = (sp + datetime.timedelta(days=30)).isoformat()
    alone = (sp - datetime.timedelta(days=17)).isoformat()
    weekly, wake = (d.cli("--json", "event", "show", str(ids[name]),
                          check=True).json()["uid"]
                    for name in ("weekly", "wake"))
    first_split = [o["uid"] for o in listed if o["title"] == "Dialoogsessie"
                   and o["occurrence"] == alone]
    assert len(first_split) == 1, first_split

    def personal(o):
        if o["uid"] == weekly:
            return o["occurrence"] != sat_out
        return o["uid"] == wake or (o["uid"] == first_split[0] and
                                    o["occurrence"] == alone)
    extra = [(urllib.parse.urlsplit(me["feed"]).path, "events", personal)]
    # Every public event's own download.
    for uid in sorted({o["uid"] for o in listed if public(o)}):
        extra.append(("/events/%s.ics" % uid, "events",
                      lambda o, u=uid: public(o) and o["uid"] == u))

    expanded = {}
    for path, kind, pred in feeds_of(d, extra):
        status, _, body = d.http("GET", path)
        assert status == 200, (path, status, body[:200])
        out = expanded[path] = expand(body, utc_window)
        assert out["orphans"] == [], (path, out["orphans"])
        got = [feed_key(x, kind, zones, uids) for x in out["occurrences"]]
        want = [event_list_key(o, kind) for o in listed if pred(o)]
        compare(path, got, want)
        # Every feed of the scenario has something to compare.
        assert got, path
    # ICALJS_REPORT=1: the figures, on standard output.
    if os.environ.get("ICALJS_REPORT"):
        for path, out in expanded.items():
            print("icaljs: %4d %s" % (len(out["occurrences"]), path))
        print("icaljs: %d feeds, %d occurrences, all equal" % (
            len(expanded), sum(len(x["occurrences"])
                               for x in expanded.values())))

    # The run saw what it is about.
    assert len(expanded) >= 30, sorted(expanded)
    assert {"Europe/Amsterdam", "Australia/Sydney"} <= \
        set(expanded["/feeds/public.ics"]["timezones"])
    occ = expanded["/feeds/public.ics"]["occurrences"]
    # 19:00 in Amsterdam on both sides of both changes.
    lot = [x for x in occ if x["summary"] == "Lotgenotengroep" and
           x["recurrence_id"] == x["start"]]
    assert {x["start"][11:] for x in lot} == {"18:00:00Z", "17:00:00Z"}, lot
    assert all(datetime.datetime.strptime(x["start"], "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=UTC).astimezone(AMS).hour == 19 for x in lot)
    # The first 02:30 of the repeated hour, in UTC, half an hour long.
    wake_occ = [x for x in occ if x["summary"] == "Nachtwake"]
    au = dst_sundays(scenario_year())[1].isoformat()
    assert [(x["start"], x["end"], x["tzid"]) for x in wake_occ] == \
        [(au + "T00:30:00Z", au + "T01:00:00Z", "UTC")], wake_occ
    assert [x["start"] for x in occ
            if x["summary"] == "Nachtwake (wintertijd)"] == \
        [au + "T01:30:00Z"]
    # Cancelled and moved occurrences were among those compared.
    assert sum(x["status"] == "CANCELLED" for x in occ) >= 10
    assert any(x["summary"] == "Lotgenotengroep: brieven van de UHT"
               for x in occ)
    assert any(x["recurrence_id"] and x["start"][:10] !=
               x["recurrence_id"][:10] for x in occ)

"""Checking participants in at a session: the count goes up by one per
person, once; who came is not kept beyond refusing a second check-in, and
goes with the person; the count stays."""

import datetime
import sqlite3
import zoneinfo

import harness
from harness import EX_DATAERR, EX_NOPERM

from test_cocreation import refused, setup

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(minutes):
    """Now plus minutes, as a local time in Amsterdam."""
    t = harness.now(AMS) + datetime.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%d %H:%M")


def rows(d, sql):
    con = sqlite3.connect("file:%s?mode=ro" % d.db, uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_checkin_counts_each_person_once_and_forgets_who(d):
    t = setup(d)
    eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                "Lotgenoten", "--start", local(-10), "--duration", "2h",
                "--location", "noord", "--group", "lotgenoten-zuidoost",
                check=True).out.strip()
    a = d.cli("participant", "add", "--email", "a@example.org",
              check=True).out.strip()
    d.cli("participant", "add", "--email", "b@example.org", check=True)
    # An organizer checks in only people its group knows: at the door it
    # adds the person (an address known already answers the same).
    refused(d, ["checkin", eid, a], token=t["owner"],
            says="unknown participant %s" % a)
    d.cli("participant", "add", "--email", "a@example.org", token=t["owner"],
          check=True)

    assert d.cli("checkin", eid, a, token=t["owner"],
                 check=True).out == "checked in (1 came)\n"
    got = d.cli("--json", "checkin", eid, "b@example.org",
                check=True).json()
    assert got["count"] == 2
    refused(d, ["checkin", eid, "a@example.org"], says="already checked in")
    refused(d, ["checkin", eid, "nobody@example.org"],
            says="no participant has that address")
    refused(d, ["checkin", eid, a], token=t["other"], code=EX_NOPERM)
    counts = d.cli("--json", "attendance", "list", eid, check=True).json()
    assert [c["count"] for c in counts] == [2]

    # the audit says one more came, never who
    audit = d.cli("--json", "audit", "list", check=True).out
    assert "a@example.org" not in audit
    assert "participant %s" % a not in [r[0] for r in rows(
        d, "SELECT detail FROM audit WHERE action = 'attendance.checkin'")]

    d.cli("participant", "forget", a, check=True)
    assert rows(d, "SELECT count(*) FROM checkin") == [(1,)]
    counts = d.cli("--json", "attendance", "list", eid, check=True).json()
    assert [c["count"] for c in counts] == [2]


def test_checkin_waits_for_the_session(d):
    setup(d)
    later = d.cli("event", "add", "--kind", "steungroep", "--title", "Later",
                  "--start", local(120), "--duration", "1h", "--location",
                  "noord", check=True).out.strip()
    soon = d.cli("event", "add", "--kind", "steungroep", "--title", "Soon",
                 "--start", local(30), "--duration", "1h", "--location",
                 "noord", check=True).out.strip()
    d.cli("participant", "add", "--email", "a@example.org", check=True)
    refused(d, ["checkin", later, "a@example.org"],
            says="check in from an hour before", code=EX_DATAERR)
    # half an hour early is fine: people arrive before the start
    d.cli("checkin", soon, "a@example.org", check=True)


def test_report_counts_registrations_per_session(d):
    """A registration for the whole series counts once per session, minus
    the ones sat out; one for a single occurrence counts once; the waiting
    list does not count."""
    t = setup(d)
    eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                "Lotgenoten", "--start", "2027-02-02 19:00", "--duration",
                "2h", "--location", "noord", "--group", "lotgenoten-zuidoost",
                "--repeat", "FREQ=WEEKLY;COUNT=4", "--capacity", "3",
                check=True).out.strip()
    for who in ("a", "b", "c"):
        d.cli("participant", "add", "--email", "%s@example.org" % who,
              check=True)
    d.cli("register", eid, "a@example.org", check=True)
    d.cli("unregister", eid, "a@example.org", "--occurrence", "2027-02-09",
          check=True)
    d.cli("register", eid, "b@example.org", "--occurrence", "2027-02-16",
          check=True)
    assert d.cli("register", eid, "c@example.org", check=True).out == \
        "registered\n"
    # the series is full on 16 February now: a fourth waits
    d.cli("participant", "add", "--email", "d@example.org", check=True)
    assert d.cli("register", eid, "d@example.org", check=True).out == \
        "full: on the waiting list\n"
    rep = d.cli("--json", "report", "groups", "--group",
                "lotgenoten-zuidoost", "--from", "2027-02-01", "--to",
                "2027-02-28", token=t["owner"], check=True).json()
    [row] = [r for r in rep if r["group"] == "lotgenoten-zuidoost"]
    assert row["sessions_total"] == 4
    # a: 4 - 1 sat out, b: 1, c: 4
    assert row["registrations"] == 3 + 1 + 4
    att = d.cli("--json", "attendees", eid, "--occurrence", "2027-02-09",
                check=True).json()
    assert (att["going"], att["waitlist"]) == (1, 1)


def test_attendance_moves_with_the_series_start(d):
    """A new start for the series moves every occurrence's key: the count
    and the check-ins move along, so the session keeps its count and a
    person is still refused a second check-in."""
    setup(d)
    eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                "Lotgenoten", "--start", local(-10), "--duration", "2h",
                "--location", "noord", "--group", "lotgenoten-zuidoost",
                "--repeat", "FREQ=WEEKLY;COUNT=3", check=True).out.strip()
    d.cli("participant", "add", "--email", "a@example.org", check=True)
    d.cli("participant", "add", "--email", "b@example.org", check=True)
    today = local(-10)[:10]
    d.cli("checkin", eid, "a@example.org", "--occurrence", today, check=True)
    d.cli("checkin", eid, "b@example.org", "--occurrence", today, check=True)
    before = d.cli("--json", "attendance", "list", eid, check=True).json()
    assert [c["count"] for c in before] == [2], before
    # A quarter of an hour later, every week.
    d.cli("event", "edit", eid, "--start", local(5), check=True)
    first = d.cli("--json", "event", "show", eid, check=True).json()["start"]
    after = d.cli("--json", "attendance", "list", eid, check=True).json()
    assert [(c["occurrence"], c["start"], c["count"]) for c in after] == \
        [(today, first, 2)], (first, after)
    refused(d, ["checkin", eid, "a@example.org", "--occurrence", today],
            says="already checked in")

"""Checking participants in at a session: the count goes up by one per
person, once; who came is not kept beyond refusing a second check-in, and
goes with the person; the count stays."""

import datetime
import sqlite3
import zoneinfo

from harness import EX_DATAERR, EX_NOPERM

from test_cocreation import refused, setup

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(minutes):
    """Now plus minutes, as a local time in Amsterdam."""
    t = datetime.datetime.now(AMS) + datetime.timedelta(minutes=minutes)
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

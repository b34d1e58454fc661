"""Retention: the registrations, check-ins and sent mail of sessions that
ended more than retention.days (365 by default) ago are removed by the
nightly round (which also runs at start), and every report gives the same
figures before and after.  Mail goes to a real SMTP sink; the daemon's
clock is moved with libfaketime and the daemon restarted to run the round.
"""
import datetime
import os
import sqlite3
import tempfile
import zoneinfo

import harness
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc
ROOM = "herstelhuis/zaal-1"
GROUP = "lotgenoten"
PEOPLE = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Bijlmerplein 1", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    d.cli("group", "add", GROUP, "--name", "Lotgenoten Zuidoost",
          "--kind", "steungroep", "--email", "lotgenoten@example.org",
          check=True)


def event(d, title, start, *args):
    return d.cli("event", "add", "--kind", "steungroep", "--title", title,
                 "--group", GROUP, "--start", start.strftime("%Y-%m-%d %H:%M"),
                 "--duration", "2h", *args, check=True).out.strip()


def reports(d, first):
    """Every report kind, as JSON, over periods around the sessions."""
    out = []
    spans = [(first - datetime.timedelta(days=1), first +
              datetime.timedelta(days=60)),
             (first + datetime.timedelta(days=5), first +
              datetime.timedelta(days=12)),
             (first, first)]
    for a, b in spans:
        dates = ["--from", a.isoformat(), "--to", b.isoformat()]
        out.append(d.cli("--json", "report", "groups", *dates,
                         check=True).json())
        out.append(d.cli("--json", "report", "groups", "--group", GROUP,
                         *dates, check=True).json())
        out.append(d.cli("--json", "report", "rooms", *dates,
                         check=True).json())
    return out


def rows(d, sql, params=()):
    return d.sqlite(sql, params)


def night(d, stamp, when, stopped=None):
    """Stop, move the daemon's clock to when, start: the round runs.
    stopped(con) may write to the database while the daemon is down."""
    d.stop()
    if stopped:
        con = sqlite3.connect(d.db)
        try:
            stopped(con)
            con.commit()
        finally:
            con.close()
    harness.set_faketime(stamp, when)
    offset = d.log_offset()
    d.start()
    d.wait_log("retention: ", after=offset)


def test_retention_at_day_366_leaves_the_reports_unchanged():
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now(AMS).replace(hour=12, minute=0, second=0,
                                       microsecond=0)
        harness.set_faketime(stamp, now)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            d.rewrite_config(d.config_text(smtp=sink.config()))
            d.start()
            setup(d)
            first = now.date() + datetime.timedelta(days=2)
            at = datetime.datetime.combine(first, datetime.time(19, 0),
                                           tzinfo=AMS)
            week = datetime.timedelta(days=7)
            day = datetime.timedelta(days=1)
            single = event(d, "Themabijeenkomst", at, "--room", ROOM)
            series = event(d, "Lotgenotengroep", at + day, "--place",
                           "Buurthuis", "--repeat", "FREQ=WEEKLY;COUNT=4")
            endless = event(d, "Inloop", at + 2 * day, "--place", "Buurthuis",
                            "--repeat", "FREQ=WEEKLY")
            for p in PEOPLE:
                d.cli("participant", "add", "--email", p, "--quiet", "none",
                      check=True)
            d.cli("register", single, PEOPLE[0], check=True)
            d.cli("register", single, PEOPLE[1], check=True)
            d.cli("register", series, PEOPLE[0], check=True)
            d.cli("unregister", series, PEOPLE[0], "--occurrence",
                  (first + day + week).isoformat(), check=True)
            d.cli("register", series, PEOPLE[2], "--occurrence",
                  (first + day + 2 * week).isoformat(), check=True)
            d.cli("register", endless, PEOPLE[3], check=True)
            d.cli("register", endless, PEOPLE[2], "--occurrence",
                  (first + 2 * day).isoformat(), check=True)
            harness.outbox_settled(d, now)
            # At the single session: a check-in and a count.
            harness.set_faketime(stamp, at + datetime.timedelta(minutes=30))
            d.cli("checkin", single, PEOPLE[0], check=True)
            d.cli("attendance", "record", single, "--count", "7", check=True)
            # After the series: its reminders went (or were dropped).
            later = at + 24 * day
            harness.set_faketime(stamp, later)
            d.sighup()
            d.cli("attendance", "record", series, "--occurrence",
                  (first + day).isoformat(), "--count", "5", check=True)
            box = harness.outbox_settled(d, later)
            assert any(r["status"] == "sent" and r["kind"] == "reminder"
                       for r in box), box
            assert len(sink.messages()) >= 6
            before = reports(d, first)
            groups = [r for r in before[1] if r["group"] == GROUP]
            assert groups and groups[0]["registrations"] > 0, before[1]
            assert groups[0]["attendance"] == 12, groups
            regs0 = rows(d, "SELECT count(*) FROM registration")[0][0]

            # Day 364 after the single session: nothing of it goes.
            single_end = at + datetime.timedelta(hours=2)
            night(d, stamp, single_end + 364 * day)
            assert rows(d, "SELECT count(*) FROM registration WHERE "
                        "event_id = ?", (int(single),)) == [(2,)]
            assert rows(d, "SELECT count(*) FROM checkin") == [(1,)]
            assert reports(d, first) == before

            # Day 366: the single session's rows go; the series keeps
            # its rows (its first occurrence ended a day later).
            night(d, stamp, single_end + 366 * day)
            assert rows(d, "SELECT count(*) FROM registration WHERE "
                        "event_id = ?", (int(single),)) == [(0,)]
            assert rows(d, "SELECT count(*) FROM checkin") == [(0,)]
            assert rows(d, "SELECT count(*) FROM outbox WHERE event_id = ?",
                        (int(single),)) == [(0,)]
            occ2 = int((at + day + week).timestamp())
            occ3 = int((at + day + 2 * week).timestamp())
            assert rows(d, "SELECT occurrence, status FROM registration "
                        "WHERE event_id = ? ORDER BY occurrence",
                        (int(series),)) == [
                (0, "going"), (occ2, "cancelled"), (occ3, "going")]
            assert reports(d, first) == before

            # A week on: the second occurrence's row goes (a sat it out),
            # while a's registration for the whole series stays.
            night(d, stamp, single_end + 373 * day)
            assert rows(d, "SELECT occurrence, status FROM registration "
                        "WHERE event_id = ? ORDER BY occurrence",
                        (int(series),)) == [(0, "going"), (occ3, "going")]
            assert reports(d, first) == before

            def waiting(con):
                # A message of the series that still waits to go (its
                # retry far off) is not the series' to lose.
                con.execute("INSERT INTO outbox (key, kind, event_id, "
                            "recipient, subject, message, due, status, "
                            "next_attempt, created) VALUES ('wacht', "
                            "'change', ?, 'x@example.org', 's', 'm', 0, "
                            "'pending', 9999999999, 0)", (int(series),))
            night(d, stamp, at + 3 * week + datetime.timedelta(hours=2) +
                  366 * day, waiting)
            assert rows(d, "SELECT count(*) FROM registration WHERE "
                        "event_id = ?", (int(series),)) == [(0,)]
            assert rows(d, "SELECT participant_id, occurrence FROM "
                        "registration WHERE event_id = ?",
                        (int(endless),)) == [
                (rows(d, "SELECT id FROM participant WHERE email = ?",
                      (PEOPLE[3],))[0][0], 0)]
            assert rows(d, "SELECT key, status FROM outbox WHERE event_id "
                        "IN (?, ?)", (int(single), int(series))) == [
                ("wacht", "pending")]
            assert reports(d, first) == before
            assert rows(d, "SELECT count(*) FROM registration")[0][0] < regs0
            # The participants stay; the audit trail names none of them.
            assert rows(d, "SELECT count(*) FROM participant") == [(4,)]
            audit = d.cli("--json", "audit", "list", "--from", "2000-01-01",
                          "--to", "2100-01-01", check=True)
            assert "retention.purge" in audit.out
            for p in PEOPLE:
                assert p not in audit.out, audit.out
            d.stop()
            # A bad setting: the daemon refuses to start, naming it.
            d.rewrite_config(d.config_text() +
                             "\nretention = { days = 0; };\n")
            r = d.hersteld_cmd("-n", "-c", d.conf)
            assert r.rc == 78 and "retention.days" in r.err, r

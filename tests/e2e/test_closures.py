"""A closure over rooms that are already held (issue 15, item 1), end to
end with a real SMTP server (smtpsink.py) and the daemon's clock moved
with libfaketime:

- `closure add --dry-run` lists every occurrence held in the period (event
  occurrences with their registrations, bookings), with the rooms free
  instead, and writes nothing;
- without --cancel-affected or --keep such a closure is refused (65, the
  same list on stderr) and nothing changes;
- `--cancel-affected`: in one go the occurrence is cancelled with the
  closure's reason (feeds say "Afgelast", registrants and those waiting
  get the cancellation, the occurrence's waiting list is emptied), the
  booking is released, and the group is mailed with the rooms free
  instead; what is over (the clock has moved past it) is left alone;
- `room edit --out-of-service` does the same for one room, and `--keep`
  only closes it for new requests;
- `location edit --hours` that would leave out what is held is refused
  the same way, and `--keep` applies the hours to new requests only.
"""

import datetime
import json
import os
import tempfile
import time
import zoneinfo

import harness
from harness import EX_DATAERR, EX_USAGE
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
ROOM = "herstelhuis/zaal-1"
GROUP = "lotgenoten"
GROUP_ADDR = "lotgenoten@example.org"


def wait_mail(sink, n, since, pred=lambda m: True, timeout=20.0):
    """The messages after the first since that match pred, once there are
    at least n of them (polled: no timed waits under libfaketime)."""
    deadline = time.monotonic() + timeout
    while True:
        got = [m for m in sink.messages()[since:] if pred(m)]
        if len(got) >= n:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("%d message(s), expected %d: %r" %
                                 (len(got), n, sink.messages()[since:]))
        time.sleep(0.1)


def setup(d, start):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--email", "beheer@example.org", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-2", "--name", "Kleine zaal",
          "--capacity", "12", check=True)
    d.cli("location", "add", "buurthuis", "--name", "Buurthuis Noord",
          check=True)
    d.cli("room", "add", "buurthuis/zaal", "--name", "Zaal", "--capacity",
          "50", check=True)
    d.cli("group", "add", GROUP, "--name", "Lotgenoten Zuidoost", "--kind",
          "steungroep", "--email", GROUP_ADDR, check=True)
    r = d.cli("event", "add", "--kind", "steungroep", "--title",
              "Lotgenotengroep", "--start", start, "--duration", "2h",
              "--room", ROOM, "--group", GROUP, "--capacity", "2",
              "--repeat", "FREQ=WEEKLY;COUNT=6", check=True)
    return int(r.out.strip())


def person(d, addr):
    d.cli("participant", "add", "--email", addr, "--quiet", "none",
          "--remind", "none", check=True)


def test_closure_over_a_weekly_series_with_registrants():
    with tempfile.TemporaryDirectory() as tmp, SmtpSink() as sink:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now(AMS).replace(second=0, microsecond=0)
        harness.set_faketime(stamp, now)
        days = [now.date() + datetime.timedelta(days=2 + 7 * k)
                for k in range(6)]
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            d.rewrite_config(d.config_text(smtp=sink.config()))
            d.start()
            eid = setup(d, "%s 19:00" % days[0])
            for p in ("anna", "bram", "cor", "dirk"):
                person(d, p + "@example.org")
            d.cli("register", str(eid), "anna@example.org", check=True)
            d.cli("register", str(eid), "bram@example.org", check=True)
            # Full (capacity 2): these two wait, for the third and fourth.
            assert "waiting list" in d.cli(
                "register", str(eid), "cor@example.org", "--occurrence",
                days[2].isoformat(), check=True).out
            assert "waiting list" in d.cli(
                "register", str(eid), "dirk@example.org", "--occurrence",
                days[3].isoformat(), check=True).out
            # An event at the house without a room holds none, but the
            # house's closure calls it off too.
            open_day = int(d.cli(
                "event", "add", "--kind", "overig", "--title", "Open dag",
                "--start", "%s 13:00" % days[2], "--duration", "3h",
                "--location", "herstelhuis", "--group", GROUP,
                check=True).out.strip())
            bid = int(d.cli("book", ROOM, "--start", "%s 10:00" % days[2],
                            "--duration", "2h", "--title", "Voorbereiding",
                            "--group", GROUP, check=True).out.strip())
            wait_mail(sink, 4, 0)

            # The clock moves on past the second session (days[1]).
            later = datetime.datetime.combine(
                days[1], datetime.time(22, 0), tzinfo=AMS)
            harness.set_faketime(stamp, later)
            d.sighup()
            period = ["--from", "%s 00:00" % days[1],
                      "--to", "%s 00:00" % (days[2] + datetime.timedelta(1)),
                      "--reason", "Waterschade"]

            # --dry-run: what it hits, nothing written.
            before = d.dump()
            dry = d.cli("--json", "closure", "add", "herstelhuis", *period,
                        "--dry-run", check=True).json()
            assert dry["dry_run"] is True
            hits = dry["affected"]
            assert [h["kind"] for h in hits] == ["booking", "event",
                                                 "event"], hits
            booking, located, ev = hits
            assert located["event"] == open_day and located["booking"] is \
                None and located["room"] == "herstelhuis", located
            assert booking["booking"] == bid and booking["group"] == GROUP
            assert ev["event"] == eid and ev["group"] == GROUP
            assert ev["occurrence"] == days[2].isoformat(), ev
            assert (ev["registered"], ev["waiting"]) == (2, 1), ev
            # The whole location is closed: the rooms of another offered.
            assert [r["room"] for r in ev["free_rooms"]] == \
                ["buurthuis/zaal"], ev
            assert [r["room"] for r in booking["free_rooms"]] == \
                ["buurthuis/zaal"], booking
            text = d.cli("closure", "add", "herstelhuis", *period,
                         "--dry-run", check=True).out
            assert "3 occurrence(s) held in that period" in text, text
            assert "2 registered, 1 waiting" in text, text
            assert "free instead: buurthuis/zaal (50)" in text, text
            assert d.dump() == before

            # Neither --cancel-affected nor --keep: refused, nothing changes.
            r = d.cli("closure", "add", "herstelhuis", *period)
            assert r.rc == EX_DATAERR, r
            lines = r.err_lines()
            assert lines[0].startswith("herstelctl: herstelhuis is held 3 "
                                       "time(s) in that period"), r
            assert "--cancel-affected" in lines[0] and "--keep" in lines[0]
            assert len(lines) == 4 and "free instead: buurthuis/zaal" in \
                lines[3], r
            assert d.dump() == before
            # The three ways are one choice.
            r = d.cli("closure", "add", "herstelhuis", *period, "--dry-run",
                      "--keep")
            assert r.rc == EX_USAGE, r
            assert d.dump() == before

            # --cancel-affected: all of it, in one go.
            mark = sink.count()
            r = d.cli("closure", "add", "herstelhuis", *period,
                      "--cancel-affected", check=True)
            cid = int(r.out.strip())
            assert "cancelled 3 occurrence(s)" in r.err, r
            got = wait_mail(sink, 6, mark)
            time.sleep(1.0)
            got = sink.messages()[mark:]
            to = sorted(a for m in got for a in m.rcpts)
            assert to == sorted(["anna@example.org", "bram@example.org",
                                 "cor@example.org", GROUP_ADDR,
                                 GROUP_ADDR, GROUP_ADDR]), to
            for who in ("anna", "bram", "cor"):
                m, = sink.to(who + "@example.org")[-1:]
                assert m.msg["Subject"].startswith(
                    "Afgelast: Lotgenotengroep"), m.msg["Subject"]
                assert "Reden: Waterschade" in m.text(), m.text()
                param, _ = m.calendar()
                # Cor waited: their calendar never had it.
                assert param == (None if who == "cor" else "CANCEL"), \
                    (who, param)
            group = [m for m in got if GROUP_ADDR in m.rcpts]
            for m in group:
                assert m.msg["Subject"].startswith("Afgelast: "), \
                    m.msg["Subject"]
                assert "Reden: Waterschade" in m.text(), m.text()
                assert "(buurthuis/zaal, 50 pers.)" in m.text(), m.text()
                assert m.msg["Reply-To"] == "beheer@example.org"
            assert any("Iedereen die zich had aangemeld (3)" in m.text()
                       for m in group), [m.text() for m in group]
            assert d.sqlite("SELECT status, cancel_reason FROM event WHERE "
                            "id = ?", (open_day,)) == \
                [("cancelled", "Waterschade")]
            # The occurrence's waiting list is empty; the next one's is not.
            assert d.sqlite("SELECT p.email FROM registration r JOIN "
                            "participant p ON p.id = r.participant_id "
                            "WHERE r.status = 'waitlist'") == \
                [("dirk@example.org",)]
            # The rooms are let go.
            assert d.sqlite("SELECT status FROM booking WHERE id = ?",
                            (bid,)) == [("cancelled",)]
            slots = d.sqlite("SELECT s.start, s.state, s.note FROM "
                             "booking_slot s JOIN booking b ON b.id = "
                             "s.booking_id WHERE b.event_id = ? ORDER BY "
                             "s.start", (eid,))
            assert [s[1] for s in slots] == ["held", "held", "cancelled",
                                             "held", "held", "held"], slots
            # Every feed says so, with the reason; the rest is as it was.
            for path in ("/feeds/public.ics", "/feeds/group/%s.ics" % GROUP):
                status, _, body = d.http("GET", path)
                assert status == 200, (path, status)
                text = body.decode().replace("\r\n ", "")
                assert "SUMMARY:Afgelast: Lotgenotengroep" in text, text
                assert "DESCRIPTION:Afgelast: Waterschade" in text, text
                assert text.count("STATUS:CANCELLED") == 2, text
            audit = d.cli("--json", "audit", "list", check=True).json()
            assert any(a["action"] == "closure.add" and
                       "3 held, cancelled" in (a.get("detail") or "")
                       for a in audit), audit
            assert any(a["action"] == "event.cancel" and
                       "closure %d" % cid in (a.get("detail") or "")
                       for a in audit), audit

            # A room out of service: the other room of the house first.
            oos = ["room", "edit", ROOM, "--out-of-service",
                   "%s 00:00" % days[3],
                   "%s 00:00" % (days[3] + datetime.timedelta(1)),
                   "--reason", "Schilderwerk"]
            dry = d.cli("--json", *oos, "--dry-run", check=True).json()
            hit, = dry["affected"]
            assert hit["event"] == eid and hit["waiting"] == 1, hit
            assert [r["room"] for r in hit["free_rooms"]] == \
                ["herstelhuis/zaal-2", "buurthuis/zaal"], hit
            r = d.cli(*oos)
            assert r.rc == EX_DATAERR and "zaal-1 is held 1 time(s)" in \
                r.err_lines()[0], r
            r = d.cli("room", "edit", "herstelhuis", "--out-of-service", "a",
                      "b", "--reason", "x")
            assert r.rc == EX_USAGE, r
            # --keep: closed for new requests; what is held stays held.
            mark = sink.count()
            r = d.cli(*oos, "--keep", check=True)
            assert "kept (not cancelled) 1 occurrence(s)" in r.err, r
            rows = d.cli("--json", "closure", "list", check=True).json()
            assert [(c["room"], c["reason"]) for c in rows] == \
                [(None, "Waterschade"), ("zaal-1", "Schilderwerk")], rows
            assert d.sqlite("SELECT count(*) FROM booking_slot s JOIN "
                            "booking b ON b.id = s.booking_id WHERE "
                            "b.event_id = ? AND s.state = 'held'",
                            (eid,)) == [(5,)]
            time.sleep(1.0)
            assert sink.messages()[mark:] == []
            d.stop()


def test_opening_hours_narrowed_over_what_is_held(d):
    """New opening hours that leave out an occurrence already held in a
    room are refused (65), listing each one, and nothing changes; --keep
    applies them to new requests only.  A day event holds whatever the
    hours of its date are, so it never stands in the way; what is over
    does not count."""
    first = harness.now(AMS).date() + datetime.timedelta(days=3)
    eid = setup(d, "%s 20:00" % first)
    d.cli("location", "edit", "herstelhuis", "--hours", "mon-sun 08:00-23:00",
          check=True)
    bid = d.cli("book", "herstelhuis/zaal-2", "--start", "%s 10:00" % first,
                "--duration", "2h", "--title", "Spreekuur", check=True).out
    day = d.cli("event", "add", "--kind", "overig", "--title", "Open dag",
                "--date", (first + datetime.timedelta(days=1)).isoformat(),
                "--room", "herstelhuis/zaal-2", check=True).out.strip()
    # Narrower, and everything still fits: fine.
    d.cli("location", "edit", "herstelhuis", "--hours", "mon-sun 09:00-22:00",
          check=True)
    # Closing at 21:00 leaves out the six evenings of the series (20-22).
    before = d.dump()
    r = d.cli("location", "edit", "herstelhuis", "--hours",
              "mon-sun 09:00-21:00")
    assert r.rc == 65, r
    lines = r.err_lines()
    assert lines[0].startswith("herstelctl: 6 held occurrence(s) at "
                               "herstelhuis fall outside the new opening "
                               "hours"), r
    assert "--keep" in lines[0]
    assert len(lines) == 7, r
    assert all("herstelhuis/zaal-1: event %d \"Lotgenotengroep\"" % eid in x
               for x in lines[1:]), lines
    assert "buurthuis/zaal" in lines[1], lines
    assert d.dump() == before
    api = d.cli("--json", "location", "edit", "herstelhuis", "--hours",
                "mon-sun 09:00-21:00")
    assert api.rc == 65
    assert len(json.loads(api.err)["error"]["details"]) == 6
    # Opening later leaves out the morning booking too.
    r = d.cli("location", "edit", "herstelhuis", "--hours",
              "mon-sun 11:00-21:00")
    assert r.rc == 65 and len(r.err_lines()) == 8, r
    assert any("booking %s \"Spreekuur\"" % bid.strip() in x
               for x in r.err_lines()), r
    assert d.dump() == before
    r = d.cli("location", "edit", "herstelhuis", "--keep")
    assert r.rc == 65 and "--keep goes with --hours" in r.err, r
    assert d.dump() == before
    # --keep: the new hours hold for what is asked from now on.
    held = d.sqlite("SELECT count(*) FROM booking_slot WHERE state = 'held'")
    got = d.cli("--json", "location", "edit", "herstelhuis", "--hours",
                "mon-sun 09:00-21:00", "--keep", check=True).json()
    assert got["hours"] == "mon-sun 09:00-21:00"
    assert len(got["outside_hours"]) == 6
    assert d.sqlite("SELECT count(*) FROM booking_slot WHERE state = "
                    "'held'") == held
    r = d.cli("book", "herstelhuis/zaal-2", "--start", "%s 21:00" % first,
              "--duration", "1h")
    assert r.rc == 65 and "outside the opening hours" in r.err, r
    assert d.cli("--json", "event", "show", day, check=True).json()



def test_opening_hours_refusal_lists_the_first_fifty(d):
    """A daily series of 60 evenings outside the new hours: the refusal
    counts all 60 and lists the first 50, so that its work stays
    bounded however much is held."""
    first = harness.now(AMS).date() + datetime.timedelta(days=2)
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    d.cli("event", "add", "--kind", "overig", "--title", "Avondopvang",
          "--start", "%s 20:00" % first, "--duration", "2h", "--room", ROOM,
          "--repeat", "FREQ=DAILY;COUNT=60", check=True)
    before = d.dump()
    r = d.cli("location", "edit", "herstelhuis", "--hours",
              "mon-sun 09:00-21:00")
    assert r.rc == 65, r
    lines = r.err_lines()
    assert lines[0].startswith("herstelctl: 60 held occurrence(s) at "
                               "herstelhuis fall outside the new opening "
                               "hours (the first listed)"), r
    assert len(lines) == 1 + 50, len(lines)
    assert first.isoformat() in lines[1], lines[1]
    assert d.dump() == before
    got = d.cli("--json", "location", "edit", "herstelhuis", "--hours",
                "mon-sun 09:00-21:00", "--keep", check=True).json()
    assert len(got["outside_hours"]) == 50
    assert any("60 held outside them, kept" in (row[-1] or "") for row in
               d.sqlite("SELECT action, detail FROM audit WHERE action = "
                        "'location.edit'")), d.sqlite("SELECT * FROM audit")

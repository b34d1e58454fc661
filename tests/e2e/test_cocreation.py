"""Co-creating sessions, signals and accountability through the CLI: a
full co-creation round (proposal with a room, co-hosts, topics, votes,
publication into the public feed, the room request approved by the
location manager) with its audit trail; signals out to CSV; reports whose
totals are the data the test made; and every refusal, which must say why
on one line, exit with the right code and change nothing.
"""

import csv
import io

import icalendar

from harness import EX_DATAERR, EX_NOPERM, EX_USAGE

FUTURE = "2027-03-02 14:00"


def token(d, *args):
    return d.cli("token", "create", *args, check=True).out.strip()


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--hours", "mon-fri 09:00-17:00", check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "30", "--needs-approval", check=True)
    d.cli("location", "add", "noord", "--name", "Huis van de Wijk Noord",
          check=True)
    d.cli("room", "add", "noord/zaal", "--name", "Zaal", "--capacity", "20",
          check=True)
    for slug, kind in (("lotgenoten-zuidoost", "steungroep"),
                       ("buurtteam-zuidoost", "partner"),
                       ("uht", "partner"),
                       ("ouders-noord", "steungroep")):
        d.cli("group", "add", slug, "--name", slug.replace("-", " ").title(),
              "--kind", kind, check=True)
    return {
        "owner": token(d, "--role", "organizer", "--group",
                       "lotgenoten-zuidoost", "--name", "Fatima"),
        "cohost": token(d, "--role", "organizer", "--group",
                        "buurtteam-zuidoost", "--name", "Bram"),
        "other": token(d, "--role", "organizer", "--group", "ouders-noord",
                       "--name", "Noor"),
        "manager": token(d, "--role", "location-manager", "--location",
                         "herstelhuis", "--name", "Henk"),
        "manager-noord": token(d, "--role", "location-manager", "--location",
                               "noord", "--name", "Nel"),
    }


def refused(d, args, code=EX_DATAERR, says=None, token=None):
    """One line on stderr (containing says), nothing on stdout, the exit
    code, and no change to the database (audit included)."""
    before = d.dump()
    r = d.cli(*args, token=token)
    assert r.rc == code, r
    assert len(r.err_lines()) == 1, r
    assert r.err_lines()[0].startswith("herstelctl: "), r
    if says is not None:
        assert says in r.err, (says, r)
    assert r.out == "", r
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def propose(d, t):
    return d.cli("event", "propose", "--kind", "themabijeenkomst", "--title",
                 "Herstel en erkenning", "--start", FUTURE, "--duration",
                 "2h", "--room", "herstelhuis/zaal-1", "--description",
                 "Een avond voor en door ouders.", token=t,
                 check=True).out.strip()


def public_events(d):
    status, _, body = d.http("GET", "/feeds/public.ics")
    assert status == 200
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_full_cocreation_round(d):
    t = setup(d)
    eid = propose(d, t["owner"])
    booking = d.cli("--json", "booking", "list", check=True).json()
    assert [(b["status"], b["room"]) for b in booking] == \
        [("requested", "herstelhuis/zaal-1")]

    # two co-hosts: one by the owner, one by the admin
    d.cli("cohost", "add", eid, "--group", "buurtteam-zuidoost",
          token=t["owner"], check=True)
    d.cli("cohost", "add", eid, "--group", "uht", check=True)
    hosts = d.cli("--json", "cohost", "list", eid, token=t["cohost"],
                  check=True).json()
    assert [h["group"] for h in hosts] == ["buurtteam-zuidoost", "uht"]

    # the co-host sees the proposal and may edit it; others do not see it
    shown = d.cli("--json", "event", "show", eid, token=t["cohost"],
                  check=True).json()
    assert shown["status"] == "proposed"
    listed = d.cli("--json", "event", "list", "--from", "2027-03-01", "--to",
                   "2027-03-31", token=t["cohost"], check=True).json()
    assert [str(e["id"]) for e in listed] == [eid]
    d.cli("event", "edit", eid, "--title", "Herstel en erkenning samen",
          token=t["cohost"], check=True)
    refused(d, ["event", "show", eid], token=t["other"], says="unknown event")
    assert not [e for e in public_events(d) if "Herstel" in str(e["SUMMARY"])]

    # five suggestions from owner, co-host and admin
    texts = ["Hoe vraag ik compensatie aan?", "Schulden: wat nu?",
             "Werk, school en herstel", "Contact met de Belastingdienst",
             "Lotgenotencontact, ook online"]
    who = [t["owner"], t["cohost"], None, t["owner"], t["cohost"]]
    tids = [d.cli("topic", "suggest", eid, text, token=w,
                  check=True).out.strip() for text, w in zip(texts, who)]
    # votes: topic 2 three, topic 1 two, topic 5 one, topic 3 and 4 none
    for tid, voters in ((tids[1], [t["owner"], t["cohost"], None]),
                        (tids[0], [t["cohost"], None]),
                        (tids[4], [t["owner"]])):
        for v in voters:
            d.cli("topic", "vote", tid, token=v, check=True)
    rows = d.cli("--json", "topic", "list", eid, check=True).json()
    assert [(r["text"], r["votes"]) for r in rows] == [
        (texts[1], 3), (texts[0], 2), (texts[4], 1), (texts[2], 0),
        (texts[3], 0)]
    table = d.cli("topic", "list", eid, token=t["cohost"], check=True).out
    assert table.splitlines()[1].split()[:2] == [tids[1], "3"]
    for tid in (tids[1], tids[0], tids[4]):
        d.cli("topic", "accept", tid, token=t["cohost"], check=True)
    d.cli("topic", "reject", tids[3], token=t["owner"], check=True)

    # only the owner (or the admin) publishes
    refused(d, ["event", "publish", eid], token=t["cohost"], code=EX_NOPERM)
    refused(d, ["event", "publish", eid], token=t["other"],
            says="unknown event")
    d.cli("event", "publish", eid, token=t["owner"], check=True)
    ev = d.cli("--json", "event", "show", eid, check=True).json()
    want = "Onderwerpen: %s; %s; %s" % (texts[1], texts[0], texts[4])
    assert ev["status"] == "published"
    assert ev["description"] == "Een avond voor en door ouders.\n\n" + want
    feed = [e for e in public_events(d) if e["SUMMARY"] ==
            "Herstel en erkenning samen"]
    assert len(feed) == 1 and want in str(feed[0]["DESCRIPTION"])

    # the room still waits for its manager, who approves it
    b = d.cli("--json", "booking", "list", check=True).json()[0]
    assert b["status"] == "requested"
    d.cli("booking", "approve", str(b["id"]), token=t["manager"], check=True)
    assert d.cli("--json", "booking", "list", check=True).json()[0][
        "status"] == "confirmed"

    # the audit trail of the round, in order
    trail = d.cli("--json", "audit", "list", check=True).json()
    round_ = [(a["actor"].split(" (")[0], a["action"]) for a in trail
              if a["action"] not in ("location.add", "room.add", "group.add",
                                     "token.create")]
    assert round_ == [
        ("token Fatima", "event.add"),
        ("token Fatima", "cohost.add"), ("admin", "cohost.add"),
        ("token Bram", "event.edit"),
        ("token Fatima", "topic.suggest"), ("token Bram", "topic.suggest"),
        ("admin", "topic.suggest"), ("token Fatima", "topic.suggest"),
        ("token Bram", "topic.suggest"),
        ("token Fatima", "topic.vote"), ("token Bram", "topic.vote"),
        ("admin", "topic.vote"), ("token Bram", "topic.vote"),
        ("admin", "topic.vote"), ("token Fatima", "topic.vote"),
        ("token Bram", "topic.accept"), ("token Bram", "topic.accept"),
        ("token Bram", "topic.accept"), ("token Fatima", "topic.reject"),
        ("token Fatima", "event.publish"),
        ("token Henk", "booking.approve")], round_
    mine = d.cli("--json", "audit", "list", "--actor", "Bram",
                 check=True).json()
    assert mine and all(a["actor"].startswith("token Bram (#") for a in mine)
    assert len(mine) == 8
    assert d.cli("--json", "audit", "list", "--actor", "admin",
                 check=True).json()
    refused(d, ["audit", "list"], token=t["owner"], code=EX_NOPERM)
    refused(d, ["audit", "list", "--from", "2026-02-01", "--to",
                "2026-01-01"], says="before --from")
    # no participant appears in the trail, no vote names its voter
    assert all("participant #" not in a["detail"] for a in trail)


def test_cocreation_refusals_change_nothing(d):
    t = setup(d)
    eid = propose(d, t["owner"])
    d.cli("cohost", "add", eid, "--group", "buurtteam-zuidoost",
          token=t["owner"], check=True)
    tid = d.cli("topic", "suggest", eid, "Compensatie", token=t["owner"],
                check=True).out.strip()
    d.cli("topic", "vote", tid, token=t["cohost"], check=True)

    refused(d, ["topic", "vote", tid], token=t["cohost"],
            says="already voted on topic " + tid)
    refused(d, ["cohost", "add", eid, "--group", "bestaat-niet"],
            says='unknown group "bestaat-niet"')
    refused(d, ["cohost", "add", eid, "--group", "lotgenoten-zuidoost"],
            says="owns event")
    refused(d, ["cohost", "add", eid, "--group", "buurtteam-zuidoost"],
            says="already co-hosts")
    refused(d, ["cohost", "add", eid, "--group", "uht"], token=t["cohost"],
            code=EX_NOPERM)
    refused(d, ["cohost", "remove", eid, "--group", "uht"],
            says="does not co-host")
    refused(d, ["cohost", "add", eid], code=EX_USAGE, says="--group")
    refused(d, ["topic", "suggest", eid, "x"], token=t["other"],
            says="unknown event")
    refused(d, ["topic", "suggest", eid, ""], says="topic")
    refused(d, ["topic", "suggest", eid, "x"], token=t["manager"],
            code=EX_NOPERM)
    refused(d, ["topic", "vote", "999"], says="unknown topic 999")
    refused(d, ["topic", "accept", tid], token=t["other"],
            says="unknown event")
    refused(d, ["event", "publish", eid], token=t["cohost"], code=EX_NOPERM)

    # a session that has taken place, and a cancelled one, take no topics
    past = d.cli("event", "add", "--kind", "steungroep", "--title", "Vorig "
                 "jaar", "--start", "2025-05-06 19:00", "--duration", "2h",
                 "--location", "herstelhuis", "--group",
                 "lotgenoten-zuidoost", check=True).out.strip()
    refused(d, ["topic", "suggest", past, "Te laat"], token=t["owner"],
            says="already taken place")
    gone = d.cli("event", "add", "--kind", "steungroep", "--title", "Gaat "
                 "niet door", "--start", FUTURE, "--duration", "1h",
                 "--location", "noord", check=True).out.strip()
    d.cli("event", "cancel", gone, check=True)
    refused(d, ["topic", "suggest", gone, "Toch"], says="cancelled")

    # attendance: not for proposals, future or cancelled sessions
    refused(d, ["attendance", "record", eid, "--count", "5"],
            says="proposal")
    refused(d, ["attendance", "record", gone, "--count", "5"],
            says="cancelled")
    refused(d, ["attendance", "record", past, "--count", "-1"],
            code=EX_USAGE, says="--count")
    refused(d, ["attendance", "record", past, "--count", "5"],
            token=t["cohost"], code=EX_NOPERM, says="attendance")
    d.cli("attendance", "record", past, "--count", "5", token=t["owner"],
          check=True)


def test_signals_round_trip_to_csv(d):
    t = setup(d)
    eid = propose(d, t["owner"])
    texts = [('Brief van UHT onduidelijk over termijnen, "bezwaar" binnen '
              '6 weken?', "uht", t["owner"], eid),
             ("Buurtteam belt niet terug;\nal drie weken", "buurtteam",
              t["owner"], None),
             ("Gemeente: kwijtschelding — hoe?", "gemeente", None, None),
             ("Geen categorie", None, t["cohost"], None)]
    ids = []
    for text, cat, tok, ev in texts:
        args = ["signal", "add"] + ([ev] if ev else []) + [text]
        if cat:
            args += ["--category", cat]
        ids.append(d.cli(*args, token=tok, check=True).out.strip())
    # never a person: no column of the table names one
    cols = [r[1] for r in d.sqlite("PRAGMA table_info(signal)")]
    assert not [c for c in cols if "participant" in c or "actor" in c], cols

    d.cli("signal", "close", ids[0], "--note", "Doorgegeven aan UHT",
          token=t["owner"], check=True)
    out = d.cli("signal", "export", "--format", "csv", check=True).out_bytes
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"),
                                           newline="")))
    assert [r["text"] for r in rows] == [x[0] for x in texts]
    assert [r["category"] for r in rows] == ["uht", "buurtteam", "gemeente",
                                             "overig"]
    assert [r["status"] for r in rows] == ["closed", "open", "open", "open"]
    assert rows[0]["note"] == "Doorgegeven aan UHT" and rows[0]["event"] == eid
    assert [r["group"] for r in rows] == ["lotgenoten-zuidoost",
                                          "lotgenoten-zuidoost", "",
                                          "buurtteam-zuidoost"]

    # filters, and each organizer sees its own group's signals only
    uht = d.cli("--json", "signal", "list", "--category", "uht",
                check=True).json()
    assert [s["id"] for s in uht] == [int(ids[0])]
    assert len(d.cli("--json", "signal", "list", "--status", "open",
                     check=True).json()) == 3
    mine = d.cli("--json", "signal", "list", token=t["owner"],
                 check=True).json()
    assert [s["id"] for s in mine] == [int(ids[0]), int(ids[1])]
    assert d.cli("--json", "signal", "list", "--to", "2020-01-01",
                 check=True).json() == []
    refused(d, ["signal", "close", ids[3], "--note", "x"], token=t["owner"],
            says="unknown signal")
    refused(d, ["signal", "close", ids[0], "--note", "x"],
            says="already closed")
    refused(d, ["signal", "add", "x", "--category", "politie"],
            says="--category")
    refused(d, ["signal", "list"], token=t["manager"], code=EX_NOPERM)
    refused(d, ["signal", "export", "--format", "xlsx"], code=EX_USAGE)
    refused(d, ["signal", "close", ids[1]], code=EX_USAGE, says="--note")
    refused(d, ["signal", "list", "--from", "2026-05-01", "--to",
                "2026-04-01"], says="before --from")


def test_reports_count_what_took_place(d):
    t = setup(d)
    ev = {}

    def add(*args):
        return d.cli("event", "add", *args, check=True).out.strip()

    # lotgenoten: a single theme meeting (2h) and a weekly series of four
    # 90-minute meetings, one cancelled; a proposal that does not count
    ev["thema"] = add("--kind", "themabijeenkomst", "--title", "Erkenning",
                      "--start", "2025-03-04 19:00", "--duration", "2h",
                      "--location", "herstelhuis", "--group",
                      "lotgenoten-zuidoost")
    ev["serie"] = add("--kind", "steungroep", "--title", "Lotgenoten",
                      "--start", "2025-03-05 19:00", "--duration", "90m",
                      "--location", "herstelhuis", "--group",
                      "lotgenoten-zuidoost", "--repeat",
                      "FREQ=WEEKLY;COUNT=4")
    d.cli("event", "cancel", ev["serie"], "--occurrence", "2025-03-12",
          check=True)
    add("--kind", "dialoogsessie", "--title", "Voorstel", "--start",
        "2025-03-10 19:00", "--duration", "1h", "--location", "herstelhuis",
        "--group", "lotgenoten-zuidoost", "--propose")
    # ouders-noord: one dialogue (1h), one cancelled, one outside the period
    ev["dialoog"] = add("--kind", "dialoogsessie", "--title", "Dialoog",
                        "--start", "2025-04-01 10:00", "--duration", "1h",
                        "--location", "noord", "--group", "ouders-noord")
    ev["weg"] = add("--kind", "dialoogsessie", "--title", "Afgelast",
                    "--start", "2025-04-02 10:00", "--duration", "1h",
                    "--location", "noord", "--group", "ouders-noord")
    d.cli("event", "cancel", ev["weg"], check=True)
    add("--kind", "dialoogsessie", "--title", "Later", "--start",
        "2025-06-02 10:00", "--duration", "1h", "--location", "noord",
        "--group", "ouders-noord")

    d.cli("attendance", "record", ev["thema"], "--count", "14",
          token=t["owner"], check=True)
    d.cli("attendance", "record", ev["serie"], "--occurrence", "2025-03-05",
          "--count", "7", check=True)
    d.cli("attendance", "record", ev["serie"], "--occurrence", "2025-03-19",
          "--count", "9", check=True)
    # recording again replaces
    d.cli("attendance", "record", ev["serie"], "--occurrence", "2025-03-19",
          "--count", "8", check=True)
    d.cli("attendance", "record", ev["dialoog"], "--count", "5", check=True)
    assert [a["count"] for a in d.cli("--json", "attendance", "list",
                                      ev["serie"], check=True).json()] == [7, 8]

    period = ["--from", "2025-03-01", "--to", "2025-04-30"]
    rows = {r["group"]: r for r in d.cli("--json", "report", "groups",
                                         *period, check=True).json()}
    assert set(rows) == {"lotgenoten-zuidoost", "buurtteam-zuidoost", "uht",
                         "ouders-noord"}
    lz = rows["lotgenoten-zuidoost"]
    assert lz["sessions_total"] == 4 and lz["cancelled"] == 1
    assert lz["sessions"]["themabijeenkomst"] == 1
    assert lz["sessions"]["steungroep"] == 3
    assert lz["sessions"]["dialoogsessie"] == 0
    assert lz["minutes"] == 120 + 3 * 90 and lz["hours"] == 6.5
    assert lz["attendance"] == 14 + 7 + 8
    on = rows["ouders-noord"]
    assert (on["sessions_total"], on["cancelled"], on["minutes"],
            on["attendance"]) == (1, 1, 60, 5)
    assert rows["uht"]["sessions_total"] == 0
    # no names anywhere: only counts
    assert "Erkenning" not in d.cli("--json", "report", "groups", *period,
                                    check=True).out

    # the period's ends are whole days, both included
    one = d.cli("--json", "report", "groups", "--group", "ouders-noord",
                "--from", "2025-04-01", "--to", "2025-04-01",
                check=True).json()
    assert [(r["group"], r["sessions_total"]) for r in one] == \
        [("ouders-noord", 1)]

    out = d.cli("report", "groups", *period, "--format", "csv",
                check=True).out
    table = {r["group"]: r for r in csv.DictReader(io.StringIO(out))}
    assert table["lotgenoten-zuidoost"]["sessions"] == "4"
    assert table["lotgenoten-zuidoost"]["hours"] == "6.50"
    assert table["ouders-noord"]["cancelled"] == "1"

    # an organizer sees its own group only, a location manager none
    mine = d.cli("--json", "report", "groups", *period, token=t["owner"],
                 check=True).json()
    assert [r["group"] for r in mine] == ["lotgenoten-zuidoost"]
    refused(d, ["report", "groups", *period, "--group", "ouders-noord"],
            token=t["owner"], code=EX_NOPERM)
    refused(d, ["report", "groups", *period], token=t["manager"],
            code=EX_NOPERM)
    refused(d, ["report", "groups", "--from", "2025-04-30", "--to",
                "2025-03-01"], says="--to (2025-03-01) is before --from")
    refused(d, ["report", "groups", "--from", "2025-03-01"], code=EX_USAGE)
    refused(d, ["report", "groups", *period, "--group", "niemand"],
            says="unknown group")
    refused(d, ["report", "groups", *period, "--format", "pdf"],
            code=EX_USAGE)


def test_room_report_per_month(d):
    t = setup(d)
    # February 2027 starts on a Monday: 20 weekdays of 8 hours
    d.cli("book", "herstelhuis/zaal-1", "--start", "2027-02-01 10:00",
          "--duration", "2h", check=True)
    d.cli("book", "herstelhuis/zaal-1", "--start", "2027-02-02 13:00",
          "--duration", "1h", "--repeat", "FREQ=WEEKLY;COUNT=5", check=True)
    d.cli("book", "herstelhuis/zaal-1", "--start", "2027-02-03 09:00",
          "--duration", "1h", token=t["owner"], check=True)
    req = [b for b in d.cli("--json", "booking", "list", check=True).json()
           if b["status"] == "requested"]
    d.cli("booking", "decline", str(req[0]["id"]), token=t["manager"],
          check=True)
    d.cli("book", "noord/zaal", "--start", "2027-02-05 10:00", "--duration",
          "3h", check=True)
    period = ["--from", "2027-02-01", "--to", "2027-03-31"]
    rows = d.cli("--json", "report", "rooms", *period, check=True).json()
    got = {(r["room"], r["month"]): r for r in rows}
    assert sorted(got) == [("herstelhuis/zaal-1", "2027-02"),
                           ("herstelhuis/zaal-1", "2027-03"),
                           ("noord/zaal", "2027-02"), ("noord/zaal", "2027-03")]
    feb = got[("herstelhuis/zaal-1", "2027-02")]
    assert feb["minutes_booked"] == (2 + 4) * 60   # 4 weekly Tuesdays in Feb
    assert feb["minutes_open"] == 20 * 8 * 60
    assert feb["occupancy"] == 3.7 and feb["declined"] == 1
    mar = got[("herstelhuis/zaal-1", "2027-03")]
    assert mar["minutes_booked"] == 60 and mar["declined"] == 0
    # noord has no opening hours: open all day
    assert got[("noord/zaal", "2027-02")]["minutes_open"] == 28 * 24 * 60
    assert got[("noord/zaal", "2027-02")]["minutes_booked"] == 180

    mine = d.cli("--json", "report", "rooms", *period, token=t["manager"],
                 check=True).json()
    assert {r["room"] for r in mine} == {"herstelhuis/zaal-1"}
    out = d.cli("report", "rooms", *period, "--format", "csv",
                token=t["manager-noord"], check=True).out
    table = list(csv.DictReader(io.StringIO(out)))
    assert [(r["room"], r["month"], r["hours_booked"]) for r in table] == [
        ("noord/zaal", "2027-02", "3.00"), ("noord/zaal", "2027-03", "0.00")]
    refused(d, ["report", "rooms", *period, "--location", "noord"],
            token=t["manager"], code=EX_NOPERM)
    refused(d, ["report", "rooms", *period], token=t["owner"],
            code=EX_NOPERM)
    refused(d, ["report", "rooms", "--from", "2027-03-01", "--to",
                "2027-02-01"], says="before --from")
    refused(d, ["report", "rooms", "--from", "2027-02-30", "--to",
                "2027-03-01"], says="--from")


def test_votes_on_behalf_of_participants(d):
    t = setup(d)
    eid = propose(d, t["owner"])
    refused(d, ["topic", "suggest", eid, "x", "--participant", "nobody@"
                "example.org"], says='no participant has that address')
    if d.cli("participant", "--help").rc != 0:
        # participants come with their own issue; until then only the
        # refusal above can be shown through the CLI
        print("note: no 'herstelctl participant'; on-behalf votes skipped")
        return
    d.cli("cohost", "add", eid, "--group", "buurtteam-zuidoost",
          token=t["owner"], check=True)
    pid = d.cli("participant", "add", "--email", "ouder@example.org",
                check=True).out.strip()
    # An organizer names only people its group knows: one the admin added
    # reads as unknown, as register does.
    r = d.cli("topic", "suggest", eid, "Erkenning", "--participant", pid,
              token=t["owner"])
    assert r.rc == EX_DATAERR and "unknown participant" in r.err, r
    # Each group that adds the person comes to know them.
    for who in ("owner", "cohost"):
        d.cli("participant", "add", "--email", "ouder@example.org",
              token=t[who], check=True)
    tid = d.cli("topic", "suggest", eid, "Erkenning", "--participant",
                "ouder@example.org", token=t["owner"], check=True).out.strip()
    d.cli("topic", "vote", tid, "--participant", "ouder@example.org",
          token=t["cohost"], check=True)
    # the same participant by number, as the admin names them: a second vote
    refused(d, ["topic", "vote", tid, "--participant", pid],
            says="already voted")
    d.cli("topic", "vote", tid, token=t["cohost"], check=True)
    rows = d.cli("--json", "topic", "list", eid, check=True).json()
    assert [(r["votes"], r["from"]) for r in rows] == [(2, "participant")]
    assert "ouder@example.org" not in d.cli("--json", "audit", "list",
                                            check=True).out

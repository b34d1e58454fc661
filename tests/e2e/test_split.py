"""A series split with event edit --following, as its registrants'
calendars see it: every calendar part of the mail they got (iTIP REQUEST
and CANCEL, parsed with python-icalendar) is applied in order to a model
calendar, as a calendar application does, and the result, expanded with
recurring_ical_events, must hold each of their sessions once, at its new
time after the split, and nothing else; so must their personal feed.
Reminders keep coming for every session they go to.  Mail goes through a
real SMTP sink.
"""
import datetime
import zoneinfo

import harness
from itip import Calendar, ical, sessions
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc
GROUP = "lotgenoten"


@harness.nostart
def test_split_following_as_registrants_calendars_see_it(d):
    with SmtpSink() as sink:
        d.rewrite_config(d.config_text(smtp=sink.config()))
        d.start()
        d.cli("group", "add", GROUP, "--name", "Lotgenoten Zuidoost",
              "--kind", "steungroep", "--email", "lotgenoten@example.org",
              check=True)
        first = harness.now(AMS).date() + datetime.timedelta(days=10)
        week = datetime.timedelta(days=7)
        dates = [first + i * week for i in range(6)]
        eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                    "Lotgenotengroep", "--group", GROUP, "--place",
                    "Buurthuis", "--start", "%s 19:00" % first.isoformat(),
                    "--duration", "2h", "--repeat", "FREQ=WEEKLY;COUNT=6",
                    check=True).out.strip()
        people = {"heel": "heel@example.org", "mist": "mist@example.org",
                  "later": "later@example.org", "eerder": "eerder@example.org",
                  "laatst": "laatst@example.org"}
        pid = {}
        for k, a in people.items():
            pid[k] = int(d.cli("participant", "add", "--email", a, "--quiet",
                               "none", check=True).out.strip())
        d.cli("register", eid, people["heel"], check=True)
        d.cli("register", eid, people["mist"], check=True)
        d.cli("unregister", eid, people["mist"], "--occurrence",
              dates[4].isoformat(), check=True)
        d.cli("register", eid, people["later"], "--occurrence",
              dates[3].isoformat(), check=True)
        d.cli("register", eid, people["eerder"], "--occurrence",
              dates[1].isoformat(), check=True)
        d.cli("register", eid, people["laatst"], "--occurrence",
              dates[5].isoformat(), check=True)
        harness.outbox_settled(d)
        # From the third session on: an hour later, and a new title.
        new = d.cli("--json", "event", "edit", eid, "--following",
                    dates[2].isoformat(), "--start", "%s 20:00" %
                    dates[2].isoformat(), "--title", "Lotgenotengroep (avond)",
                    check=True).json()
        assert str(new["id"]) != eid
        harness.outbox_settled(d)

        early = ["%s 19:00 Lotgenotengroep" % x.isoformat()
                 for x in dates[:2]]
        late = ["%s 20:00 Lotgenotengroep (avond)" % x.isoformat()
                for x in dates[2:]]
        a = datetime.datetime.combine(first - week, datetime.time(0),
                                      tzinfo=AMS)
        span = (a, a + 10 * week)
        parts = (eid, str(new["id"]), dates[2].isoformat())
        # The confirmation (and for the one sitting a date out, that
        # date's CANCEL); for the series, the earlier part shortened and
        # the later part; for one later occurrence, that occurrence
        # changed; for an earlier one, nothing.
        check(d, sink, people, pid, span, parts, {
            "heel": early + late,
            "mist": early + late[:2] + late[3:],
            "later": [late[1]],
            "eerder": [early[1]],
            "laatst": [late[3]],
        }, {"heel": 3, "mist": 4, "later": 2, "eerder": 1, "laatst": 2})

        # The later part's start moves again, as a series of its own:
        # the one who goes to one of its sessions sees that entry move.
        d.cli("event", "edit", str(new["id"]), "--start", "%s 18:30" %
              dates[2].isoformat(), check=True)
        harness.outbox_settled(d)
        late = [x.replace(" 20:00 ", " 18:30 ") for x in late]
        check(d, sink, people, pid, span, parts, {
            "heel": early + late,
            "mist": early + late[:2] + late[3:],
            "later": [late[1]],
            "eerder": [early[1]],
            "laatst": [late[3]],
        }, {"heel": 4, "mist": 5, "later": 3, "eerder": 1, "laatst": 3})

        # The last two are called off (a split again): their entries go
        # from every calendar, the one alone included.
        d.cli("event", "cancel", str(new["id"]), "--following",
              dates[4].isoformat(), check=True)
        harness.outbox_settled(d)
        check(d, sink, people, pid, span, parts, {
            "heel": early + late[:2],
            "mist": early + late[:2],
            "later": [late[1]],
            "eerder": [early[1]],
            "laatst": [],
        }, {"heel": 6, "mist": 7, "later": 3, "eerder": 1, "laatst": 4})


def check(d, sink, people, pid, span, parts, want, count):
    """What each person's calendar holds from their mail (count calendar
    parts in all), and their personal feed, is want[person]; reminders
    are pending for exactly those sessions, under the part that holds
    them (parts: the earlier, the later, and the day it starts)."""
    mails = sink.messages()
    for k, addr in people.items():
        cal = Calendar()
        n = 0
        for m in mails:
            if m.rcpts != [addr]:
                continue
            method, raw = m.calendar()
            if raw is None:
                continue
            cal.apply(raw)
            n += 1
        assert n == count[k], (k, n, mails)
        got = sessions(cal.calendar(), *span)
        assert got == want[k], (k, got, want[k])
        # The personal feed says the same.
        url = d.cli("--json", "participant", "show", str(pid[k]),
                    check=True).json()["feed"]
        path = url[url.index("/", len("http://")):]
        status, _, body = d.http("GET", path)
        assert status == 200, (path, status)
        got = sessions(ical().Calendar.from_ical(body), *span)
        assert got == want[k], (k, "feed", got, want[k])
    # Reminders: one per lead time (7d, 1d) before each session a person
    # goes to, under the part that holds it now.
    rows = d.sqlite("SELECT participant_id, event_id, occurrence FROM "
                    "outbox WHERE kind = 'reminder' AND status = 'pending'")
    got = {}
    for p, e, occ in rows:
        day = datetime.datetime.fromtimestamp(occ, UTC).astimezone(
            AMS).date()
        got.setdefault(p, []).append((str(e), day.isoformat()))
    for k in people:
        exp = []
        for s in want[k]:
            day = s[:10]
            exp += [(parts[0] if day < parts[2] else parts[1], day)] * 2
        assert sorted(got.get(pid[k], [])) == sorted(exp), (
            k, sorted(got.get(pid[k], [])), sorted(exp))

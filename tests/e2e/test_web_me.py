"""The personal page (/me/TOKEN) and asking for a new link (/link), end
to end (issue 13, item 4): the link every mail carries, unregistering one
date (the waiting list moves up), reminder lead times (reminders planned
anew), no more mail, forget me (GET changes nothing, POST erases), and a
new link that replaces the old one without telling whether an address is
known.

The daemon runs on the harness's pinned clock; dates come from
harness.now().
"""

import datetime
import os
import re
import time
import urllib.parse

import harness
import test_web as w


def me_link_in(m):
    found = re.findall(r"https?://\S+/me/[0-9a-f]{64}\S*", w.text_of(m))
    assert len(found) == 1, w.text_of(m)
    u = urllib.parse.urlsplit(found[0])
    return u.path + ("?" + u.query if u.query else "")


def mails_to(d, address):
    return [m for m in w.mails(d) if address in m["To"]]


def wait_mails_to(d, address, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = mails_to(d, address)
        if len(got) >= n:
            return got
        time.sleep(0.05)
    raise AssertionError("expected %d mails to %s, got %d" %
                         (n, address, len(mails_to(d, address))))


def web_registered(d, uid, address, occurrence=""):
    """Register through the web and confirm; the personal page's path
    from the registration's own mail."""
    before = len(mails_to(d, address))
    w.ask(d, uid, address, occurrence=occurrence)
    link = w.link_in(wait_mails_to(d, address, before + 1)[-1])
    path, form = w.confirm_button(d, link)
    status, _, body = w.post(d, path, {"csrf": form["inputs"]["csrf"]})
    assert status == 200, body
    return me_link_in(wait_mails_to(d, address, before + 2)[-1])


def forms(page, action):
    return [f for f in page.forms if f["action"].split("?")[0]
            .endswith("/" + action)]


def date_of(n):
    return (harness.now(w.AMS).date() + datetime.timedelta(days=n)).isoformat()


def test_web_me_link_in_mail_opens_the_page_and_unregistering_moves_the_waiting_list_up(d):
    w.setup(d, capacity=1)
    eid, uid = w.event(d, "Wekelijkse kring", w.day(2), "--room", w.ROOM,
                       "--repeat", "FREQ=WEEKLY;COUNT=4")
    me = web_registered(d, uid, "ouder@example.org")
    second = date_of(9)
    d.cli("participant", "add", "--email", "wacht@example.org", check=True)
    d.cli("register", eid, "wacht@example.org", "--occurrence", second,
          check=True)
    assert w.attendee_status(d, eid, "wacht@example.org", "--occurrence",
                             second) == ["waitlist"]
    # The token is not stored; its hash is.
    token = me.split("/")[2].split("?")[0]
    assert d.sqlite("SELECT count(*) FROM participant WHERE me_hash = ?",
                    (token,)) == [(0,)]
    before = d.dump()
    status, hdrs, page = w.get(d, me)
    assert status == 200
    assert d.dump() == before
    assert "no-store" in hdrs.get("cache-control", "")
    assert "Wekelijkse kring" in page.all_text
    assert "ouder@example.org" in page.all_text
    dated = [f for f in forms(page, "unregister") if f["inputs"]["date"]]
    assert [f["inputs"]["date"] for f in dated] == [
        date_of(2), date_of(9), date_of(16), date_of(23)]
    form = [f for f in dated if f["inputs"]["date"] == second][0]
    # Without the form's token: refused, nothing changes.
    fields = dict(form["inputs"])
    del fields["csrf"]
    status, _, _ = w.post(d, form["action"], fields)
    assert status == 403
    assert d.dump() == before
    mailed = len(mails_to(d, "ouder@example.org"))
    status, _, body = w.post(d, form["action"], form["inputs"])
    assert status == 200, body
    assert "Je bent afgemeld" in w.Page(body).all_text
    # A mail says so, and takes that date from their calendar.
    gone = wait_mails_to(d, "ouder@example.org", mailed + 1)[-1]
    assert "Je bent afgemeld voor deze bijeenkomst." in w.text_of(gone)
    ics = [p.get_payload(decode=True).decode() for p in gone.walk()
           if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1 and "METHOD:CANCEL" in ics[0], ics
    assert "RECURRENCE-ID;TZID=Europe/Amsterdam:%sT" % second.replace(
        "-", "") in ics[0], ics[0]
    # As herstelctl unregister: the place goes to the waiting list.
    assert w.attendee_status(d, eid, "wacht@example.org", "--occurrence",
                             second) == ["going"]
    assert w.attendee_status(d, eid, "ouder@example.org", "--occurrence",
                             second) == []
    # The date is gone from the page; the others stay.
    _, _, page = w.get(d, me)
    dates = [f["inputs"]["date"] for f in forms(page, "unregister")
             if f["inputs"]["date"]]
    assert second not in dates and date_of(16) in dates
    # An unknown token: the plain 404, telling nothing.
    status, _, page = w.get(d, "/me/" + "ab" * 32)
    assert status == 404
    status, _, _ = w.get(d, "/me/nothing")
    assert status == 404


def reminders(d, address):
    """How long before the session each pending reminder is due."""
    start = int(datetime.datetime.fromisoformat(w.day(10)).replace(
        tzinfo=w.AMS).timestamp())
    return sorted(start - due for (due,) in d.sqlite(
        "SELECT due FROM outbox WHERE kind = 'reminder' AND status = "
        "'pending' AND recipient = ?", (address,)))


def test_web_me_lead_times_replan_reminders_and_language_changes(d):
    w.setup(d)
    eid, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    me = web_registered(d, uid, "ouder@example.org")
    assert reminders(d, "ouder@example.org")
    _, _, page = w.get(d, me)
    form = forms(page, "settings")[0]
    fields = dict(form["inputs"], remind="3d,2h", quiet="none", lang="en")
    status, _, body = w.post(d, form["action"], fields)
    assert status == 200, body
    assert reminders(d, "ouder@example.org") == [7200, 3 * 86400]
    p = d.cli("--json", "participant", "show", "ouder@example.org",
              check=True).json()
    assert p["lang"] == "en"
    # Nonsense is refused with its field's hint, and changes nothing.
    before = d.dump()
    status, _, body = w.post(d, form["action"], dict(fields, remind="soon"))
    assert status == 422
    assert d.dump() == before


def test_web_me_no_more_mail_stops_mail(d):
    w.setup(d)
    eid, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    eid2, _ = w.event(d, "Tweede bijeenkomst", w.day(12), "--room", w.ROOM)
    me = web_registered(d, uid, "ouder@example.org")
    _, _, page = w.get(d, me)
    form = forms(page, "nomail")[0]
    status, _, body = w.post(d, form["action"], form["inputs"])
    assert status == 200, body
    assert "geen e-mail meer" in w.Page(body).all_text
    assert d.sqlite("SELECT count(*) FROM outbox WHERE recipient = ? AND "
                    "status = 'pending'", ("ouder@example.org",)) == [(0,)]
    n = len(mails_to(d, "ouder@example.org"))
    d.cli("register", eid2, "ouder@example.org", check=True)
    assert d.sqlite("SELECT count(*) FROM outbox WHERE recipient = ? AND "
                    "status = 'pending'", ("ouder@example.org",)) == [(0,)]
    time.sleep(0.5)
    assert len(mails_to(d, "ouder@example.org")) == n
    # The page says so, and offers mail again.
    _, _, page = w.get(d, me)
    assert forms(page, "mail") and not forms(page, "nomail")


def test_web_me_forget_asks_first_then_erases_every_trace(d):
    w.setup(d, capacity=1)
    eid, uid = w.event(d, "Kleine kring", w.day(5), "--room", w.ROOM)
    me = web_registered(d, uid, "vergeetmij@example.org")
    d.cli("participant", "add", "--email", "wacht@example.org", check=True)
    d.cli("register", eid, "wacht@example.org", check=True)
    # A pending web request of the same address goes too.
    _, uid2 = w.event(d, "Nog een", w.day(8), "--room", w.ROOM)
    w.ask(d, uid2, "vergeetmij@example.org")
    _, _, page = w.get(d, me)
    ask_path = [l for l in page.links if "/forget" in l][0]
    before = d.dump()
    status, _, page = w.get(d, ask_path)
    assert status == 200
    assert "niet ongedaan maken" in page.all_text
    d.http("HEAD", ask_path)
    assert d.dump() == before
    form = page.forms[0]
    status, _, _ = w.post(d, form["action"], {})
    assert status == 403
    assert d.dump() == before
    # The token of another form on the page does not erase anyone.
    _, _, main = w.get(d, me)
    other = [f for f in main.forms if "/forget" not in f["action"]][0]
    status, _, _ = w.post(d, form["action"],
                          {"csrf": other["inputs"]["csrf"]})
    assert status == 403
    assert d.dump() == before
    status, _, body = w.post(d, form["action"], form["inputs"])
    assert status == 200, body
    assert "gewist" in w.Page(body).all_text
    assert w.attendee_status(d, eid, "wacht@example.org") == ["going"]
    assert d.cli("participant", "show", "vergeetmij@example.org").rc != 0
    status, _, _ = w.get(d, me)
    assert status == 404
    for suffix in ("", "-wal", "-journal"):
        path = d.db + suffix
        if not os.path.exists(path):
            continue
        with open(path, "rb") as fp:
            assert b"vergeetmij" not in fp.read().lower(), path


def test_web_link_answers_alike_and_replaces_the_old_link(d):
    w.setup(d)
    _, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    old = web_registered(d, uid, "ouder@example.org")
    status, _, page = w.get(d, "/link")
    assert status == 200
    form = page.forms[0]
    n = len(w.mails(d))
    # Without the form's token: refused.
    status, _, _ = w.post(d, "/link", {"email": "ouder@example.org"})
    assert status == 403
    known = w.post(d, "/link", dict(form["inputs"],
                                    email="ouder@example.org", website=""))
    unknown = w.post(d, "/link", dict(form["inputs"],
                                      email="niemand@example.org",
                                      website=""))
    assert known[0] == unknown[0] == 200
    assert known[2] == unknown[2]
    assert "Als we dit adres kennen" in w.Page(known[2]).all_text
    got = wait_mails_to(d, "ouder@example.org", 3)
    time.sleep(0.5)
    assert len(w.mails(d)) == n + 1
    assert not mails_to(d, "niemand@example.org")
    new = me_link_in(got[-1])
    assert new != old
    assert w.get(d, old)[0] == 404
    status, _, page = w.get(d, new)
    assert status == 200 and "Themabijeenkomst" in page.all_text


@harness.nostart
def test_web_link_mails_per_address_per_day_are_limited(d):
    d.rewrite_config(d.config_text(web="{ mails_per_day = 2; "
                                       "post_per_minute = 100; }"))
    d.start()
    d.cli("participant", "add", "--email", "ouder@example.org", check=True)
    _, _, page = w.get(d, "/link")
    form = page.forms[0]
    for _ in range(4):
        status, _, _ = w.post(d, "/link", dict(
            form["inputs"], email="ouder@example.org", website=""))
        assert status == 200
    w.wait_mail(d, 2)
    time.sleep(0.5)
    assert len(w.mails(d)) == 2


def test_web_me_page_in_english(d):
    w.setup(d)
    _, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    me = web_registered(d, uid, "ouder@example.org")
    status, _, page = w.get(d, me.split("?")[0] + "?lang=en")
    assert status == 200 and page.lang == "en"
    assert "Your page" in page.all_text and "Forget me" in page.all_text
    status, _, page = w.get(d, "/link?lang=en")
    assert "New personal link" in page.all_text


def test_unsubscribed_person_promoted_is_told_on_the_page_and_counted(d):
    """Someone who asked for no more mail and gets a place from the
    waiting list gets no mail: `attendees` counts them as promoted, not
    mailed, and their own page says they have a place."""
    w.setup(d, capacity=1)
    eid, uid = w.event(d, "Kleine kring", w.day(6), "--room", w.ROOM)
    d.cli("participant", "add", "--email", "eerste@example.org", check=True)
    d.cli("register", eid, "eerste@example.org", check=True)
    me = web_registered(d, uid, "wacht@example.org")
    assert w.attendee_status(d, eid, "wacht@example.org") == ["waitlist"]
    _, _, page = w.get(d, me)
    form = forms(page, "nomail")[0]
    status, _, _ = w.post(d, form["action"], form["inputs"])
    assert status == 200
    sent_before = len(mails_to(d, "wacht@example.org"))
    d.cli("unregister", eid, "eerste@example.org", check=True)
    assert w.attendee_status(d, eid, "wacht@example.org") == ["going"]
    att = d.cli("--json", "attendees", eid, check=True).json()
    assert att["promoted_unmailed"] == 1
    row = [a for a in att["attendees"] if a["email"] == "wacht@example.org"]
    assert row[0]["unmailed"] is True
    out = d.cli("attendees", eid, check=True).out
    assert "promoted, not mailed: 1" in out, out
    # No promotion mail was queued or sent to them.
    assert d.sqlite("SELECT count(*) FROM outbox WHERE kind = 'promotion' "
                    "AND recipient = 'wacht@example.org'") == [(0,)]
    time.sleep(0.5)
    assert len(mails_to(d, "wacht@example.org")) == sent_before
    _, _, page = w.get(d, me)
    assert "je hebt een plaats gekregen van de wachtlijst" in page.all_text
    assert "Op de wachtlijst" not in page.all_text

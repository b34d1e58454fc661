"""The parents' web pages (issue 13, phase 1), end to end: the agenda and
its filters, one session's page, self-registration with double opt-in
(the form, the mail in the Maildir, the button behind the link), and what
guards the forms (signed anti-CSRF tokens, the rate limit, the mails per
address, the security headers), parsed with Python's html.parser.

The daemon runs on the harness's pinned clock; dates come from
harness.now().
"""

import datetime
import email
import glob
import html.parser
import os
import re
import tempfile
import socket
import time
import urllib.parse
import zoneinfo

import harness

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
ROOM = "herstelhuis/zaal-1"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# ---- helpers ----

def day(n, hhmm="19:00"):
    d = harness.now(AMS).date() + datetime.timedelta(days=n)
    return "%s %s" % (d.isoformat(), hhmm)


class Page(html.parser.HTMLParser):
    """Text, links and forms of a page; fails on nothing (the tests look)."""

    def __init__(self, body):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.links = []
        self.forms = []
        self.tags = []
        self.lang = None
        self.feed(body.decode("utf-8"))
        self.all_text = " ".join("".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append({"action": a.get("action"), "inputs": {}})
        if tag in ("input", "select") and self.forms:
            self.forms[-1]["inputs"][a.get("name")] = a.get("value", "")

    def handle_data(self, data):
        self.text.append(data)

    def script_tags(self):
        return [t for t, _ in self.tags if t == "script"]


def get(d, path, headers=None):
    status, hdrs, body = d.http("GET", path, headers=headers)
    return status, hdrs, Page(body) if body else None


def post(d, path, fields, headers=None):
    h = dict(FORM)
    h.update(headers or {})
    status, hdrs, body = d.http("POST", path, urllib.parse.urlencode(fields),
                                h)
    return status, hdrs, body


def setup(d, capacity=40):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Bijlmerplein 1, Amsterdam", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity",
          str(capacity), "--accessible", check=True)
    d.cli("location", "add", "noord", "--name", "Huis van de Wijk Noord",
          check=True)
    d.cli("group", "add", "lotgenoten", "--name", "Lotgenoten Zuidoost",
          check=True)
    d.cli("group", "add", "gemeente-ouders", "--name", "Gemeente-ouders",
          "--anonymous", check=True)


def event(d, title, start, *args):
    r = d.cli("event", "add", "--kind", "themabijeenkomst", "--title", title,
              "--start", start, "--duration", "2h", *args, check=True)
    eid = r.out.strip()
    uid = d.cli("--json", "event", "show", eid, check=True).json()["uid"]
    return eid, uid


def session_path(uid):
    return "/sessions/" + urllib.parse.quote(uid, safe="")


def register_form(d, uid):
    status, _, page = get(d, session_path(uid))
    assert status == 200, status
    forms = [f for f in page.forms if f["action"].endswith("/register")]
    assert len(forms) == 1, page.forms
    return forms[0]


def ask(d, uid, address, name="", lang="nl", occurrence=""):
    form = register_form(d, uid)
    fields = {"csrf": form["inputs"]["csrf"], "email": address,
              "name": name, "lang": lang, "website": ""}
    if occurrence:
        fields["occurrence"] = occurrence
    return post(d, form["action"], fields)


def mails(d):
    out = []
    for path in sorted(glob.glob(os.path.join(d.maildir, "new", "*"))):
        with open(path, "rb") as fp:
            out.append(email.message_from_bytes(fp.read()))
    return out


def text_of(m):
    for part in m.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode("utf-8")
    return ""


def wait_mail(d, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = mails(d)
        if len(got) >= n:
            return got
        time.sleep(0.05)
    raise AssertionError("expected %d mails, got %d" % (n, len(mails(d))))


def link_in(m):
    found = re.findall(r"https?://\S+/confirm/[0-9a-f]{64}\S*", text_of(m))
    assert len(found) == 1, text_of(m)
    return urllib.parse.urlsplit(found[0])


def attendees(d, eid, *args):
    return d.cli("--json", "attendees", eid, *args, check=True).json()


def attendee_status(d, eid, address, *args):
    data = attendees(d, eid, *args)
    rows = data["attendees"] if isinstance(data, dict) else data
    return [a["status"] for a in rows if a.get("email") == address]


def confirm_button(d, link):
    path = link.path + ("?" + link.query if link.query else "")
    status, _, page = get(d, path)
    assert status == 200, status
    assert len(page.forms) == 1, page.forms
    return path, page.forms[0]


def warm_up(d):
    """After the daemon's clock jumped: a connection caught across the
    jump may be dropped as idle, so wait for one plain answer."""
    for _ in range(50):
        try:
            if d.http("GET", "/style.css")[0] == 200:
                return
        except (ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError("the daemon does not answer after the clock moved")


# ---- the agenda ----

def test_web_agenda_shows_public_published_sessions_only(d):
    setup(d)
    event(d, "Openbare themabijeenkomst", day(3), "--room", ROOM,
          "--group", "lotgenoten")
    event(d, "Alleen voor de groep", day(3, "14:00"), "--group",
          "lotgenoten", "--visibility", "group")
    event(d, "Prive overleg", day(4), "--visibility", "private")
    event(d, "Nog maar een voorstel", day(5), "--propose")
    event(d, "Anonieme groep bijeen", day(6), "--group", "gemeente-ouders")
    cancelled, _ = event(d, "Gaat niet door", day(7), "--location", "noord")
    d.cli("event", "cancel", cancelled, "--reason", "ziekte", check=True)
    status, hdrs, page = get(d, "/")
    assert status == 200 and page.lang == "nl", status
    text = page.all_text
    assert "Openbare themabijeenkomst" in text
    for hidden in ("Alleen voor de groep", "Prive overleg",
                   "Nog maar een voorstel", "Anonieme groep bijeen",
                   "Gemeente-ouders"):
        assert hidden not in text, hidden
    assert "rolstoeltoegankelijk" in text
    assert "Bijlmerplein 1, Amsterdam" in text
    assert "40 plaatsen vrij" in text
    # Kept, and marked with the reason.
    assert "Gaat niet door" in text and "Afgelast: ziekte" in text
    # Grouped by day, in Dutch.
    assert re.search(r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag"
                     r"|zondag) \d+ \w+ \d{4}", text), text
    # Feeds to subscribe to, webcal and http(s), public and per kind.
    assert any(l.startswith("webcal://") and l.endswith("/feeds/public.ics")
               for l in page.links), page.links
    assert any(l.startswith("http://") and
               l.endswith("/feeds/kind/dialoogsessie.ics")
               for l in page.links), page.links
    # One visible switch to English, and English when asked.
    assert "/?lang=en" in page.links
    status, _, en = get(d, "/?lang=en")
    assert en.lang == "en" and "40 places left" in en.all_text
    status, _, en = get(d, "/", {"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert en.lang == "en" and "Cancelled: ziekte" in en.all_text
    status, _, nl = get(d, "/", {"Accept-Language": "nl,en;q=0.8"})
    assert nl.lang == "nl"


def test_web_agenda_filters_by_kind_group_and_location(d):
    setup(d)
    event(d, "Zaalbijeenkomst lotgenoten", day(3), "--room", ROOM,
          "--group", "lotgenoten")
    d.cli("event", "add", "--kind", "dialoogsessie", "--title",
          "Dialoog in Noord", "--start", day(4), "--duration", "1h",
          "--location", "noord", check=True)
    cases = [
        ("/?kind=dialoogsessie", ["Dialoog in Noord"],
         ["Zaalbijeenkomst lotgenoten"]),
        ("/?kind=themabijeenkomst", ["Zaalbijeenkomst lotgenoten"],
         ["Dialoog in Noord"]),
        ("/?group=lotgenoten", ["Zaalbijeenkomst lotgenoten"],
         ["Dialoog in Noord"]),
        ("/?location=noord", ["Dialoog in Noord"],
         ["Zaalbijeenkomst lotgenoten"]),
        ("/?location=herstelhuis&kind=dialoogsessie", [],
         ["Dialoog in Noord", "Zaalbijeenkomst lotgenoten"]),
        ("/", ["Dialoog in Noord", "Zaalbijeenkomst lotgenoten"], []),
    ]
    for path, shown, hidden in cases:
        status, _, page = get(d, path)
        assert status == 200, (path, status)
        for t in shown:
            assert t in page.all_text, (path, t)
        for t in hidden:
            assert t not in page.all_text, (path, t)
    # The filters are plain links that keep the other filters.
    _, _, page = get(d, "/?kind=dialoogsessie")
    assert "/?kind=dialoogsessie&location=noord" in page.links, page.links
    # So does the switch to English.
    assert "/?kind=dialoogsessie&lang=en" in page.links, page.links
    _, _, page = get(d, "/?location=noord&group=lotgenoten&lang=en")
    assert "/?group=lotgenoten&location=noord&lang=nl" in page.links
    # The anonymous group is no filter.
    assert not any("gemeente-ouders" in l for l in page.links)
    # The language switch keeps the filters, and English keeps them on.
    _, _, page = get(d, "/?kind=dialoogsessie&location=noord")
    switch = [l for l in page.links if "lang=en" in l]
    assert switch == ["/?kind=dialoogsessie&location=noord&lang=en"], \
        page.links
    _, _, page = get(d, switch[0])
    assert page.lang == "en"
    assert "Dialoog in Noord" in page.all_text
    assert "Zaalbijeenkomst lotgenoten" not in page.all_text
    assert "/?kind=dialoogsessie&location=noord&lang=nl" in page.links
    assert "/?kind=dialoogsessie&location=herstelhuis&lang=en" in \
        page.links


def test_web_titles_with_markup_are_inert_on_agenda_and_session_page(d):
    setup(d)
    title = '<script>alert("x")</script> Tom & Jerry\'s "avond"'
    _, uid = event(d, title, day(3), "--room", ROOM, "--description",
                   '<img src=x onerror=alert(1)> & meer')
    for path in ("/", session_path(uid)):
        status, _, body = d.http("GET", path)
        assert status == 200
        page = Page(body)
        assert page.script_tags() == [], path
        assert not any(t == "img" for t, _ in page.tags), path
        assert title in page.all_text, (path, page.all_text)
        raw = body.decode()
        assert "<script>" not in raw and "&lt;script&gt;" in raw
        assert "&amp; Jerry&#39;s &quot;avond&quot;" in raw


def test_web_session_page_shows_details_map_link_and_form(d):
    setup(d)
    eid, uid = event(d, "Reeks herstel", day(2), "--room", ROOM,
                     "--repeat", "FREQ=WEEKLY;COUNT=4", "--description",
                     "Samen praten.")
    second = (harness.now(AMS).date() + datetime.timedelta(days=9)).isoformat()
    d.cli("event", "cancel", eid, "--occurrence", second, "--reason",
          "feestdag", check=True)
    d.cli("cohost", "add", eid, "--group", "lotgenoten", check=True)
    status, _, page = get(d, session_path(uid))
    assert status == 200
    text = page.all_text
    assert "Samen praten." in text and "Lotgenoten Zuidoost" in text
    assert "Afgelast: feestdag" in text
    assert ("https://www.openstreetmap.org/search?query=Bijlmerplein%201%2C"
            "%20Amsterdam") in page.links
    assert "/events/%s.ics" % urllib.parse.quote(uid, safe="") in page.links
    form = [f for f in page.forms if f["action"].endswith("/register")][0]
    assert set(form["inputs"]) >= {"csrf", "email", "name", "lang",
                                   "occurrence", "website"}
    # The cancelled date is no choice in the form.
    assert "Zet in mijn agenda" in text
    status, _, _ = get(d, "/sessions/no-such-uid")
    assert status == 404


# ---- double opt-in ----

def test_web_registration_is_confirmed_by_post_on_the_mailed_link_once(d):
    setup(d)
    eid, uid = event(d, "Themabijeenkomst herstel", day(10), "--room", ROOM)
    status, hdrs, body = ask(d, uid, "ouder@example.org", "Ouder", "nl")
    assert status == 200, body
    assert "Kijk in je e-mail" in Page(body).all_text
    m = wait_mail(d, 1)[0]
    assert m["To"].endswith("<ouder@example.org>") or \
        m["To"] == "ouder@example.org", m["To"]
    assert "Bevestig je aanmelding" in str(email.header.make_header(
        email.header.decode_header(m["Subject"])))
    link = link_in(m)
    # The token itself is never stored: only its hash.
    token = link.path.rsplit("/", 1)[1]
    assert d.sqlite("SELECT count(*) FROM optin WHERE token_hash = ?",
                    (token,)) == [(0,)]
    before = d.dump()
    # A mail scanner opens the link: nothing changes.
    path, form = confirm_button(d, link)
    d.http("HEAD", path)
    assert d.dump() == before
    assert attendee_status(d, eid, "ouder@example.org") == []
    # Without the form's token: refused.
    status, _, _ = post(d, path, {})
    assert status == 403
    status, _, _ = post(d, path, {"csrf": "1.%s" % ("0" * 64)})
    assert status == 403
    assert d.dump() == before
    # The button.
    status, _, body = post(d, path, {"csrf": form["inputs"]["csrf"]})
    assert status == 200, body
    assert "Je bent aangemeld" in Page(body).all_text
    assert attendee_status(d, eid, "ouder@example.org") == ["going"]
    p = d.cli("--json", "participant", "show", "ouder@example.org",
              check=True).json()
    assert p["name"] == "Ouder" and p["lang"] == "nl"
    # The registration's own mail (with its calendar part), as register
    # sends it.
    got = wait_mail(d, 2)
    assert any(part.get_content_type() == "text/calendar"
               for part in got[1].walk()), got[1]
    # Replayed: a clear page, nothing changes.
    after = d.dump()
    status, _, body = post(d, path, {"csrf": form["inputs"]["csrf"]})
    assert status == 410, status
    assert "al gebruikt" in Page(body).all_text
    status, _, _ = get(d, path)
    assert status == 410
    assert d.dump() == after
    # A link that never was.
    status, _, _ = get(d, "/confirm/" + "ab" * 32)
    assert status == 404
    status, _, _ = get(d, "/confirm/not-a-token")
    assert status == 404


def test_web_registration_for_one_date_of_a_series_in_english(d):
    setup(d)
    eid, uid = event(d, "Weekly group", day(2), "--room", ROOM, "--repeat",
                     "FREQ=WEEKLY;COUNT=4")
    date = (harness.now(AMS).date() + datetime.timedelta(days=9)).isoformat()
    status, _, body = ask(d, uid, "parent@example.org", "", "en", date)
    assert status == 200
    m = wait_mail(d, 1)[0]
    assert "Confirm your registration" in text_of(m)
    link = link_in(m)
    assert link.query == "lang=en"
    path, form = confirm_button(d, link)
    status, _, body = post(d, path, {"csrf": form["inputs"]["csrf"]})
    assert status == 200 and "You are registered" in Page(body).all_text
    assert attendee_status(d, eid, "parent@example.org", "--occurrence",
                           date) == ["going"]
    first = (harness.now(AMS).date() + datetime.timedelta(days=2)).isoformat()
    assert attendee_status(d, eid, "parent@example.org", "--occurrence",
                           first) == []


def test_web_full_session_puts_the_parent_on_the_waiting_list(d):
    setup(d, capacity=1)
    eid, uid = event(d, "Kleine kring", day(5), "--room", ROOM)
    d.cli("participant", "add", "--email", "eerst@example.org", check=True)
    d.cli("register", eid, "eerst@example.org", check=True)
    _, _, page = get(d, "/")
    assert "vol \u2014 wachtlijst" in page.all_text
    ask(d, uid, "later@example.org")
    m = [x for x in wait_mail(d, 2) if "later@example.org" in x["To"]][0]
    path, form = confirm_button(d, link_in(m))
    status, _, body = post(d, path, {"csrf": form["inputs"]["csrf"]})
    assert status == 200 and "wachtlijst" in Page(body).all_text
    assert attendee_status(d, eid, "later@example.org") == ["waitlist"]
    # The waiting list moves up as with the CLI.
    d.cli("unregister", eid, "eerst@example.org", check=True)
    assert attendee_status(d, eid, "later@example.org") == ["going"]


def test_web_expired_link_is_refused_and_changes_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now().replace(microsecond=0)
        harness.set_faketime(stamp, now)
        with harness.Daemon(env=harness.faketime_env(stamp)) as d:
            setup(d)
            eid, uid = event(d, "Over een week", day(7), "--room", ROOM)
            ask(d, uid, "traag@example.org")
            path, form = confirm_button(d, link_in(wait_mail(d, 1)[0]))
            harness.set_faketime(stamp, now + datetime.timedelta(hours=49))
            d.sighup()
            warm_up(d)
            before = d.dump()
            status, _, body = post(d, path, {"csrf": form["inputs"]["csrf"]})
            # The form's own token outlived its day as well: either page
            # refuses, and nothing changes.
            assert status in (403, 410), status
            status, _, body = get(d, path)
            assert status == 410 and "verlopen" in body.all_text
            assert d.dump() == before
            assert attendee_status(d, eid, "traag@example.org") == []


# ---- what guards the forms ----

def test_web_register_without_or_with_a_bad_csrf_token_is_403(d):
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    _, other = event(d, "Andere", day(4), "--room", ROOM)
    good = register_form(d, other)["inputs"]["csrf"]
    before = d.dump()
    path = session_path(uid) + "/register"
    for fields in ({"email": "a@example.org"},
                   {"email": "a@example.org", "csrf": ""},
                   {"email": "a@example.org", "csrf": "garbage"},
                   {"email": "a@example.org", "csrf": good}):
        status, hdrs, _ = post(d, path, fields)
        assert status == 403, (fields, status)
        assert "frame-ancestors 'none'" in hdrs["content-security-policy"]
    assert d.dump() == before
    assert mails(d) == []


def test_web_same_address_twice_makes_one_request_and_answers_alike(d):
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    d.cli("participant", "add", "--email", "bekend@example.org", check=True)
    answers = []
    for address in ("bekend@example.org", "onbekend@example.org",
                    "onbekend@example.org", "ONBEKEND@example.org"):
        status, hdrs, body = ask(d, uid, address)
        answers.append((status, body))
    assert len(set(answers)) == 1, answers
    wait_mail(d, 2)
    time.sleep(0.5)
    assert len(mails(d)) == 2
    assert d.sqlite("SELECT count(*) FROM optin WHERE email = "
                    "'onbekend@example.org'") == [(1,)]
    # The honeypot: the same answer, nothing stored or sent.
    form = register_form(d, uid)
    status, _, body = post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "email": "robot@example.org",
        "lang": "nl", "website": "http://spam.example"})
    assert (status, body) == answers[0]
    assert d.sqlite("SELECT count(*) FROM optin WHERE email = "
                    "'robot@example.org'") == [(0,)]
    # Bad input: a clear message, nothing stored.
    status, _, body = ask(d, uid, "geen-adres")
    assert status == 422 and "Controleer" in Page(body).all_text
    # No address or user agent in the store or the log.
    assert "127.0.0.1" not in repr(d.dump())
    assert "onbekend@example.org" not in d.stderr()


@harness.nostart
def test_web_mails_per_address_per_day_are_limited(d):
    d.rewrite_config(d.config_text(web="{ mails_per_day = 2; "
                                       "post_per_minute = 100; }"))
    d.start()
    setup(d)
    uids = [event(d, "Bijeenkomst %d" % i, day(3 + i), "--room", ROOM)[1]
            for i in range(4)]
    answers = [ask(d, u, "veel@example.org") for u in uids]
    assert len(set((s, b) for s, _, b in answers)) == 1, [(s, b[-900:]) for s, _, b in answers]
    wait_mail(d, 2)
    time.sleep(0.5)
    assert len(mails(d)) == 2
    assert d.sqlite("SELECT count(*) FROM optin") == [(2,)]


@harness.nostart
def test_web_posts_are_rate_limited_per_client_with_retry_after(d):
    d.rewrite_config(d.config_text(web='{ post_per_minute = 3; '
                                       'trusted_proxies = [ "127.0.0.1" ]; }'))
    d.start()
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    path = session_path(uid) + "/register"
    for i in range(3):
        status, _, _ = post(d, path, {}, {"X-Forwarded-For": "192.0.2.7"})
        assert status == 403, status      # counted, then refused
    status, hdrs, body = post(d, path, {}, {"X-Forwarded-For": "192.0.2.7"})
    assert status == 429, status
    assert 1 <= int(hdrs["retry-after"]) <= 60
    assert "Even wachten" in Page(body).all_text
    # Another client behind the same trusted proxy has its own count.
    status, _, _ = post(d, path, {}, {"X-Forwarded-For": "192.0.2.7, "
                                      "198.51.100.9"})
    assert status == 403
    # GET is not limited.
    assert get(d, "/")[0] == 200


def raw_post(d, path, header_lines):
    """A POST with header lines as given (e.g. a header twice): status."""
    req = ("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\nContent-Length: 0\r\n"
           "Connection: close\r\n%s\r\n" %
           (path, "".join(l + "\r\n" for l in header_lines))).encode()
    with socket.create_connection(("127.0.0.1", d.port), timeout=10) as s:
        s.sendall(req)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1])


@harness.nostart
def test_web_rate_limit_counts_the_last_untrusted_hop_and_an_ipv6_block(d):
    """A client that writes its own X-Forwarded-For line before the one
    the trusted proxy adds cannot pick its address; an IPv6 client is
    counted by its /64, so stepping through its block gains nothing."""
    d.rewrite_config(d.config_text(web='{ post_per_minute = 2; '
                                       'trusted_proxies = [ "127.0.0.1" ]; }'))
    d.start()
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    path = session_path(uid) + "/register"
    codes = [raw_post(d, path, ["X-Forwarded-For: 203.0.113.%d" % i,
                                "X-Forwarded-For: 192.0.2.44"])
             for i in range(3)]
    assert codes == [403, 403, 429], codes
    codes = [raw_post(d, path, ["X-Forwarded-For: 2001:db8:0:7::%x" % (i + 1)])
             for i in range(3)]
    assert codes == [403, 403, 429], codes
    # Another /64 is another client.
    assert raw_post(d, path, ["X-Forwarded-For: 2001:db8:0:8::1"]) == 403


@harness.nostart
def test_web_forwarded_for_is_ignored_from_an_untrusted_peer(d):
    d.rewrite_config(d.config_text(web="{ post_per_minute = 2; }"))
    d.start()
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    path = session_path(uid) + "/register"
    codes = [post(d, path, {}, {"X-Forwarded-For": "192.0.2.%d" % i})[0]
             for i in range(3)]
    assert codes == [403, 403, 429], codes


def test_web_pages_carry_the_security_headers(d):
    setup(d)
    _, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    for method, path in (("GET", "/"), ("GET", session_path(uid)),
                         ("GET", "/style.css"), ("GET", "/sessions/nope"),
                         ("GET", "/confirm/" + "0" * 64),
                         ("POST", session_path(uid) + "/register")):
        status, hdrs, _ = d.http(method, path, "", FORM)
        csp = hdrs.get("content-security-policy", "")
        assert "default-src 'self'" in csp and \
            "frame-ancestors 'none'" in csp, (path, hdrs)
        assert hdrs.get("x-content-type-options") == "nosniff", path
        assert hdrs.get("referrer-policy") == "no-referrer", path
        assert "set-cookie" not in hdrs
    status, hdrs, css = d.http("GET", "/style.css")
    assert status == 200 and hdrs["content-type"].startswith("text/css")
    assert b":focus" in css
    # The feeds are where they were.
    assert d.http("GET", "/feeds/public.ics")[0] == 200


@harness.nostart
def test_web_pages_can_be_switched_off(d):
    d.rewrite_config(d.config_text(web="{ enabled = false; }"))
    d.start()
    assert d.http("GET", "/")[0] == 404
    assert d.http("GET", "/feeds/public.ics")[0] == 200


def test_web_agenda_and_session_answer_304_until_something_changes(d):
    setup(d)
    eid, uid = event(d, "Bijeenkomst", day(3), "--room", ROOM)
    for path in ("/", session_path(uid)):
        status, hdrs, _ = d.http("GET", path)
        etag = hdrs["etag"]
        assert status == 200 and etag
        status, hdrs2, body = d.http("GET", path, None,
                                     {"If-None-Match": etag})
        assert status == 304 and body == b"" and hdrs2["etag"] == etag
        # The English page is another page.
        status, _, _ = d.http("GET", path + "?lang=en", None,
                              {"If-None-Match": etag})
        assert status == 200
    status, hdrs, _ = d.http("GET", "/")
    etag = hdrs["etag"]
    d.cli("event", "edit", eid, "--title", "Nieuwe titel", check=True)
    status, hdrs, body = d.http("GET", "/", None, {"If-None-Match": etag})
    assert status == 200 and hdrs["etag"] != etag
    assert "Nieuwe titel" in Page(body).all_text

"""The parents' web pages in a real browser: Debian's chromium, driven
by tests/browser/journey.mjs (playwright-core), on a daemon seeded with
herstelctl.  Every page the browser reaches is checked with axe-core
(WCAG 2.1 A and AA: no violation) and html-validate (its recommended
rules: no error), and photographed full-page at 375 and 1280 px under
build/screenshots/SCENARIO/.  The scenarios: a parent's whole journey
(agenda to forget me, following a group and raising a signal on the
way) with the mouse and again with the keyboard only, the switch to
English, the waiting list of a full session, markup in titles staying
text, an anonymous group's secret page, a proposal open for ideas (a
vote, a refused and a kept suggestion), and every page type once.

A browser that cannot start fails the test: it is installed by
scripts/deps.sh check (make check), with tests/node_modules.

The daemon runs on the harness's pinned clock; every date comes from
harness.now(), and the driver is handed the dates it needs.
"""

import datetime
import email
import email.policy
import glob
import json
import os
import shutil
import subprocess
import urllib.parse
import zoneinfo

import harness

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
DRIVER = os.path.join(harness.TOP, "tests", "browser", "journey.mjs")
SHOTS = os.path.join(harness.TOP, "build", "screenshots")
# One scenario: chromium's start, a dozen pages with their checks and
# screenshots; generous for the ASan daemon on a busy machine.
TIMEOUT = 600

SERIES = '<script>alert(1)</script> Steungroep "Samen" & sterk'
SINGLE = "Tom & Jerry's \"avond\" <img src=x onerror=alert(2)>"
CANCELLED = "Gaat niet door <b>vet</b>"
REASON = "ziekte & <script>alert(3)</script>"
SMALL = "Kleine kring"
NAME = 'Anne "Moeder" & <i>co</i>'
CIRCLE = "Kring van <b>ons</b>"
MEMBER = "Anna Jansen"
PROPOSAL = "Samen plannen: <em>wat</em> willen jullie?"
TOPIC = "Brieven van de UHT & <bewind>"
SIGNAL_TEXT = "Het buurtteam belt niet terug & <b>niemand</b> weet waarom"
CLOSED_NOTE = "Besproken met de UHT: brieven komen nu op tijd"

# The page types every scenario together must have checked, and the
# ones the "pages" scenario reaches by itself.
PAGE_TYPES = {"agenda", "agenda-filtered", "session", "session-cancelled",
              "register-sent", "bad-input", "confirm", "confirmed",
              "link-used", "me", "forget", "link", "forbidden",
              "link-sent", "not-found", "signals", "signals-thanks",
              "signals-refused", "group-page", "group-session", "ideas",
              "me-followed", "me-voted", "me-suggested", "me-refused"}


def day(n, hhmm="19:00"):
    d = harness.now(AMS).date() + datetime.timedelta(days=n)
    return "%s %s" % (d.isoformat(), hhmm)


def date_of(n):
    return (harness.now(AMS).date() + datetime.timedelta(days=n)).isoformat()


def event(d, kind, title, start, *args):
    r = d.cli("event", "add", "--kind", kind, "--title", title, "--start",
              start, "--duration", "2h", *args, check=True)
    eid = r.out.strip()
    uid = d.cli("--json", "event", "show", eid, check=True).json()["uid"]
    return eid, uid


def seed(d, scenario):
    """A location with an address and a step-free room, a support group,
    public sessions of two kinds (a weekly series, a single one, a
    cancelled one with its reason, one with one place), titles with
    markup, quotes and ampersands."""
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Bijlmerplein 1, Amsterdam", check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Grote zaal",
          "--capacity", "40", "--accessible", check=True)
    d.cli("location", "add", "noord", "--name", "Huis van de Wijk Noord",
          check=True)
    d.cli("group", "add", "steungroep-zuidoost", "--name",
          'Steungroep "Zuidoost" & co', check=True)
    series, series_uid = event(d, "steungroep", SERIES, day(2), "--room",
                               "herstelhuis/zaal-1", "--group",
                               "steungroep-zuidoost", "--repeat",
                               "FREQ=WEEKLY;COUNT=4", "--description",
                               "Elke week samen. <img src=x onerror=alert(4)>")
    _, single_uid = event(d, "themabijeenkomst", SINGLE, day(5), "--room",
                          "herstelhuis/zaal-1")
    cancelled, cancelled_uid = event(d, "themabijeenkomst", CANCELLED, day(6),
                                     "--location", "noord")
    d.cli("event", "cancel", cancelled, "--reason", REASON, check=True)
    small, small_uid = event(d, "themabijeenkomst", SMALL, day(8),
                             "--location", "noord", "--capacity", "1")
    # An anonymous group, its session with one member registered, and
    # its secret page.
    d.cli("group", "add", "gemeente-ouders", "--name", "Gemeente-ouders",
          "--anonymous", check=True)
    circle, circle_uid = event(d, "themabijeenkomst", CIRCLE, day(3),
                               "--location", "noord", "--group",
                               "gemeente-ouders")
    member = "%s-lid@example.org" % scenario
    d.cli("participant", "add", "--email", member, "--name", MEMBER,
          check=True)
    d.cli("register", circle, member, check=True)
    page = urllib.parse.urlsplit(d.cli("group", "page", "gemeente-ouders",
                                       check=True).out.strip()).path
    # A proposal open for ideas, with one topic.
    proposal, proposal_uid = event(d, "dialoogsessie", PROPOSAL, day(20),
                                   "--group", "steungroep-zuidoost",
                                   "--propose")
    d.cli("topic", "suggest", proposal, TOPIC, check=True)
    d.cli("topic", "ideas", proposal, "on", check=True)
    # A signal closed with a public note.
    d.cli("signal", "add", "De brieven komen te laat", "--category",
          "uht", check=True)
    d.cli("signal", "close", "1", "--note", CLOSED_NOTE, "--public",
          check=True)
    return {
        "kind": "steungroep", "group": "steungroep-zuidoost",
        "location": "herstelhuis",
        "series": {"id": series, "uid": series_uid, "title": SERIES,
                   "dates": [date_of(n) for n in (2, 9, 16, 23)],
                   "sit_out": date_of(9)},
        "single": {"uid": single_uid, "title": SINGLE},
        "cancelled": {"uid": cancelled_uid, "title": CANCELLED,
                      "reason": REASON},
        "small": {"id": small, "uid": small_uid, "title": SMALL},
        "follow": {"slug": "steungroep-zuidoost",
                   "name": 'Steungroep "Zuidoost" & co'},
        "circle": {"uid": circle_uid, "title": CIRCLE, "page": page,
                   "name": "Gemeente-ouders"},
        "proposal": {"id": proposal, "uid": proposal_uid,
                     "title": PROPOSAL, "topic": TOPIC,
                     "suggestion": "Hoe vraag ik mijn dossier op?"},
        "signal": {"category": "buurtteam", "text": SIGNAL_TEXT,
                   "closed_note": CLOSED_NOTE},
        "people": {
            "parent": {"email": "%s-ouder@example.org" % scenario,
                       "name": NAME},
            "second": {"email": "%s-tweede@example.org" % scenario,
                       "name": "Bram"},
            "member": {"email": member, "name": MEMBER},
        },
    }


def drive(d, scenario):
    """Seed d, run the scenario in chromium; its JSON result, which must
    say that every step passed with no violation and no error."""
    data = seed(d, scenario)
    node = shutil.which("node") or "/usr/bin/node"
    arg = {"base": "http://127.0.0.1:%d" % d.port, "maildir": d.maildir,
           "scenario": scenario, "shots": os.path.join(SHOTS, scenario),
           "data": data}
    assert os.path.exists(os.path.join(harness.TOP, "tests", "node_modules",
                                       "playwright-core")), \
        "tests/node_modules is missing: run scripts/deps.sh check"
    p = subprocess.run([node, DRIVER, json.dumps(arg)], cwd=harness.TOP,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT, env=harness.clean_env())
    out = p.stdout.decode("utf-8", "replace").strip().splitlines()
    err = p.stderr.decode("utf-8", "replace")
    try:
        result = json.loads(out[-1])
    except (IndexError, ValueError):
        raise AssertionError("the driver printed no result (exit %d):\n%s\n%s"
                             % (p.returncode, "\n".join(out), err[-4000:]))
    explain = "\n".join(
        ["exit %d; failures:" % p.returncode] +
        ["  " + f for f in result["failures"]] +
        ["axe: %s on %s (%s): %s" % (v["id"], v["page"], v["help"],
                                     "; ".join(n["target"] for n in
                                               v["nodes"]))
         for v in result["violations"]] +
        ["html-validate: %s on %s line %s: %s" % (e["rule"], e["page"],
                                                  e["line"], e["message"])
         for e in result["html_errors"]] +
        ["--- driver stderr (tail)", err[-3000:]])
    assert result["ok"] and p.returncode == 0, explain
    assert result["violations"] == [] and result["html_errors"] == [], explain
    assert all(s["ok"] for s in result["steps"]), explain
    assert result["screenshots"] == 2 * len(result["pages"]), result
    result["data"] = data
    return result


def mails(d):
    """The delivered mails, oldest first, read with the modern policy
    (headers unfolded and decoded)."""
    out = []
    for path in sorted(glob.glob(os.path.join(d.maildir, "new", "*"))):
        with open(path, "rb") as fp:
            out.append(email.message_from_bytes(fp.read(),
                                                policy=email.policy.default))
    return out


def types(result):
    return {p["type"] for p in result["pages"]}


def no_trace(d, address):
    """Nothing of address in the database's files."""
    needle = address.split("@")[0].encode()
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = d.db + suffix
        if os.path.exists(path):
            with open(path, "rb") as fp:
                assert needle not in fp.read().lower(), path


def journey_done(d, result):
    data = result["data"]
    who = data["people"]["parent"]["email"]
    assert {"agenda", "agenda-filtered", "session", "register-sent",
            "confirm", "confirmed", "me", "me-saved", "me-unregistered",
            "me-followed", "signals", "signals-thanks", "forget",
            "forgotten", "not-found"} <= types(result), types(result)
    facts = result["facts"]
    # The group was followed (the page offered to leave it) ...
    assert facts["follows"] == [data["follow"]["slug"]], facts
    # ... and the signal is stored as the form sent it, nothing of who
    # sent it with it.
    assert d.sqlite("SELECT category, text, group_id, event_id FROM signal "
                    "WHERE text = ?", (data["signal"]["text"],)) == \
        [(data["signal"]["category"], data["signal"]["text"], None, None)]
    assert facts["remind"] == "3d,2h" and facts["quiet"] == "22:00-07:00", facts
    dates = data["series"]["dates"]
    sit_out = data["series"]["sit_out"]
    assert sit_out not in facts["dates"], facts
    assert [x for x in dates if x != sit_out] == \
        [x for x in facts["dates"] if x in dates], facts
    # Forgotten: the CLI does not know the address, the files hold none
    # of it.
    assert d.cli("participant", "show", who).rc != 0
    # The one registration left is the group member's, seeded.
    assert d.sqlite("SELECT p.email FROM registration r LEFT JOIN "
                    "participant p ON p.id = r.participant_id") == \
        [(data["people"]["member"]["email"],)]
    no_trace(d, who)


def test_browser_parent_journey_from_agenda_to_forget_me(d):
    journey_done(d, drive(d, "journey"))


def test_browser_the_same_journey_by_keyboard_with_visible_focus(d):
    result = drive(d, "keyboard")
    journey_done(d, result)
    # Every stop of Tab and Shift+Tab was checked for a visible focus
    # (lib.mjs); nothing was clicked.
    facts = result["facts"]
    assert facts["Tab"] > 20 and facts["Shift+Tab"] >= 1, facts
    # The signal's category was chosen with the arrow keys.
    assert facts["ArrowDown"] >= 1, facts


def test_browser_english_switch_keeps_the_filters(d):
    result = drive(d, "english")
    en = [p for p in result["pages"] if p["lang"] == "en"]
    assert len(en) >= 3, result["pages"]
    for p in en:
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(p["url"]).query)
        assert q.get("lang") == ["en"], p


def test_browser_full_session_puts_the_second_parent_on_the_waiting_list(d):
    result = drive(d, "waitlist")
    assert {"confirmed", "waitlisted"} <= types(result), types(result)
    data = result["data"]
    rows = d.cli("--json", "attendees", data["small"]["id"],
                 check=True).json()
    rows = rows["attendees"] if isinstance(rows, dict) else rows
    status = {r.get("email"): r["status"] for r in rows}
    assert status == {data["people"]["parent"]["email"]: "going",
                      data["people"]["second"]["email"]: "waitlist"}, status


def test_browser_markup_in_titles_stays_text_on_every_page_type(d):
    result = drive(d, "hostile")
    assert {"agenda", "session", "session-cancelled", "register-sent",
            "confirm", "confirmed", "me", "forget", "not-found"} <= \
        types(result), types(result)
    # The driver read the confirmation mail's subject as Python's email
    # package does (unfolded, RFC 2047 words decoded, markup as text).
    who = result["data"]["people"]["parent"]["email"]
    first = [m for m in mails(d) if who in m["To"]][0]
    subject = first["Subject"]
    assert SINGLE in subject, subject
    assert result["facts"]["confirm_subject"] == subject, result["facts"]


def test_browser_anonymous_group_page_counts_and_registers_without_names(d):
    result = drive(d, "group")
    assert {"group-page", "group-session", "register-sent", "confirm",
            "confirmed"} <= types(result), types(result)
    data = result["data"]
    # Every page of the group was below its secret address.
    for p in result["pages"]:
        if p["type"].startswith("group-"):
            assert p["url"].startswith(data["circle"]["page"]), p
    who = data["people"]["parent"]["email"]
    assert d.sqlite("SELECT r.status FROM registration r JOIN participant p "
                    "ON p.id = r.participant_id JOIN event e ON e.id = "
                    "r.event_id WHERE e.uid = ? AND p.email = ?",
                    (data["circle"]["uid"], who)) == [("going",)]


def test_browser_ideas_from_the_agenda_to_a_vote_and_a_suggestion(d):
    result = drive(d, "ideas")
    assert {"agenda", "ideas", "link", "link-sent", "me", "me-voted",
            "me-refused", "me-suggested"} <= types(result), types(result)
    data = result["data"]["proposal"]
    topics = {t["text"]: t for t in d.cli("--json", "topic", "list",
                                          data["id"], check=True).json()}
    assert topics[data["topic"]]["votes"] == 1, topics
    # The suggestion waits for an organiser; the blank one left nothing.
    assert topics[data["suggestion"]]["shown"] is False, topics
    assert len(topics) == 2, topics


@harness.nostart
def test_browser_every_page_type_passes_axe_and_html_validate(d):
    # The daemon's clock is pinned: its minute never ends, and the limit
    # of forms per client counts every form of the run (a dozen here).
    d.rewrite_config(d.config_text(web="{ post_per_minute = 100; }"))
    d.start()
    result = drive(d, "pages")
    assert types(result) == PAGE_TYPES, types(result) ^ PAGE_TYPES
    for p in result["pages"]:
        assert p["axe"] == 0 and p["html"] == 0, p

"""Privacy against a curious organiser, and errors that tell the truth.

An organizer may register (unregister, check in) only the people its
group added or already sees among its own sessions' attendees; anyone
else, a member of an anonymous group included, gets the very answer an
unknown participant gets, and nothing is written or mailed.  Adding a
participant answers the same whether or not the address was known.  A
full disk is said as such (exit 75, nothing changed), and text that
would turn the direction of writing round is refused in one-line fields.
"""

import json
import os
import re
import subprocess

import harness
from harness import EX_DATAERR

EX_TEMPFAIL = 75

ROOM = "herstelhuis/zaal-1"
OWN = "lotgenoten"           # the curious organizer's group
OTHER = "ouders-noord"       # another group
ANON = "gemeente-ouders"     # an anonymous group


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "40",
          check=True)
    for slug, extra in ((OWN, ()), (OTHER, ()), (ANON, ("--anonymous",))):
        d.cli("group", "add", slug, "--name", slug.replace("-", " ").title(),
              "--email", "info@example.org", *extra, check=True)
    tokens = {}
    for slug in (OWN, OTHER, ANON):
        tokens[slug] = d.cli("token", "create", "--role", "organizer",
                             "--group", slug, "--name", "org " + slug,
                             check=True).out.strip().splitlines()[0]
    return tokens


def event(d, group, title, start):
    return int(d.cli("event", "add", "--kind", "steungroep", "--title", title,
                     "--start", start, "--duration", "2h", "--room", ROOM,
                     "--group", group, check=True).out.strip())


def api(d, token, method, path, body=None):
    status, _, raw = d.http(method, "/api/v1/" + path,
                            json.dumps(body) if body is not None else None,
                            {"Authorization": "Bearer " + token,
                             "Content-Type": "application/json"})
    return status, json.loads(raw) if raw else None


def shape(answer):
    """An answer with the participant's number taken out."""
    return json.loads(re.sub(r"participant \d+", "participant N",
                             json.dumps(answer, sort_keys=True)))


def pid_of(d, email):
    return d.sqlite("SELECT id FROM participant WHERE email = ?",
                    (email,))[0][0]


def mails_to(d, email):
    return d.sqlite("SELECT count(*) FROM outbox WHERE recipient = ?",
                    (email,))[0][0]


def test_privacy_organizer_cannot_register_others_people(d):
    tok = setup(d)
    mine = event(d, OWN, "Eigen avond", "2026-12-10 19:00")
    theirs = event(d, OTHER, "Andere avond", "2026-12-11 19:00")
    hidden = event(d, ANON, "Besloten avond", "2026-12-12 19:00")
    # Known only to another group, and a member of an anonymous group.
    d.cli("participant", "add", "--email", "ander@example.org", "--name",
          "Ander Persoon", check=True)
    d.cli("register", str(theirs), "ander@example.org", check=True)
    d.cli("participant", "add", "--email", "geheim@example.org", "--name",
          "Geheime Ouder", check=True)
    d.cli("register", str(hidden), "geheim@example.org", check=True)
    # An address known to nobody, and an id that is nobody's.
    unknown_id = 1 + d.sqlite("SELECT max(id) FROM participant")[0][0]
    before = d.dump()
    sent = {a: mails_to(d, a) for a in ("ander@example.org",
                                        "geheim@example.org")}

    for org in (tok[OWN], tok[ANON]):
        target = mine if org == tok[OWN] else hidden
        for verb in ("register", "unregister", "checkin"):
            path = "events/%d/%s" % (target, verb)
            st_u, ans_u = api(d, org, "POST", path,
                              {"participant": str(unknown_id)})
            st_a, ans_a = api(d, org, "POST", path,
                              {"participant": "nobody@example.org"})
            if verb != "checkin":   # a check-in is refused before
                assert st_u == 404 and st_a == 404, (verb, ans_u, ans_a)
            for who in ("ander@example.org", "geheim@example.org"):
                if org == tok[ANON] and who == "geheim@example.org" and \
                        verb != "register":
                    continue    # registered there by the admin
                st, ans = api(d, org, "POST", path, {"participant": who})
                assert (st, ans) == (st_a, ans_a), (verb, who, st, ans)
                st, ans = api(d, org, "POST", path,
                              {"participant": str(pid_of(d, who))})
                assert st == st_u and shape(ans) == shape(ans_u), \
                    (verb, who, st, ans)
                assert who not in json.dumps(ans)
    # The CLI says the same, and exits the same.
    a = d.cli("register", str(mine), str(pid_of(d, "ander@example.org")),
              token=tok[OWN])
    b = d.cli("register", str(mine), str(unknown_id), token=tok[OWN])
    assert a.rc == b.rc == EX_DATAERR, (a, b)
    assert re.sub(r"\d+", "N", a.err) == re.sub(r"\d+", "N", b.err), (a, b)
    # Nothing written, nobody mailed, nobody listed.
    assert d.dump() == before
    for addr, n in sent.items():
        assert mails_to(d, addr) == n, addr
    st, ans = api(d, tok[OWN], "GET", "events/%d/attendees" % mine)
    assert st == 200 and ans["attendees"] == [], ans
    assert "Ander" not in json.dumps(ans) and "Geheim" not in json.dumps(ans)


def test_privacy_organizer_registers_people_it_knows(d):
    tok = setup(d)
    mine = event(d, OWN, "Eigen avond", "2026-12-10 19:00")
    later = event(d, OWN, "Tweede avond", "2026-12-17 19:00")
    # Added by the organizer itself: it may register them, by address.
    assert d.cli("participant", "add", "--email", "nieuw@example.org",
                 "--name", "Nieuwe Ouder", token=tok[OWN],
                 check=True).out == "nieuw@example.org\n"
    d.cli("register", str(mine), "nieuw@example.org", token=tok[OWN],
          check=True)
    # Registered for its session by the admin: it sees them in the
    # attendees already, so it may register them for another one.
    d.cli("participant", "add", "--email", "bekend@example.org", check=True)
    d.cli("register", str(mine), "bekend@example.org", check=True)
    d.cli("register", str(later), str(pid_of(d, "bekend@example.org")),
          token=tok[OWN], check=True)
    rows = d.cli("--json", "attendees", str(later), token=tok[OWN],
                 check=True).json()["attendees"]
    assert [r["email"] for r in rows] == ["bekend@example.org"], rows
    d.cli("unregister", str(later), "bekend@example.org", token=tok[OWN],
          check=True)
    # Another group's organizer still may not.
    other = event(d, OTHER, "Andere avond", "2026-12-11 19:00")
    r = d.cli("register", str(other), "nieuw@example.org", token=tok[OTHER])
    assert r.rc == EX_DATAERR and "no participant has that address" in r.err


def test_privacy_participant_add_answers_alike_for_known_addresses(d):
    tok = setup(d)
    d.cli("participant", "add", "--email", "bestaand@example.org", "--name",
          "Bestaande Ouder", "--lang", "en", check=True)
    stored = d.sqlite("SELECT * FROM participant")
    audit = len(d.sqlite("SELECT * FROM audit"))
    st_old, ans_old = api(d, tok[OWN], "POST", "participants",
                          {"email": "bestaand@example.org", "name": "X"})
    st_new, ans_new = api(d, tok[OWN], "POST", "participants",
                          {"email": "nieuw@example.org", "name": "X"})
    assert st_old == st_new == 201, (ans_old, ans_new)
    assert ans_old == {"email": "bestaand@example.org"}, ans_old
    assert ans_new == {"email": "nieuw@example.org"}, ans_new
    # The same address in other letters: the same answer again.
    st, ans = api(d, tok[OWN], "POST", "participants",
                  {"email": "BESTAAND@example.org"})
    assert (st, ans) == (201, {"email": "BESTAAND@example.org"}), ans
    # The known person is untouched, and the CLI never says "exists".
    assert d.sqlite("SELECT * FROM participant WHERE email = ?",
                    ("bestaand@example.org",)) == stored
    r = d.cli("participant", "add", "--email", "bestaand@example.org",
              token=tok[OWN], check=True)
    assert r.out == "bestaand@example.org\n" and "exist" not in r.err, r
    assert len(d.sqlite("SELECT * FROM audit")) == audit + 4
    # Bad input is still refused, alike.
    for email in ("bestaand@example.org", "nog-een@example.org"):
        st, ans = api(d, tok[OWN], "POST", "participants",
                      {"email": email, "lang": "fr"})
        assert st == 422 and "--lang" in ans["error"]["message"], ans
    # The admin is told, as before.
    r = d.cli("participant", "add", "--email", "bestaand@example.org")
    assert r.rc == EX_DATAERR and "exists already" in r.err, r


def test_privacy_adding_a_known_address_shows_the_organizer_nothing_new(d):
    """After adding a known and a new address, registering both and
    listing the attendees, an organizer sees the same for both: the name
    it gave, no participant number, nothing about mail; topics in their
    name need the same knowing as registering."""
    tok = setup(d)
    eid = event(d, OWN, "Lotgenotengroep", "2026-12-10 19:00")
    d.cli("participant", "add", "--email", "bestaand@example.org", "--name",
          "Echte Naam", check=True)
    d.cli("participant", "edit", "bestaand@example.org", "--lang", "en",
          check=True)
    d.http("POST", "/unsubscribe/" + d.sqlite(
        "SELECT unsub_token FROM participant WHERE email = ?",
        ("bestaand@example.org",))[0][0])
    answers = []
    for email in ("bestaand@example.org", "nieuw@example.org"):
        st, ans = api(d, tok[OWN], "POST", "participants",
                      {"email": email, "name": "Zoals de groep zegt"})
        assert st == 201, ans
        st, ans = api(d, tok[OWN], "POST", "events/%d/register" % eid,
                      {"participant": email})
        assert st == 200, ans
        assert isinstance(ans.pop("registration"), int), ans
        answers.append(ans)
    assert answers[0] == answers[1], answers
    assert "mailed" not in answers[0], answers[0]
    st, ans = api(d, tok[OWN], "GET", "events/%d/attendees" % eid)
    assert st == 200, ans
    people = {a["email"]: a for a in ans["attendees"]}
    for email in ("bestaand@example.org", "nieuw@example.org"):
        assert people[email]["name"] == "Zoals de groep zegt", people
        assert people[email]["participant"] is None, people
    # The admin still sees the person as they are.
    st, _, raw = d.api_socket("GET", "/api/v1/events/%d/attendees" % eid)
    admin = {a["email"]: a for a in json.loads(raw)["attendees"]}
    assert admin["bestaand@example.org"]["name"] == "Echte Naam", admin
    assert isinstance(admin["bestaand@example.org"]["participant"], int)
    # Topics: another group's person is unknown to this organizer.
    prop = int(d.cli("event", "propose", "--kind", "themabijeenkomst",
                     "--title", "Voorstel", "--start", "2026-12-17 19:00",
                     "--duration", "2h", "--place", "Bijlmerplein 1",
                     "--group", OWN, check=True).out.strip())
    d.cli("participant", "add", "--email", "ander@example.org", check=True)
    api(d, tok[OTHER], "POST", "participants", {"email": "ander@example.org"})
    before = d.dump()
    for who in ("ander@example.org", str(pid_of(d, "ander@example.org")),
                "niemand@example.org"):
        st, ans = api(d, tok[OWN], "POST", "topics",
                      {"event": prop, "text": "Onderwerp", "participant": who})
        assert st == 404, (who, ans)
    assert d.dump() == before
    st, ans = api(d, tok[OWN], "POST", "topics",
                  {"event": prop, "text": "Onderwerp",
                   "participant": "nieuw@example.org"})
    assert st == 201, ans


@harness.nostart
def test_privacy_disk_full_says_so(d):
    store = os.path.join(d.dir, "store")
    os.mkdir(store)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
                        store], capture_output=True, text=True)
    if r.returncode != 0:
        print("note: cannot mount a tmpfs (%s); disk-full test skipped" %
              r.stderr.strip())
        return
    try:
        d.rewrite_config(d.config_text(database='"%s"' %
                                       os.path.join(store, "hersteld.db")))
        d.db = os.path.join(store, "hersteld.db")
        d.start()
        setup(d)
        eid = event(d, OWN, "Eigen avond", "2026-12-10 19:00")
        d.cli("participant", "add", "--email", "a@example.org", check=True)
        # Fill the disk to the last byte.
        fd = os.open(os.path.join(store, "filler"), os.O_WRONLY |
                     os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        before = d.dump()
        for args in (["participant", "add", "--email", "b@example.org",
                      "--name", "B" * 100],
                     ["register", str(eid), "a@example.org"],
                     ["event", "edit", str(eid), "--title", "T" * 200]):
            r = d.cli(*args)
            assert r.rc == EX_TEMPFAIL, r
            assert len(r.err_lines()) == 1 and "disk full" in r.err, r
            assert "rollback" not in r.err, r
        assert d.dump() == before
        # Space again: the daemon goes on without a restart.
        os.unlink(os.path.join(store, "filler"))
        d.cli("register", str(eid), "a@example.org", check=True)
    finally:
        d.stop()
        subprocess.run(["umount", store])


def test_privacy_bidi_controls_refused_in_one_line_fields(d):
    setup(d)
    before = d.dump()
    for ch in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
               "\u2066", "\u2067", "\u2068", "\u2069"):
        for args, field in (
                (["event", "add", "--kind", "steungroep", "--title",
                  "Avond" + ch + "gpj.exe", "--start", "2026-12-10 19:00",
                  "--duration", "2h", "--room", ROOM], "--title"),
                (["participant", "add", "--email", "x@example.org",
                  "--name", "Ouder" + ch], "--name"),
                (["group", "add", "nieuw", "--name", ch + "Groep",
                  "--email", "g@example.org"], "--name")):
            r = d.cli(*args)
            assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
            assert field in r.err and "direction" in r.err, r
    assert d.dump() == before
    # Right-to-left text itself is fine.
    d.cli("participant", "add", "--email", "x@example.org", "--name",
          "\u0645\u0631\u064a\u0645", check=True)

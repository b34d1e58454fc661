"""Groups, tokens and roles over TCP: tokens are shown once and stored
hashed, revoked tokens get 401, and each role may do exactly its part:
an organizer its own group's events, a location manager its own
location's details, rooms and closures, an admin everything.
"""

import hashlib
import json

from harness import EX_DATAERR, EX_NOPERM, EX_USAGE

EVENT = ["--kind", "steungroep", "--title", "Lotgenotengroep", "--start",
         "2026-12-08 19:00", "--duration", "2h"]


def setup(d):
    for slug, name in (("herstelhuis", "Herstelhuis Zuidoost"),
                       ("noord", "Huis van de Wijk Noord")):
        d.cli("location", "add", slug, "--name", name, check=True)
        d.cli("room", "add", slug + "/zaal-1", "--name", "Zaal 1",
              "--capacity", "20", check=True)
    for slug in ("lotgenoten-zuidoost", "ouders-noord"):
        d.cli("group", "add", slug, "--name", slug.replace("-", " ").title(),
              "--email", "info@example.org", check=True)


def token(d, *args):
    r = d.cli("token", "create", *args, check=True)
    secret = r.out.strip()
    assert "shown only this once" in r.err, r
    return secret


def test_group_round_trip_and_bad_input(d):
    d.cli("group", "add", "lotgenoten-zuidoost", "--name", "Lotgenoten Zuidoost",
          "--kind", "steungroep", "--email", "info@example.org", "--anonymous",
          check=True)
    g = d.cli("--json", "group", "show", "lotgenoten-zuidoost", check=True).json()
    assert g["kind"] == "steungroep" and g["anonymous"] is True
    assert g["email"] == "info@example.org"
    d.cli("group", "edit", "lotgenoten-zuidoost", "--name", "Lotgenoten ZO",
          check=True)
    rows = d.cli("--json", "group", "list", check=True).json()
    assert [r["name"] for r in rows] == ["Lotgenoten ZO"]
    before = d.dump()
    for args, says in (
            (["group", "add", "Lotgenoten", "--name", "x"], "not valid"),
            (["group", "add", "lotgenoten-zuidoost", "--name", "x"],
             "already exists"),
            (["group", "add", "x", "--name", "x", "--kind", "club"], "kind"),
            (["group", "add", "x", "--name", "x", "--email", "geen-adres"],
             "email"),
            (["group", "show", "nobody"], "unknown group")):
        r = d.cli(*args)
        assert r.rc == EX_DATAERR and len(r.err_lines()) == 1, r
        assert says in r.err, (says, r)
    assert d.dump() == before


def test_token_is_shown_once_stored_hashed_and_never_listed(d):
    setup(d)
    secret = token(d, "--role", "organizer", "--group", "lotgenoten-zuidoost",
                   "--name", "Fatima")
    assert secret.startswith("hst_") and len(secret) == 68
    stored = d.sqlite("SELECT hash FROM token")
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(),)]
    listing = d.cli("token", "list", check=True).out
    assert "Fatima" in listing and secret not in listing
    assert secret[4:20] not in d.cli("--json", "token", "list", check=True).out


def test_token_create_bad_input(d):
    setup(d)
    before = d.dump()
    for args in (["--role", "organizer", "--name", "x"],
                 ["--role", "organizer", "--group", "nobody", "--name", "x"],
                 ["--role", "location-manager", "--name", "x"],
                 ["--role", "admin", "--group", "ouders-noord", "--name", "x"],
                 ["--role", "koning", "--name", "x"]):
        r = d.cli("token", "create", *args)
        assert r.rc in (EX_DATAERR, EX_USAGE) and len(r.err_lines()) == 1, r
    assert d.dump() == before


def test_no_token_garbage_and_revoked_tokens_get_401(d):
    setup(d)
    assert d.cli("location", "list", tcp=True).rc == EX_NOPERM
    assert d.cli("location", "list", token="hst_" + "0" * 64).rc == EX_NOPERM
    secret = token(d, "--role", "admin", "--name", "beheer")
    d.cli("location", "list", token=secret, check=True)
    tid = d.sqlite("SELECT id FROM token")[0][0]
    d.cli("token", "revoke", str(tid), check=True)
    r = d.cli("location", "list", token=secret)
    assert r.rc == EX_NOPERM and "token" in r.err, r
    status, headers, body = d.http("GET", "/api/v1/locations",
                                   headers={"Authorization": "Bearer " + secret})
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
    assert d.cli("token", "revoke", str(tid)).rc == EX_DATAERR


def test_organizer_plans_and_changes_only_its_own_groups_events(d):
    setup(d)
    mine = token(d, "--role", "organizer", "--group", "lotgenoten-zuidoost",
                 "--name", "Fatima")
    theirs = d.cli("event", "add", *EVENT, "--group", "ouders-noord",
                   check=True).out.strip()
    # without --group the event belongs to the organizer's own group
    eid = d.cli("event", "add", *EVENT, token=mine, check=True).out.strip()
    ev = d.cli("--json", "event", "show", eid, token=mine, check=True).json()
    assert ev["group"] == "lotgenoten-zuidoost"
    assert d.sqlite("SELECT actor FROM audit WHERE action = 'event.add' "
                    "ORDER BY id DESC LIMIT 1")[0][0].startswith("token Fatima")
    d.cli("event", "edit", eid, "--title", "Nieuw", token=mine, check=True)
    before = d.dump()
    for args in (["event", "add", *EVENT, "--group", "ouders-noord"],
                 ["event", "edit", theirs, "--title", "Overgenomen"],
                 ["event", "cancel", theirs],
                 ["event", "remove", theirs],
                 ["event", "edit", eid, "--group", "ouders-noord"],
                 ["group", "add", "nieuw", "--name", "x"],
                 ["group", "edit", "lotgenoten-zuidoost", "--anonymous"],
                 ["location", "add", "elders", "--name", "x"],
                 ["room", "add", "herstelhuis/zaal-2", "--name", "x",
                  "--capacity", "5"],
                 ["token", "list"]):
        r = d.cli(*args, token=mine)
        assert r.rc == EX_NOPERM and len(r.err_lines()) == 1, r
    assert d.dump() == before
    # its own group's details it may change (not the anonymity)
    d.cli("group", "edit", "lotgenoten-zuidoost", "--email", "nieuw@example.org",
          token=mine, check=True)
    d.cli("event", "cancel", eid, token=mine, check=True)


def test_private_events_of_other_groups_are_invisible_to_an_organizer(d):
    setup(d)
    mine = token(d, "--role", "organizer", "--group", "lotgenoten-zuidoost",
                 "--name", "Fatima")
    hidden = d.cli("event", "add", *EVENT, "--group", "ouders-noord",
                   "--visibility", "private", check=True).out.strip()
    public = d.cli("event", "add", *EVENT, "--group", "ouders-noord",
                   check=True).out.strip()
    ids = {str(o["id"]) for o in d.cli(
        "--json", "event", "list", "--from", "2026-12-01", "--to",
        "2026-12-31", token=mine, check=True).json()}
    assert ids == {public}
    r = d.cli("event", "show", hidden, token=mine)
    assert r.rc == EX_DATAERR and "unknown event" in r.err, r


def test_location_manager_manages_only_its_own_location(d):
    setup(d)
    mgr = token(d, "--role", "location-manager", "--location", "herstelhuis",
                "--name", "Beheer Zuidoost")
    d.cli("room", "add", "herstelhuis/zaal-2", "--name", "Kleine zaal",
          "--capacity", "8", token=mgr, check=True)
    d.cli("room", "edit", "herstelhuis/zaal-1", "--capacity", "25", token=mgr,
          check=True)
    d.cli("closure", "add", "herstelhuis", "--from", "2026-12-24", "--to",
          "2026-12-27", "--reason", "Kerst", token=mgr, check=True)
    d.cli("location", "edit", "herstelhuis", "--hours", "mon-fri 09:00-22:00",
          token=mgr, check=True)
    before = d.dump()
    for args in (["room", "add", "noord/zaal-2", "--name", "x", "--capacity", "5"],
                 ["room", "edit", "noord/zaal-1", "--capacity", "5"],
                 ["room", "remove", "noord/zaal-1"],
                 ["closure", "add", "noord", "--from", "2026-12-24", "--to",
                  "2026-12-27", "--reason", "Kerst"],
                 ["location", "edit", "noord", "--name", "x"],
                 ["location", "add", "west", "--name", "x"],
                 ["location", "remove", "herstelhuis"],
                 ["event", "add", *EVENT, "--room", "herstelhuis/zaal-1"],
                 ["token", "create", "--role", "admin", "--name", "x"]):
        r = d.cli(*args, token=mgr)
        assert r.rc == EX_NOPERM and len(r.err_lines()) == 1, r
    assert d.dump() == before
    # reading is open
    d.cli("room", "list", token=mgr, check=True)


def test_admin_token_does_everything_over_tcp(d):
    setup(d)
    adm = token(d, "--role", "admin", "--name", "gemeente")
    d.cli("location", "add", "west", "--name", "Nieuw-West", token=adm, check=True)
    d.cli("event", "add", *EVENT, "--group", "ouders-noord", token=adm, check=True)
    d.cli("token", "create", "--role", "admin", "--name", "tweede", token=adm,
          check=True)

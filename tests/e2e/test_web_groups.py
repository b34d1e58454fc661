"""A group's secret page (/g/SLUG/KEY), end to end (issue 13, item 7):
`herstelctl group page` makes it (the admin or the group's own
organizer), it lists the group's sessions that the public agenda never
shows (an anonymous group's, group-only ones; never private ones) with
counts and no names, its members register through it with the same
double opt-in, and a wrong, replaced or withdrawn key is the plain 404.

The daemon runs on the harness's pinned clock; dates come from
harness.now().
"""

import urllib.parse

import test_web as w
import test_web_me as me


def page_path(url):
    u = urllib.parse.urlsplit(url)
    assert u.path.startswith("/g/"), url
    return u.path


def token(d, *args):
    return d.cli("token", "create", *args, check=True).out.strip()


def test_web_group_page_is_made_by_admin_or_own_organizer_and_replaced(d):
    w.setup(d)
    r = d.cli("group", "page", "gemeente-ouders", check=True)
    first = page_path(r.out.strip())
    parts = first.split("/")
    assert parts[2] == "gemeente-ouders" and len(parts[3]) == 32
    # Only the key's hash is kept; the audit names no key.
    key = parts[3]
    assert key not in repr(d.dump())
    shown = d.cli("--json", "group", "show", "gemeente-ouders",
                  check=True).json()
    assert shown["page"] is True
    status, hdrs, page = w.get(d, first)
    assert status == 200
    assert "no-store" in hdrs.get("cache-control", "")
    assert ("meta", {"name": "robots", "content": "noindex, nofollow"}) in \
        page.tags
    # Another group's organizer may not; the group's own may.
    other = token(d, "--role", "organizer", "--group", "lotgenoten",
                  "--name", "Fatima")
    r = d.cli("group", "page", "gemeente-ouders", token=other)
    assert r.rc != 0 and "organizer" in r.err
    own = token(d, "--role", "organizer", "--group", "gemeente-ouders",
                "--name", "Ans")
    second = page_path(d.cli("group", "page", "gemeente-ouders", token=own,
                             check=True).out.strip())
    assert second != first
    # The old link stops working and reads like any missing page.
    assert w.get(d, first)[0] == 404
    assert w.get(d, second)[0] == 200
    assert w.get(d, second[:-1] + ("0" if second[-1] != "0" else "1"))[0] \
        == 404
    assert w.get(d, "/g/gemeente-ouders/nothing")[0] == 404
    assert w.get(d, "/g/lotgenoten/" + second.split("/")[3])[0] == 404
    # Withdrawn: gone.
    d.cli("group", "page", "gemeente-ouders", "--off", token=own, check=True)
    assert w.get(d, second)[0] == 404
    r = d.cli("group", "page", "gemeente-ouders", "--off")
    assert r.rc != 0 and "no page" in r.err
    r = d.cli("group", "page", "nobody")
    assert r.rc != 0


def test_web_group_page_lists_what_the_agenda_hides_with_counts_only(d):
    w.setup(d)
    anon_eid, anon_uid = w.event(d, "Kring van <b>ons</b>", w.day(3),
                                 "--room", w.ROOM, "--group",
                                 "gemeente-ouders")
    inner_eid, inner_uid = w.event(d, "Alleen voor de groep", w.day(4),
                                   "--group", "gemeente-ouders",
                                   "--visibility", "group",
                                   "--capacity", "10")
    w.event(d, "Prive overleg", w.day(5), "--group", "gemeente-ouders",
            "--visibility", "private")
    w.event(d, "Open avond", w.day(6), "--group", "lotgenoten")
    d.cli("participant", "add", "--email", "anna@example.org", "--name",
          "Anna Jansen", check=True)
    d.cli("register", anon_eid, "anna@example.org", check=True)
    path = page_path(d.cli("group", "page", "gemeente-ouders",
                           check=True).out.strip())
    status, _, page = w.get(d, path)
    assert status == 200
    t = page.all_text
    assert "Gemeente-ouders" in t
    assert "Kring van <b>ons</b>" in t and "Alleen voor de groep" in t
    assert "Prive overleg" not in t and "Open avond" not in t
    assert "1 aangemeld" in t and "0 aangemeld" in t
    assert "Anna" not in t and "anna@example.org" not in t
    assert not page.script_tags()
    # Links stay below the page's own path.
    sessions = [l for l in page.links if "/sessions/" in l]
    assert sessions and all(l.startswith(path + "/sessions/")
                            for l in sessions)
    # The public side shows none of them.
    _, _, agenda = w.get(d, "/")
    assert "Kring van" not in agenda.all_text
    assert "Alleen voor de groep" not in agenda.all_text
    assert w.get(d, w.session_path(anon_uid))[0] == 404
    assert w.get(d, w.session_path(inner_uid))[0] == 404
    # Nor does the page open a private session by its UID.
    private_uid = [e["uid"] for e in d.cli("--json", "event", "list",
                                           check=True).json()
                   if e["title"] == "Prive overleg"][0]
    assert w.get(d, path + w.session_path(private_uid))[0] == 404


def test_web_group_member_registers_through_the_page(d):
    w.setup(d)
    eid, uid = w.event(d, "Kring", w.day(3), "--room", w.ROOM, "--group",
                       "gemeente-ouders")
    path = page_path(d.cli("group", "page", "gemeente-ouders",
                           check=True).out.strip())
    status, _, page = w.get(d, path + w.session_path(uid))
    assert status == 200
    form = [f for f in page.forms if f["action"].split("?")[0]
            .endswith("/register")][0]
    assert form["action"].startswith(path + "/sessions/")
    fields = {"csrf": form["inputs"]["csrf"], "email": "lid@example.org",
              "name": "", "lang": "nl", "website": ""}
    status, _, body = w.post(d, form["action"], fields)
    assert status == 200, body
    assert "Kijk in je e-mail" in w.Page(body).all_text
    link = w.link_in(me.wait_mails_to(d, "lid@example.org", 1)[-1])
    cpath, cform = w.confirm_button(d, link)
    status, _, body = w.post(d, cpath, {"csrf": cform["inputs"]["csrf"]})
    assert status == 200, body
    # An anonymous group's list shows counts, not people: the store says.
    assert d.sqlite("SELECT r.status FROM registration r JOIN participant p "
                    "ON p.id = r.participant_id WHERE r.event_id = ? AND "
                    "p.email = ?", (int(eid), "lid@example.org")) == \
        [("going",)]
    # The public register route does not take the anonymous group's
    # session, even with a valid form token.
    before = d.dump()
    status, _, _ = w.post(d, w.session_path(uid) + "/register", fields)
    assert status == 404
    assert d.dump() == before

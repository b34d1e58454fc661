"""Replacing secret feed links (`herstelctl feed rotate`): the admin, the
group's organizers or the location's managers get new links, the old ones
answer 404 saying that they were replaced (a key never seen is the plain
404), and the audit says that a key changed, never which.

The daemon runs on the harness's pinned clock.
"""

import re


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "20", check=True)
    for slug in ("lotgenoten", "ouders-noord"):
        d.cli("group", "add", slug, "--name", slug.title(), check=True)


def secret_links(out, what):
    """The http(s) links in `feed list`/`feed rotate` output that carry a
    key (a path segment of 32 hex digits)."""
    return [u for u in re.findall(r"http://\S+", out)
            if re.search(r"/[0-9a-f]{32}\.ics$", u) and what in u]


def path_of(url):
    return re.sub(r"^http://[^/]+", "", url)


def token(d, *args):
    return d.cli("token", "create", *args, check=True).out.strip()


def test_group_feed_rotate_replaces_the_secret_link(d):
    setup(d)
    old = secret_links(d.cli("feed", "list", "--group", "lotgenoten",
                             check=True).out, "/feeds/group/")
    assert len(old) == 1, old
    assert d.http("GET", path_of(old[0]))[0] == 200
    other = token(d, "--role", "organizer", "--group", "ouders-noord",
                  "--name", "Ans")
    r = d.cli("feed", "rotate", "--group", "lotgenoten", token=other)
    assert r.rc == 77 and "organizers" in r.err, r
    own = token(d, "--role", "organizer", "--group", "lotgenoten",
                "--name", "Fatima")
    r = d.cli("feed", "rotate", "--group", "lotgenoten", token=own,
              check=True)
    new = secret_links(r.out, "/feeds/group/")
    assert len(new) == 1 and new != old, r.out
    assert d.http("GET", path_of(new[0]))[0] == 200
    status, _, body = d.http("GET", path_of(old[0]))
    assert status == 404
    assert b"vervangen" in body and b"replaced" in body, body
    # A key that never was: the plain answer.
    status, _, body = d.http("GET", "/feeds/group/lotgenoten/" + "0" * 32 +
                             ".ics")
    assert status == 404 and b"vervangen" not in body
    # The audit names the group, not the key.
    rows = d.sqlite("SELECT actor, object, detail FROM audit WHERE action "
                    "= 'feed.rotate'")
    assert len(rows) == 1 and rows[0][1] == "lotgenoten", rows
    key = path_of(old[0]).split("/")[-1][:-4]
    assert key not in repr(d.dump())


def test_location_feed_rotate_replaces_location_and_room_links(d):
    setup(d)
    out = d.cli("feed", "list", "--location", "herstelhuis", check=True).out
    old = secret_links(out, "herstelhuis")
    assert len(old) == 2, out          # the location's and its room's
    manager = token(d, "--role", "location-manager", "--location",
                    "herstelhuis", "--name", "Beheer")
    r = d.cli("feed", "rotate", "--location", "herstelhuis", token=manager,
              check=True)
    new = secret_links(r.out, "herstelhuis")
    assert len(new) == 2 and not set(new) & set(old), r.out
    for url in old:
        status, _, body = d.http("GET", path_of(url))
        assert status == 404 and b"vervangen" in body, (url, body)
    for url in new:
        assert d.http("GET", path_of(url))[0] == 200, url


def test_feed_rotate_bad_input_changes_nothing(d):
    setup(d)
    before = d.dump()
    for args, says in ((("--group", "lotgenoten", "--location",
                         "herstelhuis"), "one of them"),
                       ((), "one of them"),
                       (("--group", "niemand"), "niemand")):
        r = d.cli("feed", "rotate", *args)
        assert r.rc != 0 and says in r.err, r
        assert len(r.err.strip().splitlines()) <= 2, r.err
    assert d.dump() == before

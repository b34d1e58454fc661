"""Shaping sessions on the web (issue 13, item 5): an organiser opens a
proposal for ideas (`topic ideas EVENT on`); the agenda lists it under
"Denk mee", its page shows the topics with their votes, people with a
personal link vote once per topic and suggest topics, and a suggestion
from the web shows only after an organiser let it through (`topic
allow`, or accept).  Refused suggestions and settings say what was wrong
at their field.

The daemon runs on the harness's pinned clock; dates come from
harness.now().
"""

import test_web as w
import test_web_me as me


def proposal(d, title="Samen plannen"):
    r = d.cli("event", "add", "--kind", "dialoogsessie", "--title", title,
              "--start", w.day(20), "--duration", "2h", "--group",
              "lotgenoten", "--propose", check=True)
    eid = r.out.strip()
    uid = d.cli("--json", "event", "show", eid, check=True).json()["uid"]
    return eid, uid


def topics(d, eid):
    return {t["text"]: t for t in d.cli("--json", "topic", "list", eid,
                                        check=True).json()}


def person(d):
    """A parent with a personal link (registered through the web)."""
    _, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    return me.web_registered(d, uid, "ouder@example.org")


def test_web_proposal_open_for_ideas_shows_topics_and_votes(d):
    w.setup(d)
    eid, uid = proposal(d)
    d.cli("topic", "suggest", eid, "Brieven van de UHT", check=True)
    d.cli("topic", "suggest", eid, "Schulden & <bewind>", check=True)
    # Not open: nowhere on the web.
    assert w.get(d, w.session_path(uid))[0] == 404
    _, _, agenda = w.get(d, "/")
    assert "Samen plannen" not in agenda.all_text
    r = d.cli("topic", "ideas", eid, "on", check=True)
    assert "open" in r.out
    r = d.cli("topic", "ideas", eid, "on")
    assert r.rc != 0 and "already" in r.err
    _, _, agenda = w.get(d, "/")
    assert "Denk mee" in agenda.all_text and "Samen plannen" in \
        agenda.all_text
    assert w.session_path(uid) in agenda.links
    status, _, page = w.get(d, w.session_path(uid))
    assert status == 200
    t = page.all_text
    assert "Brieven van de UHT · 0 stemmen" in t
    assert "Schulden & <bewind>" in t
    assert not page.script_tags()
    # A proposal takes ideas, not registrations; the way in is the link.
    assert not [f for f in page.forms if f["action"].endswith("/register")]
    assert "/link" in page.links
    # A published event cannot be opened for ideas.
    peid, _ = w.event(d, "Al gepland", w.day(5))
    r = d.cli("topic", "ideas", peid, "on")
    assert r.rc != 0 and "proposal" in r.err
    # Closed again: gone.
    d.cli("topic", "ideas", eid, "off", check=True)
    assert w.get(d, w.session_path(uid))[0] == 404


def test_web_votes_once_per_person_from_the_personal_page(d):
    w.setup(d)
    eid, uid = proposal(d)
    d.cli("topic", "suggest", eid, "Brieven van de UHT", check=True)
    d.cli("topic", "ideas", eid, "on", check=True)
    link = person(d)
    _, _, page = w.get(d, link)
    assert "Denk mee" in page.all_text
    votes = me.forms(page, "vote")
    assert len(votes) == 1
    status, _, body = w.post(d, votes[0]["action"], votes[0]["inputs"])
    assert status == 200, body
    assert "Je stem is geteld" in w.Page(body).all_text
    assert topics(d, eid)["Brieven van de UHT"]["votes"] == 1
    # The same form again counts nothing.
    status, _, _ = w.post(d, votes[0]["action"], votes[0]["inputs"])
    assert status == 200
    assert topics(d, eid)["Brieven van de UHT"]["votes"] == 1
    _, _, page = w.get(d, link)
    assert not me.forms(page, "vote")
    assert "je hebt gestemd" in page.all_text
    _, _, page = w.get(d, w.session_path(uid))
    assert "Brieven van de UHT · 1 stem" in page.all_text
    # The audit does not say who voted.
    audit = d.sqlite("SELECT actor, detail FROM audit WHERE action = "
                     "'topic.vote'")
    assert audit == [("web", "on behalf of a participant")]
    assert "ouder@example.org" not in repr(audit)
    # Closed for ideas: the vote form is refused as a missing page.
    d.cli("topic", "ideas", eid, "off", check=True)
    before = d.dump()
    status, _, _ = w.post(d, votes[0]["action"], votes[0]["inputs"])
    assert status == 404
    assert d.dump() == before


def test_web_suggestion_shows_only_after_it_was_let_through(d):
    w.setup(d)
    eid, uid = proposal(d)
    d.cli("topic", "ideas", eid, "on", check=True)
    link = person(d)
    _, _, page = w.get(d, link)
    form = me.forms(page, "suggest")[0]
    field = "suggest-" + eid
    assert ("input", field) in [(t, a.get("id")) for t, a in page.tags]
    status, _, body = w.post(d, form["action"], dict(
        form["inputs"], text="Hoe vraag ik inzage in mijn dossier?"))
    assert status == 200, body
    assert "Dank je voor je voorstel" in w.Page(body).all_text
    t = topics(d, eid)["Hoe vraag ik inzage in mijn dossier?"]
    assert t["shown"] is False and t["from"] == "participant"
    _, _, page = w.get(d, w.session_path(uid))
    assert "inzage" not in page.all_text
    _, _, page = w.get(d, link)
    assert "inzage" not in page.all_text
    out = d.cli("topic", "list", eid, check=True).out
    assert "SHOWN" in out
    d.cli("topic", "allow", str(t["id"]), check=True)
    r = d.cli("topic", "allow", str(t["id"]))
    assert r.rc != 0 and "already" in r.err
    _, _, page = w.get(d, w.session_path(uid))
    assert "Hoe vraag ik inzage in mijn dossier? · 0 stemmen" in \
        page.all_text
    _, _, page = w.get(d, link)
    assert len(me.forms(page, "vote")) == 1
    # Accepting one lets it through as well.
    status, _, _ = w.post(d, form["action"], dict(form["inputs"],
                                                   text="Tweede idee"))
    assert status == 200
    second = topics(d, eid)["Tweede idee"]
    d.cli("topic", "accept", str(second["id"]), check=True)
    assert topics(d, eid)["Tweede idee"]["shown"] is True


def test_web_refused_suggestion_and_settings_say_so_at_their_field(d):
    w.setup(d)
    eid, uid = proposal(d)
    d.cli("topic", "ideas", eid, "on", check=True)
    link = person(d)
    _, _, page = w.get(d, link)
    form = me.forms(page, "suggest")[0]
    field = "suggest-" + eid
    before = d.dump()
    for text, says in (("   ", "Schrijf het onderwerp op."),
                       ("x" * 501, "hoogstens 500 tekens")):
        status, _, body = w.post(d, form["action"], dict(form["inputs"],
                                                         text=text))
        assert status == 422, body
        page = w.Page(body)
        assert says in page.all_text
        attrs = dict((a.get("id"), a) for t, a in page.tags if a.get("id"))
        assert attrs[field].get("aria-invalid") == "true"
        assert field + "-error" in attrs[field]["aria-describedby"].split()
        assert "#" + field in page.links
        assert 'role="alert"' in body.decode()
    assert d.dump() == before
    # Settings: the wrong field, and only that one, is marked.
    form = me.forms(page, "settings")[0]
    status, _, body = w.post(d, form["action"], dict(
        form["inputs"], remind="straks", quiet="21:00-08:00"))
    assert status == 422
    page = w.Page(body)
    attrs = dict((a.get("id"), a) for t, a in page.tags if a.get("id"))
    assert attrs["remind"].get("aria-invalid") == "true"
    assert "aria-invalid" not in attrs["quiet"]
    assert attrs["remind"].get("value") == "straks"
    assert "#remind" in page.links
    assert d.dump() == before


def test_web_session_shows_topic_and_cohost_headings_only_over_something(d):
    w.setup(d)
    eid, uid = w.event(d, "Gewone avond", w.day(5), "--group", "lotgenoten")

    def headings():
        _, _, page = w.get(d, w.session_path(uid))
        return page, [a.get("id") for t, a in page.tags if t == "h2"]

    page, ids = headings()
    assert "topics" not in ids and "with" not in ids, ids
    d.cli("group", "add", "uht", "--name", "UHT", "--kind", "partner",
          check=True)
    d.cli("cohost", "add", eid, "--group", "uht", check=True)
    page, ids = headings()
    assert "with" in ids and "topics" not in ids, ids
    assert "UHT" in page.all_text

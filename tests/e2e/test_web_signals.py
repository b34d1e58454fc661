"""Signals on the web (/signals) and following groups from the personal
page, end to end (issue 13, items 4 and 6): a signal from the form is
stored like `herstelctl signal add` stores one, with nothing of who sent
it; a refused form says what was wrong next to its field; the public list
shows what was done with the signals closed with --public, newest first,
and never their text; a parent follows and leaves groups, and an
anonymous group is not offered.

The daemon runs on the harness's pinned clock.
"""

import test_web as w
import test_web_me as me


def signal_form(d, path="/signals"):
    status, _, page = w.get(d, path)
    assert status == 200, status
    forms = [f for f in page.forms if f["action"].split("?")[0] == "/signals"]
    assert len(forms) == 1, page.forms
    return page, forms[0]


def test_web_signal_is_stored_like_signal_add_without_a_trace_of_the_sender(d):
    # The first form of a daemon makes its signing key; the next change
    # nothing.
    signal_form(d)
    before = d.dump()
    page, form = signal_form(d)
    assert d.dump() == before
    assert "Wat loop je tegenaan?" in page.all_text
    # The form in the navigation of every page.
    _, _, agenda = w.get(d, "/")
    assert "/signals" in agenda.links
    text = "De UHT belt niet terug & <b>niemand</b> weet waarom"
    log_at = d.log_offset()
    status, hdrs, body = w.post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "category": "uht", "text": text,
        "website": ""}, headers={"X-Forwarded-For": "203.0.113.9",
                                 "User-Agent": "Herkenbaar/1.0"})
    assert status == 200, body
    assert "no-store" in hdrs.get("cache-control", "")
    assert "Dank je wel" in w.Page(body).all_text
    rows = d.sqlite("SELECT category, text, group_id, event_id, status "
                    "FROM signal")
    assert rows == [("uht", text, None, None, "open")]
    listed = d.cli("--json", "signal", "list", check=True).json()
    assert [(s["category"], s["text"]) for s in listed] == [("uht", text)]
    # Neither the store nor the log holds the sender's address, agent or
    # the text; the audit names the category.
    dump = repr(d.dump())
    for trace in ("127.0.0.1", "203.0.113.9", "Herkenbaar"):
        assert trace not in dump, trace
    log = d._stderr_bytes()[log_at:].decode("utf-8", "replace")
    for trace in ("127.0.0.1", "203.0.113.9", "Herkenbaar", "UHT belt"):
        assert trace not in log, trace
    assert d.sqlite("SELECT actor, detail FROM audit WHERE action = "
                    "'signal.add'") == [("web", "uht")]


def test_web_signal_form_errors_are_tied_to_their_fields_and_change_nothing(d):
    _, form = signal_form(d)
    before = d.dump()
    status, _, body = w.post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "category": "", "text": "   ",
        "website": ""})
    assert status == 422
    assert d.dump() == before
    page = w.Page(body)
    text = body.decode()
    # A summary that is announced, each item a link to its field ...
    assert 'role="alert"' in text
    assert "#category" in page.links and "#text" in page.links
    # ... and each field says its own problem.
    tags = {a.get("id"): a for t, a in page.tags if a.get("id")}
    assert tags["text"].get("aria-invalid") == "true"
    assert "text-error" in tags["text"]["aria-describedby"].split()
    assert "text-hint" in tags["text"]["aria-describedby"].split()
    assert tags["category"].get("aria-invalid") == "true"
    assert "Schrijf op wat je tegenkomt." in page.all_text
    assert "Kies waar het over gaat." in page.all_text
    # What was typed stays in the form.
    status, _, body = w.post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "category": "nonsense",
        "text": "Mijn <tekst> blijft", "website": ""})
    assert status == 422
    assert "Mijn &lt;tekst&gt; blijft</textarea>" in body.decode()
    assert d.dump() == before
    # Too long.
    status, _, body = w.post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "category": "overig",
        "text": "x" * 2001, "website": ""})
    assert status == 422
    assert "hoogstens 2000 tekens" in w.Page(body).all_text
    assert d.dump() == before


def test_web_signal_needs_its_form_token_and_a_robot_stores_nothing(d):
    _, form = signal_form(d)
    before = d.dump()
    status, _, _ = w.post(d, "/signals", {"category": "uht", "text": "x"})
    assert status == 403
    # A token that is not the daemon's does not do.
    status, _, _ = w.post(d, "/signals", {"csrf": "0" * 40,
                                          "category": "uht", "text": "x"})
    assert status == 403
    status, _, body = w.post(d, form["action"], {
        "csrf": form["inputs"]["csrf"], "category": "uht", "text": "spam",
        "website": "http://spam.example"})
    assert status == 200
    assert "Dank je wel" in w.Page(body).all_text
    assert d.dump() == before


def test_web_closed_public_signals_are_listed_newest_first_without_text(d):
    for text, cat in (("eerste tekst", "uht"), ("tweede tekst", "gemeente"),
                      ("derde tekst", "financieel")):
        d.cli("signal", "add", text, "--category", cat, check=True)
    _, _, page = w.get(d, "/signals")
    assert "nog geen afgehandelde signalen" in page.all_text
    d.cli("signal", "close", "1", "--note", "Besproken met de UHT: "
          "<terugbelbelofte>", "--public", check=True)
    d.cli("signal", "close", "2", "--note", "Intern afgehandeld",
          check=True)
    d.cli("signal", "close", "3", "--note", "Schuldhulp & budgetcoach "
          "komen naar het Herstelhuis", "--public", check=True)
    listed = d.cli("--json", "signal", "list", check=True).json()
    assert [s["public"] for s in listed] == [True, False, True]
    status, _, page = w.get(d, "/signals")
    assert status == 200
    t = page.all_text
    assert "Besproken met de UHT: <terugbelbelofte>" in t
    assert "Schuldhulp & budgetcoach" in t
    assert t.index("Schuldhulp") < t.index("Besproken")
    assert "Intern afgehandeld" not in t
    for text in ("eerste tekst", "tweede tekst", "derde tekst"):
        assert text not in t
    assert "Geld en schulden" in t and "Herstel Toeslagen (UHT)" in t
    assert "<terugbelbelofte>" not in page.script_tags()
    _, _, page = w.get(d, "/signals?lang=en")
    assert page.lang == "en" and "What was done with your signals" in \
        page.all_text
    # The CLI says what --public is for, and refuses a closed one.
    r = d.cli("signal", "close", "3", "--note", "nog eens", "--public")
    assert r.rc != 0 and "already closed" in r.err


def test_web_me_follows_and_leaves_groups_but_not_an_anonymous_one(d):
    w.setup(d)
    eid, uid = w.event(d, "Themabijeenkomst", w.day(10), "--room", w.ROOM)
    link = me.web_registered(d, uid, "ouder@example.org")
    _, _, page = w.get(d, link)
    follow = me.forms(page, "follow")
    slugs = [f["inputs"]["group"] for f in follow]
    assert "lotgenoten" in slugs
    assert "gemeente-ouders" not in slugs
    assert "Gemeente-ouders" not in page.all_text
    form = [f for f in follow if f["inputs"]["group"] == "lotgenoten"][0]
    status, _, body = w.post(d, form["action"], form["inputs"])
    assert status == 200, body
    assert "Je volgt de groep" in w.Page(body).all_text
    p = d.cli("--json", "participant", "show", "ouder@example.org",
              check=True).json()
    assert "lotgenoten" in str(p.get("follows"))
    # Twice is no error.
    status, _, _ = w.post(d, form["action"], form["inputs"])
    assert status == 200
    _, _, page = w.get(d, link)
    leave = me.forms(page, "unfollow")
    assert [f["inputs"]["group"] for f in leave] == ["lotgenoten"]
    # An anonymous group cannot be followed by posting its slug.
    status, _, _ = w.post(d, form["action"], dict(form["inputs"],
                                                  group="gemeente-ouders"))
    assert status == 404
    status, _, body = w.post(d, leave[0]["action"], leave[0]["inputs"])
    assert status == 200
    assert "niet meer" in w.Page(body).all_text
    p = d.cli("--json", "participant", "show", "ouder@example.org",
              check=True).json()
    assert "lotgenoten" not in str(p.get("follows"))
    # Without the form's token: nothing.
    before = d.dump()
    status, _, _ = w.post(d, form["action"], {"group": "lotgenoten"})
    assert status == 403
    assert d.dump() == before

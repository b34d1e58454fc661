"""The CLI grammar: every noun herstelctl lists answers --help with exit 0
and names each of its verbs, every verb answers --help with its own usage
line, and an unknown verb is refused with exit 64 and the noun's usage.
No daemon is needed; --help never reaches one.
"""

from harness import EX_OK, EX_USAGE, herstelctl, run, sanitizer_report

# The grammar: each noun and its verbs (None: the noun takes no verb).
GRAMMAR = {
    "location": ["add", "list", "show", "edit", "remove"],
    "room": ["add", "list", "show", "edit", "remove", "availability", "find"],
    "closure": ["add", "list", "remove"],
    "group": ["add", "list", "show", "edit", "remove", "page"],
    "event": ["add", "list", "show", "edit", "cancel", "publish", "remove"],
    "book": None,
    "booking": ["list", "show", "approve", "decline", "cancel", "restore"],
    "feed": ["list", "rotate"],
    "import": None,
    "participant": ["add", "list", "show", "edit", "forget", "follow",
                    "unfollow"],
    "register": None,
    "unregister": None,
    "checkin": None,
    "attendees": None,
    "followup": None,
    "outbox": ["list", "show", "retry"],
    "cohost": ["add", "list", "remove"],
    "topic": ["suggest", "list", "vote", "accept", "reject", "allow",
              "ideas"],
    "signal": ["add", "list", "export", "close"],
    "attendance": ["record", "list"],
    "report": ["groups", "rooms"],
    "audit": ["list"],
    "backup": None,
    "token": ["create", "list", "revoke"],
}

# Nowhere to connect: a --help that tried would fail.
NO_DAEMON = ["--socket", "/nonexistent/hersteld.sock"]


def ctl(*args):
    r = run([herstelctl()] + NO_DAEMON + list(args))
    assert not sanitizer_report(r.err), r
    return r


def test_cli_help_lists_every_noun_of_the_grammar():
    r = ctl("--help")
    assert r.rc == EX_OK, r
    listed = [l.split()[0] for l in r.out.splitlines() if l.startswith("  ")]
    assert listed == list(GRAMMAR), r


def test_cli_help_of_every_noun_names_its_verbs():
    for noun, verbs in GRAMMAR.items():
        r = ctl(noun, "--help")
        assert r.rc == EX_OK, r
        assert r.err == "", r
        assert r.out.startswith("usage: herstelctl %s" % noun), r
        for verb in verbs or []:
            assert "herstelctl %s %s" % (noun, verb) in r.out, (verb, r)


def test_cli_help_of_every_verb_is_its_usage_line():
    for noun, verbs in GRAMMAR.items():
        for verb in verbs or [None]:
            args = [noun] + ([verb] if verb else [])
            r = ctl(*args, "--help")
            assert r.rc == EX_OK, r
            assert r.err == "", r
            want = "usage: herstelctl %s" % " ".join(args)
            assert r.out.startswith(want), r
            if verb:
                # The noun's help carries the same line.
                line = r.out.splitlines()[0][len("usage: "):]
                assert "  " + line in ctl(noun, "--help").out, r


def test_cli_unknown_verb_is_refused_with_the_usage():
    for noun, verbs in GRAMMAR.items():
        if verbs is None:
            continue
        r = ctl(noun, "frobnicate")
        assert r.rc == EX_USAGE, r
        assert r.out == "", r
        lines = r.err.splitlines()
        assert lines[0] == 'herstelctl: %s: unknown verb "frobnicate"' % noun, r
        assert "\n".join(lines[1:]) + "\n" == \
            "usage: " + ctl(noun, "--help").out[len("usage: "):], r

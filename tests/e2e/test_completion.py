"""The bash completion of herstelctl (scripts/completion.sh writes it from
herstelctl's own help, with cli/completion.bash): registered for
herstelctl, it completes nouns, verbs, each verb's options and fixed
values, and the slugs of locations, rooms and groups, which it asks from
a running daemon; with no daemon it offers no slugs and says nothing.

Each case runs bash with the completion sourced, COMP_WORDS and
COMP_CWORD set as bash sets them, and prints COMPREPLY.
"""

import os
import shutil
import tempfile
import time

import harness

GENERATOR = os.path.join(harness.TOP, "scripts", "completion.sh")


class Completion:
    """The completion written for the herstelctl under test, in a
    temporary directory (also the working directory of the completions)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="hersteld-completion-")
        self.path = os.path.join(self.dir, "herstelctl.bash")
        r = harness.run([GENERATOR, harness.herstelctl()])
        assert r.rc == 0 and r.err == "", r
        with open(self.path, "w") as fp:
            fp.write(r.out)

    def bash(self, script, *args, env=None):
        return harness.run(["/bin/bash", "--norc", "--noprofile", "-c",
                            "source %s || exit 99\n%s" % (self.path, script),
                            "bash"] + list(args), cwd=self.dir, env=env)

    def complete(self, *words, env=None):
        """COMPREPLY for the command line herstelctl WORDS..., the last
        word being the one completed (sorted)."""
        r = self.bash('COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))\n'
                      'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
                      '_herstelctl || exit 98\n'
                      'printf "%s\\n" "${COMPREPLY[@]}"',
                      harness.herstelctl(), *words, env=env)
        assert r.rc == 0 and r.err == "", r
        return sorted(l for l in r.out.split("\n") if l)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def nouns():
    r = harness.run([harness.herstelctl(), "--help"])
    out = r.out.split("nouns:\n", 1)[1]
    return sorted(l.split()[0] for l in out.split("\n\n", 1)[0].splitlines())


def test_completion_is_registered_for_herstelctl():
    c = Completion()
    try:
        r = c.bash("complete -p herstelctl")
        assert r.rc == 0 and r.out.strip() == \
            "complete -F _herstelctl herstelctl", r
        # Bash's own compgen sees it too.
        r = c.bash("compgen -A function _herstelctl")
        assert "_herstelctl" in r.out.split(), r
    finally:
        c.close()


def test_completion_offers_every_noun_and_the_global_options():
    c = Completion()
    try:
        assert c.complete("") == nouns()
        assert c.complete("bo") == ["book", "booking"]
        assert c.complete("--") == ["--help", "--json", "--socket",
                                    "--token", "--url", "--version"]
        # After the global options, still the nouns.
        assert c.complete("--json", "--url", "http://x", "loc") == \
            ["location"]
    finally:
        c.close()


def test_completion_offers_a_nouns_verbs_and_a_verbs_options():
    c = Completion()
    try:
        assert c.complete("room", "") == sorted(
            ["add", "list", "show", "edit", "remove", "availability",
             "find", "--help"])
        assert c.complete("room", "add", "x/y", "--") == sorted(
            ["--name", "--capacity", "--accessible", "--features",
             "--needs-approval", "--help"])
        # Both usage lines of room edit, and what closure add chooses.
        assert c.complete("room", "edit", "x/y", "--o") == [
            "--out-of-service"]
        assert c.complete("closure", "add", "x", "--k") == ["--keep"]
        assert c.complete("closure", "add", "x", "--c") == [
            "--cancel-affected"]
        assert c.complete("book", "x/y", "--s") == [
            "--skip-conflicts", "--start"]
        assert c.complete("register", "1", "2", "--") == [
            "--help", "--occurrence"]
        # An option's value is not an operand: the next word is an option.
        assert c.complete("event", "add", "--title", "T", "--p") == [
            "--place", "--propose"]
        assert c.complete("nonsense", "") == []
    finally:
        c.close()


def test_completion_offers_fixed_values_of_options_and_operands():
    c = Completion()
    try:
        assert c.complete("group", "add", "g", "--kind", "") == [
            "gemeente", "partner", "steungroep"]
        assert c.complete("booking", "list", "--status", "c") == [
            "cancelled", "confirmed"]
        assert c.complete("report", "rooms", "--format", "") == [
            "csv", "json", "table"]
        assert c.complete("token", "create", "--role", "") == [
            "admin", "location-manager", "organizer"]
        assert c.complete("topic", "ideas", "3", "") == ["off", "on"]
        # A value that is not fixed gets nothing.
        assert c.complete("event", "add", "--title", "") == []
    finally:
        c.close()


def test_completion_offers_files_for_an_import():
    c = Completion()
    try:
        open(os.path.join(c.dir, "jaarplan.ics"), "w").close()
        assert "jaarplan.ics" in c.complete("import", "jaar")
    finally:
        c.close()


def test_completion_asks_the_daemon_for_slugs(d):
    c = Completion()
    try:
        d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
              check=True)
        d.cli("location", "add", "noord", "--name", "Noord", check=True)
        d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
              "--capacity", "12", check=True)
        d.cli("group", "add", "lotgenoten", "--name", "Lotgenoten",
              check=True)
        sock = ("--socket", d.socket)
        assert c.complete(*sock, "location", "show", "") == [
            "herstelhuis", "noord"]
        assert c.complete(*sock, "location", "edit", "n") == ["noord"]
        assert c.complete(*sock, "room", "show", "") == [
            "herstelhuis/zaal-1"]
        assert c.complete(*sock, "book", "h") == ["herstelhuis/zaal-1"]
        assert c.complete(*sock, "room", "list", "") == [
            "herstelhuis", "noord"]
        assert c.complete(*sock, "closure", "add", "") == [
            "herstelhuis", "herstelhuis/zaal-1", "noord"]
        assert c.complete(*sock, "group", "show", "") == ["lotgenoten"]
        assert c.complete(*sock, "event", "add", "--group", "") == [
            "lotgenoten"]
        assert c.complete(*sock, "event", "list", "--group", "") == [
            "lotgenoten"]
        assert c.complete(*sock, "feed", "list", "--location", "") == [
            "herstelhuis", "noord"]
        assert c.complete(*sock, "participant", "follow", "1", "") == [
            "lotgenoten"]
        # The daemon the CLI finds itself ($HERSTEL_SOCKET), and one over
        # HTTP with a token.
        env = dict(harness.clean_env(), HERSTEL_SOCKET=d.socket)
        assert c.complete("group", "edit", "", env=env) == ["lotgenoten"]
        token = d.cli("token", "create", "--role", "admin", "--name",
                      "completion", check=True).out.split()[-1]
        assert c.complete("--url", "http://127.0.0.1:%d" % d.port,
                          "--token", token, "location", "show", "") == [
            "herstelhuis", "noord"]
    finally:
        c.close()


def test_completion_without_a_daemon_offers_no_slugs_and_is_quiet():
    c = Completion()
    try:
        missing = os.path.join(c.dir, "no-daemon.sock")
        t0 = time.monotonic()
        assert c.complete("--socket", missing, "location", "show", "") == []
        assert c.complete("--socket", missing, "book", "") == []
        assert time.monotonic() - t0 < 5
        # Options still complete.
        assert c.complete("--socket", missing, "book", "x/y", "--dr") == [
            "--dry-run"]
    finally:
        c.close()

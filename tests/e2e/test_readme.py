"""The README tour, run verbatim.

Every command of the tour ("A five-minute tour" up to "Usage") is taken
from README.md as it stands and run, in order, in one bash session, on a
fresh daemon that runs on the default configuration (conf/hersteld.conf,
everything under ./var, mail into the Maildir), exactly as `make run` and
a second terminal would.  The only change made to the text is the port:
8080 becomes a free one.  A block of indented lines is a command block
when its first line starts with a command (cli/herstelctl, curl, grep,
ls, echo, export); any other block is sample output and is not run.

The daemon's clock is real: the first test starts it at this moment (so
`make check`'s date guard runs the tour a year on as well), the others on
days that make dates cross a year end and the start of summer time.
Where the tour says "after that evening", the test moves the daemon's
clock past it with libfaketime.  What is checked: every command's exit
status (0 unless the README says otherwise), the ids the README promises
and the lines it quotes.
"""

import datetime
import os
import re
import select
import subprocess
import time
import zoneinfo

import harness

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.timezone.utc
README = os.path.join(harness.TOP, "README.md")
CONF = os.path.join(harness.TOP, "conf", "hersteld.conf")
COMMANDS = ("cli/herstelctl", "curl", "grep", "ls", "echo", "export")
COMMAND_TIMEOUT = 60.0

# (a piece of the command, exit status, [text the output must hold]).
# Each piece must match exactly one command of the tour.
EXPECT = [
    ("location add herstelhuis", 0, [r"^1$"]),
    ("closure add herstelhuis", 0, []),
    ('--title "Dialoogsessie: herstel en compensatie"', 0, [r"^1$"]),
    ('--title "Lotgenotengroep"', 0, [r"^2$"]),
    ("event list --from today", 0, [r"Lotgenotengroep", r"Dialoogsessie"]),
    ("event edit 2", 0, []),
    ("event cancel 2", 0, []),
    ("--json event list", 0, [r'"start": "\d{4}-\d\d-\d\dT19:00:00\+0[12]:00"']),
    ("export HERSTEL_TOKEN", 0, []),
    ("--url http://127.0.0.1:8080 event list", 0, [r"Lotgenotengroep"]),
    ('--title "Inloopochtend"', 0, [r"^3$",
                                     r"booking 3: confirmed, 10 occurrence\(s\) held"]),
    ('--title "Thuisadministratie"\n', 65, [
        r"is not free for 2 of 6 occurrence\(s\); nothing was booked",
        r'19:00-21:00: booked: "Dialoogsessie: herstel en compensatie" '
        r'\(Lotgenoten Zuidoost\)',
        r"19:00-21:00: closed \(Onderhoud\)"]),
    ("--skip-conflicts", 0, [r"^4$"]),
    ("booking list\n", 0, [r"Thuisadministratie", r"Inloopochtend"]),
    ("room availability", 0, [r"Lotgenotengroep"]),
    ("room find", 0, [r"zaal-2"]),
    ("feed list\n", 0, [r"http://localhost:8080/feeds/public.ics",
                      r"webcal://localhost:8080/feeds/public.ics"]),
    ("feeds/public.ics | head", 0, [r"^BEGIN:VCALENDAR\r?$",
                                    r"^X-WR-CALNAME:Openbare bijeenkomsten\r?$"]),
    ("zaal-1.ics | grep SUMMARY", 0, [
        r"1 SUMMARY:Afgelast: Lotgenotengroep \(Lotgenoten Zuidoost\)",
        r"10 SUMMARY:Inloopochtend \(Lotgenoten Zuidoost\)",
        r"4 SUMMARY:Thuisadministratie \(Lotgenoten Zuidoost\)"]),
    ("feed list --group", 0, [r"/feeds/group/lotgenoten-zuidoost/[0-9a-f]{32}\.ics"]),
    ("--email fatima@example.org", 0, [r"^1$"]),
    ("--email jan@example.org", 0, [r"^2$"]),
    ("herstelctl register 2 fatima@example.org", 0, [r"registered"]),
    ("register 2 2 --occurrence", 0, [r"registered"]),
    ("attendees 2 --occurrence", 0, [r"Fatima", r"Jan", r"going: 2 of 40"]),
    ('--title "Spreekuur UHT"', 0, [r"^3$"]),
    ("herstelctl register 3 fatima@example.org", 0, [r"registered"]),
    ("herstelctl register 3 jan@example.org", 0, [r"full: on the waiting list"]),
    ("unregister 3 fatima@example.org", 0, []),
    ("attendees 3", 0, [r"going: 1 of 1, waiting list: 0"]),
    ("--anonymous", 0, []),
    ('--title "Lotgenoten bij de gemeente"', 0, [r"^4$"]),
    ("attendees 4", 0, [r"anonymous group: counts only", r"going: 2"]),
    ("ls var/mail/new", 0, [r"^\d+\.M"]),
    ("outbox list\n", 0, [r"confirmation\s+sent\s+jan@example.org"]),
    ("followup 1 --file", 65, [r"that session has not taken place yet"]),
    ("participant show jan@example.org\n", 0, [r"Personal feed:\s+http://"]),
    ("awk '/^Personal feed:/", 0, [r"^X-WR-CALNAME:My sessions\r?$",
                                   r"^TRIGGER:-P2D\r?$", r"^TRIGGER:-PT12H\r?$"]),
    ("sort -u\n", 0, [r"^List-Unsubscribe: <http://localhost:8080/unsubscribe/"
                      r"[0-9a-f]{64}>"]),
    ("curl -s -X POST", 0, []),
    ("participant list\n", 0, [r"jan@example.org .*\d{4}-\d\d-\d\d \d\d:\d\d\s*$"]),
    ("participant forget", 0, [r"participant 1 forgotten"]),
    ("event propose", 0, [r"^5$"]),
    ("cohost add 5", 0, []),
    ("topic list 5", 0, [r"Hoe vraag ik compensatie aan\?", r"Schulden: wat nu\?"]),
    ("event publish 5", 0, []),
    ("signal add 5", 0, [r"^1$"]),
    ("signal export", 0, []),
    ("signal close 1", 0, []),
    ("attendance record 1", 0, []),
    ("report groups", 0, [r"Lotgenoten Zuidoost|lotgenoten-zuidoost"]),
    ("report rooms", 0, [r"zaal-1"]),
    # The audit names the dates as found, not as typed ("next tuesday").
    ("audit list", 0, [r"^ID\s+AT\s+ACTOR", r"attendance\.record",
                       r"booking\.(add|create|book)|event\.(add|create)",
                       r"event\.edit .*occurrence \d{4}-\d\d-\d\d",
                       r"event\.cancel .*occurrence \d{4}-\d\d-\d\d"]),
]

# Before these, the daemon's clock moves past the evening the README says
# the command must wait for: (piece of the command, weekday, "HH:MM").
AFTER = [("attendance record 1", 3, "21:30")]   # next Thursday's session


def tour_commands():
    """The tour's commands, in order, each as the text bash gets."""
    text = open(README, encoding="utf-8").read()
    start = text.index("## A five-minute tour")
    end = text.index("\n## Usage", start)
    blocks, block = [], []
    for line in text[start:end].split("\n"):
        if line.startswith("    ") or (block and line.startswith("\t")):
            block.append(line)
        else:
            if block:
                blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    commands = []
    for b in blocks:
        if not b[0].strip().startswith(COMMANDS):
            continue            # sample output
        for line in b:
            if line.startswith("    ") and not line.startswith("     "):
                commands.append(line[4:])
            else:
                commands[-1] += "\n" + line[4:]
    return commands


def expectation(commands, piece):
    hits = [i for i, c in enumerate(commands) if piece in c + "\n"]
    assert len(hits) == 1, "README piece %r matches %d commands: %r" % (
        piece, len(hits), [commands[i] for i in hits])
    return hits[0]


class Shell:
    """One bash, fed one command at a time; stdout and stderr together."""

    def __init__(self, cwd, env):
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        self.buf = b""

    def run(self, command):
        mark = "@@rc-%d@@" % time.monotonic_ns()
        self.proc.stdin.write(("%s\nprintf '\\n%s%%d\\n' \"$?\"\n" %
                               (command, mark)).encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + COMMAND_TIMEOUT
        pat = re.compile(re.escape(mark.encode()) + rb"(\d+)\n")
        while True:
            m = pat.search(self.buf)
            if m:
                out = self.buf[:m.start()]
                self.buf = self.buf[m.end():]
                if out.endswith(b"\n"):
                    out = out[:-1]
                return int(m.group(1)), out.decode("utf-8", "replace")
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("README command did not finish within "
                                     "%.0f s:\n%s" % (COMMAND_TIMEOUT, command))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError("bash ended during:\n" + command)
                self.buf += chunk

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def next_weekday(day, weekday):
    """The first date after day that falls on weekday (Monday 0)."""
    return day + datetime.timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def wait_outbox(d, clock):
    """Until no mail that is due waits for delivery."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = int(clock().timestamp())
        rows = d.sqlite("SELECT count(*) FROM outbox WHERE status = 'sending'"
                        " OR (status = 'pending' AND due <= ?)", (now,))
        if rows[0][0] == 0:
            return
        time.sleep(0.1)
    raise AssertionError("mail still waiting after 30 s")


def run_tour(d, start):
    """Run the tour on d (not started), its clock starting at start."""
    commands = tour_commands()
    assert len(commands) > 50, "the tour has only %d commands" % len(commands)
    expect = {expectation(commands, p): (p, rc, pats) for p, rc, pats in EXPECT}
    moves = {expectation(commands, p): (wd, hhmm) for p, wd, hhmm in AFTER}

    # The make run layout: ./var and ./cli/herstelctl, the default config.
    port = d.port
    conf = open(CONF, encoding="utf-8").read().replace(":8080", ":%d" % port)
    os.makedirs(os.path.join(d.dir, "var"))
    os.makedirs(os.path.join(d.dir, "cli"))
    os.symlink(d.herstelctl, os.path.join(d.dir, "cli", "herstelctl"))
    d.rewrite_config(conf)
    d.db = os.path.join(d.dir, "var", "hersteld.db")
    d.socket = os.path.join(d.dir, "var", "hersteld.sock")

    stamp = os.path.join(d.dir, "faketime")
    harness.set_faketime(stamp, start)
    t0, m0 = start, time.monotonic()

    def clock():
        return t0 + datetime.timedelta(seconds=time.monotonic() - m0)

    d.extra_env = harness.faketime_env(stamp)
    d.start()
    env = harness.clean_env()
    env.pop("HERSTEL_TOKEN", None)
    # The tour's own commands need no clock of their own: the daemon
    # runs on its pinned one.  Under the date guard libfaketime would
    # be in the shell too, and a subshell of it ($(...), a pipe) that
    # exits can take the clock's shared semaphore with it, after which
    # every later command of the tour fails to start.
    env = {k: v for k, v in env.items() if not k.startswith("FAKETIME")}
    if "faketime" in env.get("LD_PRELOAD", ""):
        env["LD_PRELOAD"] = " ".join(
            p for p in re.split(r"[: ]+", env["LD_PRELOAD"])
            if p and "faketime" not in p)
    sh = Shell(d.dir, env)
    try:
        for i, command in enumerate(commands):
            if i in moves:
                wd, hhmm = moves[i]
                day = next_weekday(start.astimezone(AMS).date(), wd)
                h, m = map(int, hhmm.split(":"))
                t0 = datetime.datetime(day.year, day.month, day.day, h, m,
                                       tzinfo=AMS)
                m0 = time.monotonic()
                harness.set_faketime(stamp, t0)
                d.sighup()
            if "var/mail" in command or "outbox list" in command:
                wait_outbox(d, clock)
            live = command.replace(":8080", ":%d" % port)
            rc, out = sh.run(live)
            report = harness.sanitizer_report(out)
            assert not report, "sanitizer report:\n%s\n%s" % (command, out)
            piece, want, pats = expect.get(i, (None, 0, []))
            assert rc == want, ("README command exited %d, the README says "
                                "%d:\n$ %s\n%s" % (rc, want, command, out))
            shown = out.replace(":%d" % port, ":8080")
            for pat in pats:
                assert re.search(pat, shown, re.M), (
                    "README command's output does not match %r:\n$ %s\n%s"
                    % (pat, command, out))
    finally:
        sh.close()


@harness.nostart
def test_readme_tour_runs_verbatim_today(d):
    """On today's clock (the date guard of make check runs it a year on)."""
    run_tour(d, datetime.datetime.now(UTC).replace(microsecond=0))


@harness.nostart
def test_readme_tour_runs_verbatim_on_new_years_eve(d):
    """Late on 31 December, a Friday: "today" is the last day of the
    year, and the tour's weeks run into the next one."""
    run_tour(d, datetime.datetime(2027, 12, 31, 23, 30, tzinfo=AMS))


@harness.nostart
def test_readme_tour_runs_verbatim_before_summer_time(d):
    """On the Saturday evening before summer time starts (26 March 2028):
    the weekly meeting crosses the change in its first week."""
    run_tour(d, datetime.datetime(2028, 3, 25, 21, 0, tzinfo=AMS))


def test_readme_tour_parses_into_commands_and_sample_output():
    """The split itself: known commands are found whole, sample output
    (the refusal, the feed text) is not taken for a command."""
    commands = tour_commands()
    assert any(c.startswith("cli/herstelctl event add --kind steungroep") and
               c.endswith('--except "next tuesday +4w"') for c in commands)
    assert not any(c.startswith(("herstelctl:", "BEGIN:", "ID ", "PARTICIPANT"))
                   for c in commands)
    for c in commands:
        assert "2026-" not in c and "2027-" not in c, (
            "a README command names a fixed date: " + c)

#!/usr/bin/python3
"""
hersteld benchmark: prints figures, never asserts timings.

Machines are shared and noisy, so this script only measures and reports;
compare figures taken side by side in one run (the list round trip against
the `location list` baseline), not absolute numbers across runs.

What it does:
  1. starts daemon/hersteld -d -c CONF in a temporary directory (its own
     database, socket, maildir, and a free 127.0.0.1 port for listen.http);
  2. seeds 10,000 events (1,000 of them weekly series) over two years from
     2026-12-01 through the JSON API on the UNIX socket (keep-alive);
  3. measures
     a. the round trip of `herstelctl --json event list` over one month,
        against `herstelctl location list` as a baseline (50 runs each,
        interleaved), plus the same list over a kept-alive API connection;
     b. the daemon's resident memory at idle (VmRSS, VmHWM), goal < 10 MiB;
     c. wake-ups of the idle daemon: context switches of every thread over
        an idle window, and, where strace is installed, a strace -f -c
        summary over a second window of the same length; goal: none;
  4. prints a summary of every figure with its goal.

Then the booking part, with its own daemon and temporary directory
(bookings.horizon_days 1500, one location without opening hours):
  5. fills room A to 1,000 and room B to 100,000 held occurrences (daily
     series of 1,000 ten-minute slots at different times of day, 04:00 to
     20:40, through POST /api/v1/bookings), and leaves room E empty;
  6. prints EXPLAIN QUERY PLAN of booking_check()'s overlap query (its SQL
     read from daemon/booking.c) on the database, read-only;
  7. measures checking a weekly one-year series (FREQ=WEEKLY;COUNT=52):
     dry_run requests over one kept-alive API connection, interleaved, in
     E, A and B, once at a time that is free everywhere and once at a time
     that collides on all 52 occurrences; medians and the ratio B/A
     (goal < 3: the cost follows the log of the data, not its size);
  8. measures `herstelctl book` end to end (a fresh free single slot each
     run) in A and B, and `herstelctl book --dry-run` of the weekly series
     in B; then prints its own summary.

Then the feeds part, with its own daemon and temporary directory (needs
wrk and nginx, which `scripts/deps.sh bench` installs):
  9. seeds 1,000 public events (100 weekly series) over the next year
     through the API, most in rooms of locations with an address, the rest
     at places; a third with a description long enough to be folded;
 10. times the first GET of /feeds/public.ics after each of several
     changes (a new title through the API: a cold render, gzip and ETag
     included) against the cached GET after it;
 11. times `herstelctl event edit ID --title T` to T in the feed: the CLI
     and then one GET (and whether that GET showed T), and, alternated
     with it, the CLI while a loop GETs the feed every 2 ms;
 12. writes the feed's exact bytes (and hersteld's own gzip of them) to
     files that nginx (the Debian package; its own nginx.conf in the temp
     dir, a production static server: daemon off, worker_processes auto,
     sendfile on, tcp_nopush on, open_file_cache, no access log unless
     BENCH_NGINX_ACCESS_LOG=1, gzip_static on when built in, error log
     and pid in the temp dir, `user root` when run as root) serves as
     static files on another free loopback port with the same
     Content-Type; checks both serve the same bytes;
 13. runs wrk against both, alternating who goes first, for 200 (plain),
     304 (If-None-Match with each server's own ETag) and 200 with
     Accept-Encoding: gzip; prints requests/s per run, bytes and CPU time
     per request (the server's and wrk's own), and the ratio of the
     medians hersteld/nginx (goal 1.0 or better for 200 and 304); at 200
     also "nginx-1", a second nginx with tcp_nopush off, which sends the
     header in a packet of its own before the body as libmicrohttpd
     does before a sendfile body: its ratio to nginx shows what that
     costs the client.

Then the mail part, with its own daemon and temporary directory (needs
python3-aiosmtpd; smtp.url pointing at a sink on loopback, smtp.retry 60,
reminders.lead [ "1h" ]):
 14. starts an aiosmtpd sink in its own python3 process on a free loopback
     port; it records, per message, the arrival time, the Message-ID and
     the envelope recipient;
 15. creates one event (no capacity limit, at a place) starting on a whole
     minute at least 1h + BENCH_MAIL_MARGIN seconds ahead, and one
     participant (remind 1h, quiet none) through the API; stops the
     daemon, inserts the other participants (copies of the first with
     fresh tokens) and a registration for each with python sqlite3, and
     starts it again: its start-up planning queues one reminder per
     participant, all due at the same second (checked in the outbox);
 16. then runs, one after the other: plain, hersteld, plain, hersteld,
     ..., plain (BENCH_MAIL_RUNS hersteld runs, default 3).  A plain
     run is the sink's own capacity: the first stored reminder (with a
     Date header in front, as the daemon sends it) sent
     BENCH_MAIL_MESSAGES times by python smtplib over one connection,
     each copy with its own Message-ID and recipient of the same lengths
     (the first, while the reminders wait, stopped 8 s before the due
     moment if still running).  The first hersteld run is the reminders
     falling due; each later one queues the same messages again under
     new keys (python sqlite3, Message-IDs marked with the run, due a
     few seconds on) and sends the daemon SIGHUP so that it looks again.
     Per hersteld run: messages/s from the first arrival to the last
     (and from the due second), CPU of daemon and sink, how busy the
     sink was kept (its CPU / the span), the daemon's storage writes,
     the pauses between arrivals by their place in a cycle of claims of
     64 and recordings after every 16 (where the single-threaded
     delivery paused), lost and duplicated messages;
 17. then times BENCH_MAIL_CONFIRMATIONS (default 20) single confirmation
     mails, one at a time: a participant registers through the API and
     the sink notes the mail just before its 250; commit -> 250 lies
     between (arrival - the API's answer) and (arrival - the request);
 18. prints the rate ratio and the busy ratio hersteld/plain, each
     hersteld run against the mean of the plain runs on either side of
     it, as the median of the runs with every run's figure (the spread;
     goal 0.95 or better for both), the load average before each run,
     lost (queued recipients that received nothing) and duplicated
     (Message-IDs received more than once) counts (goal 0 and 0), the
     outbox's reminders by status at the end and the confirmation
     latency (median, p90, max).

Then the reports part, with its own daemon and temporary directory:
 19. seeds 50 groups, 20 rooms (4 locations without opening hours) and
     2,000 weekly series of 52 one-hour sessions in 2027 through the API
     (104,000 occurrences, each a confirmed booking slot), then 2,000
     participants, registrations and attendance counts by SQL;
 20. times `report groups` and `report rooms` over 2027: the API over a
     kept-alive connection (asked again: the kept answer), the API right
     after a change (a new participant: computed afresh, and checked to
     be the same rows) and herstelctl end to end (goal: under 250 ms);
 21. restarts the daemon on that database twice and adds a participant
     every 0.25 s for the first 8 s of each start, while its start-up
     jobs run: the first plans the reminders of every registration (the
     SQL seeding planned none; the bench waits for it to finish and
     prints how long it took), the second finds them planned; prints
     each write's latency (median, max), how many were refused busy,
     and the daemon's CPU time over those 8 s.

Then the web part, with its own daemon and temporary directory (needs
wrk and nginx, like the feeds part; web.post_per_minute 10000 and
web.mails_per_day 100 in its config, the defaults being 10 and 3, so
that the limits do not shape the figures, as its output says):
 22. seeds 1,000 public events (50 weekly series of 3 to 8 weeks, every
     kind, the eight groups, rooms of locations with an address and
     places) over the next 84 days, inside the 91 days the agenda page
     shows (web_agenda.c; at most 2,000 occurrences), then cancels every
     25th single event and one date of every 4th series with a reason;
     times the render of / after a change against the cached GET after
     it, and prints how many occurrences, sessions and cancellations the
     page as served carries, and its size;
 23. writes the page's exact bytes to index.html, which nginx serves as
     a static file (the feeds part's nginx.conf, Content-Type text/html;
     charset=utf-8, etag on); checks that both answer a plain GET / with
     200 and the whole page and a GET / with their own ETag in
     If-None-Match with 304 and no body (printed), then runs wrk against
     both, alternating who goes first, for 200 and 304; prints
     requests/s, bytes and CPU time per request, and the ratio of the
     medians hersteld/nginx (goal 0.5 or better for 200, 0.9 for 304);
     after each hersteld run a conditional GET checks the ETag still
     held (the page is renewed every 10 minutes);
 24. BENCH_WEB_POSTS registrations through the form, one after the
     other: GET /sessions/UID for the form's signed token (timed apart:
     rendered afresh, as the POST before moved the store's generation),
     then POST /sessions/UID/register with its own address (timed: the
     answer follows the commit of the opt-in row and its confirmation
     mail); checks read-only in the database that the outbox holds one
     confirmation mail per POST; prints median, p99, mean and max of
     both, then times the same session pages from the cache;
 25. prints its own summary.

Then the import part, with its own daemon and temporary directory:
 26. refuses 9.9 MB files past a cap (one folded DESCRIPTION of 9.5 M
     characters; ten DESCRIPTIONs of 1 M characters on one line each)
     through herstelctl import and through POST /api/v1/import, against a
     small plan that is accepted; prints the medians and what was said.

Environment:
  HERSTELD            daemon binary (default daemon/hersteld)
  HERSTELCTL          CLI binary (default cli/herstelctl)
  BENCH_IDLE_SECONDS  length of each idle window (default 30)
  BENCH_EVENTS        events to seed (default 10000)
  BENCH_SERIES        of which weekly series (default 1000)
  BENCH_RUNS          CLI runs per command (default 50)
  BENCH_KEEP          1: keep the temporary directories (for inspection)
  BENCH_ONLY          events | booking | feeds | mail | reports | web |
                      import: run only that part (also the flag --only
                      PART; a list like "events,feeds" works too); default
                      all seven
  BENCH_REPORT_RUNS   timed runs per report, API and CLI (default 5)
  BENCH_IMPORT_RUNS   runs per file of the import part, herstelctl and API
                      (default 3)
  BENCH_BOOKING_RUNS  dry-run requests per room and case (default 200)
  BENCH_BOOK_CLI_RUNS herstelctl book runs per room (default 30)
  BENCH_BOOKING_SMALL occurrences in room A (default 1000)
  BENCH_BOOKING_BIG   occurrences in room B (default 100000); both are
                      multiples of 1000, at most 100000
  BENCH_FEED_EVENTS   public events in the feeds part (default 1000)
  BENCH_FEED_SERIES   of which weekly series (default 100)
  BENCH_FEED_COLD_RUNS  changes, each followed by a timed GET (default 10)
  BENCH_FEED_CLI_RUNS herstelctl event edit runs per way of timing
                      (default 10)
  BENCH_WEB_EVENTS    events in the web part (default 1000)
  BENCH_WEB_SERIES    of which weekly series (default 50)
  BENCH_WEB_COLD_RUNS changes, each followed by a timed GET / (default 5)
  BENCH_WEB_POSTS     registrations through the form, and cached GETs
                      of session pages after them (default 300)
  BENCH_WRK_SECONDS   length of each wrk run (default 10; feeds and web)
  BENCH_WRK_ROUNDS    rounds of wrk runs (default 3)
  BENCH_WRK_THREADS   wrk -t (default 2)
  BENCH_WRK_CONNECTIONS  wrk -c (default 32)
  BENCH_NGINX_WORKERS nginx worker_processes (default auto: one per CPU)
  BENCH_NGINX_ACCESS_LOG  1: nginx logs every request to a file in the
                      temp dir, as a stock nginx does (default 0 in the
                      feeds part: no access log, as a production static
                      server; 1 in the web part)
  BENCH_MAIL_MESSAGES reminders due at once, and messages per plain run
                      (default 10000)
  BENCH_MAIL_MARGIN   least seconds between queueing and the due moment
                      (default 30; the due moment is on a whole minute)
  BENCH_MAIL_TIMEOUT  seconds after the due moment to wait for delivery
                      (default 120)
  BENCH_MAIL_RUNS     hersteld runs, each between two plain ones (default 3)
  BENCH_MAIL_CONFIRMATIONS  single confirmation mails timed (default 20)

Python 3 standard library only; run by /usr/bin/python3 (make bench).
"""

import datetime
import html
import http.client
import json
import os
import re
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RSS_GOAL_KB = 10 * 1024          # 10 MiB
LIST_FROM, LIST_TO = "2027-03-01", "2027-04-01"
SEED_FROM = datetime.date(2026, 12, 1)
SEED_DAYS = 730                  # two years
KINDS = ["steungroep", "dialoogsessie", "themabijeenkomst", "kennissessie",
         "netwerksessie", "overig"]
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]   # date.weekday() order
LOCATIONS = {
    "herstelhuis": ("Herstelhuis Zuidoost",
                    [("groot", "Grote zaal", 40), ("keuken", "Keuken", 12),
                     ("stilte", "Stilteruimte", 6), ("tuin", "Tuinkamer", 20)]),
    "noord": ("Huis van de Wijk Noord",
              [("zaal", "Zaal", 30), ("spreek", "Spreekkamer", 8),
               ("atelier", "Atelier", 15)]),
    "nieuw-west": ("Huis van de Wijk Nieuw-West",
                   [("zaal", "Zaal", 35), ("kamer-1", "Kamer 1", 10),
                    ("kamer-2", "Kamer 2", 10)]),
}
GROUPS = ["moeders-zuidoost", "vaders-noord", "ouders-nieuw-west",
          "lotgenoten-oost", "jongeren", "gemeente-medewerkers",
          "schuldhulp-kring", "praatgroep-zondag"]
PLACES = ["Bibliotheek Bijlmerplein", "Buurthuis Het Anker, Noord",
          "Online (Teams)"]


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit("bench: %s must be a whole number, not %r" % (name, v))


def binary(env, default):
    p = os.environ.get(env) or os.path.join(ROOT, default)
    p = os.path.abspath(p)
    if not os.access(p, os.X_OK):
        sys.exit("bench: %s is not an executable (%s); run make first"
                 % (p, env))
    return p


def out(msg=""):
    print(msg, flush=True)


# ---- the API over the UNIX socket -------------------------------------

class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over an AF_UNIX socket (keep-alive like any other)."""

    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Api:
    def __init__(self, path):
        self.path = path
        self.conn = UnixHTTPConnection(path)

    def call(self, method, url, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        for attempt in (1, 2):
            try:
                self.conn.request(method, "/api/v1" + url, data, headers)
                r = self.conn.getresponse()
                text = r.read()
                return r.status, text
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                # The daemon may close an idle keep-alive connection.
                self.conn.close()
                if attempt == 2:
                    raise

    def post(self, url, body):
        status, text = self.call("POST", url, body)
        if status != 201:
            raise RuntimeError("POST %s %s -> %d %s" % (
                url, json.dumps(body), status, text[:500].decode("utf-8",
                                                                 "replace")))
        return json.loads(text)

    def close(self):
        self.conn.close()


# ---- the daemon ----------------------------------------------------------

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_conf(tmp, port, horizon_days=730, smtp_url="", leads=("7d", "1d"),
               smtp_retry=None, web=None):
    """web: a dict of web.* settings (e.g. {"post_per_minute": 10000}),
    written as a web = { ... } block; None leaves the defaults."""
    conf = os.path.join(tmp, "hersteld.conf")
    with open(conf, "w") as f:
        f.write("""# written by tests/bench/bench.py
database   = "%(tmp)s/hersteld.db";
timezone   = "Europe/Amsterdam";
public_url = "http://127.0.0.1:%(port)d";
listen = {
  socket = "%(tmp)s/hersteld.sock";
  http   = "127.0.0.1:%(port)d";
};
smtp = {
  url           = "%(smtp_url)s";
  from          = "Herstelhuis <noreply@example.org>";
  starttls      = false;
  username      = "";
  password_file = "";%(retry)s
};
maildir = "%(tmp)s/mail";
reminders = { lead = [ %(leads)s ]; quiet_hours = "21:00-08:00"; };
feeds     = { past_days = 90; future_days = 730; refresh = "1h"; };
bookings  = { horizon_days = %(horizon)d; };%(web)s
log_level = "warn";
""" % {"tmp": tmp, "port": port, "horizon": horizon_days,
       "web": "\nweb = { %s };" % " ".join(
           "%s = %s;" % kv for kv in sorted(web.items())) if web else "",
       "smtp_url": smtp_url,
       "retry": ("\n  retry         = %d;" % smtp_retry
                 if smtp_retry is not None else ""),
       "leads": ", ".join('"%s"' % x for x in leads)})
    return conf


def wait_for_socket(proc, path, log, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("hersteld exited with %d at start-up:\n%s"
                               % (proc.returncode, tail(log)))
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return
            except OSError:
                pass
            finally:
                s.close()
        time.sleep(0.05)
    raise RuntimeError("hersteld did not open %s within %.0f s:\n%s"
                       % (path, timeout, tail(log)))


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no log)"


def stop(proc, grace=10.0):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- /proc ---------------------------------------------------------------

def proc_status(path):
    d = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.strip()
    except OSError:
        pass
    return d


def kb(v):
    return int(v.split()[0]) if v else 0


def threads(pid):
    """{tid: (name, voluntary, nonvoluntary)} for every thread of pid."""
    res = {}
    base = "/proc/%d/task" % pid
    for tid in os.listdir(base):
        st = proc_status(os.path.join(base, tid, "status"))
        if not st:
            continue
        res[int(tid)] = (st.get("Name", "?"),
                         int(st.get("voluntary_ctxt_switches", 0)),
                         int(st.get("nonvoluntary_ctxt_switches", 0)))
    return res


def smaps_top(pid, n=12):
    """Resident kB per mapped file (or [heap], [anon]...), largest first."""
    per = {}
    name = None
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                fields = line.split()
                if not fields:
                    continue
                if not fields[0].endswith(":") or "-" in fields[0]:
                    # a mapping header: addr perms offset dev inode [path]
                    name = fields[5] if len(fields) > 5 else "[anon]"
                    continue
                if fields[0] == "Rss:":
                    per[name] = per.get(name, 0) + int(fields[1])
    except OSError:
        return []
    return sorted(per.items(), key=lambda kv: -kv[1])[:n]


def wchan(pid, tid):
    try:
        with open("/proc/%d/task/%d/wchan" % (pid, tid)) as f:
            return f.read().strip() or "-"
    except OSError:
        return "?"


def thread_syscall(pid, tid):
    """The syscall a thread is blocked in (number), from /proc/.../syscall."""
    names = {7: "poll", 232: "epoll_wait", 281: "epoll_pwait",
             441: "epoll_pwait2", 202: "futex", 128: "rt_sigtimedwait",
             35: "nanosleep", 230: "clock_nanosleep", 23: "select",
             270: "pselect6", 271: "ppoll", 0: "read", 43: "accept",
             288: "accept4"}
    try:
        with open("/proc/%d/task/%d/syscall" % (pid, tid)) as f:
            parts = f.read().split()
    except OSError:
        return "?"
    if not parts or parts[0] == "running":
        return "running"
    try:
        nr = int(parts[0])
    except ValueError:
        return parts[0]
    return names.get(nr, "syscall %d" % nr)


# ---- measuring -------------------------------------------------------------

def pct(samples, p):
    s = sorted(samples)
    if len(s) == 1:
        return s[0]
    # linear interpolation between closest ranks (inclusive method)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def run_cli(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = (time.perf_counter() - t0) * 1000.0
    if r.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (
            " ".join(cmd), r.returncode,
            r.stderr.decode("utf-8", "replace").strip()[:500]))
    return dt, r.stdout


def seed(api, n_events, n_series):
    rnd = random.Random(20261201)
    rooms = []
    for slug, (name, rs) in LOCATIONS.items():
        api.post("/locations", {"slug": slug, "name": name})
        for rslug, rname, cap in rs:
            api.post("/rooms", {"room": "%s/%s" % (slug, rslug),
                                "name": rname, "capacity": cap})
            rooms.append(("%s/%s" % (slug, rslug), cap))
    for g in GROUPS:
        api.post("/groups", {"slug": g, "name": g.replace("-", " ").title(),
                             "kind": "steungroep"})
    moved = {0: 0, 1: 0, 2: 0}
    # Every tenth event is a series, spread evenly among the singles.
    series_every = n_events / n_series if n_series else 0
    next_series = 0.0
    made_series = 0
    for i in range(n_events):
        is_series = (made_series < n_series and i >= next_series)
        count = rnd.randint(8, 40) if is_series else 0
        # A series ends inside the two years too.
        last_day = SEED_DAYS - 1 - (count - 1) * 7 if is_series else SEED_DAYS - 1
        day = SEED_FROM + datetime.timedelta(days=rnd.randint(0, last_day))
        hour = rnd.choice([9, 10, 11, 13, 14, 15, 16, 18, 19, 20])
        minute = rnd.choice([0, 0, 15, 30, 45])
        kind = rnd.choice(KINDS)
        ev = {
            "kind": kind,
            "title": "%s %d" % (kind.capitalize(), i + 1),
            "start": "%s %02d:%02d" % (day.isoformat(), hour, minute),
            "duration": rnd.choice(["1h", "90m", "2h", "1h30m", "2h"]),
            "group": rnd.choice(GROUPS),
        }
        if rnd.random() < 0.9:
            room, cap = rnd.choice(rooms)
            ev["room"] = room
            ev["capacity"] = rnd.randint(max(1, cap // 2), cap)
        else:
            ev["place"] = rnd.choice(PLACES)
            ev["capacity"] = rnd.randint(5, 50)
        if is_series:
            ev["repeat"] = "FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (
                BYDAY[day.weekday()], count)
            made_series += 1
            next_series += series_every
        if "room" in ev:
            moved[post_event_in_a_free_room(api, ev, rooms, rnd)] += 1
        else:
            api.post("/events", ev)
        if (i + 1) % 2000 == 0:
            out("  ... %d events" % (i + 1))
    return len(rooms), made_series, moved


def post_event_in_a_free_room(api, ev, rooms, rnd):
    """Rooms are booked through the conflict engine, so a random event may
    find its room taken: try the other rooms (in a seeded order), then hold
    it at a place instead.  0 when the first room was free, 1 when it moved
    to another room, 2 when it went to a place."""
    others = [r for r in rooms if r[0] != ev["room"]]
    rnd.shuffle(others)
    for n, (room, cap) in enumerate([(ev["room"], None)] + others):
        if cap is not None:
            ev["room"] = room
            ev["capacity"] = min(ev["capacity"], cap)
        status, text = api.call("POST", "/events", ev)
        if status == 201:
            return 1 if n else 0
        if status != 409:
            raise RuntimeError("POST /events %s -> %d %s" % (
                json.dumps(ev), status, text[:500].decode("utf-8",
                                                          "replace")))
    del ev["room"]
    ev["place"] = rnd.choice(PLACES)
    api.post("/events", ev)
    return 2


def measure_cli(ctl, sock, runs):
    ev_cmd = [ctl, "--socket", sock, "--json", "event", "list",
              "--from", LIST_FROM, "--to", LIST_TO]
    loc_cmd = [ctl, "--socket", sock, "location", "list"]
    # One warm-up each (page cache, zone data), not counted.
    _, body = run_cli(ev_cmd)
    occ = json.loads(body)
    n_occ = len(occ) if isinstance(occ, list) else len(occ.get("occurrences", occ))
    run_cli(loc_cmd)
    ev_ms, loc_ms = [], []
    for _ in range(runs):           # interleaved: both see the same noise
        ev_ms.append(run_cli(ev_cmd)[0])
        loc_ms.append(run_cli(loc_cmd)[0])
    return ev_ms, loc_ms, n_occ, len(body), ev_cmd, loc_cmd


def measure_api(sock, runs):
    """The same list without the CLI: one kept-alive connection."""
    api = Api(sock)
    q = "/events?from=%s&to=%s" % (LIST_FROM, LIST_TO)
    ev_ms, loc_ms = [], []
    try:
        api.call("GET", q)
        api.call("GET", "/locations")
        for _ in range(runs):
            t0 = time.perf_counter()
            status, _ = api.call("GET", q)
            ev_ms.append((time.perf_counter() - t0) * 1000.0)
            if status != 200:
                raise RuntimeError("GET %s -> %d" % (q, status))
            t0 = time.perf_counter()
            status, _ = api.call("GET", "/locations")
            loc_ms.append((time.perf_counter() - t0) * 1000.0)
    finally:
        api.close()
    return ev_ms, loc_ms


def idle_ctxt(pid, seconds):
    before = threads(pid)
    time.sleep(seconds)
    after = threads(pid)
    rows, total = [], 0
    for tid in sorted(set(before) | set(after)):
        b, a = before.get(tid), after.get(tid)
        name = (a or b)[0]
        if b and a:
            dv, dn = a[1] - b[1], a[2] - b[2]
            note = ""
        elif a:
            dv, dn, note = a[1], a[2], "(new thread)"
        else:
            dv, dn, note = 0, 0, "(gone)"
        total += dv + dn
        rows.append((tid, name, dv, dn, note))
    return rows, total


def idle_strace(pid, seconds, tmp):
    """strace -f -c over an idle window; returns (summary text, trace lines)."""
    path = os.path.join(tmp, "strace.out")
    # -C: the summary and the calls themselves (which thread, which
    # timeout); -tt for times, -T for time spent in each call.
    p = subprocess.Popen(["strace", "-f", "-C", "-tt", "-T", "-o", path,
                          "-p", str(pid)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(seconds)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    # The summary starts at the "% time" header; everything before is trace.
    cut = next((i for i, l in enumerate(lines) if l.startswith("% time")),
               len(lines))
    trace = [l for l in lines[:cut] if l.strip()]
    summary = "\n".join(lines[cut:]).strip()
    if not summary:
        summary = ("(empty summary: no system call completed in the window; "
                   "strace said: %s)" % " / ".join(
                       err.decode("utf-8", "replace").strip().splitlines()))
    attached = "attached" in err.decode("utf-8", "replace")
    return summary, trace, p.returncode, attached


def completed_calls(trace):
    """Trace lines of calls that returned: not the attach's own unfinished
    or detached ones."""
    return [l for l in trace if " = " in l]


# ---- bookings: the conflict check at 1,000 and 100,000 occurrences -------
#
# Its own daemon and temp dir.  One location without opening hours (so any
# minute of the day may be booked) and three rooms:
#   A  one daily series of 10-minute slots at 04:00           1,000 occ.
#   B  100 daily series of 10-minute slots, 04:00 ... 20:30   100,000 occ.
#   E  empty (the fixed cost of a request: HTTP, JSON, expansion)
# Every series runs 1,000 days from 2026-12-01, so A and B cover the same
# stretch of time.  04:00 onwards keeps the slots clear of the DST hours.
# 20:40-04:00 is left empty in every room; the weekly series that is checked
# starts Tuesday 2027-01-05 at 22:00 (free everywhere) or at 04:00 (collides
# with the 04:00 series of A and B on every one of its 52 occurrences).

BK_HORIZON_DAYS = 1500           # until about 2030-12-31 from 2026-11-22
BK_LOC = "bench-zalen"
BK_TZ = "Europe/Amsterdam"
BK_FILL_FROM = datetime.date(2026, 12, 1)
BK_FILL_DAYS = 1000              # occurrences per daily series
BK_FIRST_MIN = 4 * 60            # 04:00
BK_SLOT_MIN = 10
BK_CHECK_DAY = datetime.date(2027, 1, 5)   # a Tuesday
BK_WEEKLY = "FREQ=WEEKLY;COUNT=52"
BK_FREE = ("22:00", "1h")        # collides with nothing
BK_BUSY = ("04:00", "10m")       # collides with the 04:00 series
BK_CLI_DAY = datetime.date(2027, 3, 1)     # CLI single slots from here

# The overlap query of booking_check() in daemon/booking.c, copied; the
# bench prefers the text it finds in booking.c itself (see overlap_sql()).
BK_OVERLAP_SQL = (
    "SELECT s.booking_id, b.title, b.private, "
    "coalesce(b.group_id, 0), coalesce(g.name, ''), "
    "coalesce(e.visibility, ''), coalesce(e.title, ''), s.start, "
    "s.\"end\" FROM booking_slot s JOIN booking b ON b.id = s.booking_id "
    "LEFT JOIN grp g ON g.id = b.group_id "
    "LEFT JOIN event e ON e.id = b.event_id "
    "WHERE s.room_id = ?1 AND s.state = 'held' AND s.start < ?3 "
    "AND s.start > ?2 - 604800 ORDER BY s.start DESC LIMIT 1")


def overlap_sql():
    """(sql, where from): the first statement booking_check() prepares
    that reads booking_slot, as written in daemon/booking.c now; the copy
    above if the source cannot be read or parsed."""
    import re
    path = os.path.join(ROOT, "daemon", "booking.c")
    try:
        with open(path) as f:
            src = f.read()
        i = src.index("\nbooking_check(")
        j = src.index("store_prepare(db,", i)
        k = src.index("FROM booking_slot", j)
        if k > src.index("\n}\n", i):
            raise ValueError("not in booking_check")
        end = src.index(")", src.index("LIMIT", k))
        lits = re.findall(r'"((?:[^"\\]|\\.)*)"', src[j:end + 1])
        sql = "".join(lits).replace('\\"', '"')
        if "booking_slot" not in sql or "?1" not in sql:
            raise ValueError("unexpected text")
        return sql, "daemon/booking.c, booking_check()"
    except (OSError, ValueError) as e:
        return BK_OVERLAP_SQL, "copy in bench.py (%s)" % e


def start_daemon(hersteld, tmp, horizon_days, web=None):
    port = free_port()
    conf = write_conf(tmp, port, horizon_days, web=web)
    sock = os.path.join(tmp, "hersteld.sock")
    log = os.path.join(tmp, "hersteld.log")
    with open(log, "w") as lf:
        proc = subprocess.Popen([hersteld, "-d", "-c", conf], cwd=tmp,
                                stdin=subprocess.DEVNULL,
                                stdout=lf, stderr=subprocess.STDOUT)
    wait_for_socket(proc, sock, log)
    return proc, sock, log, port


def hhmm(minutes):
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def bk_fill(api, room, times):
    """One daily series of BK_FILL_DAYS 10-minute slots per start time."""
    held = 0
    for n, m in enumerate(times):
        b = api.post("/bookings", {
            "room": room,
            "start": "%s %s" % (BK_FILL_FROM.isoformat(), hhmm(m)),
            "duration": "%dm" % BK_SLOT_MIN,
            "repeat": "FREQ=DAILY;COUNT=%d" % BK_FILL_DAYS,
            "title": "Vulling %s %s" % (room, hhmm(m))})
        if b.get("held") != BK_FILL_DAYS or b.get("skipped"):
            raise RuntimeError("fill %s %s: held %r, skipped %d" % (
                room, hhmm(m), b.get("held"), len(b.get("skipped") or [])))
        held += b["held"]
        if (n + 1) % 20 == 0:
            out("  ... %s: %d series, %d occurrences" % (room, n + 1, held))
    return held


def weekly_body(room, at, dur):
    return {"room": room, "start": "%s %s" % (BK_CHECK_DAY.isoformat(), at),
            "duration": dur, "repeat": BK_WEEKLY,
            "title": "Wekelijkse groep", "dry_run": True}


def bk_expect(room, kind, status, body):
    """The first answer of each kind is checked: all 52 free, or all 52
    reported as conflicts; anything else makes the figure meaningless."""
    try:
        j = json.loads(body)
    except ValueError:
        j = None
    if kind == "free":
        ok = status == 200 and j and j.get("free") is True and \
            j.get("booked") == 52
        what = "200, free, 52 to book"
    else:
        det = (j or {}).get("error", {}).get("details") or []
        ok = status == 409 and len(det) == 52
        what = "409 with 52 colliding occurrences"
    if not ok:
        raise RuntimeError("dry run %s in %s: wanted %s, got %d %s" % (
            kind, room, what, status, body[:300].decode("utf-8", "replace")))
    if kind == "busy":
        return "%d conflicts, first: %s" % (len(det), det[0].get("text"))
    return "free, %d occurrence(s) would be booked" % j["booked"]


def bk_measure_dry(sock, rooms, runs):
    """Median of the weekly dry run per (room, free|busy), interleaved
    over one kept-alive connection."""
    api = Api(sock)
    samples = {}
    notes = {}
    try:
        cases = [(r, k) for k in ("free", "busy") for r in rooms
                 if not (k == "busy" and r.endswith("/leeg"))]
        for room, kind in cases:        # warm-up and check, not counted
            at, dur = BK_FREE if kind == "free" else BK_BUSY
            status, body = api.call("POST", "/bookings",
                                    weekly_body(room, at, dur))
            notes[(room, kind)] = bk_expect(room, kind, status, body)
            samples[(room, kind)] = []
        for _ in range(runs):
            for room, kind in cases:
                at, dur = BK_FREE if kind == "free" else BK_BUSY
                body = weekly_body(room, at, dur)
                t0 = time.perf_counter()
                status, _ = api.call("POST", "/bookings", body)
                samples[(room, kind)].append(
                    (time.perf_counter() - t0) * 1000.0)
                if status != (200 if kind == "free" else 409):
                    raise RuntimeError("dry run %s in %s -> %d"
                                       % (kind, room, status))
    finally:
        api.close()
    return samples, notes


def bk_measure_cli(ctl, sock, rooms, runs, day0):
    """herstelctl book of a fresh free single slot (a new day each run,
    21:30, 10 minutes), interleaved between the rooms; one warm-up each."""
    ms = {r: [] for r in rooms}
    last = None
    for i in range(runs + 1):
        day = day0 + datetime.timedelta(days=i)
        for room in rooms:
            cmd = [ctl, "--socket", sock, "book", room,
                   "--start", "%s 21:30" % day.isoformat(),
                   "--duration", "10m", "--title", "CLI %d" % i]
            dt, _ = run_cli(cmd)
            last = cmd
            if i > 0:
                ms[room].append(dt)
    return ms, last


def bk_measure_cli_dry(ctl, sock, room, runs):
    at, dur = BK_FREE
    cmd = [ctl, "--socket", sock, "book", room, "--start",
           "%s %s" % (BK_CHECK_DAY.isoformat(), at), "--duration", dur,
           "--repeat", BK_WEEKLY, "--dry-run"]
    run_cli(cmd)
    return [run_cli(cmd)[0] for _ in range(runs)], cmd


def bk_occurrences(at, dur_min):
    """(start, end) epoch seconds of the 52 weekly occurrences (local
    wall-clock time, as libical expands them)."""
    from zoneinfo import ZoneInfo
    z = ZoneInfo(BK_TZ)
    h, m = map(int, at.split(":"))
    res = []
    for w in range(52):
        d = BK_CHECK_DAY + datetime.timedelta(weeks=w)
        s = int(datetime.datetime(d.year, d.month, d.day, h, m,
                                  tzinfo=z).timestamp())
        res.append((s, s + dur_min * 60))
    return res


def bk_db(tmp):
    import sqlite3
    return sqlite3.connect("file:%s?mode=ro" % os.path.join(tmp, "hersteld.db"),
                           uri=True)


def bk_explain(tmp, room_ids):
    """EXPLAIN QUERY PLAN of the overlap query, and how many index entries
    its range covers per checked occurrence in each room."""
    sql, src = overlap_sql()
    db = bk_db(tmp)
    try:
        occ = bk_occurrences(BK_FREE[0], 60)
        s, e = occ[0]
        # bind as many parameters as the query numbers (?1 .. ?N)
        nparam = max(int(n) for n in re.findall(r"\?(\d+)", sql))
        plan = db.execute("EXPLAIN QUERY PLAN " + sql,
                          (room_ids["B"], s, e, 0)[:nparam]).fetchall()
        counts = {}
        held = dict(db.execute(
            "SELECT room_id, count(*) FROM booking_slot WHERE state = 'held' "
            "GROUP BY room_id").fetchall())
        version = db.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        db.close()
    return sql, src, plan, counts, held, version


def bench_booking(hersteld, ctl, keep):
    runs = env_int("BENCH_BOOKING_RUNS", 200)
    cli_runs = env_int("BENCH_BOOK_CLI_RUNS", 30)
    big = env_int("BENCH_BOOKING_BIG", 100000)
    small = env_int("BENCH_BOOKING_SMALL", 1000)
    for name, v in (("BENCH_BOOKING_BIG", big),
                    ("BENCH_BOOKING_SMALL", small)):
        if v < BK_FILL_DAYS or v % BK_FILL_DAYS or \
                v // BK_FILL_DAYS > (20 * 60 + 40 - BK_FIRST_MIN) // BK_SLOT_MIN:
            sys.exit("bench: %s must be a multiple of %d from %d to %d"
                     % (name, BK_FILL_DAYS, BK_FILL_DAYS, 100 * BK_FILL_DAYS))
    rooms = {"A": "%s/a" % BK_LOC, "B": "%s/b" % BK_LOC,
             "E": "%s/leeg" % BK_LOC}
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-booking-")
    proc = None
    res = {}
    try:
        proc, sock, log, port = start_daemon(hersteld, tmp, BK_HORIZON_DAYS)
        out("")
        out("#" * 72)
        out("hersteld bench, bookings: %s" % hersteld)
        out("  temp dir %s, pid %d, bookings.horizon_days %d"
            % (tmp, proc.pid, BK_HORIZON_DAYS))

        # ---- fill ----------------------------------------------------
        out("")
        out("== filling room A to %d and room B to %d occurrences "
            "(daily series of %d x %d-minute slots from %s; location "
            "without opening hours)" % (small, big, BK_FILL_DAYS,
                                        BK_SLOT_MIN, BK_FILL_FROM))
        api = Api(sock)
        try:
            api.post("/locations", {"slug": BK_LOC, "name": "Bench zalen",
                                    "timezone": BK_TZ})
            for key, name in (("A", "Zaal A"), ("B", "Zaal B"),
                              ("E", "Lege zaal")):
                api.post("/rooms", {"room": rooms[key], "name": name,
                                    "capacity": 20})
            t0 = time.perf_counter()
            held_a = bk_fill(api, rooms["A"], [
                BK_FIRST_MIN + i * BK_SLOT_MIN
                for i in range(small // BK_FILL_DAYS)])
            res["fill_a_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            held_b = bk_fill(api, rooms["B"], [
                BK_FIRST_MIN + i * BK_SLOT_MIN
                for i in range(big // BK_FILL_DAYS)])
            res["fill_b_s"] = time.perf_counter() - t0
        finally:
            api.close()
        out("  room A: %d occurrences in %.1f s; room B: %d occurrences in "
            "%.1f s (%.0f ms per series of %d, checked and written)"
            % (held_a, res["fill_a_s"], held_b, res["fill_b_s"],
               res["fill_b_s"] * 1000.0 / max(big // BK_FILL_DAYS, 1),
               BK_FILL_DAYS))
        if proc.poll() is not None:
            raise RuntimeError("hersteld died while filling:\n" + tail(log))
        st = proc_status("/proc/%d/status" % proc.pid)
        dbsize = sum(os.path.getsize(os.path.join(tmp, "hersteld.db" + x))
                     for x in ("", "-wal") if os.path.exists(
                         os.path.join(tmp, "hersteld.db" + x)))
        out("  daemon after filling: VmRSS %s, VmHWM %s; database with its "
            "WAL %d kB" % (st.get("VmRSS"), st.get("VmHWM"), dbsize // 1024))

        # ---- the query plan --------------------------------------------
        db = bk_db(tmp)
        try:
            room_ids = {k: db.execute(
                "SELECT r.id FROM room r JOIN location l ON l.id = "
                "r.location_id WHERE l.slug = ? AND r.slug = ?",
                (BK_LOC, rooms[k].split("/", 1)[1])).fetchone()[0]
                for k in rooms}
        finally:
            db.close()
        sql, src, plan, counts, held, version = bk_explain(tmp, room_ids)
        out("")
        out("== EXPLAIN QUERY PLAN of the overlap query (from %s; "
            "python sqlite3 %s, read-only)" % (src, version))
        out("  " + sql)
        for row in plan:
            out("    %s" % (row[-1],))
        res["uses_index"] = any("slot_overlap" in str(r[-1]) for r in plan)
        out("  uses the index slot_overlap: %s"
            % ("yes" if res["uses_index"] else "NO"))
        out("  held occurrences in the database: A %d, B %d, E %d"
            % (held.get(room_ids["A"], 0), held.get(room_ids["B"], 0),
               held.get(room_ids["E"], 0)))

        # ---- 52 occurrences, dry run ----------------------------------
        out("")
        out("== checking a weekly one-year series (%s from %s, %s): "
            "dry_run over one kept-alive API connection, %d runs each, "
            "interleaved" % (BK_WEEKLY, BK_CHECK_DAY, "free at %s %s / "
                             "colliding at %s %s" % (BK_FREE + BK_BUSY), runs))
        samples, notes = bk_measure_dry(sock, [rooms["E"], rooms["A"],
                                               rooms["B"]], runs)
        for (room, kind), ms in samples.items():
            res[(room, kind)] = statistics.median(ms)
            out("  %-18s %-4s median %7.2f ms  p90 %7.2f  min %7.2f  max "
                "%7.2f   (%s)" % (room, kind, statistics.median(ms),
                                  pct(ms, 90), min(ms), max(ms),
                                  notes[(room, kind)]))
        for kind in ("free", "busy"):
            a, b = res[(rooms["A"], kind)], res[(rooms["B"], kind)]
            res["ratio_" + kind] = b / a if a else 0
            out("  ratio B/A (%s): %.2f   goal < 3" % (kind,
                                                      res["ratio_" + kind]))

        # ---- the CLI -------------------------------------------------
        out("")
        out("== herstelctl book, end to end (a fresh free single 10-minute "
            "slot each run, a new day at 21:30), %d runs per room, "
            "interleaved" % cli_runs)
        cli_ms, last = bk_measure_cli(ctl, sock, [rooms["A"], rooms["B"]],
                                      cli_runs, BK_CLI_DAY)
        out("  e.g. %s" % " ".join(last[1:]))
        for key in ("A", "B"):
            ms = cli_ms[rooms[key]]
            res["cli_" + key] = (statistics.median(ms), pct(ms, 90))
            out("  room %s (%6d occ.)  median %6.1f ms  p90 %6.1f ms  "
                "min %6.1f  max %6.1f" % (key, held.get(room_ids[key], 0),
                                          statistics.median(ms), pct(ms, 90),
                                          min(ms), max(ms)))
        dry_ms, dry_cmd = bk_measure_cli_dry(ctl, sock, rooms["B"], cli_runs)
        res["cli_dry_B"] = (statistics.median(dry_ms), pct(dry_ms, 90))
        out("  %s" % " ".join(dry_cmd[1:]))
        out("    median %6.1f ms  p90 %6.1f ms" % res["cli_dry_B"])

        if proc.poll() is not None:
            raise RuntimeError("hersteld died during the bench:\n" + tail(log))

        # ---- summary -------------------------------------------------
        na, nb = held.get(room_ids["A"], 0), held.get(room_ids["B"], 0)
        out("")
        out("=" * 72)
        out("SUMMARY, bookings (figures only; nothing here is asserted)")
        out("  weekly series, 52 occ., all free: dry run via API (keep-alive)")
        out("    empty room                          median %7.2f ms"
            % res[(rooms["E"], "free")])
        out("    room A, %6d occurrences          median %7.2f ms"
            % (na, res[(rooms["A"], "free")]))
        out("    room B, %6d occurrences          median %7.2f ms"
            % (nb, res[(rooms["B"], "free")]))
        out("    ratio B/A                         %7.2f      goal < 3  %s"
            % (res["ratio_free"], "met" if res["ratio_free"] < 3
               else "NOT MET"))
        out("  weekly series, 52 occ., all colliding (all 52 reported)")
        out("    room A                              median %7.2f ms"
            % res[(rooms["A"], "busy")])
        out("    room B                              median %7.2f ms"
            % res[(rooms["B"], "busy")])
        out("    ratio B/A                         %7.2f      goal < 3  %s"
            % (res["ratio_busy"], "met" if res["ratio_busy"] < 3
               else "NOT MET"))
        out("  overlap query uses slot_overlap     %s"
            % ("yes" if res["uses_index"] else "NO"))
        out("  herstelctl book, room B (%6d occ.) median %6.1f ms  p90 %6.1f ms"
            % ((nb,) + res["cli_B"]))
        out("  herstelctl book, room A (%6d occ.) median %6.1f ms  p90 %6.1f ms"
            % ((na,) + res["cli_A"]))
        out("  herstelctl book --dry-run weekly, B  median %6.1f ms  p90 %6.1f ms"
            % res["cli_dry_B"])
        out("  filling room B (%d series of %d)  %8.1f s"
            % (big // BK_FILL_DAYS, BK_FILL_DAYS, res["fill_b_s"]))
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: booking part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        return 1
    finally:
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def bench_events(hersteld, ctl, keep):
    idle_s = env_int("BENCH_IDLE_SECONDS", 30)
    n_events = env_int("BENCH_EVENTS", 10000)
    n_series = env_int("BENCH_SERIES", 1000)
    runs = env_int("BENCH_RUNS", 50)

    tmp = tempfile.mkdtemp(prefix="hersteld-bench-")
    proc = None
    res = {}
    try:
        port = free_port()
        # The seed runs two years from SEED_FROM; events with a room must
        # fall within the booking horizon.
        conf = write_conf(tmp, port, horizon_days=1000)
        sock = os.path.join(tmp, "hersteld.sock")
        log = os.path.join(tmp, "hersteld.log")
        out("hersteld bench: %s" % hersteld)
        out("  temp dir %s, listen.http 127.0.0.1:%d, idle window %d s"
            % (tmp, port, idle_s))
        with open(log, "w") as lf:
            proc = subprocess.Popen([hersteld, "-d", "-c", conf], cwd=tmp,
                                    stdin=subprocess.DEVNULL,
                                    stdout=lf, stderr=subprocess.STDOUT)
        wait_for_socket(proc, sock, log)
        pid = proc.pid
        st = proc_status("/proc/%d/status" % pid)
        res["rss_start"] = kb(st.get("VmRSS"))
        res["anon_start"] = kb(st.get("RssAnon"))
        res["file_start"] = kb(st.get("RssFile"))
        out("  started, pid %d, %s threads, VmRSS %d kB (RssAnon %d kB, "
            "RssFile %d kB)" % (pid, st.get("Threads", "?"), res["rss_start"],
                                res["anon_start"], res["file_start"]))

        # ---- 2. seed -------------------------------------------------
        out("")
        out("== seeding %d events (%d weekly series) over %d days from %s"
            % (n_events, n_series, SEED_DAYS, SEED_FROM))
        api = Api(sock)
        t0 = time.perf_counter()
        try:
            nrooms, made_series, moved = seed(api, n_events, n_series)
        finally:
            api.close()
        res["seed_s"] = time.perf_counter() - t0
        out("  seeded %d locations, %d rooms, %d groups, %d events "
            "(%d series) in %.1f s (%.2f ms per event, all 201)"
            % (len(LOCATIONS), nrooms, len(GROUPS), n_events, made_series,
               res["seed_s"], res["seed_s"] * 1000.0 / max(n_events, 1)))
        out("  of the events with a room: %d got the room drawn, %d another "
            "room (the drawn one was booked), %d a place instead (no room "
            "free)" % (moved[0], moved[1], moved[2]))
        if proc.poll() is not None:
            raise RuntimeError("hersteld died while seeding:\n" + tail(log))
        st = proc_status("/proc/%d/status" % pid)
        out("  after seeding: VmRSS %s, VmHWM %s"
            % (st.get("VmRSS"), st.get("VmHWM")))

        # ---- 3a. list latency ----------------------------------------
        out("")
        out("== list latency: %d runs each, interleaved" % runs)
        ev_ms, loc_ms, n_occ, nbytes, ev_cmd, loc_cmd = \
            measure_cli(ctl, sock, runs)
        res.update(ev_med=statistics.median(ev_ms), ev_p99=pct(ev_ms, 99),
                   loc_med=statistics.median(loc_ms), loc_p99=pct(loc_ms, 99),
                   n_occ=n_occ)
        out("  %s" % " ".join(ev_cmd[1:]))
        out("    median %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms; "
            "%d occurrences, %d bytes of JSON"
            % (res["ev_med"], res["ev_p99"], min(ev_ms), max(ev_ms), n_occ,
               nbytes))
        out("  %s  (baseline)" % " ".join(loc_cmd[1:]))
        out("    median %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms"
            % (res["loc_med"], res["loc_p99"], min(loc_ms), max(loc_ms)))
        res["ratio"] = res["ev_med"] / res["loc_med"] if res["loc_med"] else 0
        out("  ratio of medians event list / location list: %.2f"
            % res["ratio"])
        a_ev, a_loc = measure_api(sock, runs)
        res.update(api_ev=statistics.median(a_ev),
                   api_ev99=pct(a_ev, 99),
                   api_loc=statistics.median(a_loc))
        out("  the same over one kept-alive API connection (no CLI): "
            "events median %.1f ms (p99 %.1f), locations median %.2f ms"
            % (res["api_ev"], res["api_ev99"], res["api_loc"]))

        # ---- 3b. memory at idle --------------------------------------
        out("")
        out("== memory at idle")
        time.sleep(2)
        st = proc_status("/proc/%d/status" % pid)
        res["rss"] = kb(st.get("VmRSS"))
        res["hwm"] = kb(st.get("VmHWM"))
        res["anon"] = kb(st.get("RssAnon"))
        res["file"] = kb(st.get("RssFile"))
        out("  VmRSS %d kB (RssAnon %s, RssFile %s), VmHWM %d kB, "
            "%s threads; goal VmRSS < %d kB"
            % (res["rss"], st.get("RssAnon"), st.get("RssFile"), res["hwm"],
               st.get("Threads"), RSS_GOAL_KB))
        roll = proc_status("/proc/%d/smaps_rollup" % pid)
        res["pss"] = kb(roll.get("Pss"))
        if roll:
            out("  Pss %s (Pss_Anon %s, Pss_File %s)" % (
                roll.get("Pss"), roll.get("Pss_Anon"), roll.get("Pss_File")))
        out("  resident by mapping (largest first):")
        for name, k in smaps_top(pid):
            out("    %7d kB  %s" % (k, name))

        # ---- 3c. wake-ups at idle ------------------------------------
        out("")
        out("== wake-ups at idle: context switches over %d s, nothing "
            "talking to the daemon" % idle_s)
        rows, total = idle_ctxt(pid, idle_s)
        res["wake_total"] = total
        out("  %-8s %-16s %10s %13s  %-14s %s"
            % ("TID", "NAME", "voluntary", "nonvoluntary", "blocked in",
               "wchan"))
        for tid, name, dv, dn, note in rows:
            out("  %-8d %-16s %10d %13d  %-14s %s %s"
                % (tid, name, dv, dn, thread_syscall(pid, tid),
                   wchan(pid, tid), note))
        out("  total %d context switches in %d s (goal 0)" % (total, idle_s))

        if shutil.which("strace"):
            out("")
            out("== strace -f -c -p %d over another %d s idle window"
                % (pid, idle_s))
            summary, trace, rc, attached = idle_strace(pid, idle_s, tmp)
            done = completed_calls(trace)
            res["strace_calls"] = len(done) if attached else None
            out("  (attaching interrupts each thread's blocking call once; "
                "a call shown as resumed or restarted per thread is strace's "
                "own doing)")
            for l in summary.splitlines():
                out("  " + l)
            out("  %d trace lines, %d of them calls that returned "
                "(the rest: blocked calls caught at attach/detach)%s"
                % (len(trace), len(done), ":" if trace else ""))
            for l in trace[:40]:
                out("    " + l)
            if len(trace) > 40:
                out("    ... (%d more)" % (len(trace) - 40))
        else:
            out("  (strace is not installed: no syscall summary)")

        if proc.poll() is not None:
            raise RuntimeError("hersteld died during the bench:\n" + tail(log))

        # ---- 4. summary ----------------------------------------------
        out("")
        out("=" * 72)
        out("SUMMARY (figures only; nothing here is asserted)")
        out("  seeding %d events (%d series)       %8.1f s"
            % (n_events, made_series, res["seed_s"]))
        out("  event list, 1 month, via CLI         median %6.1f ms  p99 %6.1f ms"
            "  (%d occurrences)" % (res["ev_med"], res["ev_p99"], res["n_occ"]))
        out("  location list via CLI (baseline)     median %6.1f ms  p99 %6.1f ms"
            % (res["loc_med"], res["loc_p99"]))
        out("  ratio event list / baseline          %6.2f   (no set goal; "
            "compare side by side)" % res["ratio"])
        out("  event list, API only (keep-alive)    median %6.1f ms"
            % res["api_ev"])
        out("  idle VmRSS                           %6d kB   goal < %d kB  %s"
            % (res["rss"], RSS_GOAL_KB,
               "met" if res["rss"] < RSS_GOAL_KB else "NOT MET"))
        out("    of which RssAnon %d kB (at start %d kB), RssFile %d kB "
            "(shared library pages; at start %d kB); Pss %d kB"
            % (res["anon"], res["anon_start"], res["file"],
               res["file_start"], res["pss"]))
        out("  VmRSS at start, before any request   %6d kB   goal < %d kB  %s"
            % (res["rss_start"], RSS_GOAL_KB,
               "met" if res["rss_start"] < RSS_GOAL_KB else "NOT MET"))
        out("  VmHWM (peak, during the load)        %6d kB"
            % res["hwm"])
        out("  idle wake-ups in %3d s (ctxt sw.)     %6d      goal 0  %s"
            % (idle_s, res["wake_total"],
               "met" if res["wake_total"] == 0 else "NOT MET"))
        if res.get("strace_calls", 0) is None:
            out("  idle syscalls (strace)               strace could not "
                "attach")
        elif "strace_calls" in res:
            out("  idle syscalls returned (strace) %3d s %5d      goal 0  %s"
                % (idle_s, res["strace_calls"],
                   "met" if res["strace_calls"] == 0 else "NOT MET"))
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        return 1
    finally:
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- feeds: /feeds/public.ics side by side with nginx ----------------------
#
# Its own daemon and temp dir.  1,000 public events (100 weekly series)
# over the next year, most in rooms (LOCATION with room and address), some
# at places; a third with a Dutch description long enough to be folded.
# Then the feed's exact bytes (and hersteld's own gzip of them) are put in
# a directory that nginx, on another free loopback port, serves as static
# files with the same Content-Type; wrk loads both in alternation.

FD_TITLE_RE = re.compile(rb"\r\n[ \t]")
FD_DESCRIPTION = (
    "Een avond voor ouders en verzorgers: we praten over wat er is "
    "gebeurd, wat je nodig hebt en wie er naast je staat. Koffie, thee "
    "en iets lekkers staan klaar; aanmelden is niet nodig. Café-tafels "
    "in de grote zaal, rolstoeltoegankelijk.")
FD_THEMES = ["rouw", "opvoeding", "geld", "werk", "gezondheid", "wonen"]


def fd_seed(api, n_events, n_series, day0, days):
    """n_events public events (n_series of them weekly series) from day0
    over `days` days; returns (ids of single events, rooms, series made,
    moved counts)."""
    rnd = random.Random(20261122)
    rooms = []
    for n, (slug, (name, rs)) in enumerate(LOCATIONS.items()):
        api.post("/locations", {"slug": slug, "name": name,
                                "address": "Kraaiennest %d, 1104 CE "
                                "Amsterdam" % (10 + n)})
        for rslug, rname, cap in rs:
            api.post("/rooms", {"room": "%s/%s" % (slug, rslug),
                                "name": rname, "capacity": cap})
            rooms.append(("%s/%s" % (slug, rslug), cap))
    for g in GROUPS:
        api.post("/groups", {"slug": g, "name": g.replace("-", " ").title(),
                             "kind": "steungroep",
                             "email": "%s@example.org" % g})
    moved = {0: 0, 1: 0, 2: 0}
    every = n_events / n_series if n_series else 0
    next_series, made = 0.0, 0
    for i in range(n_events):
        is_series = made < n_series and i >= next_series
        count = rnd.randint(8, 40) if is_series else 0
        last = days - 1 - (count - 1) * 7 if is_series else days - 1
        day = day0 + datetime.timedelta(days=rnd.randint(0, last))
        kind = rnd.choice(KINDS)
        ev = {
            "kind": kind,
            "title": "%s %d" % (kind.capitalize(), i + 1),
            "start": "%s %02d:%02d" % (day.isoformat(), rnd.choice(
                [9, 10, 11, 13, 14, 15, 16, 18, 19, 20]),
                rnd.choice([0, 15, 30, 45])),
            "duration": rnd.choice(["1h", "90m", "2h"]),
            "group": rnd.choice(GROUPS),
            "visibility": "public",
        }
        if i % 3 == 0:
            ev["description"] = FD_DESCRIPTION
        if i % 2 == 0:
            ev["themes"] = rnd.sample(FD_THEMES, 2)
        if is_series:
            ev["repeat"] = "FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (
                BYDAY[day.weekday()], count)
            made += 1
            next_series += every
        if rnd.random() < 0.8:
            room, cap = rnd.choice(rooms)
            ev["room"] = room
            ev["capacity"] = rnd.randint(max(1, cap // 2), cap)
            moved[post_event_in_a_free_room(api, ev, rooms, rnd)] += 1
        else:
            ev["place"] = rnd.choice(PLACES)
            ev["capacity"] = rnd.randint(5, 50)
            api.post("/events", ev)
    # The single events' ids, for the changes that follow.
    status, text = api.call("GET", "/events?from=%s&to=%s" % (
        day0.isoformat(), (day0 + datetime.timedelta(days=days)).isoformat()))
    if status != 200:
        raise RuntimeError("GET /events -> %d" % status)
    occ = json.loads(text)
    if isinstance(occ, dict):
        occ = occ.get("occurrences", [])
    singles = sorted({o["id"] for o in occ if not o.get("series")})
    return singles, len(rooms), made, moved


def fd_unfold(body):
    return FD_TITLE_RE.sub(b"", body)


class Web:
    """One kept-alive HTTP/1.1 connection to a loopback port."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        """(status, headers dict with lower-case names, body, ms)."""
        return self.request("GET", path, None, headers)

    def request(self, method, path, body=None, headers=None):
        """(status, headers dict with lower-case names, body, ms)."""
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                self.conn.request(method, path, body, headers=headers or {})
                r = self.conn.getresponse()
                body = r.read()
                ms = (time.perf_counter() - t0) * 1000.0
                return (r.status, {k.lower(): v for k, v in r.getheaders()},
                        body, ms)
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                self.conn.close()
                if attempt == 2:
                    raise

    def close(self):
        self.conn.close()


def fd_patch_title(api, ev_id, title):
    status, text = api.call("PATCH", "/events/%d" % ev_id, {"title": title})
    if status != 200:
        raise RuntimeError("PATCH /events/%d -> %d %s" % (
            ev_id, status, text[:300].decode("utf-8", "replace")))


def fd_cold(api, web, ids, runs):
    """The first GET after a change (a new title through the API, so the
    store's generation moves) against the GET after it (cached)."""
    cold, warm = [], []
    for i in range(runs):
        title = "Koud gerenderd %d" % i
        fd_patch_title(api, ids[i % len(ids)], title)
        status, _, body, ms = web.get("/feeds/public.ics")
        if status != 200 or ("SUMMARY:" + title).encode() not in \
                fd_unfold(body):
            raise RuntimeError("GET after a change: %d, new title %s"
                               % (status, "missing" if status == 200 else
                                  "not checked"))
        cold.append(ms)
        status, _, _, ms = web.get("/feeds/public.ics")
        warm.append(ms)
    return cold, warm


def fd_cli_change(ctl, sock, web, ids, runs, poll_ms):
    """(a) herstelctl event edit ID --title T, then at once one GET: the
    CLI's time, the GET's time, whether it showed T; (b) the same edit
    started while a loop GETs the feed every poll_ms: time from starting
    the CLI until a GET returns T.  Alternated, runs each."""
    seq = {"cli": [], "get": [], "total": [], "shown": 0}
    polled, polls, cli_wall = [], [], []
    for i in range(runs):
        # (a) sequential
        ev = ids[(2 * i) % len(ids)]
        title = "Via herstelctl %d" % i
        want = ("SUMMARY:" + title).encode()
        cmd = [ctl, "--socket", sock, "event", "edit", str(ev),
               "--title", title]
        t0 = time.perf_counter()
        dt, _ = run_cli(cmd)
        status, _, body, ms = web.get("/feeds/public.ics")
        seq["cli"].append(dt)
        seq["get"].append(ms)
        seq["total"].append((time.perf_counter() - t0) * 1000.0)
        if status == 200 and want in fd_unfold(body):
            seq["shown"] += 1
        # (b) polling
        ev = ids[(2 * i + 1) % len(ids)]
        title = "Gepold %d" % i
        want = ("SUMMARY:" + title).encode()
        cmd = [ctl, "--socket", sock, "event", "edit", str(ev),
               "--title", title]
        n = 0
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        seen = None
        try:
            while time.perf_counter() - t0 < 30:
                status, _, body, _ = web.get("/feeds/public.ics")
                n += 1
                if status == 200 and want in fd_unfold(body):
                    seen = (time.perf_counter() - t0) * 1000.0
                    break
                time.sleep(poll_ms / 1000.0)
        finally:
            _, err = p.communicate()
        cli_wall.append((time.perf_counter() - t0) * 1000.0)
        if p.returncode != 0:
            raise RuntimeError("%s exited %d: %s" % (
                " ".join(cmd), p.returncode,
                err.decode("utf-8", "replace").strip()[:300]))
        if seen is None:
            raise RuntimeError("the new title %r never showed in the feed"
                               % title)
        polled.append(seen)
        polls.append(n)
    return seq, polled, polls, cmd


# -- nginx -------------------------------------------------------------------

FD_TYPE = "text/calendar; charset=utf-8"


def fd_nginx_conf(tmp, port, www, gzip_static, workers, access_log,
                  content_type=FD_TYPE, nopush=True):
    conf = os.path.join(tmp, "nginx.conf")
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(conf, "w") as f:
        f.write("""# written by tests/bench/bench.py: the served bytes as static files
%(user)sworker_processes %(workers)s;
daemon off;
pid %(tmp)s/nginx.pid;
error_log %(tmp)s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log %(access)s;
    sendfile on;
    tcp_nopush %(nopush)s;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    client_body_temp_path %(tmp)s/nginx-body;
    proxy_temp_path %(tmp)s/nginx-proxy;
    types { }
    default_type "%(type)s";
    server {
        listen 127.0.0.1:%(port)d;
        root %(www)s;
        %(gzip)s
    }
}
""" % {"user": user, "workers": workers, "tmp": tmp, "port": port,
       "www": www, "access": access_log, "type": content_type,
       "nopush": "on" if nopush else "off",
       "gzip": "gzip_static on; gzip_vary on;" if gzip_static else
       "# gzip_static: not in this nginx"})
    return conf


def fd_start_nginx(nginx, tmp, www, workers, access, content_type=FD_TYPE,
                   nopush=True):
    """(proc, port, conf, gzip_static?)"""
    port = free_port()
    access_log = (os.path.join(tmp, "nginx-access.log") if access
                  else "off")
    gz = True
    conf = fd_nginx_conf(tmp, port, www, gz, workers, access_log,
                         content_type, nopush)
    base = [nginx, "-p", tmp, "-e", os.path.join(tmp, "nginx-error.log"),
            "-c", conf]
    t = subprocess.run(base + ["-t"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if t.returncode != 0 and b"gzip_static" in t.stdout:
        gz = False
        conf = fd_nginx_conf(tmp, port, www, gz, workers, access_log,
                             content_type, nopush)
        t = subprocess.run(base + ["-t"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    if t.returncode != 0:
        raise RuntimeError("nginx -t: %s" % t.stdout.decode(
            "utf-8", "replace").strip())
    log = open(os.path.join(tmp, "nginx.out"), "w")
    try:
        proc = subprocess.Popen(base, cwd=tmp, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("nginx exited with %d:\n%s" % (
                proc.returncode, tail(os.path.join(tmp, "nginx-error.log"))))
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
            break
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    else:
        raise RuntimeError("nginx did not listen on %d" % port)
    while time.monotonic() < deadline and not fd_children(proc.pid):
        time.sleep(0.05)            # the master listens before it forks
    return proc, port, conf, gz


def fd_stop_nginx(proc):
    """Graceful stop (SIGQUIT), killed after 10 s; None: nothing."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGQUIT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def fd_children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        if int(st[st.rindex(")") + 2:].split()[1]) == pid:
            kids.append(int(d))
    return kids


def fd_cpu_ticks(pids):
    """utime + stime (clock ticks) of the processes, all their threads."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total


# -- wrk -----------------------------------------------------------------------

FD_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3,
            "TB": 1024 ** 4}


def fd_bytes(text):
    m = re.match(r"([\d.]+)([KMGT]?B)?$", text)
    return float(m.group(1)) * FD_UNITS[m.group(2) or ""] if m else 0.0


def fd_wrk(wrk, url, headers, seconds, threads, conns):
    cmd = [wrk, "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds,
           "--latency"]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(url)
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=seconds + 60)
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = r.stdout.decode("utf-8", "replace")
    if r.returncode != 0:
        raise RuntimeError("%s exited %d:\n%s" % (" ".join(cmd),
                                                   r.returncode, text))
    res = {"cmd": cmd, "text": text, "bad": 0, "errors": "",
           # what receiving cost the client, wrk itself
           "client_cpu_s": (u1.ru_utime + u1.ru_stime) -
           (u0.ru_utime + u0.ru_stime)}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    res["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+\w*B?) read",
                  text)
    if m:
        res["requests"] = int(m.group(1))
        res["read"] = fd_bytes(m.group(4))
    else:
        res["requests"], res["read"] = 0, 0.0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        res["bad"] = int(m.group(1))
    m = re.search(r"Socket errors:(.*)", text)
    if m:
        res["errors"] = m.group(1).strip()
    m = re.search(r"Latency\s+([\d.]+\w+)", text)
    res["lat_avg"] = m.group(1) if m else "?"
    m = re.search(r"\n\s+99%\s+([\d.]+\w+)", text)
    res["lat_p99"] = m.group(1) if m else "?"
    return res


def fd_check(web, headers):
    status, h, body, _ = web.get("/feeds/public.ics", dict(headers))
    return status, h, body


def fd_header_line(status, h, body):
    return "%d  Content-Type: %s; Content-Length: %s; ETag: %s%s%s" % (
        status, h.get("content-type", "-"), h.get("content-length", "-"),
        h.get("etag", "-"),
        "; Content-Encoding: " + h["content-encoding"]
        if "content-encoding" in h else "",
        "; Vary: " + h["vary"] if "vary" in h else "")


def bench_feeds(hersteld, ctl, keep):
    n_events = env_int("BENCH_FEED_EVENTS", 1000)
    n_series = env_int("BENCH_FEED_SERIES", 100)
    cold_runs = env_int("BENCH_FEED_COLD_RUNS", 10)
    cli_runs = env_int("BENCH_FEED_CLI_RUNS", 10)
    seconds = env_int("BENCH_WRK_SECONDS", 10)
    rounds = env_int("BENCH_WRK_ROUNDS", 3)
    threads = env_int("BENCH_WRK_THREADS", 2)
    conns = env_int("BENCH_WRK_CONNECTIONS", 32)
    workers = os.environ.get("BENCH_NGINX_WORKERS", "") or "auto"
    # A production static server logs nothing per request by default.
    access = os.environ.get("BENCH_NGINX_ACCESS_LOG", "0") != "0"
    poll_ms = 2
    wrk = shutil.which("wrk")
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)

    out("")
    out("#" * 72)
    out("hersteld bench, feeds: %s" % hersteld)
    if not wrk or not nginx:
        out("bench: feeds part needs wrk and nginx (missing: %s); "
            "run scripts/deps.sh bench as root (make bench does)"
            % ", ".join(n for n, p in (("wrk", wrk), ("nginx", nginx))
                        if not p))
        return 1
    nv = subprocess.run([nginx, "-v"], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT).stdout.decode().strip()
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-feeds-")
    proc = ngx = alone = None
    res = {}
    try:
        proc, sock, log, port = start_daemon(hersteld, tmp, 730)
        out("  temp dir %s, hersteld pid %d on 127.0.0.1:%d; %s; %d CPUs"
            % (tmp, proc.pid, port, nv, os.cpu_count() or 0))

        # ---- seed ----------------------------------------------------
        day0 = datetime.date.today() + datetime.timedelta(days=1)
        out("")
        out("== seeding %d public events (%d weekly series) over 365 days "
            "from %s, through the API" % (n_events, n_series, day0))
        api = Api(sock)
        t0 = time.perf_counter()
        singles, nrooms, made, moved = fd_seed(api, n_events, n_series,
                                               day0, 365)
        out("  %d events (%d series) in %.1f s: %d in the room drawn, %d in "
            "another room (the drawn one was booked), %d at a place as no "
            "room was free, %d at a place as drawn"
            % (n_events, made, time.perf_counter() - t0, moved[0], moved[1],
               moved[2], n_events - sum(moved.values())))
        if not singles:
            raise RuntimeError("no single events to change")

        # ---- cold render ----------------------------------------------
        web = Web(port)
        status, h, body, first_ms = web.get("/feeds/public.ics")
        if status != 200:
            raise RuntimeError("GET /feeds/public.ics -> %d" % status)
        nvevent = body.count(b"BEGIN:VEVENT")
        nrrule = body.count(b"\r\nRRULE:")
        out("")
        out("== /feeds/public.ics: %d bytes, %d VEVENTs (%d with RRULE), "
            "%d lines" % (len(body), nvevent, nrrule, body.count(b"\r\n")))
        out("  first GET after seeding (render, gzip, SHA-256): %.1f ms"
            % first_ms)
        out("== cold render: a new title through the API (PATCH), then the "
            "next GET; then the GET after it (from the cache); %d runs"
            % cold_runs)
        cold, warm = fd_cold(api, web, singles, cold_runs)
        res["cold"] = (statistics.median(cold), min(cold), max(cold))
        res["warm"] = (statistics.median(warm), min(warm), max(warm))
        out("  first GET after a change  median %7.1f ms  min %7.1f  max "
            "%7.1f" % res["cold"])
        out("  the GET after it (cache)  median %7.1f ms  min %7.1f  max "
            "%7.1f" % res["warm"])
        api.close()

        # ---- CLI change to the feed ------------------------------------
        out("")
        out("== herstelctl event edit ID --title T, to T in "
            "/feeds/public.ics; %d runs of each, alternated" % cli_runs)
        seq, polled, polls, pcmd = fd_cli_change(ctl, sock, web, singles,
                                                 cli_runs, poll_ms)
        res["cli_seq"] = statistics.median(seq["total"])
        res["cli_poll"] = statistics.median(polled)
        res["cli_shown"] = seq["shown"]
        out("  e.g. %s" % " ".join(pcmd[1:]))
        out("  (a) CLI, then one GET: CLI median %.1f ms, GET median %.1f "
            "ms, CLI start to feed in hand median %.1f ms (min %.1f, max "
            "%.1f); the next GET showed the new title in %d of %d runs"
            % (statistics.median(seq["cli"]), statistics.median(seq["get"]),
               res["cli_seq"], min(seq["total"]), max(seq["total"]),
               seq["shown"], cli_runs))
        out("  (b) GET every %d ms while the CLI runs: CLI start to a GET "
            "with the new title median %.1f ms (min %.1f, max %.1f); "
            "%.0f GETs per run (median)"
            % (poll_ms, res["cli_poll"], min(polled), max(polled),
               statistics.median(polls)))

        # ---- the same bytes under nginx --------------------------------
        status, h, body, _ = web.get("/feeds/public.ics")
        gst, gh, gbody, _ = web.get("/feeds/public.ics",
                                    {"Accept-Encoding": "gzip"})
        www = os.path.join(tmp, "www")
        os.makedirs(os.path.join(www, "feeds"))
        path = os.path.join(www, "feeds", "public.ics")
        with open(path, "wb") as f:
            f.write(body)
        if gh.get("content-encoding") == "gzip":
            with open(path + ".gz", "wb") as f:
                f.write(gbody)      # hersteld's own gzip, byte for byte
        ngx, nport, nconf, ngz = fd_start_nginx(nginx, tmp, www, workers,
                                                access)
        nweb = Web(nport)
        # The same nginx sending a 200's header in a packet of its own, as
        # libmicrohttpd does before a sendfile body: how much of the
        # difference at 200 that accounts for (the 200 case only).
        atmp = os.path.join(tmp, "header-alone")
        os.makedirs(atmp)
        alone, aport, _, _ = fd_start_nginx(nginx, atmp, www, workers,
                                            access, nopush=False)
        out("")
        out("== nginx on 127.0.0.1:%d serving the same bytes as a static "
            "file: worker_processes %s (%d workers), sendfile on, "
            "tcp_nopush on, open_file_cache on, %s, gzip_static %s, "
            "keepalive_requests default (1000); %s" % (
                nport, workers, len(fd_children(ngx.pid)), "access_log %s" % (
                    "in the temp dir" if access else "off"),
                "on (hersteld's own .gz next to it)" if ngz else
                "not available", nconf))
        hurl = "http://127.0.0.1:%d/feeds/public.ics" % port
        nurl = "http://127.0.0.1:%d/feeds/public.ics" % nport
        hs, hh, hb = fd_check(web, {})
        ns, nh, nb = fd_check(nweb, {})
        if hb != nb:
            raise RuntimeError("nginx does not serve the same bytes")
        out("  same %d bytes from both: yes" % len(hb))
        out("  hersteld  GET  -> %s" % fd_header_line(hs, hh, hb))
        out("  nginx     GET  -> %s" % fd_header_line(ns, nh, nb))
        cases = [("200", "200, plain", {}, {})]
        cases.append(("304", "304, If-None-Match: own ETag",
                      {"If-None-Match": hh["etag"]},
                      {"If-None-Match": nh["etag"]}))
        cases.append(("gzip", "200, Accept-Encoding: gzip",
                      {"Accept-Encoding": "gzip"},
                      {"Accept-Encoding": "gzip"}))
        expect = {"200": (200, None), "304": (304, None),
                  "gzip": (200, "gzip")}
        runnable = {}
        for key, label, hhdr, nhdr in cases:
            for who, w, hdr in (("hersteld", web, hhdr),
                                ("nginx", nweb, nhdr)):
                st, hd, bd = fd_check(w, hdr)
                want_st, want_enc = expect[key]
                ok = st == want_st and hd.get("content-encoding") == want_enc
                if key == "304":
                    ok = ok and bd == b""
                if key != "200":
                    out("  %-8s %-5s -> %s%s" % (who, key,
                                                 fd_header_line(st, hd, bd),
                                                 "" if ok else
                                                 "   (unexpected: not run)"))
                runnable[(key, who)] = ok
        web.close()
        nweb.close()

        targets = {"hersteld": (hurl, [proc.pid]),
                   "nginx": (nurl, None),
                   "nginx-1": ("http://127.0.0.1:%d/feeds/public.ics"
                               % aport, None)}
        masters = {"nginx": ngx, "nginx-1": alone}
        hdrs = {("hersteld", k): ["%s: %s" % kv for kv in hh_.items()]
                for k, _, hh_, _ in cases}
        hdrs.update({("nginx", k): ["%s: %s" % kv for kv in nh_.items()]
                     for k, _, _, nh_ in cases})
        hdrs[("nginx-1", "200")] = []
        runnable[("200", "nginx-1")] = True
        out("")
        out("== wrk -t%d -c%d -d%ds, %d rounds; in each round every case "
            "runs hersteld and nginx back to back, who goes first "
            "alternating by round (plus a 2 s warm-up each, not counted); "
            "at 200 also nginx-1: the same nginx with tcp_nopush off, which "
            "sends the header in a packet of its own before the body, as "
            "libmicrohttpd does; client = wrk's own CPU"
            % (threads, conns, seconds, rounds))
        for who in ("hersteld", "nginx"):
            fd_wrk(wrk, targets[who][0], [], 2, threads, conns)
        samples = {}
        for rnd_ in range(rounds):
            for key, label, _, _ in cases:
                order = ["hersteld", "nginx"]
                if (rnd_ + ["200", "304", "gzip"].index(key)) % 2:
                    order.reverse()
                if key == "200":
                    order.append("nginx-1")
                for who in order:
                    if not runnable[(key, who)]:
                        continue
                    pids = targets[who][1] or [masters[who].pid] + \
                        fd_children(masters[who].pid)
                    c0 = fd_cpu_ticks(pids)
                    r = fd_wrk(wrk, targets[who][0], hdrs[(who, key)],
                               seconds, threads, conns)
                    r["cpu_s"] = (fd_cpu_ticks(pids) - c0) / float(
                        os.sysconf("SC_CLK_TCK"))
                    samples.setdefault((key, who), []).append(r)
                    out("  round %d %-5s %-8s %10.0f req/s  %8.0f B/resp  "
                        "lat avg %-8s p99 %-8s cpu %5.1f s (%.0f us/req, "
                        "client %.0f us/req)%s%s"
                        % (rnd_ + 1, key, who, r["rps"],
                           r["read"] / max(r["requests"], 1), r["lat_avg"],
                           r["lat_p99"], r["cpu_s"],
                           r["cpu_s"] * 1e6 / max(r["requests"], 1),
                           r["client_cpu_s"] * 1e6 / max(r["requests"], 1),
                           "  non-2xx/3xx %d" % r["bad"] if r["bad"] else "",
                           "  socket errors:" + r["errors"]
                           if r["errors"] else ""))
                    if proc.poll() is not None:
                        raise RuntimeError("hersteld died under wrk:\n"
                                           + tail(log))
        res["wrk"] = {}
        for key, label, _, _ in cases:
            h_ = [r["rps"] for r in samples.get((key, "hersteld"), [])]
            n_ = [r["rps"] for r in samples.get((key, "nginx"), [])]
            res["wrk"][key] = (label,
                               statistics.median(h_) if h_ else None,
                               statistics.median(n_) if n_ else None,
                               [a / b for a, b in zip(h_, n_) if b])
        a_ = [r["rps"] for r in samples.get(("200", "nginx-1"), [])]
        n_ = [r["rps"] for r in samples.get(("200", "nginx"), [])]
        res["alone"] = (statistics.median(a_) if a_ else None,
                        [a / b for a, b in zip(a_, n_) if b])
        res["client"] = {
            who: statistics.median([r["client_cpu_s"] * 1e6 /
                                    max(r["requests"], 1) for r in v])
            for (key, who), v in samples.items() if key == "200"}

        # ---- summary -------------------------------------------------
        out("")
        out("=" * 72)
        out("SUMMARY, feeds (figures only; nothing here is asserted)")
        out("  /feeds/public.ics: %d events (%d weekly series), %d bytes "
            "(gzip %d)" % (n_events, made, len(hb), len(gbody)))
        out("  wrk -t%d -c%d -d%ds, %d rounds alternated; medians of "
            "requests/s" % (threads, conns, seconds, rounds))
        for key in ("200", "304", "gzip"):
            label, hr, nr, ratios = res["wrk"][key]
            if hr is None:
                out("  %-30s  hersteld not run" % label)
                continue
            if nr is None:
                out("  %-30s  hersteld %9.0f   nginx (not available)"
                    % (label, hr))
                continue
            ratio = hr / nr if nr else 0
            goal = "" if key == "gzip" else "  goal >= 1.0  %s" % (
                "met" if ratio >= 1.0 else "NOT MET")
            out("  %-30s  hersteld %9.0f  nginx %9.0f  ratio %.2f "
                "(per round %s)%s" % (label, hr, nr, ratio, ", ".join(
                    "%.2f" % x for x in ratios), goal))
        if res["alone"][0] is not None and res["wrk"]["200"][2]:
            out("  %-30s  nginx-1  %9.0f  ratio to nginx %.2f (per round "
                "%s): nginx sending the header alone, as libmicrohttpd does"
                % ("200, header alone", res["alone"][0],
                   res["alone"][0] / res["wrk"]["200"][2], ", ".join(
                       "%.2f" % x for x in res["alone"][1])))
            out("  %-30s  %s" % ("200, client CPU per request", "  ".join(
                "%s %.0f us" % kv for kv in sorted(res["client"].items()))))
        out("  cold render (first GET after a change)  median %6.1f ms  "
            "min %6.1f  max %6.1f" % res["cold"])
        out("  cached GET over keep-alive (python)     median %6.1f ms"
            % res["warm"][0])
        out("  CLI change to the changed feed: CLI + next GET median %.1f ms "
            "(new title at the next GET in %d/%d); polling every %d ms: "
            "median %.1f ms from CLI start"
            % (res["cli_seq"], res["cli_shown"], cli_runs, poll_ms,
               res["cli_poll"]))
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: feeds part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        if ngx is not None:
            out("nginx error log:\n" + tail(os.path.join(tmp,
                                                         "nginx-error.log")))
        return 1
    finally:
        fd_stop_nginx(ngx)
        fd_stop_nginx(alone)
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- the mail part --------------------------------------------------------

ML_FROM = "noreply@example.org"
ML_DOMAIN = "example.net"            # the daemon's recipients
ML_PLAIN_DOMAIN = "example.com"      # the plain sender's recipients
ML_LEAD = "1h"
ML_LEAD_S = 3600

# The sink, run as its own process (/usr/bin/python3 sink.py PORT) so that
# measuring does not share a GIL with it.  It records, per message
# accepted, the arrival time, the Message-ID, the envelope recipients and
# the size, and keeps the first message to each recipient domain; it
# answers commands on stdin: "count", "dump PATH" (JSON records), "last"
# (the last record, JSON), "sample DOMAIN PATH" (the first message to
# DOMAIN), "quit".
ML_SINK_SRC = r'''
import json, logging, re, sys, time
from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.CRITICAL)
MID = re.compile(rb"^Message-ID:[ \t]*([^\r\n]*)", re.I | re.M)
recs = []
first = {}


class Handler:
    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        t = time.time()
        end = data.find(b"\r\n\r\n")
        m = MID.search(data, 0, end if end >= 0 else len(data))
        recs.append((t, m.group(1).decode("ascii", "replace") if m else "",
                     list(envelope.rcpt_tos), len(data)))
        dom = envelope.rcpt_tos[0].rpartition("@")[2].lower() \
            if envelope.rcpt_tos else ""
        if dom not in first:
            first[dom] = bytes(data)
        return "250 2.0.0 OK: queued (bench sink)"


c = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]),
               decode_data=False, ready_timeout=10)
c.start()
print("ready", flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "count":
        print(len(recs), flush=True)
    elif cmd == "dump":
        with open(arg, "w") as f:
            json.dump(recs, f)
        print("ok", flush=True)
    elif cmd == "sample":
        dom, _, path = arg.partition(" ")
        with open(path, "wb") as f:
            f.write(first.get(dom.lower(), b""))
        print("ok", flush=True)
    elif cmd == "last":
        print(json.dumps(recs[-1] if recs else None), flush=True)
    elif cmd == "quit":
        break
c.stop()
'''


class MlSink:
    def __init__(self, tmp):
        src = os.path.join(tmp, "sink.py")
        with open(src, "w") as f:
            f.write(ML_SINK_SRC)
        self.port = free_port()
        self.errlog = os.path.join(tmp, "sink.log")
        with open(self.errlog, "w") as ef:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", src, str(self.port)], cwd=tmp,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=ef,
                text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError("the aiosmtpd sink did not start:\n"
                               + tail(self.errlog))

    def ask(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the aiosmtpd sink died:\n" + tail(self.errlog))
        return line.strip()

    def count(self):
        return int(self.ask("count"))

    def close(self):
        if self.proc.poll() is not None:
            return
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def ml_cpu(pid):
    """User + system CPU seconds of a process, all threads, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def ml_io(pid):
    """/proc/PID/io as a dict (may be unreadable)."""
    d = {}
    try:
        with open("/proc/%d/io" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                d[k] = int(v)
    except (OSError, ValueError):
        pass
    return d


def ml_start_daemon(hersteld, tmp, port, smtp_port):
    conf = write_conf(tmp, port, smtp_url="smtp://127.0.0.1:%d" % smtp_port,
                      leads=(ML_LEAD,), smtp_retry=60)
    sock = os.path.join(tmp, "hersteld.sock")
    log = os.path.join(tmp, "hersteld.log")
    if os.path.exists(sock):
        os.unlink(sock)
    with open(log, "a") as lf:
        proc = subprocess.Popen([hersteld, "-d", "-c", conf], cwd=tmp,
                                stdin=subprocess.DEVNULL,
                                stdout=lf, stderr=subprocess.STDOUT)
    wait_for_socket(proc, sock, log)
    return proc, sock, log


def ml_fill(tmp, event_id, ref_id, n):
    """Participants 2..n like the reference one, and all n registered for
    the event: straight into the database while the daemon is stopped."""
    import secrets
    import sqlite3
    db = sqlite3.connect(os.path.join(tmp, "hersteld.db"))
    try:
        leads, quiet = db.execute("SELECT leads, quiet FROM participant "
                                  "WHERE id = ?", (ref_id,)).fetchone()
        now = int(time.time())
        with db:
            db.executemany(
                "INSERT INTO participant (email, name, lang, leads, quiet, "
                "feed_token, unsub_token, created, modified) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (("deelnemer-%05d@%s" % (i, ML_DOMAIN), "Deelnemer %d" % i,
                  "en" if i % 5 == 0 else "nl", leads, quiet,
                  secrets.token_hex(32), secrets.token_hex(32), now, now)
                 for i in range(2, n + 1)))
            db.execute(
                "INSERT INTO registration (event_id, participant_id, "
                "occurrence, status, created, modified) SELECT ?, id, 0, "
                "'going', ?, ? FROM participant", (event_id, now, now))
        return (db.execute("SELECT count(*) FROM participant").fetchone()[0],
                db.execute("SELECT count(*) FROM registration WHERE "
                           "event_id = ?", (event_id,)).fetchone()[0],
                leads, quiet)
    finally:
        db.close()


def ml_plain(port, template, rcpt0, n, tag, deadline=None):
    """The sink's own capacity: n messages like template over one smtplib
    connection, each with its own Message-ID and recipient (TAG-NNNNN...@
    ML_PLAIN_DOMAIN, both padded to the template's lengths so that every
    message has its size), built before the clock starts; stops early at
    deadline (time.time()).  (sent, seconds, CPU seconds of this process,
    refused)."""
    import smtplib
    head, sep, body = template.partition(b"\r\n\r\n")
    mid = re.compile(rb"^(Message-ID:[ \t]*)([^\r\n]*)", re.I | re.M)
    m = mid.search(head)
    mid_len = len(m.group(2)) if m else 0

    def padded(core, tail, length):
        k = length - len(core) - len(tail)
        return core + ("." + "0" * (k - 1) if k > 1 else "") + tail

    msgs = []
    for i in range(n):
        rcpt = padded("%s-%05d" % (tag, i + 1), "@" + ML_PLAIN_DOMAIN,
                      len(rcpt0))
        new_mid = padded("<bench-%s-%d" % (tag, i + 1),
                         "@%s>" % ML_PLAIN_DOMAIN, mid_len)
        h = mid.sub(lambda x: x.group(1) + new_mid.encode(), head, count=1)
        h = h.replace(rcpt0.encode(), rcpt.encode())
        msgs.append((rcpt, h + sep + body))
    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
    refused = sent = 0
    try:
        s.ehlo()
        c0 = os.times()
        t0 = time.perf_counter()
        for rcpt, m in msgs:
            try:
                s.sendmail(ML_FROM, [rcpt], m)
            except smtplib.SMTPResponseException:
                refused += 1
            sent += 1
            if deadline and sent % 100 == 0 and time.time() > deadline:
                break
        secs = time.perf_counter() - t0
        c1 = os.times()
    finally:
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, secs, (c1.user - c0.user) + (c1.system - c0.system), refused


def ml_plain_run(sink, tmp, template, rcpt0, n, tag, deadline=None):
    """One plain run (see ml_plain), timed by the sink's arrivals; prints
    its figures.  (rate, messages arrived, span)."""
    c0 = ml_cpu(sink.proc.pid)
    sent, secs, cpu, refused = ml_plain(sink.port, template, rcpt0, n, tag,
                                        deadline)
    c1 = ml_cpu(sink.proc.pid)
    cpu_sink = c1 - c0 if None not in (c0, c1) else None
    dump = os.path.join(tmp, "sink-%s.json" % tag)
    sink.ask("dump " + dump)
    with open(dump) as f:
        pt = sorted(r[0] for r in json.load(f) if r[2] and
                    r[2][0].startswith(tag + "-"))
    npl, span, rate = ml_rate(pt)
    out("  %d of %d sent messages arrived (%d refused); %.0f messages/s "
        "from the first arrival to the last (%.0f/s as the sender timed it)"
        % (npl, sent, refused, rate, sent / secs if secs else 0))
    if cpu_sink is not None and span > 0:
        out("  CPU while sending: the sender %.2f s (%.0f%%), the sink "
            "%.2f s (%.0f%% of one core)"
            % (cpu, 100 * cpu / secs, cpu_sink, 100 * cpu_sink / span))
    return rate, npl, span, (cpu_sink / npl if cpu_sink is not None and npl
                             else None), cpu_sink


def ml_rate(times):
    """(messages, span from first to last arrival, messages per second
    over that span: (n - 1) / span)."""
    if len(times) < 2:
        return len(times), 0.0, 0.0
    span = times[-1] - times[0]
    return len(times), span, (len(times) - 1) / span if span > 0 else 0.0


def ml_outbox(db):
    return dict(db.execute("SELECT status, count(*) FROM outbox WHERE "
                           "kind = 'reminder' GROUP BY status").fetchall())


def ml_settle(tmp, timeout=10.0):
    """Waits (read-only) until no reminder is pending or sending; the
    reminders by status."""
    db = bk_db(tmp)
    try:
        t_end = time.time() + timeout
        while True:
            st = ml_outbox(db)
            if (not st.get("pending") and not st.get("sending")) or \
                    time.time() > t_end:
                return st
            time.sleep(0.2)
    finally:
        db.close()


def ml_clone(tmp, rows, run, due):
    """The reminders of the first run queued again for run RUN, due at
    DUE: the same messages to the same recipients under new keys, each
    Message-ID marked with the run in place of its first three characters
    (every message keeps its size), written with python sqlite3 while the
    daemon runs; the daemon looks again on SIGHUP."""
    import sqlite3
    mid = re.compile(r"^(Message-ID:[ \t]*<)[^\r\n]{3}", re.I | re.M)
    tag = "r%d." % run
    now = int(time.time())
    db = sqlite3.connect(os.path.join(tmp, "hersteld.db"), timeout=30)
    try:
        with db:
            db.executemany(
                "INSERT INTO outbox (key, kind, participant_id, event_id, "
                "occurrence, recipient, subject, message, quiet, due, "
                "next_attempt, created, expires) VALUES (?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?)",
                ((r[0] + ":bench-run-%d" % run, r[1], r[2], r[3], r[4], r[5],
                  r[6], mid.sub(lambda m: m.group(1) + tag, r[7], count=1),
                  r[8], due, due, now, r[9]) for r in rows))
    finally:
        db.close()


def ml_gaps(dt, span):
    """Where the time between arrivals goes: the pauses before each
    message by their place in the cycle of the single-threaded delivery
    (claims of 64, a recording after every 16), and the stalls (pauses
    longer than 5 times the median); prints them, returns the time the
    pauses after 16 and 64 add beyond the usual one."""
    gaps = {"inside a group of 16": [], "after 16 (record)": [],
            "after 64 (record + claim)": []}
    allg = []
    for k in range(1, len(dt)):
        g = dt[k] - dt[k - 1]
        allg.append(g)
        key = ("after 64 (record + claim)" if k % 64 == 0 else
               "after 16 (record)" if k % 16 == 0 else
               "inside a group of 16")
        gaps[key].append(g)
    inside = gaps["inside a group of 16"]
    usual = statistics.median(inside) if inside else 0.0
    extra = sum(g - usual for key in ("after 16 (record)",
                                      "after 64 (record + claim)")
                for g in gaps[key])
    for key, v in gaps.items():
        if v:
            out("    pause before a message %-26s median %6.2f ms, "
                "mean %6.2f ms, %4.1f s in all (%2.0f%%)"
                % (key + ":", 1000 * statistics.median(v),
                   1000 * statistics.mean(v), sum(v),
                   100 * sum(v) / span if span else 0))
    med = statistics.median(allg) if allg else 0.0
    long_ = [g for g in allg if g > 5 * med]
    out("    beyond the usual pause, those after 16 and 64 add %.2f s "
        "(%.0f%% of the span); %d pauses over 5x the median (%.2f ms) "
        "take %.2f s in all"
        % (extra, 100 * extra / span if span else 0, len(long_),
           1000 * med, sum(long_)))
    return extra


def ml_daemon_run(sink, proc, tmp, log, due, n, recipients, label):
    """One delivery by the daemon of n reminders due at DUE (time.time()):
    waits for them at the sink, lets the outbox settle and prints the
    figures; a dict."""
    out("")
    out("== %s: delivery by hersteld (due %s)" % (
        label, time.strftime("%H:%M:%S", time.localtime(due))))
    base = sink.count()
    while time.time() < due - 0.5:
        time.sleep(max(0.0, min(0.5, due - 0.5 - time.time())))
    cpu_d0, cpu_s0, io0 = ml_cpu(proc.pid), ml_cpu(sink.proc.pid), \
        ml_io(proc.pid)
    deadline = due + env_int("BENCH_MAIL_TIMEOUT", 120)
    last, last_change = -1, time.time()
    while time.time() < deadline:
        time.sleep(0.25)
        got = sink.count() - base
        if got != last:
            last, last_change = got, time.time()
        if got >= n or time.time() - last_change > 30:
            break
        if proc.poll() is not None:
            raise RuntimeError("hersteld died while sending:\n" + tail(log))
    cpu_d1, cpu_s1, io1 = ml_cpu(proc.pid), ml_cpu(sink.proc.pid), \
        ml_io(proc.pid)
    st_end = ml_settle(tmp)
    dump = os.path.join(tmp, "sink-%s.json" % label.replace(" ", "-"))
    sink.ask("dump " + dump)
    with open(dump) as f:
        drecs = [r for r in json.load(f)[base:] if not (
            r[2] and r[2][0].endswith("@" + ML_PLAIN_DOMAIN))]
    if not drecs:
        raise RuntimeError("no reminder reached the sink:\n" + tail(log))
    dt = sorted(r[0] for r in drecs)
    nd, span, rate = ml_rate(dt)
    res = {"rate": rate, "n": nd, "span": span, "outbox": st_end,
           "from_due": nd / (dt[-1] - due) if dt[-1] > due else 0.0,
           "first_ms": (dt[0] - due) * 1000}
    got, mids = {}, {}
    for r in drecs:
        for a in r[2]:
            got[a] = got.get(a, 0) + 1
        mids[r[1]] = mids.get(r[1], 0) + 1
    res["lost"] = len(set(recipients) - set(got))
    res["dup"] = sum(c - 1 for c in mids.values() if c > 1)
    res["dup_rcpt"] = sum(c - 1 for c in got.values() if c > 1)
    res["no_mid"] = mids.get("", 0)
    cpu_d = cpu_d1 - cpu_d0 if None not in (cpu_d0, cpu_d1) else None
    cpu_s = cpu_s1 - cpu_s0 if None not in (cpu_s0, cpu_s1) else None
    res["busy"] = cpu_s / span if cpu_s is not None and span > 0 else None
    res["sink_cpu"] = cpu_s
    out("  %d messages arrived; the first %.0f ms after the due second, "
        "the last %.1f s after it" % (nd, res["first_ms"], dt[-1] - due))
    out("  %.0f messages/s from the first arrival to the last "
        "(%.0f/s counted from the due second)" % (rate, res["from_due"]))
    if cpu_d is not None and span > 0:
        out("  CPU while sending: hersteld %.2f s (%.0f%% of one core, "
            "%.0f us per message), the sink %.2f s (%.0f%%: how busy "
            "hersteld kept it)" % (cpu_d, 100 * cpu_d / span,
                                   1e6 * cpu_d / nd, cpu_s,
                                   100 * cpu_s / span))
    if io0 and io1:
        w = io1.get("write_bytes", 0) - io0.get("write_bytes", 0)
        out("  hersteld's storage writes while sending: %.1f MB (%.1f kB "
            "per message; the delivery thread commits with "
            "synchronous=NORMAL)" % (w / 1e6, w / 1e3 / nd))
    res["bookkeeping_s"] = ml_gaps(dt, span)
    out("  lost %d, duplicated %d (recipients twice %d, without a "
        "Message-ID %d); outbox reminders then: %s"
        % (res["lost"], res["dup"], res["dup_rcpt"], res["no_mid"],
           ", ".join("%s %d" % kv for kv in sorted(st_end.items()))))
    return res


def ml_confirmations(sink, sock, event_id, k):
    """The latency of single confirmation mails, one at a time with the
    outbox otherwise idle: a participant registers through the API, whose
    transaction queues the confirmation and commits before the answer;
    the sink notes the message just before it answers 250.  [(arrival -
    answer, arrival - request)]: the commit -> 250 time lies between the
    two."""
    api = Api(sock)
    lat = []
    try:
        for i in range(k):
            who = "bevestiging-%03d@%s" % (i + 1, ML_DOMAIN)
            api.post("/participants", {"email": who, "remind": "none",
                                       "quiet": "none"})
            base = sink.count()
            t0 = time.time()
            status, text = api.call("POST", "/events/%d/register"
                                    % event_id, {"participant": who})
            t1 = time.time()
            if status not in (200, 201):
                raise RuntimeError("registering %s -> %d %s" % (
                    who, status, text[:300].decode("utf-8", "replace")))
            t_end = t1 + 30
            while sink.count() <= base:
                if time.time() > t_end:
                    raise RuntimeError("no confirmation mail to %s within "
                                       "30 s" % who)
                time.sleep(0.002)
            rec = json.loads(sink.ask("last"))
            if who not in rec[2]:
                raise RuntimeError("the sink's last message went to %s, "
                                   "not %s" % (rec[2], who))
            lat.append((rec[0] - t1, rec[0] - t0))
            time.sleep(0.2)       # the outbox records it and goes idle
    finally:
        api.close()
    return lat


def ml_spread(v, fmt="%.2f"):
    """The median of v and the values themselves: the spread."""
    return ("median " + fmt + " (%s)") % (statistics.median(v), " ".join(
        fmt % x for x in v))


def bench_mail(hersteld, ctl, keep):
    n = env_int("BENCH_MAIL_MESSAGES", 10000)
    margin = env_int("BENCH_MAIL_MARGIN", 30)
    runs = env_int("BENCH_MAIL_RUNS", 3)
    n_confirm = env_int("BENCH_MAIL_CONFIRMATIONS", 20)
    if n < 2:
        sys.exit("bench: BENCH_MAIL_MESSAGES must be at least 2")
    if not 1 <= runs <= 9:
        sys.exit("bench: BENCH_MAIL_RUNS must be 1 to 9")
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-mail-")
    proc = sink = None
    res = {}
    try:
        sink = MlSink(tmp)
        port = free_port()
        proc, sock, log = ml_start_daemon(hersteld, tmp, port, sink.port)
        out("")
        out("#" * 72)
        out("hersteld bench, mail: %s" % hersteld)
        out("  temp dir %s, pid %d; aiosmtpd sink (own process, pid %d) on "
            "127.0.0.1:%d; smtp.retry 60, reminders.lead [\"%s\"]"
            % (tmp, proc.pid, sink.proc.pid, sink.port, ML_LEAD))
        out("  load average at the start: %s" % " ".join(
            "%.2f" % x for x in os.getloadavg()))

        # ---- queue ---------------------------------------------------
        # The event starts on a whole minute, lead + margin from now or
        # later, so its reminders fall due together at start - lead.
        import zoneinfo
        zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
        start = (int(time.time()) + ML_LEAD_S + margin + 59) // 60 * 60
        due = start - ML_LEAD_S
        local = datetime.datetime.fromtimestamp(start, zone)
        out("")
        out("== queueing %d reminders, due together at %s (local %s), "
            "lead %s before an event at %s"
            % (n, datetime.datetime.fromtimestamp(due, zone).strftime(
                "%H:%M:%S"), zone.key, ML_LEAD, local.strftime("%H:%M")))
        api = Api(sock)
        try:
            ev = api.post("/events", {
                "kind": "themabijeenkomst",
                "title": "Ouderavond: hoe gaat het nu?",
                "start": local.strftime("%Y-%m-%d %H:%M"),
                "duration": "90m",
                "place": "Bibliotheek Bijlmerplein, Bijlmerplein 93"})
            ref = api.post("/participants", {
                "email": "deelnemer-00001@%s" % ML_DOMAIN,
                "name": "Deelnemer 1", "remind": ML_LEAD, "quiet": "none"})
        finally:
            api.close()
        stop(proc)
        proc = None
        t0 = time.perf_counter()
        n_part, n_reg, leads, quiet = ml_fill(tmp, ev["id"], ref["id"], n)
        out("  event %s (no capacity limit, at a place); participant %s "
            "through the API (remind %r, quiet %r), the other %d and all "
            "%d registrations inserted with sqlite3 in %.1f s while the "
            "daemon was stopped"
            % (ev["id"], ref["id"], leads, quiet, n_part - 1, n_reg,
               time.perf_counter() - t0))
        t0 = time.perf_counter()
        proc, sock, log = ml_start_daemon(hersteld, tmp, port, sink.port)
        db = bk_db(tmp)
        try:
            queued = 0
            while time.time() < due - 1:
                queued = db.execute(
                    "SELECT count(*) FROM outbox WHERE kind = 'reminder' "
                    "AND status = 'pending' AND next_attempt = ?",
                    (due,)).fetchone()[0]
                if queued >= n:
                    break
                if proc.poll() is not None:
                    raise RuntimeError("hersteld died while planning:\n"
                                       + tail(log))
                time.sleep(0.1)
            res["plan_s"] = time.perf_counter() - t0
            others = db.execute("SELECT kind, status, count(*) FROM outbox "
                                "WHERE NOT (kind = 'reminder' AND "
                                "next_attempt = ?) GROUP BY 1, 2",
                                (due,)).fetchall()
            rcpt0, stored = db.execute(
                "SELECT recipient, CAST(message AS BLOB) FROM outbox WHERE "
                "kind = 'reminder' ORDER BY next_attempt, id LIMIT 1"
            ).fetchone()
            size = len(stored)
            avg = db.execute("SELECT avg(length(CAST(message AS BLOB))) "
                             "FROM outbox WHERE kind = 'reminder'"
                             ).fetchone()[0] or 0
            # What later runs queue again (ml_clone).
            rows = db.execute(
                "SELECT key, kind, participant_id, event_id, occurrence, "
                "recipient, subject, message, quiet, expires FROM outbox "
                "WHERE kind = 'reminder' AND next_attempt = ?",
                (due,)).fetchall()
            recipients = [r[5] for r in rows]
        finally:
            db.close()
        res["queued"] = queued
        out("  restarted: the start-up planning queued %d reminders (due %s) "
            "%.1f s after the start; %.1f s before they fall due"
            % (queued, "together" if queued else "-", res["plan_s"],
               due - time.time()))
        out("  messages as stored: %d bytes (first), %.0f bytes on average; "
            "other outbox rows: %s" % (size, avg, ", ".join(
                "%s %s %d" % r for r in others) or "none"))
        if queued < n:
            raise RuntimeError("only %d of %d reminders queued before they "
                               "fell due" % (queued, n))

        # ---- interleaved runs ----------------------------------------
        # plain, hersteld, plain, hersteld, ..., plain: each hersteld run
        # is compared with the plain runs on either side of it, which
        # saw about the same machine.  The plain sender sends the
        # message as the daemon does: with Date in front.
        import email.utils
        pre = ("Date: %s\r\n" % email.utils.formatdate(
            localtime=True)).encode() + bytes(stored)
        out("")
        out("== %d hersteld runs between %d runs of python smtplib over one "
            "connection (the sink's own capacity), %d messages each like "
            "the first reminder (%d bytes, own Message-ID and recipient "
            "each)" % (runs, runs + 1, n, len(pre)))
        timeline = []             # ("plain" | "hersteld", result)
        loads = []
        if due - time.time() > 15:
            out("")
            out("== plain 1 (while the reminders wait; stopped 8 s before "
                "the due moment)")
            loads.append(os.getloadavg()[0])
            timeline.append(("plain", ml_plain_run(
                sink, tmp, pre, rcpt0, n, "plain1", due - 8)))
        for r in range(1, runs + 1):
            if r > 1:
                due = int(time.time()) + 4
                ml_clone(tmp, rows, r, due)
                proc.send_signal(signal.SIGHUP)
            loads.append(os.getloadavg()[0])
            timeline.append(("hersteld", ml_daemon_run(
                sink, proc, tmp, log, due, n, recipients,
                "hersteld %d" % r)))
            k = sum(1 for t in timeline if t[0] == "plain") + 1
            out("")
            out("== plain %d" % k)
            loads.append(os.getloadavg()[0])
            timeline.append(("plain", ml_plain_run(
                sink, tmp, pre, rcpt0, n, "plain%d" % k)))
        if proc.poll() is not None:
            raise RuntimeError("hersteld died during the bench:\n" + tail(log))

        # ---- a single confirmation -----------------------------------
        out("")
        out("== %d single confirmation mails, one at a time (register "
            "through the API -> 250 at the sink)" % n_confirm)
        lat = ml_confirmations(sink, sock, ev["id"], n_confirm) \
            if n_confirm > 0 else []

        # ---- summary -------------------------------------------------
        rate_r, busy_r, h_rates, p_rates = [], [], [], []
        h_runs = []
        for i, (who, x) in enumerate(timeline):
            if who != "hersteld":
                p_rates.append(x[0])
                continue
            h_runs.append(x)
            h_rates.append(x["rate"])
            nb = [timeline[j][1] for j in (i - 1, i + 1)
                  if 0 <= j < len(timeline) and timeline[j][0] == "plain"]
            pr = statistics.mean(y[0] for y in nb)
            rate_r.append(x["rate"] / pr if pr else 0.0)
            pb = [y[4] / y[2] for y in nb if y[4] is not None and y[2] > 0]
            if x["busy"] is not None and pb and statistics.mean(pb) > 0:
                busy_r.append(x["busy"] / statistics.mean(pb))
        p_busy = [y[4] / y[2] for who, y in timeline if who == "plain" and
                  y[4] is not None and y[2] > 0]
        out("")
        out("=" * 72)
        out("SUMMARY, mail (figures only; nothing here is asserted)")
        out("  %d reminders due at one moment, to an aiosmtpd sink on "
            "loopback; %d hersteld runs interleaved with %d plain ones; "
            "load average (1 min) before each run: %s"
            % (n, len(h_rates), len(p_rates),
               " ".join("%.1f" % x for x in loads)))
        out("    hersteld                  messages/s  %s"
            % ml_spread(h_rates, "%.0f"))
        out("    plain smtplib, one conn.  messages/s  %s"
            % ml_spread(p_rates, "%.0f"))
        if rate_r:
            m = statistics.median(rate_r)
            out("    rate ratio hersteld/plain (each run against the plain "
                "runs around it)  %s  goal >= 0.95  %s"
                % (ml_spread(rate_r), "met" if m >= 0.95 else "NOT MET"))
        if busy_r:
            m = statistics.median(busy_r)
            out("    busy ratio (the sink's CPU / the span; hersteld %s, "
                "plain %s)  %s  goal >= 0.95  %s"
                % (" ".join("%.0f%%" % (100 * x["busy"]) for x in h_runs
                            if x["busy"] is not None),
                   " ".join("%.0f%%" % (100 * x) for x in p_busy),
                   ml_spread(busy_r), "met" if m >= 0.95 else "NOT MET"))
        out("    bookkeeping pauses (after 16 and 64) per hersteld run: %s s"
            % " ".join("%.2f" % x["bookkeeping_s"] for x in h_runs))
        lost = sum(x["lost"] for x in h_runs)
        dup = sum(x["dup"] for x in h_runs)
        out("    lost                              %7d      goal 0  %s"
            % (lost, "met" if lost == 0 else "NOT MET"))
        out("    duplicated (Message-ID twice)     %7d      goal 0  %s"
            % (dup, "met" if dup == 0 else "NOT MET"))
        out("    outbox (reminders) at the end     %s" % ", ".join(
            "%s %d" % kv for kv in sorted(h_runs[-1]["outbox"].items())))
        if lat:
            lo = sorted(1000 * x[0] for x in lat)
            hi = sorted(1000 * x[1] for x in lat)
            out("  a single confirmation, commit -> 250: median %.1f-%.1f "
                "ms, p90 %.1f-%.1f ms, max %.1f-%.1f ms (%d mails; from "
                "the API's answer - from the request)"
                % (statistics.median(lo), statistics.median(hi),
                   pct(lo, 90), pct(hi, 90), lo[-1], hi[-1], len(lat)))
        out("  start-up planning of %d reminders     %7.1f s"
            % (res["queued"], res["plan_s"]))
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: mail part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        return 1
    finally:
        stop(proc)
        if sink is not None:
            sink.close()
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- reports -------------------------------------------------------------

RP_YEAR = 2027
RP_LOCATIONS = 4                 # of 5 rooms each, open at all hours
RP_ROOM_SERIES = 100             # weekly series per room (07:00-22:00)
RP_WEEKS = 52


def rp_seed(api, n_groups, tmp):
    """50 groups, 20 rooms, 2,000 weekly series of 52 one-hour sessions in
    rooms (104,000 occurrences, each holding a booking slot) through the
    API; then participants, registrations (whole-series and single
    occurrence) and attendance counts by SQL on the daemon's database."""
    import sqlite3
    rooms = []
    for li in range(RP_LOCATIONS):
        loc = "locatie-%d" % li
        api.post("/locations", {"slug": loc, "name": "Locatie %d" % li})
        for ri in range(5):
            api.post("/rooms", {"room": "%s/zaal-%d" % (loc, ri),
                                "name": "Zaal %d" % ri, "capacity": 30})
            rooms.append("%s/zaal-%d" % (loc, ri))
    groups = ["groep-%02d" % g for g in range(n_groups)]
    for g in groups:
        api.post("/groups", {"slug": g, "name": g.replace("-", " ").title()})
    monday = datetime.date(RP_YEAR, 1, 4)
    n = 0
    ids = []
    for ri, room in enumerate(rooms):
        for k in range(RP_ROOM_SERIES):
            day = monday + datetime.timedelta(days=k % 7)
            ev = api.post("/events", {
                "kind": KINDS[n % len(KINDS)],
                "title": "Reeks %d" % n, "group": groups[n % len(groups)],
                "room": room, "start": "%s %02d:00" % (day.isoformat(),
                                                       7 + k // 7),
                "duration": "1h",
                "repeat": "FREQ=WEEKLY;COUNT=%d" % RP_WEEKS})
            ids.append((ev["id"], day, 7 + k // 7))
            n += 1
            if n % 500 == 0:
                out("  ... %d series" % n)
    db = sqlite3.connect(os.path.join(tmp, "hersteld.db"), timeout=60)
    rnd = random.Random(6)
    with db:
        db.executemany(
            "INSERT INTO participant (id, email, leads, feed_token, "
            "unsub_token, created, modified) VALUES (?, ?, '7d,1d', ?, ?, "
            "0, 0)", [(i, "p%d@example.org" % i, "f%d" % i, "u%d" % i)
                      for i in range(1, 2001)])
        regs, att = [], []
        for eid, day, hour in ids:
            start = db.execute("SELECT start FROM event WHERE id = ?",
                               (eid,)).fetchone()[0]
            for p in rnd.sample(range(1, 2001), 10):
                regs.append((eid, p, 0, "going"))
            for w in rnd.sample(range(RP_WEEKS), 10):
                rid = start + w * 7 * 86400     # no DST shift: near enough
                regs.append((eid, rnd.randint(1, 2000), rid, "going"))
            for w in range(0, RP_WEEKS, 2):
                att.append((eid, start + w * 7 * 86400, rnd.randint(3, 25)))
        db.executemany(
            "INSERT OR IGNORE INTO registration (event_id, participant_id, "
            "occurrence, status, created, modified) VALUES (?, ?, ?, ?, 0, 0)",
            regs)
        db.executemany(
            "INSERT OR IGNORE INTO attendance (event_id, occurrence, count, "
            "recorded) VALUES (?, ?, ?, 0)", att)
    occ = db.execute("SELECT count(*) FROM booking_slot").fetchone()[0]
    nreg = db.execute("SELECT count(*) FROM registration").fetchone()[0]
    natt = db.execute("SELECT count(*) FROM attendance").fetchone()[0]
    db.close()
    return len(rooms), n, occ, nreg, natt


RP_START_SECONDS = 8


def rp_writes_at_start(sock, proc):
    """A participant added every 0.25 s for the first seconds after a
    start (the daemon's start-up jobs run meanwhile): ([ms each], how
    many were refused busy, daemon CPU s over the period)."""
    api = Api(sock)
    lat, busy = [], 0
    t0 = time.monotonic()
    c0 = fd_cpu_ticks([proc.pid])
    i = 0
    while time.monotonic() - t0 < RP_START_SECONDS:
        t = time.perf_counter()
        status, _ = api.call("POST", "/participants", {
            "email": "start-%d-%d@example.org" % (proc.pid, i)})
        lat.append((time.perf_counter() - t) * 1000.0)
        busy += status != 201
        i += 1
        time.sleep(0.25)
    cpu = (fd_cpu_ticks([proc.pid]) - c0) / os.sysconf("SC_CLK_TCK")
    api.close()
    return lat, busy, cpu


def rp_wait_idle(proc, limit):
    """Seconds from the process's start until it stays idle (under 5%
    of a CPU for 2 s), at most limit."""
    tck = os.sysconf("SC_CLK_TCK")
    with open("/proc/%d/stat" % proc.pid) as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / tck
    with open("/proc/uptime") as f:
        now = float(f.read().split()[0])
    t0 = time.monotonic() - (now - started)
    quiet = 0
    last = fd_cpu_ticks([proc.pid])
    while quiet < 2 and time.monotonic() - t0 < limit:
        time.sleep(1)
        c = fd_cpu_ticks([proc.pid])
        quiet = quiet + 1 if (c - last) < 0.05 * tck else 0
        last = c
    return time.monotonic() - t0 - quiet


def bench_reports(hersteld, ctl, keep):
    runs = env_int("BENCH_REPORT_RUNS", 5)
    n_groups = 50
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-reports-")
    proc = None
    try:
        proc, sock, log, port = start_daemon(hersteld, tmp, 1000)
        out("hersteld bench, reports: %s" % hersteld)
        out("  temp dir %s" % tmp)
        api = Api(sock)
        t0 = time.perf_counter()
        nrooms, nseries, nocc, nreg, natt = rp_seed(api, n_groups, tmp)
        out("  seeded %d groups, %d rooms, %d series, %d occurrences "
            "(booking slots), %d registrations, %d attendance counts in "
            "%.1f s" % (n_groups, nrooms, nseries, nocc, nreg, natt,
                        time.perf_counter() - t0))
        period = "from=%d-01-01&to=%d-12-31" % (RP_YEAR, RP_YEAR)
        res = {}
        for name in ("groups", "rooms"):
            url = "/reports/%s?%s" % (name, period)
            status, body = api.call("GET", url)
            if status != 200:
                raise RuntimeError("GET %s -> %d %s" % (url, status,
                                                        body[:300]))
            rows = json.loads(body)
            if name == "groups":
                total = sum(r["sessions_total"] for r in rows)
                note = "%d groups, %d sessions, %d registrations" % (
                    len(rows), total, sum(r["registrations"] for r in rows))
            else:
                note = "%d room-months, %.0f hours booked" % (
                    len(rows), sum(r["hours_booked"] for r in rows))
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                api.call("GET", url)
                samples.append((time.perf_counter() - t) * 1000.0)
            # Each after a change (a new participant): the store's
            # generation moves and no kept answer may be used.
            changed = []
            for i in range(runs):
                api.post("/participants", {"email": "rp-%s-%d@example.org"
                                           % (name, i)})
                t = time.perf_counter()
                status, again = api.call("GET", url)
                changed.append((time.perf_counter() - t) * 1000.0)
                if status != 200 or json.loads(again) != rows:
                    raise RuntimeError("GET %s after a change: %d, or "
                                       "other rows" % (url, status))
            cli = []
            for _ in range(runs):
                dt, _ = run_cli([ctl, "--socket", sock, "report", name,
                                 "--from", "%d-01-01" % RP_YEAR, "--to",
                                 "%d-12-31" % RP_YEAR])
                cli.append(dt)
            res[name] = (statistics.median(samples), max(samples),
                         statistics.median(changed), statistics.median(cli),
                         note)
        api.close()
        # A start on this database plans the reminders its seeding did
        # not (every registration's, for the weeks ahead); writes must
        # not wait for that.  Then a second start, with all planned.
        starts = []
        for k in range(2):
            stop(proc)
            proc = None
            proc, sock, log, port = start_daemon(hersteld, tmp, 1000)
            starts.append(rp_writes_at_start(sock, proc))
            if k == 0:
                planned = rp_wait_idle(proc, 600)
        out("  the first start's planning took %.0f s in all" % planned)
        out("=" * 72)
        out("reports over %d (goal: under 250 ms each)" % RP_YEAR)
        for name in ("groups", "rooms"):
            med, worst, changed, cli, note = res[name]
            out("  report %-6s  API median %7.1f ms  max %7.1f ms  "
                "after a change %7.1f ms  herstelctl median %7.1f ms"
                % (name, med, worst, changed, cli))
            out("                 (%s)" % note)
        for what, (lat, busy, cpu) in zip(("first start (plans every "
                                           "reminder)", "second start "
                                           "(all planned)"), starts):
            out("  writes in the first %d s of a %s: median %.1f ms, max "
                "%.1f ms, %d refused busy; daemon CPU %.1f s"
                % (RP_START_SECONDS, what, statistics.median(lat),
                   max(lat), busy, cpu))
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: reports part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        return 1
    finally:
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- import: refusing what is too large ----------------------------------
#
# Its own daemon and temp dir.  Files of 9.9 MB that must be refused: one
# VEVENT with one folded DESCRIPTION (past the 1 MiB line cap), and ten
# VEVENTs each with a DESCRIPTION of 1,000,000 characters on one line
# (under the line cap, far past the 10,000 characters of a description).
# Each is refused through herstelctl import and through POST /api/v1/import
# on the socket (the JSON a client other than herstelctl sends); a small
# plan that is accepted is the baseline.

IM_EVENT = ("BEGIN:VEVENT\r\nUID:%s@bench.example\r\nDTSTAMP:20261101T1200"
            "00Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\n"
            "SUMMARY:Groot\r\n%s\r\nEND:VEVENT\r\n")


def im_calendar(events):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//import//NL"
            "\r\n" + "".join(events) + "END:VCALENDAR\r\n")


def im_files(tmp):
    line = "DESCRIPTION:" + "a" * 9500000
    folded = "\r\n ".join(line[i:i + 74] for i in range(0, len(line), 74))
    files = [
        ("one folded DESCRIPTION of 9.5 M chars",
         im_calendar([IM_EVENT % ("groot", folded)])),
        ("ten DESCRIPTIONs of 1 M chars, one line each",
         im_calendar([IM_EVENT % ("groot-%d" % i, "DESCRIPTION:" +
                                  "b" * 1000000) for i in range(10)])),
        ("accepted: 20 events (baseline)",
         im_calendar([IM_EVENT % ("klein-%d" % i, "DESCRIPTION:kort")
                      for i in range(20)])),
    ]
    res = []
    for i, (what, text) in enumerate(files):
        path = os.path.join(tmp, "plan-%d.ics" % i)
        with open(path, "w", newline="") as f:
            f.write(text)
        res.append((what, path, text))
    return res


def bench_import(hersteld, ctl, keep):
    runs = env_int("BENCH_IMPORT_RUNS", 3)
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-import-")
    proc = None
    try:
        proc, sock, log, port = start_daemon(hersteld, tmp, 730)
        out("hersteld bench, import: %s" % hersteld)
        out("  temp dir %s" % tmp)
        rows = []
        for what, path, text in im_files(tmp):
            body = json.dumps({"ics": text})
            cli, api_ms, said = [], [], ""
            for _ in range(runs):
                t0 = time.perf_counter()
                r = subprocess.run([ctl, "--socket", sock, "import", path],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
                cli.append((time.perf_counter() - t0) * 1000.0)
                said = (r.stderr or r.stdout).decode("utf-8",
                                                     "replace").strip()
                said = "exit %d: %s" % (r.returncode, said[-110:])
                api = Api(sock)
                t0 = time.perf_counter()
                api.conn.request("POST", "/api/v1/import", body.encode(),
                                 {"Content-Type": "application/json"})
                resp = api.conn.getresponse()
                resp.read()
                api_ms.append((time.perf_counter() - t0) * 1000.0)
                api.close()
            rows.append((what, os.path.getsize(path), statistics.median(cli),
                         statistics.median(api_ms), resp.status, said))
        out("=" * 72)
        out("import: refusing files past a cap (goal: a 9.9 MB single-"
            "property file under 1 s)")
        for what, size, cli, api_ms, status, said in rows:
            out("  %s, %.1f MB" % (what, size / 1e6))
            out("    herstelctl median %7.1f ms   API (JSON) median %7.1f ms"
                " -> %d" % (cli, api_ms, status))
            out("    %s" % said)
        out("=" * 72)
        return 0
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: import part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        return 1
    finally:
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- web: the parents' pages, the agenda side by side with nginx ---------
#
# Its own daemon and temp dir, with web.post_per_minute and
# web.mails_per_day raised to their maxima (every POST comes from
# 127.0.0.1, and the defaults of 10 a minute would turn the registrations
# into 429s).  1,000 public events (50 weekly series of 3 to 8 weeks) over
# the next 12 weeks, inside the 91 days the agenda shows (web_agenda.c,
# AGENDA_DAYS; at most AGENDA_MAX 2,000 occurrences on the page), a few
# cancelled.  The agenda's exact bytes go to a directory that nginx serves
# as a static file with the same Content-Type; wrk loads both in
# alternation.  Then registrations through the form, one after the other.

WB_DAYS = 84                     # the agenda (web_agenda.c) shows 91 days
WB_LIMITS = {"post_per_minute": 10000, "mails_per_day": 100}
WB_LIMITS_DEFAULT = {"post_per_minute": 10, "mails_per_day": 3}
WB_TYPE = "text/html; charset=utf-8"
WB_REASONS = ["De begeleider is ziek", "De zaal is niet beschikbaar",
              "Te weinig aanmeldingen; we proberen het later opnieuw"]
WB_TARGETS = 20                  # sessions the registrations go to
WB_ITEM_RE = re.compile(rb'<li(?: class="cancelled")?>\n<h3><a href="'
                        rb'/sessions/([^"?]+)')
WB_CSRF_RE = re.compile(rb'<input type="hidden" name="csrf" value="([^"]+)"')
WB_ACTION_RE = re.compile(rb'<form method="post" action="([^"]+/register'
                          rb'[^"]*)"')
WB_OPTION_RE = re.compile(rb'<option value="(\d{4}-\d\d-\d\d)">')
WB_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def wb_seed(api, n_events, n_series, day0, days):
    """n_events public published events (n_series of them weekly series
    of 3 to 8 weeks) from day0 over `days` days, of every kind, in the
    groups of GROUPS, most in rooms of locations with an address, the rest
    at places; returns (rooms, series made, moved counts)."""
    rnd = random.Random(20270104)
    rooms = []
    for n, (slug, (name, rs)) in enumerate(LOCATIONS.items()):
        api.post("/locations", {"slug": slug, "name": name,
                                "address": "Kraaiennest %d, 1104 CE "
                                "Amsterdam" % (10 + n)})
        for rslug, rname, cap in rs:
            api.post("/rooms", {"room": "%s/%s" % (slug, rslug),
                                "name": rname, "capacity": cap})
            rooms.append(("%s/%s" % (slug, rslug), cap))
    for g in GROUPS:
        api.post("/groups", {"slug": g, "name": g.replace("-", " ").title(),
                             "kind": "steungroep",
                             "email": "%s@example.org" % g})
    moved = {0: 0, 1: 0, 2: 0}
    every = n_events / n_series if n_series else 0
    next_series, made = 0.0, 0
    for i in range(n_events):
        is_series = made < n_series and i >= next_series
        count = rnd.randint(3, 8) if is_series else 0
        last = days - 1 - (count - 1) * 7 if is_series else days - 1
        day = day0 + datetime.timedelta(days=rnd.randint(0, max(last, 0)))
        kind = KINDS[i % len(KINDS)]
        ev = {
            "kind": kind,
            "title": "%s %d" % (kind.capitalize(), i + 1),
            "start": "%s %02d:%02d" % (day.isoformat(), rnd.choice(
                [9, 10, 11, 13, 14, 15, 16, 18, 19, 20]),
                rnd.choice([0, 15, 30, 45])),
            "duration": rnd.choice(["1h", "90m", "2h"]),
            "group": GROUPS[i % len(GROUPS)],
            "visibility": "public",
        }
        if i % 3 == 0:
            ev["description"] = FD_DESCRIPTION
        if i % 2 == 0:
            ev["themes"] = rnd.sample(FD_THEMES, 2)
        if is_series:
            ev["repeat"] = "FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (
                BYDAY[day.weekday()], count)
            made += 1
            next_series += every
        if rnd.random() < 0.8:
            room, cap = rnd.choice(rooms)
            ev["room"] = room
            ev["capacity"] = rnd.randint(max(1, cap // 2), cap)
            moved[post_event_in_a_free_room(api, ev, rooms, rnd)] += 1
        else:
            ev["place"] = rnd.choice(PLACES)
            ev["capacity"] = rnd.randint(5, 50)
            api.post("/events", ev)
        if (i + 1) % 250 == 0:
            out("  ... %d events" % (i + 1))
    return len(rooms), made, moved


def wb_occurrences(api, day0, days):
    """Every occurrence from day0 over `days` days, as the API lists it."""
    url = "/events?from=%s&to=%s" % (
        day0.isoformat(), (day0 + datetime.timedelta(days=days)).isoformat())
    status, text = api.call("GET", url)
    if status != 200:
        raise RuntimeError("GET %s -> %d" % (url, status))
    occ = json.loads(text)
    return occ.get("occurrences", []) if isinstance(occ, dict) else occ


def wb_cancel(api, occ):
    """Cancels every 25th single event, and one date of every 4th series,
    each with a reason; returns (events cancelled, dates cancelled, the
    ids of both)."""
    singles = sorted({o["id"] for o in occ if not o.get("series")})
    series = {}
    for o in occ:
        if o.get("series") and o.get("occurrence"):
            series.setdefault(o["id"], []).append(o["occurrence"])
    done = set()
    n_ev = n_dates = 0
    for k, eid in enumerate(singles):
        if k % 25 != 12:
            continue
        status, text = api.call("POST", "/events/%d/cancel" % eid,
                                {"reason": WB_REASONS[k % len(WB_REASONS)]})
        if status != 200:
            raise RuntimeError("POST /events/%d/cancel -> %d %s" % (
                eid, status, text[:300].decode("utf-8", "replace")))
        n_ev += 1
        done.add(eid)
    for k, eid in enumerate(sorted(series)):
        if k % 4 != 1:
            continue
        dates = sorted(series[eid])
        body = {"occurrence": dates[len(dates) // 2],
                "reason": WB_REASONS[k % len(WB_REASONS)]}
        status, text = api.call("POST", "/events/%d/cancel" % eid, body)
        if status != 200:
            raise RuntimeError("POST /events/%d/cancel %s -> %d %s" % (
                eid, json.dumps(body), status,
                text[:300].decode("utf-8", "replace")))
        n_dates += 1
        done.add(eid)
    return n_ev, n_dates, done


def wb_page_counts(body):
    """(occurrences listed, distinct sessions, of them marked cancelled)."""
    uids = WB_ITEM_RE.findall(body)
    return len(uids), len(set(uids)), body.count(b'<li class="cancelled">')


def wb_cold(api, web, ids, runs):
    """The first GET / after a change (a new title through the API moves
    the store's generation: a render) against the GET after it (cached);
    checks the render shows the new title and the GET after it the same
    ETag."""
    cold, warm = [], []
    for i in range(runs):
        title = "Opnieuw gerenderd %d" % i
        fd_patch_title(api, ids[i % len(ids)], title)
        status, h, body, ms = web.get("/")
        if status != 200 or title.encode() not in body:
            raise RuntimeError("GET / after a change: %d, new title %s" % (
                status, "missing" if status == 200 else "not checked"))
        cold.append(ms)
        status, h2, _, ms = web.get("/")
        if status != 200 or h2.get("etag") != h.get("etag"):
            raise RuntimeError("the GET / after a render was not served "
                               "from the cache (ETag %s, then %s)"
                               % (h.get("etag"), h2.get("etag")))
        warm.append(ms)
    return cold, warm


def wb_line(status, h, body):
    return "%d  %d bytes; Content-Type: %s; ETag: %s" % (
        status, len(body), h.get("content-type", "-"), h.get("etag", "-"))


def wb_outbox(tmp):
    """The confirmation mails of the web form in the outbox, read-only:
    (rows, distinct recipients, {status: n}), and the opt-in rows
    (rows, distinct addresses, of them with a mail to their address)."""
    db = bk_db(tmp)
    try:
        mail = db.execute(
            "SELECT count(*), count(DISTINCT recipient) FROM outbox WHERE "
            "kind = 'confirmation' AND key LIKE 'optin:%'").fetchone()
        by = dict(db.execute(
            "SELECT status, count(*) FROM outbox WHERE kind = 'confirmation' "
            "AND key LIKE 'optin:%' GROUP BY status").fetchall())
        opt = db.execute(
            "SELECT count(*), count(DISTINCT email), coalesce(sum(EXISTS ("
            "SELECT 1 FROM outbox m WHERE m.kind = 'confirmation' AND "
            "m.key LIKE 'optin:%' AND m.recipient = o.email AND "
            "m.event_id = o.event_id)), 0) FROM optin o").fetchone()
    finally:
        db.close()
    return mail, by, opt


def wb_register(port, targets, n):
    """n registrations one after the other over one kept-alive connection,
    each to the next of targets [(id, uid, series?)] with its own address:
    GET the session page for its form and signed token (timed apart: the
    POST before moved the store's generation, so it is rendered afresh),
    then POST the form (timed: the answer comes after the commit of the
    opt-in row and its mail).  For a series every other round asks for
    one date (from the form's choices), else the whole series.
    (post ms, get ms, addresses, dates asked)."""
    web = Web(port)
    post_ms, get_ms, emails = [], [], []
    dates = 0
    try:
        for i in range(n):
            eid, uid, series = targets[i % len(targets)]
            path = "/sessions/" + urllib.parse.quote(uid, safe="")
            status, _, body, ms = web.get(path)
            if status != 200:
                raise RuntimeError("GET %s -> %d" % (path, status))
            get_ms.append(ms)
            csrf = WB_CSRF_RE.search(body)
            action = WB_ACTION_RE.search(body)
            if not csrf or not action:
                raise RuntimeError("no registration form on %s" % path)
            email = "ouder%05d@example.net" % i
            fields = {"csrf": html.unescape(csrf.group(1).decode()),
                      "email": email, "name": "Ouder %d" % i,
                      "lang": "en" if i % 3 == 0 else "nl", "website": ""}
            if series and (i // len(targets)) % 2:
                opts = WB_OPTION_RE.findall(body)
                if opts:
                    fields["occurrence"] = opts[i % len(opts)].decode()
                    dates += 1
            status, h, rbody, ms = web.request(
                "POST", html.unescape(action.group(1).decode()),
                urllib.parse.urlencode(fields), WB_FORM)
            if status != 200 or not (b"Kijk in je e-mail" in rbody or
                                     b"Check your email" in rbody):
                raise RuntimeError("POST %s -> %d%s" % (
                    action.group(1).decode(), status,
                    " (Retry-After %s: the rate limit)" % h.get(
                        "retry-after") if status == 429 else ""))
            post_ms.append(ms)
            emails.append(email)
    finally:
        web.close()
    return post_ms, get_ms, emails, dates


def wb_settle(tmp, timeout=30.0):
    """Waits until no confirmation mail is pending (the delivery thread
    writes them to the Maildir and records that, which moves the store's
    generation); returns the seconds waited or None after timeout."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        _, by, _ = wb_outbox(tmp)
        if not by.get("pending"):
            return time.monotonic() - t0
        time.sleep(0.1)
    return None


def wb_cached_gets(port, targets, n):
    """n GETs of the session pages of targets, nothing changing between
    them: (ms, how many carried the ETag of the GET of the same page
    before them, i.e. came from the cache)."""
    web = Web(port)
    ms_all, same = [], 0
    tags = {}
    try:
        for _, uid, _ in targets:        # one render each, not counted
            path = "/sessions/" + urllib.parse.quote(uid, safe="")
            tags[path] = web.get(path)[1].get("etag")
        for i in range(n):
            path = "/sessions/" + urllib.parse.quote(
                targets[i % len(targets)][1], safe="")
            status, h, _, ms = web.get(path)
            if status != 200:
                raise RuntimeError("GET %s -> %d" % (path, status))
            ms_all.append(ms)
            same += h.get("etag") == tags[path]
            tags[path] = h.get("etag")
    finally:
        web.close()
    return ms_all, same


def bench_web(hersteld, ctl, keep):
    n_events = env_int("BENCH_WEB_EVENTS", 1000)
    n_series = env_int("BENCH_WEB_SERIES", 50)
    n_posts = env_int("BENCH_WEB_POSTS", 300)
    cold_runs = env_int("BENCH_WEB_COLD_RUNS", 5)
    seconds = env_int("BENCH_WRK_SECONDS", 10)
    rounds = env_int("BENCH_WRK_ROUNDS", 3)
    threads = env_int("BENCH_WRK_THREADS", 2)
    conns = env_int("BENCH_WRK_CONNECTIONS", 32)
    workers = os.environ.get("BENCH_NGINX_WORKERS", "") or "auto"
    access = os.environ.get("BENCH_NGINX_ACCESS_LOG", "1") != "0"
    wrk = shutil.which("wrk")
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)

    out("")
    out("#" * 72)
    out("hersteld bench, web pages: %s" % hersteld)
    if not wrk or not nginx:
        out("bench: web part needs wrk and nginx (missing: %s); "
            "run scripts/deps.sh bench as root (make bench does)"
            % ", ".join(n for n, p in (("wrk", wrk), ("nginx", nginx))
                        if not p))
        return 1
    nv = subprocess.run([nginx, "-v"], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT).stdout.decode().strip()
    tmp = tempfile.mkdtemp(prefix="hersteld-bench-web-")
    proc = ngx = None
    res = {}
    try:
        proc, sock, log, port = start_daemon(hersteld, tmp, 730,
                                             web=WB_LIMITS)
        out("  temp dir %s, hersteld pid %d on 127.0.0.1:%d; %s; %d CPUs"
            % (tmp, proc.pid, port, nv, os.cpu_count() or 0))
        limits = ", ".join("web.%s %d (default %d)" % (
            k, WB_LIMITS[k], WB_LIMITS_DEFAULT[k]) for k in sorted(WB_LIMITS))
        out("  raised in the bench's config so the limits do not shape the "
            "figures: %s" % limits)

        # ---- seed ----------------------------------------------------
        day0 = datetime.date.today() + datetime.timedelta(days=1)
        out("")
        out("== seeding %d public events (%d weekly series of 3 to 8 weeks) "
            "over %d days from %s, through the API" % (n_events, n_series,
                                                       WB_DAYS, day0))
        api = Api(sock)
        t0 = time.perf_counter()
        nrooms, made, moved = wb_seed(api, n_events, n_series, day0, WB_DAYS)
        occ = wb_occurrences(api, day0, WB_DAYS + 1)
        n_cev, n_cdates, cancelled = wb_cancel(api, occ)
        occ = wb_occurrences(api, day0, WB_DAYS + 1)
        res["seed_s"] = time.perf_counter() - t0
        out("  %d events (%d series, %d occurrences) in %.1f s: %d in the "
            "room drawn, %d in another room, %d at a place as no room was "
            "free, %d at a place as drawn; %d locations with an address, %d "
            "rooms, %d groups" % (n_events, made, len(occ), res["seed_s"],
                                  moved[0], moved[1], moved[2],
                                  n_events - sum(moved.values()),
                                  len(LOCATIONS), nrooms, len(GROUPS)))
        out("  cancelled with a reason: %d events and one date of %d series"
            % (n_cev, n_cdates))
        n_api_cancelled = sum(1 for o in occ if o.get("status") ==
                              "cancelled")

        # ---- the agenda: render and cache ------------------------------
        web = Web(port)
        status, h, body, first_ms = web.get("/")
        if status != 200:
            raise RuntimeError("GET / -> %d" % status)
        singles = sorted({o["id"] for o in occ if not o.get("series") and
                          o["id"] not in cancelled})
        out("")
        out("== the agenda page /: first GET after seeding (a render) "
            "%.1f ms" % first_ms)
        out("== a render after a change (a new title through the API, then "
            "GET /) against the GET after it (from the cache, same ETag); "
            "%d runs" % cold_runs)
        cold, warm = wb_cold(api, web, singles, cold_runs)
        res["cold"] = (statistics.median(cold), min(cold), max(cold))
        res["warm"] = (statistics.median(warm), min(warm), max(warm))
        out("  GET / after a change  median %7.1f ms  min %7.1f  max %7.1f"
            % res["cold"])
        out("  the GET after it      median %7.1f ms  min %7.1f  max %7.1f"
            % res["warm"])
        api.close()

        status, hh, page, _ = web.get("/")
        if status != 200:
            raise RuntimeError("GET / -> %d" % status)
        items, sessions, marked = wb_page_counts(page)
        res["page"] = (len(page), items, sessions, marked)
        out("  the page as served: %d bytes, %d occurrences of %d sessions "
            "(%d marked cancelled); the API lists %d occurrences in the "
            "same days (%d cancelled)" % (len(page), items, sessions, marked,
                                          len(occ), n_api_cancelled))
        if items < len(occ):
            out("  (the page lists fewer than the API: it caps at "
                "AGENDA_MAX occurrences or %d days, see web_agenda.c)"
                % 91)

        # ---- the same bytes under nginx --------------------------------
        www = os.path.join(tmp, "www")
        os.makedirs(www)
        with open(os.path.join(www, "index.html"), "wb") as f:
            f.write(page)
        ngx, nport, nconf, _ = fd_start_nginx(nginx, tmp, www, workers,
                                              access, WB_TYPE)
        nweb = Web(nport)
        out("")
        out("== nginx on 127.0.0.1:%d serving the same bytes as a static "
            "file (index.html for /): worker_processes %s (%d workers), "
            "sendfile on, etag on (its default), %s; %s" % (
                nport, workers, len(fd_children(ngx.pid)), "access_log %s" % (
                    "in the temp dir" if access else "off"), nconf))
        hs, hh, hb, _ = web.get("/")
        ns, nh, nb, _ = nweb.get("/")
        if hb != nb or hs != 200 or ns != 200:
            raise RuntimeError("hersteld (%d) and nginx (%d) do not serve "
                               "the same bytes" % (hs, ns))
        out("  same %d bytes from both: yes" % len(hb))
        etags = {"hersteld": hh.get("etag"), "nginx": nh.get("etag")}
        if not etags["hersteld"] or not etags["nginx"]:
            raise RuntimeError("no ETag: hersteld %r, nginx %r" % (
                etags["hersteld"], etags["nginx"]))
        for who, w in (("hersteld", web), ("nginx", nweb)):
            st, hd, bd, _ = w.get("/")
            ok = st == 200 and bd == page
            out("  %-8s GET /                     -> %s%s" % (
                who, wb_line(st, hd, bd), "" if ok else "   (unexpected)"))
            if not ok:
                raise RuntimeError("%s: plain GET / is not 200 with the "
                                   "whole page" % who)
            st, hd, bd, _ = w.get("/", {"If-None-Match": etags[who]})
            ok = st == 304 and bd == b""
            out("  %-8s GET / If-None-Match: ETag -> %s%s" % (
                who, wb_line(st, hd, bd), "" if ok else "   (unexpected)"))
            if not ok:
                raise RuntimeError("%s: the conditional GET / is not 304 "
                                   "without a body" % who)

        # ---- wrk -------------------------------------------------------
        hurl = "http://127.0.0.1:%d/" % port
        nurl = "http://127.0.0.1:%d/" % nport
        cases = [("200", "200, plain GET /"),
                 ("304", "304, If-None-Match: own ETag")]
        goals = {"200": 0.5, "304": 0.9}
        out("")
        out("== wrk -t%d -c%d -d%ds, %d rounds; in each round every case "
            "runs hersteld and nginx back to back, who goes first "
            "alternating by round and case (plus a 2 s warm-up each, not "
            "counted); after each hersteld run a conditional GET checks "
            "that its ETag still holds" % (threads, conns, seconds, rounds))
        for url in (hurl, nurl):
            fd_wrk(wrk, url, [], 2, threads, conns)
        samples = {}
        renewed = 0
        for rnd_ in range(rounds):
            for ci, (key, _) in enumerate(cases):
                order = ["hersteld", "nginx"]
                if (rnd_ + ci) % 2:
                    order.reverse()
                for who in order:
                    url = hurl if who == "hersteld" else nurl
                    hdr = ["If-None-Match: %s" % etags[who]] \
                        if key == "304" else []
                    pids = [proc.pid] if who == "hersteld" else \
                        [ngx.pid] + fd_children(ngx.pid)
                    # wrk's connections are all hersteld lets one client
                    # have (listen.per_client 32): ours must not be open.
                    web.close()
                    nweb.close()
                    c0 = fd_cpu_ticks(pids)
                    r = fd_wrk(wrk, url, hdr, seconds, threads, conns)
                    r["cpu_s"] = (fd_cpu_ticks(pids) - c0) / float(
                        os.sysconf("SC_CLK_TCK"))
                    note = ""
                    if who == "hersteld":
                        if proc.poll() is not None:
                            raise RuntimeError("hersteld died under wrk:\n"
                                               + tail(log))
                        # The page is renewed after web.c's CACHE_AGE
                        # (a new ETag): then part of a 304 run got 200s.
                        st, hd, _, _ = web.get(
                            "/", {"If-None-Match": etags[who]})
                        if st != 304:
                            renewed += 1
                            note = "  (the page was renewed: ETag %s -> " \
                                "%s; this run is not all %s)" % (
                                    etags[who], hd.get("etag"), key)
                            etags[who] = hd.get("etag")
                    samples.setdefault((key, who), []).append(r)
                    out("  round %d %-4s %-8s %10.0f req/s  %8.0f B/resp  "
                        "lat avg %-8s p99 %-8s cpu %5.1f s (%.0f us/req)%s%s%s"
                        % (rnd_ + 1, key, who, r["rps"],
                           r["read"] / max(r["requests"], 1), r["lat_avg"],
                           r["lat_p99"], r["cpu_s"],
                           r["cpu_s"] * 1e6 / max(r["requests"], 1),
                           "  non-2xx/3xx %d" % r["bad"] if r["bad"] else "",
                           "  socket errors:" + r["errors"]
                           if r["errors"] else "", note))
        res["wrk"] = {}
        for key, label in cases:
            h_ = [r["rps"] for r in samples.get((key, "hersteld"), [])]
            n_ = [r["rps"] for r in samples.get((key, "nginx"), [])]
            res["wrk"][key] = (label, statistics.median(h_),
                               statistics.median(n_),
                               [a / b for a, b in zip(h_, n_) if b])
        web.close()
        nweb.close()

        # ---- registrations -------------------------------------------
        seen, targets = set(), []
        for want_series in (False, True):
            for o in occ:
                if len([t for t in targets if t[2] == want_series]) >= \
                        WB_TARGETS // 2:
                    break
                if bool(o.get("series")) != want_series or \
                        o["id"] in cancelled or o["id"] in seen or \
                        o.get("status") != "published":
                    continue
                seen.add(o["id"])
                targets.append((o["id"], o["uid"], want_series))
        if not targets:
            raise RuntimeError("no published session to register for")
        out("")
        out("== %d registrations through the form, one after the other over "
            "one kept-alive connection, each with its own address, to %d "
            "sessions (%d series: every other round one date, else the "
            "whole series): GET /sessions/UID for the form and its signed "
            "token (timed apart), then POST /sessions/UID/register (timed; "
            "answered after the commit of the opt-in row and its "
            "confirmation mail in the outbox)" % (
                n_posts, len(targets), sum(1 for t in targets if t[2])))
        t0 = time.perf_counter()
        post_ms, get_ms, emails, n_dates = wb_register(port, targets, n_posts)
        span = time.perf_counter() - t0
        res["post"] = post_ms
        res["get_fresh"] = get_ms
        out("  POST   median %6.2f ms  p99 %6.2f  mean %6.2f  min %6.2f  "
            "max %6.2f   (%d POSTs, %d for one date, in %.1f s all told)"
            % (statistics.median(post_ms), pct(post_ms, 99),
               statistics.mean(post_ms), min(post_ms), max(post_ms),
               len(post_ms), n_dates, span))
        out("  GET of the session page before each (rendered afresh: the "
            "POST before it moved the store's generation)")
        out("         median %6.2f ms  p99 %6.2f  mean %6.2f  min %6.2f  "
            "max %6.2f" % (statistics.median(get_ms), pct(get_ms, 99),
                           statistics.mean(get_ms), min(get_ms),
                           max(get_ms)))
        mail, by, opt = wb_outbox(tmp)
        res["outbox"] = (mail, by, opt)
        ok = mail[0] == len(emails) and mail[1] == len(emails) and \
            opt[0] == len(emails) and opt[2] == len(emails)
        res["outbox_ok"] = ok
        out("  checked in the database (read-only): %d confirmation mails "
            "in the outbox to %d addresses (%s), %d opt-in rows of %d "
            "addresses, %d of them with their mail; for %d POSTs: %s" % (
                mail[0], mail[1], ", ".join("%s %d" % kv for kv in
                                            sorted(by.items())) or "none",
                opt[0], opt[1], opt[2], len(emails),
                "one each" if ok else "NOT one each"))
        waited = wb_settle(tmp)
        nfiles = len(os.listdir(os.path.join(tmp, "mail", "new"))) \
            if os.path.isdir(os.path.join(tmp, "mail", "new")) else 0
        out("  the delivery thread wrote them to the Maildir: %d files "
            "in mail/new%s" % (nfiles, "" if waited is not None else
                               " (some still pending after 30 s)"))
        cached_ms, same = wb_cached_gets(port, targets, n_posts)
        res["get_cached"] = cached_ms
        res["get_cached_same"] = same
        out("  GET of the session pages again, %d times, nothing changing "
            "(%d of them with the ETag of the GET of that page before: "
            "from the cache)" % (len(cached_ms), same))
        out("         median %6.2f ms  p99 %6.2f  mean %6.2f  min %6.2f  "
            "max %6.2f" % (statistics.median(cached_ms), pct(cached_ms, 99),
                           statistics.mean(cached_ms), min(cached_ms),
                           max(cached_ms)))
        if proc.poll() is not None:
            raise RuntimeError("hersteld died during the bench:\n" + tail(log))

        # ---- summary -------------------------------------------------
        out("")
        out("=" * 72)
        out("SUMMARY, web (figures only; nothing here is asserted)")
        out("  config: %s" % limits)
        size, items, sessions, marked = res["page"]
        out("  agenda page /: %d bytes, %d occurrences of %d sessions (%d "
            "cancelled) from %d events" % (size, items, sessions, marked,
                                           n_events))
        out("  wrk -t%d -c%d -d%ds, %d rounds alternated; medians of "
            "requests/s" % (threads, conns, seconds, rounds))
        for key, _ in cases:
            label, hr, nr, ratios = res["wrk"][key]
            ratio = hr / nr if nr else 0
            out("  %-30s  hersteld %9.0f  nginx %9.0f  ratio %.2f "
                "(per round %s)  goal >= %.1f  %s" % (
                    label, hr, nr, ratio, ", ".join("%.2f" % x
                                                    for x in ratios),
                    goals[key], "met" if ratio >= goals[key] else "NOT MET"))
        if renewed:
            out("    (%d hersteld runs saw the page renewed: see above)"
                % renewed)
        out("  agenda render after a change   median %6.1f ms  min %6.1f  "
            "max %6.1f" % res["cold"])
        out("  agenda GET from the cache      median %6.1f ms  (python, "
            "keep-alive)" % res["warm"][0])
        p = res["post"]
        out("  registration POST to its mail in the outbox, %d sequential" %
            len(p))
        out("                                 median %6.2f ms  p99 %6.2f  "
            "mean %6.2f  max %6.2f" % (statistics.median(p), pct(p, 99),
                                       statistics.mean(p), max(p)))
        out("    outbox: %d confirmation mails for %d POSTs  %s" % (
            mail[0], len(p), "one each" if res["outbox_ok"] else
            "NOT one each"))
        g = res["get_fresh"]
        out("  session page GET, rendered     median %6.2f ms  p99 %6.2f"
            % (statistics.median(g), pct(g, 99)))
        g = res["get_cached"]
        out("  session page GET, cached       median %6.2f ms  p99 %6.2f  "
            "(%d/%d from the cache)" % (statistics.median(g), pct(g, 99),
                                        res["get_cached_same"], len(g)))
        out("=" * 72)
        return 0 if res["outbox_ok"] else 1
    except KeyboardInterrupt:
        out("bench: interrupted")
        return 130
    except Exception as e:          # report, then clean up
        out("bench: web part failed: %s" % e)
        if proc is not None:
            out("daemon log:\n" + tail(os.path.join(tmp, "hersteld.log")))
        if ngx is not None:
            out("nginx error log:\n" + tail(os.path.join(tmp,
                                                         "nginx-error.log")))
        return 1
    finally:
        fd_stop_nginx(ngx)
        stop(proc)
        if keep:
            out("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


PARTS = ("events", "booking", "feeds", "mail", "reports", "web", "import")
RUN = {"events": "bench_events", "booking": "bench_booking",
       "feeds": "bench_feeds", "web": "bench_web", "mail": "bench_mail",
       "reports": "bench_reports", "import": "bench_import"}


def main():
    only = os.environ.get("BENCH_ONLY", "")
    args = sys.argv[1:]
    if args[:1] == ["--only"] and len(args) == 2:
        only = args[1]
    elif args:
        sys.exit("usage: bench.py [--only %s]" % "|".join(PARTS))
    parts = [p for p in only.replace(",", " ").split()] or list(PARTS)
    for p in parts:
        if p not in PARTS:
            sys.exit("bench: unknown part %r (BENCH_ONLY / --only: %s)"
                     % (p, ", ".join(PARTS)))
    hersteld = binary("HERSTELD", "daemon/hersteld")
    ctl = binary("HERSTELCTL", "cli/herstelctl")
    keep = os.environ.get("BENCH_KEEP") == "1"
    rc = 0
    for p in PARTS:
        if p in parts:
            r = globals()[RUN[p]](hersteld, ctl, keep)
            if r == 130:
                return r
            rc = rc or r
    return rc


if __name__ == "__main__":
    # SIGTERM (e.g. from make's caller) cleans up like ^C does.
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(
        KeyboardInterrupt()))
    sys.exit(main())

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

Environment:
  HERSTELD            daemon binary (default daemon/hersteld)
  HERSTELCTL          CLI binary (default cli/herstelctl)
  BENCH_IDLE_SECONDS  length of each idle window (default 30)
  BENCH_EVENTS        events to seed (default 10000)
  BENCH_SERIES        of which weekly series (default 1000)
  BENCH_RUNS          CLI runs per command (default 50)
  BENCH_KEEP          1: keep the temporary directory (for inspection)

Python 3 standard library only; run by /usr/bin/python3 (make bench).
"""

import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

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


def write_conf(tmp, port):
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
  url           = "";
  from          = "Herstelhuis <noreply@example.org>";
  starttls      = false;
  username      = "";
  password_file = "";
};
maildir = "%(tmp)s/mail";
reminders = { lead = [ "7d", "1d" ]; quiet_hours = "21:00-08:00"; };
feeds     = { past_days = 90; future_days = 730; refresh = "1h"; };
bookings  = { horizon_days = 730; };
log_level = "warn";
""" % {"tmp": tmp, "port": port})
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
        api.post("/events", ev)
        if (i + 1) % 2000 == 0:
            out("  ... %d events" % (i + 1))
    return len(rooms), made_series


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


def main():
    hersteld = binary("HERSTELD", "daemon/hersteld")
    ctl = binary("HERSTELCTL", "cli/herstelctl")
    idle_s = env_int("BENCH_IDLE_SECONDS", 30)
    n_events = env_int("BENCH_EVENTS", 10000)
    n_series = env_int("BENCH_SERIES", 1000)
    runs = env_int("BENCH_RUNS", 50)
    keep = os.environ.get("BENCH_KEEP") == "1"

    tmp = tempfile.mkdtemp(prefix="hersteld-bench-")
    proc = None
    res = {}
    try:
        port = free_port()
        conf = write_conf(tmp, port)
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
            nrooms, made_series = seed(api, n_events, n_series)
        finally:
            api.close()
        res["seed_s"] = time.perf_counter() - t0
        out("  seeded %d locations, %d rooms, %d groups, %d events "
            "(%d series) in %.1f s (%.2f ms per event, all 201)"
            % (len(LOCATIONS), nrooms, len(GROUPS), n_events, made_series,
               res["seed_s"], res["seed_s"] * 1000.0 / max(n_events, 1)))
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


if __name__ == "__main__":
    # SIGTERM (e.g. from make's caller) cleans up like ^C does.
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(
        KeyboardInterrupt()))
    sys.exit(main())

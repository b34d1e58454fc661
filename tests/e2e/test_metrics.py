"""Monitoring: GET /metrics (Prometheus text, version 0.0.4) and GET
/healthz on the admin's UNIX socket and, when metrics.listen is set, on
that address of their own; never on the public listen.http.

Each test reads the figures, does something, and reads them again: a
confirmation mail that waits and then goes out, a feed and the agenda
page fetched twice (one render, one cache hit), a booking conflict,
requests counted by route class and status code.  Dates are computed
from the pinned clock (harness.now).
"""

import datetime
import http.client
import re
import time
import zoneinfo

import harness
from harness import EX_CONFIG, wait_until
from smtpsink import SmtpSink

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
ROOM = "buurthuis/zaal"
LINE = re.compile(r'^([a-z_]+)(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? '
                  r'(-?[0-9]+(\.[0-9]+)?)$')


def day(n, hhmm="19:00"):
    d = harness.now(AMS).date() + datetime.timedelta(days=n)
    return "%s %s" % (d.isoformat(), hhmm)


def parse(text):
    """{'name{labels}': value} of an exposition text, checking its form:
    every sample's name has one # HELP and one # TYPE before it."""
    seen_help, seen_type, out = set(), {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert name not in seen_help, line
            seen_help.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge"), line
            assert name not in seen_type, line
            seen_type[name] = kind
            continue
        m = LINE.match(line)
        assert m, "not a sample line: %r" % line
        name = m.group(1)
        assert name in seen_help and name in seen_type, line
        if seen_type[name] == "counter":
            assert name.endswith("_total"), line
        key = name + (m.group(2) or "")
        assert key not in out, line
        out[key] = float(m.group(4))
    assert text.endswith("\n")
    return out


def metrics(d):
    status, hdrs, body = d.api_socket("GET", "/metrics")
    assert status == 200, (status, body)
    assert hdrs["content-type"] == \
        "text/plain; version=0.0.4; charset=utf-8", hdrs
    return parse(body.decode("utf-8"))


def get(m, key):
    return m.get(key, 0.0)


def setup(d):
    d.cli("location", "add", "buurthuis", "--name", "Buurthuis",
          "--address", "Dorpsstraat 1", check=True)
    d.cli("room", "add", ROOM, "--name", "Zaal", "--capacity", "20",
          check=True)


def test_metrics_on_the_socket_name_every_figure(d):
    m = metrics(d)
    for status in ("pending", "sending", "sent", "failed"):
        assert m['hersteld_outbox_messages{status="%s"}' % status] == 0, m
    for key in ("hersteld_outbox_oldest_pending_seconds",
                "hersteld_feed_renders_total",
                "hersteld_feed_cache_hits_total",
                "hersteld_page_renders_total",
                "hersteld_page_cache_hits_total",
                "hersteld_booking_refusals_total"):
        assert m[key] == 0, (key, m)
    assert m["hersteld_database_bytes"] > 0, m
    builds = [k for k in m if k.startswith("hersteld_build_info{")]
    assert len(builds) == 1 and re.fullmatch(
        r'hersteld_build_info\{version="[0-9.]+"\}', builds[0]), builds
    assert m[builds[0]] == 1
    # HEAD works as well; other methods do not
    assert d.api_socket("HEAD", "/metrics")[0] == 200
    assert d.api_socket("POST", "/metrics", b"")[0] == 405


def test_healthz_answers_ok(d):
    status, hdrs, body = d.api_socket("GET", "/healthz")
    assert (status, body) == (200, b"ok\n"), (status, body)


@harness.nostart
def test_a_confirmation_waits_then_counts_as_sent(d):
    with SmtpSink() as sink:
        sink.tempfail_until(time.monotonic() + 3600)
        d.rewrite_config(d.config_text(smtp=sink.config()))
        d.start()
        setup(d)
        eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                    "Lotgenoten", "--start", day(20), "--duration", "2h",
                    "--room", ROOM, check=True).out.strip()
        pid = d.cli("participant", "add", "--email", "sara@example.org",
                    "--quiet", "none", check=True).out.strip()
        d.cli("register", eid, pid, check=True)
        # The server says 451: the confirmation waits, tried at least
        # once; the reminders wait for their day.
        pending = 'hersteld_outbox_messages{status="pending"}'

        def tried():
            m = metrics(d)
            rows = d.sqlite("SELECT kind, status, attempts FROM outbox")
            want = len([r for r in rows if r[1] == "pending"])
            return m if (("confirmation", "pending") in
                         [(r[0], r[1]) for r in rows if r[2] >= 1] and
                         m[pending] == want) else None
        m = wait_until("a pending confirmation tried once", tried)
        waiting = m[pending]
        assert waiting >= 1, m
        assert get(m, 'hersteld_mail_sent_total{kind="confirmation"}') == 0
        assert m['hersteld_outbox_messages{status="sent"}'] == 0, m
        sink.tempfail_until(0)
        sink.wait_for(1, timeout=30)

        # Sending counts at the 250; the outbox row says so once the
        # delivery thread has recorded it, a moment later.
        def counted():
            m = metrics(d)
            return m if get(m, 'hersteld_mail_sent_total{kind='
                            '"confirmation"}') == 1 and m[
                'hersteld_outbox_messages{status="sent"}'] == 1 else None
        m = wait_until("counted and recorded as sent", counted)
        assert m[pending] == waiting - 1, m
        assert m['hersteld_outbox_messages{status="sent"}'] == 1, m
        assert m["hersteld_outbox_oldest_pending_seconds"] == 0, m
        assert get(m, 'hersteld_mail_failed_total{kind="confirmation"}') \
            == 0, m

def test_a_feed_and_the_agenda_render_once_then_come_from_the_cache(d):
    setup(d)
    d.cli("event", "add", "--kind", "steungroep", "--title", "Open avond",
          "--start", day(5), "--duration", "2h", "--room", ROOM, check=True)
    before = metrics(d)
    for _ in range(2):
        status, _, _ = d.http("GET", "/feeds/public.ics")
        assert status == 200
    for _ in range(2):
        status, _, _ = d.http("GET", "/")
        assert status == 200
    m = metrics(d)
    for what in ("feed", "page"):
        assert m["hersteld_%s_renders_total" % what] - \
            before["hersteld_%s_renders_total" % what] == 1, (what, m)
        assert m["hersteld_%s_cache_hits_total" % what] - \
            before["hersteld_%s_cache_hits_total" % what] == 1, (what, m)
    # A request is counted when the server has finished sending it, which
    # may be just after the client read the answer: wait for the count.
    key = 'hersteld_http_requests_total{class="%s",code="200"}'
    deadline = time.monotonic() + 5
    while (get(m, key % "feed") - get(before, key % "feed") < 2 or
           get(m, key % "web") - get(before, key % "web") < 2) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
        m = metrics(d)
    assert get(m, key % "feed") - get(before, key % "feed") == 2, m
    assert get(m, key % "web") - get(before, key % "web") == 2, m


def test_a_booking_conflict_counts_one_refusal(d):
    setup(d)
    d.cli("book", ROOM, "--start", day(10), "--duration", "2h", check=True)
    before = metrics(d)["hersteld_booking_refusals_total"]
    r = d.cli("book", ROOM, "--start", day(10, "20:00"), "--duration", "2h")
    assert r.rc != 0 and "is not free" in r.err, r
    assert metrics(d)["hersteld_booking_refusals_total"] == before + 1


def test_requests_are_counted_by_class_and_code(d):
    key = 'hersteld_http_requests_total{class="%s",code="%s"}'
    before = metrics(d)
    assert d.http("GET", "/no/such/thing")[0] == 404
    assert d.http("GET", "/feeds/no-such-feed.ics")[0] == 404
    assert d.http("GET", "/api/v1/events")[0] == 401
    d.cli("event", "list", check=True)
    m = metrics(d)
    assert get(m, key % ("other", 404)) - get(before, key % ("other", 404)) \
        == 1, m
    assert get(m, key % ("feed", 404)) - get(before, key % ("feed", 404)) \
        == 1, m
    assert get(m, key % ("api", 401)) - get(before, key % ("api", 401)) \
        == 1, m
    assert get(m, key % ("api", 200)) > get(before, key % ("api", 200)), m
    # the first /metrics request itself was counted
    assert get(m, key % ("other", 200)) >= 1, m
    classes = {re.search(r'class="([a-z]+)"', k).group(1)
               for k in m if k.startswith("hersteld_http_requests_total")}
    assert classes <= {"api", "feed", "web", "other"}, classes


def test_listen_http_does_not_serve_metrics_or_healthz(d):
    for path in ("/metrics", "/healthz"):
        status, _, body = d.http("GET", path)
        assert status == 404, (path, status, body)
        assert b"hersteld_" not in body


def _get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        conn.close()


@harness.nostart
def test_metrics_listen_serves_metrics_and_healthz_only(d):
    port = harness.free_port()
    d.rewrite_config(d.config_text(
        metrics='{ listen = "127.0.0.1:%d"; }' % port))
    d.start()
    status, ctype, body = _get(port, "/metrics")
    assert status == 200, (status, body)
    assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
    assert "hersteld_outbox_messages" in "".join(parse(body.decode()))
    assert _get(port, "/healthz")[::2] == (200, b"ok\n")
    for path in ("/", "/api/v1/events", "/feeds/public.ics", "/unsubscribe/x"):
        assert _get(port, path)[0] == 404, path
    # and the public door still does not
    assert d.http("GET", "/metrics")[0] == 404
    d.stop()
    d.assert_clean()


@harness.nostart
def test_a_bad_metrics_listen_is_refused_with_its_line(d):
    for value, says in (('"nonsense"', "metrics.listen must be HOST:PORT"),
                        ('"127.0.0.1:0"', 'metrics.listen: bad port "0"'),
                        ('"127.0.0.1:%d"' % d.port,
                         "must not be the address of listen.http"),
                        ("9187", "metrics.listen must be a string")):
        d.rewrite_config(d.config_text(metrics="{ listen = %s; }" % value))
        line = d.conf_text.splitlines().index(
            "metrics = { listen = %s; };" % value) + 1
        r = d.hersteld_cmd("-n", "-c", d.conf)
        assert r.rc == EX_CONFIG, r
        assert len(r.err_lines()) == 1, r
        assert "%s:%d: " % (d.conf, line) in r.err, r
        assert says in r.err, r

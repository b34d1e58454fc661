"""The daemon itself: the JSON API's errors over the socket and over TCP,
configuration checks and reloads, signals, restarts, the schema guard, and
what herstelctl says when there is no daemon.
"""

import http.client
import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import tempfile

import harness
from harness import (EX_CONFIG, EX_NOPERM, EX_UNAVAILABLE, EX_USAGE,
                     nostart, run)

MIB = 1024 * 1024


def assert_error_shape(status, headers, body, want_status, want_code=None):
    """An API error: the status, JSON content, and
    {"error": {"code": str, "message": str, "details": ...}}."""
    assert status == want_status, (status, body[:300])
    assert headers.get("content-type", "").startswith("application/json"), headers
    doc = json.loads(body)
    assert list(doc) == ["error"], doc
    err = doc["error"]
    assert set(err) == {"code", "message", "details"}, err
    assert isinstance(err["code"], str) and err["code"], err
    assert isinstance(err["message"], str) and err["message"], err
    if want_code is not None:
        assert err["code"] == want_code, err
    return err


def add_location(d, slug="herstelhuis"):
    d.cli("location", "add", slug, "--name", slug.title(), check=True)


# ---- the API over the UNIX socket ----

def test_api_root_answers_over_the_socket(d):
    status, headers, body = d.api_socket("GET", "/api/v1")
    assert status == 200, body
    assert json.loads(body) == {"api": "hersteld v1"}


def test_api_malformed_json_is_400_with_the_error_shape_and_changes_nothing(d):
    add_location(d)
    before = d.dump()
    for body in (b'{"slug": "x", "name": ', b"{bad", b"[1, 2", b'{"slug": "x"}}'):
        err = assert_error_shape(*d.api_socket("POST", "/api/v1/locations", body),
                                 400, "bad_json")
        assert "malformed JSON" in err["message"], err
    assert d.dump() == before


def test_api_json_that_is_not_an_object_is_400(d):
    before = d.dump()
    for body in (b"[]", b'"herstelhuis"', b"42", b"null"):
        assert_error_shape(*d.api_socket("POST", "/api/v1/locations", body), 400)
    assert_error_shape(*d.api_socket("POST", "/api/v1/locations"), 400)
    assert d.dump() == before


def test_api_invalid_utf8_in_json_is_400_and_changes_nothing(d):
    before = d.dump()
    assert_error_shape(*d.api_socket(
        "POST", "/api/v1/locations", b'{"slug": "x", "name": "\xff\xfe"}'), 400)
    assert d.dump() == before


def test_api_unknown_json_field_is_422_naming_it_and_changes_nothing(d):
    add_location(d)
    before = d.dump()
    err = assert_error_shape(*d.api_socket(
        "POST", "/api/v1/locations",
        {"slug": "noord", "name": "Noord", "colour": "blue"}), 422, "unknown_field")
    assert "colour" in err["message"], err
    err = assert_error_shape(*d.api_socket(
        "PATCH", "/api/v1/locations/herstelhuis", {"nmae": "typo"}), 422)
    assert "nmae" in err["message"], err
    assert d.dump() == before


def test_api_field_of_the_wrong_type_is_422_and_changes_nothing(d):
    add_location(d)
    before = d.dump()
    assert_error_shape(*d.api_socket(
        "POST", "/api/v1/rooms",
        {"room": "herstelhuis/zaal-1", "name": "Z", "capacity": "12"}), 422)
    assert_error_shape(*d.api_socket(
        "POST", "/api/v1/locations", {"slug": 5, "name": "X"}), 422)
    assert d.dump() == before


def post_early_answered(d, path, body):
    """POST body over the socket as a client that reads an answer given
    before it has sent everything (as curl does): the daemon answers 413
    on the headers alone and reads none of the body."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    try:
        s.connect(d.socket)
        s.sendall(b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                  b"application/json\r\nContent-Length: %d\r\n\r\n" %
                  (path.encode(), len(body)))
        try:
            s.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = http.client.HTTPResponse(s)
        resp.begin()
        return (resp.status, {k.lower(): v for k, v in resp.getheaders()},
                resp.read())
    finally:
        s.close()


def test_api_body_over_1_mib_is_413_and_changes_nothing(d):
    before = d.dump()
    body = b'{"slug": "big", "name": "' + b"x" * MIB + b'"}'
    assert_error_shape(*post_early_answered(d, "/api/v1/locations", body),
                       413, "too_large")
    assert d.dump() == before
    # The daemon is still fine afterwards.
    d.cli("location", "list", check=True)


def test_api_body_of_exactly_1_mib_is_read(d):
    before = d.dump()
    head, tail = b'{"slug": "big", "name": "', b'"}'
    body = head + b"x" * (MIB - len(head) - len(tail)) + tail
    assert len(body) == MIB
    err = assert_error_shape(*d.api_socket("POST", "/api/v1/locations", body),
                             422)
    assert "too long" in err["message"], err
    assert d.dump() == before


def test_api_unknown_path_is_404(d):
    for path in ("/api/v1/nope", "/api/v1/locations/nowhere",
                 "/api/v1/rooms/herstelhuis/nope", "/api/v1/closures/abc",
                 "/api/v1/closures/0", "/api/v1/a/b/c/d/e/f/g/h/i"):
        assert_error_shape(*d.api_socket("GET", path), 404, "not_found")
    status, _, _ = d.api_socket("GET", "/nope")
    assert status == 404


def test_api_wrong_method_is_refused_and_changes_nothing(d):
    add_location(d)
    before = d.dump()
    status, headers, body = d.api_socket("PUT", "/api/v1/locations",
                                         {"slug": "x", "name": "X"})
    assert status == 405, (status, body)
    assert_error_shape(status, headers, body, 405)
    assert d.dump() == before


# ---- the API over TCP needs a token ----

def test_tcp_api_without_token_is_401_with_the_error_shape(d):
    add_location(d)
    before = d.dump()
    status, headers, body = d.http("GET", "/api/v1/locations")
    assert_error_shape(status, headers, body, 401, "unauthorized")
    assert headers.get("www-authenticate", "").startswith("Bearer"), headers
    status, headers, body = d.http("POST", "/api/v1/locations",
                                   {"slug": "x", "name": "X"})
    assert_error_shape(status, headers, body, 401)
    status, headers, body = d.http("DELETE", "/api/v1/locations/herstelhuis")
    assert_error_shape(status, headers, body, 401)
    assert d.dump() == before


def test_tcp_api_with_a_garbage_token_is_401(d):
    add_location(d)
    before = d.dump()
    for auth in ("Bearer garbage", "Bearer hst_" + "0" * 64, "Bearer ",
                 "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 500):
        status, headers, body = d.http("GET", "/api/v1/locations",
                                       headers={"Authorization": auth})
        assert_error_shape(status, headers, body, 401, "unauthorized")
    status, headers, body = d.http("DELETE", "/api/v1/locations/herstelhuis",
                                   headers={"Authorization": "Bearer garbage"})
    assert_error_shape(status, headers, body, 401)
    assert d.dump() == before


def test_cli_over_tcp_without_or_with_a_bad_token_exits_77(d):
    add_location(d)
    before = d.dump()
    for kw in ({"tcp": True}, {"token": "garbage"}):
        r = d.cli("location", "remove", "herstelhuis", **kw)
        assert r.rc == EX_NOPERM, r
        assert len(r.err_lines()) == 1, r
        assert "token" in r.err_lines()[0], r
    assert d.dump() == before


def new_token(d, *args):
    r = d.cli("--json", "token", "create", *args, check=True)
    t = r.json()
    assert t["token"].startswith("hst_"), r
    return t["id"], t["token"]


def test_tcp_api_with_a_valid_token_works_and_a_revoked_one_is_401(d):
    add_location(d)
    tid, token = new_token(d, "--role", "admin", "--name", "ci")
    status, _, body = d.http("GET", "/api/v1/locations",
                             headers={"Authorization": "Bearer " + token})
    assert status == 200, body
    assert [l["slug"] for l in json.loads(body)] == ["herstelhuis"]
    r = d.cli("location", "add", "noord", "--name", "Noord", token=token,
              check=True)
    assert r.out.strip().isdigit(), r

    d.cli("token", "revoke", str(tid), check=True)
    before = d.dump()
    status, headers, body = d.http("GET", "/api/v1/locations",
                                   headers={"Authorization": "Bearer " + token})
    assert_error_shape(status, headers, body, 401, "unauthorized")
    r = d.cli("location", "remove", "noord", token=token)
    assert r.rc == EX_NOPERM and len(r.err_lines()) == 1, r
    assert d.dump() == before


# ---- configuration ----

@nostart
def test_hersteld_n_reports_a_syntax_error_as_file_line_and_exits_78(d):
    broken = os.path.join(d.dir, "broken.conf")
    with open(broken, "w") as fp:
        fp.write('database = "x.db";\n'
                 'timezone = "Europe/Amsterdam";\n'
                 'listen = {\n'
                 '  socket = "x.sock" http = = "127.0.0.1:1";\n'
                 '};\n')
    r = d.hersteld_cmd("-n", "-c", broken)
    assert r.rc == EX_CONFIG, r
    assert len(r.err_lines()) == 1, r
    assert "%s:4: " % broken in r.err, r
    assert "syntax error" in r.err, r


@nostart
def test_hersteld_n_accepts_the_good_config(d):
    r = d.hersteld_cmd("-n", "-c", d.conf)
    assert r.rc == 0, r
    assert "OK" in r.err, r
    # -n only checks: no database, no socket.
    assert not os.path.exists(d.db)
    assert not os.path.exists(d.socket)


@nostart
def test_hersteld_n_accepts_the_shipped_config(d):
    # Its paths are under ./var, which make run creates; -n checks that
    # the directories are there, as the start would.
    shipped = os.path.join(harness.TOP, "conf", "hersteld.conf")
    r = d.hersteld_cmd("-n", "-c", shipped)
    assert r.rc == harness.EX_UNAVAILABLE and "var" in r.err, r
    os.mkdir(os.path.join(d.dir, "var"))
    r = d.hersteld_cmd("-n", "-c", shipped)
    assert r.rc == 0, r


@nostart
def test_unknown_timezone_in_the_config_exits_78_naming_the_line(d):
    d.rewrite_config(d.config_text(timezone='"Europe/Amsterdm"'))
    r = d.hersteld_cmd("-n", "-c", d.conf)
    assert r.rc == EX_CONFIG, r
    line = d.conf_text.splitlines().index(
        'timezone = "Europe/Amsterdm";') + 1
    assert "%s:%d: " % (d.conf, line) in r.err, r
    assert "Europe/Amsterdm" in r.err, r
    # Starting for real refuses the same way and creates nothing.
    r = d.start_expect_exit()
    assert r.rc == EX_CONFIG, r
    assert "%s:%d: " % (d.conf, line) in r.err, r
    assert not os.path.exists(d.db)


@nostart
def test_missing_config_file_exits_78(d):
    r = d.hersteld_cmd("-n", "-c", os.path.join(d.dir, "nope.conf"))
    assert r.rc == EX_CONFIG, r
    assert "nope.conf" in r.err, r


@nostart
def test_hersteld_with_an_unknown_option_exits_64(d):
    r = d.hersteld_cmd("-x")
    assert r.rc == EX_USAGE, r
    assert "usage: hersteld" in r.err, r
    r = d.hersteld_cmd("-c", d.conf, "extra")
    assert r.rc == EX_USAGE, r


# ---- reload ----

def test_sighup_with_a_broken_config_keeps_the_old_one_and_says_why(d):
    add_location(d)
    good = d.conf_text
    # A syntax error on line 3.
    d.rewrite_config('database = "x.db";\ntimezone = "Europe/Amsterdam";\n'
                     'listen = { socket = ;\n')
    at = d.log_offset()
    d.sighup()
    log = d.wait_log("reload failed", after=at)
    assert "%s:3: " % d.conf in log, log
    assert d.running()
    assert [l["slug"] for l in d.cli("--json", "location", "list",
                                     check=True).json()] == ["herstelhuis"]

    # An unknown zone: the old zone stays in force for new locations.
    d.rewrite_config(d.config_text(timezone='"Atlantis/Capital"'))
    line = d.conf_text.splitlines().index('timezone = "Atlantis/Capital";') + 1
    at = d.log_offset()
    d.sighup()
    log = d.wait_log("reload failed", after=at)
    assert "%s:%d: " % (d.conf, line) in log, log
    assert "Atlantis/Capital" in log, log
    d.cli("location", "add", "noord", "--name", "Noord", check=True)
    assert d.cli("--json", "location", "show", "noord",
                 check=True).json()["timezone"] == "Europe/Amsterdam"

    d.rewrite_config(good)
    at = d.log_offset()
    d.sighup()
    d.wait_log("configuration reloaded", after=at)


def test_sighup_with_a_good_config_logs_the_reload_and_applies_it(d):
    d.rewrite_config(d.config_text(timezone='"America/New_York"'))
    at = d.log_offset()
    d.sighup()
    log = d.wait_log("configuration reloaded", after=at)
    assert d.conf in log, log
    # The new default zone applies to the next location.
    d.cli("location", "add", "ny", "--name", "NY", check=True)
    assert d.cli("--json", "location", "show", "ny",
                 check=True).json()["timezone"] == "America/New_York"


def test_sighup_applies_a_new_log_level(d):
    d.cli("location", "list", check=True)
    assert "GET" not in d.stderr()          # info: no request lines
    d.rewrite_config(d.config_text(log_level='"debug"'))
    at = d.log_offset()
    d.sighup()
    d.wait_log("configuration reloaded", after=at)
    d.cli("location", "list", check=True)
    d.wait_log("GET", after=at)


def test_sighup_that_changes_the_database_warns_it_needs_a_restart(d):
    d.rewrite_config(d.config_text(database='"%s"' % os.path.join(d.dir,
                                                                 "other.db")))
    at = d.log_offset()
    d.sighup()
    log = d.wait_log("configuration reloaded", after=at)
    assert "restart" in log, log
    add_location(d)
    assert d.sqlite("SELECT slug FROM location") == [("herstelhuis",)]


# ---- signals, sockets, restarts ----

def test_sigterm_exits_0_and_removes_the_socket(d):
    assert os.path.exists(d.socket)
    d.stop()                    # asserts exit 0 and a clean stderr
    assert not os.path.exists(d.socket)
    assert "stopped" in d.stderr()


def test_sigint_exits_0_too(d):
    d.proc.send_signal(signal.SIGINT)
    assert d.proc.wait(timeout=30) == 0
    d.proc = None
    d.assert_clean()
    assert not os.path.exists(d.socket)


@nostart
def test_a_socket_only_configuration_has_no_tcp_listener(d):
    d.rewrite_config(d.config_text(listen='{ socket = "%s"; http = ""; }'
                                   % d.socket))
    d.start()
    d.cli("location", "list", check=True)
    r = d.cli("location", "list", tcp=True)
    assert r.rc == EX_UNAVAILABLE, r
    assert "cannot reach hersteld" in r.err, r


def test_socket_is_mode_0660(d):
    assert stat.S_IMODE(os.stat(d.socket).st_mode) == 0o660


def test_restart_keeps_all_data(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          "--hours", "mon-sat 09:00-22:00", check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Zaal 1",
          "--capacity", "12", "--features", "beamer", check=True)
    d.cli("closure", "add", "herstelhuis", "--from", "2099-12-24", "--to",
          "2099-12-27", "--reason", "Kerst", check=True)

    def everything():
        return [d.cli("--json", *args, check=True).json() for args in
                (["location", "list"], ["room", "list"], ["closure", "list"])]

    before = everything()
    d.stop()
    d.start()
    assert everything() == before
    # And it keeps counting: new ids do not reuse old ones.
    r = d.cli("location", "add", "noord", "--name", "Noord", check=True)
    assert int(r.out) > before[0][0]["id"]


def test_a_stale_socket_is_replaced_after_a_crash(d):
    add_location(d)
    d.proc.kill()
    d.proc.wait()
    d.proc = None
    assert os.path.exists(d.socket)     # left behind by the crash
    d.start()
    assert [l["slug"] for l in d.cli("--json", "location", "list",
                                     check=True).json()] == ["herstelhuis"]


def test_a_second_daemon_on_the_same_socket_is_refused(d):
    second = subprocess.run([d.hersteld, "-d", "-c", d.conf], cwd=d.dir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=20, env=harness.clean_env())
    err = second.stderr.decode()
    assert second.returncode == EX_UNAVAILABLE, err
    assert "already running" in err, err
    assert not harness.sanitizer_report(err), err
    # The first one still answers.
    d.cli("location", "list", check=True)


# ---- herstelctl without a daemon ----

def test_cli_without_a_daemon_says_how_to_start_it_and_exits_69():
    with tempfile.TemporaryDirectory(prefix="hersteld-e2e-") as tmp:
        sock = os.path.join(tmp, "hersteld.sock")
        for argv, env_sock in (([harness.herstelctl(), "--socket", sock,
                                 "location", "list"], None),
                               ([harness.herstelctl(), "location", "list"],
                                sock)):
            env = harness.clean_env()
            if env_sock:
                env["HERSTEL_SOCKET"] = env_sock
            r = run(argv, cwd=tmp, env=env)
            assert r.rc == EX_UNAVAILABLE, r
            lines = r.err_lines()
            assert len(lines) == 1, r
            assert sock in lines[0], r
            assert "is it running" in lines[0], r
            assert "hersteld -c" in lines[0] or "make run" in lines[0], r
            assert r.out == "", r


def test_cli_against_a_dead_socket_file_exits_69(d):
    d.proc.kill()
    d.proc.wait()
    d.proc = None
    r = d.cli("location", "list")
    assert r.rc == EX_UNAVAILABLE, r
    assert len(r.err_lines()) == 1 and "is it running" in r.err, r


# ---- schema ----

@nostart
def test_database_with_a_newer_schema_is_refused(d):
    con = sqlite3.connect(d.db)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    r = d.start_expect_exit()
    assert r.rc != 0, r
    assert "newer" in r.err and "99" in r.err, r
    assert not harness.sanitizer_report(r.err), r
    assert not os.path.exists(d.socket)
    # Nothing was written to it.
    assert d.sqlite("PRAGMA user_version") == [(99,)]
    assert d.sqlite("SELECT count(*) FROM sqlite_master") == [(0,)]


@nostart
def test_a_database_in_a_missing_directory_is_refused_clearly(d):
    d.rewrite_config(d.config_text(database='"%s"' % os.path.join(
        d.dir, "missing", "hersteld.db")))
    r = d.start_expect_exit()
    assert r.rc == EX_UNAVAILABLE, r
    assert "missing/hersteld.db" in r.err, r



def test_debug_log_names_no_participant_address(d):
    """Even at log_level debug the request lines name no address: a path
    that names a participant by address is logged with <address>."""
    d.rewrite_config(d.config_text(log_level='"debug"'))
    at = d.log_offset()
    d.sighup()
    d.wait_log("configuration reloaded", after=at)
    d.cli("participant", "add", "--email", "iemand@example.org", check=True)
    d.cli("participant", "show", "iemand@example.org", check=True)
    log = d.wait_log("participants/<address>", after=at)
    assert "iemand@example.org" not in d.stderr()[at:], log

"""Events through herstelctl: single sessions and weekly series, occurrences
in local time across both DST changes, changing or cancelling one
occurrence, splitting a series, publishing, SEQUENCE and UIDs, restarts,
and every bad-input case refused without a change.
"""

import json
import re

from harness import EX_DATAERR, EX_USAGE

SERIES = ["--kind", "steungroep", "--title", "Lotgenotengroep",
          "--start", "2026-10-20 19:00", "--duration", "2h",
          "--room", "herstelhuis/zaal-1", "--group", "lotgenoten-zuidoost",
          "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=30"]


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis Zuidoost",
          "--address", "Johan Cruijff Boulevard, Amsterdam",
          "--hours", "mon-sat 09:00-22:00", check=True)
    d.cli("room", "add", "herstelhuis/zaal-1", "--name", "Grote zaal",
          "--capacity", "40", "--accessible", "--features", "beamer,keuken",
          check=True)
    d.cli("group", "add", "lotgenoten-zuidoost", "--name", "Lotgenoten Zuidoost",
          "--kind", "steungroep", "--email", "info@example.org", check=True)


def add(d, *args):
    r = d.cli("event", "add", *args, check=True)
    return int(r.out.strip())


def occurrences(d, frm, to, *extra):
    return d.cli("--json", "event", "list", "--from", frm, "--to", to, *extra,
                 check=True).json()


def show(d, eid):
    return d.cli("--json", "event", "show", str(eid), check=True).json()


def refused(d, args, code=EX_DATAERR, says=None):
    """args is refused with one line on stderr and nothing changes."""
    before = d.dump()
    r = d.cli(*args)
    assert r.rc == code, r
    assert len(r.err_lines()) == 1, r
    if says is not None:
        assert says in r.err, (says, r)
    assert d.dump() == before, "the database changed: %r" % (r,)
    return r


def test_single_event_add_prints_id_and_show_has_everything(d):
    setup(d)
    eid = add(d, "--kind", "dialoogsessie", "--title",
              "Dialoogsessie: herstel en compensatie", "--start",
              "2026-12-03 19:00", "--duration", "2h", "--room",
              "herstelhuis/zaal-1", "--group", "lotgenoten-zuidoost",
              "--capacity", "25", "--theme", "compensatie", "--theme", "uht",
              "--description", "Regel 1\nRegel 2")
    ev = show(d, eid)
    assert ev["id"] == eid
    assert ev["start"] == "2026-12-03T19:00:00+01:00"
    assert ev["end"] == "2026-12-03T21:00:00+01:00"
    assert ev["room"] == "herstelhuis/zaal-1" and ev["location"] == "herstelhuis"
    assert ev["group"] == "lotgenoten-zuidoost"
    assert ev["capacity"] == 25 and ev["themes"] == ["compensatie", "uht"]
    assert ev["description"] == "Regel 1\nRegel 2"
    assert ev["status"] == "published" and ev["visibility"] == "public"
    assert ev["sequence"] == 0
    assert re.fullmatch(r"[0-9a-f]{32}@localhost", ev["uid"]), ev["uid"]
    table = d.cli("event", "show", str(eid), check=True).out
    assert "herstelhuis/zaal-1" in table and "2026-12-03 19:00-21:00" in table


def test_end_instead_of_duration_and_iso_offset_times(d):
    setup(d)
    eid = add(d, "--kind", "overig", "--title", "x", "--start",
              "2026-12-03T18:00:00Z", "--end", "2026-12-03 21:30",
              "--location", "herstelhuis")
    ev = show(d, eid)
    assert ev["start"] == "2026-12-03T19:00:00+01:00"
    assert ev["end"] == "2026-12-03T21:30:00+01:00"
    assert ev["room"] is None and ev["location"] == "herstelhuis"


def test_weekly_series_stays_at_19_local_across_both_dst_changes(d):
    setup(d)
    eid = add(d, *SERIES)
    occ = occurrences(d, "2026-10-01", "2027-06-01")
    assert len(occ) == 30
    for o in occ:
        assert o["id"] == eid and o["series"] is True
        assert o["start"][11:16] == "19:00", o
        assert o["end"][11:16] == "21:00", o
    by_date = {o["occurrence"]: o["start"] for o in occ}
    # summer time ends 2026-10-25 and starts again 2027-03-28
    assert by_date["2026-10-20"] == "2026-10-20T19:00:00+02:00"
    assert by_date["2026-10-27"] == "2026-10-27T19:00:00+01:00"
    assert by_date["2027-03-23"] == "2027-03-23T19:00:00+01:00"
    assert by_date["2027-03-30"] == "2027-03-30T19:00:00+02:00"
    table = d.cli("event", "list", "--from", "2027-03-20", "--to",
                  "2027-04-10", check=True).out
    assert table.count("19:00-21:00") == 3, table


def test_except_leaves_out_the_date_and_must_be_an_occurrence(d):
    setup(d)
    eid = add(d, *SERIES, "--except", "2026-12-29")
    dates = [o["occurrence"] for o in occurrences(d, "2026-12-20", "2027-01-10")]
    assert dates == ["2026-12-22", "2027-01-05"], dates
    assert show(d, eid)["except"] == ["2026-12-29"]
    refused(d, ["event", "add", *SERIES, "--except", "2026-12-30"],
            says="2026-12-30 is not an occurrence")


def test_edit_one_occurrence_moves_it_and_bumps_sequence(d):
    setup(d)
    eid = add(d, *SERIES)
    d.cli("event", "edit", str(eid), "--occurrence", "2026-11-03", "--start",
          "2026-11-03 20:00", "--title", "Later", check=True)
    occ = {o["occurrence"]: o for o in occurrences(d, "2026-10-27", "2026-11-11")}
    assert occ["2026-11-03"]["start"] == "2026-11-03T20:00:00+01:00"
    assert occ["2026-11-03"]["end"] == "2026-11-03T22:00:00+01:00"
    assert occ["2026-11-03"]["title"] == "Later" and occ["2026-11-03"]["moved"]
    assert occ["2026-10-27"]["title"] == "Lotgenotengroep"
    assert occ["2026-11-10"]["start"][11:16] == "19:00"
    ev = show(d, eid)
    assert ev["sequence"] == 1
    assert ev["overrides"][0]["occurrence"] == "2026-11-03"


def test_cancel_one_occurrence_keeps_it_listed_as_cancelled(d):
    setup(d)
    eid = add(d, *SERIES)
    d.cli("event", "cancel", str(eid), "--occurrence", "2026-11-10",
          "--reason", "Ziekte", check=True)
    occ = {o["occurrence"]: o for o in occurrences(d, "2026-11-01", "2026-11-20")}
    assert occ["2026-11-10"]["status"] == "cancelled"
    assert occ["2026-11-03"]["status"] == "published"
    assert occ["2026-11-17"]["status"] == "published"
    cancelled = occurrences(d, "2026-11-01", "2026-11-20", "--status", "cancelled")
    assert [o["occurrence"] for o in cancelled] == ["2026-11-10"]
    refused(d, ["event", "cancel", str(eid), "--occurrence", "2026-11-10"],
            says="already cancelled")


def test_cancel_whole_event_and_publish_a_proposal(d):
    setup(d)
    eid = add(d, "--kind", "themabijeenkomst", "--title", "Erkenning",
              "--start", "2026-12-10 14:00", "--duration", "90m",
              "--location", "herstelhuis", "--propose")
    assert show(d, eid)["status"] == "proposed"
    d.cli("event", "publish", str(eid), check=True)
    assert show(d, eid)["status"] == "published"
    refused(d, ["event", "publish", str(eid)], says="not proposed")
    d.cli("event", "cancel", str(eid), "--reason", "Te weinig aanmeldingen",
          check=True)
    ev = show(d, eid)
    assert ev["status"] == "cancelled" and ev["sequence"] == 1
    assert ev["cancel_reason"] == "Te weinig aanmeldingen"
    listed = occurrences(d, "2026-12-01", "2026-12-31")
    assert [o["status"] for o in listed] == ["cancelled"]


def test_edit_following_splits_the_series_and_keeps_earlier_ones(d):
    setup(d)
    eid = add(d, *SERIES)
    r = d.cli("--json", "event", "edit", str(eid), "--following", "2027-01-05",
              "--start", "2027-01-05 18:30", check=True)
    new = r.json()
    assert new["id"] != eid and new["uid"] != show(d, eid)["uid"]
    assert new["start"] == "2027-01-05T18:30:00+01:00"
    occ = occurrences(d, "2026-12-20", "2027-01-20")
    got = [(o["id"], o["start"][:16]) for o in occ]
    assert got == [(eid, "2026-12-22T19:00"), (eid, "2026-12-29T19:00"),
                   (new["id"], "2027-01-05T18:30"),
                   (new["id"], "2027-01-12T18:30"),
                   (new["id"], "2027-01-19T18:30")], got
    # 30 in all, before and after the split
    assert len(occurrences(d, "2026-10-01", "2027-12-31")) == 30


def test_cancel_following_keeps_the_later_part_visible_as_cancelled(d):
    setup(d)
    eid = add(d, *SERIES)
    d.cli("event", "cancel", str(eid), "--following", "2027-03-02", check=True)
    occ = occurrences(d, "2027-02-20", "2027-03-20")
    assert [(o["occurrence"], o["status"]) for o in occ] == [
        ("2027-02-23", "published"), ("2027-03-02", "cancelled"),
        ("2027-03-09", "cancelled"), ("2027-03-16", "cancelled")], occ


def test_edit_whole_series_changes_place_and_bumps_sequence(d):
    setup(d)
    eid = add(d, *SERIES)
    d.cli("event", "edit", str(eid), "--place", "Buurthuis, Bijlmerdreef 1",
          check=True)
    ev = show(d, eid)
    assert ev["room"] is None and ev["place"] == "Buurthuis, Bijlmerdreef 1"
    assert ev["sequence"] == 1
    d.cli("event", "edit", str(eid), "--title", "Nieuwe titel", check=True)
    assert show(d, eid)["sequence"] == 1    # a title is not time or place


def test_event_remove_and_unknown_event(d):
    setup(d)
    eid = add(d, *SERIES)
    d.cli("event", "remove", str(eid), check=True)
    assert d.sqlite("SELECT count(*) FROM event") == [(0,)]
    refused(d, ["event", "show", str(eid)], says="unknown event")


def test_events_survive_a_restart(d):
    setup(d)
    eid = add(d, *SERIES, "--except", "2026-12-29")
    d.cli("event", "edit", str(eid), "--occurrence", "2026-11-03", "--start",
          "2026-11-03 20:00", check=True)
    before = occurrences(d, "2026-10-01", "2027-06-01")
    d.restart()
    assert occurrences(d, "2026-10-01", "2027-06-01") == before


def test_list_filters_by_kind_group_and_status(d):
    setup(d)
    add(d, *SERIES)
    add(d, "--kind", "dialoogsessie", "--title", "Dialoog", "--start",
        "2026-11-05 19:00", "--duration", "2h", "--place", "Stadhuis")
    kinds = {o["kind"] for o in occurrences(d, "2026-11-01", "2026-11-10",
                                            "--kind", "dialoogsessie")}
    assert kinds == {"dialoogsessie"}
    groups = {o["group"] for o in occurrences(d, "2026-11-01", "2026-11-10",
                                              "--group", "lotgenoten-zuidoost")}
    assert groups == {"lotgenoten-zuidoost"}
    refused(d, ["event", "list", "--kind", "feest"], says="unknown kind")
    refused(d, ["event", "list", "--group", "nobody"], says="unknown group")
    refused(d, ["event", "list", "--from", "2027-01-01", "--to", "2026-01-01"],
            says="--to must be after --from")


BASE = ["event", "add", "--kind", "overig", "--title", "x", "--start",
        "2026-12-03 19:00"]


def test_bad_input_is_refused_with_one_line_and_changes_nothing(d):
    setup(d)
    add(d, *SERIES)
    cases = [
        (BASE + ["--duration", "2h", "--room", "herstelhuis/zaal-9"], EX_DATAERR,
         'unknown room "herstelhuis/zaal-9"'),
        (BASE + ["--duration", "2h", "--location", "nergens"], EX_DATAERR,
         'unknown location "nergens"'),
        (BASE + ["--duration", "2h", "--group", "nobody"], EX_DATAERR,
         'unknown group "nobody"'),
        (BASE + ["--end", "2026-12-03 18:00"], EX_DATAERR,
         "--end must be after --start"),
        (BASE + ["--end", "2026-12-03 19:00"], EX_DATAERR,
         "--end must be after --start"),
        (BASE + ["--duration", "0m"], EX_DATAERR, "longer than zero"),
        (BASE + ["--duration", "-1h"], EX_DATAERR, "not a duration"),
        (BASE + ["--duration", "2h", "--repeat", "FREQ=WEEKLY;BYDAY=XX"],
         EX_DATAERR, "BYDAY=XX"),
        (BASE + ["--duration", "2h", "--repeat", "FREQ=WEEKLY;COUNT=x"],
         EX_DATAERR, "COUNT=x"),
        (BASE + ["--duration", "2h", "--repeat", "FREQ=WEEKLY;BYDAY=TH;FOO=1"],
         EX_DATAERR, "FOO"),
        (BASE + ["--duration", "2h", "--repeat", "FREQ=WEEKLY;BYDAY=TU"],
         EX_DATAERR, "not itself an occurrence"),
        (BASE + ["--duration", "2h", "--repeat", "FREQ=WEEKLY;BYDAY=TH",
                 "--except", "2026-12-04"], EX_DATAERR,
         "2026-12-04 is not an occurrence"),
        (BASE + ["--duration", "2h", "--except", "2026-12-04"], EX_DATAERR,
         "needs a series"),
        (BASE + ["--duration", "2h", "--room", "herstelhuis/zaal-1",
                 "--capacity", "41"], EX_DATAERR, "more than room"),
        (BASE + ["--duration", "2h", "--capacity", "0"], EX_USAGE,
         "--capacity must be a positive whole number"),
        (BASE + ["--duration", "2h", "--capacity", "-3"], EX_USAGE,
         "--capacity must be a positive whole number"),
        (BASE + ["--duration", "2h", "--capacity", "veel"], EX_USAGE,
         "--capacity must be a positive whole number"),
        (["event", "add", "--kind", "overig", "--title", "t" * 201, "--start",
          "2026-12-03 19:00", "--duration", "2h"], EX_DATAERR,
         "--title is too long: 201 characters, at most 200"),
        (BASE + ["--duration", "2h", "--description", "d" * 10001], EX_DATAERR,
         "--description is too long"),
        (BASE + ["--duration", "2h", "--kind", "feest"], EX_DATAERR,
         '--kind "feest" is not one of'),
        (BASE + ["--duration", "2h", "--visibility", "geheim"], EX_DATAERR,
         "--visibility must be"),
        (["event", "add", "--kind", "overig", "--title", "x", "--start",
          "2027-03-28 02:30", "--duration", "1h"], EX_DATAERR, "does not exist"),
        (["event", "add", "--kind", "overig", "--title", "x", "--start",
          "gisteren", "--duration", "1h"], EX_DATAERR, "is not a time"),
        (BASE + ["--duration", "2h", "--room", "herstelhuis/zaal-1",
                 "--place", "elders"], EX_DATAERR, "give one of --room"),
        (BASE, EX_USAGE, "give --end or --duration"),
        (["event", "edit", "1", "--occurrence", "2026-11-04", "--title", "y"],
         EX_DATAERR, "2026-11-04 is not an occurrence"),
        (["event", "edit", "1", "--occurrence", "2026-11-03", "--kind",
          "overig"], EX_DATAERR, "whole series"),
        (["event", "edit", "99", "--title", "y"], EX_DATAERR, "unknown event 99"),
        (["event", "edit", "1", "--title", ""], EX_DATAERR, "--title"),
    ]
    for args, code, says in cases:
        refused(d, args, code, says)
    # not valid UTF-8: refused by the CLI before anything is sent
    refused(d, [b"event", b"add", b"--kind", b"overig", b"--title",
                b"caf\xe9", b"--start", b"2026-12-03 19:00", b"--duration",
                b"2h"], EX_USAGE, "not valid UTF-8")


def test_api_rejects_invalid_utf8_and_unknown_event_fields(d):
    setup(d)
    before = d.dump()
    body = (b'{"kind":"overig","title":"caf\xe9","start":"2026-12-03 19:00",'
            b'"duration":"2h"}')
    status, _, out = d.api_socket("POST", "/api/v1/events", body)
    assert status == 400, out
    status, _, out = d.api_socket("POST", "/api/v1/events", json.dumps(
        {"kind": "overig", "title": "x", "start": "2026-12-03 19:00",
         "duration": "2h", "colour": "red"}).encode())
    assert status == 422 and b"colour" in out, out
    assert d.dump() == before


def test_every_write_leaves_an_audit_row(d):
    setup(d)
    n0 = d.sqlite("SELECT count(*) FROM audit")[0][0]
    eid = add(d, *SERIES)
    d.cli("event", "edit", str(eid), "--occurrence", "2026-11-03",
          "--title", "x", check=True)
    d.cli("event", "cancel", str(eid), "--occurrence", "2026-11-10", check=True)
    rows = d.sqlite("SELECT actor, action FROM audit ORDER BY id")[n0:]
    assert [a for _, a in rows] == ["event.add", "event.edit", "event.cancel"]
    assert all(actor == "admin (socket)" for actor, _ in rows)

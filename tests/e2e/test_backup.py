"""Backups while the daemon runs (`herstelctl backup FILE`) and putting
one back (`hersteld --restore FILE`, daemon stopped): a backup taken
under a steady stream of writes restores to a database that passes
integrity_check and holds every write acknowledged before the backup was
asked for; bad input changes nothing.
"""

import json
import os
import sqlite3
import tempfile
import threading
import time

import harness


def add_location(d, n):
    status, _, body = d.api_socket("POST", "/api/v1/locations", json.dumps(
        {"slug": "plek-%04d" % n, "name": "Plek %d" % n}),
        {"Content-Type": "application/json"})
    return status


def test_backup_under_write_load_restores_every_acknowledged_write(d):
    acked = []
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set() and n < 2000:
            if add_location(d, n) == 201:
                acked.append(n)
            n += 1

    with tempfile.TemporaryDirectory() as tmp:
        backup = os.path.join(tmp, "kopie.db")
        t = threading.Thread(target=writer)
        t.start()
        try:
            # time.sleep, not a timed wait on a lock: under the date
            # guard this process runs under libfaketime, whose timed
            # waits do not come back.
            while len(acked) < 50:
                time.sleep(0.01)
            before = list(acked)
            r = d.cli("backup", backup, check=True)
            assert "backup written to %s" % backup in r.out, r
        finally:
            stop.set()
            t.join()
        assert len(acked) > len(before), "the writes went on meanwhile"
        con = sqlite3.connect("file:%s?mode=ro" % backup, uri=True)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            slugs = {s for (s,) in con.execute("SELECT slug FROM location")}
            version = con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
        assert {"plek-%04d" % n for n in before} <= slugs
        assert not [f for f in os.listdir(tmp) if f != "kopie.db"]
        # Put it back into the daemon's own database, stopped.
        d.stop()
        r = d.hersteld_cmd("-c", d.conf, "--restore", backup)
        assert r.rc == 0, r
        assert "schema version %d" % version in r.err
        d.start()
        listed = {l["slug"] for l in d.cli("--json", "location", "list",
                                            check=True).json()}
        assert listed == slugs
        assert d.sqlite("PRAGMA integrity_check") == [("ok",)]


def test_backup_and_restore_refuse_bad_input_and_change_nothing(d):
    add_location(d, 1)
    with tempfile.TemporaryDirectory() as tmp:
        r = d.cli("backup", os.path.join(tmp, "nowhere", "kopie.db"))
        assert r.rc != 0 and "no such directory" in r.err, r
        # Over TCP with an organizer's token: the admin only.
        d.cli("group", "add", "lotgenoten", "--name", "Lotgenoten",
              check=True)
        token = d.cli("token", "create", "--role", "organizer", "--group",
                      "lotgenoten", "--name", "F", check=True).out.strip()
        r = d.cli("backup", os.path.join(tmp, "k.db"), token=token)
        assert r.rc == 77, r
        assert not os.listdir(tmp)
        # Restoring while the daemon runs is refused.
        good = os.path.join(tmp, "goed.db")
        d.cli("backup", good, check=True)
        r = d.hersteld_cmd("-c", d.conf, "--restore", good)
        assert r.rc == 75 and "stop it" in r.err, r
        d.stop()
        before = open(d.db, "rb").read()
        # Not a database, and a database from elsewhere.
        junk = os.path.join(tmp, "junk.db")
        with open(junk, "wb") as fp:
            fp.write(b"dit is geen database\n" * 100)
        r = d.hersteld_cmd("-c", d.conf, "--restore", junk)
        assert r.rc == 65, r
        other = os.path.join(tmp, "other.db")
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE x (y)")
        con.commit()
        con.close()
        r = d.hersteld_cmd("-c", d.conf, "--restore", other)
        assert r.rc == 65 and "schema version 0" in r.err, r
        assert open(d.db, "rb").read() == before
        d.start()


def test_nightly_backup_keeps_the_newest_copies():
    """backup.dir: the night's round (which also runs at start) writes
    hersteld-YYYY-MM-DD.db, and only backup.keep copies stay."""
    import datetime
    import zoneinfo
    ams = zoneinfo.ZoneInfo("Europe/Amsterdam")
    with tempfile.TemporaryDirectory() as tmp:
        stamp = os.path.join(tmp, "faketime")
        backups = os.path.join(tmp, "kopieen")
        os.mkdir(backups)
        # Someone else's file in the directory stays untouched.
        with open(os.path.join(backups, "notities.txt"), "w") as fp:
            fp.write("niet van hersteld\n")
        now = harness.now(ams).replace(hour=12, minute=0, second=0,
                                       microsecond=0)
        harness.set_faketime(stamp, now)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            d.rewrite_config(d.config_text() +
                             '\nbackup = { dir = "%s"; keep = 2; };\n' %
                             backups)
            days = []
            for i in range(3):
                day = now + datetime.timedelta(days=i)
                harness.set_faketime(stamp, day)
                d.start()
                add_location(d, i)
                name = "hersteld-%s.db" % day.date().isoformat()
                days.append(name)
                d.wait_log("backup: %s" % os.path.join(backups, name))
                d.stop()
            assert sorted(os.listdir(backups)) == sorted(
                days[1:] + ["notities.txt"]), os.listdir(backups)
            con = sqlite3.connect("file:%s?mode=ro" % os.path.join(
                backups, days[-1]), uri=True)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone() == \
                    ("ok",)
            finally:
                con.close()
            # A bad setting: the daemon refuses to start, naming it.
            d.rewrite_config(d.config_text() +
                             '\nbackup = { dir = "relatief"; };\n')
            r = d.hersteld_cmd("-n", "-c", d.conf)
            assert r.rc == 78 and "backup.dir" in r.err, r

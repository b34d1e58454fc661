"""Booking requests reach the location (issue: when plans change): a
location with a contact address (`location add/edit --email`) is mailed
"Aanvraag wacht op je" when a room that needs approval is requested, by a
booking or by an event planned there, with the commands to approve or
decline; a request still waiting three days before its date is mailed
once more, once.  The clock is moved with libfaketime.
"""

import datetime
import os
import tempfile
import time
import zoneinfo

import harness
import test_web as w

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
ROOM = "herstelhuis/zaal-1"


def waiting(d):
    return d.sqlite("SELECT key, recipient, subject FROM outbox "
                    "WHERE key LIKE 'booking/waiting%' ORDER BY id")


def delivered_to(d, address, n, timeout=10.0):
    """The plain texts of the mails in the Maildir to address, once there
    are n."""
    deadline = time.monotonic() + timeout
    while True:
        got = [w.text_of(m) for m in w.mails(d) if address in m["To"]]
        if len(got) >= n or time.monotonic() > deadline:
            assert len(got) == n, got
            return got
        time.sleep(0.05)


def setup(d):
    d.cli("location", "add", "herstelhuis", "--name", "Herstelhuis",
          "--email", "beheer@example.org", check=True)
    d.cli("room", "add", ROOM, "--name", "Grote zaal", "--capacity", "30",
          "--needs-approval", check=True)
    d.cli("group", "add", "lotgenoten", "--name", "Lotgenoten",
          "--email", "lotgenoten@example.org", check=True)


def test_location_email_round_trip_and_bad_input(d):
    setup(d)
    shown = d.cli("--json", "location", "show", "herstelhuis",
                  check=True).json()
    assert shown["email"] == "beheer@example.org"
    before = d.dump()
    r = d.cli("location", "edit", "herstelhuis", "--email", "geen adres")
    assert r.rc == 65 and "--email" in r.err, r
    assert d.dump() == before
    d.cli("location", "edit", "herstelhuis", "--email", "", check=True)
    assert d.cli("--json", "location", "show", "herstelhuis",
                 check=True).json()["email"] is None


def test_requests_are_mailed_to_the_location_and_again_before_the_date():
    with tempfile.TemporaryDirectory() as tmp:
        stamp = os.path.join(tmp, "faketime")
        now = harness.now(AMS).replace(second=0, microsecond=0)
        harness.set_faketime(stamp, now)
        with harness.Daemon(autostart=False,
                            env=harness.faketime_env(stamp)) as d:
            d.start()
            setup(d)
            # An organizer asks; the admin and managers book at once.
            org = d.cli("token", "create", "--role", "organizer", "--group",
                        "lotgenoten", "--name", "Fatima",
                        check=True).out.strip()
            day = (now + datetime.timedelta(days=10)).strftime("%Y-%m-%d")
            r = d.cli("book", ROOM, "--start", day + " 19:00", "--duration",
                      "2h", "--title", "Lotgenotenavond", token=org,
                      check=True)
            bid = [b for b in d.cli("--json", "booking", "list",
                                    check=True).json()][0]["id"]
            rows = waiting(d)
            assert len(rows) == 1, rows
            key, to, subject = rows[0]
            assert to == "beheer@example.org"
            assert subject.startswith("Aanvraag wacht op je: Herstelhuis")
            text = delivered_to(d, "beheer@example.org", 1)[0]
            assert "herstelctl booking approve %d" % bid in text, text
            assert "Lotgenoten" in text and "Grote zaal" in text, text
            # An event planned in the room asks for it too: mailed once,
            # also when the event is edited.
            eday = (now + datetime.timedelta(days=20)).strftime("%Y-%m-%d")
            r = d.cli("event", "add", "--kind", "themabijeenkomst",
                      "--title", "Thema-avond", "--start", eday + " 19:00",
                      "--duration", "2h", "--room", ROOM, token=org,
                      check=True)
            eid = r.out.strip()
            d.cli("event", "edit", eid, "--title", "Thema-avond UHT",
                  token=org, check=True)
            assert len(waiting(d)) == 2, waiting(d)
            # Eight days on the first request still waits: mailed again,
            # once, by the nightly round (run at start).
            d.stop()
            harness.set_faketime(stamp, now + datetime.timedelta(days=8))
            d.start()
            deadline = time.monotonic() + 15
            while True:
                again = [r for r in waiting(d) if "again" in r[0]]
                if again or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert len(again) == 1, waiting(d)
            assert again[0][0] == "booking/waiting-again/%d" % bid
            # Its key is its own: another night adds nothing.
            d.restart()
            time.sleep(1)
            assert len([r for r in waiting(d) if "again" in r[0]]) == 1
            # Approved: nothing more for the location.
            d.cli("booking", "approve", str(bid), check=True)

"""Reports are kept while nothing changes and never outlive a change: the
same question asked twice gets the same answer, and one asked after a
registration, a cancelled session or a shortened series gets the new
one."""

from test_cocreation import setup

PERIOD = ["--from", "2027-02-01", "--to", "2027-02-28"]


def groups(d):
    return d.cli("--json", "report", "groups", *PERIOD, check=True).json()


def rooms(d):
    return d.cli("--json", "report", "rooms", *PERIOD, check=True).json()


def row(rep, group):
    [r] = [r for r in rep if r["group"] == group]
    return r


def booked(rep, room):
    return sum(r["hours_booked"] for r in rep if r["room"] == room)


def test_reports_follow_every_change(d):
    setup(d)
    eid = d.cli("event", "add", "--kind", "steungroep", "--title",
                "Lotgenoten", "--start", "2027-02-02 19:00", "--duration",
                "2h", "--room", "noord/zaal", "--group",
                "lotgenoten-zuidoost", "--repeat", "FREQ=WEEKLY;COUNT=4",
                check=True).out.strip()
    d.cli("participant", "add", "--email", "a@example.org", check=True)
    g0, r0 = groups(d), rooms(d)
    # Asked again, the same answer (from the cache or not).
    for _ in range(3):
        assert groups(d) == g0 and rooms(d) == r0
    lz = row(g0, "lotgenoten-zuidoost")
    assert (lz["sessions_total"], lz["registrations"]) == (4, 0), lz
    assert booked(r0, "noord/zaal") == 8, r0

    # A registration for the series: once per session.
    d.cli("register", eid, "a@example.org", check=True)
    assert row(groups(d), "lotgenoten-zuidoost")["registrations"] == 4

    # A cancelled session: one session less, its room free again.
    d.cli("event", "cancel", eid, "--occurrence", "2027-02-09", check=True)
    g1, r1 = groups(d), rooms(d)
    lz = row(g1, "lotgenoten-zuidoost")
    assert (lz["sessions_total"], lz["cancelled"], lz["registrations"]) == \
        (3, 1, 3), lz
    assert booked(r1, "noord/zaal") == 6, r1

    # a sits one more out; b comes to that one session.
    d.cli("participant", "add", "--email", "b@example.org", check=True)
    d.cli("unregister", eid, "a@example.org", "--occurrence", "2027-02-16",
          check=True)
    assert row(groups(d), "lotgenoten-zuidoost")["registrations"] == 2
    d.cli("register", eid, "b@example.org", "--occurrence", "2027-02-16",
          check=True)
    assert row(groups(d), "lotgenoten-zuidoost")["registrations"] == 3
    assert rooms(d) == r1

    # The series shortened to two sessions.
    d.cli("event", "edit", eid, "--repeat", "FREQ=WEEKLY;COUNT=2",
          check=True)
    lz = row(groups(d), "lotgenoten-zuidoost")
    assert (lz["sessions_total"], lz["cancelled"]) == (1, 1), lz
    assert booked(rooms(d), "noord/zaal") == 2

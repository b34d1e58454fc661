"""What a calendar application makes of the iTIP messages (RFC 5546) it
is mailed, for the tests that replay a person's mail: Calendar applies
each calendar part in order; sessions() lists what a calendar holds."""
import zoneinfo

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def ical():
    import icalendar
    return icalendar


class Calendar:
    """What a calendar application keeps of the iTIP messages it was sent
    (RFC 5546): a REQUEST with the whole event replaces it, one with a
    RECURRENCE-ID changes that instance; CANCEL removes the event or the
    instance.  A message older (lower SEQUENCE) than what is kept is an
    error here: it would be ignored, and what it says lost."""

    def __init__(self):
        self.events = {}        # uid -> {rid or None: component}

    def apply(self, raw):
        cal = ical().Calendar.from_ical(raw)
        method = str(cal["METHOD"])
        parts = cal.walk("VEVENT")
        assert parts, raw
        by_uid = {}
        for ve in parts:
            by_uid.setdefault(str(ve["UID"]), []).append(ve)
        for uid, comps in by_uid.items():
            kept = self.events.get(uid, {})
            for ve in comps:
                rid = ve.get("RECURRENCE-ID")
                key = rid.dt if rid is not None else None
                old = kept.get(key, kept.get(None))
                if old is not None:
                    assert int(ve.get("SEQUENCE", 0)) >= int(
                        old.get("SEQUENCE", 0)), (uid, raw)
            if method == "CANCEL":
                for ve in comps:
                    rid = ve.get("RECURRENCE-ID")
                    if rid is None:
                        self.events.pop(uid, None)
                    else:
                        ve = ve.copy() if hasattr(ve, "copy") else ve
                        ve["STATUS"] = "CANCELLED"
                        self.events.setdefault(uid, {})[rid.dt] = ve
            else:
                assert method == "REQUEST", method
                if any(ve.get("RECURRENCE-ID") is None for ve in comps):
                    self.events[uid] = {}
                for ve in comps:
                    rid = ve.get("RECURRENCE-ID")
                    self.events.setdefault(uid, {})[
                        rid.dt if rid is not None else None] = ve

    def calendar(self):
        cal = ical().Calendar()
        cal.add("PRODID", "-//test//split//")
        cal.add("VERSION", "2.0")
        for comps in self.events.values():
            for ve in comps.values():
                cal.add_component(ve)
        return cal


def sessions(cal, a, b):
    """The sessions cal holds from a to b: sorted "YYYY-MM-DD HH:MM
    title" in Amsterdam, cancelled instances left out."""
    import recurring_ical_events
    out = []
    for ve in recurring_ical_events.of(cal).between(a, b):
        if str(ve.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = ve["DTSTART"].dt.astimezone(AMS)
        out.append("%s %s" % (start.strftime("%Y-%m-%d %H:%M"),
                              str(ve["SUMMARY"])))
    return sorted(out)

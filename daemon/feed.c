/*
 * iCalendar feeds with libical: RFC 5545 text (CRLF, folding, escaping are
 * libical's), plain IANA TZIDs with one compact VTIMEZONE per zone, series
 * as RRULE + EXDATE with a RECURRENCE-ID component per changed occurrence,
 * and cancelled things kept as STATUS:CANCELLED.  No attendee data in any
 * feed.  Rendered documents are cached against the store's generation.
 *
 * A cancelled occurrence is a RECURRENCE-ID component with STATUS:CANCELLED
 * (and "Afgelast:" before its summary), not an EXDATE: Apple Calendar and
 * Thunderbird show it as cancelled, Outlook strikes it through, and a
 * client that ignores STATUS still shows the word; an EXDATE would make the
 * session vanish without a word, which is what people were let down by.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/feed.h"
#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/participant.h"
#include "hersteld/proto.h"
#include "hersteld/rfc5322.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

#define CACHE_MAX	256

/* ---- what a render needs to name things ---- */

struct loc_row {
	int64_t	id;
	char	slug[64], name[801], address[2001], tz[72], key[40];
};

struct room_row {
	int64_t	id, location_id;
	char	slug[64], name[801];
};

struct group_row {
	int64_t	id;
	char	slug[64], name[801], email[256], key[40];
};

struct plain {
	char		 tzid[72];
	icaltimezone	*zone;		/* ours: freed after the render */
};

struct render {
	sqlite3			*db;
	time_t			 now, from, to;
	icalcomponent		*cal;
	struct loc_row		*locs;
	int			 nlocs;
	struct room_row		*rooms;
	int			 nrooms;
	struct group_row	*groups;
	int			 ngroups;
	struct plain		 zones[8];
	int			 nzones;
	/* what the feed holds */
	int			 kind;
	const char		*want_kind;
	int64_t			 group_id, location_id, room_id;
	int			 with_group_only;	/* group secret link */
	int			 full;			/* location secret link */
	int			 events;		/* VEVENTs written */
	/* a personal feed: a VALARM per lead time on each VEVENT */
	const long		*leads;
	int			 nleads;
	long			 pleads[CONF_MAX_LEADS];
	/* iMIP: METHOD given, ORGANIZER always, ATTENDEE the recipient */
	const char		*attendee;
};

enum { F_PUBLIC, F_KIND, F_GROUP, F_LOCATION, F_ROOM, F_EVENT, F_FREEBUSY,
    F_PERSONAL };

static int
load_names(struct render *r, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(r->db, "SELECT id, slug, name, address, "
	    "timezone, feed_key FROM location ORDER BY id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct loc_row *n = realloc(r->locs, (r->nlocs + 1) * sizeof(*n));
		if (n == NULL)
			break;
		r->locs = n;
		n = &r->locs[r->nlocs++];
		n->id = sqlite3_column_int64(st, 0);
		snprintf(n->slug, sizeof(n->slug), "%s", store_text(st, 1));
		snprintf(n->name, sizeof(n->name), "%s", store_text(st, 2));
		snprintf(n->address, sizeof(n->address), "%s", store_text(st, 3));
		snprintf(n->tz, sizeof(n->tz), "%s", store_text(st, 4));
		snprintf(n->key, sizeof(n->key), "%s", store_text(st, 5));
	}
	sqlite3_finalize(st);
	if ((st = store_prepare(r->db, "SELECT id, location_id, slug, name "
	    "FROM room ORDER BY id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct room_row *n = realloc(r->rooms, (r->nrooms + 1) * sizeof(*n));
		if (n == NULL)
			break;
		r->rooms = n;
		n = &r->rooms[r->nrooms++];
		n->id = sqlite3_column_int64(st, 0);
		n->location_id = sqlite3_column_int64(st, 1);
		snprintf(n->slug, sizeof(n->slug), "%s", store_text(st, 2));
		snprintf(n->name, sizeof(n->name), "%s", store_text(st, 3));
	}
	sqlite3_finalize(st);
	if ((st = store_prepare(r->db, "SELECT id, slug, name, email, feed_key "
	    "FROM grp ORDER BY id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct group_row *n = realloc(r->groups, (r->ngroups + 1) *
		    sizeof(*n));
		if (n == NULL)
			break;
		r->groups = n;
		n = &r->groups[r->ngroups++];
		n->id = sqlite3_column_int64(st, 0);
		snprintf(n->slug, sizeof(n->slug), "%s", store_text(st, 1));
		snprintf(n->name, sizeof(n->name), "%s", store_text(st, 2));
		snprintf(n->email, sizeof(n->email), "%s", store_text(st, 3));
		snprintf(n->key, sizeof(n->key), "%s", store_text(st, 4));
	}
	sqlite3_finalize(st);
	return 0;
}

static const struct loc_row *
loc_by_id(const struct render *r, int64_t id)
{
	for (int i = 0; i < r->nlocs; i++)
		if (r->locs[i].id == id)
			return &r->locs[i];
	return NULL;
}

static const struct room_row *
room_by_id(const struct render *r, int64_t id)
{
	for (int i = 0; i < r->nrooms; i++)
		if (r->rooms[i].id == id)
			return &r->rooms[i];
	return NULL;
}

static const struct group_row *
group_by_id(const struct render *r, int64_t id)
{
	for (int i = 0; i < r->ngroups; i++)
		if (r->groups[i].id == id)
			return &r->groups[i];
	return NULL;
}

/* ---- zones: plain IANA TZIDs, compact VTIMEZONEs ---- */

/*
 * Our own copy of the zone named tzid: libical's builtin VTIMEZONE cloned,
 * its TZID set to the plain IANA id, and cut to the years of the window.
 */
static icaltimezone *
plain_zone(struct render *r, const char *tzid)
{
	icaltimezone *b;
	icalcomponent *vtz;
	icaltimezone *z;
	struct icaltimetype start = icaltime_null_time();

	for (int i = 0; i < r->nzones; i++)
		if (strcmp(r->zones[i].tzid, tzid) == 0)
			return r->zones[i].zone;
	if (r->nzones == (int)(sizeof(r->zones) / sizeof(r->zones[0])) ||
	    (b = when_zone(tzid)) == NULL)
		return NULL;
	vtz = icalcomponent_new_clone(icaltimezone_get_component(b));
	icalproperty_set_tzid(icalcomponent_get_first_property(vtz,
	    ICAL_TZID_PROPERTY), tzid);
	/* From 1 January of the window's first year: stable for a year. */
	start = when_local(r->from, b);
	start.zone = NULL;
	start.month = start.day = 1;
	start.hour = start.minute = start.second = 0;
	icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 1);
	z = icaltimezone_new();
	icaltimezone_set_component(z, vtz);
	snprintf(r->zones[r->nzones].tzid, sizeof(r->zones[0].tzid), "%s", tzid);
	r->zones[r->nzones++].zone = z;
	return z;
}

/* t as local time in the plain zone of tzid (TZID=tzid when written). */
static struct icaltimetype
local_in(struct render *r, time_t t, const char *tzid)
{
	struct icaltimetype lt = when_local(t, when_zone(tzid));

	lt.zone = plain_zone(r, tzid);
	return lt;
}

static struct icaltimetype
utc_of(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0,
	    icaltimezone_get_utc_timezone());
}

/*
 * t for a DTSTART or DTEND: local time with TZID=tzid, but UTC when that
 * wall-clock time is in an hour the clocks repeat.  RFC 5545 reads such a
 * local time as the first of its two instants, so one in the second would
 * be read an hour early (an end before its start), and parsers do not all
 * follow the RFC there (pytz's localize takes the second); UTC is read
 * the same by all of them.  No instant is in a skipped hour.
 */
static struct icaltimetype
instant_in(struct render *r, time_t t, const char *tzid)
{
	icaltimezone *z = when_zone(tzid);

	if (z != NULL && when_ambiguous(t, z))
		return utc_of(t);
	return local_in(r, t, tzid);
}

/*
 * A day event's times are its dates: DATE values, which calendars show
 * in the all-day row (t is the start of a local date in tzid).
 */
static struct icaltimetype
date_in(time_t t, const char *tzid)
{
	struct icaltimetype lt = when_local(t, when_zone(tzid));

	lt.is_date = 1;
	lt.hour = lt.minute = lt.second = 0;
	lt.zone = NULL;
	return lt;
}

/* DTSTART, DTEND: instant_in, or a day event's date. */
static struct icaltimetype
ev_instant(struct render *r, const struct event *ev, time_t t)
{
	return ev->days ? date_in(t, ev->timezone) : instant_in(r, t,
	    ev->timezone);
}

/* RECURRENCE-ID, EXDATE, a series' DTSTART: local_in, or the date. */
static struct icaltimetype
ev_local(struct render *r, const struct event *ev, time_t t)
{
	return ev->days ? date_in(t, ev->timezone) : local_in(r, t,
	    ev->timezone);
}

/*
 * The local time the RRULE gives an occurrence whose time the clocks
 * skip (02:30 on the day summer time starts): the series' time of day on
 * rid's date, which does not exist, while rid itself is read an hour
 * later (RFC 5545 3.3.5).  1 and *lt when rid is such an occurrence.
 */
static int
in_gap(const struct event *ev, time_t rid, struct icaltimetype *lt)
{
	struct icaltimetype first, day;
	time_t t;

	if (ev->days || ev->rrule[0] == '\0' || ev->zone == NULL)
		return 0;
	first = when_local(ev->start, ev->zone);
	day = when_local(rid, ev->zone);
	day.hour = first.hour;
	day.minute = first.minute;
	day.second = first.second;
	if (when_from_local(NULL, "", day, ev->zone, &t) == 0)
		return 0;
	{
		struct icaltimetype later = day;

		icaltime_adjust(&later, 0, 1, 0, 0);
		if (when_from_local(NULL, "", later, ev->zone, &t) != 0 ||
		    t != rid)
			return 0;
	}
	*lt = day;
	return 1;
}

/*
 * RECURRENCE-ID and EXDATE of ev's occurrence rid: the local time its
 * RRULE gives it, which clients match it by (see in_gap), or the date.
 */
static struct icaltimetype
ev_rid(struct render *r, const struct event *ev, time_t rid)
{
	struct icaltimetype lt;

	if (in_gap(ev, rid, &lt)) {
		lt.zone = plain_zone(r, ev->timezone);
		return lt;
	}
	return ev_local(r, ev, rid);
}

/* A TZID for a property of ev that local_in filled (none on a date). */
static void
ev_tzid(const struct event *ev, icalproperty *p)
{
	if (ev->days == 0)
		icalproperty_add_parameter(p, icalparameter_new_tzid(
		    ev->timezone));
}

/* Exact seconds as a DURATION in hours, minutes and seconds ("PT26H"):
 * days would be nominal and grow or shrink by an hour across a change. */
static struct icaldurationtype
exact_duration(long secs)
{
	struct icaldurationtype d = icaldurationtype_null_duration();

	d.hours = (unsigned int)(secs / 3600);
	d.minutes = (unsigned int)(secs % 3600 / 60);
	d.seconds = (unsigned int)(secs % 60);
	return d;
}

/* ---- VEVENTs ---- */

/* "Grote zaal, Herstelhuis Zuidoost, Johan Cruijff Boulevard, Amsterdam" */
static void
place_text(const struct render *r, int64_t room_id, int64_t location_id,
    const char *place, char *out, size_t len)
{
	const struct room_row *rm = room_id ? room_by_id(r, room_id) : NULL;
	const struct loc_row *l = loc_by_id(r, rm ? rm->location_id :
	    location_id);

	out[0] = '\0';
	if (place && *place) {
		snprintf(out, len, "%s", place);
		return;
	}
	if (l == NULL)
		return;
	snprintf(out, len, "%s%s%s%s%s", rm ? rm->name : "", rm ? ", " : "",
	    l->name, *l->address ? ", " : "", l->address);
}

static void
add_categories(icalcomponent *ve, const char *kind, const char *themes)
{
	char buf[600];

	/* CATEGORIES is a list: one value each, libical escapes commas. */
	icalcomponent_add_property(ve, icalproperty_new_categories(kind));
	snprintf(buf, sizeof(buf), "%s", themes ? themes : "");
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
	    t = strtok_r(NULL, ",", &save))
		icalcomponent_add_property(ve, icalproperty_new_categories(t));
}

static void
add_common(struct render *r, icalcomponent *ve, const struct event *ev,
    int sequence)
{
	char url[700];
	const struct group_row *g = group_by_id(r, ev->group_id);

	icalcomponent_set_uid(ve, ev->uid);
	/* No METHOD: DTSTAMP is when the store last revised it (RFC 5545). */
	icalcomponent_set_dtstamp(ve, utc_of(ev->modified));
	icalcomponent_add_property(ve, icalproperty_new_created(
	    utc_of(ev->created)));
	icalcomponent_add_property(ve, icalproperty_new_lastmodified(
	    utc_of(ev->modified)));
	icalcomponent_add_property(ve, icalproperty_new_sequence(sequence));
	add_categories(ve, ev->kind, ev->themes);
	/* Only public events have a page of their own to link to. */
	if (strcmp(ev->visibility, "public") == 0) {
		snprintf(url, sizeof(url), "%s/events/%s.ics",
		    conf_current()->public_url, ev->uid);
		icalcomponent_add_property(ve, icalproperty_new_url(url));
	}
	/* The group, never a person. */
	if (g && *g->email) {
		char mailto[300];
		icalproperty *org;

		snprintf(mailto, sizeof(mailto), "mailto:%s", g->email);
		org = icalproperty_new_organizer(mailto);
		icalproperty_add_parameter(org, icalparameter_new_cn(g->name));
		icalcomponent_add_property(ve, org);
	} else if (r->attendee) {
		/* iMIP needs an organizer: the address mail comes from. */
		char mailto[300], addr[256];

		if (rfc5322_address(conf_current()->smtp_from, addr,
		    sizeof(addr)) == 0) {
			snprintf(mailto, sizeof(mailto), "mailto:%s", addr);
			icalcomponent_add_property(ve,
			    icalproperty_new_organizer(mailto));
		}
	}
	if (r->attendee) {
		char mailto[300];
		icalproperty *att;

		/* Only ever the recipient of this very message. */
		snprintf(mailto, sizeof(mailto), "mailto:%s", r->attendee);
		att = icalproperty_new_attendee(mailto);
		icalproperty_add_parameter(att, icalparameter_new_partstat(
		    ICAL_PARTSTAT_ACCEPTED));
		icalproperty_add_parameter(att, icalparameter_new_rsvp(
		    ICAL_RSVP_FALSE));
		icalcomponent_add_property(ve, att);
	}
	for (int i = 0; i < r->nleads; i++) {
		icalcomponent *alarm = icalcomponent_new_valarm();
		struct icaltriggertype trig = { 0 };

		trig.time = icaltime_null_time();
		trig.duration = icaldurationtype_from_int(-(int)r->leads[i]);
		icalcomponent_add_property(alarm, icalproperty_new_action(
		    ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(alarm, icalproperty_new_trigger(trig));
		icalcomponent_add_property(alarm, icalproperty_new_description(
		    "Herinnering"));
		icalcomponent_add_component(ve, alarm);
	}
}

static void
set_summary(icalcomponent *ve, const char *title, int cancelled)
{
	char buf[2048];

	if (cancelled) {
		snprintf(buf, sizeof(buf), "Afgelast: %s", title);
		icalcomponent_set_summary(ve, buf);
		icalcomponent_set_status(ve, ICAL_STATUS_CANCELLED);
	} else {
		icalcomponent_set_summary(ve, title);
		icalcomponent_set_status(ve, ICAL_STATUS_CONFIRMED);
	}
}

static void
set_description(icalcomponent *ve, const char *desc, const char *reason,
    int cancelled)
{
	size_t n = strlen(desc) + strlen(reason) + 64;
	char *buf = malloc(n);

	if (buf == NULL)
		return;
	if (cancelled && *reason)
		snprintf(buf, n, "Afgelast: %s%s%s", reason, *desc ? "\n\n" : "",
		    desc);
	else
		snprintf(buf, n, "%s", desc);
	if (*buf)
		icalcomponent_set_description(ve, buf);
	free(buf);
}

static void	emit_occ(struct render *, const struct event *, time_t, int,
		    const char *);

/*
 * An occurrence of a series that starts in a repeated hour, or at a time
 * the clocks skip, unchanged: written out as a RECURRENCE-ID component
 * with its start as it is, since clients that read the RRULE's local
 * time as the other instant (or, in a gap, with the offset after it, as
 * ical.js does) would show it an hour off.  Its RECURRENCE-ID stays the
 * RRULE's own local time, which every client matches with the occurrence
 * it made of it.
 */
static int
spell_out(const struct occurrence *o, void *arg)
{
	struct render *r = arg;
	const struct event *ev = o->ev;

	struct icaltimetype lt;

	if (o->recurrence_id && ev->zone && ev->days == 0 &&
	    event_override(ev, o->recurrence_id) == NULL &&
	    !event_is_rdate(ev, o->recurrence_id) &&
	    (when_ambiguous(o->recurrence_id, ev->zone) ||
	    in_gap(ev, o->recurrence_id, &lt)))
		emit_occ(r, ev, o->recurrence_id, 0, NULL);
	return 0;
}

/*
 * The extra dates (RDATE) of a series, in its zone like its EXDATEs; one
 * in an hour the clocks repeat in UTC, as instant_in writes a DTSTART
 * (spell_out leaves it alone: it is no local time of the rule's).
 */
static void
add_rdates(struct render *r, icalcomponent *ve, const struct event *ev)
{
	for (int i = 0; i < ev->nrdates; i++) {
		struct icaldatetimeperiodtype dp = { 0 };
		icalproperty *p;

		dp.time = ev_instant(r, ev, ev->rdates[i]);
		dp.period = icalperiodtype_null_period();
		p = icalproperty_new_rdate(dp);
		if (!dp.time.is_date && !icaltime_is_utc(dp.time))
			icalproperty_add_parameter(p,
			    icalparameter_new_tzid(ev->timezone));
		icalcomponent_add_property(ve, p);
	}
}

/*
 * One event: its master VEVENT, one per changed occurrence, and one per
 * occurrence in the window that starts in a repeated hour.
 */
static void
emit_event(struct render *r, const struct event *ev)
{
	icalcomponent *ve = icalcomponent_new_vevent();
	int cancelled = strcmp(ev->status, "cancelled") == 0;
	char where[4000];

	add_common(r, ve, ev, ev->sequence);
	set_summary(ve, ev->title, cancelled);
	set_description(ve, ev->description, ev->cancel_reason, cancelled);
	if (ev->rrule[0] == '\0' || ev->days) {
		icalcomponent_set_dtstart(ve, ev_instant(r, ev, ev->start));
		icalcomponent_set_dtend(ve, ev_instant(r, ev, ev->end));
	} else {
		/*
		 * The RRULE repeats DTSTART's local time, so it stays local.
		 * When it or the end is in a repeated hour, the length is a
		 * DURATION: a client that reads the local time otherwise
		 * still gets every occurrence's length right, and the
		 * occurrences in repeated hours are written out below.
		 */
		icalcomponent_set_dtstart(ve, local_in(r, ev->start,
		    ev->timezone));
		if (ev->zone && (when_ambiguous(ev->start, ev->zone) ||
		    when_ambiguous(ev->end, ev->zone)))
			icalcomponent_add_property(ve, icalproperty_new_duration(
			    exact_duration(ev->end - ev->start)));
		else
			icalcomponent_set_dtend(ve, local_in(r, ev->end,
			    ev->timezone));
	}
	place_text(r, ev->room_id, ev->location_id, ev->place, where,
	    sizeof(where));
	if (*where)
		icalcomponent_set_location(ve, where);
	if (ev->rrule[0]) {
		struct icalrecurrencetype rule;

		rule = icalrecurrencetype_from_string(ev->rrule);
		/* A DATE start takes a DATE UNTIL (RFC 5545 3.3.10). */
		if (ev->days && !icaltime_is_null_time(rule.until) &&
		    !rule.until.is_date) {
			time_t u = rule.until.zone ? icaltime_as_timet_with_zone(
			    rule.until, rule.until.zone) :
			    icaltime_as_timet_with_zone(rule.until, ev->zone);
			rule.until = date_in(u, ev->timezone);
		}
		icalcomponent_add_property(ve, icalproperty_new_rrule(rule));
		for (int i = 0; i < ev->nexdates; i++) {
			icalproperty *p = icalproperty_new_exdate(ev_rid(r, ev,
			    ev->exdates[i]));
			ev_tzid(ev, p);
			icalcomponent_add_property(ve, p);
		}
		add_rdates(r, ve, ev);
	}
	icalcomponent_add_component(r->cal, ve);
	r->events++;
	if (ev->rrule[0] == '\0')
		return;
	for (int i = 0; i < ev->noverrides; i++) {
		const struct override *o = &ev->overrides[i];
		icalcomponent *oc = icalcomponent_new_vevent();
		int oc_cancelled = cancelled || o->cancelled;

		add_common(r, oc, ev, o->sequence);
		{
			/* libical adds no TZID here: name the zone ourselves. */
			icalproperty *rid = icalproperty_new_recurrenceid(
			    ev_rid(r, ev, o->recurrence_id));
			ev_tzid(ev, rid);
			icalcomponent_add_property(oc, rid);
		}
		set_summary(oc, o->title[0] ? o->title : ev->title, oc_cancelled);
		set_description(oc, ev->description, o->cancelled ?
		    o->cancel_reason : ev->cancel_reason, oc_cancelled);
		icalcomponent_set_dtstart(oc, ev_instant(r, ev, o->start));
		icalcomponent_set_dtend(oc, ev_instant(r, ev, o->end));
		place_text(r, o->room_id ? o->room_id : ev->room_id,
		    ev->location_id, o->room_id ? "" : ev->place, where,
		    sizeof(where));
		if (*where)
			icalcomponent_set_location(oc, where);
		icalcomponent_add_component(r->cal, oc);
	}
	event_occurrences(ev, r->from, r->to, spell_out, r);
}

void
feed_occurrence_uid(const struct event *ev, time_t rid, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&rid, &tm);
	snprintf(out, len, "%04d%02d%02dT%02d%02d%02dZ-%s", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ev->uid);
}

/*
 * One occurrence of ev: as an instance of the series (RECURRENCE-ID), or
 * alone, under a UID of its own (what a registration for one occurrence
 * put in someone's calendar): cal_uid, the one the registration keeps
 * since its occurrence moved (NULL: feed_occurrence_uid's).
 */
static void
emit_occ(struct render *r, const struct event *ev, time_t rid, int alone,
    const char *cal_uid)
{
	icalcomponent *ve = icalcomponent_new_vevent();
	const struct override *ov = event_override(ev, rid);
	struct occurrence o;
	char where[4000], uid[200];
	int cancelled;

	event_occurrence(ev, rid, &o);
	cancelled = o.cancelled;
	add_common(r, ve, ev, o.sequence);
	if (alone) {
		if (cal_uid)
			snprintf(uid, sizeof(uid), "%s", cal_uid);
		else
			feed_occurrence_uid(ev, rid, uid, sizeof(uid));
		icalcomponent_set_uid(ve, uid);
	} else if (ev->rrule[0]) {
		icalproperty *p = icalproperty_new_recurrenceid(ev_rid(r, ev,
		    rid));
		ev_tzid(ev, p);
		icalcomponent_add_property(ve, p);
	}
	set_summary(ve, o.title, cancelled);
	set_description(ve, ev->description, ov && ov->cancelled ?
	    ov->cancel_reason : ev->cancel_reason, cancelled);
	icalcomponent_set_dtstart(ve, ev_instant(r, ev, o.start));
	icalcomponent_set_dtend(ve, ev_instant(r, ev, o.end));
	place_text(r, ov && ov->room_id ? ov->room_id : ev->room_id,
	    ev->location_id, ov && ov->room_id ? "" : ev->place, where,
	    sizeof(where));
	if (*where)
		icalcomponent_set_location(ve, where);
	icalcomponent_add_component(r->cal, ve);
	r->events++;
}

/* ---- a participant's own feed ---- */

struct optouts {
	int64_t	 event_id;
	time_t	*v;
	int	 n;
};

static int
emit_personal(struct render *r, int64_t participant_id, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	/*
	 * What they go to (not what they wait for), each event once;
	 * 'cancelled' rows are a series registrant sitting one out.
	 */
	if ((st = store_prepare(r->db, "SELECT event_id, occurrence, status, "
	    "cal_uid FROM registration WHERE participant_id = ?1 AND status "
	    "!= 'waitlist' ORDER BY event_id, occurrence")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	sqlite3_bind_int64(st, 1, participant_id);
	struct event *ev = NULL;
	time_t *skip = NULL;
	int nskip = 0, series = 0;

	for (;;) {
		int64_t eid = 0;
		time_t occ = 0;
		const char *status = "";

		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			eid = sqlite3_column_int64(st, 0);
			occ = sqlite3_column_int64(st, 1);
			status = store_text(st, 2);
		}
		if (ev && (rc != SQLITE_ROW || eid != ev->id)) {
			/* The series with the ones they sit out left out. */
			if (series && strcmp(ev->status, "proposed") != 0) {
				time_t *all = nskip == 0 ? NULL : realloc(ev->exdates,
				    (ev->nexdates + nskip) * sizeof(*all));
				if (all) {
					ev->exdates = all;
					memcpy(all + ev->nexdates, skip,
					    nskip * sizeof(*all));
					ev->nexdates += nskip;
				}
				emit_event(r, ev);
			}
			event_free(ev);
			ev = NULL;
			nskip = 0;
			series = 0;
		}
		if (rc != SQLITE_ROW)
			break;
		if (ev == NULL && (ev = event_get(r->db, eid, f)) == NULL) {
			f->kind = FAULT_NONE;
			continue;
		}
		if (strcmp(status, "cancelled") == 0) {
			time_t *n = realloc(skip, (nskip + 1) * sizeof(*n));
			if (n) {
				skip = n;
				skip[nskip++] = occ;
			}
		} else if (occ == 0)
			series = 1;
		else if (strcmp(ev->status, "proposed") != 0)
			emit_occ(r, ev, occ, 1, sqlite3_column_type(st, 3) ==
			    SQLITE_NULL ? NULL : store_text(st, 3));
	}
	sqlite3_finalize(st);
	free(skip);
	return rc == SQLITE_DONE ? 0 : fault_set(f, FAULT_INTERNAL,
	    "database error");
}

struct probe {
	const struct event	*ev;
	time_t			 from;
	int			 found;
};

/* Stop at the first occurrence that reaches into the window. */
static int
first_inside(time_t t, void *arg)
{
	struct probe *p = arg;
	const struct event *ev = p->ev;

	if (t + (ev->end - ev->start) <= p->from)
		return 0;
	for (int i = 0; i < ev->nexdates; i++)
		if (ev->exdates[i] == t)
			return 0;
	p->found = 1;
	return 1;
}

/*
 * Whether a series has an occurrence in [from, to): the rule walked only
 * up to the first one, and occurrences moved into the window.
 */
static int
series_inside(const struct event *ev, time_t from, time_t to)
{
	struct probe p = { ev, from, 0 };

	for (int i = 0; i < ev->noverrides; i++)
		if (ev->overrides[i].start < to && ev->overrides[i].end > from)
			return 1;
	for (int i = 0; i < ev->nrdates; i++)
		if (ev->rdates[i] < to && first_inside(ev->rdates[i], &p))
			return 1;
	recur_expand(ev->rrule, ev->start, ev->zone, from - (ev->end -
	    ev->start), to, 100000, first_inside, &p);
	return p.found;
}

/* Which events the event-based feeds carry. */
static int
take_event(const struct event *ev, void *arg)
{
	struct render *r = arg;

	if (strcmp(ev->status, "proposed") == 0 ||
	    strcmp(ev->visibility, "private") == 0)
		return 0;
	if (strcmp(ev->visibility, "group") == 0 &&
	    !(r->with_group_only && ev->group_id == r->group_id))
		return 0;
	if (r->kind == F_KIND && strcmp(ev->kind, r->want_kind) != 0)
		return 0;
	if (r->kind == F_GROUP && ev->group_id != r->group_id)
		return 0;
	/* A series is in when one of its occurrences is in the window. */
	if (ev->rrule[0] && !series_inside(ev, r->from, r->to))
		return 0;
	emit_event(r, ev);
	return 0;
}

/* ---- occupied periods of a location or room ---- */

static int
emit_slots(struct render *r, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(r->db, "SELECT s.booking_id, s.recurrence_id, "
	    "s.start, s.\"end\", s.state, s.room_id, b.status, b.title, "
	    "b.private, coalesce(b.group_id, 0), coalesce(e.uid, ''), "
	    "coalesce(nullif(o.title, ''), e.title, ''), "
	    "coalesce(e.visibility, ''), "
	    "coalesce(e.status, ''), b.timezone, b.modified, b.created, "
	    "coalesce(e.sequence, 0), coalesce(e.modified, b.modified) "
	    "FROM booking_slot s JOIN booking b ON b.id = s.booking_id "
	    "JOIN room rm ON rm.id = s.room_id "
	    "LEFT JOIN event e ON e.id = b.event_id "
	    /* An occurrence given a title of its own shows that one. */
	    "LEFT JOIN event_override o ON o.event_id = b.event_id AND "
	    "o.recurrence_id = s.recurrence_id "
	    "WHERE s.state IN ('held', 'cancelled') AND "
	    "b.status != 'declined' AND s.start < ?2 AND "
	    "s.\"end\" > ?1 AND (?3 = 0 OR rm.location_id = ?3) AND "
	    "(?4 = 0 OR s.room_id = ?4) ORDER BY s.start, s.id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	sqlite3_bind_int64(st, 1, r->from);
	sqlite3_bind_int64(st, 2, r->to);
	sqlite3_bind_int64(st, 3, r->location_id);
	sqlite3_bind_int64(st, 4, r->room_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		icalcomponent *ve = icalcomponent_new_vevent();
		const char *state = store_text(st, 4);
		const char *bstatus = store_text(st, 6);
		const char *euid = store_text(st, 10);
		const char *title = *store_text(st, 11) ? store_text(st, 11) :
		    store_text(st, 7);
		const char *vis = store_text(st, 12);
		const char *tz = store_text(st, 14);
		int64_t gid = sqlite3_column_int64(st, 9);
		const struct group_row *g = group_by_id(r, gid);
		int hidden, cancelled = strcmp(state, "cancelled") == 0;
		char uid[300], where[4000], summary[1700];
		const struct room_row *rm = room_by_id(r,
		    sqlite3_column_int64(st, 5));

		/*
		 * Public events and bookings show what they are; private
		 * ones, and events for a group only, show as "Bezet" unless
		 * this is the location's own (secret) link.
		 */
		hidden = !r->full && (sqlite3_column_int(st, 8) ||
		    (*vis && strcmp(vis, "public") != 0) ||
		    strcmp(store_text(st, 13), "proposed") == 0);
		/*
		 * Stable per occurrence: the booking and its original start;
		 * a hidden one does not carry its event's UID either.
		 */
		if (hidden)
			euid = "";
		snprintf(uid, sizeof(uid), "%s%s%lld-%lld@%s", *euid ? euid : "",
		    *euid ? "-" : "booking-",
		    (long long)sqlite3_column_int64(st, 0),
		    (long long)sqlite3_column_int64(st, 1),
		    conf_current()->uid_host);
		icalcomponent_set_uid(ve, uid);
		icalcomponent_set_dtstamp(ve, utc_of(sqlite3_column_int64(st, 18)));
		icalcomponent_add_property(ve, icalproperty_new_created(
		    utc_of(sqlite3_column_int64(st, 16))));
		icalcomponent_add_property(ve, icalproperty_new_lastmodified(
		    utc_of(sqlite3_column_int64(st, 18))));
		icalcomponent_add_property(ve, icalproperty_new_sequence(
		    sqlite3_column_int(st, 17)));
		if (hidden)
			snprintf(summary, sizeof(summary), "Bezet");
		else if (*title && g)
			snprintf(summary, sizeof(summary), "%s (%s)", title, g->name);
		else if (*title)
			snprintf(summary, sizeof(summary), "%s", title);
		else
			snprintf(summary, sizeof(summary), "%s", g ? g->name :
			    "Bezet");
		set_summary(ve, summary, cancelled);
		if (!cancelled && strcmp(bstatus, "requested") == 0)
			icalcomponent_set_status(ve, ICAL_STATUS_TENTATIVE);
		icalcomponent_set_dtstart(ve, instant_in(r,
		    sqlite3_column_int64(st, 2), tz));
		icalcomponent_set_dtend(ve, instant_in(r,
		    sqlite3_column_int64(st, 3), tz));
		if (rm) {
			place_text(r, rm->id, 0, "", where, sizeof(where));
			icalcomponent_set_location(ve, where);
		}
		icalcomponent_add_component(r->cal, ve);
		r->events++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fault_set(f, FAULT_INTERNAL,
	    "database error");
}

/*
 * Events held at a location without a room: they occupy the location
 * too, one VEVENT per occurrence, "Bezet" for what is not public.
 */
struct at_location {
	struct render		*r;
	const struct event	*ev;
	int			 hidden;
};

static int
emit_at_location(const struct occurrence *o, void *arg)
{
	struct at_location *x = arg;
	struct render *r = x->r;
	const struct event *ev = x->ev;
	icalcomponent *ve = icalcomponent_new_vevent();
	const struct group_row *g = group_by_id(r, ev->group_id);
	time_t rid = o->recurrence_id ? o->recurrence_id : o->start;
	char uid[300], summary[1700], where[4000];

	if (x->hidden)
		snprintf(uid, sizeof(uid), "event-%lld-%lld@%s",
		    (long long)ev->id, (long long)rid, conf_current()->uid_host);
	else
		snprintf(uid, sizeof(uid), "%s-%lld", ev->uid, (long long)rid);
	icalcomponent_set_uid(ve, uid);
	icalcomponent_set_dtstamp(ve, utc_of(ev->modified));
	icalcomponent_add_property(ve, icalproperty_new_created(
	    utc_of(ev->created)));
	icalcomponent_add_property(ve, icalproperty_new_lastmodified(
	    utc_of(ev->modified)));
	icalcomponent_add_property(ve, icalproperty_new_sequence(o->sequence));
	if (x->hidden)
		snprintf(summary, sizeof(summary), "Bezet");
	else if (g)
		snprintf(summary, sizeof(summary), "%s (%s)", o->title, g->name);
	else
		snprintf(summary, sizeof(summary), "%s", o->title);
	set_summary(ve, summary, o->cancelled);
	icalcomponent_set_dtstart(ve, ev_instant(r, ev, o->start));
	icalcomponent_set_dtend(ve, ev_instant(r, ev, o->end));
	place_text(r, 0, ev->location_id, "", where, sizeof(where));
	if (*where)
		icalcomponent_set_location(ve, where);
	icalcomponent_add_component(r->cal, ve);
	r->events++;
	return 0;
}

static int
take_at_location(const struct event *ev, void *arg)
{
	struct render *r = arg;
	struct at_location x = { r, ev, 0 };

	if (ev->location_id != r->location_id || ev->room_id != 0)
		return 0;
	for (int i = 0; i < ev->noverrides; i++)
		if (ev->overrides[i].room_id != 0)
			return 0;	/* held through a booking: a slot */
	x.hidden = !r->full && (strcmp(ev->visibility, "public") != 0 ||
	    strcmp(ev->status, "proposed") == 0);
	event_occurrences(ev, r->from, r->to, emit_at_location, &x);
	return 0;
}

/* ---- free/busy ---- */

static int
emit_freebusy(struct render *r, struct fault *f)
{
	icalcomponent *fb = icalcomponent_new_vfreebusy();
	const struct room_row *rm = room_by_id(r, r->room_id);
	char uid[200];
	sqlite3_stmt *st;
	int rc;

	snprintf(uid, sizeof(uid), "freebusy-room-%lld@%s", (long long)r->room_id,
	    conf_current()->uid_host);
	icalcomponent_set_uid(fb, uid);
	icalcomponent_set_dtstamp(fb, utc_of(r->now));
	icalcomponent_set_dtstart(fb, utc_of(r->from));
	icalcomponent_set_dtend(fb, utc_of(r->to));
	if (rm)
		icalcomponent_add_property(fb, icalproperty_new_comment(rm->name));
	/* Busy: held slots; busy-unavailable: closures of room or location. */
	if ((st = store_prepare(r->db, "SELECT start, \"end\", 0 FROM "
	    "booking_slot WHERE room_id = ?1 AND state = 'held' AND start < ?3 "
	    "AND \"end\" > ?2 UNION ALL SELECT start, \"end\", 1 FROM closure "
	    "WHERE location_id = ?4 AND (room_id IS NULL OR room_id = ?1) AND "
	    "start < ?3 AND \"end\" > ?2 ORDER BY 1")) == NULL) {
		icalcomponent_free(fb);
		return fault_set(f, FAULT_INTERNAL, "database error");
	}
	sqlite3_bind_int64(st, 1, r->room_id);
	sqlite3_bind_int64(st, 2, r->from);
	sqlite3_bind_int64(st, 3, r->to);
	sqlite3_bind_int64(st, 4, rm ? rm->location_id : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct icalperiodtype p = icalperiodtype_null_period();
		icalproperty *prop;

		p.start = utc_of(sqlite3_column_int64(st, 0));
		p.end = utc_of(sqlite3_column_int64(st, 1));
		prop = icalproperty_new_freebusy(p);
		icalproperty_add_parameter(prop, icalparameter_new_fbtype(
		    sqlite3_column_int(st, 2) ? ICAL_FBTYPE_BUSYUNAVAILABLE :
		    ICAL_FBTYPE_BUSY));
		icalcomponent_add_property(fb, prop);
	}
	sqlite3_finalize(st);
	icalcomponent_add_component(r->cal, fb);
	return rc == SQLITE_DONE ? 0 : fault_set(f, FAULT_INTERNAL,
	    "database error");
}

/* ---- the calendar ---- */

static void
start_calendar(struct render *r, const char *name, const char *tz)
{
	const struct conf *c = conf_current();
	struct icaldurationtype refresh = icaldurationtype_from_int(
	    (int)c->feeds_refresh);
	icalproperty *p;
	char ttl[64];

	r->cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT,
	    icalproperty_new_version("2.0"),
	    icalproperty_new_prodid("-//hersteld//hersteld " HERSTELD_VERSION
	    "//NL"), icalproperty_new_calscale("GREGORIAN"), (void *)0);
	icalcomponent_add_property(r->cal, icalproperty_new_name(name));
	p = icalproperty_new_x(name);
	icalproperty_set_x_name(p, "X-WR-CALNAME");
	icalcomponent_add_property(r->cal, p);
	p = icalproperty_new_x(tz);
	icalproperty_set_x_name(p, "X-WR-TIMEZONE");
	icalcomponent_add_property(r->cal, p);
	p = icalproperty_new_refreshinterval(refresh);
	icalproperty_add_parameter(p, icalparameter_new_value(
	    ICAL_VALUE_DURATION));
	icalcomponent_add_property(r->cal, p);
	snprintf(ttl, sizeof(ttl), "%s", icaldurationtype_as_ical_string(refresh));
	p = icalproperty_new_x(ttl);
	icalproperty_set_x_name(p, "X-PUBLISHED-TTL");
	icalcomponent_add_property(r->cal, p);
}

static void
render_free(struct render *r)
{
	if (r->cal)
		icalcomponent_free(r->cal);
	for (int i = 0; i < r->nzones; i++)
		icaltimezone_free(r->zones[i].zone, 1);
	free(r->locs);
	free(r->rooms);
	free(r->groups);
}

/* ---- paths ---- */

/* Split path below prefix into at most n parts on '/'; the last loses
 * suffix (".ics").  0, or -1 when it does not fit. */
static int
split_path(const char *path, const char *prefix, const char *suffix,
    char parts[][160], int n, int *got)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), len;
	char buf[600], *save = NULL, *t;

	*got = 0;
	if (strncmp(path, prefix, pl) != 0)
		return -1;
	path += pl;
	len = strlen(path);
	if (len <= sl || len >= sizeof(buf) ||
	    strcmp(path + len - sl, suffix) != 0)
		return -1;
	memcpy(buf, path, len - sl);
	buf[len - sl] = '\0';
	if (strstr(buf, "//") || buf[0] == '/' || buf[len - sl - 1] == '/')
		return -1;
	for (t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (*got == n || strlen(t) >= 160)
			return -1;
		strcpy(parts[(*got)++], t);
	}
	return 0;
}

static const struct loc_row *
loc_by_slug(const struct render *r, const char *slug)
{
	for (int i = 0; i < r->nlocs; i++)
		if (strcmp(r->locs[i].slug, slug) == 0)
			return &r->locs[i];
	return NULL;
}

static const struct room_row *
room_by_ref(const struct render *r, const char *loc, const char *slug)
{
	const struct loc_row *l = loc_by_slug(r, loc);

	for (int i = 0; l && i < r->nrooms; i++)
		if (r->rooms[i].location_id == l->id &&
		    strcmp(r->rooms[i].slug, slug) == 0)
			return &r->rooms[i];
	return NULL;
}

/* Constant-time compare of a presented key with the stored one. */
static int
key_ok(const char *given, const char *stored)
{
	size_t n = strlen(stored);
	unsigned char diff = 0;

	if (n == 0 || strlen(given) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ stored[i]);
	return diff == 0;
}

static int
event_by_uid(sqlite3 *db, const char *uid, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT id FROM event WHERE uid = ?1")) == NULL)
		return -1;
	store_bind_text(st, 1, uid);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * A secret link whose key is not the owner's: -1 with FAULT_NOTFOUND,
 * and the message FEED_REPLACED when the key was the owner's before it
 * was replaced (feed rotate), so that the answer can say so.
 */
static int
wrong_key(sqlite3 *db, const char *table, int64_t id, const char *key,
    struct fault *f)
{
	f->kind = FAULT_NONE;
	if (store_feed_key_replaced(db, table, id, key))
		return fault_set(f, FAULT_NOTFOUND, FEED_REPLACED);
	return fault_set(f, FAULT_NOTFOUND, "no such feed");
}

/* Render into r->cal per path; -1 with f (not found) otherwise. */
static int
render_path(struct render *r, const char *path, int *private_,
    struct fault *f)
{
	const struct conf *c = conf_current();
	char parts[4][160], name[1800];
	int n;

	*private_ = 0;
	if (strcmp(path, "/feeds/public.ics") == 0) {
		r->kind = F_PUBLIC;
		start_calendar(r, "Openbare bijeenkomsten", c->timezone);
		return event_each(r->db, r->from, r->to, take_event, r, f);
	}
	if (split_path(path, "/feeds/kind/", ".ics", parts, 1, &n) == 0 &&
	    n == 1) {
		static const char *kinds[] = { "themabijeenkomst",
		    "dialoogsessie", "steungroep", "kennissessie",
		    "netwerksessie", "overig", NULL };
		int known = 0;

		for (int i = 0; kinds[i]; i++)
			known |= strcmp(kinds[i], parts[0]) == 0;
		if (!known)
			goto notfound;
		r->kind = F_KIND;
		r->want_kind = parts[0];
		snprintf(name, sizeof(name), "Bijeenkomsten: %s", parts[0]);
		start_calendar(r, name, c->timezone);
		return event_each(r->db, r->from, r->to, take_event, r, f);
	}
	if (split_path(path, "/feeds/group/", ".ics", parts, 2, &n) == 0) {
		const struct group_row *g = NULL;

		for (int i = 0; i < r->ngroups; i++)
			if (strcmp(r->groups[i].slug, parts[0]) == 0)
				g = &r->groups[i];
		if (g == NULL)
			goto notfound;
		if (n == 2 && !key_ok(parts[1], g->key))
			return wrong_key(r->db, "grp", g->id, parts[1], f);
		r->kind = F_GROUP;
		r->group_id = g->id;
		r->with_group_only = n == 2;
		*private_ = n == 2;
		start_calendar(r, g->name, c->timezone);
		return event_each(r->db, r->from, r->to, take_event, r, f);
	}
	if (split_path(path, "/feeds/location/", ".ics", parts, 2, &n) == 0) {
		const struct loc_row *l = loc_by_slug(r, parts[0]);

		if (l == NULL)
			goto notfound;
		if (n == 2 && !key_ok(parts[1], l->key))
			return wrong_key(r->db, "location", l->id, parts[1], f);
		r->kind = F_LOCATION;
		r->location_id = l->id;
		r->full = *private_ = n == 2;
		start_calendar(r, l->name, l->tz);
		if (emit_slots(r, f))
			return -1;
		return event_each(r->db, r->from, r->to, take_at_location, r, f);
	}
	if (split_path(path, "/feeds/room/", ".ics", parts, 3, &n) == 0 &&
	    n >= 2) {
		const struct room_row *rm = room_by_ref(r, parts[0], parts[1]);
		const struct loc_row *l = rm ? loc_by_id(r, rm->location_id) :
		    NULL;

		if (rm == NULL || l == NULL)
			goto notfound;
		if (n == 3 && !key_ok(parts[2], l->key))
			return wrong_key(r->db, "location", l->id, parts[2], f);
		r->kind = F_ROOM;
		r->room_id = rm->id;
		r->full = *private_ = n == 3;
		/* "Herstelhuis Zuidoost — Grote zaal" */
		snprintf(name, sizeof(name), "%s \xe2\x80\x94 %s", l->name,
		    rm->name);
		start_calendar(r, name, l->tz);
		return emit_slots(r, f);
	}
	if (split_path(path, "/freebusy/room/", ".ifb", parts, 2, &n) == 0 &&
	    n == 2) {
		const struct room_row *rm = room_by_ref(r, parts[0], parts[1]);
		const struct loc_row *l = rm ? loc_by_id(r, rm->location_id) :
		    NULL;

		if (rm == NULL || l == NULL)
			goto notfound;
		r->kind = F_FREEBUSY;
		r->room_id = rm->id;
		snprintf(name, sizeof(name), "%s \xe2\x80\x94 %s", l->name,
		    rm->name);
		start_calendar(r, name, l->tz);
		return emit_freebusy(r, f);
	}
	if (split_path(path, "/feeds/personal/", ".ics", parts, 1, &n) == 0 &&
	    n == 1) {
		struct participant p;

		if (participant_by_feed_token(r->db, parts[0], &p) != 0)
			goto notfound;
		r->kind = F_PERSONAL;
		*private_ = 1;
		r->leads = r->pleads;
		memcpy(r->pleads, p.leads, sizeof(r->pleads));
		r->nleads = p.nleads;
		start_calendar(r, p.lang[0] == 'e' ? "My sessions" :
		    "Mijn bijeenkomsten", c->timezone);
		return emit_personal(r, p.id, f);
	}
	if (split_path(path, "/events/", ".ics", parts, 1, &n) == 0 && n == 1) {
		struct event *ev;
		int64_t id;

		if (event_by_uid(r->db, parts[0], &id) ||
		    (ev = event_get(r->db, id, f)) == NULL)
			goto notfound;
		if (strcmp(ev->status, "proposed") == 0 ||
		    strcmp(ev->visibility, "public") != 0) {
			event_free(ev);
			goto notfound;
		}
		r->kind = F_EVENT;
		start_calendar(r, ev->title, ev->timezone);
		emit_event(r, ev);
		event_free(ev);
		return 0;
	}
notfound:
	f->kind = FAULT_NONE;
	return fault_set(f, FAULT_NOTFOUND, "no such feed");
}

/* ---- documents ---- */

struct doc {
	struct feed_doc	 pub;
	int		 refs;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*http_free)(void *);

void
feed_set_http_free(void (*fn)(void *))
{
	http_free = fn;
}

static void
doc_free(struct doc *d)
{
	void *h = atomic_load(&d->pub.http);

	if (h != NULL && http_free != NULL)
		http_free(h);
	free(d->pub.body);
	free(d->pub.gz);
	free(d);
}

static struct entry {
	char		*path;
	struct doc	*doc;
	uint64_t	 generation;
	long		 day;
	time_t		 used;
} cache[CACHE_MAX];

static void
doc_unref(struct doc *d)
{
	int last;

	if (d == NULL)
		return;
	pthread_mutex_lock(&cache_lock);
	last = --d->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		doc_free(d);
}

void
feed_release(struct feed_doc *fd)
{
	doc_unref((struct doc *)fd);
}

static int
gzip_of(const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream zs = { 0 };
	size_t cap = len / 3 + 1024;
	char *buf = malloc(cap);
	int rc;

	if (buf == NULL || deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -1;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		zs.next_out = (Bytef *)buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		rc = deflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			deflateEnd(&zs);
			free(buf);
			return -1;
		}
		{
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				deflateEnd(&zs);
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
	}
	*out = buf;
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return 0;
}

struct feed_doc *
feed_render_path(sqlite3 *db, const char *path, time_t now, struct fault *f)
{
	const struct conf *c = conf_current();
	struct render r = { .db = db, .now = now };
	struct doc *d = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	int private_ = 0;

	/*
	 * The window moves a day at a time (as the cache does), so the same
	 * data renders to the same bytes all day: a stable ETag.
	 */
	r.now = now - now % 86400;
	r.from = r.now - (time_t)c->feeds_past_days * 86400;
	r.to = r.now + (time_t)(c->feeds_future_days + 1) * 86400;
	if (load_names(&r, f) || render_path(&r, path, &private_, f))
		goto fail;
	/* The zones the events used, compact, before the events. */
	for (int i = 0; i < r.nzones; i++)
		icalcomponent_add_component(r.cal, icalcomponent_new_clone(
		    icaltimezone_get_component(r.zones[i].zone)));
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->pub.body = icalcomponent_as_ical_string_r(r.cal)) == NULL) {
		fault_set(f, FAULT_INTERNAL, "cannot render the feed");
		goto fail;
	}
	d->pub.len = strlen(d->pub.body);
	d->pub.private_ = private_;
	d->refs = 1;
	if (gzip_of(d->pub.body, d->pub.len, &d->pub.gz, &d->pub.gzlen))
		d->pub.gz = NULL;
	/* A strong ETag from the bytes: the same feed, the same tag. */
	EVP_Digest(d->pub.body, d->pub.len, md, &mdlen, EVP_sha256(), NULL);
	hex_encode(md, 16, hex);
	snprintf(d->pub.etag, sizeof(d->pub.etag), "\"%.32s\"", hex);
	snprintf(d->pub.etag_gz, sizeof(d->pub.etag_gz), "\"%.32s-gz\"", hex);
	d->pub.last_modified = now;
	render_free(&r);
	return &d->pub;
fail:
	if (d) {
		free(d->pub.body);
		free(d);
	}
	render_free(&r);
	return NULL;
}

/* ev without the occurrences in skip (a person's sit-outs). */
static void
emit_event_skipping(struct render *r, const struct event *ev,
    const time_t *skip, int nskip)
{
	struct event copy = *ev;
	time_t *all;

	if (nskip <= 0 || (all = calloc(ev->nexdates + nskip,
	    sizeof(*all))) == NULL) {
		emit_event(r, ev);
		return;
	}
	if (ev->nexdates)
		memcpy(all, ev->exdates, ev->nexdates * sizeof(*all));
	memcpy(all + ev->nexdates, skip, nskip * sizeof(*all));
	copy.exdates = all;
	copy.nexdates = ev->nexdates + nskip;
	emit_event(r, &copy);
	free(all);
}

char *
feed_imip(sqlite3 *db, const struct event *ev, time_t occurrence, int alone,
    const char *method, const char *attendee, const struct feed_person *who,
    struct fault *f)
{
	struct render r = { .db = db, .now = clock_now(), .attendee = attendee };
	icalproperty_method m;
	char *out = NULL;

	if (strcmp(method, "REQUEST") == 0)
		m = ICAL_METHOD_REQUEST;
	else if (strcmp(method, "CANCEL") == 0)
		m = ICAL_METHOD_CANCEL;
	else
		m = ICAL_METHOD_PUBLISH;
	r.from = r.now - 366L * 86400;
	r.to = r.now + 366L * 86400;
	if (load_names(&r, f))
		goto done;
	r.cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT,
	    icalproperty_new_version("2.0"),
	    icalproperty_new_prodid("-//hersteld//hersteld " HERSTELD_VERSION
	    "//NL"), icalproperty_new_calscale("GREGORIAN"),
	    icalproperty_new_method(m), (void *)0);
	if (occurrence == 0)
		emit_event_skipping(&r, ev, who ? who->skip : NULL,
		    who ? who->nskip : 0);
	else
		emit_occ(&r, ev, occurrence, alone, who ? who->cal_uid : NULL);
	/*
	 * Taking one attendee off an event that goes on: RFC 5546 3.2.5
	 * wants no STATUS then (CANCELLED would say the event is off).
	 */
	if (who && who->uninvited)
		for (icalcomponent *ve = icalcomponent_get_first_component(
		    r.cal, ICAL_VEVENT_COMPONENT); ve != NULL;
		    ve = icalcomponent_get_next_component(r.cal,
		    ICAL_VEVENT_COMPONENT)) {
			icalproperty *st;

			while ((st = icalcomponent_get_first_property(ve,
			    ICAL_STATUS_PROPERTY)) != NULL) {
				icalcomponent_remove_property(ve, st);
				icalproperty_free(st);
			}
		}
	for (int i = 0; i < r.nzones; i++)
		icalcomponent_add_component(r.cal, icalcomponent_new_clone(
		    icaltimezone_get_component(r.zones[i].zone)));
	if ((out = icalcomponent_as_ical_string_r(r.cal)) == NULL)
		fault_set(f, FAULT_INTERNAL, "cannot render the calendar part");
done:
	render_free(&r);
	return out;
}

struct feed_doc *
feed_get(const char *path, struct fault *f)
{
	uint64_t gen = store_generation();
	time_t now = clock_now();
	long day = (long)(now / 86400);
	struct entry *e = NULL, *lru = &cache[0];
	struct feed_doc *fresh;
	struct doc *d;
	sqlite3 *db;

	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_MAX; i++) {
		if (cache[i].path && strcmp(cache[i].path, path) == 0) {
			e = &cache[i];
			break;
		}
		if (cache[i].used < lru->used)
			lru = &cache[i];
	}
	if (e && e->generation == gen && e->day == day) {
		e->used = now;
		e->doc->refs++;
		d = e->doc;
		pthread_mutex_unlock(&cache_lock);
		metrics_count_feed(1);
		return &d->pub;
	}
	pthread_mutex_unlock(&cache_lock);

	if ((db = store_db()) == NULL) {
		fault_set(f, FAULT_INTERNAL, "database unavailable");
		return NULL;
	}
	if ((fresh = feed_render_path(db, path, now, f)) == NULL)
		return NULL;
	metrics_count_feed(0);
	d = (struct doc *)fresh;

	pthread_mutex_lock(&cache_lock);
	/* Another thread may have filled it meanwhile; find it again. */
	e = NULL;
	for (int i = 0; i < CACHE_MAX; i++)
		if (cache[i].path && strcmp(cache[i].path, path) == 0)
			e = &cache[i];
	if (e == NULL) {
		e = lru;
		free(e->path);
		if (e->doc && --e->doc->refs == 0)
			doc_free(e->doc);
		e->doc = NULL;
		e->path = strdup(path);
	}
	/*
	 * Unchanged bytes keep their Last-Modified; changed ones move it on,
	 * past the old one even within the same second, so that a client
	 * asking If-Modified-Since never misses a change.
	 */
	if (e->doc && strcmp(e->doc->pub.etag, d->pub.etag) == 0)
		d->pub.last_modified = e->doc->pub.last_modified;
	else if (e->doc && d->pub.last_modified <= e->doc->pub.last_modified)
		d->pub.last_modified = e->doc->pub.last_modified + 1;
	if (e->doc && --e->doc->refs == 0)
		doc_free(e->doc);
	e->doc = d;
	e->generation = gen;
	e->day = day;
	e->used = now;
	d->refs++;			/* the cache's reference */
	pthread_mutex_unlock(&cache_lock);
	return &d->pub;
}

void
feed_shutdown(void)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_MAX; i++) {
		if (cache[i].doc && --cache[i].doc->refs == 0)
			doc_free(cache[i].doc);
		free(cache[i].path);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	pthread_mutex_unlock(&cache_lock);
}

/* ---- links ---- */

int
feed_links(sqlite3 *db, const char *group, const char *location,
    int (*cb)(const struct feed_link *, void *), void *arg, struct fault *f)
{
	static const char *kinds[] = { "themabijeenkomst", "dialoogsessie",
	    "steungroep", "kennissessie", "netwerksessie", "overig", NULL };
	struct render r = { .db = db };
	struct feed_link l;
	int found_group = group == NULL, found_loc = location == NULL;

	if (load_names(&r, f))
		goto fail;
#define LINK(...) do {							\
	snprintf(l.name, sizeof(l.name), __VA_ARGS__);			\
	if (cb(&l, arg))						\
		goto done;						\
} while (0)
	snprintf(l.path, sizeof(l.path), "/feeds/public.ics");
	LINK("Openbare bijeenkomsten");
	for (int i = 0; kinds[i]; i++) {
		snprintf(l.path, sizeof(l.path), "/feeds/kind/%s.ics", kinds[i]);
		LINK("Bijeenkomsten: %s", kinds[i]);
	}
	for (int i = 0; i < r.ngroups; i++) {
		const struct group_row *g = &r.groups[i];

		snprintf(l.path, sizeof(l.path), "/feeds/group/%s.ics", g->slug);
		LINK("%s", g->name);
		if (group && strcmp(group, g->slug) == 0) {
			found_group = 1;
			snprintf(l.path, sizeof(l.path), "/feeds/group/%s/%s.ics",
			    g->slug, g->key);
			LINK("%s (with events for the group only; keep this "
			    "link within the group)", g->name);
		}
	}
	for (int i = 0; i < r.nlocs; i++) {
		const struct loc_row *lc = &r.locs[i];
		int mine = location && strcmp(location, lc->slug) == 0;

		found_loc |= mine;
		snprintf(l.path, sizeof(l.path), "/feeds/location/%s.ics",
		    lc->slug);
		LINK("%s", lc->name);
		if (mine) {
			snprintf(l.path, sizeof(l.path), "/feeds/location/%s/%s.ics",
			    lc->slug, lc->key);
			LINK("%s (every detail; for its managers)", lc->name);
		}
		for (int k = 0; k < r.nrooms; k++) {
			const struct room_row *rm = &r.rooms[k];

			if (rm->location_id != lc->id)
				continue;
			snprintf(l.path, sizeof(l.path), "/feeds/room/%s/%s.ics",
			    lc->slug, rm->slug);
			LINK("%s \xe2\x80\x94 %s", lc->name, rm->name);
			if (mine) {
				snprintf(l.path, sizeof(l.path),
				    "/feeds/room/%s/%s/%s.ics", lc->slug,
				    rm->slug, lc->key);
				LINK("%s \xe2\x80\x94 %s (every detail)", lc->name,
				    rm->name);
			}
			snprintf(l.path, sizeof(l.path),
			    "/freebusy/room/%s/%s.ifb", lc->slug, rm->slug);
			LINK("%s \xe2\x80\x94 %s (free/busy)", lc->name, rm->name);
		}
	}
#undef LINK
done:
	render_free(&r);
	if (!found_group)
		return fault_set(f, FAULT_NOTFOUND, "unknown group \"%.63s\"",
		    group);
	if (!found_loc)
		return fault_set(f, FAULT_NOTFOUND, "unknown location \"%.63s\"",
		    location);
	return 0;
fail:
	render_free(&r);
	return -1;
}

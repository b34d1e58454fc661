/*
 * /api/v1/events: list occurrences in a window, show, add, edit (series,
 * one occurrence, or from an occurrence on), cancel, publish, remove; and
 * the people of an event: events/ID/register, unregister, attendees,
 * checkin and followup.  Admins do everything; an organizer creates and
 * changes only its own group's events, and co-hosts edit and see to the
 * people; what a caller may not see does not exist for it (404).  The
 * route table at the end says which role may call what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/api.h"
#include "hersteld/attendance.h"
#include "hersteld/booking.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

#define LIST_DEFAULT_DAYS	90
#define LIST_MAX_DAYS		3660

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *
date_of(time_t t, icaltimezone *zone)
{
	char d[16];

	when_format_date(t, zone, d);
	return json_string(d);
}

/*
 * A day event's dates: "days" (0 for times) and "last_day", the date it
 * ends on (null for times).  Returns j.
 */
static json_t *
with_days(json_t *j, const struct event *ev, time_t start, time_t end)
{
	int n = ev->days ? event_dates(start, end, ev->zone) : 0;

	json_object_set_new(j, "days", json_integer(n));
	json_object_set_new(j, "last_day", n ? date_of(when_days_after(start,
	    n - 1, ev->zone), ev->zone) : json_null());
	return j;
}

static json_t *
occurrence_json(const struct occurrence *o)
{
	const struct event *ev = o->ev;
	const char *room = o->room;
	char loc[64] = "";

	/* A moved occurrence may be in another room of another location. */
	if (room && *room)
		snprintf(loc, sizeof(loc), "%.*s", (int)strcspn(room, "/"), room);
	else
		snprintf(loc, sizeof(loc), "%s", ev->location);
	return with_days(json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:s, s:s, s:o, s:b, s:b, s:i}",
	    "id", (json_int_t)ev->id, "uid", ev->uid,
	    "occurrence", o->recurrence_id ? date_of(o->recurrence_id,
	    ev->zone) : json_null(),
	    "kind", ev->kind, "title", o->title,
	    "start", api_time_z(o->start, ev->zone),
	    "end", api_time_z(o->end, ev->zone),
	    "room", str_or_null(room), "location", str_or_null(loc),
	    "place", str_or_null(ev->place), "group", str_or_null(ev->group),
	    "status", o->cancelled ? "cancelled" : ev->status,
	    "visibility", ev->visibility,
	    "capacity", ev->capacity > 0 ? json_integer(ev->capacity) : json_null(),
	    "series", ev->rrule[0] != '\0', "moved", o->moved,
	    "sequence", o->sequence), ev, o->start, o->end);
}

static int
push_occ(const struct occurrence *o, void *arg)
{
	json_array_append_new(arg, occurrence_json(o));
	return 0;
}

struct next_ctx {
	json_t	*a;
	int	 left;
};

static int
push_next(const struct occurrence *o, void *arg)
{
	struct next_ctx *n = arg;

	json_array_append_new(n->a, occurrence_json(o));
	return --n->left <= 0;
}

static json_t *
event_json(const struct event *ev)
{
	json_t *j, *ex = json_array(), *ov = json_array(), *rd = json_array();
	struct next_ctx next = { json_array(), 5 };
	time_t now = clock_now();

	for (int i = 0; i < ev->nexdates; i++)
		json_array_append_new(ex, date_of(ev->exdates[i], ev->zone));
	/* The extra dates (RDATE) a series has besides its rule's. */
	for (int i = 0; i < ev->nrdates; i++)
		json_array_append_new(rd, api_time_z(ev->rdates[i], ev->zone));
	for (int i = 0; i < ev->noverrides; i++) {
		const struct override *o = &ev->overrides[i];
		json_array_append_new(ov, with_days(json_pack("{s:o, s:o, s:o, "
		    "s:o, s:o, s:b, s:s, s:i}",
		    "occurrence", date_of(o->recurrence_id, ev->zone),
		    "start", api_time_z(o->start, ev->zone),
		    "end", api_time_z(o->end, ev->zone),
		    "title", str_or_null(o->title), "room", str_or_null(o->room),
		    "cancelled", o->cancelled, "reason", o->cancel_reason,
		    "sequence", o->sequence), ev, o->start, o->end));
	}
	event_occurrences(ev, now, now + 3660L * 86400, push_next, &next);
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:i, s:s, s:o, s:o, "
	    "s:o}",
	    "id", (json_int_t)ev->id, "uid", ev->uid, "kind", ev->kind,
	    "title", ev->title, "description", ev->description,
	    "themes", api_tags(ev->themes), "group", str_or_null(ev->group),
	    "room", str_or_null(ev->room), "location", str_or_null(ev->location),
	    "place", str_or_null(ev->place), "timezone", ev->timezone,
	    "start", api_time_z(ev->start, ev->zone),
	    "end", api_time_z(ev->end, ev->zone),
	    "repeat", str_or_null(ev->rrule), "except", ex, "extra", rd,
	    "overrides", ov,
	    "capacity", ev->capacity > 0 ? json_integer(ev->capacity) : json_null(),
	    "visibility", ev->visibility, "status", ev->status,
	    "sequence", ev->sequence, "cancel_reason", ev->cancel_reason,
	    "created", api_time_z(ev->created, ev->zone),
	    "modified", api_time_z(ev->modified, ev->zone),
	    "next", next.a);
	return with_days(j, ev, ev->start, ev->end);
}

/*
 * Fill in from the request body.  Strings stay borrowed from r->body;
 * themes are joined into buf.  0, or -1 with resp filled.
 */
static int
read_in(const struct api_req *r, struct api_resp *resp, struct event_in *in,
    int editing, char *themes, size_t themes_len, const char **except)
{
	json_t *jthemes = NULL, *jexcept = NULL;
	json_int_t cap = -1, days = -2;		/* -2: not given */
	int propose = 0;
	size_t i, off = 0;

	memset(in, 0, sizeof(*in));
	if (api_unpack(r, resp, editing ?
	    "{s?s, s?s, s?s, s?o, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?o, "
	    "s?I, s?s, s?s, s?I, s?s, s?s}" :
	    "{s?s, s?s, s?s, s?o, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?o, "
	    "s?I, s?s, s?s, s?I, s?b}",
	    "kind", &in->kind, "title", &in->title, "description",
	    &in->description, "themes", &jthemes, "group", &in->group,
	    "room", &in->room, "location", &in->location, "place", &in->place,
	    "start", &in->start, "end", &in->end, "duration", &in->duration,
	    "repeat", &in->rrule, "except", &jexcept, "capacity", &cap,
	    "visibility", &in->visibility, "date", &in->date, "days", &days,
	    editing ? "occurrence" : "propose",
	    editing ? (void *)&in->occurrence : (void *)&propose,
	    "following", &in->following))
		return -1;
	in->propose = propose;
	in->capacity = cap == -1 ? -1 : (cap < 1 || cap > 100000 ? 0 : (long)cap);
	/* Out of range reads as -1, which the checks name. */
	in->days = days == -2 ? 0 : days < 1 || days > EVENT_MAX_DAYS ? -1 :
	    (long)days;
	if (jthemes) {
		json_t *t;

		if (!json_is_array(jthemes))
			goto bad_themes;
		themes[0] = '\0';
		json_array_foreach(jthemes, i, t) {
			const char *s = json_string_value(t);
			if (s == NULL || strchr(s, ',') || off + strlen(s) + 2 >= themes_len)
				goto bad_themes;
			off += snprintf(themes + off, themes_len - off, "%s%s",
			    off ? "," : "", s);
		}
		in->themes = themes;
	}
	if (jexcept) {
		json_t *t;
		if (!json_is_array(jexcept) ||
		    json_array_size(jexcept) > EVENT_MAX_EXCEPT) {
			api_error(resp, 422, "invalid", "except must be a list of "
			    "at most %d dates", EVENT_MAX_EXCEPT);
			return -1;
		}
		json_array_foreach(jexcept, i, t) {
			if ((except[i] = json_string_value(t)) == NULL) {
				api_error(resp, 422, "invalid", "except must be a "
				    "list of dates (YYYY-MM-DD)");
				return -1;
			}
		}
		in->except = except;
		in->nexcept = (int)json_array_size(jexcept);
	}
	return 0;
bad_themes:
	api_error(resp, 422, "invalid", "themes must be a list of tags "
	    "(lower-case letters, digits and '-')");
	return -1;
}

/*
 * Who is asking, for the room the event holds: the admin may confirm in a
 * room that needs approval; anyone else gets a request there.
 */
static void
booking_ctx(const struct api_req *r, struct event_in *in,
    struct booking_viewer *v, struct conflicts *refused)
{
	memset(v, 0, sizeof(*v));
	v->all = r->who->role == ROLE_ADMIN;
	if (r->who->role == ROLE_ORGANIZER)
		v->group_id = r->who->group_id;
	in->confirm = r->who->role == ROLE_ADMIN;
	in->viewer = v;
	in->refused = refused;
}

/* The zone refusals are shown in: the event's, or the configured one. */
static const char *
refusal_zone(const struct event *ev)
{
	return ev ? ev->timezone : conf_current()->timezone;
}

/* Organizers act for their own group only. */
static int
may_change(const struct api_req *r, struct api_resp *resp,
    int64_t event_group, const char *new_group)
{
	struct group g;
	struct fault f = { 0 };

	if (r->who->role == ROLE_ADMIN)
		return 0;
	if (r->who->role == ROLE_ORGANIZER && event_group == r->who->group_id) {
		if (new_group == NULL)
			return 0;
		if (group_get_id(store_db(), r->who->group_id, &g, &f) == 0 &&
		    strcmp(g.slug, new_group) == 0)
			return 0;
	}
	api_error(resp, 403, "forbidden", "%s", r->who->role == ROLE_ORGANIZER ?
	    "an organizer may only plan and change its own group's events" :
	    "only an admin or the group's organizer may do this");
	return -1;
}

static void
answer_event(struct api_resp *resp, sqlite3 *db, int64_t id,
    unsigned int status)
{
	struct fault f = { 0 };
	struct event *ev = event_get(db, id, &f);

	if (ev == NULL) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = event_json(ev);
	event_free(ev);
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	const struct conf *c = conf_current();
	icaltimezone *z = when_zone(c->timezone);
	struct event_filter flt = { 0 };
	struct event_scope scope;
	struct fault f = { 0 };
	const char *from = r->query(r->query_arg, "from");
	const char *to = r->query(r->query_arg, "to");
	char today[16];
	json_t *a;

	if (from) {
		if (when_parse(&f, "--from", from, z, &flt.from))
			goto fault;
	} else {
		when_format_date(clock_now(), z, today);
		when_parse(&f, "--from", today, z, &flt.from);
	}
	if (to) {
		if (when_parse(&f, "--to", to, z, &flt.to))
			goto fault;
	} else
		flt.to = flt.from + LIST_DEFAULT_DAYS * 86400L;
	if (flt.to - flt.from > LIST_MAX_DAYS * 86400L) {
		api_error(resp, 422, "invalid", "the window from --from to --to "
		    "may be at most %d days", LIST_MAX_DAYS);
		return;
	}
	flt.kind = r->query(r->query_arg, "kind");
	flt.group = r->query(r->query_arg, "group");
	flt.status = r->query(r->query_arg, "status");
	api_event_scope(r->who, &scope);
	a = json_array();
	if (event_list(db, &flt, &scope, push_occ, a, &f)) {
		free((void *)scope.cohosted);
		json_decref(a);
		goto fault;
	}
	free((void *)scope.cohosted);
	resp->status = 200;
	resp->json = a;
	return;
fault:
	api_fault(resp, &f);
}

static void
add(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event_in in;
	struct booking_viewer viewer;
	struct conflicts refused = { 0 };
	struct fault f = { 0 };
	struct group g;
	char themes[512];
	const char *except[EVENT_MAX_EXCEPT];
	int64_t id;

	if (read_in(r, resp, &in, 0, themes, sizeof(themes), except))
		return;
	booking_ctx(r, &in, &viewer, &refused);
	if (r->who->role == ROLE_ORGANIZER) {
		if (group_get_id(db, r->who->group_id, &g, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (in.group == NULL)
			in.group = g.slug;
		else if (strcmp(in.group, g.slug) != 0) {
			api_error(resp, 403, "forbidden", "an organizer "
			    "may only plan events for its own group (%s)",
			    g.slug);
			return;
		}
	}
	if (schedule_event_add(db, &in, api_actor(r), &id, &f))
		api_refused(resp, &f, &refused, refusal_zone(NULL));
	else
		answer_event(resp, db, id, 201);
	conflicts_free(&refused);
}

/*
 * The event of the path events/ID/..., if the caller may see it; NULL
 * with a 404 in resp.  Caller frees with event_free.
 */
static struct event *
visible_event(const struct api_req *r, struct api_resp *resp)
{
	struct event_scope scope;
	struct fault f = { 0 };
	struct event *ev;
	int64_t id;

	if (api_id(r->seg[1], "event", &id, resp))
		return NULL;
	api_event_scope(r->who, &scope);
	if ((ev = event_get(store_db(), id, &f)) == NULL ||
	    !event_visible(ev, &scope)) {
		if (ev != NULL)
			fault_set(&f, FAULT_NOTFOUND, "unknown event %lld",
			    (long long)id);
		api_fault(resp, &f);
		event_free(ev);
		ev = NULL;
	}
	free((void *)scope.cohosted);
	return ev;
}

static void
show(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;

	if ((ev = visible_event(r, resp)) == NULL)
		return;
	resp->status = 200;
	resp->json = event_json(ev);
	event_free(ev);
}

static void
edit(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event_in in;
	struct event *ev;
	struct booking_viewer viewer;
	struct conflicts refused = { 0 };
	struct fault f = { 0 };
	char themes[512];
	const char *except[EVENT_MAX_EXCEPT];
	int64_t new_id;

	if ((ev = visible_event(r, resp)) == NULL)
		return;
	/* Co-hosts edit too (cohost.h). */
	if (read_in(r, resp, &in, 1, themes, sizeof(themes), except) ||
	    (!cohost_may_edit(db, ev, r->who, in.group) &&
	    may_change(r, resp, ev->group_id, in.group)))
		goto done;
	booking_ctx(r, &in, &viewer, &refused);
	if (schedule_event_edit(db, ev->id, &in, api_actor(r), &new_id, &f))
		api_refused(resp, &f, &refused, refusal_zone(ev));
	else
		answer_event(resp, db, new_id ? new_id : ev->id, 200);
done:
	conflicts_free(&refused);
	event_free(ev);
}

static void
remove_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };

	if ((ev = visible_event(r, resp)) == NULL)
		return;
	if (may_change(r, resp, ev->group_id, NULL))
		goto done;
	if (schedule_event_remove(store_db(), ev->id, api_actor(r), &f)) {
		api_fault(resp, &f);
		goto done;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I}", "removed", (json_int_t)ev->id);
done:
	event_free(ev);
}

static void
cancel(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event_in in;
	struct event *ev;
	struct booking_viewer viewer;
	struct conflicts refused = { 0 };
	struct fault f = { 0 };
	int64_t new_id;

	if ((ev = visible_event(r, resp)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.capacity = -1;
	booking_ctx(r, &in, &viewer, &refused);
	if (may_change(r, resp, ev->group_id, NULL) ||
	    (r->body && api_unpack(r, resp, "{s?s, s?s, s?s}",
	    "occurrence", &in.occurrence, "following", &in.following,
	    "reason", &in.reason)))
		goto done;
	if (schedule_event_cancel(db, ev->id, &in, api_actor(r), &new_id, &f))
		api_refused(resp, &f, &refused, refusal_zone(ev));
	else	/* After a split the answer is the later, cancelled part. */
		answer_event(resp, db, new_id ? new_id : ev->id, 200);
done:
	conflicts_free(&refused);
	event_free(ev);
}

static void
publish(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event_in in;
	struct event *ev;
	struct booking_viewer viewer;
	struct conflicts refused = { 0 };
	struct fault f = { 0 };

	if ((ev = visible_event(r, resp)) == NULL)
		return;
	if (may_change(r, resp, ev->group_id, NULL))
		goto done;
	memset(&in, 0, sizeof(in));
	in.capacity = -1;
	booking_ctx(r, &in, &viewer, &refused);
	if (schedule_event_publish(db, ev->id, &in, api_actor(r), &f))
		api_refused(resp, &f, &refused, refusal_zone(ev));
	else
		answer_event(resp, db, ev->id, 200);
done:
	conflicts_free(&refused);
	event_free(ev);
}

/* ---- the people of one event ---- */

/*
 * The event of the path, for its people: the admin and the organizers
 * of the event's group and of the groups co-hosting it.  NULL with a
 * 404 or 403 in resp; caller frees with event_free.
 */
static struct event *
people_event(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;

	if ((ev = visible_event(r, resp)) == NULL)
		return NULL;
	if (cohost_may_edit(store_db(), ev, r->who, NULL) ||
	    may_change(r, resp, ev->group_id, NULL) == 0)
		return ev;
	event_free(ev);
	return NULL;
}

struct people {
	json_t		*a;
	icaltimezone	*zone;
};

static int
push_attendee(const struct attendee *at, void *arg)
{
	struct people *pp = arg;
	char day[16];

	if (at->occurrence)
		when_format_date(at->occurrence, pp->zone, day);
	json_array_append_new(pp->a, json_pack("{s:o, s:s, s:s, s:s, s:o, s:b}",
	    "participant", at->participant_id ?
	    json_integer(at->participant_id) : json_null(), "email", at->email,
	    "name", at->name, "status", at->status,
	    "occurrence", at->occurrence ? json_string(day) : json_null(),
	    "unmailed", at->unmailed));
	return 0;
}

static void
attendees(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct reg_counts n;
	struct people pp;
	struct fault f = { 0 };
	const char *occ = r->query(r->query_arg, "occurrence");

	if ((ev = people_event(r, resp)) == NULL)
		return;
	pp.a = json_array();
	pp.zone = ev->zone;
	if (reg_attendees(store_db(), ev->id, occ, api_people_group(r),
	    push_attendee, &pp, &n,
	    &f)) {
		json_decref(pp.a);
		api_fault(resp, &f);
		goto done;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I, s:o, s:i, s:i, s:i, s:o, s:b, s:o}",
	    "event", (json_int_t)ev->id,
	    "occurrence", occ ? json_string(occ) : json_null(),
	    "going", (int)n.going, "waitlist", (int)n.waitlist,
	    "promoted_unmailed", (int)n.unmailed,
	    "capacity", n.capacity ? json_integer(n.capacity) :
	    json_null(), "anonymous", n.anonymous,
	    "attendees", n.anonymous ? (json_decref(pp.a),
	    json_null()) : pp.a);
done:
	event_free(ev);
}

/* events/ID/register and unregister: the path's last segment says which. */
static void
registration(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct reg_result res;
	struct fault f = { 0 };
	const char *who = NULL, *occ = NULL;
	int reg = strcmp(r->seg[2], "register") == 0;

	if ((ev = people_event(r, resp)) == NULL)
		return;
	if (api_unpack(r, resp, "{s:s, s?s}", "participant", &who,
	    "occurrence", &occ))
		goto done;
	if (reg ? reg_register(store_db(), ev->id, who, occ,
	    api_people_group(r), api_actor(r), &res, &f) :
	    reg_unregister(store_db(), ev->id, who, occ, api_people_group(r),
	    api_actor(r), &f)) {
		api_fault(resp, &f);
		goto done;
	}
	resp->status = 200;
	if (!reg)
		resp->json = json_pack("{s:I, s:s}", "event",
		    (json_int_t)ev->id, "status", "unregistered");
	else if (api_people_group(r) == 0)
		resp->json = json_pack("{s:I, s:I, s:s, s:b}", "registration",
		    (json_int_t)res.id, "event", (json_int_t)ev->id, "status",
		    res.status, "mailed", res.mailed > 0);
	else
		/* Whether mail went out would tell who unsubscribed. */
		resp->json = json_pack("{s:I, s:I, s:s}", "registration",
		    (json_int_t)res.id, "event", (json_int_t)ev->id, "status",
		    res.status);
done:
	event_free(ev);
}

static void
checkin(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *who = NULL, *occ = NULL;
	long n;

	if ((ev = people_event(r, resp)) == NULL)
		return;
	if (api_unpack(r, resp, "{s:s, s?s}", "participant", &who,
	    "occurrence", &occ))
		goto done;
	if (attendance_checkin(store_db(), ev->id, occ, who,
	    api_people_group(r), api_actor(r), &n, &f)) {
		api_fault(resp, &f);
		goto done;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I, s:o, s:i}", "event",
	    (json_int_t)ev->id, "occurrence", occ ? json_string(occ) :
	    json_null(), "count", (int)n);
done:
	event_free(ev);
}

static void
followup(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *occ = NULL, *notes = NULL;
	long n;

	if ((ev = people_event(r, resp)) == NULL)
		return;
	if (api_unpack(r, resp, "{s:s, s?s}", "notes", &notes,
	    "occurrence", &occ))
		goto done;
	if (reg_followup(store_db(), ev->id, occ, notes, api_actor(r), &n,
	    &f)) {
		api_fault(resp, &f);
		goto done;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I, s:i}", "event", (json_int_t)ev->id,
	    "queued", (int)n);
done:
	event_free(ev);
}

#define PLANNERS	(API_ADMIN | API_ORGANIZER)
#define PLANNERS_ONLY	"only an admin or the group's organizer may do this"

const struct api_route api_event_routes[] = {
	{ "GET",	"events",		API_ANYONE,	list,	NULL },
	{ "POST",	"events",		PLANNERS,	add,
	    "a location manager cannot plan events; an organizer or admin "
	    "can" },
	{ "GET",	"events/:id",		API_ANYONE,	show,	NULL },
	{ "PATCH",	"events/:id",		PLANNERS,	edit,
	    PLANNERS_ONLY },
	{ "DELETE",	"events/:id",		PLANNERS,	remove_,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/cancel",	PLANNERS,	cancel,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/publish",	PLANNERS,	publish,
	    PLANNERS_ONLY },
	{ "GET",	"events/:id/attendees",	PLANNERS,	attendees,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/register",	PLANNERS,	registration,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/unregister", PLANNERS,	registration,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/checkin",	PLANNERS,	checkin,
	    PLANNERS_ONLY },
	{ "POST",	"events/:id/followup",	PLANNERS,	followup,
	    PLANNERS_ONLY },
	{ NULL, NULL, 0, NULL, NULL }
};

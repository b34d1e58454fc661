/*
 * /api/v1/bookings: book a room (once or as a series), list, approve,
 * decline, cancel and restore; and the room questions "when is it free"
 * (/rooms/LOC/ROOM/availability) and "which room is free"
 * (/locations/LOC/free-rooms).  Admins do everything; a location manager
 * books, approves and declines in its own location; an organizer books
 * for its own group and cancels its own group's bookings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/availability.h"
#include "hersteld/booking.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static void
viewer_of(const struct principal *who, struct booking_viewer *v)
{
	memset(v, 0, sizeof(*v));
	v->all = who->role == ROLE_ADMIN;
	if (who->role == ROLE_ORGANIZER)
		v->group_id = who->group_id;
	if (who->role == ROLE_LOCATION_MANAGER)
		v->location_id = who->location_id;
}

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *
booking_json(const struct booking *b)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:b, s:s, "
	    "s:s, s:o, s:i, s:o, s:o}",
	    "id", (json_int_t)b->id, "room", b->room,
	    "title", str_or_null(b->title), "group", str_or_null(b->group),
	    "status", b->status,
	    "start", api_time(b->start, b->timezone),
	    "end", api_time(b->end, b->timezone),
	    "repeat", str_or_null(b->rrule), "private", b->private_,
	    "reason", b->reason, "booked_by", b->booked_by,
	    "event", b->event_id ? json_integer(b->event_id) : json_null(),
	    "held", b->held,
	    "next", b->next ? api_time(b->next, b->timezone) : json_null(),
	    "created", api_time(b->created, b->timezone));
}

/* Whether who may see and act on booking b (beyond the admin). */
static int
mine(const struct principal *who, const struct booking *b)
{
	return who->role == ROLE_ADMIN ||
	    (who->role == ROLE_LOCATION_MANAGER &&
	    who->location_id == b->location_id) ||
	    (who->role == ROLE_ORGANIZER && b->group_id &&
	    who->group_id == b->group_id);
}

struct list_ctx {
	const struct principal	*who;
	json_t			*a;
};

static int
push(const struct booking *b, void *arg)
{
	struct list_ctx *l = arg;

	if (mine(l->who, b))
		json_array_append_new(l->a, booking_json(b));
	return 0;
}

static json_t *
skipped_json(const struct conflicts *c, const char *tz)
{
	json_t *a = json_array();

	for (int i = 0; i < c->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:s, s:s}",
		    "start", api_time(c->v[i].start, tz),
		    "end", api_time(c->v[i].end, tz), "kind", c->v[i].kind,
		    "text", c->v[i].text));
	return a;
}

static void
book(const struct api_req *r, struct api_resp *resp, sqlite3 *db)
{
	struct booking_in in = { 0 };
	struct booking_viewer v;
	struct booking_result res = { 0 };
	struct conflicts refused = { 0 };
	struct booking b;
	struct room room;
	struct group g;
	struct fault f = { 0 };
	int priv = 0, skip = 0, dry = 0;

	if (api_unpack(r, resp, "{s:s, s:s, s?s, s?s, s?s, s?s, s?s, s?b, s?b, "
	    "s?b}", "room", &in.room, "start", &in.start, "end", &in.end,
	    "duration", &in.duration, "repeat", &in.rrule, "title", &in.title,
	    "group", &in.group, "private", &priv, "skip_conflicts", &skip,
	    "dry_run", &dry))
		return;
	in.private_ = priv;
	in.skip_conflicts = skip;
	in.dry_run = dry;
	if (room_get(db, in.room, &room, &f)) {
		api_fault(resp, &f);
		return;
	}
	switch (r->who->role) {
	case ROLE_ADMIN:
		in.auto_confirm = 1;
		break;
	case ROLE_LOCATION_MANAGER:
		if (r->who->location_id != room.location_id) {
			api_error(resp, 403, "forbidden", "a location manager "
			    "books only in its own location");
			return;
		}
		in.auto_confirm = 1;
		break;
	case ROLE_ORGANIZER:
		if (group_get_id(db, r->who->group_id, &g, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (in.group == NULL)
			in.group = g.slug;
		else if (strcmp(in.group, g.slug) != 0) {
			api_error(resp, 403, "forbidden", "an organizer books "
			    "only for its own group (%s)", g.slug);
			return;
		}
		break;
	}
	viewer_of(r->who, &v);
	if (schedule_booking_add(db, &in, &v, api_actor(r), &res, &refused, &f)) {
		api_refused(resp, &f, &refused, room.location_tz);
		conflicts_free(&refused);
		return;
	}
	if (in.dry_run) {
		resp->status = 200;
		resp->json = json_pack("{s:b, s:i, s:s, s:o}", "free",
		    res.skipped.n == 0, "booked", res.booked, "status",
		    res.status, "conflicts", skipped_json(&res.skipped,
		    room.location_tz));
	} else if (booking_get(db, res.id, &b, &f) == 0) {
		resp->status = 201;
		resp->json = booking_json(&b);
		json_object_set_new(resp->json, "skipped",
		    skipped_json(&res.skipped, room.location_tz));
	} else
		api_fault(resp, &f);
	conflicts_free(&res.skipped);
}

struct not_held_ctx {
	json_t		*a;
	const char	*tz;
};

static int
push_not_held(const struct slot *sl, const char *state, const char *note,
    void *arg)
{
	struct not_held_ctx *x = arg;
	char date[16];

	when_format_date(sl->recurrence_id, when_zone(x->tz), date);
	json_array_append_new(x->a, json_pack("{s:s, s:o, s:o, s:s, s:s}",
	    "occurrence", date, "start", api_time(sl->start, x->tz),
	    "end", api_time(sl->end, x->tz), "state", state, "reason", note));
	return 0;
}

void
api_bookings(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct booking_viewer v;
	struct conflicts refused = { 0 };
	struct booking b;
	struct fault f = { 0 };
	const char *reason = NULL, *date = NULL, *verb;
	int64_t id;
	int rc;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		struct list_ctx l = { r->who, json_array() };

		if (booking_list(db, r->query(r->query_arg, "room"),
		    r->query(r->query_arg, "status"), push, &l, &f)) {
			json_decref(l.a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = l.a;
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
		book(r, resp, db);
		return;
	}
	if (r->nseg < 2 || r->nseg > 3 || api_id(r->seg[1], "booking", &id, resp))
		goto nopath;
	/*
	 * Approving and declining belong to the room's location: another
	 * location's manager is refused (403) rather than told "unknown".
	 */
	if (r->nseg == 3 && r->who->role == ROLE_LOCATION_MANAGER &&
	    (strcmp(r->seg[2], "approve") == 0 ||
	    strcmp(r->seg[2], "decline") == 0) &&
	    booking_get(db, id, &b, &f) == 0 &&
	    b.location_id != r->who->location_id) {
		api_error(resp, 403, "forbidden", "only an admin or the manager "
		    "of this location may %s bookings", r->seg[2]);
		return;
	}
	if (booking_get(db, id, &b, &f) || !mine(r->who, &b)) {
		if (f.kind == FAULT_NONE)
			fault_set(&f, FAULT_NOTFOUND, "unknown booking %lld",
			    (long long)id);
		api_fault(resp, &f);
		return;
	}
	if (r->nseg == 2 && strcmp(r->method, "GET") == 0) {
		struct not_held_ctx x = { json_array(), b.timezone };

		if (booking_not_held(db, id, push_not_held, &x, &f)) {
			json_decref(x.a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = booking_json(&b);
		json_object_set_new(resp->json, "not_held", x.a);
		return;
	}
	if (r->nseg != 3 || strcmp(r->method, "POST") != 0)
		goto nopath;
	verb = r->seg[2];
	if ((strcmp(verb, "approve") == 0 || strcmp(verb, "decline") == 0) &&
	    r->who->role != ROLE_ADMIN && !(r->who->role ==
	    ROLE_LOCATION_MANAGER && r->who->location_id == b.location_id)) {
		api_error(resp, 403, "forbidden", "only an admin or the manager "
		    "of this location may %s bookings", verb);
		return;
	}
	if (r->body && api_unpack(r, resp, "{s?s, s?s}", "reason", &reason,
	    "occurrence", &date))
		return;
	viewer_of(r->who, &v);
	if (strcmp(verb, "approve") == 0)
		rc = schedule_booking_approve(db, id, api_actor(r), &f);
	else if (strcmp(verb, "decline") == 0)
		rc = schedule_booking_decline(db, id, reason, api_actor(r), &f);
	else if (strcmp(verb, "cancel") == 0)
		rc = booking_cancel(db, id, date, api_actor(r), &f);
	else if (strcmp(verb, "restore") == 0)
		rc = booking_restore(db, id, date, &v, api_actor(r), &refused, &f);
	else
		goto nopath;
	if (rc) {
		api_refused(resp, &f, &refused, b.timezone);
		conflicts_free(&refused);
		return;
	}
	if (booking_get(db, id, &b, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = booking_json(&b);
	return;
nopath:
	if (resp->json == NULL)
		api_error(resp, 404, "not_found", "no such API path");
}

struct period_ctx {
	json_t	*a;
};

static int
push_period(const struct period *p, const char *tz, void *arg)
{
	struct period_ctx *x = arg;

	json_array_append_new(x->a, json_pack("{s:o, s:o, s:s, s:o}",
	    "start", api_time(p->start, tz), "end", api_time(p->end, tz),
	    "state", p->busy ? "busy" : "free",
	    "what", p->busy ? json_string(p->what) : json_null()));
	return 0;
}

void
api_room_availability(const struct api_req *r, struct api_resp *resp,
    const char *ref)
{
	struct booking_viewer v;
	struct period_ctx x = { json_array() };
	struct fault f = { 0 };

	viewer_of(r->who, &v);
	if (availability_room(store_db(), ref, r->query(r->query_arg, "from"),
	    r->query(r->query_arg, "to"), &v, push_period, &x, &f)) {
		json_decref(x.a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = x.a;
}

static int
push_room(const char *ref, const char *name, long capacity, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I}", "room", ref,
	    "name", name, "capacity", (json_int_t)capacity));
	return 0;
}

void
api_free_rooms(const struct api_req *r, struct api_resp *resp,
    const char *loc)
{
	const char *cap = r->query(r->query_arg, "capacity");
	const char *acc = r->query(r->query_arg, "accessible");
	struct fault f = { 0 };
	json_t *a = json_array();
	long capacity = 1;
	char *end = NULL;

	if (cap != NULL) {
		capacity = strtol(cap, &end, 10);
		if (*cap == '\0' || *end != '\0' || capacity < 1)
			capacity = -1;
	}
	if (availability_find(store_db(), loc, r->query(r->query_arg, "start"),
	    r->query(r->query_arg, "end"), r->query(r->query_arg, "duration"),
	    capacity, acc && strcmp(acc, "1") == 0, push_room, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

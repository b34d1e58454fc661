/*
 * /api/v1/bookings: book a room (once or as a series), list, approve,
 * decline, cancel and restore.  Admins do everything; a location manager
 * books, approves and declines in its own location; an organizer books
 * for its own group and cancels its own group's bookings.  The route
 * table at the end says who may call what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/booking.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

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
book(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
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
	api_booking_viewer(r->who, &v);
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

static void
list(const struct api_req *r, struct api_resp *resp)
{
	struct list_ctx l = { r->who, json_array() };
	struct fault f = { 0 };

	if (booking_list(store_db(), r->query(r->query_arg, "room"),
	    r->query(r->query_arg, "status"), push, &l, &f)) {
		json_decref(l.a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = l.a;
}

/*
 * The booking of the path bookings/ID/..., if who may see it; 0, or -1
 * with a 404 in resp.
 */
static int
booking_for(const struct api_req *r, struct api_resp *resp, int64_t *id,
    struct booking *b)
{
	struct fault f = { 0 };

	if (api_id(r->seg[1], "booking", id, resp))
		return -1;
	if (booking_get(store_db(), *id, b, &f) || !mine(r->who, b)) {
		if (f.kind == FAULT_NONE)
			fault_set(&f, FAULT_NOTFOUND, "unknown booking %lld",
			    (long long)*id);
		api_fault(resp, &f);
		return -1;
	}
	return 0;
}

static void
show(const struct api_req *r, struct api_resp *resp)
{
	struct not_held_ctx x;
	struct booking b;
	struct fault f = { 0 };
	int64_t id;

	if (booking_for(r, resp, &id, &b))
		return;
	x.a = json_array();
	x.tz = b.timezone;
	if (booking_not_held(store_db(), id, push_not_held, &x, &f)) {
		json_decref(x.a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = booking_json(&b);
	json_object_set_new(resp->json, "not_held", x.a);
}

enum verb { APPROVE, DECLINE, CANCEL, RESTORE };

static const char *const verbs[] = { "approve", "decline", "cancel", "restore" };

static void
act(const struct api_req *r, struct api_resp *resp, enum verb verb)
{
	sqlite3 *db = store_db();
	struct booking_viewer v;
	struct conflicts refused = { 0 };
	struct booking b;
	struct fault f = { 0 };
	const char *reason = NULL, *date = NULL;
	int64_t id;
	int rc;

	/*
	 * Approving and declining belong to the room's location: another
	 * location's manager is refused (403) rather than told "unknown".
	 */
	if ((verb == APPROVE || verb == DECLINE) &&
	    r->who->role == ROLE_LOCATION_MANAGER &&
	    api_id(r->seg[1], "booking", &id, resp) == 0 &&
	    booking_get(db, id, &b, &f) == 0 &&
	    b.location_id != r->who->location_id) {
		api_error(resp, 403, "forbidden", "only an admin or the manager "
		    "of this location may %s bookings", verbs[verb]);
		return;
	}
	f = (struct fault){ 0 };
	if (booking_for(r, resp, &id, &b))
		return;
	if (r->body && api_unpack(r, resp, "{s?s, s?s}", "reason", &reason,
	    "occurrence", &date))
		return;
	api_booking_viewer(r->who, &v);
	switch (verb) {
	case APPROVE:
		rc = schedule_booking_approve(db, id, api_actor(r), &f);
		break;
	case DECLINE:
		rc = schedule_booking_decline(db, id, reason, api_actor(r), &f);
		break;
	case CANCEL:
		rc = booking_cancel(db, id, date, api_actor(r), &f);
		break;
	default:
		rc = booking_restore(db, id, date, &v, api_actor(r), &refused,
		    &f);
		break;
	}
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
}

static void
approve(const struct api_req *r, struct api_resp *resp)
{
	act(r, resp, APPROVE);
}

static void
decline(const struct api_req *r, struct api_resp *resp)
{
	act(r, resp, DECLINE);
}

static void
cancel(const struct api_req *r, struct api_resp *resp)
{
	act(r, resp, CANCEL);
}

static void
restore(const struct api_req *r, struct api_resp *resp)
{
	act(r, resp, RESTORE);
}

/* Who acts on one booking beyond this: mine() and act(). */
const struct api_route api_booking_routes[] = {
	{ "GET",	"bookings",		API_ANYONE,	list,	NULL },
	{ "POST",	"bookings",		API_ANYONE,	book,	NULL },
	{ "GET",	"bookings/:id",		API_ANYONE,	show,	NULL },
	{ "POST",	"bookings/:id/approve",	API_ADMIN | API_MANAGER, approve,
	    "only an admin or the manager of this location may approve "
	    "bookings" },
	{ "POST",	"bookings/:id/decline",	API_ADMIN | API_MANAGER, decline,
	    "only an admin or the manager of this location may decline "
	    "bookings" },
	{ "POST",	"bookings/:id/cancel",	API_ANYONE,	cancel,	NULL },
	{ "POST",	"bookings/:id/restore",	API_ANYONE,	restore, NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

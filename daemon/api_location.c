/*
 * /api/v1/locations, /rooms and /closures, and the booking questions
 * asked of them: "when is this room free" (rooms/LOC/ROOM/availability)
 * and "which room is free" (locations/LOC/free-rooms).  Reading is open
 * to every caller; an admin may change everything, a location manager
 * only its own location's details, rooms and closures.  The route table
 * at the end says who may call what.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/api.h"
#include "hersteld/availability.h"
#include "hersteld/booking.h"
#include "hersteld/location.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static int
may_manage(const struct api_req *r, struct api_resp *resp, int64_t location_id)
{
	if (r->who->role == ROLE_ADMIN ||
	    (r->who->role == ROLE_LOCATION_MANAGER &&
	    r->who->location_id == location_id))
		return 0;
	api_error(resp, 403, "forbidden", "only an admin or this location's "
	    "manager may do this");
	return -1;
}

static json_t *
location_json(const struct location *l)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)l->id, "slug", l->slug, "name", l->name,
	    "address", l->address, "timezone", l->timezone, "hours", l->hours,
	    "email", l->email[0] ? json_string(l->email) : json_null(),
	    "created", api_time(l->created, l->timezone),
	    "modified", api_time(l->modified, l->timezone));
}

static int
location_push(const struct location *l, void *arg)
{
	json_array_append_new(arg, location_json(l));
	return 0;
}

static void
location_answer(struct api_resp *resp, sqlite3 *db, const char *slug,
    unsigned int status)
{
	struct location l;
	struct fault f = { 0 };

	if (location_get(db, slug, &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = location_json(&l);
}

static void
location_list_(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	(void)r;
	if (location_list(store_db(), location_push, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static void
location_add_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct location_in in = { 0 };
	struct fault f = { 0 };
	int64_t id;

	json_t *email = NULL;

	if (api_unpack(r, resp, "{s:s, s:s, s?s, s?s, s?s, s?o}",
	    "slug", &in.slug, "name", &in.name, "address", &in.address,
	    "timezone", &in.timezone, "hours", &in.hours, "email", &email) ||
	    api_email_arg(email, &in.email, resp))
		return;
	if (location_add(db, &in, api_actor(r), &id, &f)) {
		api_fault(resp, &f);
		return;
	}
	location_answer(resp, db, in.slug, 201);
}

static void
location_show(const struct api_req *r, struct api_resp *resp)
{
	location_answer(resp, store_db(), r->seg[1], 200);
}

static json_t	*hits_json(const struct closure_result *);

static void
location_edit_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct location_in in = { 0 };
	struct closure_result res;
	struct location l;
	struct fault f = { 0 };
	json_t *email = NULL;
	int keep = 0;

	if (location_get(db, r->seg[1], &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, l.id) ||
	    api_unpack(r, resp, "{s?s, s?s, s?s, s?s, s?s, s?o, s?b}",
	    "slug", &in.slug, "name", &in.name, "address", &in.address,
	    "timezone", &in.timezone, "hours", &in.hours, "email", &email,
	    "keep", &keep) ||
	    api_email_arg(email, &in.email, resp))
		return;
	if (keep && in.hours == NULL) {
		api_error(resp, 422, "invalid", "--keep goes with --hours");
		return;
	}
	if (schedule_location_edit(db, r->seg[1], &in, keep, api_actor(r),
	    &res, &f)) {
		api_fault(resp, &f);
		/* A refusal lists what the new hours would leave out. */
		if (f.kind == FAULT_CONFLICT && res.n > 0)
			json_object_set_new(json_object_get(resp->json,
			    "error"), "details", hits_json(&res));
		closure_result_free(&res);
		return;
	}
	location_answer(resp, db, r->seg[1], 200);
	if (resp->json && res.n > 0)
		json_object_set_new(resp->json, "outside_hours",
		    hits_json(&res));
	closure_result_free(&res);
}

static void
location_remove_(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };

	if (schedule_location_remove(store_db(), r->seg[1], api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:s}", "removed", r->seg[1]);
}

static int
push_free_room(const char *ref, const char *name, long capacity, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I}", "room", ref,
	    "name", name, "capacity", (json_int_t)capacity));
	return 0;
}

static void
free_rooms(const struct api_req *r, struct api_resp *resp)
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
	if (availability_find(store_db(), r->seg[1], r->query(r->query_arg, "start"),
	    r->query(r->query_arg, "end"), r->query(r->query_arg, "duration"),
	    capacity, acc && strcmp(acc, "1") == 0, push_free_room, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static json_t *
room_json(const struct room *rm)
{
	char ref[130];

	snprintf(ref, sizeof(ref), "%s/%s", rm->location, rm->slug);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:b, s:o, s:o}",
	    "id", (json_int_t)rm->id, "room", ref, "location", rm->location,
	    "slug", rm->slug, "name", rm->name, "capacity",
	    (json_int_t)rm->capacity, "accessible", rm->accessible,
	    "features", api_tags(rm->features), "needs_approval",
	    rm->needs_approval,
	    "created", api_time(rm->created, rm->location_tz),
	    "modified", api_time(rm->modified, rm->location_tz));
}

static int
room_push(const struct room *rm, void *arg)
{
	json_array_append_new(arg, room_json(rm));
	return 0;
}

static void
room_answer(struct api_resp *resp, sqlite3 *db, const char *ref,
    unsigned int status)
{
	struct room rm;
	struct fault f = { 0 };

	if (room_get(db, ref, &rm, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = room_json(&rm);
}

/* LOC/ROOM from the path rooms/LOC/ROOM[/...]. */
static void
room_ref(const struct api_req *r, char *ref, size_t len)
{
	snprintf(ref, len, "%s/%s", r->seg[1], r->seg[2]);
}

static void
room_list_(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	if (room_list(store_db(), r->query(r->query_arg, "location"),
	    room_push, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static void
room_add_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct room_in in = { .capacity = -1, .accessible = -1,
	    .needs_approval = -1 };
	struct location l;
	struct fault f = { 0 };
	char loc[64], slug[64];
	json_int_t cap = LLONG_MIN;	/* not given */
	int64_t id;

	if (api_unpack(r, resp, "{s:s, s:s, s:I, s?b, s?s, s?b}",
	    "room", &in.ref, "name", &in.name, "capacity", &cap,
	    "accessible", &in.accessible, "features", &in.features,
	    "needs_approval", &in.needs_approval))
		return;
	if (room_ref_split(&f, in.ref, loc, slug) ||
	    location_get(db, loc, &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, l.id))
		return;
	in.capacity = cap < 1 || cap > 1000000 ? 0 : (long)cap;
	if (room_add(db, &in, api_actor(r), &id, &f)) {
		api_fault(resp, &f);
		return;
	}
	room_answer(resp, db, in.ref, 201);
}

static void
room_show(const struct api_req *r, struct api_resp *resp)
{
	char ref[130];

	room_ref(r, ref, sizeof(ref));
	room_answer(resp, store_db(), ref, 200);
}

static void
room_edit_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct room_in in = { .capacity = -1, .accessible = -1,
	    .needs_approval = -1 };
	struct room rm;
	struct fault f = { 0 };
	char ref[130];
	json_int_t cap = LLONG_MIN;	/* not given */

	room_ref(r, ref, sizeof(ref));
	if (room_get(db, ref, &rm, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, rm.location_id))
		return;
	if (api_unpack(r, resp, "{s?s, s?I, s?b, s?s, s?b}",
	    "name", &in.name, "capacity", &cap, "accessible",
	    &in.accessible, "features", &in.features, "needs_approval",
	    &in.needs_approval))
		return;
	if (cap != LLONG_MIN)
		in.capacity = cap < 1 || cap > 1000000 ? 0 : (long)cap;
	if (schedule_room_edit(db, ref, &in, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	room_answer(resp, db, ref, 200);
}

static void
room_remove_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct room rm;
	struct fault f = { 0 };
	char ref[130];

	room_ref(r, ref, sizeof(ref));
	if (room_get(db, ref, &rm, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, rm.location_id))
		return;
	if (schedule_room_remove(db, ref, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:s}", "removed", ref);
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

static void
room_availability(const struct api_req *r, struct api_resp *resp)
{
	struct booking_viewer v;
	struct period_ctx x = { json_array() };
	struct fault f = { 0 };
	char ref[130];

	room_ref(r, ref, sizeof(ref));
	api_booking_viewer(r->who, &v);
	if (availability_room(store_db(), ref, r->query(r->query_arg, "from"),
	    r->query(r->query_arg, "to"), &v, push_period, &x, &f)) {
		json_decref(x.a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = x.a;
}

static json_t *
closure_json(const struct closure *c)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s}",
	    "id", (json_int_t)c->id, "location", c->location,
	    "room", c->room[0] ? json_string(c->room) : json_null(),
	    "from", api_time(c->start, c->timezone),
	    "to", api_time(c->end, c->timezone), "reason", c->reason);
}

static int
closure_push(const struct closure *c, void *arg)
{
	json_array_append_new(arg, closure_json(c));
	return 0;
}

static void
closure_list_(const struct api_req *r, struct api_resp *resp)
{
	const char *all = r->query(r->query_arg, "all");
	struct fault f = { 0 };
	json_t *a = json_array();

	/* By default only closures that have not ended yet. */
	if (closure_list(store_db(), r->query(r->query_arg, "location"),
	    all && strcmp(all, "1") == 0 ? 0 : clock_now(), closure_push,
	    a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

/* "2026-12-01 19:00-21:00" in zone tz, as conflicts read. */
static void
span_text(time_t start, time_t end, const char *tz, char *out, size_t len)
{
	icaltimezone *z = when_zone(tz);
	char a[32], b[32];

	if (z == NULL)
		z = icaltimezone_get_utc_timezone();
	when_format_local(start, z, a);
	when_format_local(end, z, b);
	if (strncmp(a, b, 10) == 0)
		snprintf(out, len, "%s-%s", a, b + 11);
	else
		snprintf(out, len, "%s - %s", a, b);
}

/*
 * One occurrence a closure hits, for people ("text", one line) and for
 * programs.
 */
static json_t *
hit_json(const struct closure_hit *x)
{
	const struct held_slot *h = &x->h;
	char when[80], text[2048], day[16];
	json_t *o, *offers = json_array();
	size_t n;

	span_text(h->start, h->end, h->timezone, when, sizeof(when));
	when_format_date(h->recurrence_id, when_zone(h->timezone), day);
	n = (size_t)snprintf(text, sizeof(text), "%s %s: ", when, h->room);
	if (h->event_id)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "event %lld \"%.200s\"", (long long)h->event_id, h->title);
	else
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "booking %lld%s%.200s%s", (long long)h->booking_id,
		    h->title[0] ? " \"" : "", h->title, h->title[0] ? "\"" : "");
	if (h->group[0] && n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, " (%s)",
		    h->group);
	if (h->event_id && n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", %ld "
		    "registered, %ld waiting", x->going, x->waiting);
	for (int i = 0; i < x->noffers; i++) {
		if (n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s "
			    "(%ld)", i ? ", " : "; free instead: ",
			    x->offers[i].room, x->offers[i].capacity);
		json_array_append_new(offers, json_pack("{s:s, s:s, s:I}",
		    "room", x->offers[i].room, "name", x->offers[i].name,
		    "capacity", (json_int_t)x->offers[i].capacity));
	}
	if (x->noffers == 0 && n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, "; no other room free");
	text_sanitize(text);
	o = json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:s, s:I, "
	    "s:I, s:I, s:o, s:s}",
	    "kind", h->event_id ? "event" : "booking",
	    "event", h->event_id ? json_integer(h->event_id) : json_null(),
	    "booking", h->booking_id ? json_integer(h->booking_id) :
	    json_null(),
	    "occurrence", day,
	    "start", api_time(h->start, h->timezone),
	    "end", api_time(h->end, h->timezone),
	    "title", h->title,
	    "group", h->group[0] ? json_string(h->group) : json_null(),
	    "room", h->room,
	    "registered", (json_int_t)x->going,
	    "waiting", (json_int_t)x->waiting,
	    "size", (json_int_t)x->size,
	    "free_rooms", offers,
	    "text", text);
	return o;
}

static json_t *
hits_json(const struct closure_result *res)
{
	json_t *a = json_array();

	for (int i = 0; i < res->n; i++)
		json_array_append_new(a, hit_json(&res->v[i]));
	return a;
}

static void
closure_add_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct closure_in in = { 0 };
	struct closure_result res;
	struct closure c;
	struct location l;
	struct fault f = { 0 };
	enum closure_mode mode = CLOSURE_ASK;
	int dry = 0, cancel = 0, keep = 0;
	char loc[64];

	if (api_unpack(r, resp, "{s:s, s:s, s:s, s:s, s?b, s?b, s?b}",
	    "target", &in.target, "from", &in.from, "to", &in.to, "reason",
	    &in.reason, "dry_run", &dry, "cancel_affected", &cancel, "keep",
	    &keep))
		return;
	if (dry + cancel + keep > 1) {
		api_error(resp, 422, "invalid", "give one of --dry-run, "
		    "--cancel-affected and --keep");
		return;
	}
	mode = dry ? CLOSURE_DRY_RUN : cancel ? CLOSURE_CANCEL : keep ?
	    CLOSURE_KEEP : CLOSURE_ASK;
	snprintf(loc, sizeof(loc), "%.*s",
	    (int)strcspn(in.target, "/"), in.target);
	if (location_get(db, loc, &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, l.id))
		return;
	if (schedule_closure_add(db, &in, mode, api_actor(r), &res, &f)) {
		api_fault(resp, &f);
		/* A refusal lists what the closure would hit. */
		if (f.kind == FAULT_CONFLICT && res.n > 0)
			json_object_set_new(json_object_get(resp->json,
			    "error"), "details", hits_json(&res));
		closure_result_free(&res);
		return;
	}
	if (mode == CLOSURE_DRY_RUN) {
		resp->status = 200;
		resp->json = json_pack("{s:b, s:s, s:o, s:o, s:s, s:o}",
		    "dry_run", 1, "target", in.target,
		    "from", api_time(res.plan.from, res.plan.l.timezone),
		    "to", api_time(res.plan.to, res.plan.l.timezone),
		    "reason", in.reason, "affected", hits_json(&res));
		closure_result_free(&res);
		return;
	}
	if (closure_get(db, res.id, &c, &f)) {
		api_fault(resp, &f);
		closure_result_free(&res);
		return;
	}
	resp->status = 201;
	resp->json = closure_json(&c);
	json_object_set_new(resp->json, "affected", hits_json(&res));
	json_object_set_new(resp->json, "cancelled",
	    json_boolean(res.cancelled));
	closure_result_free(&res);
}

static void
closure_show(const struct api_req *r, struct api_resp *resp)
{
	struct closure c;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "closure", &id, resp))
		return;
	if (closure_get(store_db(), id, &c, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = closure_json(&c);
}

static void
closure_remove_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct closure c;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "closure", &id, resp))
		return;
	if (closure_get(db, id, &c, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (may_manage(r, resp, c.location_id))
		return;
	if (closure_remove(db, id, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I}", "removed", (json_int_t)id);
}

#define ADMIN_MANAGER	(API_ADMIN | API_MANAGER)
#define MANAGER_ONLY	"only an admin or this location's manager may do this"

const struct api_route api_location_routes[] = {
	{ "GET",    "locations",			API_ANYONE,
	    location_list_,	NULL },
	{ "POST",   "locations",			API_ADMIN,
	    location_add_,	NULL },
	{ "GET",    "locations/:slug",			API_ANYONE,
	    location_show,	NULL },
	{ "PATCH",  "locations/:slug",			ADMIN_MANAGER,
	    location_edit_,	MANAGER_ONLY },
	{ "DELETE", "locations/:slug",			API_ADMIN,
	    location_remove_,	NULL },
	{ "GET",    "locations/:slug/free-rooms",	API_ANYONE,
	    free_rooms,		NULL },
	{ "GET",    "rooms",				API_ANYONE,
	    room_list_,		NULL },
	{ "POST",   "rooms",				ADMIN_MANAGER,
	    room_add_,		MANAGER_ONLY },
	{ "GET",    "rooms/:loc/:room",			API_ANYONE,
	    room_show,		NULL },
	{ "PATCH",  "rooms/:loc/:room",			ADMIN_MANAGER,
	    room_edit_,		MANAGER_ONLY },
	{ "DELETE", "rooms/:loc/:room",			ADMIN_MANAGER,
	    room_remove_,	MANAGER_ONLY },
	{ "GET",    "rooms/:loc/:room/availability",	API_ANYONE,
	    room_availability,	NULL },
	{ "GET",    "closures",				API_ANYONE,
	    closure_list_,	NULL },
	{ "POST",   "closures",				ADMIN_MANAGER,
	    closure_add_,	MANAGER_ONLY },
	{ "GET",    "closures/:id",			API_ANYONE,
	    closure_show,	NULL },
	{ "DELETE", "closures/:id",			ADMIN_MANAGER,
	    closure_remove_,	MANAGER_ONLY },
	{ NULL, NULL, 0, NULL, NULL }
};

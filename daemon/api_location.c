/*
 * /api/v1/locations, /rooms and /closures.  Reading is open to every
 * caller; an admin may change everything, a location manager only its own
 * location's details, rooms and closures.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/api.h"
#include "hersteld/location.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"

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
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "id", (json_int_t)l->id, "slug", l->slug, "name", l->name,
	    "address", l->address, "timezone", l->timezone, "hours", l->hours,
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

void
api_locations(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct location_in in = { 0 };
	struct location l;
	struct fault f = { 0 };
	int64_t id;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		json_t *a = json_array();
		if (location_list(db, location_push, a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
		if (api_need_admin(r, resp) ||
		    api_unpack(r, resp, "{s:s, s:s, s?s, s?s, s?s}",
		    "slug", &in.slug, "name", &in.name, "address", &in.address,
		    "timezone", &in.timezone, "hours", &in.hours))
			return;
		if (location_add(db, &in, api_actor(r), &id, &f)) {
			api_fault(resp, &f);
			return;
		}
		location_answer(resp, db, in.slug, 201);
	} else if (r->nseg == 2 && strcmp(r->method, "GET") == 0) {
		location_answer(resp, db, r->seg[1], 200);
	} else if (r->nseg == 3 && strcmp(r->method, "GET") == 0 &&
	    strcmp(r->seg[2], "free-rooms") == 0) {
		api_free_rooms(r, resp, r->seg[1]);
	} else if (r->nseg == 2 && strcmp(r->method, "PATCH") == 0) {
		if (location_get(db, r->seg[1], &l, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (may_manage(r, resp, l.id) ||
		    api_unpack(r, resp, "{s?s, s?s, s?s, s?s, s?s}",
		    "slug", &in.slug, "name", &in.name, "address", &in.address,
		    "timezone", &in.timezone, "hours", &in.hours))
			return;
		if (location_edit(db, r->seg[1], &in, api_actor(r), &f)) {
			api_fault(resp, &f);
			return;
		}
		location_answer(resp, db, r->seg[1], 200);
	} else if (r->nseg == 2 && strcmp(r->method, "DELETE") == 0) {
		if (api_need_admin(r, resp))
			return;
		if (location_remove(db, r->seg[1], api_actor(r), &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = json_pack("{s:s}", "removed", r->seg[1]);
	} else
		api_error(resp, 405, "method", "%s is not allowed here", r->method);
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

void
api_rooms(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct room_in in = { .capacity = -1, .accessible = -1,
	    .needs_approval = -1 };
	struct location l;
	struct room rm;
	struct fault f = { 0 };
	char ref[130], loc[64], slug[64];
	json_int_t cap = LLONG_MIN;	/* not given */
	int64_t id;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg == 3)
		snprintf(ref, sizeof(ref), "%s/%s", r->seg[1], r->seg[2]);
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		json_t *a = json_array();
		if (room_list(db, r->query(r->query_arg, "location"), room_push,
		    a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
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
	} else if (r->nseg == 3 && strcmp(r->method, "GET") == 0) {
		room_answer(resp, db, ref, 200);
	} else if (r->nseg == 4 && strcmp(r->method, "GET") == 0 &&
	    strcmp(r->seg[3], "availability") == 0) {
		snprintf(ref, sizeof(ref), "%s/%s", r->seg[1], r->seg[2]);
		api_room_availability(r, resp, ref);
	} else if (r->nseg == 3 && (strcmp(r->method, "PATCH") == 0 ||
	    strcmp(r->method, "DELETE") == 0)) {
		if (room_get(db, ref, &rm, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (may_manage(r, resp, rm.location_id))
			return;
		if (strcmp(r->method, "DELETE") == 0) {
			if (room_remove(db, ref, api_actor(r), &f)) {
				api_fault(resp, &f);
				return;
			}
			resp->status = 200;
			resp->json = json_pack("{s:s}", "removed", ref);
			return;
		}
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
	} else
		api_error(resp, 405, "method", "%s is not allowed here", r->method);
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

void
api_closures(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct closure_in in = { 0 };
	struct closure c;
	struct location l;
	struct fault f = { 0 };
	char loc[64];
	int64_t id, locid;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		const char *all = r->query(r->query_arg, "all");
		json_t *a = json_array();

		/* By default only closures that have not ended yet. */
		if (closure_list(db, r->query(r->query_arg, "location"),
		    all && strcmp(all, "1") == 0 ? 0 : clock_now(), closure_push,
		    a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
		if (api_unpack(r, resp, "{s:s, s:s, s:s, s:s}", "target",
		    &in.target, "from", &in.from, "to", &in.to, "reason",
		    &in.reason))
			return;
		snprintf(loc, sizeof(loc), "%.*s",
		    (int)strcspn(in.target, "/"), in.target);
		if (location_get(db, loc, &l, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (may_manage(r, resp, l.id))
			return;
		if (closure_add(db, &in, api_actor(r), &id, &locid, &f) ||
		    closure_get(db, id, &c, &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 201;
		resp->json = closure_json(&c);
	} else if (r->nseg == 2 && (strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "DELETE") == 0)) {
		if (api_id(r->seg[1], "closure", &id, resp))
			return;
		if (closure_get(db, id, &c, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (strcmp(r->method, "GET") == 0) {
			resp->status = 200;
			resp->json = closure_json(&c);
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
	} else
		api_error(resp, 405, "method", "%s is not allowed here", r->method);
}

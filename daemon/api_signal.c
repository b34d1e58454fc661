/*
 * /api/v1/signals: signals parents raised, for the admin and organizers.
 *
 *   GET  signals[?from&to&category&status]   admin: all; organizer: its
 *                                            group's
 *   POST signals {text[, event][, category]}
 *   POST signals/ID/close {note}
 *
 * An organizer records for its own group, links only events its group
 * owns or co-hosts, and closes only its group's signals.  Location
 * managers have no part in signals (the route table at the end).
 */
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/signal.h"
#include "hersteld/store.h"

static json_t *
signal_json(const struct signal_rec *s)
{
	const char *tz = conf_current()->timezone;

	return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:b, s:o, s:o}",
	    "id", (json_int_t)s->id,
	    "event", s->event_id ? json_integer(s->event_id) : json_null(),
	    "group", s->group[0] ? json_string(s->group) : json_null(),
	    "category", s->category, "text", s->text, "status", s->status,
	    "note", s->note, "public", s->public,
	    "created", api_time(s->created, tz),
	    "closed", s->closed ? api_time(s->closed, tz) : json_null());
}

static int
push(const struct signal_rec *s, void *arg)
{
	json_array_append_new(arg, signal_json(s));
	return 0;
}

static void
answer(struct api_resp *resp, int64_t id, unsigned int status)
{
	struct signal_rec s;
	struct fault f = { 0 };

	if (signal_get(store_db(), id, &s, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = signal_json(&s);
}

/* The group an organizer acts for; 0: any (the admin). */
static int64_t
group_of(const struct api_req *r)
{
	return r->who->role == ROLE_ORGANIZER ? r->who->group_id : 0;
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	struct signal_filter flt = { 0 };
	struct fault f = { 0 };
	json_t *a;

	if (api_period(r, resp, 0, &flt.from, &flt.to))
		return;
	flt.category = r->query(r->query_arg, "category");
	flt.status = r->query(r->query_arg, "status");
	flt.group_id = group_of(r);
	a = json_array();
	if (signal_list(store_db(), &flt, push, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static void
add(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	struct event *ev = NULL;
	const char *text = NULL, *category = NULL;
	json_int_t event_id = 0;
	int64_t id;

	if (api_unpack(r, resp, "{s:s, s?I, s?s}", "text", &text,
	    "event", &event_id, "category", &category))
		return;
	if (event_id < 0 || (event_id && (ev = api_event_for(r, resp,
	    event_id, STANDING_COHOST, "record signals for it")) == NULL)) {
		if (event_id < 0)
			api_error(resp, 404, "not_found", "unknown event "
			    "%lld", (long long)event_id);
		return;
	}
	event_free(ev);
	if (signal_add(store_db(), event_id, text, category, group_of(r),
	    api_actor(r), &id, &f)) {
		api_fault(resp, &f);
		return;
	}
	answer(resp, id, 201);
}

static void
close_(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	const char *note = NULL;
	int64_t id, gid = group_of(r);
	int public = 0;

	if (api_id(r->seg[1], "signal", &id, resp) ||
	    api_unpack(r, resp, "{s:s, s?b}", "note", &note, "public", &public))
		return;
	if (gid && signal_group(db, id) != gid) {
		api_error(resp, 404, "not_found", "unknown signal %lld",
		    (long long)id);
		return;
	}
	if (signal_close(db, id, note, public, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	answer(resp, id, 200);
}

#define SIGNALS		(API_ADMIN | API_ORGANIZER)
#define SIGNALS_ONLY	"signals are for the admin and organizers"

const struct api_route api_signal_routes[] = {
	{ "GET",	"signals",		SIGNALS, list,	 SIGNALS_ONLY },
	{ "POST",	"signals",		SIGNALS, add,	 SIGNALS_ONLY },
	{ "POST",	"signals/:id/close",	SIGNALS, close_, SIGNALS_ONLY },
	{ NULL, NULL, 0, NULL, NULL }
};

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
 * managers have no part in signals.
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

	return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "id", (json_int_t)s->id,
	    "event", s->event_id ? json_integer(s->event_id) : json_null(),
	    "group", s->group[0] ? json_string(s->group) : json_null(),
	    "category", s->category, "text", s->text, "status", s->status,
	    "note", s->note, "created", api_time(s->created, tz),
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

void
api_signals(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct signal_filter flt = { 0 };
	struct fault f = { 0 };
	struct event *ev = NULL;
	const char *text = NULL, *category = NULL, *note = NULL;
	json_int_t event_id = 0;
	int64_t id, gid;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->who->role == ROLE_LOCATION_MANAGER) {
		api_error(resp, 403, "forbidden", "signals are for the admin and "
		    "organizers");
		return;
	}
	gid = r->who->role == ROLE_ORGANIZER ? r->who->group_id : 0;
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		json_t *a;

		if (api_period(r, resp, 0, &flt.from, &flt.to))
			return;
		flt.category = r->query(r->query_arg, "category");
		flt.status = r->query(r->query_arg, "status");
		flt.group_id = gid;
		a = json_array();
		if (signal_list(db, &flt, push, a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
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
		if (signal_add(db, event_id, text, category, gid, api_actor(r),
		    &id, &f)) {
			api_fault(resp, &f);
			return;
		}
		answer(resp, id, 201);
	} else if (r->nseg == 3 && strcmp(r->method, "POST") == 0 &&
	    strcmp(r->seg[2], "close") == 0) {
		if (api_id(r->seg[1], "signal", &id, resp) ||
		    api_unpack(r, resp, "{s:s}", "note", &note))
			return;
		if (gid && signal_group(db, id) != gid) {
			api_error(resp, 404, "not_found", "unknown signal %lld",
			    (long long)id);
			return;
		}
		if (signal_close(db, id, note, api_actor(r), &f)) {
			api_fault(resp, &f);
			return;
		}
		answer(resp, id, 200);
	} else
		api_error(resp, r->nseg == 1 ? 405 : 404, r->nseg == 1 ?
		    "method" : "not_found", "%s %s is not an API call", r->method,
		    r->seg[0]);
}

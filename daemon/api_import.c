/*
 * /api/v1/import: load an iCalendar file (a yearly plan) as events.
 *
 *   POST {"ics": TEXT, "group": SLUG, "kind": KIND}   (group, kind optional)
 *
 * An admin imports for any group or none; an organizer for its own group
 * only (the default), and only over its own group's events; a location
 * manager does not import.  The answer counts what happened and lists
 * each event: {"added", "updated", "unchanged", "events": [{"id", "uid",
 * "title", "action"}], "warnings": [...]}.  A refusal names the line in
 * its message and as details {"line": N}.
 */
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/booking.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/import.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"

static const char *
action_of(enum event_import_outcome o)
{
	return o == EVENT_IMPORT_ADDED ? "added" :
	    o == EVENT_IMPORT_UPDATED ? "updated" : "unchanged";
}

static json_t *
result_json(const struct import_result *res)
{
	json_t *events = json_array(), *warnings = json_array();

	for (int i = 0; i < res->nitems; i++) {
		const struct import_item *it = &res->items[i];
		json_array_append_new(events, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)it->id, "uid", it->uid, "title", it->title,
		    "action", action_of(it->outcome)));
	}
	for (int i = 0; i < res->nwarnings; i++)
		json_array_append_new(warnings, json_string(res->warnings[i]));
	return json_pack("{s:i, s:i, s:i, s:o, s:o}", "added", res->added,
	    "updated", res->updated, "unchanged", res->unchanged,
	    "events", events, "warnings", warnings);
}

static void
import(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct import_in in = { 0 };
	struct import_result res = { 0 };
	struct event_in ctx = { .capacity = -1 };
	struct booking_viewer viewer = { 0 };
	struct conflicts refused = { 0 };
	struct fault f = { 0 };
	struct group own;
	const char *ics = NULL;
	size_t len = 0;

	if (api_unpack(r, resp, "{s:s%, s?s, s?s}", "ics", &ics, &len,
	    "group", &in.group, "kind", &in.kind))
		return;
	/* The HTTP layer lets more through: JSON escaping makes it longer. */
	if (len > IMPORT_MAX_BYTES) {
		api_error(resp, 413, "too_large", "the file is larger than 10 MiB");
		return;
	}
	if (r->who->role == ROLE_ORGANIZER) {
		if (group_get_id(db, r->who->group_id, &own, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (in.group == NULL)
			in.group = own.slug;
		else if (strcmp(in.group, own.slug) != 0) {
			api_error(resp, 403, "forbidden", "an organizer may only "
			    "import events for its own group (%s)", own.slug);
			return;
		}
		in.only_group = own.id;
	}
	in.ics = ics;
	in.len = len;
	/* Rooms the imported events already hold: as for event edit. */
	viewer.all = r->who->role == ROLE_ADMIN;
	if (r->who->role == ROLE_ORGANIZER)
		viewer.group_id = r->who->group_id;
	ctx.confirm = r->who->role == ROLE_ADMIN;
	ctx.viewer = &viewer;
	ctx.refused = &refused;
	in.ctx = &ctx;
	if (schedule_import(db, &in, api_actor(r), &res, &f)) {
		api_refused(resp, &f, &refused, conf_current()->timezone);
		if (res.line > 0 && refused.n == 0 && resp->json)
			json_object_set_new(json_object_get(resp->json, "error"),
			    "details", json_pack("{s:I}", "line",
			    (json_int_t)res.line));
	} else {
		resp->status = 200;
		resp->json = result_json(&res);
	}
	conflicts_free(&refused);
	import_result_free(&res);
}

const struct api_route api_import_routes[] = {
	{ "POST",	"import",	API_ADMIN | API_ORGANIZER, import,
	    "a location manager cannot import events; an organizer or admin "
	    "can" },
	{ NULL, NULL, 0, NULL, NULL }
};

/*
 * /api/v1/outbox: the mail the daemon will send or has sent, for the
 * admin only: list (by status), show one, and retry a failed one now.
 */
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/outbox.h"
#include "hersteld/store.h"

static json_t *
row_json(const struct outbox_row *o)
{
	const char *tz = conf_current()->timezone;

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:o, "
	    "s:o, s:o}",
	    "id", (json_int_t)o->id, "kind", o->kind, "status", o->status,
	    "recipient", o->recipient, "subject", o->subject,
	    "due", api_time(o->due, tz),
	    "next_attempt", strcmp(o->status, "pending") == 0 ?
	    api_time(o->next_attempt, tz) : json_null(),
	    "sent", o->sent ? api_time(o->sent, tz) : json_null(),
	    "attempts", o->attempts,
	    "last_error", o->last_error[0] ? json_string(o->last_error) :
	    json_null(),
	    "event", o->event_id ? json_integer(o->event_id) : json_null(),
	    "participant", o->participant_id ?
	    json_integer(o->participant_id) : json_null());
}

static int
push_row(const struct outbox_row *o, void *arg)
{
	json_array_append_new(arg, row_json(o));
	return 0;
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	const char *status = r->query(r->query_arg, "status");
	const char *limit = r->query(r->query_arg, "limit");
	long n = limit ? strtol(limit, NULL, 10) : 0;
	struct fault f = { 0 };
	json_t *a = json_array();

	if (outbox_list(store_db(), status, n, push_row, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static void
show(const struct api_req *r, struct api_resp *resp)
{
	struct outbox_row o;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "message", &id, resp))
		return;
	if (outbox_get(store_db(), id, &o, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = row_json(&o);
}

static void
retry(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct outbox_row o;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "message", &id, resp))
		return;
	if (outbox_retry(db, id, api_actor(r), &f) ||
	    outbox_get(db, id, &o, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = row_json(&o);
}

const struct api_route api_outbox_routes[] = {
	{ "GET",	"outbox",		API_ADMIN,	list,	NULL },
	{ "GET",	"outbox/:id",		API_ADMIN,	show,	NULL },
	{ "POST",	"outbox/:id/retry",	API_ADMIN,	retry,	NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

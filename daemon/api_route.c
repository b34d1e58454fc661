/*
 * The router of the JSON API: parse the body, split the path, find the
 * route in the api_* files' tables, refuse what the table refuses (404
 * unknown path, 405 method, 403 role), and call the route's handler.  Body
 * size is capped by the HTTP layer.  The router knows the tables; the
 * handlers know nothing of each other or of it.
 */
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/store.h"

const struct api_route *const api_route_tables[] = {
	api_backup_routes,
	api_booking_routes,
	api_cocreate_routes,
	api_event_routes,
	api_feed_routes,
	api_group_routes,
	api_import_routes,
	api_location_routes,
	api_outbox_routes,
	api_participant_routes,
	api_report_routes,
	api_signal_routes,
	api_token_routes,
	NULL
};

int
api_route_match(const char *pattern, char *const *seg, int nseg)
{
	const char *p = pattern;
	size_t n;

	for (int i = 0; i < nseg; i++) {
		if ((n = strcspn(p, "/")) == 0)
			return 0;
		if (*p != ':' && (strlen(seg[i]) != n ||
		    strncmp(p, seg[i], n) != 0))
			return 0;
		p += n;
		if (*p == '/')
			p++;
		else if (i + 1 < nseg)
			return 0;
	}
	return *p == '\0';
}

/*
 * The route for r, or NULL with the 404 or 405 in resp.  A path that
 * some route has but not with this method is a 405.
 */
static const struct api_route *
find(const struct api_req *r, const char *path, struct api_resp *resp)
{
	int known = 0;

	for (size_t t = 0; api_route_tables[t] != NULL; t++)
		for (const struct api_route *rt = api_route_tables[t];
		    rt->method != NULL; rt++) {
			if (!api_route_match(rt->pattern, r->seg, r->nseg))
				continue;
			if (strcmp(rt->method, r->method) == 0)
				return rt;
			known = 1;
		}
	if (known)
		api_error(resp, 405, "method", "%s is not allowed here",
		    r->method);
	else
		api_error(resp, 404, "not_found", "no such API path: /%.100s",
		    path);
	return NULL;
}

void
api_handle(const char *method, const char *path, const char *body,
    size_t bodylen, const struct principal *who,
    const char *(*query)(void *, const char *), void *query_arg,
    struct api_resp *resp)
{
	const struct api_route *rt;
	struct api_req r = { 0 };
	char *copy = NULL, *tok;
	json_error_t e;

	resp->status = 500;
	resp->json = NULL;
	r.method = method;
	r.who = who;
	r.query = query;
	r.query_arg = query_arg;

	if (body != NULL && bodylen > 0) {
		r.body = json_loadb(body, bodylen, JSON_REJECT_DUPLICATES, &e);
		if (r.body == NULL) {
			api_error(resp, 400, "bad_json", "malformed JSON at line "
			    "%d, column %d: %s", e.line, e.column, e.text);
			return;
		}
	}
	if ((copy = strdup(path)) == NULL) {
		api_error(resp, 500, "internal", "out of memory");
		goto done;
	}
	/*
	 * Split on '/' keeping empty segments: "locations/x/" or
	 * "rooms/a//b" must never reach another object (MHD has already
	 * decoded %2F into '/').
	 */
	tok = copy[0] == '/' ? copy + 1 : copy;
	if (*tok != '\0') {
		for (;;) {
			char *slash = strchr(tok, '/');

			if (slash)
				*slash = '\0';
			if (*tok == '\0' ||
			    r.nseg == (int)(sizeof(r.seg) / sizeof(r.seg[0]))) {
				api_error(resp, 404, "not_found", "no such API "
				    "path: %.100s", path);
				goto done;
			}
			r.seg[r.nseg++] = tok;
			if (slash == NULL)
				break;
			tok = slash + 1;
		}
	}
	if (r.nseg == 0) {
		resp->status = 200;
		resp->json = json_pack("{s:s}", "api", "hersteld v1");
		goto done;
	}
	if ((rt = find(&r, path, resp)) == NULL)
		goto done;
	if ((rt->roles & (1u << who->role)) == 0) {
		api_error(resp, 403, "forbidden", "%s", rt->denied ?
		    rt->denied : "only an admin may do this");
		goto done;
	}
	if (store_db() == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		goto done;
	}
	rt->fn(&r, resp);
done:
	if (resp->json == NULL && resp->status != 204)
		api_error(resp, 500, "internal", "internal error");
	json_decref(r.body);
	free(copy);
}

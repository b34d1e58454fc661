/*
 * /api/v1/feeds: every feed's link, in http(s):// and webcal:// form,
 * built from public_url.  The secret links of a group (events for the
 * group only) and of a location (every detail) are given only to the admin
 * and to that group's organizers or that location's managers.
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/feed.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/store.h"

static int
push(const struct feed_link *l, void *arg)
{
	const char *base = conf_current()->public_url;
	const char *rest = strstr(base, "://");
	char url[1200], webcal[1200];

	snprintf(url, sizeof(url), "%s%s", base, l->path);
	snprintf(webcal, sizeof(webcal), "webcal://%s%s", rest ? rest + 3 :
	    base, l->path);
	/* webcal:// is for subscribing to calendars, not free/busy files. */
	json_array_append_new(arg, json_pack("{s:s, s:s, s:o}", "name", l->name,
	    "url", url, "webcal", strstr(l->path, ".ics") ? json_string(webcal) :
	    json_null()));
	return 0;
}

static void
links(const struct api_req *r, struct api_resp *resp)
{
	const char *group = r->query(r->query_arg, "group");
	const char *location = r->query(r->query_arg, "location");
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	json_t *a;

	if (group && r->who->role != ROLE_ADMIN) {
		struct group g;

		if (group_get(db, group, &g, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (r->who->role != ROLE_ORGANIZER || r->who->group_id != g.id) {
			api_error(resp, 403, "forbidden", "only an admin or this "
			    "group's organizers get its secret feed link");
			return;
		}
	}
	if (location && r->who->role != ROLE_ADMIN) {
		struct location l;

		if (location_get(db, location, &l, &f)) {
			api_fault(resp, &f);
			return;
		}
		if (r->who->role != ROLE_LOCATION_MANAGER ||
		    r->who->location_id != l.id) {
			api_error(resp, 403, "forbidden", "only an admin or this "
			    "location's managers get its full-detail links");
			return;
		}
	}
	a = json_array();
	if (feed_links(db, group, location, push, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

/*
 * POST feeds/rotate {group | location}: a new secret key, so that every
 * secret link of that group or location changes; the old links answer
 * that they were replaced.  The answer is the new links.
 */
static void
rotate(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	const char *group = NULL, *location = NULL;
	struct fault f = { 0 };
	struct group g;
	struct location l;
	json_t *a;

	if (api_unpack(r, resp, "{s?s, s?s}", "group", &group, "location",
	    &location))
		return;
	if ((group == NULL) == (location == NULL)) {
		api_error(resp, 422, "invalid", "give a group or a location, one "
		    "of them");
		return;
	}
	if (group ? group_get(db, group, &g, &f) :
	    location_get(db, location, &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (r->who->role != ROLE_ADMIN && (group ?
	    (r->who->role != ROLE_ORGANIZER || r->who->group_id != g.id) :
	    (r->who->role != ROLE_LOCATION_MANAGER ||
	    r->who->location_id != l.id))) {
		api_error(resp, 403, "forbidden", group ? "only an admin or this "
		    "group's organizers may replace its secret feed link" :
		    "only an admin or this location's managers may replace "
		    "its secret feed links");
		return;
	}
	if (store_begin_f(db, &f))
		goto fail;
	if (store_rotate_feed_key(db, group ? "grp" : "location", group ?
	    g.id : l.id)) {
		store_fault(&f, db);
		store_rollback(db);
		goto fail;
	}
	/* The audit says that a key changed, never the key. */
	if (store_finish(db, api_actor(r), "feed.rotate", group ? g.slug :
	    l.slug, group ? "group" : "location", &f))
		goto fail;
	a = json_array();
	if (feed_links(db, group ? g.slug : NULL, group ? NULL : l.slug, push,
	    a, &f)) {
		json_decref(a);
		goto fail;
	}
	resp->status = 200;
	resp->json = a;
	return;
fail:
	api_fault(resp, &f);
}

const struct api_route api_feed_routes[] = {
	{ "GET",	"feeds",	API_ANYONE,	links,	NULL },
	{ "POST",	"feeds/rotate",	API_ADMIN | API_ORGANIZER | API_MANAGER,
	    rotate, "only an admin, a group's organizers or a location's "
	    "managers may replace secret feed links" },
	{ NULL, NULL, 0, NULL, NULL }
};

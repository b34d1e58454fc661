/*
 * /api/v1/groups.  Reading is open to every caller; an admin may change
 * everything, an organizer only its own group's details, and never whether
 * the group is anonymous (that protects its participants).  The route
 * table at the end says who may call what.
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"

static json_t *
group_json(const struct group *g)
{
	const char *tz = conf_current()->timezone;

	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:o, s:o}",
	    "id", (json_int_t)g->id, "slug", g->slug, "name", g->name,
	    "kind", g->kind,
	    "email", g->email[0] ? json_string(g->email) : json_null(),
	    "anonymous", g->anonymous, "page", g->page,
	    "created", api_time(g->created, tz),
	    "modified", api_time(g->modified, tz));
}

static int
group_push(const struct group *g, void *arg)
{
	json_array_append_new(arg, group_json(g));
	return 0;
}

static void
group_answer(struct api_resp *resp, sqlite3 *db, const char *slug,
    unsigned int status)
{
	struct group g;
	struct fault f = { 0 };

	if (group_get(db, slug, &g, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = group_json(&g);
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	(void)r;
	if (group_list(store_db(), group_push, a, &f)) {
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
	sqlite3 *db = store_db();
	struct group_in in = { .anonymous = -1 };
	struct fault f = { 0 };
	json_t *email = NULL;
	int64_t id;

	if (api_unpack(r, resp, "{s:s, s:s, s?s, s?o, s?b}",
	    "slug", &in.slug, "name", &in.name, "kind", &in.kind,
	    "email", &email, "anonymous", &in.anonymous) ||
	    api_email_arg(email, &in.email, resp))
		return;
	if (group_add(db, &in, api_actor(r), &id, &f)) {
		api_fault(resp, &f);
		return;
	}
	group_answer(resp, db, in.slug, 201);
}

static void
show(const struct api_req *r, struct api_resp *resp)
{
	group_answer(resp, store_db(), r->seg[1], 200);
}

/* An organizer changes its own group's details, never its anonymity. */
static void
edit(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct group_in in = { .anonymous = -1 };
	struct group g;
	struct fault f = { 0 };
	json_t *email = NULL;

	if (group_get(db, r->seg[1], &g, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (r->who->role != ROLE_ADMIN && r->who->group_id != g.id) {
		api_error(resp, 403, "forbidden", "only an admin or this "
		    "group's organizer may change group %s", g.slug);
		return;
	}
	if (api_unpack(r, resp, "{s?s, s?s, s?s, s?o, s?b}",
	    "slug", &in.slug, "name", &in.name, "kind", &in.kind,
	    "email", &email, "anonymous", &in.anonymous) ||
	    api_email_arg(email, &in.email, resp))
		return;
	if (in.anonymous >= 0 && r->who->role != ROLE_ADMIN) {
		api_error(resp, 403, "forbidden", "only an admin may "
		    "change whether a group is anonymous");
		return;
	}
	if (group_edit(db, r->seg[1], &in, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	group_answer(resp, db, r->seg[1], 200);
}

static void
remove_(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };

	if (schedule_group_remove(store_db(), r->seg[1], api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:s}", "removed", r->seg[1]);
}

/*
 * POST: a new secret page for the group (the old link stops working);
 * the answer holds its address, which is shown this once.  DELETE: the
 * page goes.  The admin, or the group's own organizer.
 */
static void
page(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct group g;
	struct fault f = { 0 };
	char key[GROUP_PAGE_KEY_LEN + 1], url[1024];
	int on = strcmp(r->method, "POST") == 0;

	if (group_get(db, r->seg[1], &g, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (r->who->role != ROLE_ADMIN && r->who->group_id != g.id) {
		api_error(resp, 403, "forbidden", "only an admin or this "
		    "group's organizer may change the page of group %s", g.slug);
		return;
	}
	if (group_page_set(db, g.slug, on, api_actor(r), key, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	if (!on) {
		resp->json = json_pack("{s:s, s:b}", "slug", g.slug, "page", 0);
		return;
	}
	snprintf(url, sizeof(url), "%s/g/%s/%s", conf_current()->public_url,
	    g.slug, key);
	resp->json = json_pack("{s:s, s:b, s:s}", "slug", g.slug, "page", 1,
	    "url", url);
}

const struct api_route api_group_routes[] = {
	{ "GET",	"groups",	API_ANYONE,	list,	NULL },
	{ "POST",	"groups",	API_ADMIN,	add,	NULL },
	{ "GET",	"groups/:slug",	API_ANYONE,	show,	NULL },
	{ "PATCH",	"groups/:slug",	API_ADMIN | API_ORGANIZER, edit,
	    "only an admin or the group's organizer may change a group" },
	{ "DELETE",	"groups/:slug",	API_ADMIN,	remove_, NULL },
	{ "POST",	"groups/:slug/page", API_ADMIN | API_ORGANIZER, page,
	    "only an admin or the group's organizer may change its page" },
	{ "DELETE",	"groups/:slug/page", API_ADMIN | API_ORGANIZER, page,
	    "only an admin or the group's organizer may change its page" },
	{ NULL, NULL, 0, NULL, NULL }
};

/*
 * /api/v1/tokens: admin only (the route table at the end).  The secret of a new token appears in the
 * answer to its POST and nowhere else: listings carry neither secret nor
 * hash.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/store.h"

static json_t *
token_json(const struct token *t)
{
	const char *tz = conf_current()->timezone;

	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)t->id, "name", t->name, "role", t->role,
	    "group", t->group[0] ? json_string(t->group) : json_null(),
	    "location", t->location[0] ? json_string(t->location) : json_null(),
	    "created", api_time(t->created, tz),
	    "revoked", t->revoked ? api_time(t->revoked, tz) : json_null());
}

static int
token_push(const struct token *t, void *arg)
{
	json_array_append_new(arg, token_json(t));
	return 0;
}

/* An optional slug field: a string, or null for none; 0 or -1 with a 422. */
static int
opt_str(json_t *v, const char *field, const char **out, struct api_resp *resp)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		api_error(resp, 422, "invalid", "bad request field: %s must be "
		    "a string or null", field);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	(void)r;
	if (token_list(store_db(), token_push, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = a;
}

static void
create(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	const char *role = NULL, *name = NULL, *group = NULL, *location = NULL;
	json_t *jg = NULL, *jl = NULL, *j;
	char secret[TOKEN_SECRET_LEN + 1];
	struct token t;
	struct fault f = { 0 };
	int64_t id;

	if (api_unpack(r, resp, "{s:s, s:s, s?o, s?o}", "role", &role,
	    "name", &name, "group", &jg, "location", &jl) ||
	    opt_str(jg, "group", &group, resp) ||
	    opt_str(jl, "location", &location, resp))
		return;
	if (token_create(db, role, group, location, name, api_actor(r),
	    &id, secret, &f) || token_get(db, id, &t, &f)) {
		api_fault(resp, &f);
		return;
	}
	/* Only here, once: the answer to the call that made it. */
	if ((j = token_json(&t)) != NULL) {
		json_object_del(j, "revoked");
		json_object_set_new(j, "token", json_string(secret));
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	resp->status = 201;
	resp->json = j;
}

static void
show(const struct api_req *r, struct api_resp *resp)
{
	struct token t;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "token", &id, resp))
		return;
	if (token_get(store_db(), id, &t, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = token_json(&t);
}

static void
revoke(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "token", &id, resp))
		return;
	if (token_revoke(store_db(), id, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I}", "revoked", (json_int_t)id);
}

const struct api_route api_token_routes[] = {
	{ "GET",	"tokens",	API_ADMIN,	list,	NULL },
	{ "POST",	"tokens",	API_ADMIN,	create,	NULL },
	{ "GET",	"tokens/:id",	API_ADMIN,	show,	NULL },
	{ "DELETE",	"tokens/:id",	API_ADMIN,	revoke,	NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

/*
 * /api/v1/participants.  The people side of an event (events/ID/register,
 * ...) is in api_event.c.
 *
 * Participants are personal data.  The admin manages them; an organizer
 * may add a person and register them for its own group's sessions, but
 * never list or look up people: it may name only the people its group
 * added or can already see among its sessions' attendees
 * (participant_known), and adding an address answers the same whether
 * or not it was known.  Attendees of an anonymous group's
 * session are counts, for every role.  The route table at the end says
 * who may call what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/participant.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"

static json_t *
participant_json(sqlite3 *db, const struct participant *p)
{
	const struct conf *c = conf_current();
	char feed[512], follows[1024];
	struct fault f = { 0 };
	json_t *j, *a = json_array();

	snprintf(feed, sizeof(feed), "%s/feeds/personal/%s.ics", c->public_url,
	    p->feed_token);
	if (participant_follows(db, p->id, follows, sizeof(follows), &f) == 0)
		json_decref(a), a = api_tags(follows);
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)p->id, "email", p->email, "name", p->name,
	    "lang", p->lang, "remind", p->leads_text, "quiet", p->quiet_text,
	    "feed", feed,
	    "unsubscribed", p->unsubscribed ? api_time(p->unsubscribed,
	    c->timezone) : json_null(),
	    "follows", a, "created", api_time(p->created, c->timezone));
	return j;
}

static int
push_participant(const struct participant *p, void *arg)
{
	json_array_append_new(arg, participant_json(store_db(), p));
	return 0;
}

static void
answer(struct api_resp *resp, sqlite3 *db, const char *ref, unsigned int st)
{
	struct participant p;
	struct fault f = { 0 };

	if (participant_get(db, ref, &p, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = st;
	resp->json = participant_json(db, &p);
}

static void
add(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct participant_in in = { 0 };
	struct fault f = { 0 };
	char ref[32];
	int64_t id;

	if (api_unpack(r, resp, "{s:s, s?s, s?s, s?s, s?s}",
	    "email", &in.email, "name", &in.name, "lang", &in.lang,
	    "remind", &in.remind, "quiet", &in.quiet))
		return;
	if (participant_add(db, &in, api_people_group(r), api_actor(r), &id,
	    &f)) {
		api_fault(resp, &f);
		return;
	}
	/*
	 * An organizer gets back what it sent, the same for a new
	 * address and a known one (ids are sequential, so not even
	 * the id): it names the person by address from now on.
	 */
	if (r->who->role != ROLE_ADMIN) {
		resp->status = 201;
		resp->json = json_pack("{s:s}", "email", in.email);
		return;
	}
	snprintf(ref, sizeof(ref), "%lld", (long long)id);
	answer(resp, db, ref, 201);
}

static void
list(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	(void)r;
	if (participant_list(store_db(), push_participant, a, &f)) {
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
	answer(resp, store_db(), r->seg[1], 200);
}

static void
edit(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct participant_in in = { 0 };
	struct participant p;
	struct fault f = { 0 };
	char ref[32];

	if (api_unpack(r, resp, "{s?s, s?s, s?s, s?s, s?s, s?b}",
	    "email", &in.email, "name", &in.name, "lang", &in.lang,
	    "remind", &in.remind, "quiet", &in.quiet,
	    "resubscribe", &in.resubscribe))
		return;
	if (participant_get(db, r->seg[1], &p, &f) ||
	    schedule_participant_edit(db, r->seg[1], &in, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	snprintf(ref, sizeof(ref), "%lld", (long long)p.id);
	answer(resp, db, ref, 200);
}

static void
forget(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct participant p;
	struct fault f = { 0 };

	if (participant_get(db, r->seg[1], &p, &f) ||
	    schedule_participant_forget(db, r->seg[1], api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:I}", "forgotten", (json_int_t)p.id);
}

/* POST follows a group, DELETE stops following it. */
static void
follow(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	const char *group = NULL;
	int on = strcmp(r->method, "POST") == 0;

	if (api_unpack(r, resp, "{s:s}", "group", &group))
		return;
	if (participant_follow(db, r->seg[1], group, on, api_actor(r), &f)) {
		api_fault(resp, &f);
		return;
	}
	answer(resp, db, r->seg[1], 200);
}

#define ADMIN_ONLY	"only an admin may look up, change or forget participants"

/* An organizer adds people it registers; nothing else here. */
const struct api_route api_participant_routes[] = {
	{ "POST",	"participants",		API_ADMIN | API_ORGANIZER, add,
	    "only an admin or an organizer may add participants" },
	{ "GET",	"participants",		API_ADMIN,	list,	ADMIN_ONLY },
	{ "GET",	"participants/:ref",	API_ADMIN,	show,	ADMIN_ONLY },
	{ "PATCH",	"participants/:ref",	API_ADMIN,	edit,	ADMIN_ONLY },
	{ "DELETE",	"participants/:ref",	API_ADMIN,	forget,	ADMIN_ONLY },
	{ "POST",	"participants/:ref/follow", API_ADMIN,	follow,	ADMIN_ONLY },
	{ "DELETE",	"participants/:ref/follow", API_ADMIN,	follow,	ADMIN_ONLY },
	{ NULL, NULL, 0, NULL, NULL }
};

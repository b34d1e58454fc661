/*
 * /api/v1/cohosts and /api/v1/topics: co-creating a session.
 *
 *   GET    cohosts/EVENT            the co-hosts
 *   POST   cohosts/EVENT {group}    add one (admin, owning organizer)
 *   DELETE cohosts/EVENT/GROUP      remove one (admin, owning organizer)
 *   GET    topics?event=ID          topics, most votes first
 *   POST   topics {event, text[, participant]}
 *   POST   topics/ID/vote {[participant]}
 *   POST   topics/ID/accept | topics/ID/reject
 *   POST   topics/ID/allow          show a web suggestion on the web
 *   POST   ideas/EVENT | DELETE ideas/EVENT   open or close a proposal
 *                                   for topics and votes on the web
 *
 * Topics are for the admin and the organizers of the owning and
 * co-hosting groups (the route table at the end; the handlers check the
 * event).  An event a caller may not see is unknown to it
 * (404); one it sees but may not shape is a 403.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/store.h"
#include "hersteld/topic.h"

static int
push_cohost(const struct cohost *c, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:o}",
	    "group", c->group, "name", c->name, "kind", c->kind,
	    "since", api_time(c->since, conf_current()->timezone)));
	return 0;
}

static void
answer_cohosts(struct api_resp *resp, int64_t id, unsigned int status)
{
	struct fault f = { 0 };
	json_t *a = json_array();

	if (cohost_list(store_db(), id, push_cohost, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = a;
}

static void
cohost_list_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	int64_t id;

	/* Whoever sees the event sees who hosts it. */
	if (api_id(r->seg[1], "event", &id, resp) ||
	    (ev = api_event_for(r, resp, id, STANDING_NONE, "see it")) == NULL)
		return;
	answer_cohosts(resp, id, 200);
	event_free(ev);
}

static void
cohost_add_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *group = NULL;
	int64_t id;

	if (api_id(r->seg[1], "event", &id, resp) ||
	    api_unpack(r, resp, "{s:s}", "group", &group) ||
	    (ev = api_event_for(r, resp, id, STANDING_OWNER,
	    "choose its co-hosts")) == NULL)
		return;
	if (cohost_add(store_db(), id, group, api_actor(r), &f))
		api_fault(resp, &f);
	else
		answer_cohosts(resp, id, 201);
	event_free(ev);
}

static void
cohost_remove_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	int64_t id;

	if (api_id(r->seg[1], "event", &id, resp) ||
	    (ev = api_event_for(r, resp, id, STANDING_OWNER,
	    "choose its co-hosts")) == NULL)
		return;
	if (cohost_remove(store_db(), id, r->seg[2], api_actor(r), &f))
		api_fault(resp, &f);
	else
		answer_cohosts(resp, id, 200);
	event_free(ev);
}

static json_t *
topic_json(const struct topic *t)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:b, s:s, s:o}",
	    "id", (json_int_t)t->id, "event", (json_int_t)t->event_id,
	    "text", t->text, "status", t->status, "votes", (json_int_t)t->votes,
	    "shown", t->shown,
	    "from", t->by_participant ? "participant" : "organizer",
	    "created", api_time(t->created, conf_current()->timezone));
}

static int
push_topic(const struct topic *t, void *arg)
{
	json_array_append_new(arg, topic_json(t));
	return 0;
}

static void
answer_topic(struct api_resp *resp, int64_t id, unsigned int status)
{
	struct fault f = { 0 };
	struct topic t;

	if (topic_get(store_db(), id, &t, &f)) {
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = topic_json(&t);
}

static void
topic_list_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *q;
	int64_t id;
	json_t *a;

	if ((q = r->query(r->query_arg, "event")) == NULL) {
		api_error(resp, 422, "invalid", "which event? give event=ID");
		return;
	}
	if (api_id(q, "event", &id, resp) ||
	    (ev = api_event_for(r, resp, id, STANDING_COHOST,
	    "see its topics")) == NULL)
		return;
	a = json_array();
	if (topic_list(store_db(), id, push_topic, a, &f)) {
		json_decref(a);
		api_fault(resp, &f);
	} else {
		resp->status = 200;
		resp->json = a;
	}
	event_free(ev);
}

static void
topic_suggest_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *text = NULL, *participant = NULL;
	json_int_t event_id = 0;
	int64_t id;

	if (api_unpack(r, resp, "{s:I, s:s, s?s}", "event", &event_id,
	    "text", &text, "participant", &participant))
		return;
	if (event_id < 1) {
		api_error(resp, 404, "not_found", "unknown event %lld",
		    (long long)event_id);
		return;
	}
	if ((ev = api_event_for(r, resp, event_id, STANDING_COHOST,
	    "suggest topics for it")) == NULL)
		return;
	if (topic_suggest(store_db(), event_id, text, participant,
	    api_people_group(r), 1, api_actor(r), &id, &f))
		api_fault(resp, &f);
	else
		answer_topic(resp, id, 201);
	event_free(ev);
}

/*
 * ideas/EVENT: POST opens a proposal for topics and votes on the web,
 * DELETE closes it.
 */
static void
ideas(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	int64_t id;
	int on = strcmp(r->method, "POST") == 0;

	if (api_id(r->seg[1], "event", &id, resp) ||
	    (on && r->body && api_unpack(r, resp, "{}")) ||
	    (ev = api_event_for(r, resp, id, STANDING_COHOST,
	    "open it for ideas")) == NULL)
		return;
	if (topic_ideas(store_db(), id, on, api_actor(r), &f))
		api_fault(resp, &f);
	else {
		resp->status = 200;
		resp->json = json_pack("{s:I, s:b}", "event", (json_int_t)id,
		    "ideas", on);
	}
	event_free(ev);
}

/* topics/ID/vote, accept, reject, allow: the path's last segment. */
static void
topic_act(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event *ev;
	struct fault f = { 0 };
	struct topic t;
	const char *participant = NULL;
	int vote = strcmp(r->seg[2], "vote") == 0;
	int allow = strcmp(r->seg[2], "allow") == 0;
	int64_t id;

	if (api_id(r->seg[1], "topic", &id, resp))
		return;
	if (vote && r->body && api_unpack(r, resp, "{s?s}",
	    "participant", &participant))
		return;
	if (!vote && r->body && api_unpack(r, resp, "{}"))
		return;
	if (topic_get(db, id, &t, &f)) {
		api_fault(resp, &f);
		return;
	}
	if ((ev = api_event_for(r, resp, t.event_id, STANDING_COHOST,
	    vote ? "vote on its topics" : "decide on its topics")) == NULL)
		return;
	if (vote ? topic_vote(db, id, participant, api_people_group(r),
	    api_actor(r), &f) : allow ? topic_allow(db, id, api_actor(r), &f) :
	    topic_decide(db, id, r->seg[2][1] == 'c' ? "accepted" :
	    "rejected", api_actor(r), &f))
		api_fault(resp, &f);
	else
		answer_topic(resp, id, 200);
	event_free(ev);
}

#define HOSTS	(API_ADMIN | API_ORGANIZER)
#define HOSTS_ONLY \
	"only an admin or the organizers of an event's groups may do this"

const struct api_route api_cocreate_routes[] = {
	{ "GET",	"cohosts/:event",	API_ANYONE,	cohost_list_,
	    NULL },
	{ "POST",	"cohosts/:event",	HOSTS,		cohost_add_,
	    "only an admin or the organizers of an event's group may choose "
	    "its co-hosts" },
	{ "DELETE",	"cohosts/:event/:group", HOSTS,		cohost_remove_,
	    "only an admin or the organizers of an event's group may choose "
	    "its co-hosts" },
	{ "GET",	"topics",		HOSTS,		topic_list_,
	    HOSTS_ONLY },
	{ "POST",	"topics",		HOSTS,		topic_suggest_,
	    HOSTS_ONLY },
	{ "POST",	"topics/:id/vote",	HOSTS,		topic_act,
	    HOSTS_ONLY },
	{ "POST",	"topics/:id/accept",	HOSTS,		topic_act,
	    HOSTS_ONLY },
	{ "POST",	"topics/:id/reject",	HOSTS,		topic_act,
	    HOSTS_ONLY },
	{ "POST",	"topics/:id/allow",	HOSTS,		topic_act,
	    HOSTS_ONLY },
	{ "POST",	"ideas/:event",		HOSTS,		ideas,
	    HOSTS_ONLY },
	{ "DELETE",	"ideas/:event",		HOSTS,		ideas,
	    HOSTS_ONLY },
	{ NULL, NULL, 0, NULL, NULL }
};

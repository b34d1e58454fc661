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
 *
 * Topics are for the admin and the organizers of the owning and
 * co-hosting groups.  An event a caller may not see is unknown to it
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

struct event *
api_event_for(const struct api_req *r, struct api_resp *resp, int64_t id,
    int need, const char *doing)
{
	sqlite3 *db = store_db();
	struct event_scope scope = { 0 };
	struct fault f = { 0 };
	struct event *ev;
	int64_t *cohosted = NULL;
	enum standing s;

	if ((ev = event_get(db, id, &f)) == NULL) {
		api_fault(resp, &f);
		return NULL;
	}
	s = cohost_standing(db, ev, r->who);
	if (need > STANDING_NONE && (int)s >= need)
		return ev;
	scope.all = r->who->role == ROLE_ADMIN;
	if (r->who->role == ROLE_ORGANIZER) {
		scope.group_id = r->who->group_id;
		if (cohost_events(db, r->who->group_id, &cohosted,
		    &scope.ncohosted) == 0)
			scope.cohosted = cohosted;
	}
	if (r->who->role == ROLE_LOCATION_MANAGER)
		scope.location_id = r->who->location_id;
	if (!event_visible(ev, &scope))
		api_error(resp, 404, "not_found", "unknown event %lld",
		    (long long)id);
	else if (need == STANDING_NONE) {
		free(cohosted);
		return ev;
	} else
		api_error(resp, 403, "forbidden", "only an admin or the "
		    "organizers of event %lld's group%s may %s",
		    (long long)id, need <= STANDING_COHOST ? " and its co-hosts" :
		    "", doing);
	free(cohosted);
	event_free(ev);
	return NULL;
}

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

void
api_cohosts(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event *ev = NULL;
	struct fault f = { 0 };
	const char *group = NULL;
	int64_t id;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg < 2 || r->nseg > 3) {
		api_error(resp, 404, "not_found", "no such API path");
		return;
	}
	if (api_id(r->seg[1], "event", &id, resp))
		return;
	if (r->nseg == 2 && strcmp(r->method, "GET") == 0) {
		/* Whoever sees the event sees who hosts it. */
		if ((ev = api_event_for(r, resp, id, STANDING_NONE,
		    "see it")) == NULL)
			return;
		answer_cohosts(resp, id, 200);
	} else if (r->nseg == 2 && strcmp(r->method, "POST") == 0) {
		if (api_unpack(r, resp, "{s:s}", "group", &group) ||
		    (ev = api_event_for(r, resp, id, STANDING_OWNER,
		    "choose its co-hosts")) == NULL)
			return;
		if (cohost_add(db, id, group, api_actor(r), &f)) {
			api_fault(resp, &f);
			goto done;
		}
		answer_cohosts(resp, id, 201);
	} else if (r->nseg == 3 && strcmp(r->method, "DELETE") == 0) {
		if ((ev = api_event_for(r, resp, id, STANDING_OWNER,
		    "choose its co-hosts")) == NULL)
			return;
		if (cohost_remove(db, id, r->seg[2], api_actor(r), &f)) {
			api_fault(resp, &f);
			goto done;
		}
		answer_cohosts(resp, id, 200);
	} else
		api_error(resp, 405, "method", "%s is not allowed here", r->method);
done:
	event_free(ev);
}

static json_t *
topic_json(const struct topic *t)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o}",
	    "id", (json_int_t)t->id, "event", (json_int_t)t->event_id,
	    "text", t->text, "status", t->status, "votes", (json_int_t)t->votes,
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

void
api_topics(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct event *ev = NULL;
	struct fault f = { 0 };
	struct topic t;
	const char *text = NULL, *participant = NULL, *q;
	json_int_t event_id = 0;
	int64_t id;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
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
		if (topic_list(db, id, push_topic, a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
		} else {
			resp->status = 200;
			resp->json = a;
		}
	} else if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
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
		if (topic_suggest(db, event_id, text, participant, api_actor(r),
		    &id, &f)) {
			api_fault(resp, &f);
			goto done;
		}
		answer_topic(resp, id, 201);
	} else if (r->nseg == 3 && strcmp(r->method, "POST") == 0) {
		int vote = strcmp(r->seg[2], "vote") == 0;

		if (!vote && strcmp(r->seg[2], "accept") &&
		    strcmp(r->seg[2], "reject")) {
			api_error(resp, 404, "not_found", "no such API path");
			return;
		}
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
		if (vote ? topic_vote(db, id, participant, api_actor(r), &f) :
		    topic_decide(db, id, r->seg[2][0] == 'a' ? "accepted" :
		    "rejected", api_actor(r), &f)) {
			api_fault(resp, &f);
			goto done;
		}
		answer_topic(resp, id, 200);
	} else
		api_error(resp, r->nseg > 3 ? 404 : 405, r->nseg > 3 ?
		    "not_found" : "method", "%s is not allowed here", r->method);
done:
	event_free(ev);
}

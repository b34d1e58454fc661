/*
 * /api/v1/participants, /api/v1/outbox, and the people side of an event:
 * events/ID/register, unregister, attendees and followup.
 *
 * Participants are personal data.  The admin manages them; an organizer
 * may add a person and register them for its own group's sessions, but
 * never list or look up people: it may name only the people its group
 * added or can already see among its sessions' attendees
 * (participant_known), and adding an address answers the same whether
 * or not it was known.  Attendees of an anonymous group's
 * session are counts, for every role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/attendance.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/outbox.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

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

/* The group whose people an organizer may name; 0: anyone (admin). */
static int64_t
group_of(const struct api_req *r)
{
	return r->who->role == ROLE_ADMIN ? 0 : r->who->group_id;
}

void
api_participants(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct participant_in in = { 0 };
	struct fault f = { 0 };
	char ref[32];
	int64_t id;

	if (db == NULL) {
		api_error(resp, 500, "internal", "database unavailable");
		return;
	}
	/* An organizer adds people it registers; nothing else here. */
	if (r->nseg == 1 && strcmp(r->method, "POST") == 0) {
		if (r->who->role == ROLE_LOCATION_MANAGER) {
			api_error(resp, 403, "forbidden", "only an admin or an "
			    "organizer may add participants");
			return;
		}
		if (api_unpack(r, resp, "{s:s, s?s, s?s, s?s, s?s}",
		    "email", &in.email, "name", &in.name, "lang", &in.lang,
		    "remind", &in.remind, "quiet", &in.quiet))
			return;
		if (participant_add(db, &in, group_of(r), api_actor(r), &id,
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
		return;
	}
	if (r->who->role != ROLE_ADMIN) {
		api_error(resp, 403, "forbidden", "only an admin may look up, "
		    "change or forget participants");
		return;
	}
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		json_t *a = json_array();

		if (participant_list(db, push_participant, a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 2 && strcmp(r->method, "GET") == 0) {
		answer(resp, db, r->seg[1], 200);
	} else if (r->nseg == 2 && strcmp(r->method, "PATCH") == 0) {
		struct participant p;

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
	} else if (r->nseg == 2 && strcmp(r->method, "DELETE") == 0) {
		struct participant p;

		if (participant_get(db, r->seg[1], &p, &f) ||
		    schedule_participant_forget(db, r->seg[1], api_actor(r), &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = json_pack("{s:I}", "forgotten", (json_int_t)p.id);
	} else if (r->nseg == 3 && (strcmp(r->method, "POST") == 0 ||
	    strcmp(r->method, "DELETE") == 0) &&
	    strcmp(r->seg[2], "follow") == 0) {
		const char *group = NULL;
		int on = strcmp(r->method, "POST") == 0;

		if (api_unpack(r, resp, "{s:s}", "group", &group))
			return;
		if (participant_follow(db, r->seg[1], group, on, api_actor(r),
		    &f)) {
			api_fault(resp, &f);
			return;
		}
		answer(resp, db, r->seg[1], 200);
	} else
		api_error(resp, 405, "method", "%s is not allowed here",
		    r->method);
}

/* ---- the people of one event ---- */

struct people {
	json_t		*a;
	icaltimezone	*zone;
};

static int
push_attendee(const struct attendee *at, void *arg)
{
	struct people *pp = arg;
	char day[16];

	if (at->occurrence)
		when_format_date(at->occurrence, pp->zone, day);
	json_array_append_new(pp->a, json_pack("{s:I, s:s, s:s, s:s, s:o}",
	    "participant", (json_int_t)at->participant_id, "email", at->email,
	    "name", at->name, "status", at->status,
	    "occurrence", at->occurrence ? json_string(day) : json_null()));
	return 0;
}

void
api_event_people(const struct api_req *r, struct api_resp *resp,
    const struct event *ev)
{
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	const char *who = NULL, *occ = NULL, *notes = NULL;
	const char *verb = r->seg[2];

	if (strcmp(verb, "attendees") == 0 && strcmp(r->method, "GET") == 0) {
		struct reg_counts n;
		struct people pp = { json_array(), ev->zone };

		occ = r->query(r->query_arg, "occurrence");
		if (reg_attendees(db, ev->id, occ, push_attendee, &pp, &n,
		    &f)) {
			json_decref(pp.a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = json_pack("{s:I, s:o, s:i, s:i, s:o, s:b, s:o}",
		    "event", (json_int_t)ev->id,
		    "occurrence", occ ? json_string(occ) : json_null(),
		    "going", (int)n.going, "waitlist", (int)n.waitlist,
		    "capacity", n.capacity ? json_integer(n.capacity) :
		    json_null(), "anonymous", n.anonymous,
		    "attendees", n.anonymous ? (json_decref(pp.a),
		    json_null()) : pp.a);
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		api_error(resp, 405, "method", "%s is not allowed here",
		    r->method);
		return;
	}
	if (strcmp(verb, "register") == 0 || strcmp(verb, "unregister") == 0) {
		struct reg_result res;
		int reg = strcmp(verb, "register") == 0;

		if (api_unpack(r, resp, "{s:s, s?s}", "participant", &who,
		    "occurrence", &occ))
			return;
		if (reg ? reg_register(db, ev->id, who, occ, group_of(r),
		    api_actor(r), &res, &f) : reg_unregister(db, ev->id, who,
		    occ, group_of(r), api_actor(r), &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = reg ? json_pack("{s:I, s:I, s:s, s:b}",
		    "registration", (json_int_t)res.id, "event",
		    (json_int_t)ev->id, "status", res.status, "mailed",
		    res.mailed > 0) : json_pack("{s:I, s:s}", "event",
		    (json_int_t)ev->id, "status", "unregistered");
		return;
	}
	if (strcmp(verb, "checkin") == 0) {
		long n;

		if (api_unpack(r, resp, "{s:s, s?s}", "participant", &who,
		    "occurrence", &occ))
			return;
		if (attendance_checkin(db, ev->id, occ, who, group_of(r),
		    api_actor(r), &n, &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = json_pack("{s:I, s:o, s:i}", "event",
		    (json_int_t)ev->id, "occurrence", occ ? json_string(occ) :
		    json_null(), "count", (int)n);
		return;
	}
	if (strcmp(verb, "followup") == 0) {
		long n;

		if (api_unpack(r, resp, "{s:s, s?s}", "notes", &notes,
		    "occurrence", &occ))
			return;
		if (reg_followup(db, ev->id, occ, notes, api_actor(r), &n, &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = json_pack("{s:I, s:i}", "event", (json_int_t)ev->id,
		    "queued", (int)n);
		return;
	}
	api_error(resp, 404, "not_found", "no such API path");
}

/* ---- the outbox ---- */

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

void
api_outbox(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	struct outbox_row o;
	struct fault f = { 0 };
	int64_t id;

	if (api_need_admin(r, resp))
		return;
	if (r->nseg == 1 && strcmp(r->method, "GET") == 0) {
		const char *status = r->query(r->query_arg, "status");
		const char *limit = r->query(r->query_arg, "limit");
		long n = limit ? strtol(limit, NULL, 10) : 0;
		json_t *a = json_array();

		if (outbox_list(db, status, n, push_row, a, &f)) {
			json_decref(a);
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = a;
	} else if (r->nseg == 2 && strcmp(r->method, "GET") == 0) {
		if (api_id(r->seg[1], "message", &id, resp))
			return;
		if (outbox_get(db, id, &o, &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = row_json(&o);
	} else if (r->nseg == 3 && strcmp(r->method, "POST") == 0 &&
	    strcmp(r->seg[2], "retry") == 0) {
		if (api_id(r->seg[1], "message", &id, resp))
			return;
		if (outbox_retry(db, id, api_actor(r), &f) ||
		    outbox_get(db, id, &o, &f)) {
			api_fault(resp, &f);
			return;
		}
		resp->status = 200;
		resp->json = row_json(&o);
	} else
		api_error(resp, 405, "method", "%s is not allowed here",
		    r->method);
}

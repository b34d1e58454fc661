/*
 * Topics of a session in the making: suggestions, one vote per voter,
 * accept or reject, and the "Onderwerpen" paragraph that publishing adds
 * to the description.  Each write is one transaction with its audit row;
 * the audit never names the participant a vote or suggestion came from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/participant.h"
#include "hersteld/store.h"
#include "hersteld/topic.h"

int
topic_open(const struct event *ev, time_t now, struct fault *f)
{
	time_t last_end = ev->rrule[0] ? ev->span_end : ev->end;

	if (strcmp(ev->status, "cancelled") == 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is cancelled; it "
		    "takes no more topics", (long long)ev->id);
	if (strcmp(ev->status, "published") == 0 && last_end != 0 &&
	    last_end <= now)
		return fault_set(f, FAULT_CONFLICT, "event %lld has already taken "
		    "place; it takes no more topics", (long long)ev->id);
	return 0;
}

/*
 * A participant named by id or email address, as an organizer of group_id
 * may name people (0: the admin); 0 and *id, or -1.
 */
static int
participant_id(sqlite3 *db, const char *p, int64_t group_id, int64_t *id,
    struct fault *f)
{
	struct participant who;

	if (text_check(f, "--participant", p, 254, 1, 0) ||
	    participant_get_for(db, p, group_id, &who, f))
		return -1;
	*id = who.id;
	return 0;
}

int
topic_suggest(sqlite3 *db, int64_t event_id, const char *text,
    const char *participant, int64_t group_id, int shown, const char *actor,
    int64_t *id, struct fault *f)
{
	struct event *ev = NULL;
	sqlite3_stmt *st;
	int64_t pid = 0;
	char object[32];
	time_t now = clock_now();
	int rc;

	if (text_check(f, "the topic", text, TOPIC_MAX_CHARS, 1, 0))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, event_id, f)) == NULL ||
	    topic_open(ev, now, f) ||
	    (participant && participant_id(db, participant, group_id, &pid, f)))
		goto fail;
	if ((st = store_prepare(db, "INSERT INTO topic (event_id, text, "
	    "participant_id, created, modified, shown) VALUES (?1, ?2, ?3, ?4, "
	    "?4, ?5)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	store_bind_text(st, 2, text);
	if (pid)
		sqlite3_bind_int64(st, 3, pid);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int(st, 5, shown != 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	snprintf(object, sizeof(object), "topic %lld", (long long)*id);
	rc = store_finish(db, actor, "topic.suggest", object, ev->uid, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

static void
topic_row(sqlite3_stmt *st, void *arg)
{
	struct topic *t = arg;

	t->id = sqlite3_column_int64(st, 0);
	t->event_id = sqlite3_column_int64(st, 1);
	snprintf(t->text, sizeof(t->text), "%s", store_text(st, 2));
	snprintf(t->status, sizeof(t->status), "%s", store_text(st, 3));
	t->by_participant = sqlite3_column_type(st, 4) != SQLITE_NULL;
	t->created = sqlite3_column_int64(st, 5);
	t->votes = sqlite3_column_int64(st, 6);
	t->shown = sqlite3_column_int(st, 7);
}

#define TOPIC_COLS "t.id, t.event_id, t.text, t.status, t.participant_id, " \
	"t.created, (SELECT count(*) FROM topic_vote v WHERE v.topic_id = t.id), " \
	"t.shown FROM topic t"

int
topic_get(sqlite3 *db, int64_t id, struct topic *out, struct fault *f)
{
	return store_fetch(db, "SELECT " TOPIC_COLS " WHERE t.id = ?1", NULL, id,
	    topic_row, out, "topic", f);
}

int
topic_vote(sqlite3 *db, int64_t id, const char *participant,
    int64_t group_id, const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct topic t;
	sqlite3_stmt *st;
	int64_t pid = 0;
	char voter[300], object[32];
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if (topic_get(db, id, &t, f) ||
	    (ev = event_get(db, t.event_id, f)) == NULL ||
	    topic_open(ev, clock_now(), f) ||
	    (participant && participant_id(db, participant, group_id, &pid, f)))
		goto fail;
	if (strcmp(t.status, "rejected") == 0) {
		fault_set(f, FAULT_CONFLICT, "topic %lld was rejected; it takes "
		    "no votes", (long long)id);
		goto fail;
	}
	if (pid)
		snprintf(voter, sizeof(voter), "participant #%lld",
		    (long long)pid);
	else
		snprintf(voter, sizeof(voter), "%s", actor);
	if ((st = store_prepare(db, "INSERT INTO topic_vote (topic_id, voter, "
	    "participant_id, created) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT DO NOTHING")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, voter);
	if (pid)
		sqlite3_bind_int64(st, 3, pid);
	sqlite3_bind_int64(st, 4, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	if (sqlite3_changes(db) == 0) {
		fault_set(f, FAULT_CONFLICT, "%s already voted on topic %lld",
		    pid ? "this participant has" : "you have", (long long)id);
		goto fail;
	}
	snprintf(object, sizeof(object), "topic %lld", (long long)id);
	rc = store_finish(db, actor, "topic.vote", object,
	    pid ? "on behalf of a participant" : NULL, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
topic_decide(sqlite3 *db, int64_t id, const char *status, const char *actor,
    struct fault *f)
{
	struct event *ev = NULL;
	struct topic t;
	char object[32], action[32];
	int rc;

	if (strcmp(status, "accepted") && strcmp(status, "rejected"))
		return fault_set(f, FAULT_INVALID, "a topic is accepted or "
		    "rejected");
	if (store_begin_f(db, f))
		return -1;
	if (topic_get(db, id, &t, f) ||
	    (ev = event_get(db, t.event_id, f)) == NULL ||
	    topic_open(ev, clock_now(), f))
		goto fail;
	if (strcmp(t.status, status) == 0) {
		fault_set(f, FAULT_CONFLICT, "topic %lld is already %s",
		    (long long)id, status);
		goto fail;
	}
	if (strcmp(ev->status, "proposed") != 0) {
		fault_set(f, FAULT_CONFLICT, "event %lld is %s: its topics were "
		    "settled when it was published", (long long)ev->id,
		    ev->status);
		goto fail;
	}
	snprintf(object, sizeof(object), "topic %lld", (long long)id);
	snprintf(action, sizeof(action), "topic.%s", status[0] == 'a' ?
	    "accept" : "reject");
	if (store_exec_id(db, status[0] == 'a' ?
	    "UPDATE topic SET status = 'accepted', shown = 1, modified = "
	    "unixepoch() WHERE id = ?1" :
	    "UPDATE topic SET status = 'rejected', modified = unixepoch() "
	    "WHERE id = ?1", id)) {
		store_fault(f, db);
		goto fail;
	}
	rc = store_finish(db, actor, action, object, ev->uid, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
topic_allow(sqlite3 *db, int64_t id, const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct topic t;
	char object[32];
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if (topic_get(db, id, &t, f) ||
	    (ev = event_get(db, t.event_id, f)) == NULL ||
	    topic_open(ev, clock_now(), f))
		goto fail;
	if (t.shown) {
		fault_set(f, FAULT_CONFLICT, "topic %lld is shown already",
		    (long long)id);
		goto fail;
	}
	if (strcmp(t.status, "rejected") == 0) {
		fault_set(f, FAULT_CONFLICT, "topic %lld was rejected",
		    (long long)id);
		goto fail;
	}
	if (store_exec_id(db, "UPDATE topic SET shown = 1 WHERE id = ?1", id)) {
		store_fault(f, db);
		goto fail;
	}
	snprintf(object, sizeof(object), "topic %lld", (long long)id);
	rc = store_finish(db, actor, "topic.allow", object, ev->uid, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
topic_ideas(sqlite3 *db, int64_t event_id, int on, const char *actor,
    struct fault *f)
{
	struct event *ev = NULL;
	char object[32];
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, event_id, f)) == NULL)
		goto fail;
	if (on && strcmp(ev->status, "proposed") != 0) {
		fault_set(f, FAULT_CONFLICT, "event %lld is %s: only a proposal "
		    "takes ideas on the web", (long long)event_id, ev->status);
		goto fail;
	}
	if (ev->ideas == (on != 0)) {
		fault_set(f, FAULT_CONFLICT, "event %lld is %s for ideas "
		    "already", (long long)event_id, on ? "open" : "closed");
		goto fail;
	}
	if (store_exec_id(db, on ? "UPDATE event SET ideas = 1 WHERE id = ?1" :
	    "UPDATE event SET ideas = 0 WHERE id = ?1", event_id)) {
		store_fault(f, db);
		goto fail;
	}
	snprintf(object, sizeof(object), "event %lld", (long long)event_id);
	rc = store_finish(db, actor, on ? "event.ideas-open" :
	    "event.ideas-close", object, ev->uid, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

static int
list_where(sqlite3 *db, int64_t event_id, const char *status,
    int (*cb)(const struct topic *, void *), void *arg, struct fault *f)
{
	struct topic t;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT " TOPIC_COLS " WHERE t.event_id = ?1 "
	    "AND (?2 IS NULL OR t.status = ?2) ORDER BY 7 DESC, t.id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, event_id);
	store_bind_text(st, 2, status);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		topic_row(st, &t);
		if (cb(&t, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
topic_list(sqlite3 *db, int64_t event_id,
    int (*cb)(const struct topic *, void *), void *arg, struct fault *f)
{
	return list_where(db, event_id, NULL, cb, arg, f);
}

struct para {
	char	*buf;
	size_t	 len, cap;
	int	 n;
	int	 oom;
};

static int
add_topic(const struct topic *t, void *arg)
{
	struct para *p = arg;
	size_t need = strlen(t->text) + 3;

	if (p->len + need + 1 > p->cap) {
		size_t ncap = (p->len + need + 1) * 2;
		char *nb = realloc(p->buf, ncap);

		if (nb == NULL) {
			p->oom = 1;
			return 1;
		}
		p->buf = nb;
		p->cap = ncap;
	}
	p->len += (size_t)snprintf(p->buf + p->len, p->cap - p->len, "%s%s",
	    p->n++ ? "; " : "", t->text);
	return 0;
}

int
topic_publish(sqlite3 *db, const struct event *ev, struct fault *f)
{
	struct para p = { 0 };
	char *desc = NULL;
	size_t dlen;
	int ret = -1;

	if (list_where(db, ev->id, "accepted", add_topic, &p, f))
		goto done;
	if (p.oom) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	if (p.n == 0) {
		ret = 0;
		goto done;
	}
	dlen = strlen(ev->description) + 2 + strlen(TOPIC_HEADING) + p.len + 1;
	if ((desc = malloc(dlen)) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	snprintf(desc, dlen, "%s%s" TOPIC_HEADING "%s", ev->description,
	    ev->description[0] ? "\n\n" : "", p.buf);
	if (utf8_len(desc) > DESC_MAX_CHARS) {
		fault_set(f, FAULT_INVALID, "with its %d accepted topics the "
		    "description of event %lld would be longer than %d "
		    "characters; shorten it or accept fewer topics", p.n,
		    (long long)ev->id, DESC_MAX_CHARS);
		goto done;
	}
	if (event_set_description(db, ev->id, desc, f))
		goto done;
	ret = 0;
done:
	free(desc);
	free(p.buf);
	return ret;
}

/*
 * Registrations, the waiting list, and the notices that follow from
 * them and from changes to events.
 *
 * Counting: a place at occurrence O of event E is taken by each 'going'
 * registration for O and by each 'going' registration for the whole
 * series whose holder has no 'cancelled' row (sitting out) at O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/log.h"
#include "hersteld/notice.h"
#include "hersteld/outbox.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

/* ---- counting ---- */

/* The event's capacity, else its room's; 0: no limit; -1: database. */
static long
capacity_of(sqlite3 *db, const struct event *ev)
{
	if (ev->capacity > 0)
		return ev->capacity;
	if (ev->room_id)
		return store_count(db, "SELECT capacity FROM room WHERE id = ?1",
		    ev->room_id);
	return 0;
}

/*
 * Run sql with ?1 = a and ?2 = b (a statement without ?2 refuses that
 * binding harmlessly) and return its first column; -1 on error.
 */
static long
query_long(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	long v = -1;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Places taken at occurrence rid (0: a single event). */
static long
taken_at(sqlite3 *db, int64_t event_id, time_t rid)
{
	return query_long(db, "SELECT "
	    "(SELECT count(*) FROM registration WHERE event_id = ?1 AND "
	    "  occurrence = 0 AND status = 'going') "
	    "- (SELECT count(*) FROM registration c WHERE c.event_id = ?1 AND "
	    "  c.occurrence = ?2 AND ?2 != 0 AND c.status = 'cancelled' AND "
	    "  EXISTS (SELECT 1 FROM registration s WHERE s.event_id = ?1 AND "
	    "  s.participant_id = c.participant_id AND s.occurrence = 0 AND "
	    "  s.status = 'going')) "
	    "+ (SELECT count(*) FROM registration WHERE event_id = ?1 AND "
	    "  occurrence = ?2 AND ?2 != 0 AND status = 'going')",
	    event_id, rid);
}

/* The most places taken at any occurrence from now on. */
static long
taken_worst(sqlite3 *db, int64_t event_id, time_t now)
{
	long series = query_long(db, "SELECT count(*) FROM registration WHERE "
	    "event_id = ?1 AND occurrence = 0 AND status = 'going'",
	    event_id, 0);
	long extra = query_long(db, "SELECT coalesce(max(n), 0) FROM (SELECT "
	    "sum(CASE status WHEN 'going' THEN 1 WHEN 'cancelled' THEN -1 "
	    "ELSE 0 END) AS n FROM registration WHERE event_id = ?1 AND "
	    "occurrence >= ?2 GROUP BY occurrence)", event_id, now);

	if (series < 0 || extra < 0)
		return -1;
	return series + (extra > 0 ? extra : 0);
}

/* Whether one more fits at rid: 1, 0, or -1 (database; cap -1 too). */
static int
fits(sqlite3 *db, const struct event *ev, time_t rid, long cap)
{
	long n;

	if (cap < 0)
		return -1;
	if (cap == 0)
		return 1;
	n = rid ? taken_at(db, ev->id, rid) : ev->rrule[0] ?
	    taken_worst(db, ev->id, clock_now()) : taken_at(db, ev->id, 0);
	return n < 0 ? -1 : n < cap;
}

/* ---- what may be registered for ---- */

struct first {
	int	found;
	time_t	start;
};

static int
first_open(const struct occurrence *o, void *arg)
{
	struct first *fo = arg;

	if (o->cancelled)
		return 0;
	fo->found = 1;
	fo->start = o->start;
	return 1;
}

/* Resolve date to rid and check the event (or occurrence) is to come. */
static int
open_for(const struct event *ev, const char *date, time_t *rid,
    struct fault *f)
{
	time_t now = clock_now();

	*rid = 0;
	if (strcmp(ev->status, "published") != 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is %s; only a "
		    "published event takes registrations", (long long)ev->id,
		    ev->status);
	if (date) {
		struct occurrence o;

		if (event_pick(ev, date, rid, f))
			return -1;
		event_occurrence(ev, *rid, &o);
		if (o.cancelled)
			return fault_set(f, FAULT_CONFLICT, "the occurrence of "
			    "%s is cancelled", date);
		if (o.start <= now)
			return fault_set(f, FAULT_CONFLICT, "the occurrence of "
			    "%s has already started", date);
		return 0;
	}
	if (ev->rrule[0]) {
		struct first fo = { 0 };

		if (event_occurrences(ev, now, now + 3660L * 86400, first_open,
		    &fo) < 0 || !fo.found)
			return fault_set(f, FAULT_CONFLICT, "event %lld has no "
			    "occurrence to come", (long long)ev->id);
		return 0;
	}
	if (ev->start <= now)
		return fault_set(f, FAULT_CONFLICT, "event %lld has already "
		    "started", (long long)ev->id);
	return 0;
}

struct reg_row {
	int64_t	id;
	time_t	occurrence;
	char	status[12];
};

/*
 * The participant's rows for the event into a new array (*out, caller
 * frees; NULL when none) and *n.  0, or -1 with f filled: a read that
 * fails must not pass for "not registered".
 */
static int
rows_of(sqlite3 *db, int64_t event_id, int64_t pid, struct reg_row **out,
    int *n, struct fault *f)
{
	struct reg_row *v = NULL;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = store_prepare(db, "SELECT id, occurrence, status FROM "
	    "registration WHERE event_id = ?1 AND participant_id = ?2 "
	    "ORDER BY occurrence")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, pid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct reg_row *nv = realloc(v, (*n + 1) * sizeof(*nv));

		if (nv == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		v[*n].id = sqlite3_column_int64(st, 0);
		v[*n].occurrence = sqlite3_column_int64(st, 1);
		snprintf(v[*n].status, sizeof(v[*n].status), "%s",
		    store_text(st, 2));
		(*n)++;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		*out = v;
		return 0;
	}
	if (rc == SQLITE_NOMEM)
		fault_set(f, FAULT_INTERNAL, "out of memory");
	else
		store_fault(f, db);
	sqlite3_finalize(st);
	free(v);
	*n = 0;
	return -1;
}

static const struct reg_row *
row_at(const struct reg_row *v, int n, time_t occ)
{
	for (int i = 0; i < n; i++)
		if (v[i].occurrence == occ)
			return &v[i];
	return NULL;
}

static int
exec3(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t c)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	/* Statements that use only ?1 and ?2 refuse ?3 harmlessly. */
	sqlite3_bind_int64(st, 3, c);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
exec2(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	return exec3(db, sql, a, b, 0);
}

/*
 * The first column of sql's rows, with ?1 = a and ?2 = b, into a new array
 * (*v, caller frees; NULL when empty) and *n.  0, or -1 with f filled.
 */
static int
ids_of(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t **v,
    int *n, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	*v = NULL;
	*n = 0;
	if ((st = store_prepare(db, sql)) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *nv = realloc(*v, (*n + 1) * sizeof(*nv));

		if (nv == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		*v = nv;
		(*v)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	free(*v);
	*v = NULL;
	*n = 0;
	return store_fault(f, db);
}

/* ---- notices ---- */

/* A notice of kind to p about occurrence rid of ev (0: the event). */
static struct notice
notice_of(enum mail_kind kind, const struct participant *p,
    const struct event *ev, time_t rid, int series, int waiting)
{
	struct notice no = { 0 };

	no.kind = kind;
	no.p = p;
	no.ev = ev;
	no.occurrence = rid;
	no.series = series;
	no.waiting = waiting;
	return no;
}

/*
 * Tell p about their registration reg_id (a confirmation, promotion or
 * unregistration).  notice_queue's answer: 1 queued, 0 not, -1 with f.
 */
static int
tell_registration(sqlite3 *db, enum mail_kind kind,
    const struct participant *p, const struct event *ev, time_t rid,
    int series, int64_t reg_id, int waiting, struct fault *f)
{
	struct notice no = notice_of(kind, p, ev, rid, series, waiting);

	no.registration = reg_id;
	return notice_queue(db, &no, f);
}

/* ---- the waiting list ---- */

static int
promote(sqlite3 *db, const struct event *ev, struct fault *f)
{
	long cap = capacity_of(db, ev);
	sqlite3_stmt *st;
	struct reg_row *v = NULL;
	int64_t *pids = NULL;
	int n = 0, rc;

	if (strcmp(ev->status, "published") != 0)
		return 0;
	if ((st = store_prepare(db, "SELECT id, occurrence, participant_id "
	    "FROM registration WHERE event_id = ?1 AND status = 'waitlist' "
	    "ORDER BY created, id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, ev->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct reg_row *nv = realloc(v, (n + 1) * sizeof(*nv));
		int64_t *np = realloc(pids, (n + 1) * sizeof(*np));

		if (nv)
			v = nv;
		if (np)
			pids = np;
		if (nv == NULL || np == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].occurrence = sqlite3_column_int64(st, 1);
		pids[n] = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		free(pids);
		return store_fault(f, db);
	}
	/* In order; a later one for a single occurrence may fit where an
	 * earlier one for the whole series does not. */
	for (int i = 0; i < n; i++) {
		struct participant p;

		if (v[i].occurrence) {
			struct occurrence o;

			event_occurrence(ev, v[i].occurrence, &o);
			if (o.cancelled || o.start <= clock_now())
				continue;
		}
		switch (fits(db, ev, v[i].occurrence, cap)) {
		case -1:
			goto fail;
		case 0:
			continue;
		}
		/*
		 * Someone who asked for no more mail gets no promotion mail:
		 * the registration says so, for the attendee list and the
		 * person's own page.
		 */
		if (participant_get_id(db, pids[i], &p, f) ||
		    exec3(db, "UPDATE registration SET status = 'going', "
		    "modified = ?2, unmailed = ?3 WHERE id = ?1", v[i].id,
		    clock_now(), p.unsubscribed ? 1 : 0))
			goto fail;
		if (tell_registration(db, MAIL_PROMOTION, &p, ev,
		    v[i].occurrence, v[i].occurrence == 0, v[i].id, 0, f) < 0 ||
		    reg_plan(db, ev->id, p.id, 1, f))
			goto fail;
	}
	free(v);
	free(pids);
	return 0;
fail:
	if (f->kind == FAULT_NONE)
		store_fault(f, db);
	free(v);
	free(pids);
	return -1;
}

/* ---- register, unregister ---- */

static void
date_of(const struct event *ev, time_t rid, char *out)
{
	if (rid == 0)
		snprintf(out, 16, "all");
	else
		when_format_date(rid, ev->zone, out);
}

int
reg_register(sqlite3 *db, int64_t event_id, const char *who,
    const char *date, int64_t group_id, const char *actor,
    struct reg_result *res, struct fault *f)
{
	struct event *ev = NULL;
	struct participant p;
	struct reg_row *rows = NULL;
	const struct reg_row *r0, *rx;
	char obj[40], detail[96], day[16];
	time_t rid, now = clock_now();
	sqlite3_stmt *st;
	int n = 0, going, ret;

	memset(res, 0, sizeof(*res));
	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, event_id, f)) == NULL ||
	    participant_get_for(db, who, group_id, &p, f) ||
	    open_for(ev, date, &rid, f))
		goto fail;
	if (rows_of(db, ev->id, p.id, &rows, &n, f))
		goto fail;
	r0 = row_at(rows, n, 0);
	if (r0 && strcmp(r0->status, "cancelled") == 0)
		r0 = NULL;
	rx = rid ? row_at(rows, n, rid) : NULL;
	if (rid == 0 && r0) {
		fault_set(f, FAULT_CONFLICT, "participant %lld is already %s "
		    "for event %lld", (long long)p.id, strcmp(r0->status,
		    "going") == 0 ? "registered" : "on the waiting list",
		    (long long)ev->id);
		goto fail;
	}
	if (rid && rx && strcmp(rx->status, "cancelled") != 0) {
		fault_set(f, FAULT_CONFLICT, "participant %lld is already %s "
		    "for %s", (long long)p.id, strcmp(rx->status, "going") ==
		    0 ? "registered" : "on the waiting list", date);
		goto fail;
	}
	if (rid && r0 && rx == NULL) {
		fault_set(f, FAULT_CONFLICT, "participant %lld is already "
		    "registered for the whole series of event %lld",
		    (long long)p.id, (long long)ev->id);
		goto fail;
	}
	if (rid && r0 && rx) {
		/* Back in after sitting it out: their place, if there is one. */
		if (store_exec_id(db, "DELETE FROM registration WHERE "
		    "id = ?1", rx->id)) {
			store_fault(f, db);
			goto fail;
		}
		if (strcmp(r0->status, "going") == 0 &&
		    (going = fits(db, ev, rid, capacity_of(db, ev))) <= 0) {
			if (going < 0) {
				store_fault(f, db);
				goto fail;
			}
			fault_set(f, FAULT_CONFLICT, "the occurrence of %s is "
			    "full", date);
			goto fail;
		}
		snprintf(res->status, sizeof(res->status), "%s", r0->status);
		res->id = r0->id;
		/* Sitting out took the date from their calendar; it is back. */
		going = strcmp(r0->status, "going") == 0;
		if ((res->mailed = tell_registration(db, going ?
		    MAIL_CONFIRMATION : MAIL_WAITLISTED, &p, ev, rid, 1, rx->id,
		    !going, f)) < 0)
			goto fail;
		snprintf(detail, sizeof(detail), "participant %lld, %s: back in",
		    (long long)p.id, date);
		goto done;
	}
	/* The whole series takes over their single occurrences. */
	if (rid == 0 && n > 0 && exec2(db, "DELETE FROM registration WHERE "
	    "event_id = ?1 AND participant_id = ?2", ev->id, p.id)) {
		store_fault(f, db);
		goto fail;
	}
	if ((going = fits(db, ev, rid, capacity_of(db, ev))) < 0) {
		store_fault(f, db);
		goto fail;
	}
	if ((st = store_prepare(db, "INSERT INTO registration (event_id, "
	    "participant_id, occurrence, status, created, modified) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?5)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, ev->id);
	sqlite3_bind_int64(st, 2, p.id);
	sqlite3_bind_int64(st, 3, rid);
	store_bind_text(st, 4, going ? "going" : "waitlist");
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fault(f, db);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	res->id = sqlite3_last_insert_rowid(db);
	snprintf(res->status, sizeof(res->status), "%s", going ? "going" :
	    "waitlist");
	if ((res->mailed = tell_registration(db, going ? MAIL_CONFIRMATION :
	    MAIL_WAITLISTED, &p, ev, rid, rid == 0, res->id, !going, f)) < 0)
		goto fail;
	date_of(ev, rid, day);
	snprintf(detail, sizeof(detail), "participant %lld, %s: %s",
	    (long long)p.id, day, res->status);
done:
	if (reg_plan(db, ev->id, p.id, 1, f))
		goto fail;
	snprintf(obj, sizeof(obj), "event %lld", (long long)ev->id);
	ret = store_finish(db, actor, "registration.add", obj, detail, f);
	free(rows);
	event_free(ev);
	return ret;
fail:
	store_rollback(db);
	free(rows);
	event_free(ev);
	return -1;
}

/*
 * Tell p that their registration for the whole event, or for occurrence
 * rid, ended (series: rid is a date of their series registration, which
 * they now sit out; reg_id: the row that ended, or the sitting-out row).
 * Unless they were waiting, their calendar has the session: the message
 * CANCELs that entry.  Nothing about what is over or called off.  Queued
 * before the rows go: what their calendar holds is read from them.
 */
static int
tell_unregistered(sqlite3 *db, const struct participant *p,
    const struct event *ev, time_t rid, int series, int64_t reg_id,
    int waiting, struct fault *f)
{
	struct occurrence o;
	time_t now = clock_now();

	if (strcmp(ev->status, "cancelled") == 0)
		return 0;
	if (rid) {
		event_occurrence(ev, rid, &o);
		if (o.cancelled || o.end <= now)
			return 0;
	} else if (ev->span_end != 0 && ev->span_end <= now)
		return 0;
	return tell_registration(db, MAIL_UNREGISTERED, p, ev, rid, series,
	    reg_id, waiting, f) < 0 ? -1 : 0;
}

int
reg_unregister(sqlite3 *db, int64_t event_id, const char *who,
    const char *date, int64_t group_id, const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct participant p;
	struct reg_row *rows = NULL;
	const struct reg_row *r0, *rx;
	char obj[40], detail[96];
	time_t rid = 0;
	int n = 0, ret;

	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, event_id, f)) == NULL ||
	    participant_get_for(db, who, group_id, &p, f))
		goto fail;
	if (date && event_pick(ev, date, &rid, f))
		goto fail;
	if (rows_of(db, ev->id, p.id, &rows, &n, f))
		goto fail;
	r0 = row_at(rows, n, 0);
	rx = rid ? row_at(rows, n, rid) : NULL;
	if (rid == 0) {
		if (r0 == NULL) {
			fault_set(f, FAULT_NOTFOUND, n ? "participant %lld is "
			    "registered for single occurrences of event %lld; "
			    "give --occurrence" : "participant %lld is not "
			    "registered for event %lld", (long long)p.id,
			    (long long)ev->id);
			goto fail;
		}
		/* The series registration and the sitting-out rows with it. */
		if (tell_unregistered(db, &p, ev, 0, 1, r0->id,
		    strcmp(r0->status, "waitlist") == 0, f))
			goto fail;
		if (exec2(db, "DELETE FROM registration WHERE event_id = ?1 AND "
		    "participant_id = ?2 AND (occurrence = 0 OR status = "
		    "'cancelled')", ev->id, p.id)) {
			store_fault(f, db);
			goto fail;
		}
		snprintf(detail, sizeof(detail), "participant %lld, all",
		    (long long)p.id);
	} else if (rx && strcmp(rx->status, "cancelled") != 0) {
		if (tell_unregistered(db, &p, ev, rid, 0, rx->id,
		    strcmp(rx->status, "waitlist") == 0, f))
			goto fail;
		if (store_exec_id(db, "DELETE FROM registration WHERE "
		    "id = ?1", rx->id)) {
			store_fault(f, db);
			goto fail;
		}
		snprintf(detail, sizeof(detail), "participant %lld, %s",
		    (long long)p.id, date);
	} else if (r0 && rx == NULL) {
		sqlite3_stmt *st;
		int rc;

		/* Registered for the series: sits this one out. */
		if ((st = store_prepare(db, "INSERT INTO registration "
		    "(event_id, participant_id, occurrence, status, created, "
		    "modified) VALUES (?1, ?2, ?3, 'cancelled', ?4, ?4)")) == NULL) {
			store_fault(f, db);
			goto fail;
		}
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, p.id);
		sqlite3_bind_int64(st, 3, rid);
		sqlite3_bind_int64(st, 4, clock_now());
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			store_fault(f, db);
			goto fail;
		}
		if (tell_unregistered(db, &p, ev, rid, 1,
		    sqlite3_last_insert_rowid(db), strcmp(r0->status,
		    "waitlist") == 0, f))
			goto fail;
		snprintf(detail, sizeof(detail), "participant %lld, %s (sits "
		    "out)", (long long)p.id, date);
	} else {
		fault_set(f, FAULT_NOTFOUND, "participant %lld is not "
		    "registered for %s", (long long)p.id, date);
		goto fail;
	}
	snprintf(obj, sizeof(obj), "event %lld", (long long)ev->id);
	if (reg_plan(db, ev->id, p.id, 1, f) || promote(db, ev, f))
		goto fail;
	ret = store_finish(db, actor, "registration.remove", obj, detail, f);
	free(rows);
	event_free(ev);
	return ret;
fail:
	store_rollback(db);
	free(rows);
	event_free(ev);
	return -1;
}

/* Let the waiting lists of events evs[0..n) move up; frees evs. */
static int
promote_each(sqlite3 *db, int64_t *evs, int n, struct fault *f)
{
	int rc = 0;

	for (int i = 0; i < n && rc == 0; i++) {
		struct event *ev = event_get(db, evs[i], f);

		rc = ev == NULL || promote(db, ev, f) ? -1 : 0;
		event_free(ev);
	}
	free(evs);
	return rc;
}

int
reg_release_all(sqlite3 *db, int64_t pid, const char *actor, struct fault *f)
{
	int64_t *evs;
	int n;

	(void)actor;
	if (ids_of(db, "SELECT DISTINCT event_id FROM registration WHERE "
	    "participant_id = ?1", pid, 0, &evs, &n, f))
		return -1;
	if (store_exec_id(db, "DELETE FROM registration WHERE "
	    "participant_id = ?1", pid)) {
		free(evs);
		return store_fault(f, db);
	}
	return promote_each(db, evs, n, f);
}

int
reg_room_grew(sqlite3 *db, int64_t room_id, struct fault *f)
{
	int64_t *evs;
	int n;

	/* Events counting on the room's capacity, with someone waiting. */
	if (ids_of(db, "SELECT DISTINCT e.id FROM event e JOIN registration r "
	    "ON r.event_id = e.id WHERE e.room_id = ?1 AND e.capacity IS NULL "
	    "AND r.status = 'waitlist'", room_id, 0, &evs, &n, f))
		return -1;
	return promote_each(db, evs, n, f);
}

/* ---- an occurrence that is called off ---- */

long
reg_going_at(sqlite3 *db, int64_t event_id, time_t rid)
{
	return taken_at(db, event_id, rid);
}

long
reg_waiting_at(sqlite3 *db, int64_t event_id, time_t rid)
{
	return query_long(db, "SELECT count(*) FROM registration WHERE "
	    "event_id = ?1 AND status = 'waitlist' AND (occurrence = ?2 OR "
	    "occurrence = 0)", event_id, rid);
}

int
reg_waiting_drop(sqlite3 *db, int64_t event_id, time_t rid, struct fault *f)
{
	if (exec2(db, "DELETE FROM registration WHERE event_id = ?1 AND "
	    "occurrence = ?2 AND status = 'waitlist'", event_id, rid))
		return store_fault(f, db);
	return 0;
}

/* ---- attendees ---- */

int
reg_attendees(sqlite3 *db, int64_t event_id, const char *date,
    int64_t group_id, int (*cb)(const struct attendee *, void *), void *arg,
    struct reg_counts *out, struct fault *f)
{
	struct event *ev;
	sqlite3_stmt *st;
	time_t rid = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((ev = event_get(db, event_id, f)) == NULL)
		return -1;
	if (date && event_pick(ev, date, &rid, f)) {
		event_free(ev);
		return -1;
	}
	out->capacity = capacity_of(db, ev);
	out->anonymous = ev->group_id && store_count(db, "SELECT anonymous "
	    "FROM grp WHERE id = ?1", ev->group_id) > 0;
	/*
	 * At one occurrence: its own registrations and the series' ones of
	 * people not sitting it out.  Without one: every registration.
	 */
	if ((st = store_prepare(db, "SELECT p.id, p.email, CASE WHEN "
	    "pg.participant_id IS NULL THEN p.name ELSE coalesce(pg.name, '') "
	    "END, r.status, r.occurrence, r.unmailed FROM registration r JOIN "
	    "participant "
	    "p ON p.id = r.participant_id LEFT JOIN participant_group pg ON "
	    "pg.participant_id = p.id AND pg.group_id = ?3 "
	    "WHERE r.event_id = ?1 AND r.status IN "
	    "('going', 'waitlist') AND (?2 = 0 OR r.occurrence = ?2 OR "
	    "(r.occurrence = 0 AND NOT EXISTS (SELECT 1 FROM registration c "
	    "WHERE c.event_id = ?1 AND c.participant_id = r.participant_id AND "
	    "c.occurrence = ?2 AND c.status = 'cancelled'))) "
	    "ORDER BY r.status, r.created, r.id")) == NULL) {
		event_free(ev);
		return store_fault(f, db);
	}
	sqlite3_bind_int64(st, 1, ev->id);
	sqlite3_bind_int64(st, 2, rid);
	/* The admin (0) sees the names people gave themselves. */
	sqlite3_bind_int64(st, 3, group_id > 0 ? group_id : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct attendee a = { 0 };

		a.status = store_text(st, 3);
		a.unmailed = sqlite3_column_int(st, 5);
		if (strcmp(a.status, "going") == 0) {
			out->going++;
			out->unmailed += a.unmailed != 0;
		} else
			out->waitlist++;
		if (out->anonymous || cb == NULL)
			continue;
		a.participant_id = group_id ? 0 : sqlite3_column_int64(st, 0);
		a.email = store_text(st, 1);
		a.name = store_text(st, 2);
		a.occurrence = sqlite3_column_int64(st, 4);
		if (cb(&a, arg))
			break;
	}
	sqlite3_finalize(st);
	event_free(ev);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

long
reg_capacity(sqlite3 *db, const struct event *ev)
{
	return capacity_of(db, ev);
}

int
reg_counter_open(struct reg_counter *k, sqlite3 *db)
{
	k->db = db;
	/* The count of reg_attendees, without the people. */
	k->st = store_prepare(db, "SELECT count(*) FROM registration r "
	    "WHERE r.event_id = ?1 AND r.status = 'going' AND (?2 = 0 OR "
	    "r.occurrence = ?2 OR (r.occurrence = 0 AND NOT EXISTS (SELECT 1 "
	    "FROM registration c WHERE c.event_id = ?1 AND c.participant_id = "
	    "r.participant_id AND c.occurrence = ?2 AND c.status = "
	    "'cancelled')))");
	return k->st ? 0 : -1;
}

long
reg_counter_going(struct reg_counter *k, int64_t event_id, time_t rid)
{
	long n = -1;

	sqlite3_bind_int64(k->st, 1, event_id);
	sqlite3_bind_int64(k->st, 2, rid);
	if (sqlite3_step(k->st) == SQLITE_ROW)
		n = sqlite3_column_int64(k->st, 0);
	sqlite3_reset(k->st);
	return n;
}

void
reg_counter_close(struct reg_counter *k)
{
	sqlite3_finalize(k->st);
	k->st = NULL;
}

/* ---- reminders ---- */

struct plan {
	sqlite3			*db;
	const struct event	*ev;
	const struct participant *p;
	int			 series;
	time_t			*out;		/* sat out */
	int			 nout;
	time_t			 now;
	struct fault		*f;
	int			 failed;
};

static int
plan_occ(const struct occurrence *o, void *arg)
{
	struct plan *pl = arg;
	time_t rid = o->recurrence_id;

	if (o->cancelled || o->start <= pl->now)
		return 0;
	for (int i = 0; i < pl->nout; i++)
		if (pl->out[i] == rid)
			return 0;
	for (int i = 0; i < pl->p->nleads; i++) {
		struct notice no = { 0 };
		time_t due = o->start - pl->p->leads[i];

		if (due <= pl->now)
			continue;
		no.kind = MAIL_REMINDER;
		no.p = pl->p;
		no.ev = pl->ev;
		no.occurrence = rid;
		no.series = pl->series;
		no.lead = pl->p->leads[i];
		no.due = due;
		if (notice_queue(pl->db, &no, pl->f) < 0) {
			pl->failed = 1;
			return 1;
		}
	}
	return 0;
}

/*
 * The registrations reg_plan walks: all, of an event, of a participant,
 * or both, each its own statement so that SQLite reads them by index
 * ("?1 = 0 OR r.event_id = ?1" would make it walk every registration).
 * The parameters keep their numbers (?3 and ?4 make room for ?1, ?2).
 */
#define PLAN_SQL(by) "SELECT r.event_id, r.participant_id, r.occurrence " \
	"FROM registration r JOIN event e ON e.id = r.event_id WHERE " by \
	"r.status = 'going' AND e.status = 'published' AND e.start < ?3 AND " \
	"(e.span_end IS NULL OR e.span_end > ?4) ORDER BY r.event_id, " \
	"r.participant_id"

static const char *const plan_sql[4] = {
	PLAN_SQL(""),
	PLAN_SQL("r.event_id = ?1 AND "),
	PLAN_SQL("r.participant_id = ?2 AND "),
	PLAN_SQL("r.event_id = ?1 AND r.participant_id = ?2 AND "),
};

int
reg_plan(sqlite3 *db, int64_t event_id, int64_t pid, int replace,
    struct fault *f)
{
	time_t now = clock_now();
	sqlite3_stmt *st, *outs = NULL;
	struct event *ev = NULL;
	struct participant p;
	int64_t have_p = 0;
	int rc, orc;

	if (replace && outbox_drop_reminders(db, event_id, pid))
		return store_fault(f, db);
	if ((st = store_prepare(db, plan_sql[(event_id != 0) |
	    (pid != 0) << 1])) == NULL ||
	    (outs = store_prepare(db, "SELECT occurrence FROM registration "
	    "WHERE event_id = ?1 AND participant_id = ?2 AND "
	    "status = 'cancelled'")) == NULL) {
		sqlite3_finalize(st);
		return store_fault(f, db);
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, pid);
	sqlite3_bind_int64(st, 3, now + REG_PLAN_WINDOW);
	sqlite3_bind_int64(st, 4, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t eid = sqlite3_column_int64(st, 0);
		int64_t part = sqlite3_column_int64(st, 1);
		time_t rid = sqlite3_column_int64(st, 2);
		struct plan pl = { .db = db, .now = now, .f = f };
		time_t out[64];

		if (ev == NULL || ev->id != eid) {
			event_free(ev);
			if ((ev = event_get(db, eid, f)) == NULL)
				goto fail;
		}
		if (have_p != part) {
			if (participant_get_id(db, part, &p, f))
				goto fail;
			have_p = part;
		}
		if (p.nleads == 0 || p.unsubscribed)
			continue;
		pl.ev = ev;
		pl.p = &p;
		pl.series = rid == 0;
		pl.out = out;
		if (rid == 0 && ev->rrule[0]) {
			sqlite3_reset(outs);
			sqlite3_bind_int64(outs, 1, eid);
			sqlite3_bind_int64(outs, 2, part);
			while ((orc = sqlite3_step(outs)) == SQLITE_ROW &&
			    pl.nout < 64)
				out[pl.nout++] = sqlite3_column_int64(outs, 0);
			if (orc != SQLITE_ROW && orc != SQLITE_DONE) {
				store_fault(f, db);
				goto fail;
			}
		}
		if (rid) {
			struct occurrence o;

			event_occurrence(ev, rid, &o);
			plan_occ(&o, &pl);
		} else if (event_occurrences(ev, now, now + REG_PLAN_WINDOW,
		    plan_occ, &pl) < 0)
			pl.failed = 1;
		if (pl.failed) {
			if (f->kind == FAULT_NONE)
				fault_set(f, FAULT_INTERNAL, "cannot plan "
				    "reminders");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(outs);
	event_free(ev);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(outs);
	event_free(ev);
	return -1;
}

/*
 * One transaction per event: between them the write lock is free, so
 * that requests do not wait for the whole plan (planning is keyed, so a
 * stop half-way leaves nothing wrong; the rest comes next time).
 */
int
reg_plan_all(sqlite3 *db, int (*stop)(void))
{
	struct fault f = { 0 };
	time_t now = clock_now();
	int64_t *evs;
	int n, rc = 0;

	if (ids_of(db, "SELECT DISTINCT r.event_id FROM registration r "
	    "JOIN event e ON e.id = r.event_id WHERE r.status = 'going' AND "
	    "e.status = 'published' AND e.start < ?1 AND (e.span_end IS NULL "
	    "OR e.span_end > ?2) ORDER BY r.event_id", now + REG_PLAN_WINDOW,
	    now, &evs, &n, &f)) {
		log_warnx("reminders: cannot plan: %s", f.msg);
		return -1;
	}
	for (int i = 0; i < n && rc == 0 && !(stop && stop()); i++) {
		store_yield();
		if (store_begin(db))
			rc = -1;
		else if (reg_plan(db, evs[i], 0, 0, &f) || store_commit(db)) {
			log_warnx("reminders: cannot plan event %lld: %s",
			    (long long)evs[i], f.kind ? f.msg :
			    sqlite3_errmsg(db));
			store_rollback(db);
			rc = -1;
		}
	}
	free(evs);
	return rc;
}

/* ---- events that change ---- */

struct who {
	int64_t	pid;
	time_t	occurrence;
	int	waiting;	/* on the waiting list */
};

/*
 * Registrations (going or waiting) of event id into a new array (*out,
 * caller frees; NULL when none) and *n.  0, or -1 with f filled: the
 * change must not commit without the notices of those it could not read.
 */
static int
regs_of(sqlite3 *db, int64_t id, struct who **out, int *n, struct fault *f)
{
	struct who *v = NULL;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = store_prepare(db, "SELECT participant_id, occurrence, "
	    "status = 'waitlist' FROM registration WHERE event_id = ?1 AND "
	    "status IN ('going', 'waitlist') ORDER BY id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct who *nv = realloc(v, (*n + 1) * sizeof(*nv));

		if (nv == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		v[*n].pid = sqlite3_column_int64(st, 0);
		v[*n].occurrence = sqlite3_column_int64(st, 1);
		v[*n].waiting = sqlite3_column_int(st, 2);
		(*n)++;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		*out = v;
		return 0;
	}
	if (rc == SQLITE_NOMEM)
		fault_set(f, FAULT_INTERNAL, "out of memory");
	else
		store_fault(f, db);
	sqlite3_finalize(st);
	free(v);
	*n = 0;
	return -1;
}

/* Whether pid, registered for the series, sits occurrence rid out: 1,
 * 0, or -1 with f filled. */
static int
sits_out(sqlite3 *db, int64_t eid, int64_t pid, time_t rid, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT 1 FROM registration WHERE "
	    "event_id = ?1 AND participant_id = ?2 AND occurrence = ?3 AND "
	    "status = 'cancelled'")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, eid);
	sqlite3_bind_int64(st, 2, pid);
	sqlite3_bind_int64(st, 3, rid);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fault(f, db);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Tell p, who has a place or waits (waiting), what became of ev. */
static int
tell(sqlite3 *db, enum mail_kind kind, const struct participant *p,
    int waiting, const struct event *ev, time_t rid, int series,
    time_t old_start, const char *old_where, struct fault *f)
{
	struct notice no = notice_of(kind, p, ev, rid, series, waiting);

	no.old_start = old_start;
	no.old_where = old_where;
	return notice_queue(db, &no, f) < 0 ? -1 : 0;
}

/* Where occurrence rid (0: the event itself) of ev takes place. */
static void
occ_where(sqlite3 *db, const struct event *ev, time_t rid, char *out,
    size_t len)
{
	const struct override *ov = rid ? event_override(ev, rid) : NULL;

	notice_where(db, ov && ov->room_id ? ov->room_id : ev->room_id,
	    ev->location_id, ov && ov->room_id ? "" : ev->place, out, len);
}

/* Whether the series as a whole moved, changed place or rule. */
static int
series_changed(const struct event *b, const struct event *a)
{
	if (b->start != a->start || b->end != a->end ||
	    strcmp(b->rrule, a->rrule) != 0 || b->room_id != a->room_id ||
	    b->location_id != a->location_id || strcmp(b->place, a->place) ||
	    b->nexdates != a->nexdates || b->nrdates != a->nrdates)
		return 1;
	for (int i = 0; i < a->nexdates; i++)
		if (b->exdates[i] != a->exdates[i])
			return 1;
	for (int i = 0; i < a->nrdates; i++)
		if (b->rdates[i] != a->rdates[i])
			return 1;
	return 0;
}

/*
 * What one occurrence came to for those who go: 1 cancelled, 2 moved or
 * in another place, 0 nothing they need to hear about.  *old: its start
 * before, when that changed.
 */
static int
occ_news(sqlite3 *db, const struct event *before, const struct event *after,
    time_t rid_before, time_t rid, time_t *old, char *old_where, size_t len)
{
	struct occurrence ob, oa;
	char wa[2400];

	event_occurrence(before, rid_before, &ob);
	event_occurrence(after, rid, &oa);
	*old = 0;
	old_where[0] = '\0';
	if (oa.cancelled)
		return ob.cancelled ? 0 : 1;
	occ_where(db, before, rid_before, old_where, len);
	occ_where(db, after, rid, wa, sizeof(wa));
	if (ob.start != oa.start || ob.end != oa.end)
		*old = ob.start;
	if (strcmp(old_where, wa) == 0)
		old_where[0] = '\0';
	return *old || old_where[0] ? 2 : 0;
}

/* The notices one registration gets for before -> after. */
static int
notify_one(sqlite3 *db, const struct event *before, const struct event *after,
    const struct who *w, struct fault *f)
{
	time_t now = clock_now(), old;
	struct participant p;
	char wb[2400], wa[2400];
	int news;

	if (participant_get_id(db, w->pid, &p, f))
		return -1;
	if (w->occurrence == 0) {
		int was = strcmp(before->status, "cancelled") == 0;
		int is = strcmp(after->status, "cancelled") == 0;

		if (is)
			return was ? 0 : tell(db, MAIL_CANCELLATION, &p,
			    w->waiting, after, 0, 1, 0, NULL, f);
		if (series_changed(before, after)) {
			struct occurrence ob, oa;

			/* The next session as it was and as it is now. */
			notice_next(before, now, &ob);
			notice_next(after, now, &oa);
			occ_where(db, before, 0, wb, sizeof(wb));
			occ_where(db, after, 0, wa, sizeof(wa));
			return tell(db, MAIL_CHANGE, &p, w->waiting, after, 0, 1,
			    ob.start != oa.start || ob.end != oa.end ?
			    ob.start : 0, strcmp(wb, wa) ? wb : NULL, f);
		}
		/* Occurrences changed one by one. */
		for (int i = 0; after->rrule[0] && i < after->noverrides; i++) {
			time_t rid = after->overrides[i].recurrence_id;
			int out;

			if (after->overrides[i].end <= now)
				continue;
			if ((out = sits_out(db, after->id, p.id, rid, f)) < 0)
				return -1;
			if (out)
				continue;
			news = occ_news(db, before, after, rid, rid, &old, wb,
			    sizeof(wb));
			if (news && tell(db, news == 1 ? MAIL_CANCELLATION :
			    MAIL_CHANGE, &p, w->waiting, after, rid, 1, old,
			    wb[0] ? wb : NULL, f))
				return -1;
		}
		return 0;
	}
	{
		struct occurrence oa;
		time_t rid = w->occurrence;

		event_occurrence(after, w->occurrence, &oa);
		if (oa.end <= now)
			return 0;
		/*
		 * A new start of the series moved the registration's key
		 * along (event.c, shift_keys): before, it was that much
		 * earlier or later.
		 */
		if (before->rrule[0] && after->rrule[0])
			rid -= after->start - before->start;
		news = occ_news(db, before, after, rid, w->occurrence, &old,
		    wb, sizeof(wb));
		if (news)
			return tell(db, news == 1 ? MAIL_CANCELLATION :
			    MAIL_CHANGE, &p, w->waiting, after, w->occurrence,
			    0, old, wb[0] ? wb : NULL, f);
	}
	return 0;
}

int
reg_event_changed(sqlite3 *db, const struct event *before, int64_t new_id,
    const char *actor, struct fault *f)
{
	struct event *after = NULL, *part = NULL;
	struct who *v = NULL;
	int n = 0, rc = -1;

	(void)actor;
	if ((after = event_get(db, before->id, f)) == NULL)
		return -1;
	if (new_id) {
		if ((part = event_get(db, new_id, f)) == NULL)
			goto done;
		/*
		 * The later part took the registrations for its occurrences
		 * (event.c, split); those for the whole series hold for both.
		 */
		if (exec3(db, "INSERT INTO registration (event_id, "
		    "participant_id, occurrence, status, created, modified) "
		    "SELECT ?2, participant_id, 0, status, created, ?3 "
		    "FROM registration WHERE event_id = ?1 "
		    "AND occurrence = 0", before->id, new_id, clock_now())) {
			store_fault(f, db);
			goto done;
		}
	}
	if (regs_of(db, before->id, &v, &n, f))
		goto done;
	for (int i = 0; i < n; i++)
		if (notify_one(db, before, after, &v[i], f))
			goto done;
	free(v);
	v = NULL;
	if (part) {
		/* A new calendar entry for the later part. */
		if (regs_of(db, new_id, &v, &n, f))
			goto done;
		for (int i = 0; i < n; i++) {
			struct participant p;

			if (participant_get_id(db, v[i].pid, &p, f) ||
			    tell(db, strcmp(part->status, "cancelled") == 0 ?
			    MAIL_CANCELLATION : MAIL_CHANGE, &p, v[i].waiting,
			    part, v[i].occurrence, v[i].occurrence == 0, 0,
			    NULL, f))
				goto done;
		}
		if (reg_plan(db, new_id, 0, 1, f) || promote(db, part, f))
			goto done;
	}
	/* Replanning drops the pending reminders (all, when cancelled). */
	if (reg_plan(db, before->id, 0, 1, f) || promote(db, after, f))
		goto done;
	rc = 0;
done:
	free(v);
	event_free(after);
	event_free(part);
	return rc;
}

int
reg_event_removed(sqlite3 *db, const struct event *ev, struct fault *f)
{
	struct who *v;
	int n = 0;

	if (strcmp(ev->status, "published") != 0)
		return 0;
	if (regs_of(db, ev->id, &v, &n, f))
		return -1;
	for (int i = 0; i < n; i++) {
		struct participant p;
		struct occurrence o;

		if (v[i].occurrence) {
			event_occurrence(ev, v[i].occurrence, &o);
			if (o.cancelled || o.end <= clock_now())
				continue;
		}
		if (participant_get_id(db, v[i].pid, &p, f) ||
		    tell(db, MAIL_CANCELLATION, &p, v[i].waiting, ev,
		    v[i].occurrence,
		    v[i].occurrence == 0, 0, NULL, f)) {
			free(v);
			return -1;
		}
	}
	free(v);
	if (outbox_drop_reminders(db, ev->id, 0))
		return store_fault(f, db);
	return 0;
}

int
reg_announce(sqlite3 *db, const struct event *ev, struct fault *f)
{
	struct occurrence next;
	int64_t *v;
	int n;

	if (ev->group_id == 0 || strcmp(ev->status, "published") != 0 ||
	    strcmp(ev->visibility, "private") == 0)
		return 0;
	/* Nothing to announce about a session that has begun or is over. */
	notice_next(ev, clock_now(), &next);
	if (next.start <= clock_now() || next.cancelled)
		return 0;
	if (ids_of(db, "SELECT participant_id FROM follow WHERE group_id = ?1 "
	    "ORDER BY participant_id", ev->group_id, 0, &v, &n, f))
		return -1;
	for (int i = 0; i < n; i++) {
		struct participant p;
		struct notice no = { 0 };

		no.kind = MAIL_ANNOUNCEMENT;
		no.p = &p;
		no.ev = ev;
		no.series = 1;
		if (participant_get_id(db, v[i], &p, f) ||
		    notice_queue(db, &no, f) < 0) {
			free(v);
			return -1;
		}
	}
	free(v);
	return 0;
}

/* ---- follow-up ---- */

int
reg_followup(sqlite3 *db, int64_t event_id, const char *date,
    const char *notes, const char *actor, long *queued, struct fault *f)
{
	struct event *ev = NULL;
	struct occurrence o;
	int64_t *v = NULL;
	time_t rid = 0;
	char obj[40], detail[64], day[16];
	int n = 0, rc, ret;

	*queued = 0;
	if (notes == NULL || text_check(f, "the notes", notes,
	    FOLLOWUP_MAX_CHARS, 1, 1))
		return notes ? -1 : fault_set(f, FAULT_INVALID, "the notes are "
		    "required (--file)");
	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, event_id, f)) == NULL)
		goto fail;
	if (ev->rrule[0] && date == NULL) {
		fault_set(f, FAULT_INVALID, "event %lld is a series; give "
		    "--occurrence DATE for the session the notes are about",
		    (long long)ev->id);
		goto fail;
	}
	if (date && event_pick(ev, date, &rid, f))
		goto fail;
	event_occurrence(ev, rid ? rid : ev->start, &o);
	if (strcmp(ev->status, "published") != 0 || o.cancelled) {
		fault_set(f, FAULT_CONFLICT, "that session did not take place "
		    "(%s)", strcmp(ev->status, "proposed") == 0 ? "proposed" :
		    "cancelled");
		goto fail;
	}
	if (o.start > clock_now()) {
		char when[32];

		when_format_local(o.start, ev->zone, when);
		fault_set(f, FAULT_CONFLICT, "that session has not taken place "
		    "yet (it starts %s)", when);
		goto fail;
	}
	/* Everyone who held a place at that session. */
	if (ids_of(db, "SELECT DISTINCT r.participant_id FROM registration r "
	    "WHERE r.event_id = ?1 AND r.status = 'going' AND (r.occurrence = "
	    "?2 OR (r.occurrence = 0 AND NOT EXISTS (SELECT 1 FROM registration "
	    "c WHERE c.event_id = ?1 AND c.participant_id = r.participant_id "
	    "AND c.occurrence = ?2 AND c.status = 'cancelled'))) ORDER BY "
	    "r.participant_id", ev->id, rid, &v, &n, f))
		goto fail;
	for (int i = 0; i < n; i++) {
		struct participant p;
		struct notice no = { 0 };

		no.kind = MAIL_FOLLOWUP;
		no.p = &p;
		no.ev = ev;
		no.occurrence = rid;
		no.series = rid == 0;
		no.notes = notes;
		if (participant_get_id(db, v[i], &p, f) ||
		    (rc = notice_queue(db, &no, f)) < 0)
			goto fail;
		*queued += rc;
	}
	date_of(ev, rid, day);
	snprintf(obj, sizeof(obj), "event %lld", (long long)ev->id);
	snprintf(detail, sizeof(detail), "%s: %ld message(s)", day, *queued);
	ret = store_finish(db, actor, "event.followup", obj, detail, f);
	free(v);
	event_free(ev);
	return ret;
fail:
	store_rollback(db);
	free(v);
	event_free(ev);
	return -1;
}

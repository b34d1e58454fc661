/*
 * Attendance counts per occurrence.  An occurrence is named by its
 * original local date, as everywhere else (--occurrence DATE).
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/attendance.h"
#include "hersteld/event.h"
#include "hersteld/participant.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

struct pick {
	const char		*date;
	struct occurrence	 o;
	int			 found;
};

static int
match(const struct occurrence *o, void *arg)
{
	struct pick *p = arg;
	char d[16];

	when_format_date(o->recurrence_id ? o->recurrence_id : o->start,
	    o->ev->zone, d);
	if (strcmp(d, p->date) != 0)
		return 0;
	p->o = *o;
	p->found = 1;
	return 1;
}

/* The occurrence of ev on date (original local date); 0, or -1. */
static int
occurrence_on(const struct event *ev, const char *date, struct pick *p,
    struct fault *f)
{
	time_t t;
	int y, m, d;

	memset(p, 0, sizeof(*p));
	p->date = date;
	if (when_parse_date(f, "--occurrence", date, ev->zone, &y, &m, &d) ||
	    when_parse(f, "--occurrence", date, ev->zone, &t))
		return -1;
	if (event_occurrences(ev, t - 8 * 86400L, t + 9 * 86400L, match, p) < 0)
		return fault_set(f, FAULT_INTERNAL, "cannot expand event %lld",
		    (long long)ev->id);
	if (!p->found)
		return fault_set(f, FAULT_NOTFOUND, "event %lld has no "
		    "occurrence on %s", (long long)ev->id, date);
	return 0;
}

/*
 * Inside an open transaction: ev (loaded into *evp) and the occurrence of
 * date that can take attendance: published or cancelled-not, started
 * (checkin: from an hour before).  0, or -1 with f filled.
 */
static int
held(sqlite3 *db, int64_t event_id, const char *date, long early,
    struct event **evp, struct pick *p, char *day, struct fault *f)
{
	struct event *ev;

	if ((ev = *evp = event_get(db, event_id, f)) == NULL)
		return -1;
	if (strcmp(ev->status, "proposed") == 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is a proposal; "
		    "it takes attendance once published and held",
		    (long long)event_id);
	if (ev->rrule[0] && date == NULL)
		return fault_set(f, FAULT_INVALID, "event %lld is a series: "
		    "say which occurrence with --occurrence DATE",
		    (long long)event_id);
	when_format_date(ev->start, ev->zone, day);
	if (occurrence_on(ev, date ? date : day, p, f))
		return -1;
	if (p->o.cancelled)
		return fault_set(f, FAULT_CONFLICT, "event %lld%s%s was "
		    "cancelled", (long long)event_id, date ? " on " : "",
		    date ? date : "");
	if (p->o.start - early > clock_now())
		return fault_set(f, FAULT_INVALID, "event %lld%s%s has not "
		    "started yet; %s", (long long)event_id, date ? " on " : "",
		    date ? date : "", early ? "check in from an hour before" :
		    "record attendance once it has");
	if (date)
		snprintf(day, 16, "%s", date);
	return 0;
}

int
attendance_record(sqlite3 *db, int64_t event_id, const char *date,
    long count, const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct pick p;
	sqlite3_stmt *st;
	char day[16], detail[64];
	int rc;

	if (count < 0 || count > ATTENDANCE_MAX)
		return fault_set(f, FAULT_INVALID, "--count must be 0 to %d",
		    ATTENDANCE_MAX);
	if (store_begin_f(db, f))
		return -1;
	if (held(db, event_id, date, 0, &ev, &p, day, f))
		goto fail;
	if ((st = store_prepare(db, "INSERT INTO attendance (event_id, "
	    "occurrence, count, recorded) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (event_id, occurrence) DO UPDATE SET "
	    "count = excluded.count, recorded = excluded.recorded")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, p.o.recurrence_id);
	sqlite3_bind_int64(st, 3, count);
	sqlite3_bind_int64(st, 4, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	snprintf(detail, sizeof(detail), "%s: %ld", day, count);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	rc = store_finish(db, actor, "attendance.record", ev->uid, detail, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
attendance_checkin(sqlite3 *db, int64_t event_id, const char *date,
    const char *who, int64_t group_id, const char *actor, long *count,
    struct fault *f)
{
	struct event *ev = NULL;
	struct participant pt;
	struct pick p;
	sqlite3_stmt *st;
	char day[16], detail[64];
	time_t now = clock_now();
	int rc;

	*count = 0;
	if (store_begin_f(db, f))
		return -1;
	if (held(db, event_id, date, 3600, &ev, &p, day, f) ||
	    participant_get_for(db, who, group_id, &pt, f))
		goto fail;
	if ((st = store_prepare(db, "INSERT INTO checkin (event_id, "
	    "participant_id, occurrence, at) VALUES (?1, ?2, ?3, ?4)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, pt.id);
	sqlite3_bind_int64(st, 3, p.o.recurrence_id);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fault_set(f, FAULT_CONFLICT, "participant %lld is already "
		    "checked in for %s", (long long)pt.id, day);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	/* One more in the count: the count, not the person, is what stays. */
	if ((st = store_prepare(db, "INSERT INTO attendance (event_id, "
	    "occurrence, count, recorded) VALUES (?1, ?2, 1, ?3) "
	    "ON CONFLICT (event_id, occurrence) DO UPDATE SET "
	    "count = count + 1, recorded = excluded.recorded "
	    "RETURNING count")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, p.o.recurrence_id);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		store_fault(f, db);
		goto fail;
	}
	/* Who came is not written down anywhere else, the audit included. */
	snprintf(detail, sizeof(detail), "%s: one more", day);
	rc = store_finish(db, actor, "attendance.checkin", ev->uid, detail, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
attendance_list(sqlite3 *db, int64_t event_id,
    int (*cb)(const struct attendance *, void *), void *arg, struct fault *f)
{
	struct attendance a;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT a.occurrence, coalesce(o.start, "
	    "CASE a.occurrence WHEN 0 THEN e.start ELSE a.occurrence END), "
	    "a.count, a.recorded FROM attendance a JOIN event e ON "
	    "e.id = a.event_id LEFT JOIN event_override o ON "
	    "o.event_id = a.event_id AND o.recurrence_id = a.occurrence "
	    "WHERE a.event_id = ?1 ORDER BY a.occurrence")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, event_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.occurrence = sqlite3_column_int64(st, 0);
		a.start = sqlite3_column_int64(st, 1);
		a.count = (long)sqlite3_column_int64(st, 2);
		a.recorded = sqlite3_column_int64(st, 3);
		if (cb(&a, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

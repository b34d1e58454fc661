/*
 * Retention (see retention.h).  A row belongs to a session by its event
 * and occurrence: occurrence 0 (a single event, or a whole series) ended
 * when the event's last occurrence did (span_end; never for a series
 * without an end), any other occurrence when its own end passed, moved
 * by an override or else the original start plus the event's length
 * (see ENDED for day events).
 *
 * The report counts, per (event, occurrence), the 'going' registrations
 * and the whole-series registrants sitting an occurrence out; those two
 * numbers of the rows that go are added to registration_count first, in
 * the same transaction, so that report_groups, which reads the table and
 * the rows that are left, gives the same figures afterwards.  Attendance
 * is a count already and stays.  Participants stay (they are removed by
 * participant forget); so does mail still to be sent or being sent.
 */
#include <stdio.h>

#include "hersteld/retention.h"
#include "hersteld/store.h"

/*
 * Whether table t's (event_id, occurrence) ended by ?1; e is its event.
 * A timed occurrence lasts what the first one does; the dates of a day
 * event (event_end_of) may be an hour longer across the change to or
 * from summer time, so its rows wait that hour: late, never early.
 */
#define ENDED(t) \
	"(CASE WHEN " t ".occurrence = 0 THEN e.span_end IS NOT NULL AND " \
	"e.span_end <= ?1 ELSE coalesce((SELECT o.\"end\" FROM " \
	"event_override o WHERE o.event_id = e.id AND o.recurrence_id = " \
	t ".occurrence), " t ".occurrence + e.\"end\" - e.start + " \
	"(e.days > 0) * 3600) <= ?1 END)"

static const char count_sql[] =
    "INSERT INTO registration_count (event_id, occurrence, going, sitout) "
    "SELECT r.event_id, r.occurrence, sum(r.status = 'going'), "
    "sum(CASE WHEN r.status = 'cancelled' AND r.occurrence != 0 THEN "
    "EXISTS (SELECT 1 FROM registration s WHERE s.event_id = r.event_id "
    "AND s.participant_id = r.participant_id AND s.occurrence = 0 AND "
    "s.status = 'going') ELSE 0 END) AS sitout "
    "FROM registration r JOIN event e ON e.id = r.event_id "
    "WHERE " ENDED("r") " GROUP BY r.event_id, r.occurrence "
    "HAVING sum(r.status = 'going') > 0 OR sitout > 0 "
    "ON CONFLICT (event_id, occurrence) DO UPDATE SET "
    "going = going + excluded.going, sitout = sitout + excluded.sitout";

static const char registration_sql[] =
    "DELETE FROM registration WHERE EXISTS (SELECT 1 FROM event e WHERE "
    "e.id = registration.event_id AND " ENDED("registration") ")";

static const char checkin_sql[] =
    "DELETE FROM checkin WHERE EXISTS (SELECT 1 FROM event e WHERE "
    "e.id = checkin.event_id AND " ENDED("checkin") ")";

/*
 * Sent or given up: 'pending' and 'sending' are still on their way.  A
 * message whose event was deleted goes once it is as old as the cutoff.
 */
static const char outbox_sql[] =
    "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND "
    "event_id IS NOT NULL AND (EXISTS (SELECT 1 FROM event e WHERE "
    "e.id = outbox.event_id AND " ENDED("outbox") ") OR (created <= ?1 AND "
    "NOT EXISTS (SELECT 1 FROM event e WHERE e.id = outbox.event_id)))";

static int
run(sqlite3 *db, const char *sql, time_t cutoff, long *changed)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db);
	return 0;
}

int
retention_purge(sqlite3 *db, time_t cutoff, struct retention_done *out,
    struct fault *f)
{
	char detail[160];

	out->registrations = out->checkins = out->messages = 0;
	if (store_begin_f(db, f))
		return -1;
	if (run(db, count_sql, cutoff, NULL) ||
	    run(db, registration_sql, cutoff, &out->registrations) ||
	    run(db, checkin_sql, cutoff, &out->checkins) ||
	    run(db, outbox_sql, cutoff, &out->messages)) {
		store_fault(f, db);
		store_rollback(db);
		return -1;
	}
	if (out->registrations + out->checkins + out->messages == 0) {
		store_rollback(db);
		return 0;
	}
	snprintf(detail, sizeof(detail), "%ld registration(s), %ld check-in(s), "
	    "%ld message(s)", out->registrations, out->checkins, out->messages);
	return store_finish(db, "retention", "retention.purge", "sessions",
	    detail, f);
}

/*
 * Unit tests for report.c's arithmetic: registrations per occurrence
 * (a whole-series registration counts once per occurrence, except where
 * its participant sits one out), sessions, hours, attendance and
 * cancellations per group, and room months against opening hours.  The
 * data goes into an in-memory database by SQL, as a migrated store holds it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hersteld/log.h"
#include "hersteld/report.h"
#include "hersteld/retention.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

/* 2025-03-04 18:00 UTC (19:00 in Amsterdam), a Tuesday. */
#define T0	1741111200L
#define DAY	86400L
#define WEEK	(7 * DAY)

static sqlite3 *db;

static void
exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void
execf(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	exec(sql);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	log_init(1, LOG_LVL_ERROR);
	if ((db = store_open(":memory:", err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)))
		return -1;
	exec("INSERT INTO grp (id, slug, name, kind, created, modified) VALUES "
	    "(1, 'lotgenoten', 'Lotgenoten', 'steungroep', 0, 0),"
	    "(2, 'buurtteam', 'Buurtteam', 'partner', 0, 0)");
	exec("INSERT INTO participant (id, email, leads, feed_token, "
	    "unsub_token, created, modified) VALUES "
	    "(1, 'a@example.org', '', 'f1', 'u1', 0, 0),"
	    "(2, 'b@example.org', '', 'f2', 'u2', 0, 0),"
	    "(3, 'c@example.org', '', 'f3', 'u3', 0, 0)");
	/* 1: a single 2-hour meeting; 2: four weekly 90-minute meetings */
	execf("INSERT INTO event (id, uid, kind, title, group_id, timezone, "
	    "start, \"end\", rrule, span_end, visibility, status, created, "
	    "modified) VALUES "
	    "(1, 'a', 'themabijeenkomst', 'A', 1, 'Europe/Amsterdam', %ld, %ld, "
	    "'', %ld, 'public', 'published', 0, 0),"
	    "(2, 'b', 'steungroep', 'B', 1, 'Europe/Amsterdam', %ld, %ld, "
	    "'FREQ=WEEKLY;COUNT=4', %ld, 'public', 'published', 0, 0),"
	    "(3, 'c', 'dialoogsessie', 'C', 1, 'Europe/Amsterdam', %ld, %ld, "
	    "'', %ld, 'public', 'proposed', 0, 0),"
	    "(4, 'd', 'overig', 'D', NULL, 'Europe/Amsterdam', %ld, %ld, "
	    "'', %ld, 'public', 'cancelled', 0, 0)",
	    T0, T0 + 7200, T0 + 7200,
	    T0 + DAY, T0 + DAY + 5400, T0 + DAY + 3 * WEEK + 5400,
	    T0 + 2 * DAY, T0 + 2 * DAY + 3600, T0 + 2 * DAY + 3600,
	    T0 + 3 * DAY, T0 + 3 * DAY + 3600, T0 + 3 * DAY + 3600);
	/* the second occurrence of the series is cancelled */
	execf("INSERT INTO event_override (event_id, recurrence_id, start, "
	    "\"end\", cancelled, modified) VALUES (2, %ld, %ld, %ld, 1, 0)",
	    T0 + DAY + WEEK, T0 + DAY + WEEK, T0 + DAY + WEEK + 5400);
	/*
	 * Event 1: two going, one cancelled.  Series: 1 and 2 for the whole
	 * series, 2 sits out the third occurrence, 3 goes to the third only
	 * and waits for the first.  The proposal's registration never counts.
	 */
	execf("INSERT INTO registration (event_id, participant_id, occurrence, "
	    "status, created, modified) VALUES "
	    "(1, 1, 0, 'going', 0, 0), (1, 2, 0, 'going', 0, 0), "
	    "(1, 3, 0, 'cancelled', 0, 0), "
	    "(2, 1, 0, 'going', 0, 0), (2, 2, 0, 'going', 0, 0), "
	    "(2, 2, %ld, 'cancelled', 0, 0), (2, 3, %ld, 'going', 0, 0), "
	    "(2, 3, %ld, 'waitlist', 0, 0), (3, 1, 0, 'going', 0, 0)",
	    T0 + DAY + 2 * WEEK, T0 + DAY + 2 * WEEK, T0 + DAY);
	execf("INSERT INTO attendance (event_id, occurrence, count, recorded) "
	    "VALUES (1, 0, 10, 0), (2, %ld, 5, 0), (2, %ld, 4, 0)",
	    T0 + DAY, T0 + DAY + 2 * WEEK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	when_shutdown();
	return 0;
}

struct got {
	struct report_group	v[8];
	int			n;
};

static int
keep(const struct report_group *g, void *arg)
{
	struct got *x = arg;

	x->v[x->n++] = *g;
	return 0;
}

static void
test_registrations_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(report_registrations(0, 3, 0, 0), 3);
	assert_int_equal(report_registrations(1, 2, 0, 0), 2);
	assert_int_equal(report_registrations(1, 2, 1, 1), 2);
	assert_int_equal(report_registrations(1, 1, 0, 2), 0);
	assert_int_equal(report_registrations(1, 0, 4, 0), 4);
}

static void
test_group_totals_over_the_whole_period(void **state)
{
	struct got g = { .n = 0 };
	struct fault f = { 0 };

	(void)state;
	assert_int_equal(report_groups(db, T0 - DAY, T0 + 60 * DAY, 0, keep,
	    &g, &f), 0);
	/* buurtteam, lotgenoten (by slug), then the events without a group */
	assert_int_equal(g.n, 3);
	assert_string_equal(g.v[0].group, "buurtteam");
	assert_int_equal(g.v[0].sessions_total, 0);
	assert_string_equal(g.v[1].group, "lotgenoten");
	assert_int_equal(g.v[1].sessions_total, 4);
	assert_int_equal(g.v[1].sessions[0], 1);	/* themabijeenkomst */
	assert_int_equal(g.v[1].sessions[2], 3);	/* steungroep */
	assert_int_equal(g.v[1].sessions[1], 0);	/* the proposal */
	assert_int_equal(g.v[1].minutes, 120 + 3 * 90);
	assert_int_equal(g.v[1].cancelled, 1);
	/* 2 + (2 + 2 - 1 + 1) + 2; the cancelled occurrence counts none */
	assert_int_equal(g.v[1].registrations, 2 + 2 + 2 + 2);
	assert_int_equal(g.v[1].attendance, 10 + 5 + 4);
	assert_string_equal(g.v[2].group, "");
	assert_int_equal(g.v[2].sessions_total, 0);
	assert_int_equal(g.v[2].cancelled, 1);
}

static void
test_group_totals_count_starts_inside_the_period(void **state)
{
	struct got g = { .n = 0 };
	struct fault f = { 0 };

	(void)state;
	/* from the day after the cancelled occurrence: the last two */
	assert_int_equal(report_groups(db, T0 + DAY + WEEK + 1, T0 + 60 * DAY, 1,
	    keep, &g, &f), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].sessions_total, 2);
	assert_int_equal(g.v[0].registrations, 2 + 2);
	assert_int_equal(g.v[0].attendance, 4);
	assert_int_equal(g.v[0].cancelled, 0);
	g.n = 0;
	assert_int_equal(report_groups(db, T0, T0 - 1, 0, keep, &g, &f), -1);
	assert_int_equal(f.kind, FAULT_INVALID);
}

struct rooms {
	struct report_room	v[8];
	int			n;
};

static int
keep_room(const struct report_room *r, void *arg)
{
	struct rooms *x = arg;

	x->v[x->n++] = *r;
	return 0;
}

static void
test_room_months_against_opening_hours(void **state)
{
	/* 2027-02-01 09:00 UTC (10:00 local), a Monday */
	const long feb1 = 1801472400L;
	struct report_days days = { 2027, 2, 1, 2027, 3, 10 };
	struct rooms r = { .n = 0 };
	struct fault f = { 0 };

	(void)state;
	exec("INSERT INTO location (id, slug, name, timezone, hours, created, "
	    "modified) VALUES (1, 'hh', 'HH', 'Europe/Amsterdam', "
	    "'mon-fri 09:00-17:00', 0, 0)");
	exec("INSERT INTO room (id, location_id, slug, name, capacity, created, "
	    "modified) VALUES (1, 1, 'z', 'Z', 10, 0, 0)");
	execf("INSERT INTO booking (id, room_id, timezone, start, \"end\", "
	    "status, booked_by, created, modified) VALUES "
	    "(1, 1, 'Europe/Amsterdam', %ld, %ld, 'confirmed', 'x', 0, 0),"
	    "(2, 1, 'Europe/Amsterdam', %ld, %ld, 'requested', 'x', 0, 0),"
	    "(3, 1, 'Europe/Amsterdam', %ld, %ld, 'declined', 'x', 0, 0)",
	    feb1, feb1 + 7200, feb1 + DAY, feb1 + DAY + 3600,
	    feb1 + 2 * DAY, feb1 + 2 * DAY + 3600);
	execf("INSERT INTO booking_slot (booking_id, room_id, recurrence_id, "
	    "start, \"end\") VALUES (1, 1, %ld, %ld, %ld), "
	    "(2, 1, %ld, %ld, %ld)", feb1, feb1, feb1 + 7200,
	    feb1 + DAY, feb1 + DAY, feb1 + DAY + 3600);
	assert_int_equal(report_rooms(db, &days, 0, keep_room, &r, &f), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].room, "hh/z");
	assert_string_equal(r.v[0].month, "2027-02");
	assert_int_equal(r.v[0].booked_minutes, 120);	/* confirmed only */
	assert_int_equal(r.v[0].open_minutes, 20 * 8 * 60);
	assert_int_equal(r.v[0].declined, 1);
	/* March 1-10 2027: eight weekdays */
	assert_string_equal(r.v[1].month, "2027-03");
	assert_int_equal(r.v[1].open_minutes, 8 * 8 * 60);
	assert_int_equal(r.v[1].booked_minutes, 0);
}

static int
count_rows(const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The groups report over three periods, flattened for comparison. */
static void
snapshot(long out[3][4])
{
	const time_t from[3] = { T0 - DAY, T0 + DAY + WEEK + 1, T0 + DAY };
	const time_t to[3] = { T0 + 60 * DAY, T0 + 60 * DAY, T0 + DAY + 1 };
	struct fault f = { 0 };

	for (int i = 0; i < 3; i++) {
		struct got g = { .n = 0 };

		assert_int_equal(report_groups(db, from[i], to[i], 1, keep, &g,
		    &f), 0);
		assert_int_equal(g.n, 1);
		out[i][0] = g.v[0].sessions_total;
		out[i][1] = g.v[0].registrations;
		out[i][2] = g.v[0].attendance;
		out[i][3] = g.v[0].cancelled;
	}
}

static void
test_retention_leaves_the_figures(void **state)
{
	long before[3][4], after[3][4];
	struct retention_done done;
	struct fault f = { 0 };

	(void)state;
	exec("DELETE FROM registration_count");
	exec("INSERT INTO checkin (event_id, participant_id, occurrence, at) "
	    "VALUES (1, 1, 0, 0)");
	execf("INSERT INTO outbox (key, kind, participant_id, event_id, "
	    "occurrence, recipient, subject, message, due, status, "
	    "next_attempt, created) VALUES "
	    "('r1', 'reminder', 1, 2, %ld, 'a@example.org', 's', '', 0, 'sent', "
	    "0, 0), ('r2', 'reminder', 1, 2, %ld, 'a@example.org', 's', 'm', 0, "
	    "'pending', 0, 0)", T0 + DAY, T0 + DAY + WEEK);
	snapshot(before);
	/*
	 * Up to the end of the series' third occurrence: event 1 and what
	 * is per occurrence before it go, the whole-series rows stay.
	 */
	assert_int_equal(retention_purge(db, T0 + DAY + 2 * WEEK + 5400, &done,
	    &f), 0);
	assert_int_equal(done.registrations, 3 + 3 + 1);	/* and the proposal */
	assert_int_equal(done.checkins, 1);
	assert_int_equal(done.messages, 1);	/* not the pending one */
	assert_int_equal(count_rows("SELECT count(*) FROM registration WHERE "
	    "event_id = 2 AND occurrence = 0"), 2);
	snapshot(after);
	assert_memory_equal(before, after, sizeof(before));
	/* The rest of the series, and again, which changes nothing. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(retention_purge(db, T0 + 60 * DAY, &done, &f), 0);
		snapshot(after);
		assert_memory_equal(before, after, sizeof(before));
	}
	assert_int_equal(done.registrations, 0);
	/* The pending message stays, and so do the participants. */
	assert_int_equal(count_rows("SELECT count(*) FROM registration"), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM outbox"), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM participant"), 3);
	assert_int_equal(count_rows("SELECT count(*) FROM audit WHERE action = "
	    "'retention.purge'"), 2);
}

/*
 * A day event's date when summer time ends (25 October 2026) lasts 25
 * hours, an hour more than its first one: its rows stay until that date
 * has ended.  Runs last: its cutoff is past everything else here.
 */
static void
test_retention_waits_for_a_long_day_event_date(void **state)
{
	const long first = 1792274400L;		/* 2026-10-18 00:00 CEST */
	const long rid = 1792879200L;		/* 2026-10-25 00:00 CEST */
	const long end = 1792969200L;		/* 2026-10-26 00:00 CET */
	struct retention_done done;
	struct fault f = { 0 };

	(void)state;
	execf("INSERT INTO event (id, uid, kind, title, timezone, start, "
	    "\"end\", days, rrule, span_end, visibility, status, created, "
	    "modified) VALUES (5, 'e', 'overig', 'Open dag', "
	    "'Europe/Amsterdam', %ld, %ld, 1, 'FREQ=WEEKLY;COUNT=2', %ld, "
	    "'public', 'published', 0, 0)", first, first + DAY, end);
	execf("INSERT INTO registration (event_id, participant_id, occurrence, "
	    "status, created, modified) VALUES (5, 1, %ld, 'going', 0, 0)",
	    rid);
	assert_int_equal(end - rid, 25 * 3600);
	assert_int_equal(retention_purge(db, end - 1, &done, &f), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM registration WHERE "
	    "event_id = 5"), 1);
	assert_int_equal(retention_purge(db, end, &done, &f), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM registration WHERE "
	    "event_id = 5"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registrations_arithmetic),
		cmocka_unit_test(test_group_totals_over_the_whole_period),
		cmocka_unit_test(test_group_totals_count_starts_inside_the_period),
		cmocka_unit_test(test_room_months_against_opening_hours),
		cmocka_unit_test(test_retention_leaves_the_figures),
		cmocka_unit_test(
		    test_retention_waits_for_a_long_day_event_date),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

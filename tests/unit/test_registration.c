/*
 * Unit tests for registration.c: a change to an event whose registrations
 * cannot be read must not commit without the notices to those people.
 * The read is made to fail with an authorizer that refuses the column
 * only the list of registrations reads; the event and its outbox must be
 * as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/log.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"
#include "testlib.h"

static sqlite3 *db;
static int64_t event_id;

static void
exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static long
count(const char *sql)
{
	long n = store_count(db, sql, event_id);

	assert_true(n >= 0);
	return n;
}

static int
setup(void **state)
{
	static const struct group_in g = { "lotgenoten", "Lotgenoten",
	    "steungroep", NULL, 0 };
	struct event_in in = { 0 };
	struct fault f = { 0 };
	char sql[512];
	int64_t gid;

	(void)state;
	if (testlib_conf() || (db = testlib_open()) == NULL)
		return -1;
	if (group_add(db, &g, "test", &gid, &f))
		goto bad;
	in.kind = "steungroep";
	in.title = "Lotgenotengroep";
	in.group = "lotgenoten";
	in.place = "Bijlmerplein 1";
	in.start = "2026-12-10 19:00";
	in.duration = "2h";
	in.capacity = -1;
	if (schedule_event_add(db, &in, "test", &event_id, &f))
		goto bad;
	exec("INSERT INTO participant (id, email, leads, feed_token, "
	    "unsub_token, created, modified) VALUES "
	    "(1, 'a@example.org', '7d', 'f1', 'u1', 0, 0),"
	    "(2, 'b@example.org', '7d', 'f2', 'u2', 0, 0)");
	snprintf(sql, sizeof(sql), "INSERT INTO registration (event_id, "
	    "participant_id, occurrence, status, created, modified) VALUES "
	    "(%lld, 1, 0, 'going', 0, 0), (%lld, 2, 0, 'going', 0, 0)",
	    (long long)event_id, (long long)event_id);
	exec(sql);
	return 0;
bad:
	fprintf(stderr, "fixture: %s\n", f.msg);
	return -1;
}

static int
teardown(void **state)
{
	(void)state;
	testlib_cleanup(db);
	return 0;
}

/* Refuse reading registration.id: only the list of registrations an
 * event change walks (and the waiting list of a published event) does. */
static int
deny_registration_id(void *arg, int action, const char *table,
    const char *column, const char *schema, const char *trigger)
{
	(void)arg;
	(void)schema;
	(void)trigger;
	if (action == SQLITE_READ && table && column &&
	    strcmp(table, "registration") == 0 && strcmp(column, "id") == 0)
		return SQLITE_DENY;
	return SQLITE_OK;
}

static void
test_cancel_rolls_back_when_registrations_cannot_be_read(void **state)
{
	struct event_in in = { 0 };
	struct fault f = { 0 };
	int64_t new_id = 0;
	long mails, cancelled;

	(void)state;
	mails = count("SELECT count(*) FROM outbox WHERE event_id = ?1 AND "
	    "kind = 'cancellation'");
	assert_int_equal(mails, 0);
	in.capacity = -1;
	sqlite3_set_authorizer(db, deny_registration_id, NULL);
	assert_int_equal(schedule_event_cancel(db, event_id, &in, "test", &new_id, &f),
	    -1);
	sqlite3_set_authorizer(db, NULL, NULL);
	assert_int_not_equal(f.kind, FAULT_NONE);
	assert_true(sqlite3_get_autocommit(db));
	cancelled = count("SELECT count(*) FROM event WHERE id = ?1 AND "
	    "status = 'cancelled'");
	assert_int_equal(cancelled, 0);
	/* With the registrations readable, the cancellation goes out. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(schedule_event_cancel(db, event_id, &in, "test", &new_id, &f),
	    0);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE event_id = "
	    "?1 AND kind = 'cancellation'"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_cancel_rolls_back_when_registrations_cannot_be_read),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

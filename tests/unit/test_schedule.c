/*
 * Unit tests for schedule.c: what follows from a change happens in the
 * same transaction, and a refused change leaves nothing behind.  A
 * location with one room for two people, a group, and participants
 * registered for a session in that room; the clock is pinned
 * (testclock.h), so every date here lies ahead of it.
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
#include "hersteld/location.h"
#include "hersteld/log.h"
#include "hersteld/optin.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/token.h"
#include "hersteld/when.h"
#include "testclock.h"
#include "testlib.h"

static sqlite3 *db;
static int64_t event_id;

static long
count(const char *sql, int64_t arg)
{
	long n = store_count(db, sql, arg);

	assert_true(n >= 0);
	return n;
}

static void
must(int rc, const struct fault *f, const char *what)
{
	if (rc != 0)
		fail_msg("%s: %s", what, f->msg);
}

static void
add_participant(const char *email)
{
	struct participant_in in = { .email = email, .remind = "none" };
	struct fault f = { 0 };
	int64_t id;

	must(participant_add(db, &in, 0, "test", &id, &f), &f, email);
}

static const char *
reg(const char *email)
{
	static struct reg_result r;
	struct fault f = { 0 };

	must(reg_register(db, event_id, email, NULL, 0, "test", &r, &f), &f,
	    email);
	return r.status;
}

static int
setup(void **state)
{
	static const struct group_in g = { "lotgenoten", "Lotgenoten",
	    "steungroep", "info@example.org", 0 };
	struct location_in loc = { "herstelhuis", "Herstelhuis", "Bijlmer",
	    NULL, NULL, NULL };
	struct room_in room = { "herstelhuis/zaal", "Zaal", NULL, 2, 0, 0 };
	struct event_in in = { 0 };
	struct fault f = { 0 };
	int64_t id;

	(void)state;
	if (testlib_conf() || (db = testlib_open()) == NULL)
		return -1;
	if (group_add(db, &g, "test", &id, &f) ||
	    location_add(db, &loc, "test", &id, &f) ||
	    room_add(db, &room, "test", &id, &f))
		goto bad;
	in.kind = "steungroep";
	in.title = "Lotgenotengroep";
	in.group = "lotgenoten";
	in.room = "herstelhuis/zaal";
	in.start = "2026-12-10 19:00";
	in.duration = "2h";
	in.capacity = -1;
	if (schedule_event_add(db, &in, "test", &event_id, &f))
		goto bad;
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

static void
test_a_room_that_grows_promotes_its_waiting_list(void **state)
{
	struct room_in grow = { .capacity = 3, .accessible = -1,
	    .needs_approval = -1 };
	struct fault f = { 0 };

	(void)state;
	add_participant("a@example.org");
	add_participant("b@example.org");
	add_participant("c@example.org");
	assert_string_equal(reg("a@example.org"), "going");
	assert_string_equal(reg("b@example.org"), "going");
	assert_string_equal(reg("c@example.org"), "waitlist");
	must(schedule_room_edit(db, "herstelhuis/zaal", &grow, "test", &f), &f,
	    "room edit");
	assert_int_equal(count("SELECT count(*) FROM registration WHERE "
	    "event_id = ?1 AND status = 'going'", event_id), 3);
	assert_int_equal(count("SELECT count(*) FROM outbox o JOIN participant "
	    "p ON p.id = o.participant_id WHERE o.kind = 'promotion' AND "
	    "p.email = 'c@example.org' AND o.event_id = ?1", event_id), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = "
	    "'room.edit' AND ?1 > 0", 1), 1);
}

static void
test_forgetting_someone_gives_their_place_to_the_waiting_list(void **state)
{
	struct fault f = { 0 };

	(void)state;
	add_participant("d@example.org");
	assert_string_equal(reg("d@example.org"), "waitlist");
	must(schedule_participant_forget(db, "a@example.org", "test", &f), &f,
	    "forget");
	assert_int_equal(count("SELECT count(*) FROM participant WHERE email = "
	    "'a@example.org' AND ?1 > 0", 1), 0);
	assert_int_equal(count("SELECT count(*) FROM registration r JOIN "
	    "participant p ON p.id = r.participant_id WHERE p.email = "
	    "'d@example.org' AND r.status = 'going' AND r.event_id = ?1",
	    event_id), 1);
}

static void
test_a_refused_change_leaves_nothing_behind(void **state)
{
	struct event_in in = { .capacity = -1, .start = "2026-12-10 19:00",
	    .duration = "200h" };
	long outbox, audit;
	int64_t new_id;
	struct fault f = { 0 };

	(void)state;
	outbox = count("SELECT count(*) FROM outbox WHERE ?1 > 0", 1);
	audit = count("SELECT count(*) FROM audit WHERE ?1 > 0", 1);
	assert_int_equal(schedule_event_edit(db, event_id, &in, "test", &new_id,
	    &f), -1);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE ?1 > 0", 1),
	    outbox);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE ?1 > 0", 1),
	    audit);
	assert_int_equal(count("SELECT \"end\" - start FROM event WHERE id = ?1",
	    event_id), 7200);
}

static void
test_a_cancellation_queues_one_mail_per_registrant(void **state)
{
	struct event_in in = { .capacity = -1, .reason = "Zaal dicht" };
	long going;
	int64_t new_id;
	struct fault f = { 0 };

	(void)state;
	going = count("SELECT count(DISTINCT participant_id) FROM registration "
	    "WHERE event_id = ?1 AND status = 'going'", event_id);
	assert_true(going >= 2);
	must(schedule_event_cancel(db, event_id, &in, "test", &new_id, &f), &f,
	    "cancel");
	assert_int_equal(new_id, 0);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE kind = "
	    "'cancellation' AND event_id = ?1", event_id), going);
	assert_int_equal(count("SELECT count(DISTINCT participant_id) FROM "
	    "outbox WHERE kind = 'cancellation' AND event_id = ?1", event_id),
	    going);
	/* The room is let go with the event, and the audit says so. */
	assert_int_equal(count("SELECT count(*) FROM booking_slot s JOIN "
	    "booking b ON b.id = s.booking_id WHERE b.event_id = ?1 AND "
	    "s.state = 'held'", event_id), 0);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = "
	    "'event.cancel' AND ?1 > 0", 1), 1);
}

/* Book room (LOC/ROOM) for group on start, 2 hours, and cancel it. */
static int64_t
book_and_cancel(const char *room, const char *group, const char *start)
{
	static const struct booking_viewer admin = { .all = 1 };
	struct booking_in in = { .room = room, .start = start,
	    .duration = "2h", .title = "Overleg", .group = group };
	struct booking_result res = { 0 };
	struct conflicts refused = { 0 };
	struct fault f = { 0 };

	must(schedule_booking_add(db, &in, &admin, "test", &res, &refused, &f),
	    &f, "booking add");
	conflicts_free(&res.skipped);
	must(booking_cancel(db, res.id, NULL, "test", &f), &f, "cancel");
	return res.id;
}

static void
test_removing_a_room_takes_its_cancelled_bookings(void **state)
{
	struct room_in small = { "herstelhuis/klein", "Klein", NULL, 4, 0, 0 };
	struct fault f = { 0 };
	struct room r;
	int64_t id, booking;

	(void)state;
	must(room_add(db, &small, "test", &id, &f), &f, "room add");
	must(room_get(db, "herstelhuis/klein", &r, &f), &f, "room get");
	booking = book_and_cancel("herstelhuis/klein", "lotgenoten",
	    "2026-12-17 10:00");
	assert_true(count("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = ?1", booking) > 0);
	must(schedule_room_remove(db, "herstelhuis/klein", "test", &f), &f,
	    "room remove");
	assert_int_equal(count("SELECT count(*) FROM booking WHERE room_id = ?1",
	    r.id), 0);
	assert_int_equal(count("SELECT count(*) FROM booking_slot WHERE "
	    "room_id = ?1", r.id), 0);
	assert_int_equal(count("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = ?1", booking), 0);
	assert_int_equal(count("SELECT count(*) FROM room WHERE id = ?1", r.id),
	    0);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = "
	    "'room.remove' AND object = 'herstelhuis/klein' AND ?1 > 0", 1), 1);
}

static void
test_removing_a_group_removes_its_tokens(void **state)
{
	static const struct group_in g = { "buurt", "Buurtgroep",
	    "steungroep", "buurt@example.org", 0 };
	char secret[TOKEN_SECRET_LEN + 1];
	struct fault f = { 0 };
	int64_t gid, token, booking;
	long audit;

	(void)state;
	must(group_add(db, &g, "test", &gid, &f), &f, "group add");
	must(token_create(db, "organizer", "buurt", NULL, "Buurt", "test",
	    &token, secret, &f), &f, "token create");
	/* An active token keeps the group. */
	assert_int_equal(schedule_group_remove(db, "buurt", "test", &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	memset(&f, 0, sizeof(f));
	must(token_revoke(db, token, "test", &f), &f, "token revoke");
	booking = book_and_cancel("herstelhuis/zaal", "buurt",
	    "2026-12-24 10:00");
	audit = count("SELECT count(*) FROM audit WHERE ?1 > 0", 1);
	must(schedule_group_remove(db, "buurt", "test", &f), &f, "group remove");
	assert_int_equal(count("SELECT count(*) FROM token WHERE id = ?1",
	    token), 0);
	assert_int_equal(count("SELECT count(*) FROM token WHERE group_id = ?1",
	    gid), 0);
	assert_int_equal(count("SELECT count(*) FROM grp WHERE id = ?1", gid), 0);
	/* The cancelled booking keeps its record without the group. */
	assert_int_equal(count("SELECT count(*) FROM booking WHERE id = ?1 AND "
	    "group_id IS NULL", booking), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE ?1 > 0", 1),
	    audit + 1);
}

/*
 * Web requests nobody confirmed do not keep an address longer than their
 * link works: expired and used ones go, with the link mails sent before
 * the limit; a request whose link still works stays.
 */
static void
test_purging_web_requests_keeps_only_working_links(void **state)
{
	time_t now = TESTCLOCK_START;
	char sql[1024], *msg = NULL;

	(void)state;
	snprintf(sql, sizeof(sql), "INSERT INTO optin (token_hash, event_id, "
	    "email, created, expires, used) VALUES "
	    "('h1', %lld, 'old@example.org', %lld, %lld, NULL), "
	    "('h2', %lld, 'used@example.org', %lld, %lld, %lld), "
	    "('h3', %lld, 'fresh@example.org', %lld, %lld, NULL);"
	    "INSERT INTO outbox (key, kind, recipient, subject, message, due, "
	    "status, created, next_attempt) VALUES "
	    "('optin:a', 'confirmation', 'old@example.org', 's', 'm', %lld, "
	    "'sent', %lld, 0), "
	    "('optin:b', 'confirmation', 'fresh@example.org', 's', 'm', %lld, "
	    "'sent', %lld, 0), "
	    "('optin:c', 'confirmation', 'late@example.org', 's', 'm', %lld, "
	    "'pending', %lld, 0)",
	    (long long)event_id, (long long)(now - 5 * 86400),
	    (long long)(now - 3 * 86400),
	    (long long)event_id, (long long)(now - 3600), (long long)(now + 3600),
	    (long long)(now - 60),
	    (long long)event_id, (long long)(now - 3600), (long long)(now + 86400),
	    (long long)(now - 5 * 86400), (long long)(now - 5 * 86400),
	    (long long)(now - 3600), (long long)(now - 3600),
	    (long long)(now - 5 * 86400), (long long)(now - 5 * 86400));
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	assert_int_equal(optin_purge(db, now, 2 * 86400), 0);
	assert_int_equal(count("SELECT count(*) FROM optin WHERE ?1 > 0", 1), 1);
	assert_int_equal(count("SELECT count(*) FROM optin WHERE email = "
	    "'fresh@example.org' AND ?1 > 0", 1), 1);
	/* Sent long ago: gone; sent an hour ago or still pending: kept. */
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE key LIKE "
	    "'optin:%' AND ?1 > 0", 1), 2);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE key = "
	    "'optin:a' AND ?1 > 0", 1), 0);
}

/*
 * A closure over a session that is held: refused as it is, written
 * nowhere as a dry run, and with CLOSURE_CANCEL the occurrence, its
 * mails, the room and the closure in one transaction.
 */
static void
test_a_closure_over_a_held_occurrence(void **state)
{
	struct event_in in = { .kind = "steungroep", .title = "Reeks",
	    .group = "lotgenoten", .room = "herstelhuis/zaal",
	    .start = "2026-12-17 19:00", .duration = "2h",
	    .rrule = "FREQ=WEEKLY;COUNT=3", .capacity = -1 };
	struct closure_in c = { .target = "herstelhuis", .from = "2026-12-24",
	    .to = "2026-12-25", .reason = "Lekkage" };
	struct closure_result res;
	struct reg_result rr;
	struct fault f = { 0 };
	long outbox, audit;
	int64_t id;

	(void)state;
	must(schedule_event_add(db, &in, "test", &id, &f), &f, "series");
	add_participant("s1@example.org");
	must(reg_register(db, id, "s1@example.org", NULL, 0, "test", &rr, &f),
	    &f, "s1");
	outbox = count("SELECT count(*) FROM outbox WHERE ?1 > 0", 1);
	audit = count("SELECT count(*) FROM audit WHERE ?1 > 0", 1);

	/* Asked without saying what should happen: refused, with the list. */
	assert_int_equal(schedule_closure_add(db, &c, CLOSURE_ASK, "test", &res,
	    &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.v[0].h.event_id, id);
	assert_int_equal(res.v[0].going, 1);
	assert_int_equal(res.v[0].noffers, 0);	/* the only room is closed */
	closure_result_free(&res);
	memset(&f, 0, sizeof(f));
	must(schedule_closure_add(db, &c, CLOSURE_DRY_RUN, "test", &res, &f),
	    &f, "dry run");
	assert_int_equal(res.n, 1);
	assert_int_equal(res.id, 0);
	closure_result_free(&res);
	assert_int_equal(count("SELECT count(*) FROM closure WHERE ?1 > 0", 1),
	    0);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE ?1 > 0", 1),
	    outbox);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE ?1 > 0", 1),
	    audit);

	must(schedule_closure_add(db, &c, CLOSURE_CANCEL, "test", &res, &f),
	    &f, "cancel affected");
	assert_true(res.id > 0);
	assert_int_equal(res.cancelled, 1);
	closure_result_free(&res);
	assert_int_equal(count("SELECT count(*) FROM event_override WHERE "
	    "event_id = ?1 AND cancelled = 1 AND cancel_reason = 'Lekkage'",
	    id), 1);
	assert_int_equal(count("SELECT count(*) FROM booking_slot s JOIN "
	    "booking b ON b.id = s.booking_id WHERE b.event_id = ?1 AND "
	    "s.state = 'held'", id), 2);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE kind = "
	    "'cancellation' AND event_id = ?1", id), 1);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE recipient = "
	    "'info@example.org' AND key LIKE 'booking/closed/%' AND "
	    "event_id = ?1", id), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action IN "
	    "('closure.add', 'event.cancel') AND id > ?1", audit), 2);

	/* The next closure there hits nothing: added as it is. */
	c.from = "2026-12-25";
	c.to = "2026-12-26";
	must(schedule_closure_add(db, &c, CLOSURE_ASK, "test", &res, &f), &f,
	    "nothing held");
	assert_int_equal(res.n, 0);
	closure_result_free(&res);
}

int
main(void)
{
	/* In order: each builds on the state the one before left. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_room_that_grows_promotes_its_waiting_list),
		cmocka_unit_test(test_forgetting_someone_gives_their_place_to_the_waiting_list),
		cmocka_unit_test(test_a_refused_change_leaves_nothing_behind),
		cmocka_unit_test(test_a_cancellation_queues_one_mail_per_registrant),
		cmocka_unit_test(test_removing_a_room_takes_its_cancelled_bookings),
		cmocka_unit_test(test_removing_a_group_removes_its_tokens),
		cmocka_unit_test(test_purging_web_requests_keeps_only_working_links),
		cmocka_unit_test(test_a_closure_over_a_held_occurrence),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

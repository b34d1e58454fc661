/*
 * Unit tests for booking.c, the one conflict engine: period edges, DST,
 * series against series, closures and opening hours, skipping conflicts,
 * freeing and restoring slots, rolling the horizon, and the index the
 * overlap query runs on.  Every test works on a fresh temporary database
 * with two locations in Europe/Amsterdam:
 *
 *   herstelhuis  "mon-sat 09:00-22:00": zaal-1, zaal-2, kantoor (approval)
 *   nachtcafe    no opening hours:      zaal
 *
 * Pure overlap edges use nachtcafe/zaal, where the hours play no part.
 * Every refusal must leave booking, booking_slot and audit as they were,
 * and after every test no two held slots of one room overlap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hersteld/booking.h"
#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/log.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define WEEK	(7L * 86400)

#define ZONE	"Europe/Amsterdam"
#define TITLE	"Lotgenotengroep"
#define GROUP	"lotgenoten-zuidoost"
#define GNAME	"Lotgenoten Zuidoost"

/*
 * The engine's overlap query, copied from booking_check() in
 * daemon/booking.c: keep the two in step.
 */
#define OVERLAP_SQL "SELECT s.booking_id, b.title, b.private, " \
	"coalesce(b.group_id, 0), coalesce(g.name, ''), " \
	"coalesce(e.visibility, ''), coalesce(e.title, ''), s.start, " \
	"s.\"end\" FROM booking_slot s JOIN booking b ON b.id = s.booking_id " \
	"LEFT JOIN grp g ON g.id = b.group_id " \
	"LEFT JOIN event e ON e.id = b.event_id " \
	"WHERE s.room_id = ?1 AND s.state = 'held' AND s.start < ?3 " \
	"AND s.start > ?2 - 604800 ORDER BY s.start DESC LIMIT 1"

static char	 dir[] = "/tmp/hersteld-test-booking-XXXXXX";
static char	 dbpath[256], confpath[256];
static sqlite3	*db;
static const struct booking_viewer admin = { .all = 1 };

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static void
expect_prefix(const char *what, const char *hay, const char *prefix)
{
	if (strncmp(hay, prefix, strlen(prefix)) != 0)
		fail_msg("%s: \"%s\" does not start with \"%s\"", what, hay,
		    prefix);
}

/* "YYYY-MM-DD HH:MM" in Europe/Amsterdam as UTC seconds. */
static time_t
local(const char *s)
{
	struct fault f = { 0 };
	time_t t;

	if (when_parse(&f, "test", s, when_zone(ZONE), &t) != 0)
		fail_msg("when_parse(\"%s\"): %s", s, f.msg);
	return t;
}

/* The local date of t, "YYYY-MM-DD" (16 bytes). */
static void
local_date(time_t t, char *out)
{
	when_format_date(t, when_zone(ZONE), out);
}

/* The first column of the first row of sql, as an integer. */
static long
query_long(const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	va_list ap;
	long n = -1;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What a refusal must not change. */
struct counts {
	long	booking, slot, held, audit;
	long	states;		/* a digest of every slot's state */
	long	statuses;	/* a digest of every booking's status */
};

static struct counts
counts_now(void)
{
	struct counts c;

	c.booking = query_long("SELECT count(*) FROM booking");
	c.slot = query_long("SELECT count(*) FROM booking_slot");
	c.held = query_long("SELECT count(*) FROM booking_slot WHERE "
	    "state = 'held'");
	c.audit = query_long("SELECT count(*) FROM audit");
	c.states = query_long("SELECT coalesce(sum(id * CASE state WHEN "
	    "'held' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END), 0) "
	    "FROM booking_slot");
	c.statuses = query_long("SELECT coalesce(sum(id * length(status)), 0) "
	    "FROM booking");
	return c;
}

static void
expect_unchanged(const char *what, struct counts before)
{
	struct counts now = counts_now();

	if (memcmp(&now, &before, sizeof(now)) != 0)
		fail_msg("%s changed the database: booking %ld->%ld, "
		    "booking_slot %ld->%ld, held %ld->%ld, audit %ld->%ld, "
		    "slot states %ld->%ld, statuses %ld->%ld", what,
		    before.booking, now.booking, before.slot, now.slot,
		    before.held, now.held, before.audit, now.audit,
		    before.states, now.states, before.statuses, now.statuses);
	if (!sqlite3_get_autocommit(db))
		fail_msg("%s left a transaction open", what);
}

/* Install a config with the given booking horizon. */
static int
install_conf(int horizon_days)
{
	char err[1024];
	struct conf *c;
	FILE *fp;

	if ((fp = fopen(confpath, "w")) == NULL)
		return -1;
	fprintf(fp, "database = \"%s\";\ntimezone = \"%s\";\n"
	    "listen = { socket = \"%s/s\"; };\n"
	    "bookings = { horizon_days = %d; };\n", dbpath, ZONE, dir,
	    horizon_days);
	fclose(fp);
	if ((c = conf_load(confpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "conf_load: %s\n", err);
		return -1;
	}
	conf_install(c);
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	log_init(1, LOG_LVL_ERROR);	/* no "schema upgraded", no roll warnings */
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/test.db", dir);
	snprintf(confpath, sizeof(confpath), "%s/test.conf", dir);
	return install_conf(730);
}

static void
unlink_db(void)
{
	char path[300];

	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
}

static int
group_teardown(void **state)
{
	(void)state;
	conf_shutdown();
	when_shutdown();
	unlink(confpath);
	unlink_db();
	rmdir(dir);
	return 0;
}

/* Every database test starts from the fixture on an empty schema. */
static int
db_setup(void **state)
{
	static const struct location_in locs[] = {
		{ "herstelhuis", "Herstelhuis", "Bijlmerplein 1", ZONE,
		    "mon-sat 09:00-22:00", NULL },
		{ "nachtcafe", "Nachtcafe", NULL, ZONE, NULL, NULL },
	};
	static const struct room_in rooms[] = {
		{ "herstelhuis/zaal-1", "Zaal 1", NULL, 12, 1, 0 },
		{ "herstelhuis/zaal-2", "Zaal 2", NULL, 20, 1, 0 },
		{ "herstelhuis/kantoor", "Kantoor", NULL, 4, 0, 1 },
		{ "nachtcafe/zaal", "Zaal", NULL, 30, 1, 0 },
	};
	static const struct group_in groups[] = {
		{ GROUP, GNAME, "steungroep", NULL, 0 },
		{ "buurtteam", "Buurtteam", "partner", NULL, 0 },
	};
	char err[512];
	struct fault f = { 0 };
	int64_t id;

	(void)state;
	unlink_db();
	if (install_conf(730) != 0)
		return -1;
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < N(locs); i++)
		if (location_add(db, &locs[i], "test", &id, &f) != 0)
			goto bad;
	for (size_t i = 0; i < N(rooms); i++)
		if (room_add(db, &rooms[i], "test", &id, &f) != 0)
			goto bad;
	for (size_t i = 0; i < N(groups); i++)
		if (group_add(db, &groups[i], "test", &id, &f) != 0)
			goto bad;
	return 0;
bad:
	fprintf(stderr, "fixture: %s\n", f.msg);
	return -1;
}

/*
 * After every test: no two held slots of one room overlap, and declined
 * or cancelled bookings hold nothing.
 */
static int
db_teardown(void **state)
{
	long overlaps, stale;
	int ret = 0;

	(void)state;
	overlaps = query_long("SELECT count(*) FROM booking_slot a JOIN "
	    "booking_slot b ON a.room_id = b.room_id AND a.id < b.id "
	    "WHERE a.state = 'held' AND b.state = 'held' "
	    "AND a.start < b.\"end\" AND b.start < a.\"end\"");
	stale = query_long("SELECT count(*) FROM booking_slot s JOIN booking b "
	    "ON b.id = s.booking_id WHERE s.state = 'held' AND b.status NOT IN "
	    "('requested', 'confirmed')");
	if (overlaps != 0 || stale != 0) {
		fprintf(stderr, "invariant broken: %ld overlapping pair(s) of "
		    "held slots, %ld held slot(s) of declined/cancelled "
		    "bookings\n", overlaps, stale);
		ret = -1;
	}
	sqlite3_close_v2(db);
	db = NULL;
	return ret;
}

/* ---- helpers for booking ---- */

static struct booking_in
req(const char *room, const char *start, const char *end, const char *rrule)
{
	struct booking_in in = { .room = room, .start = start, .end = end,
	    .rrule = rrule, .title = TITLE, .group = GROUP };

	return in;
}

static int64_t
room_id(const char *ref)
{
	struct room r;
	struct fault f = { 0 };

	if (room_get(db, ref, &r, &f) != 0)
		fail_msg("room_get %s: %s", ref, f.msg);
	return r.id;
}

/* Book; fail the test on refusal.  booked < 0: any number. */
static int64_t
must_book(const struct booking_in *in, int booked)
{
	struct booking_result res;
	struct conflicts refused = { 0 };
	struct fault f = { 0 };

	if (schedule_booking_add(db, in, &admin, "test", &res, &refused, &f) != 0) {
		const char *first = refused.n ? refused.v[0].text : "";

		fail_msg("booking %s %s-%s (%s) refused: %s %s", in->room,
		    in->start, in->end ? in->end : in->duration,
		    in->rrule ? in->rrule : "once", f.msg, first);
	}
	if (!in->dry_run)
		assert_true(res.id > 0);
	if (booked >= 0 && res.booked != booked)
		fail_msg("booking %s %s: %d occurrence(s) held, want %d",
		    in->room, in->start, res.booked, booked);
	conflicts_free(&res.skipped);
	assert_true(sqlite3_get_autocommit(db));
	return res.id;
}

/*
 * Book and expect a refusal of kind with msg that changes nothing; the
 * conflicts are left in *refused (caller frees).
 */
static void
must_refuse(const struct booking_in *in, enum fault_kind kind,
    const char *msg, struct conflicts *refused)
{
	struct counts before = counts_now();
	struct booking_result res;
	struct fault f = { 0 };

	memset(refused, 0, sizeof(*refused));
	if (schedule_booking_add(db, in, &admin, "test", &res, refused, &f) != -1)
		fail_msg("booking %s %s-%s (%s) accepted, %d held", in->room,
		    in->start, in->end ? in->end : in->duration,
		    in->rrule ? in->rrule : "once", res.booked);
	if (f.kind != kind)
		fail_msg("booking %s %s: fault %d, want %d (%s)", in->room,
		    in->start, f.kind, kind, f.msg);
	expect_contains("refusal", f.msg, msg);
	expect_unchanged("a refused booking", before);
}

/* Check one period directly, inside a transaction as the engine wants. */
static void
check_period(int64_t room, time_t start, time_t end, struct conflicts *out)
{
	struct slot s = { .recurrence_id = start, .start = start, .end = end };
	struct fault f = { 0 };

	memset(out, 0, sizeof(*out));
	assert_int_equal(store_begin(db), 0);
	if (booking_check(db, room, &s, 1, 0, &admin, out, &f) != 0)
		fail_msg("booking_check: %s", f.msg);
	store_rollback(db);
	assert_int_equal(out->checked, 1);
}

/* Held slots of booking id. */
static long
held_of(int64_t id)
{
	return query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state = 'held'", (long long)id);
}

/* ---- edges ---- */

static void
test_period_edges_conflict_only_when_they_share_time(void **state)
{
	/* Against an existing booking [19:00, 21:00). */
	static const struct {
		const char	*from, *to;
		int		 conflict;
	} cases[] = {
		{ "21:00", "23:00", 0 },	/* back to back after */
		{ "17:00", "19:00", 0 },	/* back to back before */
		{ "20:59", "22:00", 1 },	/* one minute into its end */
		{ "18:00", "19:01", 1 },	/* one minute into its start */
		{ "19:00", "21:00", 1 },	/* identical */
		{ "19:30", "20:30", 1 },	/* strictly inside */
		{ "18:00", "22:00", 1 },	/* strictly around */
		{ "21:01", "22:00", 0 },	/* one minute apart after */
		{ "17:00", "18:59", 0 },	/* one minute apart before */
	};
	int64_t room = room_id("nachtcafe/zaal");

	(void)state;
	/*
	 * Both directions: the fixed period first and the case second, and
	 * the case first and the fixed period second, each on its own day.
	 */
	for (size_t i = 0; i < N(cases); i++) {
		for (int rev = 0; rev < 2; rev++) {
			char day[24], a0[32], a1[32], b0[32], b1[32];
			struct booking_in first, second;
			struct conflicts c;
			int64_t id;

			snprintf(day, sizeof(day), "2026-12-%02d",
			    (int)(1 + 2 * i + rev));
			snprintf(a0, sizeof(a0), "%s 19:00", day);
			snprintf(a1, sizeof(a1), "%s 21:00", day);
			snprintf(b0, sizeof(b0), "%s %s", day, cases[i].from);
			snprintf(b1, sizeof(b1), "%s %s", day, cases[i].to);
			first = rev == 0 ? req("nachtcafe/zaal", a0, a1, NULL) :
			    req("nachtcafe/zaal", b0, b1, NULL);
			second = rev == 0 ? req("nachtcafe/zaal", b0, b1, NULL) :
			    req("nachtcafe/zaal", a0, a1, NULL);
			id = must_book(&first, 1);

			/* The engine itself... */
			check_period(room, local(second.start),
			    local(second.end), &c);
			if (c.n != cases[i].conflict)
				fail_msg("[19:00,21:00) vs [%s,%s) %s: %d "
				    "conflict(s), want %d", cases[i].from,
				    cases[i].to, rev ? "(reversed)" : "", c.n,
				    cases[i].conflict);
			conflicts_free(&c);

			/* ...and booking through it. */
			if (!cases[i].conflict) {
				must_book(&second, 1);
				continue;
			}
			must_refuse(&second, FAULT_CONFLICT, "not free for 1 of 1",
			    &c);
			assert_int_equal(c.n, 1);
			assert_string_equal(c.v[0].kind, "booking");
			assert_int_equal(c.v[0].booking_id, id);
			assert_int_equal(c.v[0].start, local(second.start));
			expect_contains("conflict text", c.v[0].text,
			    "booked: \"" TITLE "\" (" GNAME ")");
			conflicts_free(&c);
		}
	}
}

static void
test_rooms_do_not_conflict_with_each_other(void **state)
{
	struct booking_in a = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", NULL);
	struct booking_in b = a;

	(void)state;
	b.room = "herstelhuis/zaal-2";
	must_book(&a, 1);
	must_book(&b, 1);
}

/* A week-long booking (the longest) still blocks its very last minute. */
static void
test_week_long_booking_blocks_its_last_minute(void **state)
{
	struct booking_in week = req("nachtcafe/zaal", "2026-12-07 10:00",
	    "2026-12-14 10:00", NULL);
	struct booking_in last = req("nachtcafe/zaal", "2026-12-14 09:59",
	    "2026-12-14 11:00", NULL);
	struct booking_in after = req("nachtcafe/zaal", "2026-12-14 10:00",
	    "2026-12-14 11:00", NULL);
	struct conflicts c;

	(void)state;
	must_book(&week, 1);
	must_refuse(&last, FAULT_CONFLICT, "not free", &c);
	assert_int_equal(c.n, 1);
	conflicts_free(&c);
	must_book(&after, 1);
}

/* ---- DST ---- */

/* Every slot of booking id (want of them) starts at hour:minute local. */
static void
expect_slots_at_local(int64_t id, int hour, int minute, int want)
{
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT start FROM booking_slot "
	    "WHERE booking_id = ?1 ORDER BY start", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		time_t t = sqlite3_column_int64(st, 0);
		struct icaltimetype lt = when_local(t, when_zone(ZONE));
		char buf[32];

		when_format_local(t, when_zone(ZONE), buf);
		if (lt.hour != hour || lt.minute != minute)
			fail_msg("occurrence at %s, want %02d:%02d local", buf,
			    hour, minute);
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, want);
}

/*
 * A weekly 19:00-21:00 series across a DST change (day) against single
 * bookings on the Tuesday after it: overlapping in local time conflicts,
 * back to back in local time does not, whichever comes first.
 */
static void
dst_case(const char *first, const char *rrule, int occurrences,
    const char *after)
{
	char s0[32], s1[32], in0[32], in1[32], bb0[32], bb1[32], ba0[32],
	    ba1[32], want[64];
	struct booking_in series, inside, before, behind;
	struct conflicts c;
	int64_t id;

	snprintf(s0, sizeof(s0), "%s 19:00", first);
	snprintf(s1, sizeof(s1), "%s 21:00", first);
	snprintf(in0, sizeof(in0), "%s 19:30", after);
	snprintf(in1, sizeof(in1), "%s 20:30", after);
	snprintf(bb0, sizeof(bb0), "%s 18:00", after);
	snprintf(bb1, sizeof(bb1), "%s 19:00", after);
	snprintf(ba0, sizeof(ba0), "%s 21:00", after);
	snprintf(ba1, sizeof(ba1), "%s 22:00", after);

	/* Series first, in zaal-1. */
	series = req("herstelhuis/zaal-1", s0, s1, rrule);
	id = must_book(&series, occurrences);
	expect_slots_at_local(id, 19, 0, occurrences);
	inside = req("herstelhuis/zaal-1", in0, in1, NULL);
	must_refuse(&inside, FAULT_CONFLICT, "not free", &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].booking_id, id);
	snprintf(want, sizeof(want), "%s 19:30-20:30: booked:", after);
	expect_prefix("DST conflict", c.v[0].text, want);
	conflicts_free(&c);
	before = req("herstelhuis/zaal-1", bb0, bb1, NULL);
	must_book(&before, 1);
	behind = req("herstelhuis/zaal-1", ba0, ba1, NULL);
	must_book(&behind, 1);

	/* The single booking first, in zaal-2: the series names it. */
	inside.room = "herstelhuis/zaal-2";
	must_book(&inside, 1);
	series.room = "herstelhuis/zaal-2";
	must_refuse(&series, FAULT_CONFLICT, "not free for 1 of", &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.checked, occurrences);
	snprintf(want, sizeof(want), "%s 19:00-21:00: booked:", after);
	expect_prefix("DST conflict", c.v[0].text, want);
	conflicts_free(&c);
}

static void
test_weekly_series_conflicts_across_spring_dst(void **state)
{
	(void)state;
	/* Summer time starts on Sunday 2027-03-28. */
	dst_case("2027-03-16", "FREQ=WEEKLY;UNTIL=20270420T235959Z", 6,
	    "2027-03-30");
}

static void
test_weekly_series_conflicts_across_autumn_dst(void **state)
{
	(void)state;
	/* Summer time ends on Sunday 2027-10-31. */
	dst_case("2027-10-19", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271116T235959Z", 5,
	    "2027-11-02");
}

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

/* The start of the slot of booking id on local date date. */
static time_t
slot_start_on(int64_t id, const char *date)
{
	sqlite3_stmt *st;
	time_t t = -1;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT start FROM booking_slot "
	    "WHERE booking_id = ?1 ORDER BY start", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char d[16];

		local_date(sqlite3_column_int64(st, 0), d);
		if (strcmp(d, date) == 0)
			t = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (t == -1)
		fail_msg("booking %lld has no occurrence on %s", (long long)id,
		    date);
	return t;
}

/* The slot of booking id on local date date starts at want (UTC). */
static void
expect_slot_at(int64_t id, const char *date, time_t want)
{
	time_t got = slot_start_on(id, date);
	char g[32], w[32];

	if (got == want)
		return;
	when_format_local(got, when_zone(ZONE), g);
	when_format_local(want, when_zone(ZONE), w);
	fail_msg("occurrence on %s held from %s (UTC %lld), want %s (UTC %lld)",
	    date, g, (long long)got, w, (long long)want);
}

/*
 * 02:30 does not exist on 2027-03-28 and happens twice on 2027-10-31.
 * RFC 5545 (3.3.5): a nonexistent time is read with the offset before the
 * gap (02:30 +01:00 = 03:30 summer time); an ambiguous one takes the first
 * reading, as when_parse does.  No occurrence is lost, and the ones after
 * the change are at 02:30 again.
 */
static void
test_weekly_series_in_the_dst_gap_returns_to_its_local_time(void **state)
{
	struct booking_in spring = req("nachtcafe/zaal", "2027-03-21 02:30",
	    "2027-03-21 03:30", "FREQ=WEEKLY;COUNT=4");
	struct booking_in after_gap = req("nachtcafe/zaal", "2027-03-28 04:30",
	    "2027-03-28 05:00", NULL);
	struct booking_in week_after = req("nachtcafe/zaal", "2027-04-04 02:30",
	    "2027-04-04 03:00", NULL);
	struct conflicts c;
	int64_t id;

	(void)state;
	id = must_book(&spring, 4);
	expect_slot_at(id, "2027-03-21", utc(2027, 3, 21, 1, 30));
	expect_slot_at(id, "2027-03-28", utc(2027, 3, 28, 1, 30));
	/* 03:30-04:30 summer time is held; 04:30 is back to back. */
	must_book(&after_gap, 1);
	after_gap.start = "2027-03-28 04:00";
	must_refuse(&after_gap, FAULT_CONFLICT, "not free", &c);
	conflicts_free(&c);
	/* The week after, the series holds 02:30-03:30 again. */
	expect_slot_at(id, "2027-04-04", local("2027-04-04 02:30"));
	expect_slot_at(id, "2027-04-11", local("2027-04-11 02:30"));
	must_refuse(&week_after, FAULT_CONFLICT, "not free", &c);
	conflicts_free(&c);
}

static void
test_weekly_series_in_the_repeated_dst_hour_takes_the_first(void **state)
{
	struct booking_in autumn = req("nachtcafe/zaal", "2027-10-24 02:30",
	    "2027-10-24 03:30", "FREQ=WEEKLY;COUNT=3");
	int64_t id;

	(void)state;
	id = must_book(&autumn, 3);
	expect_slot_at(id, "2027-10-31", local("2027-10-31 02:30"));
	expect_slot_at(id, "2027-10-31", utc(2027, 10, 31, 0, 30));
	expect_slot_at(id, "2027-11-07", utc(2027, 11, 7, 1, 30));
}

/* ---- series vs series ---- */

static void
test_weekly_series_on_different_weekdays_do_not_conflict(void **state)
{
	struct booking_in tue = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T235959Z");
	struct booking_in wed = req("herstelhuis/zaal-1", "2026-12-09 19:00",
	    "2026-12-09 21:00", "FREQ=WEEKLY;BYDAY=WE;UNTIL=20271231T235959Z");
	struct booking_in late = req("herstelhuis/zaal-1", "2026-12-08 21:00",
	    "2026-12-08 22:00", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T235959Z");

	(void)state;
	must_book(&tue, 56);
	must_book(&wed, 56);
	/* Back to back with the Tuesday series, week after week. */
	must_book(&late, 56);
}

static void
test_weekly_and_biweekly_series_conflict_on_exactly_the_shared_dates(void **state)
{
	static const char *shared[] = { "2026-12-15", "2026-12-29",
	    "2027-01-12", "2027-01-26", "2027-02-09", "2027-02-23" };
	struct booking_in biweekly = req("herstelhuis/zaal-1",
	    "2026-12-15 19:00", "2026-12-15 21:00",
	    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270228T235959Z");
	struct booking_in weekly = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270228T235959Z");
	struct booking_result res;
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	int64_t bi;

	(void)state;
	bi = must_book(&biweekly, 6);
	must_refuse(&weekly, FAULT_CONFLICT, "not free for 6 of 12", &c);
	assert_int_equal(c.checked, 12);
	assert_int_equal(c.n, (int)N(shared));
	for (size_t i = 0; i < N(shared); i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s 19:00-21:00: booked: \"" TITLE
		    "\"", shared[i]);
		expect_prefix("shared date", c.v[i].text, want);
		assert_int_equal(c.v[i].booking_id, bi);
		assert_string_equal(c.v[i].kind, "booking");
	}
	conflicts_free(&c);

	/* With --skip-conflicts the other six Tuesdays are held. */
	weekly.skip_conflicts = 1;
	assert_int_equal(schedule_booking_add(db, &weekly, &admin, "test", &res, &c, &f), 0);
	assert_int_equal(res.booked, 6);
	assert_int_equal(res.skipped.n, 6);
	for (size_t i = 0; i < N(shared); i++)
		expect_prefix("skipped date", res.skipped.v[i].text, shared[i]);
	assert_int_equal(held_of(res.id), 6);
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state = 'skipped'", (long long)res.id), 6);
	conflicts_free(&res.skipped);

	/* Now neither series has room for a third Tuesday series. */
	must_refuse(&biweekly, FAULT_CONFLICT, "not free for 6 of 6", &c);
	conflicts_free(&c);
	biweekly.skip_conflicts = 1;
	must_refuse(&biweekly, FAULT_CONFLICT, "not free at any occurrence", &c);
	assert_int_equal(c.n, 6);
	conflicts_free(&c);
}

/* ---- series vs closure ---- */

static void
add_closure(const char *target, const char *from, const char *to,
    const char *reason)
{
	struct closure_in in = { .target = target, .from = from, .to = to,
	    .reason = reason };
	struct fault f = { 0 };
	int64_t id, loc;

	if (closure_add(db, &in, "test", &id, &loc, &f) != 0)
		fail_msg("closure_add %s: %s", target, f.msg);
}

static void
test_weekly_series_across_christmas_closure_is_refused_naming_24_december(void **state)
{
	struct booking_in thu = req("herstelhuis/zaal-1", "2026-12-03 19:00",
	    "2026-12-03 21:00", "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270131T000000Z");
	struct conflicts c;

	(void)state;
	add_closure("herstelhuis", "2026-12-24", "2026-12-27", "Kerst");
	must_refuse(&thu, FAULT_CONFLICT, "not free for 1 of 9", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].kind, "closure");
	assert_int_equal(c.v[0].booking_id, 0);
	assert_string_equal(c.v[0].text, "2026-12-24 19:00-21:00: closed (Kerst)");
	conflicts_free(&c);

	/* The closure covers the whole location: zaal-2 too. */
	thu.room = "herstelhuis/zaal-2";
	must_refuse(&thu, FAULT_CONFLICT, "not free for 1 of 9", &c);
	assert_string_equal(c.v[0].text, "2026-12-24 19:00-21:00: closed (Kerst)");
	conflicts_free(&c);

	/* Another location is not affected. */
	thu.room = "nachtcafe/zaal";
	must_book(&thu, 9);

	/* Skipping the conflict holds the other eight. */
	thu.room = "herstelhuis/zaal-1";
	thu.skip_conflicts = 1;
	must_book(&thu, 8);
}

static void
test_room_closure_affects_only_that_room(void **state)
{
	struct booking_in thu = req("herstelhuis/zaal-1", "2026-12-03 19:00",
	    "2026-12-03 21:00", "FREQ=WEEKLY;BYDAY=TH;COUNT=4");
	struct conflicts c;

	(void)state;
	add_closure("herstelhuis/zaal-1", "2026-12-10", "2026-12-11",
	    "Onderhoud");
	must_refuse(&thu, FAULT_CONFLICT, "not free for 1 of 4", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].kind, "closure");
	assert_string_equal(c.v[0].text,
	    "2026-12-10 19:00-21:00: closed (Onderhoud)");
	conflicts_free(&c);
	thu.room = "herstelhuis/zaal-2";
	must_book(&thu, 4);
}

static void
test_booking_back_to_back_with_a_closure_is_accepted(void **state)
{
	struct booking_in after = req("herstelhuis/zaal-1", "2026-12-17 19:00",
	    "2026-12-17 21:00", NULL);
	struct booking_in into = req("herstelhuis/zaal-1", "2026-12-17 18:59",
	    "2026-12-17 21:00", NULL);
	struct booking_in before = req("herstelhuis/zaal-2", "2026-12-18 09:00",
	    "2026-12-18 12:00", NULL);
	struct conflicts c;

	(void)state;
	add_closure("herstelhuis", "2026-12-17 09:00", "2026-12-17 19:00",
	    "Schoonmaak");
	add_closure("herstelhuis/zaal-2", "2026-12-18 12:00", "2026-12-18 13:00",
	    "Lunch");
	must_refuse(&into, FAULT_CONFLICT, "not free", &c);
	expect_contains("closure", c.v[0].text, "closed (Schoonmaak)");
	conflicts_free(&c);
	must_book(&after, 1);
	must_book(&before, 1);
}

/* ---- opening hours ---- */

static void
test_opening_hours_refuse_sunday_and_late_periods(void **state)
{
	static const struct {
		const char	*room, *start, *end, *text;
	} refused[] = {
		{ "herstelhuis/zaal-1", "2026-12-13 19:00", "2026-12-13 21:00",
		    "2026-12-13 19:00-21:00: outside the opening hours (sunday, "
		    "mon-sat 09:00-22:00)" },
		{ "herstelhuis/zaal-1", "2026-12-08 21:30", "2026-12-08 22:30",
		    "2026-12-08 21:30-22:30: outside the opening hours (tuesday, "
		    "mon-sat 09:00-22:00)" },
		{ "herstelhuis/zaal-1", "2026-12-08 08:59", "2026-12-08 10:00",
		    NULL },
		{ "herstelhuis/zaal-1", "2026-12-08 21:00", "2026-12-08 22:01",
		    NULL },
		{ "herstelhuis/zaal-1", "2026-12-08 20:00", "2026-12-09 10:00",
		    NULL },
	};
	static const struct {
		const char	*room, *start, *end;
	} accepted[] = {
		{ "herstelhuis/zaal-1", "2026-12-08 21:00", "2026-12-08 22:00" },
		{ "herstelhuis/zaal-1", "2026-12-08 09:00", "2026-12-08 10:00" },
		{ "herstelhuis/zaal-1", "2026-12-12 09:00", "2026-12-12 22:00" },
		{ "nachtcafe/zaal", "2026-12-08 02:00", "2026-12-08 04:00" },
		{ "nachtcafe/zaal", "2026-12-13 19:00", "2026-12-13 21:00" },
	};

	(void)state;
	for (size_t i = 0; i < N(refused); i++) {
		struct booking_in in = req(refused[i].room, refused[i].start,
		    refused[i].end, NULL);
		struct conflicts c;

		must_refuse(&in, FAULT_CONFLICT, "not free for 1 of 1", &c);
		assert_int_equal(c.n, 1);
		assert_string_equal(c.v[0].kind, "hours");
		if (refused[i].text)
			assert_string_equal(c.v[0].text, refused[i].text);
		conflicts_free(&c);
	}
	for (size_t i = 0; i < N(accepted); i++) {
		struct booking_in in = req(accepted[i].room, accepted[i].start,
		    accepted[i].end, NULL);

		must_book(&in, 1);
	}
}

static void
test_series_through_the_weekend_is_refused_on_sundays(void **state)
{
	struct booking_in weekend = req("herstelhuis/zaal-1", "2026-12-12 10:00",
	    "2026-12-12 12:00", "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=4");
	struct conflicts c;

	(void)state;
	must_refuse(&weekend, FAULT_CONFLICT, "not free for 2 of 4", &c);
	assert_int_equal(c.n, 2);
	expect_prefix("sunday", c.v[0].text, "2026-12-13 10:00-12:00: outside");
	expect_prefix("sunday", c.v[1].text, "2026-12-20 10:00-12:00: outside");
	conflicts_free(&c);
	weekend.skip_conflicts = 1;
	must_book(&weekend, 2);
}

/* A location without opening hours is open at all times, midnight too. */
static void
test_location_without_hours_accepts_a_booking_across_midnight(void **state)
{
	struct booking_in night = req("nachtcafe/zaal", "2026-12-08 23:00",
	    "2026-12-09 01:00", NULL);
	struct booking_in weekend = req("nachtcafe/zaal", "2026-12-11 18:00",
	    "2026-12-13 18:00", NULL);

	struct booking_in late = req("nachtcafe/zaal", "2026-12-08 23:30",
	    "2026-12-09 02:00", NULL);
	struct conflicts c;

	(void)state;
	must_book(&night, 1);
	must_book(&weekend, 1);
	/* A conflict across midnight names both dates. */
	late.start = "2026-12-08 23:30";
	must_refuse(&late, FAULT_CONFLICT, "not free", &c);
	assert_string_equal(c.v[0].text, "2026-12-08 23:30 - 2026-12-09 02:00: "
	    "booked: \"" TITLE "\" (" GNAME ")");
	conflicts_free(&c);
	late.start = "2026-12-09 01:00";
	must_book(&late, 1);
}

/* ---- refusals that are not conflicts ---- */

static void
test_bad_requests_are_refused_and_write_nothing(void **state)
{
	static const struct {
		const char	*room, *start, *end, *duration, *rrule, *group;
		enum fault_kind	 kind;
		const char	*msg;
	} cases[] = {
		{ "herstelhuis/nope", "2026-12-08 19:00", "2026-12-08 21:00", NULL,
		    NULL, GROUP, FAULT_NOTFOUND, "unknown room" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", "2026-12-08 21:00",
		    NULL, NULL, "nobody", FAULT_NOTFOUND, "unknown group" },
		{ "herstelhuis/zaal-1", "2026-12-08 21:00", "2026-12-08 19:00",
		    NULL, NULL, GROUP, FAULT_INVALID, "--end must be after --start" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", "2026-12-08 19:00",
		    NULL, NULL, GROUP, FAULT_INVALID, "--end must be after --start" },
		{ "herstelhuis/zaal-1", "2026-11-01 19:00", "2026-11-01 21:00",
		    NULL, NULL, GROUP, FAULT_INVALID, "in the past" },
		{ "herstelhuis/zaal-1", "2029-01-09 19:00", "2029-01-09 21:00",
		    NULL, NULL, GROUP, FAULT_INVALID, "beyond the booking horizon" },
		{ "nachtcafe/zaal", "2026-12-07 10:00", "2026-12-14 10:01", NULL,
		    NULL, GROUP, FAULT_INVALID, "at most 7 days" },
		/* 7 days of wall-clock time that are 7 days and an hour long */
		{ "nachtcafe/zaal", "2027-10-25 10:00", "2027-11-01 10:00", NULL,
		    NULL, GROUP, FAULT_INVALID, "at most 7 days" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", NULL, "8d", NULL,
		    GROUP, FAULT_INVALID, "--duration" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", "2026-12-08 21:00",
		    "2h", NULL, GROUP, FAULT_INVALID, "give --end or --duration" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", NULL, "2h",
		    "FREQ=WEEKLY;BYDAY=XX", GROUP, FAULT_INVALID, "BYDAY" },
		{ "nachtcafe/zaal", "2026-12-08 19:00", NULL, "25h", "FREQ=DAILY",
		    GROUP, FAULT_INVALID, "overlap each other" },
		{ "herstelhuis/zaal-1", "2026-12-08 19:00", NULL, "2h",
		    "FREQ=WEEKLY;UNTIL=20261201T000000Z", GROUP, FAULT_INVALID,
		    "no occurrence" },
		{ "herstelhuis/zaal-1", "2027-03-28 02:30", NULL, "1h", NULL,
		    GROUP, FAULT_INVALID, "does not exist" },
	};

	(void)state;
	must_book(&(struct booking_in){ .room = "nachtcafe/zaal",
	    .start = "2026-12-10 19:00", .duration = "1h", .title = "x" }, 1);
	for (size_t i = 0; i < N(cases); i++) {
		struct booking_in in = { .room = cases[i].room,
		    .start = cases[i].start, .end = cases[i].end,
		    .duration = cases[i].duration, .rrule = cases[i].rrule,
		    .title = TITLE, .group = cases[i].group };
		struct conflicts c;

		must_refuse(&in, cases[i].kind, cases[i].msg, &c);
		assert_int_equal(c.n, 0);
		conflicts_free(&c);
	}
}

/*
 * BOOKING_MAX_SLOTS occurrences may be held; one more is refused.  The
 * 5001 hours from 1 April 2027 cross no DST change (where an hourly time
 * in the skipped hour would fold onto the next one).
 */
static void
test_series_of_exactly_the_maximum_occurrences_is_accepted(void **state)
{
	char rule[64];
	struct booking_in hourly = req("nachtcafe/zaal", "2027-04-01 00:00",
	    "2027-04-01 01:00", rule);
	struct conflicts c;

	(void)state;
	snprintf(rule, sizeof(rule), "FREQ=HOURLY;COUNT=%d",
	    BOOKING_MAX_SLOTS + 1);
	must_refuse(&hourly, FAULT_INVALID, "more than 5000 occurrences", &c);
	conflicts_free(&c);
	snprintf(rule, sizeof(rule), "FREQ=HOURLY;COUNT=%d", BOOKING_MAX_SLOTS);
	must_book(&hourly, BOOKING_MAX_SLOTS);
}

/* ---- skipping, dry runs ---- */

static void
test_skip_conflicts_books_the_rest_and_reports_the_skipped(void **state)
{
	struct booking_in blocker = req("herstelhuis/zaal-1", "2026-12-15 19:30",
	    "2026-12-15 20:30", NULL);
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;COUNT=4");
	struct booking_result res;
	struct conflicts c = { 0 };
	struct booking b;
	struct fault f = { 0 };

	(void)state;
	must_book(&blocker, 1);
	/* Without --skip-conflicts: all or nothing. */
	must_refuse(&series, FAULT_CONFLICT, "--skip-conflicts", &c);
	assert_int_equal(c.n, 1);
	conflicts_free(&c);

	series.skip_conflicts = 1;
	assert_int_equal(schedule_booking_add(db, &series, &admin, "test", &res, &c, &f), 0);
	assert_string_equal(res.status, "confirmed");
	assert_int_equal(res.booked, 3);
	assert_int_equal(res.skipped.n, 1);
	expect_prefix("skipped", res.skipped.v[0].text,
	    "2026-12-15 19:00-21:00: booked: \"" TITLE "\"");
	assert_int_equal(c.n, 0);
	assert_int_equal(booking_get(db, res.id, &b, &f), 0);
	assert_int_equal(b.held, 3);
	/* The skipped date is on record with its reason, holding nothing. */
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state = 'skipped' AND note LIKE "
	    "'2026-12-15 19:00-21:00: booked:%%' AND start = %lld",
	    (long long)res.id, (long long)local("2026-12-15 19:00")), 1);
	conflicts_free(&res.skipped);
}

static void
test_series_with_no_free_occurrence_is_refused_even_with_skip_conflicts(void **state)
{
	struct booking_in xmas = req("herstelhuis/zaal-1", "2026-12-24 19:00",
	    "2026-12-24 21:00", "FREQ=DAILY;COUNT=3");
	struct conflicts c;

	(void)state;
	add_closure("herstelhuis", "2026-12-24", "2026-12-27", "Kerst");
	xmas.skip_conflicts = 1;
	must_refuse(&xmas, FAULT_CONFLICT, "not free at any occurrence", &c);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.checked, 3);
	expect_prefix("first", c.v[0].text, "2026-12-24 19:00-21:00: closed");
	expect_prefix("last", c.v[2].text, "2026-12-26 19:00-21:00: closed");
	conflicts_free(&c);
	/* A dry run says the same and writes nothing either. */
	xmas.dry_run = 1;
	must_refuse(&xmas, FAULT_CONFLICT, "not free at any occurrence", &c);
	conflicts_free(&c);
}

static void
test_dry_run_checks_but_writes_nothing(void **state)
{
	struct booking_in blocker = req("herstelhuis/zaal-1", "2026-12-15 19:30",
	    "2026-12-15 20:30", NULL);
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;COUNT=4");
	struct booking_result res;
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	struct counts before;

	(void)state;
	must_book(&blocker, 1);
	before = counts_now();
	series.dry_run = 1;
	must_refuse(&series, FAULT_CONFLICT, "not free for 1 of 4", &c);
	conflicts_free(&c);
	series.skip_conflicts = 1;
	assert_int_equal(schedule_booking_add(db, &series, &admin, "test", &res, &c, &f), 0);
	assert_int_equal(res.id, 0);
	assert_int_equal(res.booked, 3);
	assert_int_equal(res.skipped.n, 1);
	expect_prefix("dry skipped", res.skipped.v[0].text, "2026-12-15 19:00");
	conflicts_free(&res.skipped);
	expect_unchanged("a dry run", before);
	/* And the slots are still free for a real booking. */
	series.rrule = NULL;
	series.dry_run = series.skip_conflicts = 0;
	must_book(&series, 1);
}

/* ---- freeing and restoring slots ---- */

static void
test_cancelled_booking_frees_its_slot(void **state)
{
	struct booking_in a = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;COUNT=3");
	struct booking_in b = req("herstelhuis/zaal-1", "2026-12-15 20:00",
	    "2026-12-15 22:00", NULL);
	struct conflicts c;
	struct fault f = { 0 };
	struct counts before;
	int64_t id;

	(void)state;
	id = must_book(&a, 3);
	must_refuse(&b, FAULT_CONFLICT, "not free", &c);
	conflicts_free(&c);
	assert_int_equal(booking_cancel(db, id, NULL, "test", &f), 0);
	assert_int_equal(held_of(id), 0);
	must_book(&b, 1);
	/* Cancelling twice is refused and changes nothing. */
	before = counts_now();
	assert_int_equal(booking_cancel(db, id, NULL, "test", &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	expect_contains("cancel twice", f.msg, "already cancelled");
	expect_unchanged("a refused cancel", before);
}

static void
test_requested_booking_holds_its_slot_until_declined(void **state)
{
	struct booking_in a = req("herstelhuis/kantoor", "2026-12-08 19:00",
	    "2026-12-08 21:00", NULL);
	struct booking_in b = a;
	struct booking_result res;
	struct conflicts c = { 0 };
	struct booking bk;
	struct fault f = { 0 };
	struct counts before;

	(void)state;
	assert_int_equal(schedule_booking_add(db, &a, &admin, "test", &res, &c, &f), 0);
	assert_string_equal(res.status, "requested");
	must_refuse(&b, FAULT_CONFLICT, "not free", &c);
	assert_int_equal(c.v[0].booking_id, res.id);
	conflicts_free(&c);
	assert_int_equal(schedule_booking_decline(db, res.id, "Te klein", "test", &f), 0);
	assert_int_equal(booking_get(db, res.id, &bk, &f), 0);
	assert_string_equal(bk.status, "declined");
	assert_string_equal(bk.reason, "Te klein");
	assert_int_equal(bk.held, 0);
	/* Now the slot is free; the asker may confirm at once. */
	b.auto_confirm = 1;
	assert_int_equal(schedule_booking_add(db, &b, &admin, "test", &res, &c, &f), 0);
	assert_string_equal(res.status, "confirmed");
	/* A confirmed booking can no longer be declined. */
	before = counts_now();
	assert_int_equal(schedule_booking_decline(db, res.id, "x", "test", &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	expect_unchanged("a refused decline", before);
}

static void
test_cancelling_one_occurrence_frees_only_that_one(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;COUNT=3");
	struct booking_in mid = req("herstelhuis/zaal-1", "2026-12-15 19:00",
	    "2026-12-15 21:00", NULL);
	struct booking_in last = req("herstelhuis/zaal-1", "2026-12-22 19:00",
	    "2026-12-22 21:00", NULL);
	struct booking b;
	struct conflicts c;
	struct fault f = { 0 };
	struct counts before;
	int64_t id;

	(void)state;
	id = must_book(&series, 3);
	assert_int_equal(booking_cancel(db, id, "2026-12-15", "test", &f), 0);
	assert_int_equal(booking_get(db, id, &b, &f), 0);
	assert_string_equal(b.status, "confirmed");
	assert_int_equal(b.held, 2);
	must_book(&mid, 1);
	must_refuse(&last, FAULT_CONFLICT, "not free", &c);
	assert_int_equal(c.v[0].booking_id, id);
	conflicts_free(&c);
	/* Again, or a date that is no occurrence: refused, nothing changed. */
	before = counts_now();
	assert_int_equal(booking_cancel(db, id, "2026-12-15", "test", &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	memset(&f, 0, sizeof(f));
	assert_int_equal(booking_cancel(db, id, "2026-12-16", "test", &f), -1);
	expect_contains("not an occurrence", f.msg, "is not an occurrence");
	expect_unchanged("a refused occurrence cancel", before);
}

static void
test_restore_holds_an_occurrence_again_only_when_free(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", "FREQ=WEEKLY;COUNT=3");
	struct booking_in blocker = req("herstelhuis/zaal-1", "2026-12-15 20:00",
	    "2026-12-15 21:00", NULL);
	struct booking_in again = req("herstelhuis/zaal-1", "2026-12-15 19:00",
	    "2026-12-15 19:30", NULL);
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	struct counts before;
	int64_t id, bl;

	(void)state;
	id = must_book(&series, 3);
	assert_int_equal(booking_cancel(db, id, "2026-12-15", "test", &f), 0);
	bl = must_book(&blocker, 1);

	before = counts_now();
	assert_int_equal(booking_restore(db, id, "2026-12-15", &admin, "test",
	    &c, &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	expect_contains("restore", f.msg, "still not free on 2026-12-15");
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].booking_id, bl);
	expect_prefix("restore conflict", c.v[0].text,
	    "2026-12-15 19:00-21:00: booked:");
	conflicts_free(&c);
	expect_unchanged("a refused restore", before);
	assert_int_equal(held_of(id), 2);

	memset(&f, 0, sizeof(f));
	assert_int_equal(booking_cancel(db, bl, NULL, "test", &f), 0);
	assert_int_equal(booking_restore(db, id, "2026-12-15", &admin, "test",
	    &c, &f), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(held_of(id), 3);
	must_refuse(&again, FAULT_CONFLICT, "not free", &c);
	assert_int_equal(c.v[0].booking_id, id);
	conflicts_free(&c);

	/* Restoring a held occurrence is refused. */
	before = counts_now();
	memset(&f, 0, sizeof(f));
	assert_int_equal(booking_restore(db, id, "2026-12-15", &admin, "test",
	    &c, &f), -1);
	expect_contains("restore held", f.msg, "already held");
	conflicts_free(&c);
	expect_unchanged("a refused restore", before);
}

static void
test_skipped_occurrence_is_restored_once_the_blocker_is_cancelled(void **state)
{
	struct booking_in blocker = req("herstelhuis/zaal-1", "2026-12-24 19:00",
	    "2026-12-24 20:00", NULL);
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-10 19:00",
	    "2026-12-10 21:00", "FREQ=WEEKLY;BYDAY=TH;COUNT=4");
	struct booking_result res;
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	int64_t bl;

	(void)state;
	bl = must_book(&blocker, 1);
	series.skip_conflicts = 1;
	assert_int_equal(schedule_booking_add(db, &series, &admin, "test", &res, &c, &f), 0);
	assert_int_equal(res.booked, 3);
	conflicts_free(&res.skipped);
	assert_int_equal(booking_restore(db, res.id, "2026-12-24", &admin, "test",
	    &c, &f), -1);
	conflicts_free(&c);
	memset(&f, 0, sizeof(f));
	assert_int_equal(booking_cancel(db, bl, NULL, "test", &f), 0);
	assert_int_equal(booking_restore(db, res.id, "2026-12-24", &admin, "test",
	    &c, &f), 0);
	assert_int_equal(held_of(res.id), 4);
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND note != ''", (long long)res.id), 0);
}

/* ---- what a conflict may name ---- */

static void
test_conflict_with_a_private_booking_says_only_bezet_to_others(void **state)
{
	struct booking_in mine = req("herstelhuis/zaal-1", "2026-12-08 19:00",
	    "2026-12-08 21:00", NULL);
	struct booking_in theirs = mine;
	struct booking_viewer other = { .group_id = 0 }, own = { 0 };
	struct booking_result res;
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	struct group g;
	int64_t id;

	(void)state;
	mine.private_ = 1;
	id = must_book(&mine, 1);
	assert_int_equal(group_get(db, "buurtteam", &g, &f), 0);
	other.group_id = g.id;
	theirs.group = "buurtteam";
	assert_int_equal(schedule_booking_add(db, &theirs, &other, "test", &res, &c, &f), -1);
	assert_int_equal(c.n, 1);
	/* "2026-12-08 19:00-21:00: bezet": neither title nor group. */
	expect_prefix("private", c.v[0].text, "2026-12-08 19:00-21:00: ");
	expect_contains("private", c.v[0].text, "bezet");
	if (strstr(c.v[0].text, TITLE) || strstr(c.v[0].text, GNAME))
		fail_msg("a private booking is named to another group: %s",
		    c.v[0].text);
	conflicts_free(&c);

	assert_int_equal(group_get(db, GROUP, &g, &f), 0);
	own.group_id = g.id;
	memset(&f, 0, sizeof(f));
	assert_int_equal(schedule_booking_add(db, &theirs, &own, "test", &res, &c, &f), -1);
	assert_int_equal(c.v[0].booking_id, id);
	expect_contains("own group", c.v[0].text, "\"" TITLE "\" (" GNAME ")");
	conflicts_free(&c);
}

/* ---- the horizon ---- */

/* Held occurrences a weekly series from first has in [now, now + days). */
static int
weekly_within(time_t first, time_t now, int days)
{
	int n = 0;

	for (time_t t = first; t < now + (time_t)days * 86400; t += WEEK)
		if (t >= now)
			n++;
	return n;
}

static void
test_roll_extends_an_open_ended_series_by_the_days_passed(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY");
	time_t now, first = local("2026-12-01 19:00");
	struct booking b;
	struct fault f = { 0 };
	int64_t id;
	int held;

	(void)state;
	assert_int_equal(install_conf(30), 0);
	now = clock_now();
	held = weekly_within(first, now, 30);
	assert_in_range(held, 4, 5);
	id = must_book(&series, held);
	assert_int_equal(booking_get(db, id, &b, &f), 0);
	assert_int_equal(b.held, held);

	/* Two weeks later the horizon has moved 14 days: two more. */
	assert_int_equal(booking_roll(db, now + 14 * 86400), 2);
	assert_int_equal(held_of(id), held + 2);
	assert_int_equal(query_long("SELECT max(start) FROM booking_slot WHERE "
	    "booking_id = %lld", (long long)id), first + (held + 1) * WEEK);
	/* Rolling again at the same moment adds nothing. */
	assert_int_equal(booking_roll(db, now + 14 * 86400), 0);
	assert_int_equal(held_of(id), held + 2);
	/* A cancelled series does not roll. */
	assert_int_equal(booking_cancel(db, id, NULL, "test", &f), 0);
	assert_int_equal(booking_roll(db, now + 28 * 86400), 0);
	assert_int_equal(held_of(id), 0);
}

static void
test_roll_skips_an_occurrence_blocked_in_the_meantime(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY");
	struct booking_in blocker;
	time_t now, first = local("2026-12-01 19:00"), blocked;
	char date[16], b0[32], b1[32];
	struct conflicts c = { 0 };
	struct fault f = { 0 };
	struct counts before;
	int64_t id, bl;
	int held;

	(void)state;
	assert_int_equal(install_conf(30), 0);
	now = clock_now();
	held = weekly_within(first, now, 30);
	id = must_book(&series, held);

	/*
	 * Someone books the first occurrence beyond the series' horizon
	 * (possible once the horizon setting was raised for a while).
	 */
	blocked = first + held * WEEK;
	local_date(blocked, date);
	snprintf(b0, sizeof(b0), "%s 19:30", date);
	snprintf(b1, sizeof(b1), "%s 20:30", date);
	blocker = req("herstelhuis/zaal-1", b0, b1, NULL);
	blocker.group = "buurtteam";
	blocker.title = "Buurtoverleg";
	assert_int_equal(install_conf(60), 0);
	bl = must_book(&blocker, 1);
	assert_int_equal(install_conf(30), 0);

	assert_int_equal(booking_roll(db, now + 14 * 86400), 1);
	assert_int_equal(held_of(id), held + 1);
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state = 'skipped' AND start = %lld AND note "
	    "LIKE '%%booked: \"Buurtoverleg\"%%'", (long long)id,
	    (long long)blocked), 1);
	/* Not double-booked: only the blocker holds that evening. */
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "room_id = %lld AND state = 'held' AND start < %lld AND \"end\" > "
	    "%lld", (long long)room_id("herstelhuis/zaal-1"),
	    (long long)(blocked + 7200), (long long)blocked), 1);
	assert_int_equal(held_of(bl), 1);
	assert_int_equal(query_long("SELECT count(*) FROM audit WHERE action = "
	    "'booking.skip'"), 1);

	/* Rolling again changes nothing. */
	before = counts_now();
	assert_int_equal(booking_roll(db, now + 14 * 86400), 0);
	expect_unchanged("a second roll", before);

	/* Once the blocker is cancelled the skipped date can be held again. */
	assert_int_equal(booking_cancel(db, bl, NULL, "test", &f), 0);
	assert_int_equal(booking_restore(db, id, date, &admin, "test", &c, &f), 0);
	assert_int_equal(held_of(id), held + 2);
}

static void
test_roll_skips_an_occurrence_closed_in_the_meantime(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY");
	time_t now, first = local("2026-12-01 19:00"), blocked;
	char date[16], next[16];
	int64_t id;
	int held;

	(void)state;
	assert_int_equal(install_conf(30), 0);
	now = clock_now();
	held = weekly_within(first, now, 30);
	id = must_book(&series, held);
	blocked = first + (held + 1) * WEEK;
	local_date(blocked, date);
	local_date(blocked + 86400, next);
	add_closure("herstelhuis", date, next, "Verbouwing");
	assert_int_equal(booking_roll(db, now + 14 * 86400), 1);
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state = 'skipped' AND start = %lld AND "
	    "note LIKE '%%closed (Verbouwing)'", (long long)id,
	    (long long)blocked), 1);
}

static void
test_roll_keeps_a_weekly_series_at_local_time_across_dst(void **state)
{
	struct booking_in series = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY");
	struct booking_in before = req("herstelhuis/zaal-1", "2027-03-30 18:00",
	    "2027-03-30 19:00", NULL);
	struct booking_in after = req("herstelhuis/zaal-1", "2027-03-30 21:00",
	    "2027-03-30 22:00", NULL);
	int64_t id;
	long held, added;

	(void)state;
	/* Back to back in local time on the Tuesday after the change. */
	assert_int_equal(install_conf(730), 0);
	must_book(&before, 1);
	must_book(&after, 1);
	assert_int_equal(install_conf(30), 0);
	id = must_book(&series, -1);
	held = held_of(id);
	/* Rolled on 2027-03-10: the horizon reaches into April. */
	added = booking_roll(db, local("2027-03-10 03:00"));
	assert_true(added > 10);
	assert_int_equal(held_of(id), held + added);
	assert_int_equal(query_long("SELECT count(*) FROM booking_slot WHERE "
	    "booking_id = %lld AND state != 'held'", (long long)id), 0);
	expect_slots_at_local(id, 19, 0, (int)(held + added));
	assert_int_equal(slot_start_on(id, "2027-03-30"),
	    local("2027-03-30 19:00"));
}

/*
 * A series the roll cannot expand (here: more new occurrences than one
 * booking may have, after the horizon was raised) is skipped and logged;
 * every other series still rolls.
 */
static void
test_roll_extends_other_series_when_one_cannot_be_expanded(void **state)
{
	struct booking_in hourly = req("nachtcafe/zaal", "2026-12-01 00:00",
	    "2026-12-01 01:00", "FREQ=HOURLY");
	struct booking_in weekly = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY");
	int64_t id;
	long held, added;

	(void)state;
	assert_int_equal(install_conf(30), 0);
	must_book(&hourly, -1);
	id = must_book(&weekly, -1);
	held = held_of(id);
	assert_int_equal(install_conf(730), 0);
	added = booking_roll(db, clock_now());
	if (added <= 0 || held_of(id) <= held)
		fail_msg("after raising the horizon to 730 days booking_roll "
		    "returned %ld and the weekly series still holds %ld "
		    "occurrence(s) (was %ld): one series stops the roll of "
		    "every series", added, held_of(id), held);
}

/* ---- the index ---- */

/* The query plan of OVERLAP_SQL, one detail per line. */
static void
overlap_plan(char *out, size_t len)
{
	sqlite3_stmt *st;

	*out = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN "
	    OVERLAP_SQL, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, room_id("herstelhuis/zaal-1"));
	sqlite3_bind_int64(st, 2, local("2026-12-08 19:00"));
	sqlite3_bind_int64(st, 3, local("2026-12-08 21:00"));
	sqlite3_bind_int64(st, 4, 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t n = strlen(out);

		snprintf(out + n, len - n, "%s\n",
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
}

static void
expect_index_plan(const char *when)
{
	char plan[4096];

	overlap_plan(plan, sizeof(plan));
	/* Bounded on both sides: start > s - 7 days and start < e. */
	if (strstr(plan, "slot_overlap (room_id=? AND start>? AND start<?)") ==
	    NULL || strstr(plan, "slot_overlap") == NULL ||
	    strstr(plan, "SCAN booking_slot") != NULL ||
	    strstr(plan, "SCAN s\n") != NULL || strstr(plan, "SCAN s ") != NULL)
		fail_msg("overlap query %s does not range-scan slot_overlap:\n%s",
		    when, plan);
}

static void
test_overlap_query_is_an_index_range_scan(void **state)
{
	struct booking_in daily = req("nachtcafe/zaal", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=DAILY;COUNT=700");
	struct booking_in weekly = req("herstelhuis/zaal-1", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=WEEKLY;COUNT=100");
	struct booking_in other = req("herstelhuis/zaal-2", "2026-12-01 19:00",
	    "2026-12-01 21:00", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR,SA;COUNT=600");

	(void)state;
	expect_index_plan("on an empty database");
	must_book(&daily, 700);
	must_book(&weekly, 100);
	must_book(&other, 600);
	assert_int_equal(sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	expect_index_plan("after ANALYZE");
}

#define DBTEST(fn)	cmocka_unit_test_setup_teardown(fn, db_setup, db_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		DBTEST(test_period_edges_conflict_only_when_they_share_time),
		DBTEST(test_rooms_do_not_conflict_with_each_other),
		DBTEST(test_week_long_booking_blocks_its_last_minute),
		DBTEST(test_weekly_series_conflicts_across_spring_dst),
		DBTEST(test_weekly_series_conflicts_across_autumn_dst),
		DBTEST(test_weekly_series_in_the_dst_gap_returns_to_its_local_time),
		DBTEST(test_weekly_series_in_the_repeated_dst_hour_takes_the_first),
		DBTEST(test_weekly_series_on_different_weekdays_do_not_conflict),
		DBTEST(test_weekly_and_biweekly_series_conflict_on_exactly_the_shared_dates),
		DBTEST(test_weekly_series_across_christmas_closure_is_refused_naming_24_december),
		DBTEST(test_room_closure_affects_only_that_room),
		DBTEST(test_booking_back_to_back_with_a_closure_is_accepted),
		DBTEST(test_opening_hours_refuse_sunday_and_late_periods),
		DBTEST(test_series_through_the_weekend_is_refused_on_sundays),
		DBTEST(test_location_without_hours_accepts_a_booking_across_midnight),
		DBTEST(test_bad_requests_are_refused_and_write_nothing),
		DBTEST(test_series_of_exactly_the_maximum_occurrences_is_accepted),
		DBTEST(test_skip_conflicts_books_the_rest_and_reports_the_skipped),
		DBTEST(test_series_with_no_free_occurrence_is_refused_even_with_skip_conflicts),
		DBTEST(test_dry_run_checks_but_writes_nothing),
		DBTEST(test_cancelled_booking_frees_its_slot),
		DBTEST(test_requested_booking_holds_its_slot_until_declined),
		DBTEST(test_cancelling_one_occurrence_frees_only_that_one),
		DBTEST(test_restore_holds_an_occurrence_again_only_when_free),
		DBTEST(test_skipped_occurrence_is_restored_once_the_blocker_is_cancelled),
		DBTEST(test_conflict_with_a_private_booking_says_only_bezet_to_others),
		DBTEST(test_roll_extends_an_open_ended_series_by_the_days_passed),
		DBTEST(test_roll_skips_an_occurrence_blocked_in_the_meantime),
		DBTEST(test_roll_skips_an_occurrence_closed_in_the_meantime),
		DBTEST(test_roll_keeps_a_weekly_series_at_local_time_across_dst),
		DBTEST(test_roll_extends_other_series_when_one_cannot_be_expanded),
		DBTEST(test_overlap_query_is_an_index_range_scan),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

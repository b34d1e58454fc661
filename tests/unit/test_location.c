/*
 * Unit tests for location.c: opening hours (parsing and canonical text),
 * LOC/ROOM references, and the write paths of locations, rooms and
 * closures on a temporary database: each refusal must leave every table
 * (audit included) as it was.
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

#include "hersteld/conf.h"
#include "hersteld/location.h"
#include "hersteld/log.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static char	 dir[] = "/tmp/hersteld-test-location-XXXXXX";
static char	 dbpath[256], confpath[256];
static sqlite3	*db;

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

static long
count(const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Row counts of every table, to show that a refusal changed nothing. */
struct counts {
	long	location, room, closure, audit;
};

static struct counts
counts_now(void)
{
	struct counts c = { count("location"), count("room"), count("closure"),
	    count("audit") };

	return c;
}

static void
expect_unchanged(const char *what, struct counts before)
{
	struct counts now = counts_now();

	if (memcmp(&now, &before, sizeof(now)) != 0)
		fail_msg("%s changed the database: location %ld->%ld, room "
		    "%ld->%ld, closure %ld->%ld, audit %ld->%ld", what,
		    before.location, now.location, before.room, now.room,
		    before.closure, now.closure, before.audit, now.audit);
}

static int
group_setup(void **state)
{
	char err[1024];
	struct conf *c;
	FILE *fp;

	(void)state;
	log_init(1, LOG_LVL_WARN);	/* no "schema upgraded" per test */
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/test.db", dir);
	snprintf(confpath, sizeof(confpath), "%s/test.conf", dir);
	if ((fp = fopen(confpath, "w")) == NULL)
		return -1;
	fprintf(fp, "database = \"%s\";\ntimezone = \"Europe/Amsterdam\";\n"
	    "listen = { socket = \"%s/s\"; };\n", dbpath, dir);
	fclose(fp);
	/* location_add reads the default zone from the running config. */
	if ((c = conf_load(confpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "conf_load: %s\n", err);
		return -1;
	}
	conf_install(c);
	return 0;
}

static int
group_teardown(void **state)
{
	char path[300];

	(void)state;
	conf_shutdown();
	when_shutdown();
	unlink(confpath);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* Every database test starts from an empty current schema. */
static int
db_setup(void **state)
{
	char err[512], path[300];

	(void)state;
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	return 0;
}

static int
db_teardown(void **state)
{
	(void)state;
	sqlite3_close_v2(db);
	db = NULL;
	return 0;
}

static int64_t
add_location(const char *slug, const char *tz)
{
	struct location_in in = { .slug = slug, .name = "Herstelhuis",
	    .timezone = tz, .hours = "mon-sat 09:00-22:00" };
	struct fault f = { 0 };
	int64_t id = 0;

	if (location_add(db, &in, "test", &id, &f) != 0)
		fail_msg("location_add %s: %s", slug, f.msg);
	return id;
}

static int64_t
add_room(const char *ref, long capacity)
{
	struct room_in in = { .ref = ref, .name = "Zaal", .capacity = capacity,
	    .accessible = 1, .needs_approval = -1, .features = "beamer,wifi" };
	struct fault f = { 0 };
	int64_t id = 0;

	if (room_add(db, &in, "test", &id, &f) != 0)
		fail_msg("room_add %s: %s", ref, f.msg);
	return id;
}

/* ---- opening hours ---- */

static void
test_hours_parse_gives_canonical_text(void **state)
{
	static const struct {
		const char	*in, *canon;
	} cases[] = {
		{ "mon-sat 09:00-22:00", "mon-sat 09:00-22:00" },
		{ "mon-fri 09:00-17:00, sat 10:00-16:00",
		    "mon-fri 09:00-17:00, sat 10:00-16:00" },
		{ "sat 10:00-16:00, mon-fri 09:00-17:00",
		    "mon-fri 09:00-17:00, sat 10:00-16:00" },
		{ "mon 09:00-17:00, tue 09:00-17:00, wed 09:00-17:00",
		    "mon-wed 09:00-17:00" },
		{ "mon-fri 09:00-17:00;sat 10:00-16:00",
		    "mon-fri 09:00-17:00, sat 10:00-16:00" },
		{ "  mon-fri   09:00-17:00  ", "mon-fri 09:00-17:00" },
		{ "mon-sun 00:00-24:00", "mon-sun 00:00-24:00" },
		{ "sun 12:00-13:00", "sun 12:00-13:00" },
		{ "mon 09:00-12:00, wed 09:00-12:00", "mon 09:00-12:00, wed 09:00-12:00" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		struct hours h;
		char canon[256], again[256];

		if (hours_parse(&f, cases[i].in, &h, canon) != 0)
			fail_msg("hours_parse(\"%s\") refused: %s", cases[i].in,
			    f.msg);
		if (strcmp(canon, cases[i].canon) != 0)
			fail_msg("hours_parse(\"%s\"): canonical \"%s\", want "
			    "\"%s\"", cases[i].in, canon, cases[i].canon);
		/* The canonical text reads back to itself. */
		if (hours_parse(&f, cases[i].canon, &h, again) != 0 ||
		    strcmp(again, cases[i].canon) != 0)
			fail_msg("canonical \"%s\" does not read back: %s \"%s\"",
			    cases[i].canon, f.msg, again);
	}
}

static void
test_hours_parse_fills_minutes_per_weekday(void **state)
{
	struct fault f = { 0 };
	struct hours h;
	char canon[256];

	(void)state;
	assert_int_equal(hours_parse(&f, "mon-fri 09:00-17:00, sat 10:30-24:00",
	    &h, canon), 0);
	for (int d = 0; d < 5; d++) {
		assert_int_equal(h.open[d], 9 * 60);
		assert_int_equal(h.close[d], 17 * 60);
	}
	assert_int_equal(h.open[5], 10 * 60 + 30);
	assert_int_equal(h.close[5], 1440);
	assert_int_equal(h.open[6], -1);
	assert_int_equal(h.close[6], -1);

	/* No hours at all: open around the clock. */
	assert_int_equal(hours_parse(&f, NULL, &h, canon), 0);
	assert_string_equal(canon, "");
	for (int d = 0; d < 7; d++) {
		assert_int_equal(h.open[d], 0);
		assert_int_equal(h.close[d], 1440);
	}
}

static void
test_hours_parse_refuses_bad_text_naming_the_problem(void **state)
{
	static const struct {
		const char	*in, *msg;
	} cases[] = {
		{ "mon-fri 09:00-17:00, fri 10:00-12:00", "fri is given twice" },
		{ "mon-fri 09:00-17:00, wed-sat 18:00-20:00", "wed is given twice" },
		{ "mon 09:00-12:00, mon 13:00-17:00", "mon is given twice" },
		{ "mon-fri 17:00-09:00", "closes before it opens" },
		{ "mon 09:00-09:00", "closes before it opens" },
		{ "maandag 09:00-17:00", "is not a day" },
		{ "Mon 09:00-17:00", "is not a day" },
		{ "mon-fry 09:00-17:00", "is not a day" },
		{ "fri-mon 09:00-17:00", "is not a day" },
		{ "mon- 09:00-17:00", "is not a day" },
		{ "mon-fri 9:00-17:00", "is not a time range" },
		{ "mon-fri 09:00-17", "is not a time range" },
		{ "mon-fri 09:00 17:00", "is not a time range" },
		{ "mon-fri 09:00-24:30", "is not a time range" },
		{ "mon-fri 24:00-24:00", "is not a time range" },
		{ "mon-fri 09:60-17:00", "is not a time range" },
		{ "mon-fri 25:00-26:00", "is not a time range" },
		{ "mon-fri 09:00-17:00 extra", "is not a time range" },
		{ "mon-fri", "is not valid" },
		{ ",", "is not valid" },
		{ " , ; ", "is not valid" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		struct hours h;
		char canon[256];

		if (hours_parse(&f, cases[i].in, &h, canon) != -1)
			fail_msg("hours_parse(\"%s\") accepted as \"%s\"",
			    cases[i].in, canon);
		assert_int_equal(f.kind, FAULT_INVALID);
		expect_contains(cases[i].in, f.msg, cases[i].msg);
		expect_contains(cases[i].in, f.msg, "--hours");
	}
}

static void
test_hours_parse_refuses_overlong_text(void **state)
{
	char buf[400];
	struct fault f = { 0 };
	struct hours h;
	char canon[256];

	(void)state;
	memset(buf, ' ', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	memcpy(buf, "mon 09:00-17:00", 15);
	assert_int_equal(hours_parse(&f, buf, &h, canon), -1);
	expect_contains("long hours", f.msg, "too long");
}

static void
test_room_ref_split_needs_two_slugs(void **state)
{
	static const struct {
		const char	*in, *loc, *room, *msg;
	} cases[] = {
		{ "herstelhuis/zaal-1", "herstelhuis", "zaal-1", NULL },
		{ "herstelhuis", NULL, NULL, "must be named LOCATION/ROOM" },
		{ "herstelhuis/", NULL, NULL, "room is required" },
		{ "/zaal-1", NULL, NULL, "location is required" },
		{ "Herstelhuis/zaal-1", NULL, NULL, "location \"Herstelhuis\" is not valid" },
		{ "herstelhuis/zaal 1", NULL, NULL, "room \"zaal 1\" is not valid" },
		{ "herstelhuis/zaal/1", NULL, NULL, "is not valid" },
		{ "1234567890123456789012345678901234567890123456789012345678901234/a",
		    NULL, NULL, "must be named" },
		{ NULL, NULL, NULL, "must be named" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		char loc[64] = "", room[64] = "";
		int rc = room_ref_split(&f, cases[i].in, loc, room);

		if (cases[i].msg == NULL) {
			if (rc != 0)
				fail_msg("room_ref_split(\"%s\") refused: %s",
				    cases[i].in, f.msg);
			assert_string_equal(loc, cases[i].loc);
			assert_string_equal(room, cases[i].room);
			continue;
		}
		if (rc != -1)
			fail_msg("room_ref_split(\"%s\") accepted", cases[i].in);
		expect_contains("room ref", f.msg, cases[i].msg);
	}
}

/* ---- locations ---- */

static void
test_location_add_stores_canonical_hours_and_default_zone(void **state)
{
	struct location_in in = { .slug = "herstelhuis", .name = "Herstelhuis",
	    .address = "Bijlmerplein 1", .hours = "sat 10:00-16:00, mon-fri 09:00-17:00" };
	struct location l;
	struct fault f = { 0 };
	int64_t id = 0;

	(void)state;
	assert_int_equal(location_add(db, &in, "test", &id, &f), 0);
	assert_true(id > 0);
	assert_int_equal(location_get(db, "herstelhuis", &l, &f), 0);
	assert_int_equal(l.id, id);
	assert_string_equal(l.name, "Herstelhuis");
	assert_string_equal(l.address, "Bijlmerplein 1");
	assert_string_equal(l.timezone, "Europe/Amsterdam");
	assert_string_equal(l.hours, "mon-fri 09:00-17:00, sat 10:00-16:00");
	assert_int_equal(count("audit"), 1);
}

static void
test_location_add_refuses_bad_input_and_changes_nothing(void **state)
{
	static char longname[300];
	static const struct {
		struct location_in	 in;
		enum fault_kind		 kind;
		const char		*msg;
	} cases[] = {
		{ { "herstelhuis", "Dup", NULL, NULL, NULL, NULL }, FAULT_CONFLICT, "already exists" },
		{ { "Het Huis", "X", NULL, NULL, NULL, NULL }, FAULT_INVALID, "is not valid" },
		{ { "UPPER", "X", NULL, NULL, NULL, NULL }, FAULT_INVALID, "is not valid" },
		{ { "", "X", NULL, NULL, NULL, NULL }, FAULT_INVALID, "location is required" },
		{ { "x", "", NULL, NULL, NULL, NULL }, FAULT_INVALID, "--name is required" },
		{ { "x", NULL, NULL, NULL, NULL, NULL }, FAULT_INVALID, "--name is required" },
		{ { "x", longname, NULL, NULL, NULL, NULL }, FAULT_INVALID, "--name is too long" },
		{ { "x", "\xff\xfe", NULL, NULL, NULL, NULL }, FAULT_INVALID, "not valid UTF-8" },
		{ { "x", "a\nb", NULL, NULL, NULL, NULL }, FAULT_INVALID, "control character" },
		{ { "x", "X", NULL, "Mars/Olympus", NULL, NULL }, FAULT_INVALID, "unknown time zone" },
		{ { "x", "X", NULL, NULL, "mon-fri 17:00-09:00", NULL }, FAULT_INVALID, "closes before it opens" },
		{ { "x", "X", NULL, NULL, NULL, "beheer" }, FAULT_INVALID, "--email is not a valid email address" },
	};

	(void)state;
	memset(longname, 'n', 201);
	add_location("herstelhuis", NULL);
	for (size_t i = 0; i < N(cases); i++) {
		struct counts before = counts_now();
		struct fault f = { 0 };
		int64_t id = 0;

		if (location_add(db, &cases[i].in, "test", &id, &f) != -1)
			fail_msg("location_add case %zu accepted", i);
		if (f.kind != cases[i].kind)
			fail_msg("location_add case %zu: fault %d, want %d (%s)",
			    i, f.kind, cases[i].kind, f.msg);
		expect_contains("location_add", f.msg, cases[i].msg);
		expect_unchanged("a refused location_add", before);
	}
}

static void
test_location_edit_changes_only_what_is_given(void **state)
{
	struct location_in in = { .hours = "mon-fri 09:00-17:00" };
	struct location l;
	struct fault f = { 0 };

	(void)state;
	add_location("herstelhuis", NULL);
	assert_int_equal(location_edit(db, "herstelhuis", &in, "test", &f), 0);
	assert_int_equal(location_get(db, "herstelhuis", &l, &f), 0);
	assert_string_equal(l.name, "Herstelhuis");
	assert_string_equal(l.hours, "mon-fri 09:00-17:00");
	/* "" clears the hours: open at all times. */
	in.hours = "";
	assert_int_equal(location_edit(db, "herstelhuis", &in, "test", &f), 0);
	assert_int_equal(location_get(db, "herstelhuis", &l, &f), 0);
	assert_string_equal(l.hours, "");
}

static void
test_location_edit_refuses_bad_input_and_changes_nothing(void **state)
{
	static const struct {
		const char		*slug;
		struct location_in	 in;
		enum fault_kind		 kind;
		const char		*msg;
	} cases[] = {
		{ "nowhere", { NULL, "X", NULL, NULL, NULL, NULL }, FAULT_NOTFOUND, "unknown location \"nowhere\"" },
		{ "herstelhuis", { "other", NULL, NULL, NULL, NULL, NULL }, FAULT_INVALID, "cannot be changed" },
		{ "herstelhuis", { NULL, "", NULL, NULL, NULL, NULL }, FAULT_INVALID, "--name is required" },
		{ "herstelhuis", { NULL, NULL, NULL, "Nowhere/Land", NULL, NULL }, FAULT_INVALID, "unknown time zone" },
		{ "herstelhuis", { NULL, NULL, NULL, NULL, "mon 09:00", NULL }, FAULT_INVALID, "--hours" },
		{ "herstelhuis", { NULL, "ok", "a\x01", NULL, NULL, NULL }, FAULT_INVALID, "--address" },
	};
	struct location before_l, after_l;
	struct fault f = { 0 };

	(void)state;
	memset(&before_l, 0, sizeof(before_l));
	memset(&after_l, 0, sizeof(after_l));
	add_location("herstelhuis", NULL);
	assert_int_equal(location_get(db, "herstelhuis", &before_l, &f), 0);
	for (size_t i = 0; i < N(cases); i++) {
		struct counts before = counts_now();

		memset(&f, 0, sizeof(f));
		if (location_edit(db, cases[i].slug, &cases[i].in, "test", &f) != -1)
			fail_msg("location_edit case %zu accepted", i);
		if (f.kind != cases[i].kind)
			fail_msg("location_edit case %zu: fault %d, want %d (%s)",
			    i, f.kind, cases[i].kind, f.msg);
		expect_contains("location_edit", f.msg, cases[i].msg);
		expect_unchanged("a refused location_edit", before);
		assert_true(sqlite3_get_autocommit(db));	/* no open transaction */
	}
	assert_int_equal(location_get(db, "herstelhuis", &after_l, &f), 0);
	assert_memory_equal(&before_l, &after_l, sizeof(before_l));
}

static void
test_location_remove_is_refused_while_rooms_remain(void **state)
{
	struct fault f = { 0 };
	struct counts before;
	struct location l;

	(void)state;
	add_location("herstelhuis", NULL);
	add_room("herstelhuis/zaal-1", 12);
	before = counts_now();
	assert_int_equal(schedule_location_remove(db, "herstelhuis", "test", &f), -1);
	assert_int_equal(f.kind, FAULT_CONFLICT);
	expect_contains("remove with rooms", f.msg, "still has 1 room(s)");
	expect_unchanged("a refused location remove", before);

	memset(&f, 0, sizeof(f));
	assert_int_equal(schedule_room_remove(db, "herstelhuis/zaal-1", "test", &f), 0);
	assert_int_equal(schedule_location_remove(db, "herstelhuis", "test", &f), 0);
	assert_int_equal(location_get(db, "herstelhuis", &l, &f), -1);
	assert_int_equal(f.kind, FAULT_NOTFOUND);
	memset(&f, 0, sizeof(f));
	assert_int_equal(schedule_location_remove(db, "herstelhuis", "test", &f), -1);
	assert_int_equal(f.kind, FAULT_NOTFOUND);
}

static int
collect_slug(const struct location *l, void *arg)
{
	char *out = arg;

	strcat(out, l->slug);
	strcat(out, " ");
	return 0;
}

static void
test_location_list_is_ordered_by_slug(void **state)
{
	struct fault f = { 0 };
	char out[256] = "";

	(void)state;
	add_location("zuidoost", NULL);
	add_location("noord", NULL);
	add_location("nieuw-west", NULL);
	assert_int_equal(location_list(db, collect_slug, out, &f), 0);
	assert_string_equal(out, "nieuw-west noord zuidoost ");
}

/* ---- rooms ---- */

static void
test_room_add_and_edit_round_trip(void **state)
{
	struct room_in edit = { .capacity = 30, .accessible = 0,
	    .needs_approval = 1 };
	struct room r;
	struct fault f = { 0 };
	int64_t id;

	(void)state;
	add_location("herstelhuis", NULL);
	id = add_room("herstelhuis/zaal-1", 12);
	assert_int_equal(room_get(db, "herstelhuis/zaal-1", &r, &f), 0);
	assert_int_equal(r.id, id);
	assert_string_equal(r.location, "herstelhuis");
	assert_string_equal(r.slug, "zaal-1");
	assert_int_equal(r.capacity, 12);
	assert_int_equal(r.accessible, 1);
	assert_int_equal(r.needs_approval, 0);
	assert_string_equal(r.features, "beamer,wifi");
	assert_string_equal(r.location_tz, "Europe/Amsterdam");

	assert_int_equal(schedule_room_edit(db, "herstelhuis/zaal-1", &edit, "test", &f), 0);
	assert_int_equal(room_get_id(db, id, &r, &f), 0);
	assert_int_equal(r.capacity, 30);
	assert_int_equal(r.accessible, 0);
	assert_int_equal(r.needs_approval, 1);
	assert_string_equal(r.name, "Zaal");
	assert_string_equal(r.features, "beamer,wifi");
}

static void
test_room_add_refuses_bad_input_and_changes_nothing(void **state)
{
	static const struct {
		struct room_in	 in;
		enum fault_kind	 kind;
		const char	*msg;
	} cases[] = {
		{ { "herstelhuis/zaal-1", "Dup", NULL, 5, -1, -1 }, FAULT_CONFLICT, "already exists" },
		{ { "nowhere/zaal-1", "X", NULL, 5, -1, -1 }, FAULT_NOTFOUND, "unknown location \"nowhere\"" },
		{ { "herstelhuis/Zaal", "X", NULL, 5, -1, -1 }, FAULT_INVALID, "is not valid" },
		{ { "herstelhuis", "X", NULL, 5, -1, -1 }, FAULT_INVALID, "LOCATION/ROOM" },
		{ { "herstelhuis/zaal-2", "X", NULL, 0, -1, -1 }, FAULT_INVALID, "--capacity" },
		{ { "herstelhuis/zaal-2", "X", NULL, 100001, -1, -1 }, FAULT_INVALID, "--capacity" },
		{ { "herstelhuis/zaal-2", "X", NULL, -1, -1, -1 }, FAULT_INVALID, "--capacity is required" },
		{ { "herstelhuis/zaal-2", "", NULL, 5, -1, -1 }, FAULT_INVALID, "--name is required" },
		{ { "herstelhuis/zaal-2", "X", "Beamer", 5, -1, -1 }, FAULT_INVALID, "--features" },
		{ { "herstelhuis/zaal-2", "X", "a,,b", 5, -1, -1 }, FAULT_INVALID, "empty item" },
	};

	(void)state;
	add_location("herstelhuis", NULL);
	add_room("herstelhuis/zaal-1", 12);
	for (size_t i = 0; i < N(cases); i++) {
		struct counts before = counts_now();
		struct fault f = { 0 };
		int64_t id = 0;

		if (room_add(db, &cases[i].in, "test", &id, &f) != -1)
			fail_msg("room_add case %zu accepted", i);
		if (f.kind != cases[i].kind)
			fail_msg("room_add case %zu: fault %d, want %d (%s)",
			    i, f.kind, cases[i].kind, f.msg);
		expect_contains("room_add", f.msg, cases[i].msg);
		expect_unchanged("a refused room_add", before);
		assert_true(sqlite3_get_autocommit(db));
	}
}

static void
test_room_edit_refuses_bad_capacity_and_changes_nothing(void **state)
{
	struct room_in in = { .capacity = 0, .accessible = -1,
	    .needs_approval = -1 };
	struct room before_r, after_r;
	struct counts before;
	struct fault f = { 0 };

	(void)state;
	memset(&before_r, 0, sizeof(before_r));
	memset(&after_r, 0, sizeof(after_r));
	add_location("herstelhuis", NULL);
	add_room("herstelhuis/zaal-1", 12);
	assert_int_equal(room_get(db, "herstelhuis/zaal-1", &before_r, &f), 0);
	before = counts_now();
	assert_int_equal(schedule_room_edit(db, "herstelhuis/zaal-1", &in, "test", &f), -1);
	expect_contains("room_edit", f.msg, "--capacity");
	memset(&f, 0, sizeof(f));
	assert_int_equal(schedule_room_edit(db, "herstelhuis/nope", &in, "test", &f), -1);
	assert_int_equal(f.kind, FAULT_NOTFOUND);
	expect_unchanged("a refused room_edit", before);
	assert_int_equal(room_get(db, "herstelhuis/zaal-1", &after_r, &f), 0);
	assert_memory_equal(&before_r, &after_r, sizeof(before_r));
}

/* ---- closures ---- */

static void
test_closure_times_are_read_in_the_location_zone(void **state)
{
	struct closure_in in = { .target = "ny", .from = "2026-12-03 10:00",
	    .to = "2026-12-03 18:00", .reason = "Thanksgiving cleanup" };
	struct closure c;
	struct fault f = { 0 };
	int64_t id = 0, locid = 0;

	(void)state;
	add_location("ny", "America/New_York");
	assert_int_equal(closure_add(db, &in, "test", &id, &locid, &f), 0);
	assert_int_equal(closure_get(db, id, &c, &f), 0);
	assert_int_equal(c.start, utc(2026, 12, 3, 15, 0));
	assert_int_equal(c.end, utc(2026, 12, 3, 23, 0));
	assert_string_equal(c.room, "");
	assert_string_equal(c.timezone, "America/New_York");
	assert_string_equal(c.reason, "Thanksgiving cleanup");
}

static void
test_closure_add_refuses_bad_input_and_changes_nothing(void **state)
{
	static const struct {
		struct closure_in	 in;
		enum fault_kind		 kind;
		const char		*msg;
	} cases[] = {
		{ { "herstelhuis", "2026-12-24", "2026-12-23", "Kerst" }, FAULT_INVALID, "--to must be after --from" },
		{ { "herstelhuis", "2026-12-24", "2026-12-24", "Kerst" }, FAULT_INVALID, "--to must be after --from" },
		{ { "herstelhuis", "gisteren", "2026-12-26", "Kerst" }, FAULT_INVALID, "--from" },
		{ { "herstelhuis", "2026-12-24", "2027-03-28 02:30", "Kerst" }, FAULT_INVALID, "does not exist" },
		{ { "herstelhuis", "2026-12-24", "2026-12-26", "" }, FAULT_INVALID, "--reason is required" },
		{ { "herstelhuis", "2026-12-24", "2026-12-26", "a\nb" }, FAULT_INVALID, "--reason" },
		{ { "herstelhuis", NULL, "2026-12-26", "Kerst" }, FAULT_INVALID, "--from and --to" },
		{ { "nowhere", "2026-12-24", "2026-12-26", "Kerst" }, FAULT_NOTFOUND, "unknown location" },
		{ { "herstelhuis/nope", "2026-12-24", "2026-12-26", "Kerst" }, FAULT_NOTFOUND, "unknown room" },
		{ { "Herstelhuis", "2026-12-24", "2026-12-26", "Kerst" }, FAULT_INVALID, "is not valid" },
		{ { "", "2026-12-24", "2026-12-26", "Kerst" }, FAULT_INVALID, "LOCATION" },
	};

	(void)state;
	add_location("herstelhuis", NULL);
	for (size_t i = 0; i < N(cases); i++) {
		struct counts before = counts_now();
		struct fault f = { 0 };
		int64_t id = 0, locid = 0;

		if (closure_add(db, &cases[i].in, "test", &id, &locid, &f) != -1)
			fail_msg("closure_add case %zu accepted", i);
		if (f.kind != cases[i].kind)
			fail_msg("closure_add case %zu: fault %d, want %d (%s)",
			    i, f.kind, cases[i].kind, f.msg);
		expect_contains("closure_add", f.msg, cases[i].msg);
		expect_unchanged("a refused closure_add", before);
		assert_true(sqlite3_get_autocommit(db));
	}
}

static int
count_closure(const struct closure *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static void
test_closures_go_with_their_room_and_location(void **state)
{
	struct closure_in loc_c = { .target = "herstelhuis", .from = "2099-12-24",
	    .to = "2099-12-27", .reason = "Kerst" };
	struct closure_in room_c = { .target = "herstelhuis/zaal-1",
	    .from = "2099-06-01 09:00", .to = "2099-06-01 12:00",
	    .reason = "Onderhoud" };
	struct fault f = { 0 };
	int64_t id, locid;
	int n = 0;

	(void)state;
	add_location("herstelhuis", NULL);
	add_room("herstelhuis/zaal-1", 12);
	assert_int_equal(closure_add(db, &loc_c, "test", &id, &locid, &f), 0);
	assert_int_equal(closure_add(db, &room_c, "test", &id, &locid, &f), 0);
	assert_int_equal(closure_list(db, "herstelhuis", 0, count_closure, &n, &f), 0);
	assert_int_equal(n, 2);
	/* Only closures that end after `since` are listed. */
	n = 0;
	assert_int_equal(closure_list(db, NULL, utc(2099, 7, 1, 0, 0),
	    count_closure, &n, &f), 0);
	assert_int_equal(n, 1);

	assert_int_equal(schedule_room_remove(db, "herstelhuis/zaal-1", "test", &f), 0);
	assert_int_equal(count("closure"), 1);
	assert_int_equal(schedule_location_remove(db, "herstelhuis", "test", &f), 0);
	assert_int_equal(count("closure"), 0);
	assert_int_equal(closure_remove(db, id, "test", &f), -1);
	assert_int_equal(f.kind, FAULT_NOTFOUND);
}

#define DBTEST(fn)	cmocka_unit_test_setup_teardown(fn, db_setup, db_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hours_parse_gives_canonical_text),
		cmocka_unit_test(test_hours_parse_fills_minutes_per_weekday),
		cmocka_unit_test(test_hours_parse_refuses_bad_text_naming_the_problem),
		cmocka_unit_test(test_hours_parse_refuses_overlong_text),
		cmocka_unit_test(test_room_ref_split_needs_two_slugs),
		DBTEST(test_location_add_stores_canonical_hours_and_default_zone),
		DBTEST(test_location_add_refuses_bad_input_and_changes_nothing),
		DBTEST(test_location_edit_changes_only_what_is_given),
		DBTEST(test_location_edit_refuses_bad_input_and_changes_nothing),
		DBTEST(test_location_remove_is_refused_while_rooms_remain),
		DBTEST(test_location_list_is_ordered_by_slug),
		DBTEST(test_room_add_and_edit_round_trip),
		DBTEST(test_room_add_refuses_bad_input_and_changes_nothing),
		DBTEST(test_room_edit_refuses_bad_capacity_and_changes_nothing),
		DBTEST(test_closure_times_are_read_in_the_location_zone),
		DBTEST(test_closure_add_refuses_bad_input_and_changes_nothing),
		DBTEST(test_closures_go_with_their_room_and_location),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/*
 * Unit tests for when.c: reading times as people write them (local wall
 * clock in a zone, or ISO 8601 with an offset), durations, and writing
 * ISO 8601 with the offset in force at that instant.  Europe/Amsterdam
 * switches to summer time on 2027-03-28 (02:00 -> 03:00) and back on
 * 2026-10-25 (03:00 -> 02:00).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/when.h"
#include "testclock.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static icaltimezone *ams;

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static int
setup(void **state)
{
	(void)state;
	ams = when_zone("Europe/Amsterdam");
	return ams == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	when_shutdown();
	return 0;
}

static void
test_when_zone_knows_iana_ids_only(void **state)
{
	(void)state;
	assert_non_null(when_zone("Europe/Amsterdam"));
	assert_ptr_equal(when_zone("Europe/Amsterdam"), ams);
	assert_non_null(when_zone("America/New_York"));
	assert_null(when_zone("Mars/Olympus_Mons"));
	assert_null(when_zone(""));
	assert_null(when_zone(NULL));
}

static void
test_when_parse_reads_local_and_iso_times(void **state)
{
	static const struct {
		const char	*in;
		int		 y, mo, d, h, mi, s;	/* expected, UTC */
		const char	*why;
	} cases[] = {
		{ "2026-12-03 19:00", 2026, 12, 3, 18, 0, 0, "winter: +01:00" },
		{ "2026-07-01 19:00", 2026, 7, 1, 17, 0, 0, "summer: +02:00" },
		{ "2026-12-03T19:00", 2026, 12, 3, 18, 0, 0, "T separator" },
		{ "2026-12-03 19:00:30", 2026, 12, 3, 18, 0, 30, "with seconds" },
		{ "2026-12-03", 2026, 12, 2, 23, 0, 0, "bare date is local 00:00" },
		{ "2026-07-01", 2026, 6, 30, 22, 0, 0, "bare date in summer" },
		{ "2026-12-03T19:00:00Z", 2026, 12, 3, 19, 0, 0, "ISO UTC" },
		{ "2026-12-03T19:00:00+01:00", 2026, 12, 3, 18, 0, 0, "ISO +01:00" },
		{ "2026-12-03T19:00:00-05:00", 2026, 12, 4, 0, 0, 0, "ISO -05:00" },
		{ "2026-12-03T19:00+05:30", 2026, 12, 3, 13, 30, 0, "ISO without seconds" },
		{ "2026-07-01T19:00:00+01:00", 2026, 7, 1, 18, 0, 0,
		    "an explicit offset wins over the zone's" },
		{ "2028-02-29 12:00", 2028, 2, 29, 11, 0, 0, "leap day" },
		/* The repeated hour takes its first (summer time) reading. */
		{ "2026-10-25 02:30", 2026, 10, 25, 0, 30, 0, "repeated hour" },
		{ "2027-03-28 01:59", 2027, 3, 28, 0, 59, 0, "just before the gap" },
		{ "2027-03-28 03:00", 2027, 3, 28, 1, 0, 0, "just after the gap" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		time_t got = 0, want = utc(cases[i].y, cases[i].mo, cases[i].d,
		    cases[i].h, cases[i].mi, cases[i].s);

		if (when_parse(&f, "--start", cases[i].in, ams, &got) != 0)
			fail_msg("when_parse(\"%s\") (%s) refused: %s",
			    cases[i].in, cases[i].why, f.msg);
		if (got != want)
			fail_msg("when_parse(\"%s\") (%s): got %lld, want %lld "
			    "(off by %lld s)", cases[i].in, cases[i].why,
			    (long long)got, (long long)want,
			    (long long)(got - want));
	}
}

static void
test_when_parse_refuses_the_skipped_hour(void **state)
{
	struct fault f = { 0 };
	time_t t = 0;

	(void)state;
	assert_int_equal(when_parse(&f, "--start", "2027-03-28 02:30", ams, &t), -1);
	assert_int_equal(f.kind, FAULT_INVALID);
	expect_contains("gap message", f.msg, "--start");
	expect_contains("gap message", f.msg, "2027-03-28 02:30");
	expect_contains("gap message", f.msg, "does not exist");
	memset(&f, 0, sizeof(f));
	assert_int_equal(when_parse(&f, "--start", "2027-03-28 02:00", ams, &t), -1);
	expect_contains("gap message", f.msg, "does not exist");
}

static void
test_when_parse_refuses_garbage_naming_the_field(void **state)
{
	static const char *bad[] = {
		"", "tomorrow 19", "19:00", "2026-12-3 19:00", "2026/12/03 19:00",
		"2026-13-01 10:00", "2026-02-30 10:00", "2026-02-30",
		"2027-02-29", "2026-12-03 24:00", "2026-12-03 19:60",
		"2026-12-03 19", "2026-12-03 19:0", "2026-12-03 19:00 ",
		"2026-12-03 19:00+1", "2026-12-03T19:00:00+01", "2026-12-03T19:00:00+0100",
		"2026-12-03T19:00:00+15:00", "2026-12-03T19:00:00 Z",
		"2026-12-03x19:00", "1969-12-31 23:00", "2026-12-03 19:00:61",
		"2026-12-03 19:00:5", "abcd-ef-gh ij:kl",
		"2026-12-03 19:00:00:00",
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		struct fault f = { 0 };
		time_t t = 0;

		if (when_parse(&f, "--from", bad[i], ams, &t) != -1)
			fail_msg("when_parse(\"%s\") accepted as %lld", bad[i],
			    (long long)t);
		assert_int_equal(f.kind, FAULT_INVALID);
		expect_contains("message names the field", f.msg, "--from");
	}
	{
		struct fault f = { 0 };
		time_t t;

		assert_int_equal(when_parse(&f, "--from", NULL, ams, &t), -1);
		expect_contains("NULL input", f.msg, "--from");
	}
}

static void
test_when_parse_date_reads_dates_only(void **state)
{
	struct fault f = { 0 };
	int y, m, d;

	(void)state;
	assert_int_equal(when_parse_date(&f, "--occurrence", "2026-12-03", ams,
	    &y, &m, &d), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 12);
	assert_int_equal(d, 3);
	assert_int_equal(when_parse_date(&f, "--occurrence", "2026-12-03 19:00", ams,
	    &y, &m, &d), -1);
	expect_contains("date message", f.msg, "--occurrence");
	memset(&f, 0, sizeof(f));
	assert_int_equal(when_parse_date(&f, "--occurrence", "2026-04-31", ams,
	    &y, &m, &d), -1);
	expect_contains("date message", f.msg, "not a valid date");
}

/*
 * Relative days count from the pinned clock: Monday 23 November 2026,
 * 13:00 in Amsterdam.
 */
static void
test_when_parse_reads_days_named_relative_to_today(void **state)
{
	static const struct {
		const char	*in;
		int		 y, mo, d, h, mi;	/* Amsterdam */
	} cases[] = {
		{ "today 19:00",		2026, 11, 23, 19, 0 },
		{ "vandaag 19:00",		2026, 11, 23, 19, 0 },
		{ "tomorrow 19:00",		2026, 11, 24, 19, 0 },
		{ "morgen 9:30",		2026, 11, 24, 9, 30 },
		{ "overmorgen",			2026, 11, 25, 0, 0 },
		{ "tuesday 19:00",		2026, 11, 24, 19, 0 },
		{ "di 19:00",			2026, 11, 24, 19, 0 },
		{ "next tuesday 19:00",		2026, 11, 24, 19, 0 },
		{ "Volgende Dinsdag 19:00",	2026, 11, 24, 19, 0 },
		{ "next monday 10:00",		2026, 11, 30, 10, 0 },
		{ "komende ma 10:00",		2026, 11, 30, 10, 0 },
		{ "sunday",			2026, 11, 29, 0, 0 },
		{ "zo 14:00",			2026, 11, 29, 14, 0 },
		{ "+14d 10:00",			2026, 12, 7, 10, 0 },
		{ "+2w",			2026, 12, 7, 0, 0 },
		{ "next tuesday +2w 19:00",	2026, 12, 8, 19, 0 },
		{ "do +1w +1d 20:00",		2026, 12, 4, 20, 0 },
		{ "2026-12-03 +1w 19:00",	2026, 12, 10, 19, 0 },
		/* Summer time (the only case in 2027): the wall clock holds,
		 * the offset changes. */
		{ "+126d 19:00",		2027, 3, 29, 19, 0 },
	};
	struct fault f = { 0 };
	time_t got, want;

	(void)state;
	testclock_set(TESTCLOCK_START);
	for (size_t i = 0; i < N(cases); i++) {
		memset(&f, 0, sizeof(f));
		if (when_parse(&f, "--start", cases[i].in, ams, &got) != 0)
			fail_msg("when_parse(\"%s\") refused: %s", cases[i].in,
			    f.msg);
		want = utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
		    cases[i].mi, 0) - (cases[i].y == 2027 ? 7200 : 3600);
		if (got != want)
			fail_msg("when_parse(\"%s\"): got %lld, want %lld",
			    cases[i].in, (long long)got, (long long)want);
	}
	assert_int_equal(when_parse(&f, "--from", "now", ams, &got), 0);
	assert_int_equal(got, TESTCLOCK_START);
}

static void
test_when_parse_refuses_an_ambiguous_or_unknown_relative_day(void **state)
{
	static const char *bad[] = { "19:00", "next", "next week", "tomorrow "
	    "25:00", "tomorrow 19:00 extra", "yesterday", "+d", "-1d",
	    "+5000d", "now 19:00", "next today", "+1y", "tomorrow tomorrow",
	    "di di", "" };
	struct fault f = { 0 };
	time_t t;

	(void)state;
	testclock_set(TESTCLOCK_START);
	for (size_t i = 0; i < N(bad); i++) {
		memset(&f, 0, sizeof(f));
		if (when_parse(&f, "--start", bad[i], ams, &t) != -1)
			fail_msg("when_parse(\"%s\") accepted as %lld", bad[i],
			    (long long)t);
		expect_contains(bad[i], f.msg, "--start");
	}
	/* On a Monday, "monday" could be today or a week on. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(when_parse(&f, "--start", "monday 19:00", ams, &t), -1);
	expect_contains("ambiguous", f.msg, "ambiguous: today is a monday");
	expect_contains("ambiguous", f.msg, "\"next monday\"");
	memset(&f, 0, sizeof(f));
	assert_int_equal(when_parse(&f, "--start", "ma 19:00", ams, &t), -1);
	expect_contains("ambiguous", f.msg, "next ma");
}

static void
test_when_relative_days_follow_the_zone_not_utc(void **state)
{
	struct fault f = { 0 };
	int y, m, d;
	time_t t;

	(void)state;
	/* 23:30 on Sunday in UTC is 00:30 on Monday in Amsterdam. */
	testclock_set(utc(2026, 11, 22, 23, 30, 0));
	assert_int_equal(when_parse_date(&f, "--occurrence", "today", ams, &y,
	    &m, &d), 0);
	assert_int_equal(d, 23);
	assert_int_equal(when_parse(&f, "--start", "tomorrow 19:00", ams, &t),
	    0);
	assert_int_equal(t, utc(2026, 11, 24, 18, 0, 0));
	assert_int_equal(when_parse_date(&f, "--occurrence",
	    "next tuesday +1w", ams, &y, &m, &d), 0);
	assert_int_equal(m * 100 + d, 1201);
	memset(&f, 0, sizeof(f));
	assert_int_equal(when_parse_date(&f, "--occurrence", "tomorrow 19:00",
	    ams, &y, &m, &d), -1);
	expect_contains("date only", f.msg, "is not a date");
	testclock_set(TESTCLOCK_START);
}

static void
test_when_parse_duration_accepts_minutes_hours_days(void **state)
{
	static const struct {
		const char	*in;
		long		 want;
	} cases[] = {
		{ "90m", 90 * 60 },
		{ "2h", 2 * 3600 },
		{ "1h30m", 90 * 60 },
		{ "7d", 7 * 86400 },
		{ "1d2h3m", 86400 + 2 * 3600 + 3 * 60 },
		{ "1d0h", 86400 },
		{ "0h45m", 45 * 60 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		long got = -1;

		if (when_parse_duration(&f, "--duration", cases[i].in,
		    30L * 86400, &got) != 0)
			fail_msg("duration \"%s\" refused: %s", cases[i].in, f.msg);
		if (got != cases[i].want)
			fail_msg("duration \"%s\": got %ld, want %ld",
			    cases[i].in, got, cases[i].want);
	}
}

static void
test_when_parse_duration_refuses_zero_negative_and_garbage(void **state)
{
	static const struct {
		const char	*in;
		const char	*msg;
	} cases[] = {
		{ "0m", "longer than zero" },
		{ "0d0h0m", "longer than zero" },
		{ "-1h", "not a duration" },
		{ "2x", "not a duration" },
		{ "30m1h", "not a duration" },
		{ "1h1h", "not a duration" },
		{ "", "not a duration" },
		{ "h", "not a duration" },
		{ "90", "not a duration" },
		{ "1.5h", "not a duration" },
		{ " 1h", "not a duration" },
		{ "1h ", "not a duration" },
		{ "1H", "not a duration" },
		{ "99999999m", "not a duration" },
		{ "31d", "too long" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		long got = -1;

		if (when_parse_duration(&f, "--duration", cases[i].in,
		    30L * 86400, &got) != -1)
			fail_msg("duration \"%s\" accepted as %ld", cases[i].in, got);
		assert_int_equal(f.kind, FAULT_INVALID);
		expect_contains("duration message", f.msg, cases[i].msg);
		expect_contains("duration message names the field", f.msg,
		    "--duration");
	}
	{
		struct fault f = { 0 };
		long got;

		assert_int_equal(when_parse_duration(&f, "--duration", NULL,
		    86400, &got), -1);
	}
}

static void
test_when_format_iso_gives_the_offset_in_force(void **state)
{
	static const struct {
		int		 y, mo, d, h, mi, s;	/* UTC */
		const char	*want;
		const char	*why;
	} cases[] = {
		{ 2026, 12, 3, 18, 0, 0, "2026-12-03T19:00:00+01:00", "winter" },
		{ 2026, 7, 1, 17, 0, 0, "2026-07-01T19:00:00+02:00", "summer" },
		{ 2027, 3, 28, 0, 59, 59, "2027-03-28T01:59:59+01:00", "last second of winter time" },
		{ 2027, 3, 28, 1, 0, 0, "2027-03-28T03:00:00+02:00", "first second of summer time" },
		{ 2026, 10, 25, 0, 59, 59, "2026-10-25T02:59:59+02:00", "last second of summer time" },
		{ 2026, 10, 25, 1, 0, 0, "2026-10-25T02:00:00+01:00", "first second of winter time" },
		/* The repeated hour: the same wall clock, two instants. */
		{ 2026, 10, 25, 0, 30, 0, "2026-10-25T02:30:00+02:00", "repeated hour, first pass" },
		{ 2026, 10, 25, 1, 30, 0, "2026-10-25T02:30:00+01:00", "repeated hour, second pass" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char out[32];

		when_format_iso(utc(cases[i].y, cases[i].mo, cases[i].d,
		    cases[i].h, cases[i].mi, cases[i].s), ams, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("when_format_iso (%s): got %s, want %s",
			    cases[i].why, out, cases[i].want);
	}
}

static void
test_when_format_iso_in_other_zones(void **state)
{
	char out[32];

	(void)state;
	when_format_iso(utc(2026, 12, 3, 18, 0, 0),
	    icaltimezone_get_utc_timezone(), out);
	assert_string_equal(out, "2026-12-03T18:00:00+00:00");
	when_format_iso(utc(2026, 12, 3, 18, 0, 0),
	    when_zone("America/New_York"), out);
	assert_string_equal(out, "2026-12-03T13:00:00-05:00");
	when_format_iso(utc(2026, 12, 3, 18, 0, 0),
	    when_zone("Asia/Kolkata"), out);
	assert_string_equal(out, "2026-12-03T23:30:00+05:30");
}

static void
test_when_parse_and_format_round_trip(void **state)
{
	static const char *in[] = {
		"2026-12-03T19:00:00+01:00", "2026-07-01T19:00:00+02:00",
		"2027-03-28T03:00:00+02:00", "2026-10-25T02:30:00+02:00",
	};

	(void)state;
	for (size_t i = 0; i < N(in); i++) {
		struct fault f = { 0 };
		char out[32];
		time_t t;

		assert_int_equal(when_parse(&f, "--start", in[i], ams, &t), 0);
		when_format_iso(t, ams, out);
		assert_string_equal(out, in[i]);
	}
}

/*
 * The repeated hour of 31 October 2027 in Amsterdam is 00:00-01:00 UTC
 * (02:00-03:00 CEST) and again 01:00-02:00 UTC (02:00-03:00 CET); the
 * hour skipped on 26 March 2028 has no instant at all.
 */
static void
test_when_ambiguous_is_the_repeated_hour_either_time_round(void **state)
{
	static const struct {
		int	y, mo, d, h, mi;	/* UTC */
		const char *zone;
		int	want;
	} cases[] = {
		{ 2027, 10, 30, 23, 59, "Europe/Amsterdam", 0 },	/* 01:59 CEST */
		{ 2027, 10, 31, 0, 0, "Europe/Amsterdam", 1 },	/* 02:00 CEST */
		{ 2027, 10, 31, 0, 30, "Europe/Amsterdam", 1 },	/* 02:30 CEST */
		{ 2027, 10, 31, 0, 59, "Europe/Amsterdam", 1 },	/* 02:59 CEST */
		{ 2027, 10, 31, 1, 0, "Europe/Amsterdam", 1 },	/* 02:00 CET */
		{ 2027, 10, 31, 1, 30, "Europe/Amsterdam", 1 },	/* 02:30 CET */
		{ 2027, 10, 31, 1, 59, "Europe/Amsterdam", 1 },	/* 02:59 CET */
		{ 2027, 10, 31, 2, 0, "Europe/Amsterdam", 0 },	/* 03:00 CET */
		{ 2027, 10, 30, 0, 30, "Europe/Amsterdam", 0 },	/* a day before */
		{ 2028, 3, 26, 0, 59, "Europe/Amsterdam", 0 },	/* 01:59 CET */
		{ 2028, 3, 26, 1, 0, "Europe/Amsterdam", 0 },	/* 03:00 CEST */
		{ 2028, 3, 26, 1, 30, "Europe/Amsterdam", 0 },	/* 03:30 CEST */
		{ 2027, 11, 7, 5, 30, "America/New_York", 1 },	/* 01:30 EDT */
		{ 2027, 11, 7, 6, 30, "America/New_York", 1 },	/* 01:30 EST */
		{ 2027, 11, 7, 7, 30, "America/New_York", 0 },	/* 02:30 EST */
		{ 2027, 10, 31, 0, 30, "UTC", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		time_t t = utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
		    cases[i].mi, 0);
		icaltimezone *z = strcmp(cases[i].zone, "UTC") == 0 ?
		    icaltimezone_get_utc_timezone() : when_zone(cases[i].zone);

		assert_non_null(z);
		if (when_ambiguous(t, z) != cases[i].want)
			fail_msg("case %zu: %04d-%02d-%02d %02d:%02dZ in %s: "
			    "want %d", i, cases[i].y, cases[i].mo, cases[i].d,
			    cases[i].h, cases[i].mi, cases[i].zone,
			    cases[i].want);
	}
}

static void
test_when_format_local_and_date(void **state)
{
	char out[32], day[16];

	(void)state;
	when_format_local(utc(2026, 12, 3, 18, 0, 0), ams, out);
	assert_string_equal(out, "2026-12-03 19:00");
	when_format_local(utc(2026, 7, 1, 17, 5, 0), ams, out);
	assert_string_equal(out, "2026-07-01 19:05");
	/* 23:30 UTC on 3 December is already the 4th in Amsterdam. */
	when_format_date(utc(2026, 12, 3, 23, 30, 0), ams, day);
	assert_string_equal(day, "2026-12-04");
}

/*
 * Day events: a date starts at local midnight, the days the clocks change
 * are 23 and 25 hours long, and where the clocks skip midnight itself
 * (Havana: 00:00 becomes 01:00) the day starts when they land.
 */
static void
test_when_day_start_and_days_after_follow_the_local_dates(void **state)
{
	icaltimezone *havana = when_zone("America/Havana");
	time_t t;

	(void)state;
	t = when_day_start(2027, 3, 28, ams);
	assert_int_equal(t, utc(2027, 3, 27, 23, 0, 0));
	assert_int_equal(when_days_after(t, 1, ams), utc(2027, 3, 28, 22, 0, 0));
	t = when_day_start(2027, 10, 31, ams);
	assert_int_equal(t, utc(2027, 10, 30, 22, 0, 0));
	assert_int_equal(when_days_after(t, 1, ams), utc(2027, 10, 31, 23, 0, 0));
	/* Three dates on from the 30th of October: the 2nd of November. */
	assert_int_equal(when_days_after(utc(2027, 10, 30, 12, 0, 0), 3, ams),
	    utc(2027, 11, 1, 23, 0, 0));
	/* A day number past the month's end is the next month's. */
	assert_int_equal(when_day_start(2027, 1, 32, ams),
	    utc(2027, 1, 31, 23, 0, 0));
	assert_int_equal(when_days_after(utc(2027, 1, 15, 12, 0, 0), -1, ams),
	    utc(2027, 1, 13, 23, 0, 0));
	assert_non_null(havana);
	/* 2027-03-14 00:00 does not exist in Havana: 01:00 CDT (UTC-4). */
	assert_int_equal(when_day_start(2027, 3, 14, havana),
	    utc(2027, 3, 14, 5, 0, 0));
	assert_int_equal(when_day_start(2027, 3, 13, havana),
	    utc(2027, 3, 13, 5, 0, 0));
}

/* A VTIMEZONE with the given DAYLIGHT DTSTART and RRULE. */
static icalcomponent *
vtz(const char *dtstart, const char *rrule)
{
	char text[1024];

	snprintf(text, sizeof(text), "BEGIN:VTIMEZONE\r\n"
	    "TZID:W. Europe Standard Time\r\n"
	    "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n"
	    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
	    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
	    "BEGIN:DAYLIGHT\r\nDTSTART:%s\r\n"
	    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
	    "RRULE:%s\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n", dtstart, rrule);
	return icalparser_parse_string(text);
}

static void
test_when_check_vtimezone_takes_real_zones(void **state)
{
	static const char *good[] = {
		"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",			/* Outlook */
		"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",			/* US */
		"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU",
		"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=22",			/* Iran */
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",			/* leap days */
		"FREQ=YEARLY;UNTIL=19961027T010000Z;BYDAY=-1SU;BYMONTH=3",
	};
	struct fault f;
	icalarray *all = icaltimezone_get_builtin_timezones();

	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		icalcomponent *c = vtz("16010101T020000", good[i]);

		long budget = WHEN_VTZ_MAX_CHANGES;

		memset(&f, 0, sizeof(f));
		if (when_check_vtimezone(&f, c, &budget) != 0)
			fail_msg("%s refused: %s", good[i], f.msg);
		icalcomponent_free(c);
	}
	/* Every zone libical makes of the system's zoneinfo passes too. */
	for (size_t i = 0; i < all->num_elements; i++) {
		icaltimezone *z = icalarray_element_at(all, i);
		icalcomponent *c = when_zone(icaltimezone_get_location(z)) ?
		    icaltimezone_get_component(z) : NULL;
		long budget = WHEN_VTZ_MAX_CHANGES;

		memset(&f, 0, sizeof(f));
		if (c && when_check_vtimezone(&f, c, &budget) != 0)
			fail_msg("%s refused: %s", icaltimezone_get_location(z),
			    f.msg);
	}
}

static void
test_when_check_vtimezone_refuses_rules_no_zone_has(void **state)
{
	static const struct {
		const char *dtstart, *rrule, *says;
	} bad[] = {
		{ "16010101T020000", "FREQ=SECONDLY", "repeats SECONDLY" },
		{ "16010101T020000", "FREQ=MINUTELY", "repeats MINUTELY" },
		{ "16010101T020000", "FREQ=HOURLY", "repeats HOURLY" },
		{ "16010101T020000", "FREQ=DAILY", "repeats DAILY" },
		{ "16010101T020000", "FREQ=WEEKLY;BYDAY=SU", "repeats WEEKLY" },
		{ "16010101T020000", "FREQ=MONTHLY;BYDAY=-1SU", "repeats MONTHLY" },
		{ "16010101T020000", "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
		    "more than 100000 times" },
		{ "16010101T020000", "FREQ=YEARLY;BYMINUTE=0,30", "BYMINUTE" },
		{ "00010101T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		    "the year 1;" },
		{ "15991231T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		    "the year 1599" },
		{ "22010101T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		    "the year 2201" },
	};
	struct fault f;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		icalcomponent *c = vtz(bad[i].dtstart, bad[i].rrule);
		long budget = WHEN_VTZ_MAX_CHANGES;

		memset(&f, 0, sizeof(f));
		if (when_check_vtimezone(&f, c, &budget) != -1)
			fail_msg("%s from %s was accepted", bad[i].rrule,
			    bad[i].dtstart);
		expect_contains(bad[i].rrule, f.msg, bad[i].says);
		expect_contains(bad[i].rrule, f.msg,
		    "time zone \"W. Europe Standard Time\"");
		icalcomponent_free(c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_zone_knows_iana_ids_only),
		cmocka_unit_test(test_when_parse_reads_local_and_iso_times),
		cmocka_unit_test(test_when_parse_refuses_the_skipped_hour),
		cmocka_unit_test(test_when_parse_refuses_garbage_naming_the_field),
		cmocka_unit_test(test_when_parse_date_reads_dates_only),
		cmocka_unit_test(test_when_parse_reads_days_named_relative_to_today),
		cmocka_unit_test(test_when_parse_refuses_an_ambiguous_or_unknown_relative_day),
		cmocka_unit_test(test_when_relative_days_follow_the_zone_not_utc),
		cmocka_unit_test(test_when_parse_duration_accepts_minutes_hours_days),
		cmocka_unit_test(test_when_parse_duration_refuses_zero_negative_and_garbage),
		cmocka_unit_test(test_when_format_iso_gives_the_offset_in_force),
		cmocka_unit_test(test_when_format_iso_in_other_zones),
		cmocka_unit_test(test_when_parse_and_format_round_trip),
		cmocka_unit_test(test_when_format_local_and_date),
		cmocka_unit_test(test_when_day_start_and_days_after_follow_the_local_dates),
		cmocka_unit_test(test_when_ambiguous_is_the_repeated_hour_either_time_round),
		cmocka_unit_test(test_when_check_vtimezone_takes_real_zones),
		cmocka_unit_test(test_when_check_vtimezone_refuses_rules_no_zone_has),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

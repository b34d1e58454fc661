/*
 * Unit tests for recur.c: RRULE checking with messages that name the bad
 * part, and expansion in local wall-clock time across DST changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/recur.h"
#include "hersteld/when.h"

static icaltimezone *ams;

static time_t
local(int y, int mo, int d, int h, int mi)
{
	struct icaltimetype t = icaltime_null_time();
	time_t out;

	t.year = y; t.month = mo; t.day = d; t.hour = h; t.minute = mi;
	assert_int_equal(when_from_local(NULL, "t", t, ams, &out), 0);
	return out;
}

struct collect {
	time_t	v[400];
	int	n;
	int	stop_after;
};

static int
keep(time_t t, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = t;
	return c->stop_after && c->n >= c->stop_after;
}

static void
test_valid_rules_pass(void **state)
{
	static const char *ok[] = {
		"FREQ=WEEKLY;BYDAY=TU;COUNT=20",
		"FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T235959Z",
		"FREQ=MONTHLY;BYDAY=1MO",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
		"FREQ=DAILY",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct fault f = { 0 };
		if (recur_check(&f, ok[i]) != 0)
			fail_msg("%s refused: %s", ok[i], f.msg);
	}
}

static void
test_invalid_rules_name_the_bad_part(void **state)
{
	static const struct { const char *rule, *says; } bad[] = {
		{ "FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX" },
		{ "FREQ=WEEKLY;COUNT=abc", "COUNT=abc" },
		{ "FREQ=WEEKLY;FOO=1", "FOO" },
		{ "FREQ=SOMETIMES", "FREQ=SOMETIMES" },
		{ "BYDAY=TU", "FREQ is missing" },
		{ "FREQ=WEEKLY;COUNT=3;UNTIL=20271231T000000Z", "not both" },
		{ "FREQ=MINUTELY", "HOURLY or slower" },
		{ "RRULE:FREQ=WEEKLY", "without" },
		{ "FREQ=WEEKLY;UNTIL=2027", "UNTIL=2027" },
		{ "FREQ=WEEKLY;COUNT=0", "COUNT=0" },
		{ "FREQ", "KEY=VALUE" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fault f = { 0 };
		if (recur_check(&f, bad[i].rule) == 0)
			fail_msg("%s accepted", bad[i].rule);
		assert_int_equal(f.kind, FAULT_INVALID);
		if (strstr(f.msg, bad[i].says) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].rule,
			    f.msg, bad[i].says);
	}
}

static void
test_weekly_tuesday_stays_at_19_across_both_dst_changes(void **state)
{
	struct collect c = { .n = 0 };
	time_t start = local(2026, 10, 13, 19, 0);
	(void)state;

	/* 2026-10-25 summer time ends; 2027-03-28 it starts again. */
	assert_int_equal(recur_expand("FREQ=WEEKLY;BYDAY=TU;COUNT=30", start,
	    ams, start, local(2028, 1, 1, 0, 0), 1000, keep, &c), 30);
	for (int i = 0; i < c.n; i++) {
		struct icaltimetype lt = when_local(c.v[i], ams);
		assert_int_equal(lt.hour, 19);
		assert_int_equal(lt.minute, 0);
		assert_int_equal(icaltime_day_of_week(lt), 3);	/* Tuesday */
	}
	/* Before and after the autumn change the UTC hour differs. */
	assert_int_equal((c.v[1] - c.v[0]), 7 * 86400);		/* 10-13 -> 10-20 */
	assert_int_equal((c.v[2] - c.v[1]), 7 * 86400 + 3600);	/* across 10-25 */
	/* 2027-03-23 -> 2027-03-30 crosses the spring change. */
	{
		int found = 0;
		for (int i = 1; i < c.n; i++)
			if (when_local(c.v[i], ams).month == 3 &&
			    when_local(c.v[i], ams).day == 30) {
				assert_int_equal(c.v[i] - c.v[i - 1],
				    7 * 86400 - 3600);
				found = 1;
			}
		assert_true(found);
	}
}

static void
test_expand_respects_window_and_stop(void **state)
{
	struct collect c = { .n = 0 };
	time_t start = local(2026, 12, 1, 19, 0);
	(void)state;

	assert_int_equal(recur_expand("FREQ=WEEKLY;BYDAY=TU", start, ams,
	    local(2027, 1, 1, 0, 0), local(2027, 2, 1, 0, 0), 100000, keep,
	    &c), 4);	/* 5, 12, 19, 26 January 2027 */
	assert_int_equal(when_local(c.v[0], ams).day, 5);
	assert_int_equal(when_local(c.v[3], ams).day, 26);

	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(recur_expand("FREQ=DAILY", start, ams, start,
	    local(2030, 1, 1, 0, 0), 100000, keep, &c), 2);
}

static void
test_until_in_utc_is_inclusive(void **state)
{
	struct collect c = { .n = 0 };
	time_t start = local(2026, 10, 20, 19, 0);
	(void)state;

	/* 2026-11-10 19:00 CET is 18:00Z: the last occurrence. */
	assert_int_equal(recur_expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T180000Z",
	    start, ams, start, local(2027, 1, 1, 0, 0), 1000, keep, &c), 4);
	assert_int_equal(when_local(c.v[3], ams).day, 10);
}

static void
test_last_occurrence_of_bounded_and_open_rules(void **state)
{
	time_t start = local(2026, 12, 1, 19, 0), last = 0;
	(void)state;

	assert_int_equal(recur_last("FREQ=WEEKLY;COUNT=3", start, ams, &last), 1);
	assert_int_equal(last, local(2026, 12, 15, 19, 0));
	assert_int_equal(recur_last("FREQ=WEEKLY", start, ams, &last), 0);
	assert_int_equal(recur_last("FREQ=NEVER", start, ams, &last), -1);
}

static void
test_truncate_and_rest_split_a_series(void **state)
{
	time_t start = local(2026, 12, 1, 19, 0), cut = local(2026, 12, 22, 19, 0);
	time_t last = 0;
	char *head, *tail;
	(void)state;

	head = recur_truncate("FREQ=WEEKLY;BYDAY=TU;COUNT=10", cut);
	assert_non_null(head);
	assert_null(strstr(head, "COUNT"));
	assert_non_null(strstr(head, "UNTIL="));
	assert_int_equal(recur_last(head, start, ams, &last), 1);
	assert_int_equal(last, local(2026, 12, 15, 19, 0));	/* 3 remain */

	tail = recur_rest("FREQ=WEEKLY;BYDAY=TU;COUNT=10", 3);
	assert_non_null(tail);
	assert_non_null(strstr(tail, "COUNT=7"));
	assert_int_equal(recur_last(tail, cut, ams, &last), 1);
	assert_int_equal(last, local(2027, 2, 2, 19, 0));
	free(head);
	free(tail);
}

static void
test_series_are_bounded_to_5000_occurrences(void **state)
{
	struct fault f;
	/* 2026-12-03 19:00 in Amsterdam; now a week earlier; horizon 730 d. */
	time_t start = 1796320800, now = start - 7 * 86400;
	time_t horizon = now + 730 * 86400;
	static const struct {
		const char *rule, *says;
	} bad[] = {
		{ "FREQ=DAILY;COUNT=2147483647", "COUNT=2147483647 is more than 5000" },
		{ "FREQ=DAILY;COUNT=99999999999", "is more than 5000" },
		{ "FREQ=DAILY;COUNT=5001", "COUNT=5001 is more than 5000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&f, 0, sizeof(f));
		assert_int_equal(recur_check(&f, bad[i].rule), -1);
		assert_non_null(strstr(f.msg, bad[i].says));
	}
	memset(&f, 0, sizeof(f));
	assert_int_equal(recur_check(&f, "FREQ=DAILY;COUNT=5000"), 0);
	assert_int_equal(recur_check_size(&f, "FREQ=DAILY;COUNT=5000", start,
	    ams, now, horizon), 0);
	/* Open-ended: only what falls before the horizon counts. */
	assert_int_equal(recur_check_size(&f, "FREQ=DAILY", start, ams, now,
	    horizon), 0);
	assert_int_equal(recur_check_size(&f, "FREQ=HOURLY", start, ams, now,
	    horizon), -1);
	assert_non_null(strstr(f.msg, "more than 5000 occurrences before"));
	/* With UNTIL: every occurrence counts, also beyond the horizon. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(recur_check_size(&f,
	    "FREQ=DAILY;UNTIL=22001231T000000Z", start, ams, now, horizon), -1);
	assert_non_null(strstr(f.msg, "more than 5000 occurrences"));
	assert_int_equal(recur_check_size(&f,
	    "FREQ=WEEKLY;UNTIL=21001231T000000Z", start, ams, now, horizon), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_rules_pass),
		cmocka_unit_test(test_series_are_bounded_to_5000_occurrences),
		cmocka_unit_test(test_invalid_rules_name_the_bad_part),
		cmocka_unit_test(test_weekly_tuesday_stays_at_19_across_both_dst_changes),
		cmocka_unit_test(test_expand_respects_window_and_stop),
		cmocka_unit_test(test_until_in_utc_is_inclusive),
		cmocka_unit_test(test_last_occurrence_of_bounded_and_open_rules),
		cmocka_unit_test(test_truncate_and_rest_split_a_series),
	};
	int rc;

	ams = when_zone("Europe/Amsterdam");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	when_shutdown();
	return rc;
}

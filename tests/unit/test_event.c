/*
 * Unit tests for event.c's occurrence expansion: EXDATEs leave an
 * occurrence out, overrides move, rename or cancel one (also into a window
 * from outside it), a cancelled series shows every occurrence as
 * cancelled, and extra dates (RDATE) join the rule's.  Events are built in memory: no database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hersteld/event.h"
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

struct seen {
	struct occurrence	v[64];
	int			n;
};

static int
keep(const struct occurrence *o, void *arg)
{
	struct seen *s = arg;

	s->v[s->n++] = *o;
	return 0;
}

/* A weekly Tuesday series 19:00-21:00 from 2026-12-01, 8 times. */
static struct event *
series(void)
{
	struct event *ev = calloc(1, sizeof(*ev));

	ev->id = 7;
	strcpy(ev->title, "Lotgenotengroep");
	strcpy(ev->timezone, "Europe/Amsterdam");
	ev->zone = ams;
	strcpy(ev->status, "published");
	strcpy(ev->rrule, "FREQ=WEEKLY;BYDAY=TU;COUNT=8");
	strcpy(ev->room, "herstelhuis/zaal-1");
	ev->start = local(2026, 12, 1, 19, 0);
	ev->end = local(2026, 12, 1, 21, 0);
	return ev;
}

static void
test_exdate_leaves_out_one_occurrence(void **state)
{
	struct event *ev = series();
	struct seen s = { .n = 0 };
	time_t ex = local(2026, 12, 29, 19, 0);
	(void)state;

	ev->exdates = &ex;
	ev->nexdates = 1;
	assert_int_equal(event_occurrences(ev, ev->start, local(2027, 2, 1, 0, 0),
	    keep, &s), 7);
	for (int i = 0; i < s.n; i++)
		assert_true(s.v[i].start != ex);
	ev->exdates = NULL;
	event_free(ev);
}

static void
test_override_moves_renames_and_cancels(void **state)
{
	struct event *ev = series();
	struct override ov[2];
	struct seen s = { .n = 0 };
	(void)state;

	memset(ov, 0, sizeof(ov));
	ov[0].recurrence_id = local(2026, 12, 8, 19, 0);
	ov[0].start = local(2026, 12, 8, 20, 0);
	ov[0].end = local(2026, 12, 8, 22, 0);
	strcpy(ov[0].title, "Later vandaag");
	ov[0].sequence = 3;
	ov[1].recurrence_id = local(2026, 12, 15, 19, 0);
	ov[1].start = ov[1].recurrence_id;
	ov[1].end = local(2026, 12, 15, 21, 0);
	ov[1].cancelled = 1;
	ev->overrides = malloc(sizeof(ov));
	memcpy(ev->overrides, ov, sizeof(ov));
	ev->noverrides = 2;

	assert_int_equal(event_occurrences(ev, ev->start,
	    local(2026, 12, 16, 0, 0), keep, &s), 3);
	assert_int_equal(s.v[0].start, ev->start);
	assert_false(s.v[0].moved);
	assert_int_equal(s.v[1].start, local(2026, 12, 8, 20, 0));
	assert_true(s.v[1].moved);
	assert_string_equal(s.v[1].title, "Later vandaag");
	assert_int_equal(s.v[1].recurrence_id, local(2026, 12, 8, 19, 0));
	assert_int_equal(s.v[1].sequence, 3);
	assert_true(s.v[2].cancelled);
	assert_string_equal(s.v[2].title, "Lotgenotengroep");
	event_free(ev);
}

static void
test_occurrence_moved_into_the_window_is_listed(void **state)
{
	struct event *ev = series();
	struct seen s = { .n = 0 };
	(void)state;

	/* The 2027-01-19 meeting moves to Saturday 2027-01-02. */
	ev->overrides = calloc(1, sizeof(*ev->overrides));
	ev->overrides[0].recurrence_id = local(2027, 1, 19, 19, 0);
	ev->overrides[0].start = local(2027, 1, 2, 14, 0);
	ev->overrides[0].end = local(2027, 1, 2, 16, 0);
	ev->noverrides = 1;
	assert_int_equal(event_occurrences(ev, local(2027, 1, 1, 0, 0),
	    local(2027, 1, 4, 0, 0), keep, &s), 1);
	assert_int_equal(s.v[0].start, local(2027, 1, 2, 14, 0));
	/* and it is no longer on its original day */
	memset(&s, 0, sizeof(s));
	assert_int_equal(event_occurrences(ev, local(2027, 1, 19, 0, 0),
	    local(2027, 1, 20, 0, 0), keep, &s), 0);
	event_free(ev);
}

static void
test_cancelled_series_shows_every_occurrence_cancelled(void **state)
{
	struct event *ev = series();
	struct seen s = { .n = 0 };
	(void)state;

	strcpy(ev->status, "cancelled");
	assert_int_equal(event_occurrences(ev, ev->start, local(2027, 3, 1, 0, 0),
	    keep, &s), 8);
	for (int i = 0; i < s.n; i++)
		assert_true(s.v[i].cancelled);
	event_free(ev);
}

static void
test_single_event_overlapping_the_window_edge(void **state)
{
	struct event *ev = series();
	struct seen s = { .n = 0 };
	(void)state;

	ev->rrule[0] = '\0';
	/* A window that starts during the event still shows it. */
	assert_int_equal(event_occurrences(ev, local(2026, 12, 1, 20, 0),
	    local(2026, 12, 2, 0, 0), keep, &s), 1);
	assert_int_equal(s.v[0].recurrence_id, 0);
	/* One that starts at its end does not (back to back). */
	assert_int_equal(event_occurrences(ev, local(2026, 12, 1, 21, 0),
	    local(2026, 12, 2, 0, 0), keep, &s), 0);
	event_free(ev);
}

/*
 * Extra dates (RDATE) join the rule's occurrences in order: one that is
 * also the rule's comes once, an EXDATE takes one out, an override
 * changes one, and a window that starts after the rule's end still finds
 * them.
 */
static void
test_rdates_merge_with_the_rule(void **state)
{
	struct event *ev = series();
	struct seen s = { .n = 0 };
	time_t rd[4] = {
		local(2026, 12, 3, 19, 0),	/* a Thursday, extra */
		local(2026, 12, 8, 19, 0),	/* the rule's own Tuesday */
		local(2027, 1, 7, 19, 0),	/* taken out below */
		local(2027, 3, 4, 10, 0),	/* after the rule's end */
	};
	time_t ex = rd[2];
	struct override ov = { .recurrence_id = rd[0] };
	(void)state;

	ov.start = local(2026, 12, 3, 20, 0);
	ov.end = local(2026, 12, 3, 22, 0);
	strcpy(ov.title, "Later");
	ev->rdates = rd;
	ev->nrdates = 4;
	ev->exdates = &ex;
	ev->nexdates = 1;
	ev->overrides = &ov;
	ev->noverrides = 1;
	assert_true(event_is_rdate(ev, rd[3]));
	assert_false(event_is_rdate(ev, ev->start));
	/* 8 of the rule, 3 extra that are not the rule's, 1 taken out. */
	assert_int_equal(event_occurrences(ev, ev->start, local(2027, 6, 1, 0, 0),
	    keep, &s), 10);
	assert_int_equal(s.v[0].start, ev->start);
	assert_int_equal(s.v[1].recurrence_id, rd[0]);
	assert_int_equal(s.v[1].start, ov.start);
	assert_string_equal(s.v[1].title, "Later");
	assert_int_equal(s.v[2].start, rd[1]);
	assert_true(s.v[3].start > rd[1] && s.v[3].start != rd[1]);
	for (int i = 0; i < s.n; i++)
		assert_true(s.v[i].start != ex);
	assert_int_equal(s.v[9].start, rd[3]);
	assert_int_equal(s.v[9].end, rd[3] + 2 * 3600);
	/* Only the extra date after the rule's end. */
	s.n = 0;
	assert_int_equal(event_occurrences(ev, local(2027, 3, 1, 0, 0),
	    local(2027, 4, 1, 0, 0), keep, &s), 1);
	assert_int_equal(s.v[0].recurrence_id, rd[3]);
	ev->rdates = NULL;
	ev->exdates = NULL;
	ev->overrides = NULL;
	event_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exdate_leaves_out_one_occurrence),
		cmocka_unit_test(test_override_moves_renames_and_cancels),
		cmocka_unit_test(test_occurrence_moved_into_the_window_is_listed),
		cmocka_unit_test(test_cancelled_series_shows_every_occurrence_cancelled),
		cmocka_unit_test(test_single_event_overlapping_the_window_edge),
		cmocka_unit_test(test_rdates_merge_with_the_rule),
	};
	int rc;

	ams = when_zone("Europe/Amsterdam");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	when_shutdown();
	return rc;
}

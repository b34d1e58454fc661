/*
 * Fuzz target: the parsers of times, dates and durations (when.c) and
 * of RRULEs (recur.c).  Each is given the whole input; when the input
 * has a line break, the part before it is also the start of the series
 * the part after it repeats, which is then checked, expanded in a
 * bounded window and rewritten as the daemon does on an edit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/recur.h"
#include "hersteld/when.h"
#include "fuzzenv.h"
#include "../unit/testclock.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static icaltimezone	*ams, *utc;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzzenv_conf();
	if ((ams = when_zone("Europe/Amsterdam")) == NULL ||
	    (utc = icaltimezone_get_utc_timezone()) == NULL) {
		fprintf(stderr, "no zoneinfo\n");
		abort();
	}
	return 0;
}

struct seen {
	time_t	last;
	long	n;
};

static int
in_order(time_t t, void *arg)
{
	struct seen *s = arg;

	if (s->n > 0 && t <= s->last) {
		fprintf(stderr, "recur_expand: %lld after %lld\n", (long long)t,
		    (long long)s->last);
		abort();
	}
	s->last = t;
	s->n++;
	return 0;
}

static void
times(const char *s)
{
	struct fault f = { 0 };
	time_t t;
	long d;
	int y, m, day;
	char out[32];

	if (when_parse(&f, "--start", s, ams, &t) == 0) {
		when_format_iso(t, ams, out);
		when_format_local(t, ams, out);
	}
	memset(&f, 0, sizeof(f));
	(void)when_parse(&f, "--start", s, utc, &t);
	memset(&f, 0, sizeof(f));
	if (when_parse_date(&f, "--from", s, ams, &y, &m, &day) == 0 &&
	    (m < 1 || m > 12 || day < 1 || day > 31)) {
		fprintf(stderr, "when_parse_date: %d-%d-%d\n", y, m, day);
		abort();
	}
	memset(&f, 0, sizeof(f));
	if (when_parse_duration(&f, "--duration", s, 400L * 86400, &d) == 0 &&
	    (d <= 0 || d > 400L * 86400)) {
		fprintf(stderr, "when_parse_duration: %ld\n", d);
		abort();
	}
}

static void
rule(const char *rrule, time_t start)
{
	struct fault f = { 0 };
	struct seen s = { 0 };
	time_t last;

	if (recur_check(&f, rrule) != 0)
		return;
	(void)recur_expand(rrule, start, ams, start - 86400,
	    start + 400L * 86400, 200, in_order, &s);
	memset(&f, 0, sizeof(f));
	(void)recur_check_start(&f, rrule, start, ams);
	if (recur_last(rrule, start, ams, &last) == 1 && last < start) {
		fprintf(stderr, "recur_last: %lld before the start %lld\n",
		    (long long)last, (long long)start);
		abort();
	}
	free(recur_truncate(rrule, start + 30L * 86400));
	free(recur_rest(rrule, 3));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fault f = { 0 };
	char *s, *nl;
	time_t start = TESTCLOCK_START;

	if (size > 4096)
		return 0;
	s = fuzzenv_string(data, size);
	times(s);
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		times(s);
		if (when_parse(&f, "--start", s, ams, &start) != 0)
			start = TESTCLOCK_START;
		rule(nl + 1, start);
	} else
		rule(s, start);
	free(s);
	return 0;
}

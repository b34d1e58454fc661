/*
 * RRULE checking and expansion with libical.  libical parses and iterates;
 * this file adds the error messages people need and the bounds a daemon
 * needs (a window, a maximum count).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/recur.h"
#include "hersteld/when.h"

static const char *parts[] = {
	"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR",
	"BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS",
	"WKST", NULL
};

int
recur_check(struct fault *f, const char *rrule)
{
	char buf[RECUR_MAX_LEN + 1], probe[RECUR_MAX_LEN + 32];
	char *save = NULL, *part;
	int has_freq = 0, has_count = 0, has_until = 0;
	struct icalrecurrencetype r;

	if (rrule == NULL || *rrule == '\0')
		return fault_set(f, FAULT_INVALID, "--repeat is empty");
	if (strlen(rrule) > RECUR_MAX_LEN)
		return fault_set(f, FAULT_INVALID, "--repeat is too long");
	if (strncmp(rrule, "RRULE:", 6) == 0)
		return fault_set(f, FAULT_INVALID, "--repeat: give the rule "
		    "without \"RRULE:\", e.g. FREQ=WEEKLY;BYDAY=TU");
	strcpy(buf, rrule);
	for (part = strtok_r(buf, ";", &save); part;
	    part = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(part, '=');
		int known = 0;

		if (eq == NULL || eq == part || eq[1] == '\0')
			return fault_set(f, FAULT_INVALID, "--repeat: \"%s\" is "
			    "not KEY=VALUE", part);
		*eq = '\0';
		for (int i = 0; parts[i]; i++)
			if (strcmp(part, parts[i]) == 0)
				known = 1;
		*eq = '=';
		if (!known)
			return fault_set(f, FAULT_INVALID, "--repeat: unknown "
			    "part \"%.*s\"", (int)(eq - part), part);
		if (strncmp(part, "FREQ=", 5) == 0) {
			has_freq = 1;
			snprintf(probe, sizeof(probe), "%s", part);
		} else {
			has_count |= strncmp(part, "COUNT=", 6) == 0;
			has_until |= strncmp(part, "UNTIL=", 6) == 0;
			snprintf(probe, sizeof(probe), "FREQ=DAILY;%s", part);
		}
		icalerror_clear_errno();
		r = icalrecurrencetype_from_string(probe);
		if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
			return fault_set(f, FAULT_INVALID, "--repeat: %s is not "
			    "valid", part);
		if (strncmp(part, "COUNT=", 6) == 0 &&
		    (r.count > RECUR_MAX_OCCURRENCES || strlen(part) > 10))
			return fault_set(f, FAULT_INVALID, "--repeat: %s is more "
			    "than %d occurrences, hersteld's limit for one "
			    "series", part, RECUR_MAX_OCCURRENCES);
		if (strncmp(part, "COUNT=", 6) == 0 && r.count <= 0)
			return fault_set(f, FAULT_INVALID, "--repeat: %s must "
			    "be 1 or more", part);
		if (strncmp(part, "INTERVAL=", 9) == 0 && r.interval <= 0)
			return fault_set(f, FAULT_INVALID, "--repeat: %s must "
			    "be 1 or more", part);
	}
	if (!has_freq)
		return fault_set(f, FAULT_INVALID, "--repeat: FREQ is missing "
		    "(e.g. FREQ=WEEKLY;BYDAY=TU)");
	if (has_count && has_until)
		return fault_set(f, FAULT_INVALID, "--repeat: give COUNT or "
		    "UNTIL, not both");
	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return fault_set(f, FAULT_INVALID, "--repeat \"%s\" is not a "
		    "valid rule", rrule);
	if (r.freq == ICAL_SECONDLY_RECURRENCE ||
	    r.freq == ICAL_MINUTELY_RECURRENCE)
		return fault_set(f, FAULT_INVALID, "--repeat: FREQ must be "
		    "HOURLY or slower");
	return 0;
}

/*
 * The UTC instant of a local occurrence.  A time in the hour skipped when
 * summer time starts is read as the same time an hour later (02:30 becomes
 * 03:30 that day); the next occurrence is back at 02:30.
 */
static time_t
occ_time(struct icaltimetype occ, icaltimezone *zone)
{
	struct icaltimetype later;
	time_t t;

	if (when_from_local(NULL, "", occ, zone, &t) == 0)
		return t;
	later = occ;
	icaltime_adjust(&later, 0, 1, 0, 0);
	if (when_from_local(NULL, "", later, zone, &t) == 0)
		return t;
	occ.zone = zone;
	return icaltime_as_timet_with_zone(occ, zone);
}

/* The last moment UNTIL allows, in UTC seconds; 0 when there is none. */
static time_t
until_of(struct icaltimetype u, icaltimezone *zone)
{
	struct icaltimetype next;
	time_t t;

	if (icaltime_is_null_time(u))
		return 0;
	if (u.is_date) {
		/* A date: every occurrence on that local day counts. */
		next = u;
		next.is_date = 0;
		next.hour = next.minute = next.second = 0;
		icaltime_adjust(&next, 1, 0, 0, 0);
		if (when_from_local(NULL, "", next, zone, &t))
			t = icaltime_as_timet_with_zone(next, zone);
		return t - 1;
	}
	if (u.zone != NULL)
		return icaltime_as_timet_with_zone(u, u.zone);
	/* A floating UNTIL is local time where the series happens. */
	if (when_from_local(NULL, "", u, zone, &t))
		t = icaltime_as_timet_with_zone(u, zone);
	return t;
}

long
recur_expand(const char *rrule, time_t dtstart, icaltimezone *zone,
    time_t from, time_t to, long max, int (*cb)(time_t, void *), void *arg)
{
	struct icalrecurrencetype r;
	icalrecur_iterator *it;
	struct icaltimetype start, occ;
	time_t until, t, last = 0;
	long visited = 0, passed = 0;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return -1;
	/*
	 * libical iterates a floating start in plain wall-clock time; given
	 * a zone it carries a DST-gap shift into the next occurrences.  So
	 * it gets the local time without a zone, and UNTIL (which it would
	 * compare against those floating times) is applied here instead.
	 */
	until = until_of(r.until, zone);
	r.until = icaltime_null_time();
	start = when_local(dtstart, zone);
	start.zone = NULL;
	if ((it = icalrecur_iterator_new(r, start)) == NULL)
		return -1;
	while (visited < max) {
		occ = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(occ))
			break;
		visited++;
		t = occ_time(occ, zone);
		if (t < dtstart)
			continue;	/* libical may yield DTSTART's own slot */
		if (t <= last)
			continue;	/* hourly times folded by a DST gap */
		last = t;
		if (until && t > until)
			break;
		if (t >= to)
			break;
		if (t < from)
			continue;
		passed++;
		if (cb(t, arg))
			break;
	}
	icalrecur_iterator_free(it);
	return passed;
}

static int
keep_first(time_t t, void *arg)
{
	*(time_t *)arg = t;
	return 1;
}

int
recur_check_start(struct fault *f, const char *rrule, time_t dtstart,
    icaltimezone *zone)
{
	time_t first = 0;
	char when[32];

	if (recur_expand(rrule, dtstart, zone, dtstart, dtstart + 1, 8,
	    keep_first, &first) < 0)
		return fault_set(f, FAULT_INVALID, "--repeat is not a valid rule");
	when_format_local(dtstart, zone, when);
	if (first == 0 && recur_expand(rrule, dtstart, zone, dtstart,
	    (time_t)1 << 40, 8, keep_first, &first) == 0)
		return fault_set(f, FAULT_INVALID, "--repeat %s has no occurrence "
		    "from --start %s on", rrule, when);
	if (first != dtstart) {
		return fault_set(f, FAULT_INVALID, "--start %s is not itself an "
		    "occurrence of --repeat %s (start on a day the rule "
		    "repeats on)", when, rrule);
	}
	return 0;
}

static int
count_to_limit(time_t t, void *arg)
{
	(void)t;
	return ++*(long *)arg > RECUR_MAX_OCCURRENCES;
}

int
recur_check_size(struct fault *f, const char *rrule, time_t dtstart,
    icaltimezone *zone, time_t now, time_t horizon)
{
	struct icalrecurrencetype r;
	char until[32];
	long n = 0;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return fault_set(f, FAULT_INVALID, "--repeat is not a valid rule");
	if (r.count > 0 || !icaltime_is_null_time(r.until)) {
		if (recur_expand(rrule, dtstart, zone, dtstart, (time_t)1 << 40,
		    100000, count_to_limit, &n) < 0)
			return fault_set(f, FAULT_INVALID, "--repeat is not a "
			    "valid rule");
		if (n > RECUR_MAX_OCCURRENCES)
			return fault_set(f, FAULT_INVALID, "--repeat %s has more "
			    "than %d occurrences, hersteld's limit for one "
			    "series", rrule, RECUR_MAX_OCCURRENCES);
		return 0;
	}
	if (recur_expand(rrule, dtstart, zone, now > dtstart ? now : dtstart,
	    horizon, 100000, count_to_limit, &n) < 0)
		return fault_set(f, FAULT_INVALID, "--repeat is not a valid rule");
	if (n > RECUR_MAX_OCCURRENCES) {
		when_format_date(horizon, zone, until);
		return fault_set(f, FAULT_INVALID, "--repeat %s has more than %d "
		    "occurrences before %s (the booking horizon), hersteld's "
		    "limit for one series: give it an end (UNTIL or COUNT) "
		    "or repeat less often", rrule, RECUR_MAX_OCCURRENCES, until);
	}
	return 0;
}

static int
keep_last(time_t t, void *arg)
{
	*(time_t *)arg = t;
	return 0;
}

int
recur_last(const char *rrule, time_t dtstart, icaltimezone *zone, time_t *last)
{
	struct icalrecurrencetype r;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return -1;
	if (r.count == 0 && icaltime_is_null_time(r.until))
		return 0;
	*last = dtstart;
	/* Bounded: walk it (a rule this daemon accepts has few occurrences). */
	if (recur_expand(rrule, dtstart, zone, dtstart, (time_t)1 << 40,
	    100000, keep_last, last) < 0)
		return -1;
	return 1;
}

char *
recur_truncate(const char *rrule, time_t cut)
{
	struct icalrecurrencetype r;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return NULL;
	r.count = 0;
	r.until = icaltime_from_timet_with_zone(cut - 1, 0,
	    icaltimezone_get_utc_timezone());
	return icalrecurrencetype_as_string_r(&r);
}

char *
recur_rest(const char *rrule, long n)
{
	struct icalrecurrencetype r;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE)
		return NULL;
	if (r.count > 0)
		r.count = r.count - (int)n > 0 ? r.count - (int)n : 1;
	return icalrecurrencetype_as_string_r(&r);
}

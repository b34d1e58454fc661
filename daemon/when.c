/*
 * Parsing and formatting of times, dates and durations, and the zone
 * cache.  libical does the calendar arithmetic and time zone rules; this
 * file only reads and writes the notations people use.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/when.h"

static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

icaltimezone *
when_zone(const char *tzid)
{
	icaltimezone *z;

	if (tzid == NULL || *tzid == '\0' || strlen(tzid) > 64)
		return NULL;
	/*
	 * libical opens zoneinfo/<tzid> for whatever it is given and keeps
	 * it: accept IANA-shaped names only ("Area/Place_Name", "UTC").
	 */
	if (tzid[0] == '/' || strstr(tzid, "..") || strstr(tzid, "//") ||
	    strspn(tzid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(tzid))
		return NULL;
	/*
	 * libical loads builtin zones lazily and its first load is not safe
	 * against a concurrent one; do every lookup and the load under one
	 * lock, after which the zone is only read.
	 */
	pthread_mutex_lock(&zone_lock);
	z = icaltimezone_get_builtin_timezone(tzid);
	if (z != NULL && icaltimezone_get_component(z) == NULL)
		z = NULL;
	pthread_mutex_unlock(&zone_lock);
	return z;
}

void
when_shutdown(void)
{
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
date_ok(int y, int m, int d)
{
	return y >= 1970 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= icaltime_days_in_month(m, y);
}

static int
absolute_date(struct fault *f, const char *field, const char *s, int *y,
    int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
		return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is not a date "
		    "(use YYYY-MM-DD, or a day such as today, tomorrow, "
		    "next tuesday, +14d)", field, s ? s : "");
	if (!date_ok(*y, *m, *d))
		return fault_set(f, FAULT_INVALID, "%s %s is not a valid date",
		    field, s);
	return 0;
}

/*
 * Days named instead of written out.  The words are English and the Dutch
 * ones organisers use; weekdays are numbered as libical does (1 = Sunday).
 */
static const struct {
	const char	*word;
	int		 wday;
} weekdays[] = {
	{ "sunday", 1 }, { "sun", 1 }, { "zondag", 1 }, { "zo", 1 },
	{ "monday", 2 }, { "mon", 2 }, { "maandag", 2 }, { "ma", 2 },
	{ "tuesday", 3 }, { "tue", 3 }, { "tues", 3 }, { "dinsdag", 3 },
	{ "di", 3 },
	{ "wednesday", 4 }, { "wed", 4 }, { "woensdag", 4 }, { "wo", 4 },
	{ "thursday", 5 }, { "thu", 5 }, { "thur", 5 }, { "thurs", 5 },
	{ "donderdag", 5 }, { "do", 5 },
	{ "friday", 6 }, { "fri", 6 }, { "vrijdag", 6 }, { "vr", 6 },
	{ "saturday", 7 }, { "sat", 7 }, { "zaterdag", 7 }, { "za", 7 },
};

static const struct {
	const char	*word;
	int		 days;
} daywords[] = {
	{ "today", 0 }, { "vandaag", 0 }, { "tomorrow", 1 }, { "morgen", 1 },
	{ "overmorgen", 2 },
};

/* Words that make a weekday "the first one after today". */
static const char *const nextwords[] = { "next", "volgende", "komende" };

/* The longest relative day a person may write, in days ahead. */
#define RELATIVE_MAX_DAYS	3660

static int
weekday_of(const char *w)
{
	for (size_t i = 0; i < sizeof(weekdays) / sizeof(weekdays[0]); i++)
		if (strcmp(w, weekdays[i].word) == 0)
			return weekdays[i].wday;
	return 0;
}

static const char *
weekday_name(int wday)
{
	static const char *const names[] = { "", "sunday", "monday",
	    "tuesday", "wednesday", "thursday", "friday", "saturday" };

	return wday >= 1 && wday <= 7 ? names[wday] : "";
}

/* "HH:MM" or "H:MM"; 0 or -1. */
static int
clock_time(const char *w, int *h, int *mi)
{
	size_t n = strlen(w);

	if (n == 4 && w[1] == ':' && !digits(w, 1, h) && !digits(w + 2, 2, mi))
		;
	else if (n == 5 && w[2] == ':' && !digits(w, 2, h) &&
	    !digits(w + 3, 2, mi))
		;
	else
		return -1;
	return *h <= 23 && *mi <= 59 ? 0 : -1;
}

/* "+Nd" or "+Nw" as days; 0 or -1. */
static int
day_offset(const char *w, long *days)
{
	long v = 0;
	size_t n = strlen(w), i;

	if (n < 3 || n > 7 || w[0] != '+' || (w[n - 1] != 'd' &&
	    w[n - 1] != 'w'))
		return -1;
	for (i = 1; i < n - 1; i++) {
		if (!isdigit((unsigned char)w[i]))
			return -1;
		v = v * 10 + (w[i] - '0');
	}
	*days = w[n - 1] == 'w' ? v * 7 : v;
	return 0;
}

/*
 * Read a relative day, and with want_time an optional time of day:
 *
 *	[DAY] [+Nd | +Nw ...] [HH:MM]
 *
 * DAY is today, tomorrow, a weekday (the first one after today; refused
 * on that weekday itself, where it could mean today or a week on), next
 * WEEKDAY, or YYYY-MM-DD; without DAY the offsets count from today.
 * "now" (with want_time) is this moment.  The local date goes to *day,
 * the time of day (00:00 when none) to *h and *mi; *now is set for "now".
 */
static int
relative(struct fault *f, const char *field, const char *s,
    icaltimezone *zone, int want_time, struct icaltimetype *day, int *h,
    int *mi, int *now)
{
	char buf[64], *w[8], *save = NULL, *tok;
	struct icaltimetype today;
	int nw = 0, i = 0, wday, based = 0, moved = 0;
	long total = 0, off;

	*h = *mi = *now = 0;
	if (strlen(s) >= sizeof(buf))
		goto bad;
	for (size_t k = 0; s[k]; k++)
		buf[k] = (char)tolower((unsigned char)s[k]);
	buf[strlen(s)] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		if (nw == (int)(sizeof(w) / sizeof(w[0])))
			goto bad;
		w[nw++] = tok;
	}
	if (nw == 0)
		goto bad;
	if (want_time && nw == 1 && strcmp(w[0], "now") == 0) {
		*now = 1;
		return 0;
	}
	today = when_local(clock_now(), zone);
	today.hour = today.minute = today.second = 0;
	*day = today;
	for (size_t k = 0; k < sizeof(daywords) / sizeof(daywords[0]); k++)
		if (strcmp(w[0], daywords[k].word) == 0) {
			icaltime_adjust(day, daywords[k].days, 0, 0, 0);
			based = 1;
			i = 1;
		}
	if (!based) {
		int next = 0, d;

		for (size_t k = 0; k < sizeof(nextwords) / sizeof(*nextwords);
		    k++)
			if (strcmp(w[0], nextwords[k]) == 0)
				next = 1;
		if (next < nw && (wday = weekday_of(w[next])) != 0) {
			d = (wday - icaltime_day_of_week(today) + 7) % 7;
			if (d == 0 && !next)
				return fault_set(f, FAULT_INVALID, "%s \"%.40s\" "
				    "is ambiguous: today is a %s; write \"today\" "
				    "or \"next %s\"", field, s,
				    weekday_name(wday), w[0]);
			icaltime_adjust(day, d == 0 ? 7 : d, 0, 0, 0);
			based = 1;
			i = next + 1;
		} else if (next)
			goto bad;
		else if (strlen(w[0]) == 10 && isdigit((unsigned char)w[0][0])) {
			int y, m, dd;

			if (absolute_date(f, field, w[0], &y, &m, &dd))
				return -1;
			day->year = y;
			day->month = m;
			day->day = dd;
			based = 1;
			i = 1;
		}
	}
	for (; i < nw && day_offset(w[i], &off) == 0; i++) {
		total += off;
		if (total > RELATIVE_MAX_DAYS)
			return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is "
			    "too far ahead (at most %d days)", field, s,
			    RELATIVE_MAX_DAYS);
		moved = 1;
	}
	if (!based && !moved)
		goto bad;
	icaltime_adjust(day, (int)total, 0, 0, 0);
	if (i < nw && want_time && clock_time(w[i], h, mi) == 0)
		i++;
	if (i < nw)
		goto bad;
	return 0;
bad:
	if (want_time)
		return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is not a time: "
		    "use \"YYYY-MM-DD HH:MM\", ISO 8601 with an offset, or a day "
		    "and a time such as \"tomorrow 19:00\", \"next tuesday "
		    "19:00\", \"+14d 10:00\"", field, s);
	return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is not a date: use "
	    "YYYY-MM-DD, or a day such as today, tomorrow, next tuesday, "
	    "+14d", field, s);
}

/* Does s start as a written-out date and time (not "DATE +2w ...")? */
static int
absolute_form(const char *s)
{
	size_t n = strlen(s);

	return n >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-' &&
	    (n == 10 || s[10] == 'T' || (s[10] == ' ' &&
	    isdigit((unsigned char)s[11])));
}

int
when_parse_date(struct fault *f, const char *field, const char *s,
    icaltimezone *zone, int *y, int *m, int *d)
{
	struct icaltimetype day;
	int h, mi, now;

	if (s == NULL || absolute_form(s))
		return absolute_date(f, field, s, y, m, d);
	if (relative(f, field, s, zone, 0, &day, &h, &mi, &now))
		return -1;
	*y = day.year;
	*m = day.month;
	*d = day.day;
	return 0;
}

struct icaltimetype
when_local(time_t t, icaltimezone *zone)
{
	struct icaltimetype lt;

	lt = icaltime_from_timet_with_zone(t, 0, zone);
	/* libical 3.0 leaves .zone at UTC; the wall clock is right. */
	lt.zone = zone;
	return lt;
}

/* Seconds east of UTC in zone at t. */
static long
utc_offset(time_t t, icaltimezone *zone)
{
	struct icaltimetype lt = when_local(t, zone);

	lt.zone = icaltimezone_get_utc_timezone();
	return (long)(icaltime_as_timet_with_zone(lt, lt.zone) - t);
}

int
when_ambiguous(time_t t, icaltimezone *zone)
{
	long off = utc_offset(t, zone);
	const time_t around[2] = { t - 43200, t + 43200 };

	/*
	 * Offsets change at most once within half a day: t shares its wall
	 * clock with the instant that is as far off as the offsets differ,
	 * when that instant is under the other offset.
	 */
	for (int i = 0; i < 2; i++) {
		long other = utc_offset(around[i], zone);

		if (other != off && utc_offset(t + off - other, zone) == other)
			return 1;
	}
	return 0;
}

int
when_from_local(struct fault *f, const char *field, struct icaltimetype local,
    icaltimezone *zone, time_t *out)
{
	struct icaltimetype back;
	time_t t;

	local.zone = zone;
	local.is_date = 0;
	t = icaltime_as_timet_with_zone(local, zone);
	back = when_local(t, zone);
	if (back.year != local.year || back.month != local.month ||
	    back.day != local.day || back.hour != local.hour ||
	    back.minute != local.minute) {
		/*
		 * Either a skipped hour, or libical chose the second reading of
		 * a repeated hour; try one hour earlier for the latter.
		 */
		struct icaltimetype b2 = when_local(t - 3600, zone);
		if (b2.hour == local.hour && b2.minute == local.minute &&
		    b2.day == local.day) {
			*out = t - 3600;
			return 0;
		}
		return fault_set(f, FAULT_INVALID, "%s %04d-%02d-%02d %02d:%02d "
		    "does not exist in %s (the clocks move forward then)",
		    field, local.year, local.month, local.day, local.hour,
		    local.minute, icaltimezone_get_location(zone) ?
		    icaltimezone_get_location(zone) : icaltimezone_get_tzid(zone));
	}
	/* A repeated hour maps to its first (summer time) reading. */
	if (t >= 3600) {
		struct icaltimetype e = when_local(t - 3600, zone);
		if (e.hour == local.hour && e.minute == local.minute &&
		    e.day == local.day)
			t -= 3600;
	}
	*out = t;
	return 0;
}

time_t
when_day_start(int y, int m, int d, icaltimezone *zone)
{
	struct icaltimetype lt = icaltime_null_time();
	time_t t;

	lt.year = y;
	lt.month = m;
	lt.day = 1;
	icaltime_adjust(&lt, d - 1, 0, 0, 0);
	/* Where the clocks skip midnight, the day begins when they land. */
	for (lt.hour = 0; lt.hour < 3; lt.hour++)
		if (when_from_local(NULL, "", lt, zone, &t) == 0)
			return t;
	lt.hour = 0;
	lt.zone = zone;
	return icaltime_as_timet_with_zone(lt, zone);
}

time_t
when_days_after(time_t t, int n, icaltimezone *zone)
{
	struct icaltimetype lt = when_local(t, zone);

	return when_day_start(lt.year, lt.month, lt.day + n, zone);
}

int
when_parse(struct fault *f, const char *field, const char *s,
    icaltimezone *zone, time_t *out)
{
	struct icaltimetype lt = icaltime_null_time();
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n;
	const char *p;

	if (s != NULL && !absolute_form(s)) {
		int now;

		if (relative(f, field, s, zone, 1, &lt, &h, &mi, &now))
			return -1;
		if (now) {
			*out = clock_now();
			return 0;
		}
		lt.hour = h;
		lt.minute = mi;
		lt.second = 0;
		return when_from_local(f, field, lt, zone, out);
	}
	if (s == NULL || (n = strlen(s)) < 10 || n > 40)
		goto bad;
	if (n == 10)
		return absolute_date(f, field, s, &y, &mo, &d) ? -1 :
		    (lt.year = y, lt.month = mo, lt.day = d,
		     when_from_local(f, field, lt, zone, out));
	if (s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    n < 16 || s[13] != ':' || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi))
		goto bad;
	p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &sec))
			goto bad;
		p += 3;
	}
	if (!date_ok(y, mo, d) || h > 23 || mi > 59 || sec > 59)
		return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is not a valid "
		    "date and time", field, s);
	if (*p == '\0') {
		lt.year = y; lt.month = mo; lt.day = d;
		lt.hour = h; lt.minute = mi; lt.second = sec;
		return when_from_local(f, field, lt, zone, out);
	}
	{
		/* An explicit offset: the zone does not matter. */
		int oh = 0, om = 0, sign = 1;
		struct icaltimetype u = icaltime_null_time();

		if (strcmp(p, "Z") == 0)
			;
		else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 &&
		    p[3] == ':' && !digits(p + 1, 2, &oh) &&
		    !digits(p + 4, 2, &om) && oh <= 14 && om <= 59)
			sign = p[0] == '-' ? -1 : 1;
		else
			goto bad;
		u.year = y; u.month = mo; u.day = d;
		u.hour = h; u.minute = mi; u.second = sec;
		u.zone = icaltimezone_get_utc_timezone();
		*out = icaltime_as_timet_with_zone(u,
		    icaltimezone_get_utc_timezone()) -
		    sign * (oh * 3600 + om * 60);
		return 0;
	}
bad:
	return fault_set(f, FAULT_INVALID, "%s \"%.40s\" is not a time: use "
	    "\"YYYY-MM-DD HH:MM\", ISO 8601 with an offset, or a day and a "
	    "time such as \"tomorrow 19:00\", \"next tuesday 19:00\", "
	    "\"+14d 10:00\"", field, s ? s : "");
}

int
when_parse_duration(struct fault *f, const char *field, const char *s,
    long max, long *out)
{
	static const char units[] = "dhm";
	static const long secs[] = { 86400, 3600, 60 };
	const char *p = s;
	long total = 0;
	int next = 0, any = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 24)
		goto bad;
	while (*p) {
		long v = 0;
		const char *u;
		int nd = 0;

		while (isdigit((unsigned char)*p) && nd < 7) {
			v = v * 10 + (*p++ - '0');
			nd++;
		}
		if (nd == 0 || *p == '\0' || (u = strchr(units, *p)) == NULL)
			goto bad;
		if (u - units < next)
			goto bad;	/* units out of order or repeated */
		next = (int)(u - units) + 1;
		total += v * secs[u - units];
		any = 1;
		p++;
	}
	if (!any)
		goto bad;
	if (total <= 0)
		return fault_set(f, FAULT_INVALID, "%s must be longer than zero",
		    field);
	if (total > max)
		return fault_set(f, FAULT_INVALID, "%s %s is too long (at most "
		    "%ld hours)", field, s, max / 3600);
	*out = total;
	return 0;
bad:
	return fault_set(f, FAULT_INVALID, "%s \"%.24s\" is not a duration: "
	    "use e.g. 90m, 2h, 1h30m or 7d", field, s ? s : "");
}

void
when_format_iso(time_t t, icaltimezone *zone, char *out)
{
	struct icaltimetype lt = when_local(t, zone);
	int dst, off = icaltimezone_get_utc_offset(zone, &lt, &dst);
	int a = off < 0 ? -off : off;

	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
	    off < 0 ? '-' : '+', (a / 3600) % 100, (a / 60) % 60);
}

void
when_format_local(time_t t, icaltimezone *zone, char *out)
{
	struct icaltimetype lt = when_local(t, zone);

	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month,
	    lt.day, lt.hour, lt.minute);
}

void
when_format_date(time_t t, icaltimezone *zone, char *out)
{
	struct icaltimetype lt = when_local(t, zone);

	snprintf(out, 16, "%04d-%02d-%02d", lt.year % 10000, lt.month % 100,
	    lt.day % 100);
}

static const char *
freq_name(icalrecurrencetype_frequency fr)
{
	const char *s = icalrecur_freq_to_string(fr);

	return s ? s : "(none)";
}

/*
 * Take the changes of rule r from start up to WHEN_VTZ_MAX_YEAR off
 * *budget, as libical iterates them; -1 when they are more than it.
 */
static int
spend_changes(struct icalrecurrencetype r, struct icaltimetype start,
    long *budget)
{
	icalrecur_iterator *it;
	struct icaltimetype occ;
	int ret = 0;

	start.zone = NULL;
	if ((it = icalrecur_iterator_new(r, start)) == NULL)
		return 0;
	for (;;) {
		occ = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(occ) || occ.year > WHEN_VTZ_MAX_YEAR)
			break;
		if (--*budget < 0) {
			ret = -1;
			break;
		}
	}
	icalrecur_iterator_free(it);
	return ret;
}

int
when_check_vtimezone(struct fault *f, icalcomponent *vtz, long *budget)
{
	icalcomponent *c;
	icalproperty *p;
	const char *tzid = NULL;
	int nobs = 0, nrdates = 0;

	if ((p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)))
		tzid = icalproperty_get_tzid(p);
	if (tzid == NULL || *tzid == '\0')
		return fault_set(f, FAULT_INVALID, "a VTIMEZONE without TZID");
	for (c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c;
	    c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(c);
		const char *part = k == ICAL_XDAYLIGHT_COMPONENT ? "DAYLIGHT" :
		    "STANDARD";
		struct icaltimetype start;
		struct icalrecurrencetype r;

		if (k != ICAL_XSTANDARD_COMPONENT &&
		    k != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		if (++nobs > WHEN_VTZ_MAX_OBSERVANCES)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\" "
			    "has more than %d STANDARD and DAYLIGHT parts",
			    tzid, WHEN_VTZ_MAX_OBSERVANCES);
		nrdates += icalcomponent_count_properties(c,
		    ICAL_RDATE_PROPERTY);
		if (nrdates > WHEN_VTZ_MAX_RDATES)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\" "
			    "has more than %d RDATEs", tzid,
			    WHEN_VTZ_MAX_RDATES);
		if (icalcomponent_get_first_property(c,
		    ICAL_DTSTART_PROPERTY) == NULL)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "a %s part without DTSTART", tzid, part);
		start = icalcomponent_get_dtstart(c);
		if (icaltime_is_null_time(start) ||
		    start.year < WHEN_VTZ_MIN_YEAR ||
		    start.year > WHEN_VTZ_MAX_YEAR)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "a %s part starts in the year %d; real zones start "
			    "between %d and %d", tzid, part, start.year,
			    WHEN_VTZ_MIN_YEAR, WHEN_VTZ_MAX_YEAR);
		if ((p = icalcomponent_get_first_property(c,
		    ICAL_RRULE_PROPERTY)) == NULL)
			continue;
		if (icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY))
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "a %s part has more than one RRULE", tzid, part);
		r = icalproperty_get_rrule(p);
		if (r.freq != ICAL_YEARLY_RECURRENCE)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "its %s rule repeats %s; real zones change at most "
			    "once a year per rule (FREQ=YEARLY)", tzid, part,
			    freq_name(r.freq));
		if (r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX)
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "its %s rule has BYHOUR, BYMINUTE or BYSECOND; the "
			    "time of a change is its DTSTART's", tzid, part);
		if (spend_changes(r, start, budget))
			return fault_set(f, FAULT_INVALID, "time zone \"%.80s\": "
			    "its %s rule, with the file's other zones, changes "
			    "the offset more than %d times up to %d; real zones "
			    "change it about twice a year", tzid, part,
			    WHEN_VTZ_MAX_CHANGES, WHEN_VTZ_MAX_YEAR);
	}
	return 0;
}

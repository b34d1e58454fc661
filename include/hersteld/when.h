/*
 * Time as people write it and as the store keeps it.  Input is
 * "YYYY-MM-DD HH:MM" (or a bare date, meaning 00:00) in a given zone, or
 * ISO 8601 with an offset; the store keeps UTC seconds plus the IANA zone.
 * Zones come from the system's zoneinfo through libical.
 */
#ifndef HERSTELD_WHEN_H
#define HERSTELD_WHEN_H

#include <time.h>
#include <libical/ical.h>

#include "hersteld/util.h"

/*
 * The libical zone for an IANA id, loaded completely so that threads may
 * share it read-only afterwards; NULL for an unknown id.  Borrowed: zones
 * live until when_shutdown().
 */
icaltimezone	*when_zone(const char *tzid);
void		 when_shutdown(void);

/*
 * Parse a time.  field names the input in error messages.  A local time
 * that does not exist (the hour skipped when summer time starts) is
 * refused; an ambiguous one takes the first (summer time) reading.
 *
 * Besides "YYYY-MM-DD HH:MM" and ISO 8601, a day may be named relative
 * to today in zone (clock_now()), with an optional time of day:
 *
 *	[DAY] [+Nd | +Nw ...] [HH:MM]		or	now
 *
 * DAY: today/vandaag, tomorrow/morgen, overmorgen, a weekday (English or
 * Dutch, full or short: tuesday, tue, dinsdag, di) meaning the first one
 * after today, "next"/"volgende"/"komende" WEEKDAY (the same, and also
 * allowed on that weekday itself), or YYYY-MM-DD.  A bare weekday on that
 * very weekday is refused as ambiguous.  Without DAY, offsets count from
 * today ("+14d 10:00"); at most 3660 days ahead.
 */
int	when_parse(struct fault *f, const char *field, const char *s,
	    icaltimezone *zone, time_t *out);

/*
 * Parse a date: "YYYY-MM-DD" or a relative day as for when_parse, without
 * a time of day, "today" being the date in zone.  0, or -1 with f filled.
 */
int	when_parse_date(struct fault *f, const char *field, const char *s,
	    icaltimezone *zone, int *y, int *m, int *d);

/*
 * Parse a duration: one or more of Nd, Nh, Nm in that order ("90m", "2h",
 * "1h30m", "7d").  Must be positive and at most max seconds.
 */
int	when_parse_duration(struct fault *f, const char *field, const char *s,
	    long max, long *out);

/* Local wall-clock time of t in zone, with .zone set. */
struct icaltimetype when_local(time_t t, icaltimezone *zone);

/*
 * Whether the local wall-clock time of t in zone also names another
 * instant: t lies in the hour the clocks repeat when summer time ends
 * (either time round).  Such a local time alone does not say which.
 */
int	when_ambiguous(time_t t, icaltimezone *zone);

/* UTC seconds of a local wall-clock time; -1 with f filled in a gap. */
int	when_from_local(struct fault *f, const char *field,
	    struct icaltimetype local, icaltimezone *zone, time_t *out);

/*
 * Day events.  when_day_start: the first instant of local date y-m-d in
 * zone (midnight, or the end of a gap that swallows it); the date is
 * normalised, so day 32 is the 1st of the next month.  when_days_after:
 * the first instant of the local date n days after t's.
 */
time_t	when_day_start(int y, int m, int d, icaltimezone *zone);
time_t	when_days_after(time_t t, int n, icaltimezone *zone);

/*
 * What a VTIMEZONE from a file may hold.  Real zones (the IANA data as
 * libical converts it, Outlook, Google) change their offset by yearly
 * rules, about twice a year, from DTSTARTs between 1600 (Outlook writes
 * 1601) and 2200; anything else only makes libical expand it for ever.
 */
#define WHEN_VTZ_MIN_YEAR	1600
#define WHEN_VTZ_MAX_YEAR	2200
#define WHEN_VTZ_MAX_OBSERVANCES 1000	/* STANDARD and DAYLIGHT parts */
#define WHEN_VTZ_MAX_RDATES	1000	/* RDATE values, all parts together */
#define WHEN_VTZ_MAX_CHANGES	100000	/* by RRULE up to 2200, in one file */

/*
 * Check a VTIMEZONE before libical is asked for any offset in it: every
 * STANDARD/DAYLIGHT part has a DTSTART in the years above and at most one
 * RRULE, FREQ=YEARLY without BYHOUR/BYMINUTE/BYSECOND; the counts above
 * hold.  The changes its rules make up to WHEN_VTZ_MAX_YEAR (as libical
 * iterates them) are taken off *budget, which the caller starts at
 * WHEN_VTZ_MAX_CHANGES for a whole file.  0, or -1 with f naming the zone
 * and what is wrong.
 */
int	when_check_vtimezone(struct fault *f, icalcomponent *vtz,
	    long *budget);

/* "2026-12-03T19:00:00+01:00" into out[32]. */
void	when_format_iso(time_t t, icaltimezone *zone, char *out);
/* "2026-12-03 19:00" into out[32]. */
void	when_format_local(time_t t, icaltimezone *zone, char *out);
/* "2026-12-03" (local date) into out[16]. */
void	when_format_date(time_t t, icaltimezone *zone, char *out);

#endif

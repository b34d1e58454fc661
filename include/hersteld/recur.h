/*
 * Recurrence: RFC 5545 RRULEs evaluated by libical in local wall-clock
 * time, so a weekly 19:00 session stays at 19:00 across DST changes.
 */
#ifndef HERSTELD_RECUR_H
#define HERSTELD_RECUR_H

#include <time.h>
#include <libical/ical.h>

#include "hersteld/util.h"

#define RECUR_MAX_LEN	512

/*
 * The most occurrences one series may have: COUNT at most this, a series
 * with UNTIL at most this many in all, an open-ended one at most this
 * many from now to the booking horizon.  As many as a booking may hold.
 */
#define RECUR_MAX_OCCURRENCES	5000

/*
 * Check an RRULE; 0, or -1 with f naming the part that is wrong
 * ("BYDAY=XX is not valid").  Refuses rules more frequent than hourly
 * and a COUNT over RECUR_MAX_OCCURRENCES.
 */
int	recur_check(struct fault *f, const char *rrule);

/*
 * Call cb(start, arg) with the start (UTC) of each occurrence of the series
 * that starts at dtstart in zone, in order, for starts in [from, to).  cb
 * returns nonzero to stop.  At most max occurrences are visited.  Returns
 * the number passed to cb, or -1 for a rule libical refuses.
 */
long	recur_expand(const char *rrule, time_t dtstart, icaltimezone *zone,
	    time_t from, time_t to, long max,
	    int (*cb)(time_t start, void *arg), void *arg);

/*
 * recur_expand through a memo of the expansions asked for before
 * (recur_memo.c): the same rule, start, zone and window give the same
 * starts, so a report over a year of 2,000 series expands each series
 * once, not again at every request.  Only for zones that live as long
 * as the daemon (when_zone): the memo knows a zone by its address.
 */
long	recur_expand_memo(const char *rrule, time_t dtstart,
	    icaltimezone *zone, time_t from, time_t to, long max,
	    int (*cb)(time_t start, void *arg), void *arg);

/* Forget every memoized expansion (at shutdown). */
void	recur_memo_clear(void);

/*
 * Whether the series starting at dtstart has dtstart itself as its first
 * occurrence (a start on a day the rule repeats on); 0 or -1 with f
 * naming --start and the rule.
 */
int	recur_check_start(struct fault *f, const char *rrule, time_t dtstart,
	    icaltimezone *zone);

/*
 * Whether the series starting at dtstart stays within
 * RECUR_MAX_OCCURRENCES: all of them for a rule with UNTIL, those in
 * [now, horizon) for an open-ended one.  0, or -1 with f saying so.
 */
int	recur_check_size(struct fault *f, const char *rrule, time_t dtstart,
	    icaltimezone *zone, time_t now, time_t horizon);

/*
 * The start of the last occurrence of a bounded rule (COUNT or UNTIL) into
 * *last and 1, or 0 for an open-ended rule; -1 for a bad rule.
 */
int	recur_last(const char *rrule, time_t dtstart, icaltimezone *zone,
	    time_t *last);

/*
 * Rewrite rrule so that the series ends before the occurrence at cut
 * (UTC): COUNT is replaced by an UNTIL one second earlier.  Returns a new
 * string (caller frees) or NULL.
 */
char	*recur_truncate(const char *rrule, time_t cut);

/*
 * The rule for the part of a series that starts at its n-th occurrence
 * (0-based): a COUNT shrinks by n, other rules stay.  New string or NULL.
 */
char	*recur_rest(const char *rrule, long n);

#endif

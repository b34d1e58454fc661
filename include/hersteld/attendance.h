/*
 * Attendance: how many people came to one occurrence of a session, as a
 * count (never names).  Recorded by the admin or the owning group's
 * organizer once the occurrence has started; recording again replaces the
 * count.  Proposed and cancelled sessions take none.
 */
#ifndef HERSTELD_ATTENDANCE_H
#define HERSTELD_ATTENDANCE_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define ATTENDANCE_MAX	100000

struct attendance {
	time_t	occurrence;		/* original start; 0: a single event */
	time_t	start;			/* when it took place */
	long	count;
	time_t	recorded;
};

/*
 * Record count for event id: a single event (date NULL, or its own date),
 * or the occurrence of a series on its original local date.
 */
int	attendance_record(sqlite3 *, int64_t event_id, const char *date,
	    long count, const char *actor, struct fault *);

/*
 * Check participant (id or address) in at event id (date as above), from
 * an hour before the start: the count goes up by one and *count holds
 * the new count.  A person is checked in once per occurrence; the
 * check-in row goes when the person is forgotten, the count stays.
 * group_id: 0 for the admin, else the organizer's group, which may name
 * only the people participant_known allows.
 */
int	attendance_checkin(sqlite3 *, int64_t event_id, const char *date,
	    const char *who, int64_t group_id, const char *actor, long *count,
	    struct fault *);

/* Recorded counts of event id in order of occurrence. */
int	attendance_list(sqlite3 *, int64_t event_id,
	    int (*cb)(const struct attendance *, void *), void *,
	    struct fault *);

#endif

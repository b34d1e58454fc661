/*
 * Accountability reports (verantwoording): per group, what took place in
 * a period (sessions by kind, hours, registrations, attendance, cancelled
 * sessions); per room and month, how much it was booked against its
 * opening hours.  Counts only: no report names a person.
 */
#ifndef HERSTELD_REPORT_H
#define HERSTELD_REPORT_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define REPORT_KINDS	6
/* The event kinds in report order. */
extern const char *const report_kinds[REPORT_KINDS];

struct report_group {
	int64_t	group_id;		/* 0: events without a group */
	char	group[64];		/* slug, "" for none */
	char	name[801];
	long	sessions[REPORT_KINDS];	/* held (not cancelled), by kind */
	long	sessions_total;
	long	minutes;		/* length of the sessions held */
	long	registrations;		/* 'going' per session held */
	long	attendance;		/* recorded counts */
	long	cancelled;		/* cancelled sessions */
};

/*
 * Per group (all groups by slug, or only_group), the published and
 * cancelled occurrences starting in [from, to); proposals are left out.
 * A whole-series registration counts once per occurrence, except where
 * the participant sits that one out.  Events without a group get a last
 * row (group "") when only_group is 0 and there is something to count.
 */
int	report_groups(sqlite3 *, time_t from, time_t to, int64_t only_group,
	    int (*cb)(const struct report_group *, void *), void *,
	    struct fault *);

/*
 * The registrations one occurrence counts: series: whether it belongs to
 * a series; whole: going for the whole series (or the single event);
 * going: going for this occurrence alone; sitout: whole-series
 * registrants who cancelled this occurrence.
 */
long	report_registrations(int series, long whole, long going, long sitout);

/* A period of whole days, both included, read in each location's zone. */
struct report_days {
	int	fy, fm, fd;
	int	ty, tm, td;
};

struct report_room {
	char	room[130];		/* LOC/ROOM */
	char	name[801];
	char	month[8];		/* YYYY-MM */
	long	booked_minutes;		/* held slots of confirmed bookings */
	long	open_minutes;		/* opening hours of the days counted */
	long	declined;		/* requests declined, by first start */
};

/*
 * Per room (of every location, or only_location) and month of the
 * period: booked and open minutes and declined requests.  A slot counts
 * in the month it starts in; closures are not taken off the opening
 * hours; a location without opening hours is open all day.
 */
int	report_rooms(sqlite3 *, const struct report_days *, int64_t only_location,
	    int (*cb)(const struct report_room *, void *), void *,
	    struct fault *);

#endif

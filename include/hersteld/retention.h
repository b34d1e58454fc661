/*
 * Retention: what the daemon keeps about people after a session.  The
 * registrations, check-ins and sent mail of sessions that ended more
 * than retention.days ago are removed, after the registrations' numbers
 * that the reports read are added up in registration_count.
 */
#ifndef HERSTELD_RETENTION_H
#define HERSTELD_RETENTION_H

#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

struct retention_done {
	long	registrations;
	long	checkins;
	long	messages;
};

/*
 * Remove what belongs to sessions that ended at or before cutoff, in one
 * transaction of its own, with an audit row when anything went.
 */
int	retention_purge(sqlite3 *db, time_t cutoff, struct retention_done *out,
	    struct fault *f);

#endif

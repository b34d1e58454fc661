/*
 * What is free: the free and busy periods of a room, and the rooms of a
 * location that are free for a period.  Read only; conflicts are judged by
 * the booking engine (booking_check), so the answer matches what a
 * booking request would get.
 */
#ifndef HERSTELD_AVAILABILITY_H
#define HERSTELD_AVAILABILITY_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/booking.h"
#include "hersteld/util.h"

/* One stretch of a day in room availability. */
struct period {
	time_t	start, end;
	int	busy;
	char	what[600];		/* for busy periods */
};

/*
 * Free and busy periods of room ref within opening hours between from and
 * to (dates or times in the room's zone).  cb gets each period in order.
 */
int	availability_room(sqlite3 *, const char *ref, const char *from,
	    const char *to, const struct booking_viewer *,
	    int (*cb)(const struct period *, const char *tz, void *), void *,
	    struct fault *);

/*
 * Rooms of location loc that are free for [start, end), hold at least
 * capacity people and, when accessible, are step-free.  cb gets each room
 * reference ("LOC/ROOM") with its name and capacity.
 */
int	availability_find(sqlite3 *, const char *loc, const char *start,
	    const char *end, const char *duration, long capacity, int accessible,
	    int (*cb)(const char *ref, const char *name, long capacity,
	    void *), void *, struct fault *);

/*
 * The rooms of every location that are free for [start, end), hold
 * capacity and are not closed then, those of location_id first: what to
 * offer instead when a closure takes a room away.  cb as above, for at
 * most max rooms.
 */
int	availability_elsewhere(sqlite3 *, time_t start, time_t end,
	    long capacity, int64_t location_id, int max,
	    int (*cb)(const char *ref, const char *name, long capacity,
	    void *), void *, struct fault *);

#endif

/*
 * Locations, their rooms and opening hours, and closures of a location or
 * a room.  Inputs are borrowed strings as the API received them; NULL
 * means "not given" (on edit: leave as it is).  Times in closures are read
 * in the location's zone.
 */
#ifndef HERSTELD_LOCATION_H
#define HERSTELD_LOCATION_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>
#include <libical/ical.h>

#include "hersteld/util.h"

#define NAME_MAX_CHARS		200
#define ADDRESS_MAX_CHARS	500
#define REASON_MAX_CHARS	500

/* Opening hours: minutes after midnight per weekday (0 = Monday). */
struct hours {
	int	open[7];	/* -1: closed that day */
	int	close[7];	/* up to 1440 */
};

struct location {
	int64_t	id;
	char	slug[64];
	char	name[NAME_MAX_CHARS * 4 + 1];
	char	address[ADDRESS_MAX_CHARS * 4 + 1];
	char	timezone[72];
	char	hours[256];	/* canonical text; "" = no restriction */
	char	email[EMAIL_MAX_BYTES + 1];	/* managers' address, or "" */
	int64_t	created, modified;
};

struct location_in {
	const char	*slug, *name, *address, *timezone, *hours;
	const char	*email;		/* "" clears it on edit */
};

struct room {
	int64_t	id;
	int64_t	location_id;
	char	location[64];		/* slug */
	char	location_tz[72];
	char	slug[64];
	char	name[NAME_MAX_CHARS * 4 + 1];
	long	capacity;
	int	accessible;
	char	features[512];
	int	needs_approval;
	int64_t	created, modified;
};

struct room_in {
	const char	*ref;		/* "LOC/ROOM" (add) */
	const char	*name, *features;
	long		 capacity;	/* -1: not given */
	int		 accessible;	/* -1: not given */
	int		 needs_approval;/* -1: not given */
};

struct closure {
	int64_t	id;
	int64_t	location_id;
	char	location[64];
	char	room[64];		/* "" for the whole location */
	char	timezone[72];
	time_t	start, end;
	char	reason[REASON_MAX_CHARS * 4 + 1];
};

struct closure_in {
	const char	*target;	/* "LOC" or "LOC/ROOM" */
	const char	*from, *to, *reason;
};

/*
 * Parse "mon-fri 09:00-22:00, sat 10:00-16:00" into h and its canonical
 * text (256 bytes); "" means open at all times.
 */
int	hours_parse(struct fault *, const char *s, struct hours *h, char *canon);

/*
 * Whether [start, end) lies within one day's opening hours h, read in
 * zone z; text is the hours as given ("" is open at all times).
 */
int	hours_within(const struct hours *h, const char *text, icaltimezone *z,
	    time_t start, time_t end);

int	location_add(sqlite3 *, const struct location_in *, const char *actor,
	    int64_t *id, struct fault *);
int	location_edit(sqlite3 *, const char *slug, const struct location_in *,
	    const char *actor, struct fault *);
/*
 * location_edit inside the caller's transaction, without its audit row:
 * *before is the location as it was.  0, or -1 with f filled.
 */
int	location_update(sqlite3 *, const char *slug, const struct location_in *,
	    struct location *before, struct fault *);
/*
 * Removing a location is schedule_location_remove (its tokens, revoked
 * ones included, go with it).  Inside the caller's transaction:
 * location_unused loads it into *l when nothing still uses it (rooms,
 * events, active tokens; else a conflict saying what), and
 * location_delete removes its closures and the row.  0, or -1 with f
 * filled.
 */
int	location_unused(sqlite3 *, const char *slug, struct location *l,
	    struct fault *);
int	location_delete(sqlite3 *, const struct location *, struct fault *);
/* 0 and out filled, or -1 with a not-found fault. */
int	location_get(sqlite3 *, const char *slug, struct location *out,
	    struct fault *);
int	location_get_id(sqlite3 *, int64_t id, struct location *out,
	    struct fault *);
int	location_list(sqlite3 *, int (*cb)(const struct location *, void *),
	    void *, struct fault *);

/* Split "LOC/ROOM"; 0 or -1 with f filled.  loc and room are 64 bytes. */
int	room_ref_split(struct fault *, const char *ref, char *loc, char *room);

int	room_add(sqlite3 *, const struct room_in *, const char *actor,
	    int64_t *id, struct fault *);
/*
 * Change a room, inside the caller's transaction (schedule_room_edit); the
 * room as it was goes to *was.
 */
int	room_update(sqlite3 *, const char *ref, const struct room_in *,
	    struct room *was, struct fault *);
/*
 * Removing a room is schedule_room_remove (its declined and cancelled
 * bookings go with it).  Inside the caller's transaction: room_unused
 * loads it into *r when nothing still uses it (events, changed
 * occurrences, open bookings; else a conflict saying what), and
 * room_delete removes its closures and the row.  0, or -1 with f filled.
 */
int	room_unused(sqlite3 *, const char *ref, struct room *r,
	    struct fault *);
int	room_delete(sqlite3 *, const struct room *, struct fault *);
int	room_get(sqlite3 *, const char *ref, struct room *out, struct fault *);
int	room_get_id(sqlite3 *, int64_t id, struct room *out, struct fault *);
/* All rooms, or those of one location (slug; NULL for all). */
int	room_list(sqlite3 *, const char *location,
	    int (*cb)(const struct room *, void *), void *, struct fault *);

/* A closure's input, checked and read: where and when. */
struct closure_plan {
	struct location	l;
	int64_t		room_id;	/* 0: the whole location */
	time_t		from, to;
};

/*
 * Inside the caller's transaction: check in and resolve it into *p
 * (closure_resolve), or write the closure of p with reason
 * (closure_insert, its id in *id).  0, or -1 with f filled.  What a
 * closure over held rooms does to them is schedule_closure_add's.
 */
int	closure_resolve(sqlite3 *, const struct closure_in *,
	    struct closure_plan *p, struct fault *);
int	closure_insert(sqlite3 *, const struct closure_plan *p,
	    const char *reason, int64_t *id, struct fault *);
/* A closure on its own, in a transaction of its own (held rooms stay). */
int	closure_add(sqlite3 *, const struct closure_in *, const char *actor,
	    int64_t *id, int64_t *location_id, struct fault *);
int	closure_get(sqlite3 *, int64_t id, struct closure *out, struct fault *);
int	closure_remove(sqlite3 *, int64_t id, const char *actor, struct fault *);
/* Closures, optionally of one location (slug), that end after since. */
int	closure_list(sqlite3 *, const char *location, time_t since,
	    int (*cb)(const struct closure *, void *), void *, struct fault *);

#endif

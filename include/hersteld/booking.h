/*
 * Room bookings and the one conflict engine for bookings and events.
 *
 * A booking holds a room for one period or a series (RRULE in the room's
 * zone).  Each occurrence up to the horizon (bookings.horizon_days) is a
 * row in booking_slot, so that "what overlaps [s, e) in this room" is an
 * index range scan.  An event in a room holds a booking of its own, kept
 * in step with the event (moved, lengthened, cancelled occurrences) in the
 * event's own transaction.  A requested or confirmed booking holds its
 * slots; declined and cancelled ones do not.  Back-to-back periods do not
 * overlap.
 */
#ifndef HERSTELD_BOOKING_H
#define HERSTELD_BOOKING_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/location.h"
#include "hersteld/util.h"

#define BOOKING_MAX_SECONDS	(7L * 86400)	/* one occurrence; CHECKed */
#define BOOKING_MAX_SLOTS	5000		/* occurrences of one booking */

/* Who asks: decides what a conflict report may name ("bezet"). */
struct booking_viewer {
	int	all;			/* admin */
	int64_t	group_id;		/* organizer */
	int64_t	location_id;		/* location manager */
};

/* One period to check or hold. */
struct slot {
	time_t	recurrence_id;		/* original start (series), or start */
	time_t	start, end;
};

/* One refused occurrence, for people and for JSON. */
struct conflict {
	time_t	start, end;
	char	kind[16];		/* booking, event, closure, hours */
	char	text[600];		/* "2026-12-24 19:00-21:00: closed (Kerst)" */
	int64_t	booking_id;		/* the other booking, or 0 */
	int64_t	room_id;		/* the room that is not free */
	char	room[130];		/* its LOC/ROOM */
};

struct conflicts {
	struct conflict	*v;
	int		 n;
	int		 checked;	/* occurrences looked at */
};

void	conflicts_free(struct conflicts *);

/* A room with its location, opening hours and zone, as the engine sees it. */
struct booking_room {
	struct room	 room;
	struct location	 loc;
	struct hours	 hours;
	icaltimezone	*zone;
};

/* Load room room_id into *out; 0, or -1 with f filled. */
int	booking_room_load(sqlite3 *, int64_t room_id, struct booking_room *out,
	    struct fault *);

/*
 * Whether viewer v may see the details of a booking (and its event) in a
 * room of location location_id; 1 or 0.
 */
int	booking_may_see(const struct booking_viewer *v, int64_t location_id,
	    int64_t group_id, int private_, const char *visibility,
	    const char *event_status);

/*
 * Check slots (n of them) in room room_id against other bookings (except
 * booking `except`), closures of the room and its location, and opening
 * hours.  Every refused slot is appended to out.  0, or -1 (database).
 * Must run inside the transaction that writes.
 */
int	booking_check(sqlite3 *, int64_t room_id, const struct slot *, int n,
	    int64_t except, const struct booking_viewer *, struct conflicts *out,
	    struct fault *);

struct booking_in {
	const char	*room;		/* LOC/ROOM */
	const char	*start, *end, *duration, *rrule;
	const char	*title, *group;
	int		 private_;	/* details hidden from others ("bezet") */
	int		 skip_conflicts;
	int		 dry_run;	/* check only, write nothing */
	int		 auto_confirm;	/* the asker may confirm this room */
};

/* What a booking request came to. */
struct booking_result {
	int64_t			id;		/* 0 for a dry run */
	char			status[12];
	int			booked;		/* occurrences held */
	struct conflicts	skipped;	/* with --skip-conflicts */
};

/*
 * Book, inside the caller's transaction (schedule.c adds the mail and the
 * audit row, with detail[len] as its text).  On conflict (without
 * skip_conflicts) fails with FAULT_CONFLICT and the conflicts in *refused
 * (caller frees with conflicts_free).  A dry run writes nothing: the
 * caller rolls back.
 */
int	booking_insert(sqlite3 *, const struct booking_in *,
	    const struct booking_viewer *, const char *actor,
	    struct booking_result *, struct conflicts *refused, char *detail,
	    size_t len, struct fault *);

struct booking {
	int64_t	id;
	int64_t	room_id, location_id, group_id, event_id;
	char	room[130];
	char	group[64];
	char	title[801];
	char	timezone[72];
	time_t	start, end;
	char	rrule[513];
	char	status[12];
	char	reason[2001];
	char	booked_by[256];
	int	private_;
	int	held;			/* occurrences holding the room */
	time_t	next;			/* next held occurrence, or 0 */
	time_t	created;
};

int	booking_get(sqlite3 *, int64_t id, struct booking *, struct fault *);

/*
 * The occurrences of booking id that it does not hold (skipped: not free
 * when booked or rolled; cancelled), in order: cb gets each slot, its state
 * and the reason it was skipped (for a cancelled one, the
 * closure that let it go, or "").
 */
int	booking_not_held(sqlite3 *, int64_t id,
	    int (*cb)(const struct slot *, const char *state, const char *note,
	    void *), void *, struct fault *);

/* Bookings, optionally of one room (LOC/ROOM) and/or with one status. */
int	booking_list(sqlite3 *, const char *room, const char *status,
	    int (*cb)(const struct booking *, void *), void *, struct fault *);

/*
 * Approve or decline a requested booking, inside the caller's transaction;
 * the booking as it was goes to *b.  FAULT_CONFLICT when it is not a
 * request.  booking_check_reason checks a decline's reason alone.
 */
int	booking_set_approved(sqlite3 *, int64_t id, struct booking *b,
	    struct fault *);
int	booking_check_reason(const char *reason, struct fault *);
int	booking_set_declined(sqlite3 *, int64_t id, const char *reason,
	    struct booking *b, struct fault *);
/* Cancel a booking, or one occurrence of it (date: YYYY-MM-DD, or NULL). */
int	booking_cancel(sqlite3 *, int64_t id, const char *date,
	    const char *actor, struct fault *);
/*
 * Inside the caller's transaction: let go of one occurrence of booking b
 * (rid: its original start; a booking of one period is cancelled whole),
 * with note saying why (a closure's reason).  0, or -1 with f filled.
 */
int	booking_release(sqlite3 *, const struct booking *b, time_t rid,
	    const char *note, struct fault *);

/* One occurrence that holds a room: what a closure over it would hit. */
struct held_slot {
	int64_t	booking_id, event_id, group_id, room_id, location_id;
	time_t	recurrence_id, start, end;
	char	room[130];		/* LOC/ROOM */
	char	group[64];		/* slug, or "" */
	char	title[801];
	char	timezone[72];
	int	series;			/* the booking or event repeats */
	int	days;			/* a day event: holds the opening
					   hours of its dates */
	long	capacity;		/* the room's */
};

struct held_slots {
	struct held_slot	*v;
	int			 n;
};

void	held_slots_free(struct held_slots *);

/*
 * The occurrences held (requested or confirmed) in the rooms of location
 * location_id (only room room_id when nonzero) that overlap [from, to)
 * and have not ended, in order of start.  0, or -1 with f filled.
 */
int	booking_held_in(sqlite3 *, int64_t location_id, int64_t room_id,
	    time_t from, time_t to, struct held_slots *out, struct fault *);

/*
 * Inside the caller's transaction: the bookings of room room_id and their
 * slots are deleted, for schedule_room_remove once room_unused found
 * none open (only declined and cancelled ones are left then);
 * the bookings of group group_id keep their record without the group,
 * for schedule_group_remove.  0, or -1 with f filled.
 */
int	booking_drop_room(sqlite3 *, int64_t room_id, struct fault *);
int	booking_drop_group(sqlite3 *, int64_t group_id, struct fault *);
/* Hold a skipped or cancelled occurrence (date) of a series again. */
int	booking_restore(sqlite3 *, int64_t id, const char *date,
	    const struct booking_viewer *, const char *actor,
	    struct conflicts *refused, struct fault *);

/*
 * Bring the booking of event ev in step with it, inside the caller's
 * transaction: the event's room, occurrences (overrides applied, up to
 * the horizon) and status.  Refuses (FAULT_CONFLICT, *refused filled) when
 * an occurrence does not fit.  confirm: whether the asker may confirm in
 * that room; otherwise a room that needs approval gets a request.
 */
int	booking_sync_event(sqlite3 *, const struct event *, int confirm,
	    const struct booking_viewer *, const char *actor,
	    struct conflicts *refused, struct fault *);

/*
 * Extend open-ended series (bookings and events) to the horizon from now.
 * Occurrences that no longer fit are skipped and recorded in the audit
 * trail.  Returns the number of occurrences added, or -1.
 */
long	booking_roll(sqlite3 *, time_t now);

#endif

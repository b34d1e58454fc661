/*
 * The changes that have consequences, each in one transaction: the
 * entity's own write, what follows from it (the room it holds, topics,
 * registrations and waiting lists, the mail those cause), the audit row.
 * The doors (api_*, and the import) call these; the domain modules below
 * never call up.  Every function returns 0, or -1 with f filled and
 * nothing written.  schedule.c opens with the list of what follows from
 * what.
 */
#ifndef HERSTELD_SCHEDULE_H
#define HERSTELD_SCHEDULE_H

#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/booking.h"
#include "hersteld/event.h"
#include "hersteld/import.h"
#include "hersteld/location.h"
#include "hersteld/optin.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/util.h"

/* Events (see event.h for what in may hold; *new_id is 0 unless a
 * series was split with --following). */
int	schedule_event_add(sqlite3 *, const struct event_in *,
	    const char *actor, int64_t *id, struct fault *);
int	schedule_event_edit(sqlite3 *, int64_t id, const struct event_in *,
	    const char *actor, int64_t *new_id, struct fault *);
int	schedule_event_cancel(sqlite3 *, int64_t id, const struct event_in *,
	    const char *actor, int64_t *new_id, struct fault *);
int	schedule_event_publish(sqlite3 *, int64_t id, const struct event_in *,
	    const char *actor, struct fault *);
int	schedule_event_remove(sqlite3 *, int64_t id, const char *actor,
	    struct fault *);

/*
 * Import a calendar file (import.h): checked whole first, then every
 * event and one audit row (only when something changed) in one
 * transaction.  res as for import_read; free it with import_result_free.
 */
int	schedule_import(sqlite3 *, const struct import_in *,
	    const char *actor, struct import_result *res, struct fault *);

/* Bookings (booking.h): refused holds the conflicts on FAULT_CONFLICT
 * (caller frees); on success res->skipped is the caller's to free. */
int	schedule_booking_add(sqlite3 *, const struct booking_in *,
	    const struct booking_viewer *, const char *actor,
	    struct booking_result *res, struct conflicts *refused,
	    struct fault *);
int	schedule_booking_approve(sqlite3 *, int64_t id, const char *actor,
	    struct fault *);
int	schedule_booking_decline(sqlite3 *, int64_t id, const char *reason,
	    const char *actor, struct fault *);

/* A room (location.h); ref is "LOC/ROOM". */
int	schedule_room_edit(sqlite3 *, const char *ref, const struct room_in *,
	    const char *actor, struct fault *);
/* Refused while events or open bookings use it (room_unused). */
int	schedule_room_remove(sqlite3 *, const char *ref, const char *actor,
	    struct fault *);

/* What a closure does to the rooms held in its period. */
enum closure_mode {
	CLOSURE_ASK,		/* refused (FAULT_CONFLICT) when it hits any */
	CLOSURE_DRY_RUN,	/* say what it would hit; write nothing */
	CLOSURE_CANCEL,		/* call off everything it hits */
	CLOSURE_KEEP		/* it holds for new requests only */
};

#define CLOSURE_OFFERS	5	/* rooms offered instead, per occurrence */

/* A room free instead of a closed one. */
struct closure_offer {
	char	room[130];		/* LOC/ROOM */
	char	name[NAME_MAX_CHARS * 4 + 1];
	long	capacity;
};

/* One occurrence a closure hits, with who it concerns. */
struct closure_hit {
	struct held_slot	h;
	long			going, waiting;	/* registrations (events) */
	long			size;		/* what a room instead must hold */
	struct closure_offer	offers[CLOSURE_OFFERS];
	int			noffers;
};

struct closure_result {
	int64_t			 id;		/* the closure (0: none written) */
	struct closure_plan	 plan;
	struct closure_hit	*v;
	int			 n;
	int			 cancelled;	/* the hits were called off */
};

void	closure_result_free(struct closure_result *);

/*
 * Add a closure of a location or a room (location.h).  Every occurrence
 * held in its period that has not ended (held_slot: bookings and the
 * bookings of events; for a whole location also the events there without
 * a room, with booking_id 0) is listed in res with its registrations and the rooms free instead
 * (availability_elsewhere); mode says what happens to them.  With
 * CLOSURE_CANCEL each is called off in this one transaction: an event's
 * occurrence is cancelled with the closure's reason (its registrants and
 * those waiting are told, the room is let go, the occurrence's waiting
 * list is emptied), a booking's occurrence is released, and the group
 * that held it is mailed (notice_closed).  res is filled on a refusal
 * too (FAULT_CONFLICT, nothing written); the caller frees it.
 */
int	schedule_closure_add(sqlite3 *, const struct closure_in *,
	    enum closure_mode, const char *actor, struct closure_result *res,
	    struct fault *);

/*
 * Change a location (location_edit).  New opening hours that leave out
 * an occurrence held in one of its rooms (not ended; a day event never)
 * are refused (FAULT_CONFLICT, nothing written; the message counts them)
 * unless keep: res lists the first 50 either way, as a closure's hits
 * (the caller frees).
 */
int	schedule_location_edit(sqlite3 *, const char *slug,
	    const struct location_in *, int keep, const char *actor,
	    struct closure_result *res, struct fault *);

/*
 * Remove a location or a group (location.h, group.h): refused while
 * something still uses it (location_unused, group_unused).
 */
int	schedule_location_remove(sqlite3 *, const char *slug,
	    const char *actor, struct fault *);
int	schedule_group_remove(sqlite3 *, const char *slug, const char *actor,
	    struct fault *);

/* Participants (participant.h); ref is an id or an address. */
int	schedule_participant_edit(sqlite3 *, const char *ref,
	    const struct participant_in *, const char *actor, struct fault *);
int	schedule_participant_forget(sqlite3 *, const char *ref,
	    const char *actor, struct fault *);

/*
 * A registration asked for on the web (optin.h): the request and its
 * mail, or nothing at all (*out says which).
 */
int	schedule_optin_ask(sqlite3 *, const struct optin_in *,
	    enum optin_outcome *out, struct fault *);

enum optin_done {
	OPTIN_REGISTERED,	/* res says going or waitlist */
	OPTIN_ALREADY,		/* registered before; nothing changed */
	OPTIN_REFUSED,		/* the session takes no registration now */
	OPTIN_GONE		/* *state says why the link does not work */
};

/*
 * Confirm the web registration of token: the link is taken once, then
 * the person is added when new (participant_add) and registered exactly
 * as herstelctl register does (reg_register: capacity, waiting list,
 * confirmation mail, reminders).  A database failure gives the link
 * back.  0 with *done (and *state, *res) set, or -1 with f filled.
 */
int	schedule_optin_confirm(sqlite3 *, const char *token,
	    enum optin_done *done, enum optin_state *state,
	    struct reg_result *res, struct fault *);

/*
 * A new personal link (melink.h) for the person with address email, in
 * place of the old one, and the mail that carries it; nothing when the
 * address is unknown or had per_day such mails in the last day.
 * *mailed says which, for the log only: the web answer is the same.
 */
int	schedule_participant_link(sqlite3 *, const char *email,
	    const char *base_url, long per_day, int *mailed, struct fault *);

/*
 * The nightly thread: at start and then every night at 03:00 in the
 * configured zone it extends booked series to the horizon (booking_roll)
 * and plans the reminders the planning window newly reaches
 * (reg_plan_all), sleeping in between.  0, or -1 when it cannot start.
 */
int	schedule_nightly_start(void);
void	schedule_nightly_stop(void);

#endif

/*
 * Registrations: a participant goes to an event, to one occurrence of a
 * series, or to the whole series.  Capacity (the event's, else its
 * room's) is counted per occurrence; who does not fit waits, and the
 * waiting list moves up by itself, in order, when a place frees.  Every
 * change queues its mail in the same transaction, and the reminders of
 * the next weeks are kept planned in the outbox.
 */
#ifndef HERSTELD_REGISTRATION_H
#define HERSTELD_REGISTRATION_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/util.h"

#define REG_PLAN_WINDOW		(92L * 86400)	/* reminders planned ahead */
#define FOLLOWUP_MAX_CHARS	20000

struct reg_result {
	int64_t	id;
	char	status[12];		/* going or waitlist */
	int	mailed;			/* a confirmation was queued */
};

/*
 * Register participant (id or address) for event id: one occurrence
 * (date "YYYY-MM-DD") or, when NULL, the whole event or series.
 * group_id: 0 for the admin; for an organizer its group, which may name
 * only the people participant_known allows (others read as unknown).
 */
int	reg_register(sqlite3 *, int64_t event_id, const char *participant,
	    const char *occurrence, int64_t group_id, const char *actor,
	    struct reg_result *, struct fault *);
/*
 * Undo it.  For someone registered for the whole series, an occurrence
 * means sitting that one out.  The freed place goes to the waiting list.
 * group_id as for reg_register.
 */
int	reg_unregister(sqlite3 *, int64_t event_id, const char *participant,
	    const char *occurrence, int64_t group_id, const char *actor,
	    struct fault *);

struct attendee {
	int64_t		 participant_id;
	const char	*email, *name;	/* NULL when names are not shown */
	const char	*status;	/* going or waitlist */
	time_t		 occurrence;	/* 0: the whole event or series */
	int		 unmailed;	/* promoted while taking no mail */
};

struct reg_counts {
	long	going, waitlist;
	long	unmailed;		/* going, promoted, not told by mail */
	long	capacity;		/* 0: no limit */
	int	anonymous;		/* the group shows counts only */
};

/*
 * Counting places for many occurrences (the web agenda): one prepared
 * statement for the whole count, on events already loaded.  going counts
 * as reg_attendees does: at occurrence rid (0: a single event) its own
 * registrations and the series' ones of people not sitting it out.
 */
struct reg_counter {
	sqlite3		*db;
	sqlite3_stmt	*st;
};

int	reg_counter_open(struct reg_counter *, sqlite3 *);
/* Going at rid of event_id; -1 on a database error. */
long	reg_counter_going(struct reg_counter *, int64_t event_id, time_t rid);
void	reg_counter_close(struct reg_counter *);
/* ev's capacity (its own, else its room's); 0: no limit; -1: database. */
long	reg_capacity(sqlite3 *, const struct event *);

/*
 * Who goes to event id (one occurrence when date is given).  cb gets each
 * person unless the organising group is anonymous: then only counts, for
 * everyone.  group_id: the organizer's group that asks (0: the admin).
 * An organizer gets no participant id (0) and, for a person its group
 * added, the name the group gave, so that adding a known address shows
 * nothing a new one would not.
 */
int	reg_attendees(sqlite3 *, int64_t event_id, const char *occurrence,
	    int64_t group_id, int (*cb)(const struct attendee *, void *),
	    void *, struct reg_counts *, struct fault *);

/*
 * Plan reminders inside the caller's transaction, for registrations of
 * event_id and/or participant_id (0: any), for occurrences starting
 * within REG_PLAN_WINDOW.  replace: drop the pending ones first (the
 * event, the registration or the person's wishes changed).
 */
int	reg_plan(sqlite3 *, int64_t event_id, int64_t participant_id,
	    int replace, struct fault *);
/*
 * Plan what the window newly reaches: a transaction per event, giving
 * way to other writers in between (store_yield), and leaving off when
 * stop (or NULL) says so; what is left comes next time.
 */
int	reg_plan_all(sqlite3 *, int (*stop)(void));

/*
 * Inside the transaction that changed event before->id (and, with
 * new_id, split off a new part): registrations follow the split, people
 * get change and cancellation notices for what changed for them,
 * reminders are planned again, and a raised capacity lets the waiting
 * list move up.
 */
int	reg_event_changed(sqlite3 *, const struct event *before,
	    int64_t new_id, const char *actor, struct fault *);
/* Before event ev is removed: cancellation notices. */
int	reg_event_removed(sqlite3 *, const struct event *ev, struct fault *);
/* A newly published event: announcements to the group's followers. */
int	reg_announce(sqlite3 *, const struct event *ev, struct fault *);
/* A room now holds more people: promote on its events' waiting lists. */
int	reg_room_grew(sqlite3 *, int64_t room_id, struct fault *);
/* Before participant id is erased: their places go to the waiting list. */
int	reg_release_all(sqlite3 *, int64_t participant_id, const char *actor,
	    struct fault *);

/*
 * Occurrence rid of event event_id (0: a single event): how many go, and
 * how many wait (for it or for the whole series); -1 on a database
 * error.  reg_waiting_drop empties the waiting list of that occurrence
 * once it is called off (those on it were told by its cancellation
 * notice; who waits for the whole series keeps waiting), inside the
 * caller's transaction.
 */
long	reg_going_at(sqlite3 *, int64_t event_id, time_t rid);
long	reg_waiting_at(sqlite3 *, int64_t event_id, time_t rid);
int	reg_waiting_drop(sqlite3 *, int64_t event_id, time_t rid,
	    struct fault *);

/*
 * Send notes (UTF-8 text) to everyone registered for event id (one
 * occurrence of a series: date), one message each.  *queued: how many.
 */
int	reg_followup(sqlite3 *, int64_t event_id, const char *occurrence,
	    const char *notes, const char *actor, long *queued,
	    struct fault *);

#endif

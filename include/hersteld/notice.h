/*
 * Notices: turning a fact ("participant P is registered for occurrence O
 * of event E") into a composed message in the outbox, in the language
 * and at the hours the recipient asked for.  Runs inside the caller's
 * transaction; the outbox key makes queueing the same notice twice
 * harmless.
 */
#ifndef HERSTELD_NOTICE_H
#define HERSTELD_NOTICE_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/mail_text.h"
#include "hersteld/participant.h"
#include "hersteld/util.h"

struct notice {
	enum mail_kind			 kind;
	const struct participant	*p;
	const struct event		*ev;
	time_t				 occurrence;	/* 0: the whole event */
	/*
	 * The registration covers the whole series: a notice about one
	 * occurrence names it as an instance of the series; otherwise the
	 * occurrence stands alone (see feed_occurrence_uid).
	 */
	int				 series;
	/* Confirmations and unregistrations: the registration row. */
	int64_t				 registration;
	/*
	 * On the waiting list: their calendar does not have the session
	 * (their mail had no calendar part), so a change, cancellation or
	 * unregistration comes without one either.
	 */
	int				 waiting;
	long				 lead;		/* reminders */
	time_t				 due;		/* 0: now */
	time_t				 old_start;	/* changes */
	const char			*old_where;
	const char			*notes;		/* follow-ups */
};

/*
 * Queue n.  1 when queued, 0 when not (queued before, or the recipient
 * unsubscribed), -1 with f filled.
 */
int	notice_queue(sqlite3 *, const struct notice *, struct fault *);

/* The next occurrence of ev to come after now (not cancelled), or its
 * first when none is. */
void	notice_next(const struct event *ev, time_t now, struct occurrence *o);

/* The place of an occurrence as people read it, into out. */
void	notice_where(sqlite3 *, int64_t room_id, int64_t location_id,
	    const char *place, char *out, size_t len);

/*
 * Tell the group that booked (its contact address) that booking id was
 * requested, confirmed or declined.  Nothing when the group has no
 * address.  0, or -1 with f filled.
 */
/*
 * To the address of the booking's location (none: nothing): a request
 * waits for approval; again: the reminder before its date, sent once.
 */
int	notice_booking_waiting(sqlite3 *, int64_t booking_id, int again,
	    struct fault *);
int	notice_booking(sqlite3 *, int64_t booking_id, enum mail_kind,
	    struct fault *);

struct held_slot;

/*
 * To the contact address of the group that held h (none: nothing):
 * closure closure_id, for reason, called it off; told registrants were
 * sent its cancellation; rooms lists the rooms free instead, one a line
 * ("" for none).  Replies go to the location's address, when it has one.
 */
int	notice_closed(sqlite3 *, const struct held_slot *h, int64_t closure_id,
	    const char *reason, long told, const char *rooms, struct fault *);

#endif

/*
 * The outbox: every message hersteld will send, written in the same
 * transaction as the change that causes it, and the delivery thread
 * that sends them.
 *
 * A message is queued under a key unique per (kind, participant, event,
 * occurrence, sequence): queueing the same key twice keeps the first.
 * The delivery thread sleeps until the next message is due and is woken
 * when a transaction that queued one commits; it never polls.  A message
 * is claimed ('sending'), handed to smtp, and marked 'sent' only after
 * the server accepted it.  Temporary failures are retried with
 * exponential backoff for 48 hours, permanent ones are marked 'failed'
 * with the server's reply.  Messages found in 'sending' at start-up (a
 * crash between handing over and recording) are sent again: the only
 * place a duplicate can arise.
 */
#ifndef HERSTELD_OUTBOX_H
#define HERSTELD_OUTBOX_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>
#include <libical/ical.h>

#include "hersteld/util.h"

#define OUTBOX_GIVE_UP		(48L * 3600)	/* temporary failures */
#define OUTBOX_BACKOFF_MAX	3600L		/* longest wait between tries */

struct outbox_new {
	const char	*key;
	const char	*kind;		/* confirmation, reminder, ... */
	int64_t		 participant_id;	/* 0: a group's address */
	int64_t		 event_id;	/* 0: none */
	time_t		 occurrence;	/* original start, 0: whole event */
	const char	*recipient;	/* bare address */
	const char	*subject;	/* for outbox list (UTF-8) */
	const char	*message;	/* composed, without Date */
	time_t		 due;
	time_t		 expires;	/* not sent from then on; 0: never */
	int		 quiet;		/* retries also wait out quiet hours */
	int		 quiet_from, quiet_to;	/* minutes; -1: none */
};

/*
 * Queue a message inside the caller's transaction.  1 when queued, 0
 * when its key was queued before (nothing written), -1 with f filled.
 */
int	outbox_queue(sqlite3 *, const struct outbox_new *, struct fault *);

/*
 * Whether a message with key was queued (outbox_queue would write
 * nothing): 1 or 0, or -1 with f filled.  Lets a caller skip composing
 * what would not be written.
 */
int	outbox_queued(sqlite3 *, const char *key, struct fault *);

/*
 * Inside the caller's transaction, take messages out of the outbox; 0, or
 * -1 on a database error (the message is the connection's).
 * outbox_drop_pending: the pending messages of participant_id.
 * outbox_drop_reminders: pending reminders of event_id and participant_id
 * (0: any).  outbox_forget: every message of participant_id, sent ones
 * as well, since they carry the address.
 */
int	outbox_drop_pending(sqlite3 *, int64_t participant_id);
int	outbox_drop_reminders(sqlite3 *, int64_t event_id,
	    int64_t participant_id);
int	outbox_forget(sqlite3 *, int64_t participant_id);

/*
 * The first moment at or after t outside the quiet hours [from, to)
 * (minutes after midnight, local time in zone; from > to wraps midnight).
 * When that moment is at or after limit (a start time; 0: none), the
 * last moment before the quiet period that holds t, one minute before it
 * starts.  from < 0: t.
 */
time_t	outbox_quiet(time_t t, time_t limit, int from, int to,
	    icaltimezone *zone);

struct outbox_row {
	int64_t		 id;
	char		 kind[16];
	char		 status[12];
	int64_t		 participant_id;
	int64_t		 event_id;
	time_t		 occurrence;
	char		 recipient[256];
	char		 subject[1024];
	time_t		 due, next_attempt, sent, created;
	int		 attempts;
	char		 last_error[512];
};

/* Messages (status NULL: all), newest first, at most limit. */
int	outbox_list(sqlite3 *, const char *status, long limit,
	    int (*cb)(const struct outbox_row *, void *), void *,
	    struct fault *);
int	outbox_get(sqlite3 *, int64_t id, struct outbox_row *, struct fault *);
/* A failed message goes out again now (a fresh 48 hours). */
int	outbox_retry(sqlite3 *, int64_t id, const char *actor, struct fault *);

/* Wake the delivery thread: something was queued or the clock moved. */
void	outbox_kick(void);

/*
 * Send every message due now; returns the time the next one is due, 0
 * when none is pending.  The delivery thread's work, also called by
 * tests, one call at a time: it claims and records on the connection
 * given while a thread of its own, without a connection, does the
 * sending, so that the server never waits for the database.
 */
time_t	outbox_deliver(sqlite3 *);

/* Start and stop the delivery thread (stop lets a send finish). */
int	outbox_start(void);
void	outbox_stop(void);

#endif

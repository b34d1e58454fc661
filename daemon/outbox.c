/*
 * The outbox and its delivery thread.  See outbox.h for the guarantees.
 *
 * Delivery claims due messages in transactions of their own (they become
 * 'sending'), hands them to one smtp session in order from a thread that
 * only sends, and records the outcomes in small transactions behind it,
 * so that the server never waits for the database.  A crash between a
 * server's 250 and the record leaves the message in 'sending'; start-up
 * puts those back to 'pending', so they go out again rather than never.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/outbox.h"
#include "hersteld/rfc5322.h"
#include "hersteld/smtp.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static const char *kinds[] = { "confirmation", "reminder", "change",
    "cancellation", "promotion", "followup", "announcement", "booking", NULL };

/* ---- queueing ---- */

int
outbox_queued(sqlite3 *db, const char *key, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT 1 FROM outbox WHERE key = ?1")) ==
	    NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fault(f, db);
	return rc == SQLITE_ROW;
}

int
outbox_queue(sqlite3 *db, const struct outbox_new *m, struct fault *f)
{
	sqlite3_stmt *st;
	int rc, known = 0;

	for (int i = 0; kinds[i]; i++)
		known |= strcmp(kinds[i], m->kind) == 0;
	if (!known)
		return fault_set(f, FAULT_INTERNAL, "unknown message kind %s",
		    m->kind);
	if ((st = store_prepare(db, "INSERT INTO outbox (key, kind, "
	    "participant_id, event_id, occurrence, recipient, subject, message, "
	    "quiet, due, next_attempt, created, expires) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12) ON CONFLICT (key) "
	    "DO NOTHING")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, m->key);
	store_bind_text(st, 2, m->kind);
	if (m->participant_id)
		sqlite3_bind_int64(st, 3, m->participant_id);
	if (m->event_id)
		sqlite3_bind_int64(st, 4, m->event_id);
	sqlite3_bind_int64(st, 5, m->occurrence);
	store_bind_text(st, 6, m->recipient);
	store_bind_text(st, 7, m->subject);
	store_bind_text(st, 8, m->message);
	/* quiet: the hours as minutes, packed; 0 when retries may go any time. */
	sqlite3_bind_int(st, 9, m->quiet && m->quiet_from >= 0 ?
	    1 + m->quiet_from * 1440 + m->quiet_to : 0);
	sqlite3_bind_int64(st, 10, m->due);
	sqlite3_bind_int64(st, 11, clock_now());
	if (m->expires)
		sqlite3_bind_int64(st, 12, m->expires);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	if (sqlite3_changes(db) == 0)
		return 0;
	/* The thread looks again once this transaction commits. */
	store_after_commit(outbox_kick);
	return 1;
}

int
outbox_drop_pending(sqlite3 *db, int64_t participant_id)
{
	return store_exec_id(db, "DELETE FROM outbox WHERE participant_id = ?1 "
	    "AND status = 'pending'", participant_id);
}

int
outbox_drop_reminders(sqlite3 *db, int64_t event_id, int64_t participant_id)
{
	sqlite3_stmt *st;
	int rc;

	/*
	 * One statement for each pair of ids given, so that SQLite reads
	 * them by their index (outbox_event or outbox_participant): with
	 * "?1 = 0 OR event_id = ?1" it walks every pending message.
	 */
	if (participant_id == 0 && event_id != 0)
		return store_exec_id(db, "DELETE FROM outbox WHERE event_id = ?1 "
		    "AND kind = 'reminder' AND status = 'pending'", event_id);
	if (event_id == 0 && participant_id != 0)
		return store_exec_id(db, "DELETE FROM outbox WHERE "
		    "participant_id = ?1 AND kind = 'reminder' AND "
		    "status = 'pending'", participant_id);
	if ((st = store_prepare(db, event_id ? "DELETE FROM outbox WHERE "
	    "event_id = ?1 AND kind = 'reminder' AND participant_id = ?2 AND "
	    "status = 'pending'" : "DELETE FROM outbox WHERE kind = 'reminder' "
	    "AND status = 'pending'")) == NULL)
		return -1;
	if (event_id) {
		sqlite3_bind_int64(st, 1, event_id);
		sqlite3_bind_int64(st, 2, participant_id);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
outbox_forget(sqlite3 *db, int64_t participant_id)
{
	return store_exec_id(db, "DELETE FROM outbox WHERE participant_id = ?1",
	    participant_id);
}

/* ---- quiet hours ---- */

/* t's local day at minute m (UTC seconds), or -1 in a gap. */
static time_t
at_minute(struct icaltimetype day, int m, int days, icaltimezone *zone)
{
	time_t t;

	day.hour = m / 60;
	day.minute = m % 60;
	day.second = 0;
	if (days)
		icaltime_adjust(&day, days, 0, 0, 0);
	if (when_from_local(NULL, "", day, zone, &t))
		return -1;
	return t;
}

time_t
outbox_quiet(time_t t, time_t limit, int from, int to, icaltimezone *zone)
{
	struct icaltimetype lt;
	time_t qstart, qend;
	int m;

	if (from < 0 || to < 0 || from == to || zone == NULL)
		return t;
	lt = when_local(t, zone);
	m = lt.hour * 60 + lt.minute;
	if (from < to) {
		if (m < from || m >= to)
			return t;
		qstart = at_minute(lt, from, 0, zone);
		qend = at_minute(lt, to, 0, zone);
	} else if (m >= from) {
		qstart = at_minute(lt, from, 0, zone);
		qend = at_minute(lt, to, 1, zone);
	} else if (m < to) {
		qstart = at_minute(lt, from, -1, zone);
		qend = at_minute(lt, to, 0, zone);
	} else
		return t;
	if (qend < 0)		/* the end falls in a gap: an hour on */
		qend = t + 3600;
	if (limit && qend >= limit && qstart > 0)
		return qstart - 60;
	return qend;
}

/* ---- listing and retry ---- */

#define ROW_COLS "id, kind, status, coalesce(participant_id, 0), " \
	"coalesce(event_id, 0), occurrence, recipient, subject, due, " \
	"next_attempt, coalesce(sent, 0), created, attempts, last_error"

static void
fill_row(sqlite3_stmt *st, void *arg)
{
	struct outbox_row *r = arg;

	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->kind, sizeof(r->kind), "%s", store_text(st, 1));
	snprintf(r->status, sizeof(r->status), "%s", store_text(st, 2));
	r->participant_id = sqlite3_column_int64(st, 3);
	r->event_id = sqlite3_column_int64(st, 4);
	r->occurrence = sqlite3_column_int64(st, 5);
	snprintf(r->recipient, sizeof(r->recipient), "%s", store_text(st, 6));
	snprintf(r->subject, sizeof(r->subject), "%s", store_text(st, 7));
	r->due = sqlite3_column_int64(st, 8);
	r->next_attempt = sqlite3_column_int64(st, 9);
	r->sent = sqlite3_column_int64(st, 10);
	r->created = sqlite3_column_int64(st, 11);
	r->attempts = sqlite3_column_int(st, 12);
	snprintf(r->last_error, sizeof(r->last_error), "%s", store_text(st, 13));
}

int
outbox_list(sqlite3 *db, const char *status, long limit,
    int (*cb)(const struct outbox_row *, void *), void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct outbox_row r;
	int rc;

	if (status && strcmp(status, "pending") && strcmp(status, "sending") &&
	    strcmp(status, "sent") && strcmp(status, "failed"))
		return fault_set(f, FAULT_INVALID, "--status must be pending, "
		    "sending, sent or failed");
	if ((st = store_prepare(db, "SELECT " ROW_COLS " FROM outbox WHERE "
	    "?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		fill_row(st, &r);
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
outbox_get(sqlite3 *db, int64_t id, struct outbox_row *r, struct fault *f)
{
	memset(r, 0, sizeof(*r));
	return store_fetch(db, "SELECT " ROW_COLS " FROM outbox WHERE id = ?1",
	    NULL, id, fill_row, r, "message", f);
}

int
outbox_retry(sqlite3 *db, int64_t id, const char *actor, struct fault *f)
{
	struct outbox_row r;
	sqlite3_stmt *st;
	char obj[32];
	int rc;

	if (store_begin(db))
		return fault_set(f, FAULT_INTERNAL, "database busy");
	if (outbox_get(db, id, &r, f))
		goto fail;
	if (strcmp(r.status, "failed") != 0) {
		fault_set(f, FAULT_CONFLICT, "message %lld is %s; only a failed "
		    "message can be retried", (long long)id, r.status);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE outbox SET status = 'pending', "
	    "next_attempt = ?2, first_attempt = NULL, attempts = 0 "
	    "WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	snprintf(obj, sizeof(obj), "message %lld", (long long)id);
	if (rc != SQLITE_DONE || store_audit(db, actor, "outbox.retry", obj,
	    r.kind) || store_commit(db)) {
		store_fault(f, db);
		goto fail;
	}
	outbox_kick();
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- delivery ---- */

/*
 * Delivery is a pipeline, so that the server never waits for the
 * database.  The thread that calls outbox_deliver (with its connection)
 * claims messages ahead of the sending and records outcomes behind it;
 * a sender thread, which touches no database, hands the claimed
 * messages to one smtp session in order.  They share a ring:
 *
 *	rec <= snd <= end <= rec + RING
 *
 * [rec, snd) were handed over (outcome valid) and wait to be recorded,
 * [snd, end) are claimed and wait to be sent.  The sender alone writes
 * slot snd, the claimer alone fills slots from end on and reads and
 * frees [rec, snd): each works on its own slots without the lock and
 * moves its counter under it.
 *
 * The guarantees are those of a single thread: a message is marked sent
 * only by a recording made after its 250; what a crash leaves claimed
 * ('sending') goes out again at start-up, which duplicates only what was
 * handed over and not yet recorded: the sender waits rather than get
 * UNRECORDED_MAX outcomes ahead of the recording, so that is at most
 * UNRECORDED_MAX messages and the one on the wire.  The bound is wide
 * enough for a claim, a checkpoint or a busy machine to hold up the
 * recording while sending goes on: at 16 the sender waited some 80 times
 * in 10,000 messages on a loaded machine, at 64 hardly ever.  SIGTERM
 * lets the send under way finish, records every outcome and puts back
 * what was not tried.
 */
#define RING		256	/* claimed messages at most */
#define CLAIM_BATCH	64	/* messages claimed at once */
#define CLAIM_AHEAD	64	/* claim again when fewer wait to be sent */
#define RECORD_EVERY	16	/* outcomes per recording while sending */
#define UNRECORDED_MAX	64	/* sent and not yet recorded, at most */

struct claimed {
	int64_t		 id;
	char		 kind[16];
	char		*recipient;
	char		*message;
	int		 quiet;		/* packed, see outbox_queue */
	time_t		 first;		/* first attempt */
	int		 first_now;	/* this claim set first */
	int		 attempts;
	enum smtp_outcome outcome;
	char		 err[400];
	int		 done;		/* handed over (outcome valid) */
};

struct pipeline {
	struct claimed	 v[RING];	/* slot i is v[i % RING] */
	unsigned	 rec, snd, end;
	int		 no_more;	/* nothing more will be claimed */
	int		 down;		/* the sender gave up, saying why */
	int		 finished;	/* the sender will move snd no more */
	char		 why[400];
	const struct conf *c;
	char		 from[EMAIL_MAX_BYTES + 1];
};

/* Guards the counters and flags of the one pipeline at a time. */
static pthread_mutex_t	 plock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 to_claimer = PTHREAD_COND_INITIALIZER;
static pthread_cond_t	 to_sender = PTHREAD_COND_INITIALIZER;
static _Atomic int	 stopping;

#define SLOT(p, i)	(&(p)->v[(i) % RING])

static void
release(struct pipeline *p, unsigned from, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct claimed *c = SLOT(p, from + i);

		free(c->recipient);
		free(c->message);
		c->recipient = c->message = NULL;
	}
}

/*
 * Claim up to CLAIM_BATCH due messages into the slots from p->end on
 * (the caller made room); the count, or -1.
 */
static int
claim(sqlite3 *db, time_t now, struct pipeline *p)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	int n = 0, rc;

	if (store_begin(db))
		return -1;
	/*
	 * A reminder that could not go before its session began (the
	 * server was down, the daemon was not running) is not sent late.
	 */
	if ((st = store_prepare(db, "UPDATE outbox SET status = 'failed', "
	    "last_error = 'not sent: the session had begun' WHERE "
	    "status = 'pending' AND next_attempt <= ?1 AND expires <= ?1"))
	    == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if ((st = store_prepare(db, "SELECT id, recipient, message, quiet, "
	    "coalesce(first_attempt, ?1), attempts, first_attempt IS NULL, "
	    "kind "
	    "FROM outbox "
	    "WHERE status = 'pending' AND next_attempt <= ?1 "
	    "ORDER BY next_attempt, id LIMIT ?2")) == NULL ||
	    (up = store_prepare(db, "UPDATE outbox SET status = 'sending', "
	    "attempts = attempts + 1, first_attempt = coalesce(first_attempt, "
	    "?2) WHERE id = ?1")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, CLAIM_BATCH);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claimed *c = SLOT(p, p->end + n);

		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(st, 0);
		c->recipient = strdup(store_text(st, 1));
		c->message = strdup(store_text(st, 2));
		c->quiet = sqlite3_column_int(st, 3);
		c->first = sqlite3_column_int64(st, 4);
		c->attempts = sqlite3_column_int(st, 5) + 1;
		c->first_now = sqlite3_column_int(st, 6);
		snprintf(c->kind, sizeof(c->kind), "%s", store_text(st, 7));
		n++;
		if (c->recipient == NULL || c->message == NULL)
			goto fail;
		sqlite3_bind_int64(up, 1, c->id);
		sqlite3_bind_int64(up, 2, now);
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(up);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (store_commit(db))
		goto fail_nofinal;
	return n;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
fail_nofinal:
	log_warnx("outbox: cannot claim messages: %s", sqlite3_errmsg(db));
	store_rollback(db);
	release(p, p->end, n);
	return -1;
}

/* The wait before try number attempts + 1. */
static long
backoff(int attempts)
{
	long base = conf_current()->smtp_retry, w = base;

	for (int i = 1; i < attempts && w < OUTBOX_BACKOFF_MAX; i++)
		w *= 2;
	return w < OUTBOX_BACKOFF_MAX ? w : OUTBOX_BACKOFF_MAX;
}

/* Record the outcomes of the n slots from from in one transaction. */
static int
record(sqlite3 *db, struct pipeline *p, unsigned from, unsigned n, time_t now)
{
	sqlite3_stmt *sent = NULL, *failed = NULL, *again = NULL, *untried = NULL;
	icaltimezone *zone = when_zone(conf_current()->timezone);

	if (n == 0)
		return 0;
	if (store_begin(db))
		return -1;
	if ((sent = store_prepare(db, "UPDATE outbox SET status = 'sent', "
	    "sent = ?2, message = '', last_error = '' WHERE id = ?1")) == NULL ||
	    (failed = store_prepare(db, "UPDATE outbox SET status = 'failed', "
	    "last_error = ?2 WHERE id = ?1")) == NULL ||
	    (again = store_prepare(db, "UPDATE outbox SET status = 'pending', "
	    "next_attempt = ?2, last_error = ?3 WHERE id = ?1")) == NULL ||
	    /* Not tried: the claim's count and first try are undone. */
	    (untried = store_prepare(db, "UPDATE outbox SET status = "
	    "'pending', next_attempt = ?2, last_error = ?3, attempts = "
	    "attempts - 1, first_attempt = ?4 WHERE id = ?1")) == NULL)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		struct claimed *c = SLOT(p, from + i);
		sqlite3_stmt *st;

		if (c->done && c->outcome == SMTP_SENT) {
			st = sent;
			sqlite3_bind_int64(st, 2, now);
		} else if (c->done && (c->outcome == SMTP_PERMANENT ||
		    now - c->first >= OUTBOX_GIVE_UP)) {
			char msg[480];

			st = failed;
			if (c->outcome == SMTP_PERMANENT)
				snprintf(msg, sizeof(msg), "%s", c->err);
			else
				snprintf(msg, sizeof(msg), "gave up after %d "
				    "tries in 48 hours: %s", c->attempts, c->err);
			store_bind_text(st, 2, msg);
		} else {
			time_t next = now + backoff(c->attempts);

			if (c->quiet) {
				int q = c->quiet - 1;
				next = outbox_quiet(next, 0, q / 1440, q % 1440,
				    zone);
			}
			st = c->done ? again : untried;
			sqlite3_bind_int64(st, 2, next);
			store_bind_text(st, 3, c->err);
			if (!c->done && !c->first_now)
				sqlite3_bind_int64(st, 4, c->first);
		}
		sqlite3_bind_int64(st, 1, c->id);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(sent);
	sqlite3_finalize(failed);
	sqlite3_finalize(again);
	sqlite3_finalize(untried);
	if (store_commit(db))
		return -1;
	/* Counted once recorded: what the outbox says is what is counted. */
	for (unsigned i = 0; i < n; i++) {
		struct claimed *c = SLOT(p, from + i);

		if (c->done && c->outcome == SMTP_SENT)
			metrics_count_mail(c->kind, 1);
		else if (c->done && (c->outcome == SMTP_PERMANENT ||
		    now - c->first >= OUTBOX_GIVE_UP))
			metrics_count_mail(c->kind, 0);
	}
	return 0;
fail:
	log_warnx("outbox: cannot record outcomes: %s", sqlite3_errmsg(db));
	sqlite3_finalize(sent);
	sqlite3_finalize(failed);
	sqlite3_finalize(again);
	sqlite3_finalize(untried);
	store_rollback(db);
	return -1;
}

static time_t
next_due(sqlite3 *db)
{
	sqlite3_stmt *st;
	time_t t = 0;

	if ((st = store_prepare(db, "SELECT min(next_attempt) FROM outbox "
	    "WHERE status = 'pending'")) == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return t;
}

/* Hand c to the server; 1 when the rest need not be tried (why says why). */
static int
send_one(struct smtp_session *s, const char *from, struct claimed *c,
    char *why, size_t len)
{
	c->outcome = smtp_send(s, from, c->recipient, c->message,
	    strlen(c->message), clock_now(), c->err, sizeof(c->err));
	c->done = 1;
	/* A slow server is not a dead thread. */
	metrics_heartbeat();
	if (c->outcome == SMTP_PERMANENT)
		log_warnx("outbox: message %lld refused: %s", (long long)c->id,
		    c->err);
	else if (c->outcome != SMTP_SENT) {
		log_warnx("outbox: message %lld not sent, will retry: %s",
		    (long long)c->id, c->err);
		/*
		 * No server reply at all: the rest would only fail the same
		 * way.
		 */
		if (strncmp(c->err, "4", 1) != 0) {
			snprintf(why, len, "%s", c->err);
			return 1;
		}
	}
	return 0;
}

/* The sender thread: [snd, end) to the server, in order. */
static void *
send_main(void *arg)
{
	struct pipeline *p = arg;
	struct smtp_session *s = NULL;
	char why[sizeof(p->why)];
	int down = 0;

	pthread_mutex_lock(&plock);
	for (;;) {
		struct claimed *c;

		while (((p->snd == p->end && !p->no_more) ||
		    p->snd - p->rec >= UNRECORDED_MAX) && !stopping) {
			/* Waiting: what was sent need not wait any longer. */
			pthread_cond_signal(&to_claimer);
			pthread_cond_wait(&to_sender, &plock);
		}
		if (p->snd == p->end || stopping)
			break;
		c = SLOT(p, p->snd);
		pthread_mutex_unlock(&plock);
		if (s == NULL && (s = smtp_open(p->c)) == NULL) {
			log_warnx("outbox: cannot start a mail session");
			snprintf(why, sizeof(why), "cannot start a mail session");
			down = 1;
		} else
			down = send_one(s, p->from, c, why, sizeof(why));
		pthread_mutex_lock(&plock);
		if (c->done)
			p->snd++;
		if (down) {
			snprintf(p->why, sizeof(p->why), "%s", why);
			p->down = 1;
			break;
		}
		if (p->snd - p->rec >= RECORD_EVERY || p->snd == p->end)
			pthread_cond_signal(&to_claimer);
	}
	p->finished = 1;
	pthread_cond_signal(&to_claimer);
	pthread_mutex_unlock(&plock);
	smtp_close(s);
	return NULL;
}

/*
 * The claimer's next step, with plock held (it is let go meanwhile):
 * claim when the sender would soon run dry, record what was sent; 1 when
 * there was something to do, 0 when it must wait, -1 when done.
 */
static int
step(sqlite3 *db, struct pipeline *p, pthread_t *sender, int *started)
{
	unsigned from, n;
	int k;

	if (stopping && !p->no_more) {
		p->no_more = 1;
		pthread_cond_signal(&to_sender);
	}
	if (!p->no_more && !p->down && p->end - p->snd < CLAIM_AHEAD &&
	    RING - (p->end - p->rec) >= CLAIM_BATCH) {
		pthread_mutex_unlock(&plock);
		k = claim(db, clock_now(), p);
		pthread_mutex_lock(&plock);
		if (k <= 0)
			p->no_more = 1;
		else
			p->end += k;
		if (k > 0 && !*started) {
			if (pthread_create(sender, NULL, send_main, p) == 0)
				*started = 1;
			else {
				log_warnx("outbox: cannot start the sending "
				    "thread");
				snprintf(p->why, sizeof(p->why), "cannot start "
				    "the sending thread");
				p->down = p->finished = 1;
			}
		}
		pthread_cond_signal(&to_sender);
		return 1;
	}
	n = p->snd - p->rec;
	if (n > 0 && (n >= RECORD_EVERY || p->snd == p->end || p->finished)) {
		from = p->rec;
		pthread_mutex_unlock(&plock);
		record(db, p, from, n, clock_now());
		release(p, from, n);
		pthread_mutex_lock(&plock);
		p->rec += n;
		pthread_cond_signal(&to_sender);
		return 1;
	}
	if (!*started && p->no_more)
		return -1;		/* nothing was due */
	if (!p->finished)
		return 0;
	/*
	 * The sender stopped: what it did not try goes back as it was, due
	 * again later, saying why it waits.
	 */
	from = p->snd;
	n = p->end - p->snd;
	for (unsigned i = 0; i < n; i++)
		snprintf(SLOT(p, from + i)->err, sizeof(p->v[0].err),
		    "not tried: %.300s", p->down ? p->why :
		    "the daemon is stopping");
	pthread_mutex_unlock(&plock);
	record(db, p, from, n, clock_now());
	release(p, from, n);
	pthread_mutex_lock(&plock);
	p->rec = p->snd = p->end;
	return -1;
}

time_t
outbox_deliver(sqlite3 *db)
{
	const struct conf *c = conf_current();
	struct pipeline *p;
	pthread_t sender;
	int started = 0, rc;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warnx("outbox: out of memory; trying again in a minute");
		return clock_now() + 60;
	}
	if (rfc5322_address(c->smtp_from, p->from, sizeof(p->from)) != 0) {
		log_warnx("outbox: smtp.from has no address: %s", c->smtp_from);
		free(p);
		return 0;
	}
	p->c = c;
	pthread_mutex_lock(&plock);
	while ((rc = step(db, p, &sender, &started)) >= 0)
		if (rc == 0)
			pthread_cond_wait(&to_claimer, &plock);
	pthread_mutex_unlock(&plock);
	if (started)
		pthread_join(sender, NULL);
	free(p);
	return next_due(db);
}

/* ---- the thread ---- */

static pthread_t	 thread;
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 cond = PTHREAD_COND_INITIALIZER;
static int		 running, kicked;

void
outbox_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

static void
recover(sqlite3 *db)
{
	int n;

	if (store_begin(db))
		return;
	if (sqlite3_exec(db, "UPDATE outbox SET status = 'pending' WHERE "
	    "status = 'sending'", NULL, NULL, NULL) != SQLITE_OK) {
		store_rollback(db);
		return;
	}
	n = sqlite3_changes(db);
	if (store_commit(db) == 0 && n > 0)
		log_warnx("outbox: %d message(s) were being sent when hersteld "
		    "stopped; sending them again", n);
}

static void *
deliver_main(void *arg)
{
	sqlite3 *db = store_db();

	(void)arg;
	if (db == NULL)
		return NULL;
	/*
	 * This connection only claims and records.  Without an fsync per
	 * commit a power cut can undo a recent 'sent' (the message goes
	 * again: a duplicate) or a claim (start-up resets those anyway); it
	 * can never lose a queued message, which the writer that queued it
	 * committed with synchronous=FULL.
	 */
	sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	recover(db);
	pthread_mutex_lock(&lock);
	while (!stopping) {
		time_t next, now;

		kicked = 0;
		pthread_mutex_unlock(&lock);
		metrics_heartbeat();
		next = outbox_deliver(db);
		pthread_mutex_lock(&lock);
		/*
		 * Sleep until the next message is due or something is
		 * queued; wake at least every METRICS_HEARTBEAT_EVERY seconds
		 * only to show the thread is alive (/healthz).
		 */
		for (;;) {
			struct timespec until = { 0 };

			metrics_heartbeat();
			now = clock_now();
			if (stopping || kicked || (next != 0 && next <= now))
				break;
			until.tv_sec = now + METRICS_HEARTBEAT_EVERY;
			if (next != 0 && next < until.tv_sec)
				until.tv_sec = next;
			pthread_cond_timedwait(&cond, &lock, &until);
		}
	}
	pthread_mutex_unlock(&lock);
	store_shutdown();
	return NULL;
}

int
outbox_start(void)
{
	stopping = 0;
	/* Alive from its start: /healthz need not wait for its first round. */
	metrics_heartbeat();
	if (pthread_create(&thread, NULL, deliver_main, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void
outbox_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	/* Wake a delivery under way: it records what was sent and stops. */
	pthread_mutex_lock(&plock);
	pthread_cond_broadcast(&to_claimer);
	pthread_cond_broadcast(&to_sender);
	pthread_mutex_unlock(&plock);
	pthread_join(thread, NULL);
	running = 0;
}

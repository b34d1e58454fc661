/*
 * Counters for monitoring and their Prometheus text.  Counters are
 * relaxed atomics: each is a figure on its own, read without a lock; the
 * table of mail kinds, which grows, is under a mutex.  The outbox and
 * database figures are read from the store when /metrics is asked for.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/metrics.h"
#include "hersteld/proto.h"

#define CODE_MIN	100
#define CODE_MAX	599
#define MAX_KINDS	16

typedef _Atomic unsigned long long counter;

static counter	http_count[METRICS_NCLASS][CODE_MAX - CODE_MIN + 1];
static counter	feed_renders, feed_hits, page_renders, page_hits;
static counter	refusals;
static _Atomic long long heartbeat;	/* monotonic seconds; 0: never */

static pthread_mutex_t kinds_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char			 name[24];
	unsigned long long	 sent, failed;
} kinds[MAX_KINDS + 1];		/* the last one is "other" */
static int nkinds;

static const char *class_names[METRICS_NCLASS] = { "api", "feed", "web",
    "other" };
static const char *statuses[] = { "pending", "sending", "sent", "failed" };

static void
bump(counter *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static unsigned long long
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void
metrics_count_http(enum metrics_class cls, unsigned int code)
{
	if ((unsigned int)cls >= METRICS_NCLASS || code < CODE_MIN ||
	    code > CODE_MAX)
		return;
	bump(&http_count[cls][code - CODE_MIN]);
}

void
metrics_count_mail(const char *kind, int sent)
{
	int i;

	pthread_mutex_lock(&kinds_lock);
	for (i = 0; i < nkinds; i++)
		if (strcmp(kinds[i].name, kind) == 0)
			break;
	if (i == nkinds) {
		if (nkinds < MAX_KINDS && strlen(kind) < sizeof(kinds[0].name))
			snprintf(kinds[nkinds++].name, sizeof(kinds[0].name),
			    "%s", kind);
		else
			i = MAX_KINDS;
	}
	if (sent)
		kinds[i].sent++;
	else
		kinds[i].failed++;
	pthread_mutex_unlock(&kinds_lock);
}

void
metrics_count_feed(int hit)
{
	bump(hit ? &feed_hits : &feed_renders);
}

void
metrics_count_page(int hit)
{
	bump(hit ? &page_hits : &page_renders);
}

void
metrics_count_refusal(void)
{
	bump(&refusals);
}

static long long
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Never 0, which means "no beat yet". */
	return (long long)ts.tv_sec + 1;
}

void
metrics_heartbeat(void)
{
	atomic_store(&heartbeat, mono_now());
}

int
metrics_health(sqlite3 *db, char *why, size_t len)
{
	sqlite3_stmt *st = NULL;
	long long beat = atomic_load(&heartbeat), age;
	int rc;

	if (db == NULL) {
		snprintf(why, len, "database: cannot open a connection");
		return -1;
	}
	if ((rc = sqlite3_prepare_v2(db, "SELECT 1", -1, &st, NULL)) !=
	    SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		snprintf(why, len, "database: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (beat == 0) {
		snprintf(why, len, "mail delivery: the thread has not started");
		return -1;
	}
	if ((age = mono_now() - beat) > METRICS_HEARTBEAT_DEAD) {
		snprintf(why, len, "mail delivery: no sign of life from the "
		    "thread for %lld s", age);
		return -1;
	}
	return 0;
}

static void
head(struct dynbuf *out, const char *name, const char *type,
    const char *help)
{
	dynbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* Messages by status; -1 on a database error. */
static int
outbox_figures(sqlite3 *db, struct dynbuf *out)
{
	sqlite3_stmt *st = NULL;
	long long n[4] = { 0 }, oldest = 0;
	time_t now = clock_now();
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT status, count(*) FROM outbox "
	    "GROUP BY status", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		for (int i = 0; i < 4; i++)
			if (s && strcmp(s, statuses[i]) == 0)
				n[i] = sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	/* Late since it was due, of what may be tried now. */
	if (sqlite3_prepare_v2(db, "SELECT min(due) FROM outbox WHERE "
	    "status = 'pending' AND next_attempt <= ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    sqlite3_column_int64(st, 0) < now)
		oldest = now - sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);

	head(out, "hersteld_outbox_messages", "gauge",
	    "Messages in the outbox by status.");
	for (int i = 0; i < 4; i++)
		dynbuf_printf(out, "hersteld_outbox_messages{status=\"%s\"} "
		    "%lld\n", statuses[i], n[i]);
	head(out, "hersteld_outbox_oldest_pending_seconds", "gauge",
	    "Seconds since the oldest pending message that may be tried "
	    "now was due; 0 when none.");
	dynbuf_printf(out, "hersteld_outbox_oldest_pending_seconds %lld\n",
	    oldest);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* page_count * page_size of the main database plus its -wal file. */
static int
database_bytes(sqlite3 *db, long long *bytes)
{
	sqlite3_stmt *st = NULL;
	long long pages = 0, size = 0;
	const char *file;
	char wal[4096];
	struct stat sb;

	if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	pages = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	size = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*bytes = pages * size;
	file = sqlite3_db_filename(db, "main");
	if (file != NULL && file[0] != '\0' &&
	    (size_t)snprintf(wal, sizeof(wal), "%s-wal", file) < sizeof(wal) &&
	    stat(wal, &sb) == 0)
		*bytes += (long long)sb.st_size;
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

int
metrics_render(sqlite3 *db, struct dynbuf *out)
{
	long long bytes = 0;
	int rc = 0;

	if (outbox_figures(db, out) != 0)
		rc = -1;

	head(out, "hersteld_mail_sent_total", "counter",
	    "Messages the mail server accepted, by kind, since start.");
	pthread_mutex_lock(&kinds_lock);
	for (int i = 0; i <= MAX_KINDS; i++)
		if (i < nkinds || (i == MAX_KINDS && (kinds[i].sent ||
		    kinds[i].failed)))
			dynbuf_printf(out, "hersteld_mail_sent_total{kind=\"%s\"} "
			    "%llu\n", i < MAX_KINDS ? kinds[i].name : "other",
			    kinds[i].sent);
	pthread_mutex_unlock(&kinds_lock);
	head(out, "hersteld_mail_failed_total", "counter",
	    "Messages given up for good (refused, or too long undeliverable), "
	    "by kind, since start.");
	pthread_mutex_lock(&kinds_lock);
	for (int i = 0; i <= MAX_KINDS; i++)
		if (i < nkinds || (i == MAX_KINDS && (kinds[i].sent ||
		    kinds[i].failed)))
			dynbuf_printf(out, "hersteld_mail_failed_total{kind=\"%s\"} "
			    "%llu\n", i < MAX_KINDS ? kinds[i].name : "other",
			    kinds[i].failed);
	pthread_mutex_unlock(&kinds_lock);

	head(out, "hersteld_feed_renders_total", "counter",
	    "Calendar feeds rendered since start.");
	dynbuf_printf(out, "hersteld_feed_renders_total %llu\n",
	    get(&feed_renders));
	head(out, "hersteld_feed_cache_hits_total", "counter",
	    "Calendar feeds answered from the cache since start.");
	dynbuf_printf(out, "hersteld_feed_cache_hits_total %llu\n",
	    get(&feed_hits));
	head(out, "hersteld_page_renders_total", "counter",
	    "Web pages rendered for the cache since start.");
	dynbuf_printf(out, "hersteld_page_renders_total %llu\n",
	    get(&page_renders));
	head(out, "hersteld_page_cache_hits_total", "counter",
	    "Web pages answered from the cache since start.");
	dynbuf_printf(out, "hersteld_page_cache_hits_total %llu\n",
	    get(&page_hits));

	head(out, "hersteld_http_requests_total", "counter",
	    "HTTP requests answered, by route class and status code.");
	for (int c = 0; c < METRICS_NCLASS; c++)
		for (int k = 0; k <= CODE_MAX - CODE_MIN; k++) {
			unsigned long long n = get(&http_count[c][k]);

			if (n > 0)
				dynbuf_printf(out, "hersteld_http_requests_total"
				    "{class=\"%s\",code=\"%d\"} %llu\n",
				    class_names[c], k + CODE_MIN, n);
		}

	head(out, "hersteld_booking_refusals_total", "counter",
	    "Bookings and event changes refused because a room was not "
	    "free, since start.");
	dynbuf_printf(out, "hersteld_booking_refusals_total %llu\n",
	    get(&refusals));

	if (database_bytes(db, &bytes) != 0)
		rc = -1;
	else {
		head(out, "hersteld_database_bytes", "gauge",
		    "Size of the database file and its write-ahead log.");
		dynbuf_printf(out, "hersteld_database_bytes %lld\n", bytes);
	}

	head(out, "hersteld_build_info", "gauge",
	    "The running version; always 1.");
	dynbuf_printf(out, "hersteld_build_info{version=\"%s\"} 1\n",
	    HERSTELD_VERSION);
	return rc == 0 && out->err == DYNBUF_OK ? 0 : -1;
}

void
metrics_reset(void)
{
	for (int c = 0; c < METRICS_NCLASS; c++)
		for (int k = 0; k <= CODE_MAX - CODE_MIN; k++)
			atomic_store(&http_count[c][k], 0);
	atomic_store(&feed_renders, 0);
	atomic_store(&feed_hits, 0);
	atomic_store(&page_renders, 0);
	atomic_store(&page_hits, 0);
	atomic_store(&refusals, 0);
	atomic_store(&heartbeat, 0);
	pthread_mutex_lock(&kinds_lock);
	memset(kinds, 0, sizeof(kinds));
	nkinds = 0;
	pthread_mutex_unlock(&kinds_lock);
}

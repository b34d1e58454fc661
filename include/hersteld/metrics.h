/*
 * Figures for monitoring: counters kept in memory since start, which the
 * other modules bump as things happen, and the Prometheus text (version
 * 0.0.4) that GET /metrics answers with; and the health check behind GET
 * /healthz.  This module calls none of the modules that count into it.
 * Every counter may be bumped from any thread.
 */
#ifndef HERSTELD_METRICS_H
#define HERSTELD_METRICS_H

#include <sqlite3.h>

#include "hersteld/util.h"

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
/* The delivery thread beats at least this often, also when idle ... */
#define METRICS_HEARTBEAT_EVERY	60
/* ... and is taken for dead when it has not for this long (seconds). */
#define METRICS_HEARTBEAT_DEAD	180

/* Route classes of HTTP requests: a fixed list keeps the labels few. */
enum metrics_class {
	METRICS_API,		/* /api/v1 */
	METRICS_FEED,		/* calendar feeds */
	METRICS_WEB,		/* the parents' pages */
	METRICS_OTHER,		/* everything else */
	METRICS_NCLASS
};

/* One answered request; codes outside 100-599 are not counted. */
void	metrics_count_http(enum metrics_class, unsigned int code);
/*
 * A message handed over (sent 1) or given up for good (sent 0); kind is
 * the outbox kind.  Kinds beyond the first 16 seen count as "other".
 */
void	metrics_count_mail(const char *kind, int sent);
/* A feed or a page answered from the cache (hit 1) or rendered (0). */
void	metrics_count_feed(int hit);
void	metrics_count_page(int hit);
/* The booking engine refused a change because a room was not free. */
void	metrics_count_refusal(void);

/* The delivery thread is alive (monotonic clock). */
void	metrics_heartbeat(void);

/*
 * Whether the store answers on db and the delivery thread beats: 0, or
 * -1 with one line (no newline) in why.
 */
int	metrics_health(sqlite3 *db, char *why, size_t len);

/*
 * The exposition text: the counters, and the outbox and database figures
 * read from db.  Appends to out; 0, or -1 when a query failed or out
 * holds an error (out may hold part of the text then).
 */
int	metrics_render(sqlite3 *db, struct dynbuf *out);

/* Forget every counter (tests). */
void	metrics_reset(void);

#endif

/*
 * The answers of recent reports, kept while the store is unchanged.  A
 * groups report expands every series of the period and reads every
 * registration in it; asked again over an unchanged store, the answer is
 * the same rows.  An answer is kept with the store's generation when the
 * report began (every commit moves it, store.h), as rendered feeds are,
 * and is used only while the generation is still the same.
 */
#ifndef HERSTELD_REPORT_CACHE_H
#define HERSTELD_REPORT_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/report.h"

#define REPORT_CACHE_SLOTS	8
#define REPORT_CACHE_MAX	(4 * 1024 * 1024)	/* bytes of one answer */

/*
 * A copy of the n rows of `size` bytes kept for key at generation gen,
 * or NULL (none, stale, or out of memory).  The caller frees it.
 */
void	*report_cache_get(const char *key, uint64_t gen, size_t size,
	    size_t *n);

/*
 * Keep a copy of n rows of `size` bytes for key, computed from the store
 * as it was at generation gen (read before the report began: a commit
 * while it ran leaves the copy stale at once).
 */
void	 report_cache_put(const char *key, uint64_t gen, const void *rows,
	    size_t size, size_t n);

/*
 * report_groups and report_rooms (report.h) through the cache: the same
 * rows in the same order, computed only when the store changed since.
 */
int	report_groups_cached(sqlite3 *, time_t from, time_t to,
	    int64_t only_group, int (*cb)(const struct report_group *, void *),
	    void *, struct fault *);
int	report_rooms_cached(sqlite3 *, const struct report_days *,
	    int64_t only_location, int (*cb)(const struct report_room *, void *),
	    void *, struct fault *);

/* Forget every answer (at shutdown). */
void	 report_cache_clear(void);

#endif

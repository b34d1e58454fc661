/*
 * The SQLite store: schema and migrations, one connection per thread, and
 * write transactions.  Domain modules prepare their own statements on the
 * connection store_db() gives them (always with bound parameters); the
 * store knows nothing of HTTP, JSON or libical.
 */
#ifndef HERSTELD_STORE_H
#define HERSTELD_STORE_H

#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define STORE_VERSION	22	/* schema version this build writes */

/*
 * Open (creating if needed) the database at path, upgrade an older schema
 * in one transaction, and refuse a newer one.  Leaves no connection open.
 * 0, or -1 with a message.
 */
int	 store_init(const char *path, char *err, size_t errlen);
/*
 * What store_init needs before it opens path, checked without creating
 * anything: its directory exists.  0, or -1 with a message.
 */
int	 store_check(const char *path, char *err, size_t errlen);

/*
 * Bring db to schema version target (0 < target <= STORE_VERSION); used by
 * store_init and by tests that build an old database.
 */
int	 store_migrate(sqlite3 *db, int target, char *err, size_t errlen);

/* Open a connection with the daemon's pragmas; NULL on failure. */
sqlite3	*store_open(const char *path, char *err, size_t errlen);

/* This thread's connection (opened on first use; closed at thread exit). */
sqlite3	*store_db(void);
void	 store_shutdown(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; 0 or -1 (logged). */
int	 store_begin(sqlite3 *);
int	 store_commit(sqlite3 *);
void	 store_rollback(sqlite3 *);

/*
 * For work done in many transactions (the nightly jobs): between two of
 * them, wait while another thread waits to begin one (at most 2 s), so
 * that requests are not starved of the write lock.  SQLite's busy
 * handler retries only every so often, and would miss the short gap
 * between a commit and the next begin.
 */
void	 store_yield(void);

/*
 * Call fn once this thread's transaction commits (not when it rolls
 * back).  One hook per transaction; setting it again is harmless.
 */
void	 store_after_commit(void (*fn)(void));

/* Counter bumped by every commit through store_commit(). */
uint64_t store_generation(void);

/* Prepare sql; NULL (logged) on failure.  Caller finalizes. */
sqlite3_stmt *store_prepare(sqlite3 *, const char *sql);

/* Bind text, or NULL for a NULL pointer. */
int	 store_bind_text(sqlite3_stmt *, int idx, const char *);

/* Column as text, "" for NULL; borrowed until the next step/finalize. */
const char *store_text(sqlite3_stmt *, int col);

/*
 * Run sql with one bound parameter (key as text, or id when key is NULL)
 * and hand its first row to row(st, out).  1 when there was a row, 0 when
 * there was none, -1 on a database error.
 */
int	 store_one(sqlite3 *, const char *sql, const char *key, int64_t id,
	    void (*row)(sqlite3_stmt *, void *), void *out);

/*
 * store_one for a thing people name: 0 when found, else -1 with f filled:
 * not found ("unknown WHAT \"KEY\"", or "unknown WHAT ID") or a database
 * error.
 */
int	 store_fetch(sqlite3 *, const char *sql, const char *key, int64_t id,
	    void (*row)(sqlite3_stmt *, void *), void *out, const char *what,
	    struct fault *f);

/* Run a statement that takes one int64 and returns a count. */
long	 store_count(sqlite3 *, const char *sql, int64_t arg);

/* Run a statement that takes one int64 and returns no rows; 0 or -1. */
int	 store_exec_id(sqlite3 *, const char *sql, int64_t arg);

/*
 * Give row id of table ("grp" or "location") a new secret feed key from
 * the OS's random source; 0 or -1.
 */
int	 store_new_feed_key(sqlite3 *, const char *table, int64_t id);
/*
 * Replace the feed key of a group or location ("grp" or "location"),
 * keeping the SHA-256 of the old one (store_feed_key_replaced); inside
 * the caller's transaction.  0 or -1.
 */
int	 store_rotate_feed_key(sqlite3 *, const char *table, int64_t id);
/* 1 when key was once the feed key of that group or location. */
int	 store_feed_key_replaced(sqlite3 *, const char *table, int64_t id,
	    const char *key);

/*
 * Fill f from the database error on db (or from the failed commit of
 * this thread's last transaction): a full disk or an I/O error is
 * FAULT_UNAVAILABLE and says so; anything else FAULT_INTERNAL.
 * Returns -1.  Call it before rolling back, which clears the error.
 */
int	 store_fault(struct fault *f, sqlite3 *db);

/*
 * The secret called name (n random bytes, made on first use from the
 * OS's random source and kept in the database, so that it outlives a
 * restart) into out.  0 or -1.
 */
int	 store_secret(sqlite3 *, const char *name, unsigned char *out,
	    size_t n);

/* Record who did what in the audit table (inside the caller's transaction). */
int	 store_audit(sqlite3 *, const char *actor, const char *action,
	    const char *object, const char *detail);

/*
 * The two ends of a write: store_begin_f begins (FAULT_INTERNAL "database
 * busy" in f when it cannot); store_finish writes the audit row and
 * commits, or fills f (store_fault) and rolls back.  0 or -1.
 */
int	 store_begin_f(sqlite3 *, struct fault *);
int	 store_finish(sqlite3 *, const char *actor, const char *action,
	    const char *object, const char *detail, struct fault *);

/*
 * Move the log's pages into the database file and empty the log (after
 * an erasure, so that no copy of what was erased stays in the -wal).
 * Waits up to a second for readers; 0, or -1 (logged) when it could not.
 */
int	 store_checkpoint(sqlite3 *);

/*
 * A consistent copy of src's main database in dest, through SQLite's
 * backup API (writers go on meanwhile: the copy is one snapshot),
 * checked with integrity_check, written to a temporary file beside dest,
 * synced, then renamed over dest.  *bytes: its size.  0, or -1 with err.
 */
int	store_copy(sqlite3 *src, const char *dest, long long *bytes,
	    char *err, size_t errlen);
/*
 * Put the backup file back as the database at dbfile (the daemon must
 * not run): its schema must be one this build knows and it must pass
 * integrity_check; the database's -wal and -shm files go.  *version:
 * the backup's schema version.  0, or -1 with err.
 */
int	store_restore(const char *file, const char *dbfile, int *version,
	    char *err, size_t errlen);

#endif

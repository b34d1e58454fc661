/*
 * The audit trail as people read it: who created, changed, approved or
 * cancelled what, and when.  Rows are written by store_audit() in the
 * transaction of each change; this module only reads them.
 */
#ifndef HERSTELD_AUDIT_H
#define HERSTELD_AUDIT_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define AUDIT_MAX_ROWS	10000	/* one answer; narrow the period for more */

struct audit_row {
	int64_t		 id;
	time_t		 at;
	const char	*actor, *action, *object, *detail;	/* borrowed */
};

/*
 * Rows with at in [from, to), oldest first, at most AUDIT_MAX_ROWS (then
 * *truncated is 1).  actor: NULL for all, else a token's name (matches
 * "token NAME (#ID)"), or an actor as written ("admin (socket)", or
 * "admin" for it).
 */
int	audit_list(sqlite3 *, time_t from, time_t to, const char *actor,
	    int (*cb)(const struct audit_row *, void *), void *,
	    int *truncated, struct fault *);

#endif

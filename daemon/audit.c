/*
 * Reading the audit trail.
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/audit.h"
#include "hersteld/store.h"

int
audit_list(sqlite3 *db, time_t from, time_t to, const char *actor,
    int (*cb)(const struct audit_row *, void *), void *arg, int *truncated,
    struct fault *f)
{
	sqlite3_stmt *st;
	struct audit_row r;
	char token_prefix[320], plain_prefix[320];
	int rc, n = 0;

	*truncated = 0;
	if (to <= from)
		return fault_set(f, FAULT_INVALID, "--to is before --from");
	if (actor && text_check(f, "--actor", actor, 200, 1, 0))
		return -1;
	snprintf(token_prefix, sizeof(token_prefix), "token %s (#",
	    actor ? actor : "");
	snprintf(plain_prefix, sizeof(plain_prefix), "%s (", actor ? actor : "");
	/* Prefixes compared with substr: a name may hold LIKE's % and _. */
	if ((st = store_prepare(db, "SELECT id, at, actor, action, object, "
	    "detail FROM audit WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR "
	    "actor = ?3 OR substr(actor, 1, length(?4)) = ?4 OR "
	    "substr(actor, 1, length(?5)) = ?5) ORDER BY id LIMIT ?6")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, token_prefix);
	store_bind_text(st, 5, plain_prefix);
	sqlite3_bind_int(st, 6, AUDIT_MAX_ROWS + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > AUDIT_MAX_ROWS) {
			*truncated = 1;
			rc = SQLITE_DONE;
			break;
		}
		r.id = sqlite3_column_int64(st, 0);
		r.at = sqlite3_column_int64(st, 1);
		r.actor = store_text(st, 2);
		r.action = store_text(st, 3);
		r.object = store_text(st, 4);
		r.detail = store_text(st, 5);
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	return 0;
}

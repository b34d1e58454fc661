/*
 * The public side of the sessions (see listing.h): one rule for what
 * everyone may see, kept in one place for every web page.
 */
#include <string.h>

#include "hersteld/listing.h"
#include "hersteld/store.h"

static int
in_group(sqlite3 *db, const struct event *ev, int64_t group_id)
{
	sqlite3_stmt *st;
	int rc;

	if (strcmp(ev->visibility, "private") == 0 ||
	    strcmp(ev->status, "proposed") == 0)
		return 0;
	if (ev->group_id == group_id)
		return 1;
	if ((st = store_prepare(db, "SELECT 1 FROM cohost WHERE event_id = ?1 "
	    "AND group_id = ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ev->id);
	sqlite3_bind_int64(st, 2, group_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
listing_shows(sqlite3 *db, const struct event *ev, int64_t group_id)
{
	long anon;

	if (group_id)
		return in_group(db, ev, group_id);
	/* A proposal shows only while it is open for ideas. */
	if (strcmp(ev->visibility, "public") != 0 ||
	    (strcmp(ev->status, "proposed") == 0 && !ev->ideas))
		return 0;
	if (ev->group_id == 0)
		return 1;
	if ((anon = store_count(db, "SELECT anonymous FROM grp WHERE id = ?1",
	    ev->group_id)) < 0)
		return -1;
	return anon == 0;
}

struct event *
listing_event(sqlite3 *db, const char *uid, int64_t group_id, struct fault *f)
{
	struct event *ev = NULL;
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((st = store_prepare(db, "SELECT id FROM event WHERE uid = ?1"))
	    == NULL)
		goto dberr;
	store_bind_text(st, 1, uid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto dberr;
	if (id == 0 || (ev = event_get(db, id, f)) == NULL)
		goto notfound;
	switch (listing_shows(db, ev, group_id)) {
	case 1:
		return ev;
	case 0:
		event_free(ev);
		goto notfound;
	default:
		event_free(ev);
		goto dberr;
	}
notfound:
	f->kind = FAULT_NONE;
	fault_set(f, FAULT_NOTFOUND, "no such session");
	return NULL;
dberr:
	store_fault(f, db);
	return NULL;
}

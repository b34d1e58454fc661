/*
 * The public side of the sessions (see listing.h): one rule for what
 * everyone may see, kept in one place for every web page.
 */
#include <string.h>

#include "hersteld/listing.h"
#include "hersteld/store.h"

int
listing_shows(sqlite3 *db, const struct event *ev)
{
	long anon;

	if (strcmp(ev->visibility, "public") != 0 ||
	    strcmp(ev->status, "proposed") == 0)
		return 0;
	if (ev->group_id == 0)
		return 1;
	if ((anon = store_count(db, "SELECT anonymous FROM grp WHERE id = ?1",
	    ev->group_id)) < 0)
		return -1;
	return anon == 0;
}

struct event *
listing_event(sqlite3 *db, const char *uid, struct fault *f)
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
	switch (listing_shows(db, ev)) {
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

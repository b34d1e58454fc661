/*
 * What the public web pages may show of the sessions: published (or
 * cancelled) events with visibility public, and proposals open for ideas
 * (topic ideas), whose organising group is not anonymous.  Other
 * proposals, private and group-only sessions, and every session of an
 * anonymous group, are never listed here; the group's own secret page is
 * the way to those.
 */
#ifndef HERSTELD_LISTING_H
#define HERSTELD_LISTING_H

#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/util.h"

/*
 * Whether ev may be shown: 1, 0, or -1 (database).  group_id 0: to
 * everyone.  Otherwise on that group's secret page, which shows the
 * group's own and co-hosted sessions, published or cancelled, that are
 * not private, even when the group is anonymous (the page is the way to
 * them).
 */
int	listing_shows(sqlite3 *, const struct event *ev, int64_t group_id);

/*
 * The event with uid, loaded, when it may be shown (group_id as for
 * listing_shows); NULL with f FAULT_NOTFOUND when there is none or it may
 * not be (the two read alike), or a database fault.  Free it with
 * event_free.
 */
struct event *listing_event(sqlite3 *, const char *uid, int64_t group_id,
	    struct fault *f);

#endif

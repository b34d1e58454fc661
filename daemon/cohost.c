/*
 * Co-hosts of an event: who else shapes it, and the standing of a caller
 * (admin, owner, co-host) that the API turns into what it may do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/cohost.h"
#include "hersteld/group.h"
#include "hersteld/store.h"

static int
is_cohost(sqlite3 *db, int64_t event_id, int64_t group_id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT 1 FROM cohost WHERE event_id = ?1 "
	    "AND group_id = ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, group_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum standing
cohost_standing(sqlite3 *db, const struct event *ev,
    const struct principal *who)
{
	if (who->role == ROLE_ADMIN)
		return STANDING_ADMIN;
	if (who->role != ROLE_ORGANIZER)
		return STANDING_NONE;
	if (ev->group_id && ev->group_id == who->group_id)
		return STANDING_OWNER;
	return is_cohost(db, ev->id, who->group_id) == 1 ? STANDING_COHOST :
	    STANDING_NONE;
}

int
cohost_may_edit(sqlite3 *db, const struct event *ev,
    const struct principal *who, const char *new_group)
{
	return new_group == NULL &&
	    cohost_standing(db, ev, who) == STANDING_COHOST;
}

int
cohost_events(sqlite3 *db, int64_t group_id, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int64_t *v = NULL, *nv;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((st = store_prepare(db, "SELECT event_id FROM cohost WHERE "
	    "group_id = ?1 ORDER BY event_id")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, group_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return -1;
	}
	*ids = v;
	return 0;
}

/* The event and group of a change, checked; in the open transaction. */
static struct event *
load_pair(sqlite3 *db, int64_t event_id, const char *slug, struct group *g,
    struct fault *f)
{
	struct event *ev;

	if (slug == NULL || *slug == '\0') {
		fault_set(f, FAULT_INVALID, "--group is required");
		return NULL;
	}
	if (slug_check(f, "group", slug))
		return NULL;
	if ((ev = event_get(db, event_id, f)) == NULL)
		return NULL;
	if (group_get(db, slug, g, f)) {
		event_free(ev);
		return NULL;
	}
	return ev;
}

int
cohost_add(sqlite3 *db, int64_t event_id, const char *slug,
    const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct group g;
	sqlite3_stmt *st;
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if ((ev = load_pair(db, event_id, slug, &g, f)) == NULL)
		goto fail;
	if (g.id == ev->group_id) {
		fault_set(f, FAULT_INVALID, "group %s owns event %lld; a co-host "
		    "is another group", g.slug, (long long)event_id);
		goto fail;
	}
	if (strcmp(ev->status, "cancelled") == 0) {
		fault_set(f, FAULT_CONFLICT, "event %lld is cancelled",
		    (long long)event_id);
		goto fail;
	}
	if ((rc = is_cohost(db, event_id, g.id)) != 0) {
		if (rc < 0)
			store_fault(f, db);
		else
			fault_set(f, FAULT_CONFLICT, "group %s already co-hosts "
			    "event %lld", g.slug, (long long)event_id);
		goto fail;
	}
	if ((st = store_prepare(db, "INSERT INTO cohost (event_id, group_id, "
	    "created) VALUES (?1, ?2, ?3)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, g.id);
	sqlite3_bind_int64(st, 3, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	rc = store_finish(db, actor, "cohost.add", ev->uid, g.slug, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
cohost_remove(sqlite3 *db, int64_t event_id, const char *slug,
    const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	struct group g;
	sqlite3_stmt *st;
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if ((ev = load_pair(db, event_id, slug, &g, f)) == NULL)
		goto fail;
	if ((st = store_prepare(db, "DELETE FROM cohost WHERE event_id = ?1 "
	    "AND group_id = ?2")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, g.id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	if (sqlite3_changes(db) == 0) {
		fault_set(f, FAULT_NOTFOUND, "group %s does not co-host event "
		    "%lld", g.slug, (long long)event_id);
		goto fail;
	}
	rc = store_finish(db, actor, "cohost.remove", ev->uid, g.slug, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

int
cohost_list(sqlite3 *db, int64_t event_id,
    int (*cb)(const struct cohost *, void *), void *arg, struct fault *f)
{
	struct cohost c;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT g.slug, g.name, g.kind, c.created "
	    "FROM cohost c JOIN grp g ON g.id = c.group_id "
	    "WHERE c.event_id = ?1 ORDER BY g.slug")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, event_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(c.group, sizeof(c.group), "%s", store_text(st, 0));
		snprintf(c.name, sizeof(c.name), "%s", store_text(st, 1));
		snprintf(c.kind, sizeof(c.kind), "%s", store_text(st, 2));
		c.since = sqlite3_column_int64(st, 3);
		if (cb(&c, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

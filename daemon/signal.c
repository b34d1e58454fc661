/*
 * Signals: record, list, close.  No column refers to a person; the audit
 * row of a new signal names the category, not its text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/event.h"
#include "hersteld/signal.h"
#include "hersteld/store.h"

static const char *categories[] = { "uht", "buurtteam", "gemeente",
    "financieel", "overig", NULL };

int
signal_category_valid(const char *s)
{
	for (int i = 0; categories[i]; i++)
		if (strcmp(s, categories[i]) == 0)
			return 1;
	return 0;
}

int
signal_add(sqlite3 *db, int64_t event_id, const char *text,
    const char *category, int64_t group_id, const char *actor, int64_t *id,
    struct fault *f)
{
	struct event *ev = NULL;
	sqlite3_stmt *st;
	char object[32];
	int rc;

	if (category == NULL)
		category = "overig";
	if (!signal_category_valid(category))
		return fault_set(f, FAULT_INVALID, "--category must be uht, "
		    "buurtteam, gemeente, financieel or overig, not \"%.40s\"",
		    category);
	if (text_check(f, "the signal", text, SIGNAL_MAX_CHARS, 1, 1))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if (event_id && (ev = event_get(db, event_id, f)) == NULL)
		goto fail;
	if (group_id == 0 && ev != NULL)
		group_id = ev->group_id;
	if ((st = store_prepare(db, "INSERT INTO signal (event_id, group_id, "
	    "category, text, created) VALUES (?1, ?2, ?3, ?4, ?5)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	if (event_id)
		sqlite3_bind_int64(st, 1, event_id);
	if (group_id)
		sqlite3_bind_int64(st, 2, group_id);
	store_bind_text(st, 3, category);
	store_bind_text(st, 4, text);
	sqlite3_bind_int64(st, 5, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	snprintf(object, sizeof(object), "signal %lld", (long long)*id);
	rc = store_finish(db, actor, "signal.add", object, category, f);
	event_free(ev);
	return rc;
fail:
	store_rollback(db);
	event_free(ev);
	return -1;
}

#define SIGNAL_COLS "s.id, s.event_id, coalesce(g.slug, ''), s.category, " \
	"s.text, s.status, s.note, s.created, s.closed, s.public FROM signal s " \
	"LEFT JOIN grp g ON g.id = s.group_id"

static void
signal_row(sqlite3_stmt *st, void *arg)
{
	struct signal_rec *s = arg;

	s->id = sqlite3_column_int64(st, 0);
	s->event_id = sqlite3_column_int64(st, 1);
	snprintf(s->group, sizeof(s->group), "%s", store_text(st, 2));
	snprintf(s->category, sizeof(s->category), "%s", store_text(st, 3));
	snprintf(s->text, sizeof(s->text), "%s", store_text(st, 4));
	snprintf(s->status, sizeof(s->status), "%s", store_text(st, 5));
	snprintf(s->note, sizeof(s->note), "%s", store_text(st, 6));
	s->created = sqlite3_column_int64(st, 7);
	s->closed = sqlite3_column_int64(st, 8);
	s->public = sqlite3_column_int(st, 9);
}

int
signal_get(sqlite3 *db, int64_t id, struct signal_rec *out, struct fault *f)
{
	return store_fetch(db, "SELECT " SIGNAL_COLS " WHERE s.id = ?1", NULL,
	    id, signal_row, out, "signal", f);
}

int64_t
signal_group(sqlite3 *db, int64_t id)
{
	return store_count(db, "SELECT coalesce(group_id, 0) FROM signal "
	    "WHERE id = ?1", id);
}

int
signal_list(sqlite3 *db, const struct signal_filter *flt,
    int (*cb)(const struct signal_rec *, void *), void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if (flt->category && !signal_category_valid(flt->category))
		return fault_set(f, FAULT_INVALID, "--category must be uht, "
		    "buurtteam, gemeente, financieel or overig, not \"%.40s\"",
		    flt->category);
	if (flt->status && strcmp(flt->status, "open") &&
	    strcmp(flt->status, "closed"))
		return fault_set(f, FAULT_INVALID, "--status must be open or "
		    "closed");
	if (flt->to <= flt->from)
		return fault_set(f, FAULT_INVALID, "--to is before --from");
	if ((st = store_prepare(db, "SELECT " SIGNAL_COLS " WHERE s.created >= ?1 "
	    "AND s.created < ?2 AND (?3 IS NULL OR s.category = ?3) "
	    "AND (?4 IS NULL OR s.status = ?4) "
	    "AND (?5 = 0 OR s.group_id = ?5) ORDER BY s.id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, flt->from);
	sqlite3_bind_int64(st, 2, flt->to);
	store_bind_text(st, 3, flt->category);
	store_bind_text(st, 4, flt->status);
	sqlite3_bind_int64(st, 5, flt->group_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct signal_rec one;

		signal_row(st, &one);
		if (cb(&one, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
signal_close(sqlite3 *db, int64_t id, const char *note, int public,
    const char *actor, struct fault *f)
{
	struct signal_rec s;
	sqlite3_stmt *st;
	char object[32];
	int rc;

	if (note == NULL || *note == '\0')
		return fault_set(f, FAULT_INVALID, "--note is required: say what "
		    "was done, so that parents can be told");
	if (text_check(f, "--note", note, SIGNAL_NOTE_MAX_CHARS, 1, 1))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if (signal_get(db, id, &s, f))
		goto fail;
	if (strcmp(s.status, "closed") == 0) {
		fault_set(f, FAULT_CONFLICT, "signal %lld is already closed",
		    (long long)id);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE signal SET status = 'closed', "
	    "note = ?2, closed = ?3, public = ?4 WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, note);
	sqlite3_bind_int64(st, 3, clock_now());
	sqlite3_bind_int(st, 4, public != 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	snprintf(object, sizeof(object), "signal %lld", (long long)id);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	return store_finish(db, actor, public ? "signal.close-public" :
	    "signal.close", object, note, f);
fail:
	store_rollback(db);
	return -1;
}

int
signal_public(sqlite3 *db, int limit,
    int (*cb)(const struct signal_rec *, void *), void *arg, struct fault *f)
{
	struct signal_rec *one;
	sqlite3_stmt *st;
	int rc;

	/* A signal_rec is large: one on the heap, not one per call frame. */
	if ((one = malloc(sizeof(*one))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	if ((st = store_prepare(db, "SELECT " SIGNAL_COLS " WHERE s.status = "
	    "'closed' AND s.public = 1 ORDER BY s.closed DESC, s.id DESC "
	    "LIMIT ?1")) == NULL) {
		free(one);
		return store_fault(f, db);
	}
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		signal_row(st, one);
		if (cb(one, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	free(one);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/*
 * Room bookings and the conflict engine shared with events.  Every write
 * checks and inserts in one BEGIN IMMEDIATE transaction, so two requests
 * for the same slot are serialised by SQLite and the second one sees the
 * first one's slots.  Occurrences live in booking_slot, one row each, and
 * "what overlaps [s, e)" is answered from its partial index on held slots.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/booking.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/recur.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static const char *daynames[7] = { "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday" };

static time_t
horizon_end(time_t now)
{
	return now + (time_t)conf_current()->horizon_days * 86400;
}

void
conflicts_free(struct conflicts *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void	conflict_room(struct conflicts *, const struct booking_room *);

static void
conflict_add(struct conflicts *c, const struct slot *s, icaltimezone *z,
    const char *kind, int64_t booking_id, const char *fmt, const char *what)
{
	struct conflict *nv, *x;
	char a[32], b[32];

	if ((nv = realloc(c->v, (c->n + 1) * sizeof(*nv))) == NULL)
		return;
	c->v = nv;
	x = &c->v[c->n++];
	memset(x, 0, sizeof(*x));
	x->start = s->start;
	x->end = s->end;
	x->booking_id = booking_id;
	snprintf(x->kind, sizeof(x->kind), "%s", kind);
	when_format_local(s->start, z, a);
	when_format_local(s->end, z, b);
	/* "2026-12-24 19:00-21:00" or across midnight with both dates. */
	if (strncmp(a, b, 10) == 0)
		snprintf(x->text, sizeof(x->text), "%s-%s: ", a, b + 11);
	else
		snprintf(x->text, sizeof(x->text), "%s - %s: ", a, b);
	snprintf(x->text + strlen(x->text), sizeof(x->text) - strlen(x->text),
	    fmt, what);
}

/* ---- the engine ---- */

int
booking_room_load(sqlite3 *db, int64_t room_id, struct booking_room *rc,
    struct fault *f)
{
	char canon[256];

	if (room_get_id(db, room_id, &rc->room, f) ||
	    location_get_id(db, rc->room.location_id, &rc->loc, f))
		return -1;
	if (hours_parse(f, rc->loc.hours, &rc->hours, canon))
		return -1;
	if ((rc->zone = when_zone(rc->loc.timezone)) == NULL)
		return fault_set(f, FAULT_INTERNAL, "unknown zone %s",
		    rc->loc.timezone);
	return 0;
}

/* Name the room in the conflict just added. */
static void
conflict_room(struct conflicts *c, const struct booking_room *rc)
{
	struct conflict *x;

	if (c->n == 0)
		return;
	x = &c->v[c->n - 1];
	x->room_id = rc->room.id;
	snprintf(x->room, sizeof(x->room), "%s/%s", rc->room.location,
	    rc->room.slug);
}

/* Whether [start, end) lies within one day's opening hours. */
static int
within_hours(const struct booking_room *rc, time_t start, time_t end)
{
	return hours_within(&rc->hours, rc->loc.hours, rc->zone, start, end);
}

int
booking_may_see(const struct booking_viewer *v, int64_t location_id,
    int64_t group_id, int private_, const char *visibility,
    const char *event_status)
{
	if (v->all || (v->location_id && v->location_id == location_id))
		return 1;
	if (v->group_id && v->group_id == group_id)
		return 1;
	/* A proposal is its group's business until it is published. */
	if (private_ || strcmp(event_status, "proposed") == 0)
		return 0;
	return visibility == NULL || *visibility == '\0' ||
	    strcmp(visibility, "public") == 0;
}

int
booking_check(sqlite3 *db, int64_t room_id, const struct slot *slots, int n,
    int64_t except, const struct booking_viewer *v, struct conflicts *out,
    struct fault *f)
{
	struct booking_room rc;
	sqlite3_stmt *ov = NULL, *cl = NULL;
	int ret = -1;

	if (booking_room_load(db, room_id, &rc, f))
		return -1;
	/*
	 * Held slots of one room never overlap (every one was checked when
	 * it was written), so the last held slot starting before e decides:
	 * it collides exactly when it ends after s.  Slots of `except` (the
	 * booking being redone) are stepped over; nothing starting a week or
	 * more before s can reach it.
	 */
	if ((ov = store_prepare(db, "SELECT s.booking_id, b.title, b.private, "
	    "coalesce(b.group_id, 0), coalesce(g.name, ''), "
	    "coalesce(e.visibility, ''), coalesce(e.title, ''), s.start, "
	    "s.\"end\", coalesce(e.status, '') "
	    "FROM booking_slot s JOIN booking b ON b.id = s.booking_id "
	    "LEFT JOIN grp g ON g.id = b.group_id "
	    "LEFT JOIN event e ON e.id = b.event_id "
	    "WHERE s.room_id = ?1 AND s.state = 'held' AND s.start < ?3 "
	    "AND s.start > ?2 - 604800 ORDER BY s.start DESC LIMIT 1")) == NULL ||
	    (cl = store_prepare(db, "SELECT reason FROM closure "
	    "WHERE location_id = ?1 AND (room_id IS NULL OR room_id = ?2) "
	    "AND start < ?4 AND \"end\" > ?3 ORDER BY start LIMIT 1")) == NULL) {
		store_fault(f, db);
		goto done;
	}
	for (int i = 0; i < n; i++) {
		const struct slot *s = &slots[i];
		int rc_step;

		out->checked++;
		sqlite3_reset(cl);
		sqlite3_bind_int64(cl, 1, rc.room.location_id);
		sqlite3_bind_int64(cl, 2, room_id);
		sqlite3_bind_int64(cl, 3, s->start);
		sqlite3_bind_int64(cl, 4, s->end);
		if ((rc_step = sqlite3_step(cl)) == SQLITE_ROW) {
			conflict_add(out, s, rc.zone, "closure", 0, "closed (%s)",
			    store_text(cl, 0));
			conflict_room(out, &rc);
			continue;
		} else if (rc_step != SQLITE_DONE) {
			store_fault(f, db);
			goto done;
		}
		if (!within_hours(&rc, s->start, s->end)) {
			char what[300];
			struct icaltimetype lt = when_local(s->start, rc.zone);
			int wd = (icaltime_day_of_week(lt) + 5) % 7;

			snprintf(what, sizeof(what), "%s, %s", daynames[wd],
			    rc.loc.hours);
			conflict_add(out, s, rc.zone, "hours", 0,
			    "outside the opening hours (%s)", what);
			conflict_room(out, &rc);
			continue;
		}
		{
			time_t below = s->end;

			for (;;) {
				sqlite3_reset(ov);
				sqlite3_bind_int64(ov, 1, room_id);
				sqlite3_bind_int64(ov, 2, s->start);
				sqlite3_bind_int64(ov, 3, below);
				if ((rc_step = sqlite3_step(ov)) != SQLITE_ROW ||
				    sqlite3_column_int64(ov, 0) != except)
					break;
				below = sqlite3_column_int64(ov, 7);
			}
		}
		if (rc_step == SQLITE_ROW && sqlite3_column_int64(ov, 8) > s->start) {
			char what[700];
			const char *title = store_text(ov, 1);
			const char *etitle = store_text(ov, 6);
			const char *gname = store_text(ov, 4);

			if (*etitle)
				title = etitle;
			/* "booked: "Title" (Group)", "booked (Group)", "bezet" */
			if (!booking_may_see(v, rc.room.location_id,
			    sqlite3_column_int64(ov, 3),
			    sqlite3_column_int(ov, 2), store_text(ov, 5),
			    store_text(ov, 9)))
				snprintf(what, sizeof(what), "bezet");
			else if (*title)
				snprintf(what, sizeof(what), "booked: \"%.300s\"%s%.300s%s",
				    title, *gname ? " (" : "", gname, *gname ? ")" : "");
			else
				snprintf(what, sizeof(what), "booked%s%.300s%s",
				    *gname ? " (" : "", gname, *gname ? ")" : "");
			conflict_add(out, s, rc.zone, *etitle ? "event" : "booking",
			    sqlite3_column_int64(ov, 0), "%s", what);
			conflict_room(out, &rc);
		} else if (rc_step != SQLITE_ROW && rc_step != SQLITE_DONE) {
			store_fault(f, db);
			goto done;
		}
	}
	ret = 0;
done:
	sqlite3_finalize(ov);
	sqlite3_finalize(cl);
	return ret;
}

/* ---- expanding a request into slots ---- */

struct slots {
	struct slot	*v;
	int		 n, cap;
	long		 dur;
	time_t		 upto;
};

static int
slots_push(struct slots *s, time_t rid, time_t start, time_t end)
{
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 64;
		struct slot *nv = realloc(s->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n].recurrence_id = rid;
	s->v[s->n].start = start;
	s->v[s->n].end = end;
	s->n++;
	return 0;
}

static int
push_occ(time_t t, void *arg)
{
	struct slots *s = arg;

	/* One more than allowed is enough to know the series is too long. */
	return s->n > BOOKING_MAX_SLOTS || slots_push(s, t, t, t + s->dur);
}

/* Occurrences of (start, dur, rrule) in [from, upto). */
static int
expand(const char *rrule, time_t start, long dur, icaltimezone *z,
    time_t from, time_t upto, struct slots *out, struct fault *f)
{
	out->dur = dur;
	if (rrule == NULL || *rrule == '\0') {
		if (start >= from && start < upto && slots_push(out, start,
		    start, start + dur))
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		return 0;
	}
	if (recur_expand(rrule, start, z, from, upto, 100000, push_occ,
	    out) < 0)
		return fault_set(f, FAULT_INVALID, "--repeat is not a valid rule");
	if (out->n > BOOKING_MAX_SLOTS)
		return fault_set(f, FAULT_INVALID, "the series has more than %d "
		    "occurrences within the booking horizon", BOOKING_MAX_SLOTS);
	/* A series whose occurrences overlap each other cannot be held. */
	for (int i = 1; i < out->n; i++)
		if (out->v[i].start < out->v[i - 1].end)
			return fault_set(f, FAULT_INVALID, "the occurrences of "
			    "this series overlap each other");
	return 0;
}

static int
insert_slot(sqlite3_stmt *st, int64_t booking_id, int64_t room_id,
    const struct slot *s, const char *state, const char *note)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, booking_id);
	sqlite3_bind_int64(st, 2, room_id);
	sqlite3_bind_int64(st, 3, s->recurrence_id);
	sqlite3_bind_int64(st, 4, s->start);
	sqlite3_bind_int64(st, 5, s->end);
	store_bind_text(st, 6, state);
	store_bind_text(st, 7, note);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

#define INSERT_SLOT "INSERT INTO booking_slot (booking_id, room_id, " \
	"recurrence_id, start, \"end\", state, note) VALUES (?1, ?2, ?3, ?4, " \
	"?5, ?6, ?7) ON CONFLICT (booking_id, recurrence_id) DO UPDATE SET " \
	"room_id = excluded.room_id, start = excluded.start, " \
	"\"end\" = excluded.\"end\", state = excluded.state, note = excluded.note"

/*
 * Write slots (held unless in skipped) for booking id; skipped conflicts
 * are stored with their reason so they can be listed and restored.
 */
/*
 * The reason an occurrence starting at start in room_id was not free, or
 * NULL: looked up, not walked in order (callers reorder their lists).
 */
static const char *
skip_note(const struct conflicts *c, time_t start, int64_t room_id)
{
	for (int i = 0; i < c->n; i++)
		if (c->v[i].start == start && c->v[i].room_id == room_id)
			return c->v[i].text;
	return NULL;
}

static int
write_slots(sqlite3 *db, int64_t id, int64_t room_id, const struct slots *s,
    const struct conflicts *skipped, struct fault *f)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_prepare(db, INSERT_SLOT)) == NULL)
		return store_fault(f, db);
	for (int i = 0; i < s->n && rc == 0; i++) {
		const char *note = skip_note(skipped, s->v[i].start, room_id);

		rc = insert_slot(st, id, room_id, &s->v[i], note ? "skipped" :
		    "held", note ? note : "");
	}
	sqlite3_finalize(st);
	return rc ? store_fault(f, db) : 0;
}

int
booking_insert(sqlite3 *db, const struct booking_in *in,
    const struct booking_viewer *v, const char *actor,
    struct booking_result *res, struct conflicts *refused, char *detail,
    size_t len, struct fault *f)
{
	struct room r;
	struct slots s = { 0 };
	struct conflicts found = { 0 };
	icaltimezone *z;
	sqlite3_stmt *st = NULL;
	time_t start, end, now = clock_now(), upto = horizon_end(now);
	long dur;
	int64_t gid;
	int held, rc;

	memset(res, 0, sizeof(*res));
	if (in->room == NULL || *in->room == '\0')
		return fault_set(f, FAULT_INVALID, "which room? give LOC/ROOM");
	if (in->start == NULL)
		return fault_set(f, FAULT_INVALID, "--start is required");
	if ((in->end == NULL) == (in->duration == NULL))
		return fault_set(f, FAULT_INVALID, "give --end or --duration");
	if (text_check(f, "--title", in->title, 200, 0, 0) ||
	    (in->rrule && *in->rrule && recur_check(f, in->rrule)))
		return -1;
	if (room_get(db, in->room, &r, f) || group_find_id(db, in->group, &gid, f))
		goto fail;
	z = when_zone(r.location_tz);
	if (when_parse(f, "--start", in->start, z, &start))
		goto fail;
	if (in->duration) {
		if (when_parse_duration(f, "--duration", in->duration,
		    BOOKING_MAX_SECONDS, &dur))
			goto fail;
		end = start + dur;
	} else {
		if (when_parse(f, "--end", in->end, z, &end))
			goto fail;
		if (end <= start) {
			fault_set(f, FAULT_INVALID, "--end must be after --start");
			goto fail;
		}
		if ((dur = end - start) > BOOKING_MAX_SECONDS) {
			fault_set(f, FAULT_INVALID, "a booking may last at most 7 "
			    "days");
			goto fail;
		}
	}
	/* A series may have begun; its future occurrences are booked. */
	if ((in->rrule == NULL || *in->rrule == '\0') && start < now) {
		fault_set(f, FAULT_INVALID, "--start is in the past");
		goto fail;
	}
	if (start >= upto) {
		char h[32];
		when_format_local(upto, z, h);
		fault_set(f, FAULT_INVALID, "--start is beyond the booking horizon "
		    "(%d days, until %s)", conf_current()->horizon_days, h);
		goto fail;
	}
	if ((in->rrule && *in->rrule &&
	    (recur_check_start(f, in->rrule, start, z) ||
	    recur_check_size(f, in->rrule, start, z, now, upto))) ||
	    expand(in->rrule, start, dur, z, now, upto, &s, f))
		goto fail;
	if (s.n == 0) {
		fault_set(f, FAULT_INVALID, "the series has no occurrence between "
		    "now and the booking horizon");
		goto fail;
	}
	if (booking_check(db, r.id, s.v, s.n, 0, v, &found, f))
		goto fail;
	held = s.n - found.n;
	if (found.n > 0 && (!in->skip_conflicts || held == 0)) {
		if (held == 0 && in->skip_conflicts)
			fault_set(f, FAULT_CONFLICT, "room %s is not free at any "
			    "occurrence of this series", in->room);
		else
			fault_set(f, FAULT_CONFLICT, "room %s is not free for %d "
			    "of %d occurrence(s); nothing was booked (use "
			    "--skip-conflicts to book the others)", in->room,
			    found.n, s.n);
		metrics_count_refusal();
		*refused = found;
		memset(&found, 0, sizeof(found));
		goto fail;
	}
	snprintf(res->status, sizeof(res->status), "%s", in->auto_confirm ||
	    !r.needs_approval ? "confirmed" : "requested");
	res->booked = held;
	if (in->dry_run) {
		res->skipped = found;
		free(s.v);
		return 0;
	}
	if ((st = store_prepare(db, "INSERT INTO booking (room_id, group_id, "
	    "title, timezone, start, \"end\", rrule, status, private, booked_by, "
	    "horizon, created, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?12)")) == NULL)
		goto internal;
	sqlite3_bind_int64(st, 1, r.id);
	if (gid)
		sqlite3_bind_int64(st, 2, gid);
	store_bind_text(st, 3, in->title ? in->title : "");
	store_bind_text(st, 4, r.location_tz);
	sqlite3_bind_int64(st, 5, start);
	sqlite3_bind_int64(st, 6, end);
	store_bind_text(st, 7, in->rrule ? in->rrule : "");
	store_bind_text(st, 8, res->status);
	sqlite3_bind_int(st, 9, in->private_ != 0);
	store_bind_text(st, 10, actor);
	sqlite3_bind_int64(st, 11, upto);
	sqlite3_bind_int64(st, 12, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto internal;
	res->id = sqlite3_last_insert_rowid(db);
	snprintf(detail, len, "booking %lld: %d held, %d skipped",
	    (long long)res->id, held, found.n);
	if (write_slots(db, res->id, r.id, &s, &found, f))
		goto internal;
	res->skipped = found;
	free(s.v);
	return 0;
internal:
	if (f->kind == FAULT_NONE)
		store_fault(f, db);
fail:
	conflicts_free(&found);
	free(s.v);
	return -1;
}

/* ---- reading ---- */

#define BOOKING_COLS "b.id, b.room_id, r.location_id, coalesce(b.group_id, 0), " \
	"coalesce(b.event_id, 0), l.slug || '/' || r.slug, coalesce(g.slug, ''), " \
	"coalesce(e.title, b.title), b.timezone, b.start, b.\"end\", b.rrule, " \
	"b.status, b.reason, b.booked_by, b.private, b.created, " \
	"(SELECT count(*) FROM booking_slot s WHERE s.booking_id = b.id " \
	"AND s.state = 'held'), (SELECT min(s.start) FROM booking_slot s " \
	"WHERE s.booking_id = b.id AND s.state = 'held' AND s.\"end\" > ?9) " \
	"FROM booking b JOIN room r ON r.id = b.room_id " \
	"JOIN location l ON l.id = r.location_id " \
	"LEFT JOIN grp g ON g.id = b.group_id " \
	"LEFT JOIN event e ON e.id = b.event_id"

static void
booking_row(sqlite3_stmt *st, void *arg)
{
	struct booking *b = arg;

	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(st, 0);
	b->room_id = sqlite3_column_int64(st, 1);
	b->location_id = sqlite3_column_int64(st, 2);
	b->group_id = sqlite3_column_int64(st, 3);
	b->event_id = sqlite3_column_int64(st, 4);
	snprintf(b->room, sizeof(b->room), "%s", store_text(st, 5));
	snprintf(b->group, sizeof(b->group), "%s", store_text(st, 6));
	snprintf(b->title, sizeof(b->title), "%s", store_text(st, 7));
	snprintf(b->timezone, sizeof(b->timezone), "%s", store_text(st, 8));
	b->start = sqlite3_column_int64(st, 9);
	b->end = sqlite3_column_int64(st, 10);
	snprintf(b->rrule, sizeof(b->rrule), "%s", store_text(st, 11));
	snprintf(b->status, sizeof(b->status), "%s", store_text(st, 12));
	snprintf(b->reason, sizeof(b->reason), "%s", store_text(st, 13));
	snprintf(b->booked_by, sizeof(b->booked_by), "%s", store_text(st, 14));
	b->private_ = sqlite3_column_int(st, 15);
	b->created = sqlite3_column_int64(st, 16);
	b->held = sqlite3_column_int(st, 17);
	b->next = sqlite3_column_int64(st, 18);
}

int
booking_get(sqlite3 *db, int64_t id, struct booking *out, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT " BOOKING_COLS
	    " WHERE b.id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 9, clock_now());
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		booking_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	return fault_set(f, FAULT_NOTFOUND, "unknown booking %lld",
	    (long long)id);
}

int
booking_not_held(sqlite3 *db, int64_t id,
    int (*cb)(const struct slot *, const char *, const char *, void *),
    void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct slot s;
	int rc;

	if ((st = store_prepare(db, "SELECT recurrence_id, start, \"end\", "
	    "state, note FROM booking_slot WHERE booking_id = ?1 AND "
	    "state != 'held' ORDER BY start")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s.recurrence_id = sqlite3_column_int64(st, 0);
		s.start = sqlite3_column_int64(st, 1);
		s.end = sqlite3_column_int64(st, 2);
		if (cb(&s, store_text(st, 3), store_text(st, 4), arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fault(f, db);
	return 0;
}

int
booking_list(sqlite3 *db, const char *room, const char *status,
    int (*cb)(const struct booking *, void *), void *arg, struct fault *f)
{
	struct room r;
	struct booking b;
	sqlite3_stmt *st;
	int rc;

	if (status && strcmp(status, "requested") && strcmp(status, "confirmed") &&
	    strcmp(status, "declined") && strcmp(status, "cancelled"))
		return fault_set(f, FAULT_INVALID, "--status must be requested, "
		    "confirmed, declined or cancelled");
	if (room && room_get(db, room, &r, f))
		return -1;
	if ((st = store_prepare(db, "SELECT " BOOKING_COLS " WHERE "
	    "(?1 IS NULL OR b.room_id = ?1) AND (?2 IS NULL OR b.status = ?2) "
	    "ORDER BY b.start, b.id")) == NULL)
		return store_fault(f, db);
	if (room)
		sqlite3_bind_int64(st, 1, r.id);
	store_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 9, clock_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		booking_row(st, &b);
		if (cb(&b, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fault(f, db);
	return 0;
}

/* ---- changing bookings ---- */

static int
set_booking(sqlite3 *db, int64_t id, const char *status, const char *reason,
    struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE booking SET status = ?2, "
	    "reason = coalesce(?3, reason), modified = ?4 WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	store_bind_text(st, 3, reason);
	sqlite3_bind_int64(st, 4, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	/* A declined or cancelled booking lets go of every slot it held. */
	if ((strcmp(status, "declined") == 0 || strcmp(status, "cancelled") == 0)
	    && store_exec_id(db, "UPDATE booking_slot SET state = 'cancelled' "
	    "WHERE booking_id = ?1 AND state = 'held'", id))
		return store_fault(f, db);
	return 0;
}

/* Begin, load the booking, and refuse event bookings and wrong states. */
static int
begin_change(sqlite3 *db, int64_t id, struct booking *b, const char *verb,
    const char *need, struct fault *f)
{
	if (store_begin_f(db, f))
		return -1;
	if (booking_get(db, id, b, f))
		goto fail;
	/* An event's request is approved or declined here; the rest of its
	 * booking follows the event. */
	if (b->event_id && strcmp(verb, "approve") && strcmp(verb, "decline")) {
		fault_set(f, FAULT_CONFLICT, "booking %lld belongs to event %lld; "
		    "%s the event instead", (long long)id,
		    (long long)b->event_id, strcmp(verb, "cancel") == 0 ?
		    "cancel or move" : "change");
		goto fail;
	}
	if (need && strcmp(b->status, need) != 0) {
		fault_set(f, FAULT_CONFLICT, "booking %lld is %s; only a %s "
		    "booking can be %sd", (long long)id, b->status, need,
		    strcmp(verb, "approve") == 0 ? "approve" : verb);
		goto fail;
	}
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static int
finish(sqlite3 *db, const char *actor, const char *action,
    const struct booking *b, const char *detail, struct fault *f)
{
	char what[64];

	snprintf(what, sizeof(what), "booking %lld", (long long)b->id);
	return store_finish(db, actor, action, what, detail ? detail : b->room,
	    f);
}

/* A booking in the state need (see begin_change), loaded into b. */
static int
check_change(sqlite3 *db, int64_t id, struct booking *b, const char *verb,
    const char *need, struct fault *f)
{
	if (booking_get(db, id, b, f))
		return -1;
	if (need && strcmp(b->status, need) != 0)
		return fault_set(f, FAULT_CONFLICT, "booking %lld is %s; only a "
		    "%s booking can be %sd", (long long)id, b->status, need,
		    strcmp(verb, "approve") == 0 ? "approve" : verb);
	return 0;
}

int
booking_set_approved(sqlite3 *db, int64_t id, struct booking *b,
    struct fault *f)
{
	if (check_change(db, id, b, "approve", "requested", f))
		return -1;
	return set_booking(db, id, "confirmed", NULL, f);
}

int
booking_check_reason(const char *reason, struct fault *f)
{
	return text_check(f, "--reason", reason, 500, 0, 0);
}

int
booking_set_declined(sqlite3 *db, int64_t id, const char *reason,
    struct booking *b, struct fault *f)
{
	if (check_change(db, id, b, "decline", "requested", f))
		return -1;
	return set_booking(db, id, "declined", reason ? reason : "", f);
}

/* The slot of booking b on local date `date`; 0 and *rid, or -1. */
static int
slot_on(sqlite3 *db, const struct booking *b, const char *date, time_t *rid,
    char *state, struct fault *f)
{
	sqlite3_stmt *st;
	icaltimezone *z = when_zone(b->timezone);
	int y, m, d, rc, found = 0;

	if (when_parse_date(f, "--occurrence", date, z, &y, &m, &d))
		return -1;
	if ((st = store_prepare(db, "SELECT recurrence_id, state FROM "
	    "booking_slot WHERE booking_id = ?1 ORDER BY recurrence_id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, b->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct icaltimetype lt = when_local(sqlite3_column_int64(st, 0), z);
		if (lt.year == y && lt.month == m && lt.day == d) {
			*rid = sqlite3_column_int64(st, 0);
			snprintf(state, 12, "%s", store_text(st, 1));
			found = 1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (!found)
		return fault_set(f, FAULT_INVALID, "--occurrence %s is not an "
		    "occurrence of booking %lld", date, (long long)b->id);
	return 0;
}

int
booking_release(sqlite3 *db, const struct booking *b, time_t rid,
    const char *note, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if (rid == 0)
		return set_booking(db, b->id, "cancelled", note, f);
	if ((st = store_prepare(db, "UPDATE booking_slot SET state = "
	    "'cancelled', note = ?3 WHERE booking_id = ?1 AND "
	    "recurrence_id = ?2")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, b->id);
	sqlite3_bind_int64(st, 2, rid);
	store_bind_text(st, 3, note ? note : "");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
booking_cancel(sqlite3 *db, int64_t id, const char *date, const char *actor,
    struct fault *f)
{
	struct booking b;
	char state[12], detail[64], day[16];
	time_t rid;

	if (begin_change(db, id, &b, "cancel", NULL, f))
		return -1;
	if (strcmp(b.status, "declined") == 0 || strcmp(b.status, "cancelled") == 0) {
		fault_set(f, FAULT_CONFLICT, "booking %lld is already %s",
		    (long long)id, b.status);
		goto fail;
	}
	if (date == NULL) {
		if (booking_release(db, &b, 0, NULL, f))
			goto fail;
		return finish(db, actor, "booking.cancel", &b, NULL, f);
	}
	if (slot_on(db, &b, date, &rid, state, f))
		goto fail;
	/* From here on the date as found, also for "next tuesday". */
	when_format_date(rid, when_zone(b.timezone), day);
	date = day;
	if (strcmp(state, "held") != 0) {
		fault_set(f, FAULT_CONFLICT, "the occurrence on %s is not held "
		    "(%s)", date, state);
		goto fail;
	}
	if (booking_release(db, &b, rid, "", f))
		goto fail;
	snprintf(detail, sizeof(detail), "occurrence %s", date);
	return finish(db, actor, "booking.cancel", &b, detail, f);
fail:
	store_rollback(db);
	return -1;
}

void
held_slots_free(struct held_slots *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

int
booking_held_in(sqlite3 *db, int64_t location_id, int64_t room_id,
    time_t from, time_t to, struct held_slots *out, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	/* A slot lasts at most a week: the index range starts that early. */
	if ((st = store_prepare(db, "SELECT s.booking_id, "
	    "coalesce(b.event_id, 0), coalesce(b.group_id, 0), s.room_id, "
	    "r.location_id, s.recurrence_id, s.start, s.\"end\", "
	    "l.slug || '/' || r.slug, coalesce(g.slug, ''), "
	    "coalesce(e.title, b.title), b.timezone, "
	    "coalesce(e.rrule, b.rrule) != '', r.capacity, "
	    "coalesce(e.days, 0) "
	    "FROM booking_slot s JOIN booking b ON b.id = s.booking_id "
	    "JOIN room r ON r.id = s.room_id "
	    "JOIN location l ON l.id = r.location_id "
	    "LEFT JOIN grp g ON g.id = b.group_id "
	    "LEFT JOIN event e ON e.id = b.event_id "
	    "WHERE s.state = 'held' AND b.status IN ('requested', 'confirmed') "
	    "AND r.location_id = ?1 AND (?2 = 0 OR s.room_id = ?2) "
	    "AND s.start < ?4 AND s.start > ?3 - 604800 AND s.\"end\" > ?3 "
	    "AND s.\"end\" > ?5 ORDER BY s.start, s.booking_id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, location_id);
	sqlite3_bind_int64(st, 2, room_id);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	sqlite3_bind_int64(st, 5, clock_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct held_slot *nv, *h;

		if ((nv = realloc(out->v, (out->n + 1) * sizeof(*nv))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		out->v = nv;
		h = &out->v[out->n++];
		memset(h, 0, sizeof(*h));
		h->booking_id = sqlite3_column_int64(st, 0);
		h->event_id = sqlite3_column_int64(st, 1);
		h->group_id = sqlite3_column_int64(st, 2);
		h->room_id = sqlite3_column_int64(st, 3);
		h->location_id = sqlite3_column_int64(st, 4);
		h->recurrence_id = sqlite3_column_int64(st, 5);
		h->start = sqlite3_column_int64(st, 6);
		h->end = sqlite3_column_int64(st, 7);
		snprintf(h->room, sizeof(h->room), "%s", store_text(st, 8));
		snprintf(h->group, sizeof(h->group), "%s", store_text(st, 9));
		snprintf(h->title, sizeof(h->title), "%s", store_text(st, 10));
		snprintf(h->timezone, sizeof(h->timezone), "%s",
		    store_text(st, 11));
		h->series = sqlite3_column_int(st, 12);
		h->capacity = sqlite3_column_int(st, 13);
		h->days = sqlite3_column_int(st, 14);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	held_slots_free(out);
	if (rc == SQLITE_NOMEM)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	return store_fault(f, db);
}

int
booking_drop_room(sqlite3 *db, int64_t room_id, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM booking_slot WHERE room_id = ?1",
	    room_id) < 0 ||
	    store_exec_id(db, "DELETE FROM booking WHERE room_id = ?1",
	    room_id) < 0)
		return store_fault(f, db);
	return 0;
}

int
booking_drop_group(sqlite3 *db, int64_t group_id, struct fault *f)
{
	if (store_exec_id(db, "UPDATE booking SET group_id = NULL WHERE "
	    "group_id = ?1", group_id) < 0)
		return store_fault(f, db);
	return 0;
}

int
booking_restore(sqlite3 *db, int64_t id, const char *date,
    const struct booking_viewer *v, const char *actor,
    struct conflicts *refused, struct fault *f)
{
	struct booking b;
	struct slot s;
	sqlite3_stmt *st;
	char state[12], detail[64], day[16];
	int rc;

	if (date == NULL)
		return fault_set(f, FAULT_INVALID, "which occurrence? give "
		    "--occurrence DATE");
	if (begin_change(db, id, &b, "restore", NULL, f))
		return -1;
	if (strcmp(b.status, "requested") && strcmp(b.status, "confirmed")) {
		fault_set(f, FAULT_CONFLICT, "booking %lld is %s", (long long)id,
		    b.status);
		goto fail;
	}
	if (slot_on(db, &b, date, &s.recurrence_id, state, f))
		goto fail;
	when_format_date(s.recurrence_id, when_zone(b.timezone), day);
	date = day;
	if (strcmp(state, "held") == 0) {
		fault_set(f, FAULT_CONFLICT, "the occurrence on %s is already "
		    "held", date);
		goto fail;
	}
	if ((st = store_prepare(db, "SELECT start, \"end\" FROM booking_slot "
	    "WHERE booking_id = ?1 AND recurrence_id = ?2")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s.recurrence_id);
	rc = sqlite3_step(st);
	s.start = sqlite3_column_int64(st, 0);
	s.end = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		store_fault(f, db);
		goto fail;
	}
	if (s.end <= clock_now()) {
		fault_set(f, FAULT_INVALID, "the occurrence on %s is over", date);
		goto fail;
	}
	if (booking_check(db, b.room_id, &s, 1, id, v, refused, f))
		goto fail;
	if (refused->n > 0) {
		fault_set(f, FAULT_CONFLICT, "room %s is still not free on %s",
		    b.room, date);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE booking_slot SET state = 'held', "
	    "note = '' WHERE booking_id = ?1 AND recurrence_id = ?2")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s.recurrence_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	snprintf(detail, sizeof(detail), "occurrence %s", date);
	return finish(db, actor, "booking.restore", &b, detail, f);
fail:
	store_rollback(db);
	return -1;
}

/* ---- events ---- */

struct ev_slots {
	struct slots	 held;		/* per room: the event's own room */
	struct slots	 moved;		/* occurrences in another room */
	int64_t		*moved_room;
	struct slots	 cancelled;
	int64_t		 room_id;
	sqlite3		*db;		/* for a day event's opening hours */
	struct booking_room rc;		/* the room they were last read for */
};

/* The local time hh:mm (minutes) on the date of day (a date's start). */
static time_t
at_minute(time_t day, int minutes, icaltimezone *z)
{
	struct icaltimetype lt = when_local(day, z);
	time_t t;

	if (minutes >= 1440)
		return when_days_after(day, 1, z);
	lt.hour = minutes / 60;
	lt.minute = minutes % 60;
	lt.second = 0;
	if (when_from_local(NULL, "", lt, z, &t))
		return day + (time_t)minutes * 60;	/* in a gap: near enough */
	return t;
}

/*
 * A day event holds a room for the opening hours of its dates: from the
 * opening of the first to the closing of the last.  A location without
 * opening hours is always open: the whole dates.  A date it is closed
 * keeps the whole date, which the hours check then refuses; so does a
 * day event of several dates where the location closes at night.
 */
static int
day_hours(struct ev_slots *x, int64_t room, time_t *start, time_t *end)
{
	struct booking_room *rc = &x->rc;
	struct fault f = { 0 };
	struct icaltimetype a, b;
	int wa, wb;

	if (rc->room.id != room && booking_room_load(x->db, room, rc, &f))
		return -1;
	if (rc->loc.hours[0] == '\0')
		return 0;
	a = when_local(*start, rc->zone);
	b = when_local(*end - 1, rc->zone);
	wa = (icaltime_day_of_week(a) + 5) % 7;		/* 0 = Monday */
	wb = (icaltime_day_of_week(b) + 5) % 7;
	if (rc->hours.open[wa] < 0 || rc->hours.open[wb] < 0)
		return 0;
	*end = at_minute(when_day_start(b.year, b.month, b.day, rc->zone),
	    rc->hours.close[wb], rc->zone);
	*start = at_minute(*start, rc->hours.open[wa], rc->zone);
	return 0;
}

static int
collect_event(const struct occurrence *o, void *arg)
{
	struct ev_slots *x = arg;
	int64_t room = o->ev->room_id;
	time_t rid = o->recurrence_id ? o->recurrence_id : o->start;
	time_t start = o->start, end = o->end;

	if (o->room != o->ev->room && o->room && *o->room) {
		/* moved to another room: an override names it */
		for (int i = 0; i < o->ev->noverrides; i++)
			if (o->ev->overrides[i].recurrence_id == rid)
				room = o->ev->overrides[i].room_id;
	}
	if (o->ev->days > 0 && (room || x->room_id) &&
	    day_hours(x, room ? room : x->room_id, &start, &end))
		return -1;
	if (o->cancelled)
		return slots_push(&x->cancelled, rid, start, end);
	if (room == 0)
		return 0;	/* this occurrence is not in a room */
	if (room == x->room_id)
		return slots_push(&x->held, rid, start, end);
	{
		int64_t *nr = realloc(x->moved_room, (x->moved.n + 1) *
		    sizeof(*nr));
		if (nr == NULL)
			return -1;
		x->moved_room = nr;
		x->moved_room[x->moved.n] = room;
	}
	return slots_push(&x->moved, rid, start, end);
}

struct placed {
	int64_t	room_id;
	time_t	start, end;
};

static int
placed_cmp(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->room_id != y->room_id)
		return x->room_id < y->room_id ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The occurrences of one event must not overlap each other in a room (a
 * moved one onto another): held slots of a room never overlap.
 */
static int
self_overlap(const struct ev_slots *x, icaltimezone *z, struct fault *f)
{
	int n = x->held.n + x->moved.n, k = 0, rc = 0;
	struct placed *p;

	if (n < 2)
		return 0;
	if ((p = calloc((size_t)n, sizeof(*p))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	for (int i = 0; i < x->held.n; i++)
		p[k++] = (struct placed){ x->room_id, x->held.v[i].start,
		    x->held.v[i].end };
	for (int i = 0; i < x->moved.n; i++)
		p[k++] = (struct placed){ x->moved_room[i], x->moved.v[i].start,
		    x->moved.v[i].end };
	qsort(p, (size_t)n, sizeof(*p), placed_cmp);
	for (int i = 1; i < n && rc == 0; i++)
		if (p[i].room_id == p[i - 1].room_id && p[i].start < p[i - 1].end) {
			char when[32];
			when_format_local(p[i].start, z, when);
			rc = fault_set(f, FAULT_INVALID, "the occurrence at %s "
			    "would overlap another occurrence of this event in "
			    "the same room", when);
		}
	free(p);
	return rc;
}

static void
ev_slots_free(struct ev_slots *x)
{
	free(x->held.v);
	free(x->moved.v);
	free(x->cancelled.v);
	free(x->moved_room);
}

/* The booking event_id holds (id 0: none); -1 on a database error. */
struct held {
	int64_t	id, room_id;
	time_t	start, end;
	char	status[12];
	char	rrule[RECUR_MAX_LEN + 1];
};

static int
event_booking(sqlite3 *db, int64_t event_id, struct held *h)
{
	sqlite3_stmt *st;
	int rc;

	memset(h, 0, sizeof(*h));
	if ((st = store_prepare(db, "SELECT id, room_id, start, \"end\", "
	    "status, rrule FROM booking WHERE event_id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, event_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h->id = sqlite3_column_int64(st, 0);
		h->room_id = sqlite3_column_int64(st, 1);
		h->start = sqlite3_column_int64(st, 2);
		h->end = sqlite3_column_int64(st, 3);
		snprintf(h->status, sizeof(h->status), "%s", store_text(st, 4));
		snprintf(h->rrule, sizeof(h->rrule), "%s", store_text(st, 5));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Move the conflicts in found that the change did not cause to the end of
 * the list, and return how many it did cause (-1 on error).  A conflict is
 * not the change's doing when the same occurrence (start, end, room) was
 * already in booking bid: a closure added over it later, or a request that
 * was declined and its slot taken.  Those stay skipped instead.
 */
static int
new_conflicts(sqlite3 *db, int64_t bid, struct conflicts *found,
    struct fault *f)
{
	sqlite3_stmt *st;
	int fresh = 0;

	if (bid == 0 || found->n == 0)
		return found->n;
	if ((st = store_prepare(db, "SELECT 1 FROM booking_slot WHERE "
	    "booking_id = ?1 AND start = ?2 AND \"end\" = ?3 AND "
	    "room_id = ?4")) == NULL)
		return store_fault(f, db);
	for (int i = 0; i < found->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, bid);
		sqlite3_bind_int64(st, 2, found->v[i].start);
		sqlite3_bind_int64(st, 3, found->v[i].end);
		sqlite3_bind_int64(st, 4, found->v[i].room_id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			struct conflict t = found->v[fresh];
			found->v[fresh++] = found->v[i];
			found->v[i] = t;
		}
	}
	sqlite3_finalize(st);
	return fresh;
}

/*
 * The shared part of syncing an event and rolling its horizon: with skip,
 * occurrences that do not fit are stored as skipped instead of refusing.
 */
static int
sync_event(sqlite3 *db, const struct event *ev, int confirm, int skip,
    const struct booking_viewer *v, const char *actor,
    struct conflicts *refused, struct fault *f)
{
	struct ev_slots x = { .room_id = ev->room_id, .db = db };
	struct conflicts found = { 0 };
	struct room r;
	sqlite3_stmt *st = NULL;
	time_t now = clock_now(), upto = horizon_end(now);
	struct held h;
	char want[12];
	int64_t bid;
	int rc, any_room = ev->room_id != 0, new_skips = 0;

	for (int i = 0; i < ev->noverrides; i++)
		any_room |= ev->overrides[i].room_id != 0;
	if (event_booking(db, ev->id, &h) < 0)
		return store_fault(f, db);
	bid = h.id;
	if (!any_room) {
		/* No room (any more): let go of what it held. */
		if (bid && store_exec_id(db, "DELETE FROM booking WHERE id = ?1",
		    bid))
			return store_fault(f, db);
		return 0;
	}
	if (ev->room_id == 0) {
		/*
		 * Only single occurrences are in rooms: hold them under the
		 * room of the first such override.
		 */
		for (int i = 0; i < ev->noverrides && x.room_id == 0; i++)
			x.room_id = ev->overrides[i].room_id;
	}
	if (room_get_id(db, x.room_id, &r, f))
		return -1;
	/*
	 * A declined request stays declined while the event keeps the room
	 * and times it was declined for; a change of either asks again.
	 */
	if (strcmp(h.status, "declined") == 0 && h.room_id == x.room_id &&
	    h.start == ev->start && h.end == ev->end &&
	    strcmp(h.rrule, ev->rrule) == 0 &&
	    strcmp(ev->status, "cancelled") != 0)
		return 0;
	if (strcmp(ev->status, "cancelled") == 0)
		snprintf(want, sizeof(want), "cancelled");
	else if (strcmp(ev->status, "proposed") == 0)
		snprintf(want, sizeof(want), "requested");
	else if (strcmp(h.status, "confirmed") == 0 || confirm ||
	    !r.needs_approval)
		snprintf(want, sizeof(want), "confirmed");
	else
		snprintf(want, sizeof(want), "requested");

	/* Past occurrences stay as they were: only the future is redone. */
	if (event_occurrences(ev, now, upto, collect_event, &x) < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot expand event %lld",
		    (long long)ev->id);
		goto fail;
	}
	if (strcmp(want, "cancelled") != 0 && self_overlap(&x, ev->zone, f))
		goto fail;
	if (strcmp(want, "cancelled") != 0 && !skip && ev->start >= upto) {
		char until[32];
		when_format_local(upto, ev->zone, until);
		fault_set(f, FAULT_INVALID, "the event starts beyond the booking "
		    "horizon of room %s (%d days, until %s)", r.slug,
		    conf_current()->horizon_days, until);
		goto fail;
	}
	if (strcmp(want, "cancelled") != 0) {
		int blocking;

		if (booking_check(db, x.room_id, x.held.v, x.held.n, bid, v,
		    &found, f))
			goto fail;
		for (int i = 0; i < x.moved.n; i++)
			if (booking_check(db, x.moved_room[i], &x.moved.v[i], 1,
			    bid, v, &found, f))
				goto fail;
		/*
		 * Occurrences the horizon already had to skip stay skipped;
		 * only a conflict the change itself causes refuses it.
		 */
		if ((blocking = new_conflicts(db, bid, &found, f)) < 0)
			goto fail;
		new_skips = blocking;
		if (blocking > 0 && !skip) {
			int same = 1;

			for (int i = 1; i < blocking; i++)
				same &= found.v[i].room_id == found.v[0].room_id;
			if (same)
				fault_set(f, FAULT_CONFLICT, "room %s is not free "
				    "for %d occurrence(s) of this event; nothing "
				    "was changed", found.v[0].room, blocking);
			else
				fault_set(f, FAULT_CONFLICT, "the rooms are not free "
				    "for %d occurrence(s) of this event; nothing "
				    "was changed", blocking);
			found.n = blocking;
			metrics_count_refusal();
			*refused = found;
			memset(&found, 0, sizeof(found));
			goto fail;
		}
	}
	if (bid == 0) {
		if ((st = store_prepare(db, "INSERT INTO booking (room_id, "
		    "event_id, group_id, title, timezone, start, \"end\", rrule, "
		    "status, booked_by, horizon, created, modified) VALUES (?1, "
		    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)")) == NULL)
			goto internal;
	} else if ((st = store_prepare(db, "UPDATE booking SET room_id = ?1, "
	    "group_id = ?3, title = ?4, timezone = ?5, start = ?6, \"end\" = ?7, "
	    "rrule = ?8, status = ?9, horizon = ?11, modified = ?12 "
	    "WHERE event_id = ?2")) == NULL)
		goto internal;
	sqlite3_bind_int64(st, 1, x.room_id);
	sqlite3_bind_int64(st, 2, ev->id);
	if (ev->group_id)
		sqlite3_bind_int64(st, 3, ev->group_id);
	store_bind_text(st, 4, ev->title);
	store_bind_text(st, 5, ev->timezone);
	sqlite3_bind_int64(st, 6, ev->start);
	sqlite3_bind_int64(st, 7, ev->end);
	store_bind_text(st, 8, ev->rrule);
	store_bind_text(st, 9, want);
	store_bind_text(st, 10, actor);
	sqlite3_bind_int64(st, 11, upto);
	sqlite3_bind_int64(st, 12, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto internal;
	if (bid == 0)
		bid = sqlite3_last_insert_rowid(db);
	/* Redo the future: delete slots that have not ended, write anew. */
	if ((st = store_prepare(db, "DELETE FROM booking_slot WHERE "
	    "booking_id = ?1 AND \"end\" > ?2")) == NULL)
		goto internal;
	sqlite3_bind_int64(st, 1, bid);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto internal;
	/*
	 * A cancelled event holds nothing from now on, but its occurrences
	 * stay on record as cancelled (room feeds show them so).
	 */
	if ((st = store_prepare(db, INSERT_SLOT)) == NULL)
		goto internal;
	for (int i = 0; i < x.cancelled.n; i++)
		if (insert_slot(st, bid, x.room_id, &x.cancelled.v[i],
		    "cancelled", ""))
			goto internal;
	if (strcmp(want, "cancelled") != 0) {
		if (write_slots(db, bid, x.room_id, &x.held, &found, f))
			goto fail;
		for (int i = 0; i < x.moved.n; i++) {
			const char *note = skip_note(&found, x.moved.v[i].start,
			    x.moved_room[i]);

			if (insert_slot(st, bid, x.moved_room[i], &x.moved.v[i],
			    note ? "skipped" : "held", note ? note : ""))
				goto internal;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Rolling the horizon: report what had to be skipped just now. */
	if (skip && new_skips > 0) {
		found.n = new_skips;
		*refused = found;
		memset(&found, 0, sizeof(found));
	}
	conflicts_free(&found);
	ev_slots_free(&x);
	return 0;
internal:
	store_fault(f, db);
fail:
	sqlite3_finalize(st);
	conflicts_free(&found);
	ev_slots_free(&x);
	return -1;
}

int
booking_sync_event(sqlite3 *db, const struct event *ev, int confirm,
    const struct booking_viewer *v, const char *actor,
    struct conflicts *refused, struct fault *f)
{
	return sync_event(db, ev, confirm, 0, v, actor, refused, f);
}

/* ---- the horizon ---- */

long
booking_roll(sqlite3 *db, time_t now)
{
	struct booking_viewer all = { .all = 1 };
	time_t upto = horizon_end(now);
	sqlite3_stmt *st;
	int64_t *ids = NULL, *evs = NULL;
	time_t *from = NULL;
	int n = 0, rc;
	long added = 0;

	if (store_begin(db))
		return -1;
	/*
	 * Series (bookings and events) whose slots stop a day or more short
	 * of upto: a restart soon after a booking does not redo it.
	 */
	if ((st = store_prepare(db, "SELECT id, coalesce(event_id, 0), horizon "
	    "FROM booking WHERE rrule != '' AND horizon <= ?1 - 86400 AND "
	    "status IN ('requested', 'confirmed')")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, upto);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *ni = realloc(ids, (n + 1) * sizeof(*ni));
		int64_t *ne = realloc(evs, (n + 1) * sizeof(*ne));
		time_t *nf = realloc(from, (n + 1) * sizeof(*nf));

		if (ni)
			ids = ni;
		if (ne)
			evs = ne;
		if (nf)
			from = nf;
		if (!ni || !ne || !nf)
			break;
		ids[n] = sqlite3_column_int64(st, 0);
		evs[n] = sqlite3_column_int64(st, 1);
		from[n] = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	/*
	 * Each series rolls on its own: one that cannot (too many new
	 * occurrences, a database error) is logged and keeps its horizon,
	 * and does not hold back the others.
	 */
	for (int i = 0; i < n; i++) {
		struct fault f = { 0 };
		struct conflicts found = { 0 };
		struct slots s = { 0 };
		struct booking b;
		struct event *ev = NULL;
		char detail[128];
		int ok;

		if (sqlite3_exec(db, "SAVEPOINT roll_one", NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto fail;
		if (evs[i]) {
			ok = (ev = event_get(db, evs[i], &f)) != NULL &&
			    sync_event(db, ev, 0, 1, &all, "horizon", &found,
			    &f) == 0;
			snprintf(detail, sizeof(detail), "event %lld",
			    (long long)evs[i]);
		} else {
			ok = booking_get(db, ids[i], &b, &f) == 0 &&
			    expand(b.rrule, b.start, (long)(b.end - b.start),
			    when_zone(b.timezone), from[i], upto, &s, &f) == 0 &&
			    booking_check(db, b.room_id, s.v, s.n, b.id, &all,
			    &found, &f) == 0 &&
			    write_slots(db, b.id, b.room_id, &s, &found, &f) == 0;
			snprintf(detail, sizeof(detail), "booking %lld",
			    (long long)ids[i]);
			if (ok)
				added += s.n - found.n;
		}
		if (ok && evs[i] == 0 && (st = store_prepare(db, "UPDATE booking "
		    "SET horizon = ?2 WHERE id = ?1")) != NULL) {
			sqlite3_bind_int64(st, 1, ids[i]);
			sqlite3_bind_int64(st, 2, upto);
			ok = sqlite3_step(st) == SQLITE_DONE;
			sqlite3_finalize(st);
		}
		if (ok && found.n > 0) {
			char what[320];

			snprintf(what, sizeof(what), "%s: %d new occurrence(s) "
			    "skipped, not free (first: %.80s)", detail, found.n,
			    found.v[0].text);
			store_audit(db, "horizon", "booking.skip", detail, what);
			log_warnx("horizon: %s", what);
		}
		if (!ok) {
			log_warnx("horizon: %s cannot be extended: %s", detail,
			    f.kind ? f.msg : sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK TO roll_one", NULL, NULL, NULL);
		}
		sqlite3_exec(db, "RELEASE roll_one", NULL, NULL, NULL);
		event_free(ev);
		free(s.v);
		conflicts_free(&found);
	}
	if (store_commit(db))
		goto fail;
	free(ids);
	free(evs);
	free(from);
	return added;
fail:
	store_rollback(db);
	free(ids);
	free(evs);
	free(from);
	return -1;
}

/*
 * What is free: the read-only questions asked before booking.  The free
 * and busy periods of one room within its opening hours, and the rooms of
 * a location that are free for a period.  Nothing here writes; the
 * conflicts are the booking engine's own (booking_check), so the answer
 * is the one a booking request would get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/availability.h"
#include "hersteld/booking.h"
#include "hersteld/location.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

struct busy {
	time_t	start, end;
	char	what[600];
};

static int
busy_cmp(const void *a, const void *b)
{
	const struct busy *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int
availability_room(sqlite3 *db, const char *ref, const char *from,
    const char *to, const struct booking_viewer *v,
    int (*cb)(const struct period *, const char *, void *), void *arg,
    struct fault *f)
{
	struct room r;
	struct booking_room rc;
	struct busy *bz = NULL;
	sqlite3_stmt *st = NULL;
	time_t a, b;
	int nb = 0, ret = -1, step;

	if (room_get(db, ref, &r, f) || booking_room_load(db, r.id, &rc, f))
		return -1;
	if (from == NULL || to == NULL)
		return fault_set(f, FAULT_INVALID, "give --from and --to");
	if (when_parse(f, "--from", from, rc.zone, &a) ||
	    when_parse(f, "--to", to, rc.zone, &b))
		return -1;
	if (b <= a)
		return fault_set(f, FAULT_INVALID, "--to must be after --from");
	if (b - a > 92L * 86400)
		return fault_set(f, FAULT_INVALID, "at most 92 days at a time");

	/* Everything that occupies the room in [a, b): slots and closures. */
	if ((st = store_prepare(db, "SELECT s.start, s.\"end\", b.title, "
	    "b.private, coalesce(b.group_id, 0), coalesce(g.name, ''), "
	    "coalesce(e.visibility, ''), coalesce(e.title, ''), '', "
	    "coalesce(e.status, '') "
	    "FROM booking_slot s JOIN booking b ON b.id = s.booking_id "
	    "LEFT JOIN grp g ON g.id = b.group_id "
	    "LEFT JOIN event e ON e.id = b.event_id "
	    "WHERE s.room_id = ?1 AND s.state = 'held' AND s.start < ?3 "
	    "AND s.start > ?2 - 604800 AND s.\"end\" > ?2 "
	    "UNION ALL SELECT start, \"end\", '', 0, 0, '', '', '', reason, '' "
	    "FROM closure WHERE location_id = ?4 AND (room_id IS NULL OR "
	    "room_id = ?1) AND start < ?3 AND \"end\" > ?2")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	sqlite3_bind_int64(st, 4, r.location_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct busy *nz = realloc(bz, (nb + 1) * sizeof(*nz));
		const char *closure = store_text(st, 8);

		if (nz == NULL)
			break;
		bz = nz;
		bz[nb].start = sqlite3_column_int64(st, 0);
		bz[nb].end = sqlite3_column_int64(st, 1);
		if (*closure)
			snprintf(bz[nb].what, sizeof(bz[nb].what), "closed (%s)",
			    closure);
		else if (booking_may_see(v, rc.room.location_id,
		    sqlite3_column_int64(st, 4), sqlite3_column_int(st, 3), store_text(st, 6),
		    store_text(st, 9))) {
			const char *t = *store_text(st, 7) ? store_text(st, 7) :
			    store_text(st, 2);
			const char *g = store_text(st, 5);
			snprintf(bz[nb].what, sizeof(bz[nb].what), "%.300s%s%.250s%s",
			    *t ? t : "booked", *g ? " (" : "", g, *g ? ")" : "");
		} else
			snprintf(bz[nb].what, sizeof(bz[nb].what), "bezet");
		nb++;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		store_fault(f, db);
		goto done;
	}
	if (nb > 1)
		qsort(bz, nb, sizeof(*bz), busy_cmp);

	/* Walk each local day's opening hours, cutting out the busy parts. */
	for (time_t day = a; day < b;) {
		struct icaltimetype lt = when_local(day, rc.zone), next;
		int wd = (icaltime_day_of_week(lt) + 5) % 7;
		time_t open, close, t;
		struct fault ignore = { 0 };

		lt.hour = lt.minute = lt.second = 0;
		next = lt;
		icaltime_adjust(&next, 1, 0, 0, 0);
		if (when_from_local(&ignore, "", next, rc.zone, &t))
			t = day + 86400;
		if (rc.hours.open[wd] >= 0) {
			struct icaltimetype o = lt, c = lt;
			o.hour = rc.hours.open[wd] / 60;
			o.minute = rc.hours.open[wd] % 60;
			if (when_from_local(&ignore, "", o, rc.zone, &open))
				open = day;
			if (rc.hours.close[wd] >= 1440)
				close = t;
			else {
				c.hour = rc.hours.close[wd] / 60;
				c.minute = rc.hours.close[wd] % 60;
				if (when_from_local(&ignore, "", c, rc.zone, &close))
					close = t;
			}
			if (open < a)
				open = a;
			if (close > b)
				close = b;
			for (time_t cur = open; cur < close;) {
				struct period p = { .start = cur };
				int k;

				/* the first busy stretch covering cur, if any */
				for (k = 0; k < nb; k++)
					if (bz[k].start <= cur && bz[k].end > cur)
						break;
				if (k < nb) {
					p.busy = 1;
					p.end = bz[k].end < close ? bz[k].end : close;
					snprintf(p.what, sizeof(p.what), "%s",
					    bz[k].what);
				} else {
					p.end = close;
					for (k = 0; k < nb; k++)
						if (bz[k].start > cur &&
						    bz[k].start < p.end)
							p.end = bz[k].start;
				}
				if (cb(&p, rc.loc.timezone, arg))
					goto out;
				cur = p.end;
			}
		}
		day = t;
	}
out:
	ret = 0;
done:
	free(bz);
	return ret;
}

/*
 * The rooms free for s that hold capacity (step-free when accessible): of
 * location only_loc, or of every location with prefer_loc's first; cb as
 * for availability_find, up to max of them (0: all).
 */
static int
rooms_free(sqlite3 *db, const struct slot *s, long capacity, int accessible,
    int64_t only_loc, int64_t prefer_loc, int max,
    int (*cb)(const char *, const char *, long, void *), void *arg,
    struct fault *f)
{
	struct booking_viewer all = { .all = 1 };
	sqlite3_stmt *st;
	int rc, n = 0;

	if ((st = store_prepare(db, "SELECT r.id, l.slug || '/' || r.slug, "
	    "r.name, r.capacity FROM room r JOIN location l ON "
	    "l.id = r.location_id WHERE (?1 = 0 OR r.location_id = ?1) AND "
	    "r.capacity >= ?2 AND (?3 = 0 OR r.accessible = 1) "
	    "ORDER BY r.location_id != ?4, r.capacity, l.slug, r.slug")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, only_loc);
	sqlite3_bind_int64(st, 2, capacity);
	sqlite3_bind_int(st, 3, accessible != 0);
	sqlite3_bind_int64(st, 4, prefer_loc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct conflicts c = { 0 };

		if (booking_check(db, sqlite3_column_int64(st, 0), s, 1, 0, &all,
		    &c, f)) {
			sqlite3_finalize(st);
			return -1;
		}
		if (c.n == 0 && (cb(store_text(st, 1), store_text(st, 2),
		    sqlite3_column_int(st, 3), arg) || (max && ++n >= max))) {
			conflicts_free(&c);
			break;
		}
		conflicts_free(&c);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fault(f, db);
	return 0;
}

int
availability_find(sqlite3 *db, const char *loc, const char *start, const char *end,
    const char *duration, long capacity, int accessible,
    int (*cb)(const char *, const char *, long, void *), void *arg,
    struct fault *f)
{
	struct location l;
	struct slot s;
	icaltimezone *z;
	long dur;

	if (location_get(db, loc, &l, f))
		return -1;
	z = when_zone(l.timezone);
	if (start == NULL)
		return fault_set(f, FAULT_INVALID, "--start is required");
	if ((end == NULL) == (duration == NULL))
		return fault_set(f, FAULT_INVALID, "give --end or --duration");
	if (when_parse(f, "--start", start, z, &s.start))
		return -1;
	if (duration) {
		if (when_parse_duration(f, "--duration", duration,
		    BOOKING_MAX_SECONDS, &dur))
			return -1;
		s.end = s.start + dur;
	} else {
		if (when_parse(f, "--end", end, z, &s.end))
			return -1;
		if (s.end <= s.start)
			return fault_set(f, FAULT_INVALID, "--end must be after "
			    "--start");
	}
	s.recurrence_id = s.start;
	if (capacity < 0 || capacity > 100000)
		return fault_set(f, FAULT_INVALID, "--capacity must be a whole "
		    "number from 1 to 100000");
	return rooms_free(db, &s, capacity, accessible, l.id, l.id, 0, cb, arg,
	    f);
}

int
availability_elsewhere(sqlite3 *db, time_t start, time_t end, long capacity,
    int64_t location_id, int max,
    int (*cb)(const char *, const char *, long, void *), void *arg,
    struct fault *f)
{
	struct slot s = { start, start, end };

	return rooms_free(db, &s, capacity > 0 ? capacity : 1, 0, 0,
	    location_id, max, cb, arg, f);
}

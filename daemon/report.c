/*
 * Reports.  The groups report walks the events of the period once
 * (event_each, occurrences expanded in memory) and looks up registrations
 * and attendance in two sorted arrays read up front, so its cost follows
 * the number of occurrences and not of rows queried.  The rooms report
 * reads held slots per room over the covering index of booking_slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/event.h"
#include "hersteld/location.h"
#include "hersteld/report.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

const char *const report_kinds[REPORT_KINDS] = { "themabijeenkomst",
    "dialoogsessie", "steungroep", "kennissessie", "netwerksessie", "overig" };

long
report_registrations(int series, long whole, long going, long sitout)
{
	long n;

	if (!series)
		return whole;
	n = whole - sitout;
	return (n < 0 ? 0 : n) + going;
}

/* (event, occurrence) -> two numbers, sorted for bsearch. */
struct keyed {
	int64_t	event_id;
	int64_t	occurrence;
	long	a, b;
};

struct table {
	struct keyed	*v;
	size_t		 n, cap;
};

static int
keyed_cmp(const void *x, const void *y)
{
	const struct keyed *p = x, *q = y;

	if (p->event_id != q->event_id)
		return p->event_id < q->event_id ? -1 : 1;
	if (p->occurrence != q->occurrence)
		return p->occurrence < q->occurrence ? -1 : 1;
	return 0;
}

static const struct keyed *
lookup(const struct table *t, int64_t event_id, int64_t occurrence)
{
	struct keyed k = { event_id, occurrence, 0, 0 };

	return t->n ? bsearch(&k, t->v, t->n, sizeof(k), keyed_cmp) : NULL;
}

/* Read rows (event_id, occurrence, a[, b]) of sql bound to from, to, group. */
static int
load_table(sqlite3 *db, const char *sql, time_t from, time_t to,
    int64_t group, struct table *t, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, group);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->n == t->cap) {
			size_t ncap = t->cap ? t->cap * 2 : 256;
			struct keyed *nv = realloc(t->v, ncap * sizeof(*nv));

			if (nv == NULL) {
				sqlite3_finalize(st);
				return fault_set(f, FAULT_INTERNAL, "out of memory");
			}
			t->v = nv;
			t->cap = ncap;
		}
		t->v[t->n].event_id = sqlite3_column_int64(st, 0);
		t->v[t->n].occurrence = sqlite3_column_int64(st, 1);
		t->v[t->n].a = (long)sqlite3_column_int64(st, 2);
		t->v[t->n].b = sqlite3_column_count(st) > 3 ?
		    (long)sqlite3_column_int64(st, 3) : 0;
		t->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	/* Sorted for lookup; rows already in order cost little to sort. */
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), keyed_cmp);
	return 0;
}

/*
 * Registrations per (event, occurrence): those of the rows there are
 * (read in the order of the registration_occurrence index, which holds
 * all the query needs), plus what retention.c kept in registration_count
 * of the rows it removed, so that removing them changes no figure; the
 * two are added up in C (merge_equal).  The sitting-out test is a CASE:
 * SQLite evaluates every operand of an AND inside an aggregate, and
 * would look up the series registration of every row.
 */
#define EVENT_IDS_IN_PERIOD "WHERE r.event_id IN (SELECT e.id FROM " \
	"event e WHERE e.start < ?2 AND (e.span_end IS NULL OR " \
	"e.span_end > ?1) AND (?3 = 0 OR e.group_id = ?3) AND " \
	"e.status != 'proposed') "
#define REGISTRATIONS_SQL "SELECT r.event_id, r.occurrence, " \
	"sum(r.status = 'going'), sum(CASE WHEN r.status = 'cancelled' AND " \
	"r.occurrence != 0 THEN EXISTS (SELECT 1 FROM registration s WHERE " \
	"s.event_id = r.event_id AND s.participant_id = r.participant_id AND " \
	"s.occurrence = 0 AND s.status = 'going') ELSE 0 END) " \
	"FROM registration r " EVENT_IDS_IN_PERIOD \
	"GROUP BY r.event_id, r.occurrence"
#define COUNTED_SQL "SELECT r.event_id, r.occurrence, r.going, r.sitout " \
	"FROM registration_count r " EVENT_IDS_IN_PERIOD

/* Rows of t with the same key made one, their numbers added. */
static void
merge_equal(struct table *t)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (k > 0 && keyed_cmp(&t->v[k - 1], &t->v[i]) == 0) {
			t->v[k - 1].a += t->v[i].a;
			t->v[k - 1].b += t->v[i].b;
		} else
			t->v[k++] = t->v[i];
	}
	t->n = k;
}

struct gctx {
	time_t			 from, to;
	int64_t			 only_group;
	struct report_group	*rows;
	size_t			 nrows;	/* the last is "no group" */
	struct table		 regs, att;
	struct report_group	*cur;
	const struct event	*ev;
	int			 kind;
};

static int
count_occ(const struct occurrence *o, void *arg)
{
	struct gctx *g = arg;
	const struct event *ev = g->ev;
	const struct keyed *whole, *one;
	struct report_group *row = g->cur;

	if (o->start < g->from || o->start >= g->to)
		return 0;
	if (o->cancelled) {
		row->cancelled++;
		return 0;
	}
	row->sessions[g->kind]++;
	row->sessions_total++;
	row->minutes += (long)((o->end - o->start) / 60);
	whole = lookup(&g->regs, ev->id, 0);
	one = o->recurrence_id ? lookup(&g->regs, ev->id, o->recurrence_id) :
	    NULL;
	row->registrations += report_registrations(ev->rrule[0] != '\0',
	    whole ? whole->a : 0, one ? one->a : 0, one ? one->b : 0);
	if ((one = lookup(&g->att, ev->id, o->recurrence_id)) != NULL)
		row->attendance += one->a;
	return 0;
}

static int
count_event(const struct event *ev, void *arg)
{
	struct gctx *g = arg;
	size_t i;

	if (strcmp(ev->status, "proposed") == 0)
		return 0;
	if (g->only_group && ev->group_id != g->only_group)
		return 0;
	for (i = 0; i + 1 < g->nrows; i++)
		if (g->rows[i].group_id == ev->group_id)
			break;
	g->cur = &g->rows[i];
	g->ev = ev;
	g->kind = REPORT_KINDS - 1;
	for (int k = 0; k < REPORT_KINDS; k++)
		if (strcmp(ev->kind, report_kinds[k]) == 0)
			g->kind = k;
	/* Every report over a period expands the same series again. */
	return event_occurrences_memo(ev, g->from, g->to, count_occ, g) < 0;
}

int
report_groups(sqlite3 *db, time_t from, time_t to, int64_t only_group,
    int (*cb)(const struct report_group *, void *), void *arg,
    struct fault *f)
{
	struct gctx g = { .from = from, .to = to, .only_group = only_group };
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, ret = -1;

	if (to <= from)
		return fault_set(f, FAULT_INVALID, "--to is before --from");
	if ((st = store_prepare(db, "SELECT id, slug, name FROM grp "
	    "WHERE ?1 = 0 OR id = ?1 ORDER BY slug")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, only_group);
	for (;;) {
		rc = sqlite3_step(st);
		if (g.nrows == cap) {
			struct report_group *nr = realloc(g.rows, (cap = cap ?
			    cap * 2 : 64) * sizeof(*nr));
			if (nr == NULL) {
				fault_set(f, FAULT_INTERNAL, "out of memory");
				goto done;
			}
			g.rows = nr;
		}
		memset(&g.rows[g.nrows], 0, sizeof(g.rows[0]));
		if (rc != SQLITE_ROW)
			break;
		g.rows[g.nrows].group_id = sqlite3_column_int64(st, 0);
		snprintf(g.rows[g.nrows].group, sizeof(g.rows[0].group), "%s",
		    store_text(st, 1));
		snprintf(g.rows[g.nrows].name, sizeof(g.rows[0].name), "%s",
		    store_text(st, 2));
		g.nrows++;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto done;
	}
	g.nrows++;		/* the "no group" row, zeroed above */
	/*
	 * Registrations per (event, occurrence): going, and at an
	 * occurrence, the whole-series registrants sitting it out.
	 */
	if (load_table(db, REGISTRATIONS_SQL, from, to, only_group, &g.regs,
	    f) ||
	    load_table(db, COUNTED_SQL, from, to, only_group, &g.regs, f) ||
	    load_table(db, "SELECT r.event_id, r.occurrence, r.count "
	    "FROM attendance r " EVENT_IDS_IN_PERIOD, from, to, only_group,
	    &g.att, f))
		goto done;
	merge_equal(&g.regs);
	if (event_each(db, from, to, count_event, &g, f))
		goto done;
	for (size_t i = 0; i < g.nrows; i++) {
		const struct report_group *r = &g.rows[i];

		if (i + 1 == g.nrows && (only_group || (r->sessions_total == 0 &&
		    r->cancelled == 0)))
			break;
		if (cb(r, arg))
			break;
	}
	ret = 0;
done:
	sqlite3_finalize(st);
	free(g.rows);
	free(g.regs.v);
	free(g.att.v);
	return ret;
}

/* ---- rooms ---- */

#define MAX_MONTHS	130

struct month {
	char	label[8];
	time_t	start, end;		/* UTC, clipped to the period */
	long	open_minutes;
};

static int
local_midnight(int y, int m, int d, icaltimezone *z, time_t *out,
    struct fault *f)
{
	struct icaltimetype t = icaltime_null_time();

	t.year = y;
	t.month = m;
	t.day = d;
	/* Midnight exists in every zone hersteld is used in; be safe. */
	if (when_from_local(NULL, "", t, z, out)) {
		t.hour = 1;
		if (when_from_local(f, "date", t, z, out))
			return -1;
	}
	return 0;
}

static int
date_before(int y1, int m1, int d1, int y2, int m2, int d2)
{
	return y1 != y2 ? y1 < y2 : m1 != m2 ? m1 < m2 : d1 < d2;
}

/* The months of days in zone z with their open minutes under h. */
static int
months_of(const struct report_days *days, icaltimezone *z,
    const struct hours *h, struct month *mv, int *nm, struct fault *f)
{
	struct icaltimetype end = icaltime_null_time(), d;
	int y = days->fy, m = days->fm;

	end.year = days->ty;
	end.month = days->tm;
	end.day = days->td;
	icaltime_adjust(&end, 1, 0, 0, 0);	/* exclusive */
	*nm = 0;
	while (date_before(y, m, 1, end.year, end.month, end.day)) {
		struct month *mo = &mv[*nm];
		struct icaltimetype a = icaltime_null_time(), b;

		if (*nm == MAX_MONTHS)
			return fault_set(f, FAULT_INVALID, "the period is too long "
			    "(at most %d months)", MAX_MONTHS);
		a.year = y;
		a.month = m;
		a.day = 1;
		if (y == days->fy && m == days->fm)
			a.day = days->fd;
		b = a;
		b.day = 1;
		icaltime_adjust(&b, 0, 0, 0, 0);
		b.month++;
		if (b.month > 12) {
			b.month = 1;
			b.year++;
		}
		if (date_before(end.year, end.month, end.day, b.year, b.month,
		    b.day))
			b = end;
		snprintf(mo->label, sizeof(mo->label), "%04d-%02d", y, m);
		if (local_midnight(a.year, a.month, a.day, z, &mo->start, f) ||
		    local_midnight(b.year, b.month, b.day, z, &mo->end, f))
			return -1;
		mo->open_minutes = 0;
		for (d = a; date_before(d.year, d.month, d.day, b.year, b.month,
		    b.day); icaltime_adjust(&d, 1, 0, 0, 0)) {
			int wd = (icaltime_day_of_week(d) + 5) % 7; /* Monday 0 */

			if (h->open[wd] >= 0 && h->close[wd] > h->open[wd])
				mo->open_minutes += h->close[wd] - h->open[wd];
		}
		(*nm)++;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return 0;
}

static int
month_of(const struct month *mv, int nm, time_t t)
{
	int lo = 0, hi = nm - 1;

	if (nm == 0 || t < mv[0].start || t >= mv[nm - 1].end)
		return -1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (mv[mid].start <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

struct loc_row {
	int64_t	id;
	char	slug[64];
	char	tz[72];
	char	hours[256];
};

static int
room_months(sqlite3 *db, sqlite3_stmt *slots, sqlite3_stmt *declined,
    int64_t room_id, const struct month *mv, int nm, struct report_room *out,
    struct fault *f)
{
	int rc, i;

	for (i = 0; i < nm; i++) {
		out[i].booked_minutes = 0;
		out[i].declined = 0;
		out[i].open_minutes = mv[i].open_minutes;
		snprintf(out[i].month, sizeof(out[i].month), "%s", mv[i].label);
	}
	sqlite3_reset(slots);
	sqlite3_bind_int64(slots, 1, room_id);
	sqlite3_bind_int64(slots, 2, mv[0].start);
	sqlite3_bind_int64(slots, 3, mv[nm - 1].end);
	while ((rc = sqlite3_step(slots)) == SQLITE_ROW) {
		time_t s = sqlite3_column_int64(slots, 0);

		if ((i = month_of(mv, nm, s)) >= 0)
			out[i].booked_minutes += (long)((sqlite3_column_int64(
			    slots, 1) - s) / 60);
	}
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	sqlite3_reset(declined);
	sqlite3_bind_int64(declined, 1, room_id);
	sqlite3_bind_int64(declined, 2, mv[0].start);
	sqlite3_bind_int64(declined, 3, mv[nm - 1].end);
	while ((rc = sqlite3_step(declined)) == SQLITE_ROW)
		if ((i = month_of(mv, nm, sqlite3_column_int64(declined, 0))) >= 0)
			out[i].declined++;
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
report_rooms(sqlite3 *db, const struct report_days *days,
    int64_t only_location, int (*cb)(const struct report_room *, void *),
    void *arg, struct fault *f)
{
	sqlite3_stmt *locs = NULL, *rooms = NULL, *slots = NULL, *declined = NULL;
	struct month *mv = NULL;
	struct report_room *out = NULL;
	struct loc_row l;
	struct hours h;
	char canon[256];
	int nm, rc = SQLITE_DONE, ret = -1, stop = 0;

	if (date_before(days->ty, days->tm, days->td, days->fy, days->fm,
	    days->fd))
		return fault_set(f, FAULT_INVALID, "--to is before --from");
	if ((mv = calloc(MAX_MONTHS, sizeof(*mv))) == NULL ||
	    (out = calloc(MAX_MONTHS, sizeof(*out))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	if ((locs = store_prepare(db, "SELECT id, slug, timezone, hours FROM "
	    "location WHERE ?1 = 0 OR id = ?1 ORDER BY slug")) == NULL ||
	    (rooms = store_prepare(db, "SELECT id, slug, name FROM room WHERE "
	    "location_id = ?1 ORDER BY slug")) == NULL ||
	    (slots = store_prepare(db, "SELECT s.start, s.\"end\" FROM "
	    "booking_slot s JOIN booking b ON b.id = s.booking_id "
	    "WHERE s.room_id = ?1 AND s.state = 'held' AND s.start >= ?2 "
	    "AND s.start < ?3 AND b.status = 'confirmed'")) == NULL ||
	    (declined = store_prepare(db, "SELECT start FROM booking WHERE "
	    "room_id = ?1 AND status = 'declined' AND start >= ?2 AND "
	    "start < ?3")) == NULL) {
		store_fault(f, db);
		goto done;
	}
	sqlite3_bind_int64(locs, 1, only_location);
	while (!stop && (rc = sqlite3_step(locs)) == SQLITE_ROW) {
		icaltimezone *z;

		l.id = sqlite3_column_int64(locs, 0);
		snprintf(l.slug, sizeof(l.slug), "%s", store_text(locs, 1));
		snprintf(l.tz, sizeof(l.tz), "%s", store_text(locs, 2));
		snprintf(l.hours, sizeof(l.hours), "%s", store_text(locs, 3));
		if ((z = when_zone(l.tz)) == NULL) {
			fault_set(f, FAULT_INTERNAL, "location %s has an unknown "
			    "time zone %s", l.slug, l.tz);
			goto done;
		}
		if (hours_parse(f, l.hours, &h, canon) ||
		    months_of(days, z, &h, mv, &nm, f))
			goto done;
		if (nm == 0)
			continue;
		sqlite3_reset(rooms);
		sqlite3_bind_int64(rooms, 1, l.id);
		while (!stop && (rc = sqlite3_step(rooms)) == SQLITE_ROW) {
			int64_t room_id = sqlite3_column_int64(rooms, 0);
			char ref[130], name[801];

			snprintf(ref, sizeof(ref), "%s/%s", l.slug,
			    store_text(rooms, 1));
			snprintf(name, sizeof(name), "%s", store_text(rooms, 2));
			if (room_months(db, slots, declined, room_id, mv, nm, out,
			    f))
				goto done;
			for (int i = 0; i < nm && !stop; i++) {
				snprintf(out[i].room, sizeof(out[i].room), "%s", ref);
				snprintf(out[i].name, sizeof(out[i].name), "%s",
				    name);
				stop = cb(&out[i], arg);
			}
		}
		if (!stop && rc != SQLITE_DONE) {
			store_fault(f, db);
			goto done;
		}
	}
	if (!stop && rc != SQLITE_DONE) {
		store_fault(f, db);
		goto done;
	}
	ret = 0;
done:
	sqlite3_finalize(locs);
	sqlite3_finalize(rooms);
	sqlite3_finalize(slots);
	sqlite3_finalize(declined);
	free(mv);
	free(out);
	return ret;
}

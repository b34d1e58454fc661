/*
 * Events and their occurrences.  A series is its first occurrence plus an
 * RRULE evaluated in the event's zone, EXDATEs (occurrences that never
 * were) and overrides (occurrences moved, changed or cancelled), all keyed
 * by the occurrence's original start.  Writes validate everything first
 * and run in one transaction with their audit row; changes that matter to
 * attendees (time, place, cancellation) bump SEQUENCE.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static const char *kinds[] = { "themabijeenkomst", "dialoogsessie",
    "steungroep", "kennissessie", "netwerksessie", "overig", NULL };
static const char *visibilities[] = { "public", "group", "private", NULL };

static int
one_of(const char *s, const char **list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	free(ev->description);
	free(ev->exdates);
	free(ev->rdates);
	free(ev->overrides);
	free(ev);
}

#define EVENT_COLS "e.id, e.uid, e.kind, e.title, e.description, e.themes, " \
	"e.group_id, coalesce(g.slug, ''), e.room_id, " \
	"coalesce(rl.slug || '/' || r.slug, ''), e.location_id, " \
	"coalesce(l.slug, ''), e.place, e.timezone, e.start, e.\"end\", " \
	"e.rrule, e.span_end, e.capacity, e.visibility, e.status, e.sequence, " \
	"e.cancel_reason, e.created, e.modified, e.ideas, e.days FROM event e " \
	"LEFT JOIN grp g ON g.id = e.group_id " \
	"LEFT JOIN room r ON r.id = e.room_id " \
	"LEFT JOIN location rl ON rl.id = r.location_id " \
	"LEFT JOIN location l ON l.id = e.location_id"

/*
 * The three statements that load an event, prepared once and reused for
 * every event of a list.
 */
struct loader {
	sqlite3		*db;
	sqlite3_stmt	*ev, *ex, *ov, *rd;
};

static void
loader_close(struct loader *l)
{
	sqlite3_finalize(l->ev);
	sqlite3_finalize(l->ex);
	sqlite3_finalize(l->ov);
	sqlite3_finalize(l->rd);
	memset(l, 0, sizeof(*l));
}

static int
loader_open(struct loader *l, sqlite3 *db, struct fault *f)
{
	memset(l, 0, sizeof(*l));
	l->db = db;
	if ((l->ev = store_prepare(db, "SELECT " EVENT_COLS
	    " WHERE e.id = ?1")) == NULL ||
	    (l->ex = store_prepare(db, "SELECT recurrence_id FROM event_exdate "
	    "WHERE event_id = ?1 ORDER BY recurrence_id")) == NULL ||
	    (l->ov = store_prepare(db, "SELECT o.recurrence_id, o.start, "
	    "o.\"end\", coalesce(o.title, ''), coalesce(o.room_id, 0), "
	    "coalesce(rl.slug || '/' || r.slug, ''), o.cancelled, "
	    "o.cancel_reason, o.sequence FROM event_override o "
	    "LEFT JOIN room r ON r.id = o.room_id "
	    "LEFT JOIN location rl ON rl.id = r.location_id "
	    "WHERE o.event_id = ?1 ORDER BY o.recurrence_id")) == NULL ||
	    (l->rd = store_prepare(db, "SELECT start FROM event_rdate "
	    "WHERE event_id = ?1 ORDER BY start")) == NULL) {
		loader_close(l);
		return store_fault(f, db);
	}
	return 0;
}

static int
load_extras(struct loader *l, struct event *ev, struct fault *f)
{
	sqlite3_stmt *st = l->ex;
	int rc, n;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ev->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		time_t *nx = realloc(ev->exdates, (ev->nexdates + 1) * sizeof(*nx));
		if (nx == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		ev->exdates = nx;
		ev->exdates[ev->nexdates++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, l->db);

	st = l->ov;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ev->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct override *no, *o;

		n = ev->noverrides;
		if ((no = realloc(ev->overrides, (n + 1) * sizeof(*no))) == NULL) {
			sqlite3_reset(st);
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		}
		ev->overrides = no;
		o = &no[n];
		memset(o, 0, sizeof(*o));
		o->recurrence_id = sqlite3_column_int64(st, 0);
		o->start = sqlite3_column_int64(st, 1);
		o->end = sqlite3_column_int64(st, 2);
		snprintf(o->title, sizeof(o->title), "%s", store_text(st, 3));
		o->room_id = sqlite3_column_int64(st, 4);
		snprintf(o->room, sizeof(o->room), "%s", store_text(st, 5));
		o->cancelled = sqlite3_column_int(st, 6);
		snprintf(o->cancel_reason, sizeof(o->cancel_reason), "%s",
		    store_text(st, 7));
		o->sequence = sqlite3_column_int(st, 8);
		ev->noverrides++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, l->db);
	return 0;
}

static int
load_rdates(struct loader *l, struct event *ev, struct fault *f)
{
	sqlite3_stmt *st = l->rd;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ev->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		time_t *nr = realloc(ev->rdates, (ev->nrdates + 1) * sizeof(*nr));
		if (nr == NULL) {
			sqlite3_reset(st);
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		}
		ev->rdates = nr;
		ev->rdates[ev->nrdates++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, l->db);
}

static struct event *
load(struct loader *l, int64_t id, struct fault *f)
{
	sqlite3_stmt *st = l->ev;
	struct event *ev;
	int rc;

	if ((ev = calloc(1, sizeof(*ev))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return NULL;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev->id = sqlite3_column_int64(st, 0);
		snprintf(ev->uid, sizeof(ev->uid), "%s", store_text(st, 1));
		snprintf(ev->kind, sizeof(ev->kind), "%s", store_text(st, 2));
		snprintf(ev->title, sizeof(ev->title), "%s", store_text(st, 3));
		ev->description = strdup(store_text(st, 4));
		snprintf(ev->themes, sizeof(ev->themes), "%s", store_text(st, 5));
		ev->group_id = sqlite3_column_int64(st, 6);
		snprintf(ev->group, sizeof(ev->group), "%s", store_text(st, 7));
		ev->room_id = sqlite3_column_int64(st, 8);
		snprintf(ev->room, sizeof(ev->room), "%s", store_text(st, 9));
		ev->location_id = sqlite3_column_int64(st, 10);
		snprintf(ev->location, sizeof(ev->location), "%s", store_text(st, 11));
		snprintf(ev->place, sizeof(ev->place), "%s", store_text(st, 12));
		snprintf(ev->timezone, sizeof(ev->timezone), "%s", store_text(st, 13));
		ev->start = sqlite3_column_int64(st, 14);
		ev->end = sqlite3_column_int64(st, 15);
		snprintf(ev->rrule, sizeof(ev->rrule), "%s", store_text(st, 16));
		ev->span_end = sqlite3_column_int64(st, 17);
		ev->capacity = sqlite3_column_int(st, 18);
		snprintf(ev->visibility, sizeof(ev->visibility), "%s", store_text(st, 19));
		snprintf(ev->status, sizeof(ev->status), "%s", store_text(st, 20));
		ev->sequence = sqlite3_column_int(st, 21);
		snprintf(ev->cancel_reason, sizeof(ev->cancel_reason), "%s",
		    store_text(st, 22));
		ev->created = sqlite3_column_int64(st, 23);
		ev->modified = sqlite3_column_int64(st, 24);
		ev->ideas = sqlite3_column_int(st, 25);
		ev->days = sqlite3_column_int(st, 26);
		ev->zone = when_zone(ev->timezone);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		fault_set(f, FAULT_NOTFOUND, "unknown event %lld", (long long)id);
		goto fail;
	}
	if (rc != SQLITE_ROW || ev->description == NULL) {
		store_fault(f, l->db);
		goto fail;
	}
	if (ev->zone == NULL) {
		fault_set(f, FAULT_INTERNAL, "event %lld has an unknown time zone "
		    "%s", (long long)id, ev->timezone);
		goto fail;
	}
	if (load_extras(l, ev, f) || load_rdates(l, ev, f))
		goto fail;
	return ev;
fail:
	event_free(ev);
	return NULL;
}

struct event *
event_get(sqlite3 *db, int64_t id, struct fault *f)
{
	struct loader l;
	struct event *ev;

	if (loader_open(&l, db, f))
		return NULL;
	ev = load(&l, id, f);
	loader_close(&l);
	return ev;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
event_visible(const struct event *ev, const struct event_scope *s)
{
	if (s->all)
		return 1;
	if (s->group_id && ev->group_id == s->group_id)
		return 1;
	if (s->location_id && ev->location_id == s->location_id)
		return 1;
	if (s->group_id && s->ncohosted && bsearch(&ev->id, s->cohosted,
	    s->ncohosted, sizeof(*s->cohosted), id_cmp))
		return 1;
	return strcmp(ev->visibility, "public") == 0 &&
	    strcmp(ev->status, "proposed") != 0;
}

/* ---- occurrences ---- */

struct occ_list {
	struct occurrence	*v;
	size_t			 n, cap;
	int			 oom;
};

static void
occ_push(struct occ_list *l, const struct occurrence *o)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct occurrence *nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			l->oom = 1;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *o;
}

static int
occ_cmp(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->ev->id != y->ev->id)
		return x->ev->id < y->ev->id ? -1 : 1;
	return 0;
}

static const struct override *
find_override(const struct event *ev, time_t rid)
{
	for (int i = 0; i < ev->noverrides; i++)
		if (ev->overrides[i].recurrence_id == rid)
			return &ev->overrides[i];
	return NULL;
}

static int
is_exdate(const struct event *ev, time_t rid)
{
	for (int i = 0; i < ev->nexdates; i++)
		if (ev->exdates[i] == rid)
			return 1;
	return 0;
}

int
event_dates(time_t start, time_t end, icaltimezone *z)
{
	struct icaltimetype a = when_local(start, z), b = when_local(end, z);
	icaltimezone *utc = icaltimezone_get_utc_timezone();

	a.is_date = b.is_date = 1;
	return (int)((icaltime_as_timet_with_zone(b, utc) -
	    icaltime_as_timet_with_zone(a, utc)) / 86400);
}

time_t
event_end_of(const struct event *ev, time_t start)
{
	if (ev->days > 0)
		return when_days_after(start, ev->days, ev->zone);
	return start + (ev->end - ev->start);
}

static void
make_occ(const struct event *ev, time_t rid, struct occurrence *o)
{
	const struct override *ov = ev->rrule[0] ? find_override(ev, rid) : NULL;

	memset(o, 0, sizeof(*o));
	o->ev = ev;
	o->recurrence_id = ev->rrule[0] ? rid : 0;
	o->start = rid;
	o->end = event_end_of(ev, rid);
	o->title = ev->title;
	o->room = ev->room;
	o->cancelled = strcmp(ev->status, "cancelled") == 0;
	o->sequence = ev->sequence;
	if (ov != NULL) {
		o->moved = ov->start != rid || ov->end != o->end;
		o->start = ov->start;
		o->end = ov->end;
		if (ov->title[0])
			o->title = ov->title;
		if (ov->room_id)
			o->room = ov->room;
		o->cancelled |= ov->cancelled;
		o->sequence = ov->sequence;
	}
}

struct expand_ctx {
	const struct event	*ev;
	struct occ_list		*out;
	time_t			 from, to;
};

static int
expand_one(time_t rid, void *arg)
{
	struct expand_ctx *x = arg;
	struct occurrence o;

	if (is_exdate(x->ev, rid))
		return 0;
	make_occ(x->ev, rid, &o);
	if (o.start < x->to && o.end > x->from)
		occ_push(x->out, &o);
	return x->out->oom;
}

int
event_is_rdate(const struct event *ev, time_t rid)
{
	for (int i = 0; i < ev->nrdates; i++)
		if (ev->rdates[i] == rid)
			return 1;
	return 0;
}

/*
 * The extra dates (RDATE) of x->ev that start in [from, x->to), after the
 * rule's occurrences from out->v[first] on were pushed: an extra date that
 * is also one of those is the same occurrence and comes once.  One that
 * is not pushed there is not in the window (or excluded, or moved out of
 * it) either way.
 */
static int
expand_rdates(struct expand_ctx *x, time_t from, size_t first)
{
	const struct event *ev = x->ev;

	for (int i = 0; i < ev->nrdates; i++) {
		time_t rid = ev->rdates[i];
		int dup = 0;

		if (rid < from || rid >= x->to)
			continue;
		for (size_t k = first; k < x->out->n && !dup; k++)
			dup = x->out->v[k].ev == ev &&
			    x->out->v[k].recurrence_id == rid;
		if (!dup && expand_one(rid, x))
			return -1;
	}
	return 0;
}

typedef long expand_fn(const char *, time_t, icaltimezone *, time_t, time_t,
    long, int (*)(time_t, void *), void *);

/*
 * Append the occurrences of ev overlapping [from, to) to out, its rule
 * expanded by expand (recur_expand, or its memo).
 */
static int
collect_by(const struct event *ev, time_t from, time_t to,
    struct occ_list *out, expand_fn *expand)
{
	struct expand_ctx x = { ev, out, from, to };
	/* A day event's days may be an hour longer than its first. */
	long dur = ev->end - ev->start + (ev->days > 0 ? 3600 : 0);
	size_t first = out->n;
	struct occurrence o;

	if (ev->rrule[0] == '\0') {
		make_occ(ev, ev->start, &o);
		if (o.start < to && o.end > from)
			occ_push(out, &o);
		return out->oom ? -1 : 0;
	}
	if (expand(ev->rrule, ev->start, ev->zone,
	    from - dur, to, 100000, expand_one, &x) < 0 ||
	    expand_rdates(&x, from - dur, first))
		return -1;
	/* Occurrences moved into the window from outside it. */
	for (int i = 0; i < ev->noverrides; i++) {
		const struct override *ov = &ev->overrides[i];
		time_t rid = ov->recurrence_id;

		if ((rid >= from - dur && rid < to) || is_exdate(ev, rid))
			continue;
		if (ov->start < to && ov->end > from) {
			make_occ(ev, rid, &o);
			occ_push(out, &o);
		}
	}
	return out->oom ? -1 : 0;
}

static int
collect(const struct event *ev, time_t from, time_t to, struct occ_list *out)
{
	return collect_by(ev, from, to, out, recur_expand);
}

static long
occurrences_by(const struct event *ev, time_t from, time_t to,
    int (*cb)(const struct occurrence *, void *), void *arg,
    expand_fn *expand)
{
	struct occ_list l = { 0 };
	long n;

	if (collect_by(ev, from, to, &l, expand)) {
		free(l.v);
		return -1;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), occ_cmp);
	for (n = 0; n < (long)l.n; n++)
		if (cb(&l.v[n], arg)) {
			n++;
			break;
		}
	free(l.v);
	return n;
}

long
event_occurrences(const struct event *ev, time_t from, time_t to,
    int (*cb)(const struct occurrence *, void *), void *arg)
{
	return occurrences_by(ev, from, to, cb, arg, recur_expand);
}

long
event_occurrences_memo(const struct event *ev, time_t from, time_t to,
    int (*cb)(const struct occurrence *, void *), void *arg)
{
	return occurrences_by(ev, from, to, cb, arg, recur_expand_memo);
}

int
event_list(sqlite3 *db, const struct event_filter *flt,
    const struct event_scope *scope,
    int (*cb)(const struct occurrence *, void *), void *arg, struct fault *f)
{
	struct event **evs = NULL;
	size_t nev = 0, cap = 0;
	struct occ_list l = { 0 };
	struct loader ld;
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (flt->status && !one_of(flt->status, (const char *[]){ "proposed",
	    "published", "cancelled", NULL }))
		return fault_set(f, FAULT_INVALID, "--status must be proposed, "
		    "published or cancelled");
	if (flt->kind && !one_of(flt->kind, kinds))
		return fault_set(f, FAULT_INVALID, "unknown kind \"%.40s\"",
		    flt->kind);
	if (flt->to <= flt->from)
		return fault_set(f, FAULT_INVALID, "--to must be after --from");
	{
		int64_t gid;
		if (flt->group && group_find_id(db, flt->group, &gid, f))
			return -1;
	}
	/*
	 * Candidates by the stored span; a series without an end is a
	 * candidate whenever it started before the window ends.  Overrides
	 * can move an occurrence past span_end only when span_end covers them
	 * (kept so on every write).
	 */
	if (loader_open(&ld, db, f))
		return -1;
	if ((st = store_prepare(db, "SELECT e.id FROM event e "
	    "LEFT JOIN grp g ON g.id = e.group_id "
	    "WHERE e.start < ?2 AND (e.span_end IS NULL OR e.span_end > ?1) "
	    "AND (?3 IS NULL OR e.kind = ?3) AND (?4 IS NULL OR g.slug = ?4) "
	    "AND (?5 IS NULL OR e.status = ?5 OR (?5 = 'cancelled' AND "
	    "e.rrule != '')) ORDER BY e.start")) == NULL) {
		loader_close(&ld);
		return store_fault(f, db);
	}
	sqlite3_bind_int64(st, 1, flt->from);
	sqlite3_bind_int64(st, 2, flt->to);
	store_bind_text(st, 3, flt->kind);
	store_bind_text(st, 4, flt->group);
	store_bind_text(st, 5, flt->status);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *ev;

		if ((ev = load(&ld, sqlite3_column_int64(st, 0), f)) == NULL)
			break;
		if (!event_visible(ev, scope)) {
			event_free(ev);
			continue;
		}
		if (nev == cap) {
			struct event **ne = realloc(evs, (cap = cap ? cap * 2 : 64) *
			    sizeof(*ne));
			if (ne == NULL) {
				event_free(ev);
				fault_set(f, FAULT_INTERNAL, "out of memory");
				break;
			}
			evs = ne;
		}
		evs[nev++] = ev;
		if (collect(ev, flt->from, flt->to, &l)) {
			fault_set(f, FAULT_INTERNAL, "cannot expand event %lld",
			    (long long)ev->id);
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			store_fault(f, db);
		goto done;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), occ_cmp);
	for (size_t i = 0; i < l.n; i++) {
		const struct occurrence *o = &l.v[i];
		/* A status filter applies per occurrence for series. */
		if (flt->status && strcmp(flt->status, "cancelled") == 0 &&
		    !o->cancelled)
			continue;
		if (flt->status && strcmp(flt->status, "cancelled") != 0 &&
		    o->cancelled)
			continue;
		if (cb(o, arg))
			break;
	}
	ret = 0;
done:
	loader_close(&ld);
	for (size_t i = 0; i < nev; i++)
		event_free(evs[i]);
	free(evs);
	free(l.v);
	return ret;
}

int
event_each(sqlite3 *db, time_t from, time_t to,
    int (*cb)(const struct event *, void *), void *arg, struct fault *f)
{
	struct loader ld;
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (loader_open(&ld, db, f))
		return -1;
	if ((st = store_prepare(db, "SELECT id FROM event WHERE start < ?2 AND "
	    "(span_end IS NULL OR span_end > ?1) ORDER BY start, id")) == NULL) {
		loader_close(&ld);
		return store_fault(f, db);
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *ev = load(&ld, sqlite3_column_int64(st, 0), f);
		int stop;

		if (ev == NULL)
			goto done;
		stop = cb(ev, arg);
		event_free(ev);
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fault(f, db);
		goto done;
	}
	ret = 0;
done:
	sqlite3_finalize(st);
	loader_close(&ld);
	return ret;
}

/* ---- validation helpers ---- */

/* Where an event happens, resolved. */
struct where {
	int64_t	room_id, location_id;
	long	room_capacity;
	char	room[130];
	char	timezone[72];
	const char *place;
};

static int
resolve_where(sqlite3 *db, const char *room, const char *location,
    const char *place, struct where *w, struct fault *f)
{
	int given = (room && *room) + (location && *location) + (place && *place);

	memset(w, 0, sizeof(*w));
	snprintf(w->timezone, sizeof(w->timezone), "%s", conf_current()->timezone);
	w->place = place && *place ? place : "";
	if (given > 1)
		return fault_set(f, FAULT_INVALID, "give one of --room, "
		    "--location and --place");
	if (room && *room) {
		struct room r;
		if (room_get(db, room, &r, f))
			return -1;
		w->room_id = r.id;
		w->location_id = r.location_id;
		w->room_capacity = r.capacity;
		snprintf(w->room, sizeof(w->room), "%s/%s", r.location, r.slug);
		snprintf(w->timezone, sizeof(w->timezone), "%s", r.location_tz);
	} else if (location && *location) {
		struct location l;
		if (location_get(db, location, &l, f))
			return -1;
		w->location_id = l.id;
		snprintf(w->timezone, sizeof(w->timezone), "%s", l.timezone);
	}
	return text_check(f, "--place", w->place, PLACE_MAX_CHARS, 0, 0);
}

/* The field checks that need no database. */
static int
check_fields(const struct event_in *in, struct fault *f)
{
	if (in->kind && !one_of(in->kind, kinds))
		return fault_set(f, FAULT_INVALID, "--kind \"%.40s\" is not one "
		    "of themabijeenkomst, dialoogsessie, steungroep, "
		    "kennissessie, netwerksessie, overig", in->kind);
	if (in->visibility && !one_of(in->visibility, visibilities))
		return fault_set(f, FAULT_INVALID, "--visibility must be public, "
		    "group or private");
	if ((in->title && text_check(f, "--title", in->title, TITLE_MAX_CHARS, 1, 0)) ||
	    text_check(f, "--description", in->description, DESC_MAX_CHARS, 0, 1) ||
	    tags_check(f, "--theme", in->themes) ||
	    (in->place && text_check(f, "--place", in->place, PLACE_MAX_CHARS, 0, 0)) ||
	    text_check(f, "--reason", in->reason, 500, 0, 0))
		return -1;
	if (in->themes && strlen(in->themes) >= 512)
		return fault_set(f, FAULT_INVALID, "--theme: too many themes");
	if (in->capacity == 0 || in->capacity < -1 || in->capacity > 100000)
		return fault_set(f, FAULT_INVALID, "--capacity must be a whole "
		    "number from 1 to 100000");
	if (in->rrule && *in->rrule && recur_check(f, in->rrule))
		return -1;
	if (in->end && in->duration)
		return fault_set(f, FAULT_INVALID, "give --end or --duration, "
		    "not both");
	if ((in->date || in->days) && (in->start || in->end || in->duration))
		return fault_set(f, FAULT_INVALID, "give --date and --days for a "
		    "day event, or --start with --end or --duration, not both");
	if (in->days < 0 || in->days > EVENT_MAX_DAYS)
		return fault_set(f, FAULT_INVALID, "--days must be a whole "
		    "number from 1 to %d", EVENT_MAX_DAYS);
	if (in->nexcept > EVENT_MAX_EXCEPT)
		return fault_set(f, FAULT_INVALID, "at most %d --except dates",
		    EVENT_MAX_EXCEPT);
	if (in->occurrence && in->following)
		return fault_set(f, FAULT_INVALID, "give --occurrence or "
		    "--following, not both");
	return 0;
}

/* Whether a series stays within RECUR_MAX_OCCURRENCES (see recur.h). */
static int
series_size(struct fault *f, const char *rrule, time_t start, icaltimezone *z)
{
	time_t now = clock_now();

	return recur_check_size(f, rrule, start, z, now, now +
	    (time_t)conf_current()->horizon_days * 86400);
}

/* The longest occurrence, in a room (a booking) or not (event.h). */
static long
max_span(int in_room)
{
	return in_room ? EVENT_ROOM_MAX_SECONDS : EVENT_MAX_SECONDS;
}

static int
too_long(struct fault *f, int in_room)
{
	if (in_room)
		return fault_set(f, FAULT_INVALID, "an occurrence in a room may "
		    "last at most %d days (a room booking does)",
		    EVENT_ROOM_MAX_DAYS);
	return fault_set(f, FAULT_INVALID, "an occurrence may last at most %d "
	    "days", EVENT_MAX_DAYS);
}

/* What an occurrence or a series spans: its times, or its dates. */
struct span {
	time_t	start, end;
	int	days;		/* 0: timed */
};

/*
 * A day event from --date and --days, keeping what is not given: base
 * (read in base_z) is what it was.
 */
static int
parse_days(const struct event_in *in, icaltimezone *z, const struct span *base,
    icaltimezone *base_z, int in_room, struct span *out, struct fault *f)
{
	int y, m, d;

	if (in->date) {
		if (when_parse_date(f, "--date", in->date, z, &y, &m, &d))
			return -1;
	} else if (base->days == 0) {
		return fault_set(f, FAULT_INVALID, "--days is for a day event: "
		    "give --date too");
	} else {
		/* The same date, also when the zone changes. */
		struct icaltimetype lt = when_local(base->start, base_z);
		y = lt.year;
		m = lt.month;
		d = lt.day;
	}
	out->days = in->days > 0 ? (int)in->days : base->days > 0 ?
	    base->days : 1;
	if (out->days > max_span(in_room) / 86400)
		return too_long(f, in_room);
	out->start = when_day_start(y, m, d, z);
	out->end = when_days_after(out->start, out->days, z);
	return 0;
}

/*
 * What --start, --end/--duration or --date/--days make of base (read in
 * base_z; new times are read in z), keeping what is not given; in_room:
 * the occurrence is held in a room.  A day event given times becomes a
 * timed one, and the other way round.
 */
static int
parse_span(const struct event_in *in, icaltimezone *z, const struct span *base,
    icaltimezone *base_z, int in_room, struct span *out, struct fault *f)
{
	long dur = base->end - base->start;
	int timed = in->start || in->end || in->duration;

	*out = *base;
	if (in->date || in->days > 0)
		return parse_days(in, z, base, base_z, in_room, out, f);
	if (base->days > 0) {
		if (!timed) {
			if (z == base_z)
				return 0;
			return parse_days(in, z, base, base_z, in_room, out, f);
		}
		if (in->start == NULL || (in->end == NULL &&
		    in->duration == NULL))
			return fault_set(f, FAULT_INVALID, "this is a day event: "
			    "to give it times, give --start and --end or "
			    "--duration; to move it, give --date");
		out->days = 0;
	}
	if (in->start && when_parse(f, "--start", in->start, z, &out->start))
		return -1;
	if (in->duration) {
		if (when_parse_duration(f, "--duration", in->duration,
		    EVENT_MAX_SECONDS, &dur))
			return -1;
		out->end = out->start + dur;
	} else if (in->end) {
		if (when_parse(f, "--end", in->end, z, &out->end))
			return -1;
		if (out->end <= out->start)
			return fault_set(f, FAULT_INVALID, "--end must be after "
			    "--start");
	} else
		out->end = out->start + dur;
	if (out->end - out->start > max_span(in_room))
		return too_long(f, in_room);
	return 0;
}

struct find_date {
	int	y, m, d;
	time_t	found;
	time_t	first;
	long	index, n;
	icaltimezone *z;
};

static int
match_date(time_t t, void *arg)
{
	struct find_date *fd = arg;
	struct icaltimetype lt = when_local(t, fd->z);

	if (fd->n == 0)
		fd->first = t;
	if (lt.year == fd->y && lt.month == fd->m && lt.day == fd->d) {
		fd->found = t;
		fd->index = fd->n;
		return 1;
	}
	fd->n++;
	/* Past the date: stop. */
	return lt.year * 10000 + lt.month * 100 + lt.day >
	    fd->y * 10000 + fd->m * 100 + fd->d;
}

/*
 * The original start of the occurrence of (rrule, start, zone) on local
 * date s; its index in *index.  -1 with f filled when there is none.
 */
static int
occurrence_on(const char *field, const char *s, const char *rrule,
    time_t start, icaltimezone *z, time_t *rid, long *index, struct fault *f)
{
	struct find_date fd = { 0 };
	char when[32];

	if (when_parse_date(f, field, s, z, &fd.y, &fd.m, &fd.d))
		return -1;
	fd.z = z;
	if (recur_expand(rrule, start, z, start, (time_t)1 << 40, 100000,
	    match_date, &fd) < 0 || fd.found == 0) {
		when_format_local(start, z, when);
		return fault_set(f, FAULT_INVALID, "%s %s is not an occurrence "
		    "of this series (it starts %s and repeats %s)", field, s,
		    when, rrule);
	}
	*rid = fd.found;
	if (index)
		*index = fd.index;
	return 0;
}

/* The index occurrence_on_event gives an extra date the rule lacks. */
#define RDATE_INDEX	LONG_MAX

/*
 * occurrence_on for ev, its extra dates (RDATE) included: the rule's
 * occurrence on date s, else an extra date on it (*index RDATE_INDEX).
 */
static int
occurrence_on_event(const char *field, const char *s, const struct event *ev,
    time_t *rid, long *index, struct fault *f)
{
	struct fault rule = { 0 }, ignore = { 0 };
	char when[32];
	int y, m, d;

	if (occurrence_on(field, s, ev->rrule, ev->start, ev->zone, rid, index,
	    &rule) == 0)
		return 0;
	if (ev->nrdates > 0 && when_parse_date(&ignore, field, s, ev->zone,
	    &y, &m, &d) == 0) {
		for (int i = 0; i < ev->nrdates; i++) {
			struct icaltimetype lt = when_local(ev->rdates[i],
			    ev->zone);
			if (lt.year == y && lt.month == m && lt.day == d) {
				*rid = ev->rdates[i];
				if (index)
					*index = RDATE_INDEX;
				return 0;
			}
		}
		when_format_local(ev->start, ev->zone, when);
		return fault_set(f, FAULT_INVALID, "%s %s is not an occurrence "
		    "of this series (it starts %s, repeats %s and has %d extra "
		    "dates)", field, s, when, ev->rrule, ev->nrdates);
	}
	if (f->kind == FAULT_NONE)
		*f = rule;
	return -1;
}

/* span_end of an event: end of its last occurrence; 0 when open-ended. */
static int
span_end(sqlite3 *db, int64_t id, struct fault *f)
{
	struct event *ev;
	sqlite3_stmt *st;
	time_t last = 0, end;
	int bounded, rc;

	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	end = ev->end;
	if (ev->rrule[0]) {
		bounded = recur_last(ev->rrule, ev->start,
		    ev->zone, &last);
		end = bounded == 1 ? event_end_of(ev, last) : 0;
		/* The extra dates are in order: the last one may be later. */
		if (end && ev->nrdates > 0 &&
		    event_end_of(ev, ev->rdates[ev->nrdates - 1]) > end)
			end = event_end_of(ev, ev->rdates[ev->nrdates - 1]);
		for (int i = 0; end && i < ev->noverrides; i++)
			if (ev->overrides[i].end > end)
				end = ev->overrides[i].end;
	}
	event_free(ev);
	if ((st = store_prepare(db, "UPDATE event SET span_end = ?2 "
	    "WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	if (end)
		sqlite3_bind_int64(st, 2, end);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

static int
add_exdates(sqlite3 *db, int64_t id, const struct event_in *in,
    const char *rrule, struct fault *f)
{
	sqlite3_stmt *st = NULL;
	struct event *ev;
	time_t rid;
	int ret = -1;

	if (in->nexcept > 0 && (rrule == NULL || *rrule == '\0'))
		return fault_set(f, FAULT_INVALID, "--except needs a series "
		    "(--repeat)");
	if (in->nexcept == 0)
		return 0;
	/* As written by now (rule, start, zone), with its extra dates. */
	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	if ((st = store_prepare(db, "INSERT OR IGNORE INTO event_exdate "
	    "(event_id, recurrence_id) VALUES (?1, ?2)")) == NULL) {
		store_fault(f, db);
		goto done;
	}
	for (int i = 0; i < in->nexcept; i++) {
		if (occurrence_on_event("--except", in->except[i], ev, &rid,
		    NULL, f))
			goto done;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, rid);
		if (sqlite3_step(st) != SQLITE_DONE) {
			store_fault(f, db);
			goto done;
		}
	}
	ret = 0;
done:
	sqlite3_finalize(st);
	event_free(ev);
	return ret;
}

/* A series must keep at least one occurrence. */
static int
check_not_empty(sqlite3 *db, int64_t id, struct fault *f)
{
	struct event *ev;
	struct occ_list l = { 0 };
	int ok;

	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	ok = collect(ev, ev->start - 1, (time_t)1 << 40, &l) == 0 && l.n > 0;
	free(l.v);
	event_free(ev);
	if (!ok)
		return fault_set(f, FAULT_INVALID, "the --except dates leave "
		    "no occurrence of this series");
	return 0;
}

static int
make_uid(char *out, size_t len)
{
	unsigned char rnd[16];
	char hex[33];

	if (random_bytes(rnd, sizeof(rnd)))
		return -1;
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(out, len, "%s@%s", hex, conf_current()->uid_host);
	return 0;
}

/* A published event: the group's followers hear of it. */
int
event_check_add(const struct event_in *in, struct fault *f)
{
	if (in->kind == NULL)
		return fault_set(f, FAULT_INVALID, "--kind is required");
	if (in->title == NULL)
		return fault_set(f, FAULT_INVALID, "--title is required");
	if (in->start == NULL && in->date == NULL)
		return fault_set(f, FAULT_INVALID, "--start is required (or "
		    "--date, for a day event)");
	if (in->start && in->end == NULL && in->duration == NULL)
		return fault_set(f, FAULT_INVALID, "give --end or --duration");
	if (in->occurrence || in->following)
		return fault_set(f, FAULT_INVALID, "--occurrence and --following "
		    "are for edit and cancel");
	return check_fields(in, f);
}

int
event_insert(sqlite3 *db, const struct event_in *in, int64_t *id,
    struct fault *f)
{
	struct where w;
	icaltimezone *z;
	sqlite3_stmt *st;
	char uid[160];
	struct span base = { 0, 0, 0 }, sp;
	time_t start, end, now = clock_now();
	int64_t gid;
	int rc;

	if (event_check_add(in, f))
		return -1;
	if (make_uid(uid, sizeof(uid)))
		return fault_set(f, FAULT_INTERNAL, "no randomness available");
	if (group_find_id(db, in->group, &gid, f) ||
	    resolve_where(db, in->room, in->location, in->place, &w, f))
		return -1;
	z = when_zone(w.timezone);
	if (parse_span(in, z, &base, z, w.room_id != 0, &sp, f))
		return -1;
	start = sp.start;
	end = sp.end;
	if (in->capacity > 0 && w.room_id && in->capacity > w.room_capacity)
		return fault_set(f, FAULT_INVALID, "--capacity %ld is more than "
		    "room %s holds (%ld)", in->capacity, w.room,
		    w.room_capacity);
	if (in->rrule && *in->rrule && (recur_check_start(f, in->rrule, start,
	    z) || series_size(f, in->rrule, start, z)))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO event (uid, kind, title, "
	    "description, themes, group_id, room_id, location_id, place, "
	    "timezone, start, \"end\", rrule, capacity, visibility, status, "
	    "sequence, created, modified, days) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 0, ?17, ?17, ?18)"))
	    == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, uid);
	store_bind_text(st, 2, in->kind);
	store_bind_text(st, 3, in->title);
	store_bind_text(st, 4, in->description ? in->description : "");
	store_bind_text(st, 5, in->themes ? in->themes : "");
	if (gid)
		sqlite3_bind_int64(st, 6, gid);
	if (w.room_id)
		sqlite3_bind_int64(st, 7, w.room_id);
	if (w.location_id)
		sqlite3_bind_int64(st, 8, w.location_id);
	store_bind_text(st, 9, w.place);
	store_bind_text(st, 10, w.timezone);
	sqlite3_bind_int64(st, 11, start);
	sqlite3_bind_int64(st, 12, end);
	store_bind_text(st, 13, in->rrule ? in->rrule : "");
	if (in->capacity > 0)
		sqlite3_bind_int64(st, 14, in->capacity);
	store_bind_text(st, 15, in->visibility ? in->visibility : "public");
	store_bind_text(st, 16, in->propose ? "proposed" : "published");
	sqlite3_bind_int64(st, 17, now);
	sqlite3_bind_int(st, 18, sp.days);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	*id = sqlite3_last_insert_rowid(db);
	if (add_exdates(db, *id, in, in->rrule, f) ||
	    (in->nexcept && check_not_empty(db, *id, f)) ||
	    span_end(db, *id, f))
		return -1;
	return 0;
}

/* ---- changing events ---- */

static int
bump(sqlite3 *db, int64_t id, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE event SET sequence = sequence + 1, "
	    "modified = ?2 WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/*
 * The UID a calendar knows a registration for one occurrence by: the one
 * its event and occurrence make (feed_occurrence_uid) until it moves.
 */
#define REG_CAL_UID(event_uid) "coalesce(cal_uid, strftime(" \
	"'%Y%m%dT%H%M%SZ-', occurrence, 'unixepoch') || " event_uid ")"

/*
 * Shift exdates, overrides and the registrations for one occurrence of
 * id by delta (its start moved); those registrations keep the UID their
 * calendar entry has.  The counts of removed ones (retention.c), the
 * attendance and the check-ins move along, so that the reports find
 * them at the occurrence.
 */
static int
shift_keys(sqlite3 *db, int64_t id, long delta, struct fault *f)
{
	if (delta == 0)
		return 0;
	/*
	 * Two steps through keys far out of range avoid primary-key
	 * collisions while rows move past each other (the event id stays,
	 * so foreign keys hold throughout).
	 */
	static const char *sql[] = {
		"UPDATE registration SET cal_uid = " REG_CAL_UID("(SELECT uid "
		"FROM event WHERE id = ?1)") ", occurrence = occurrence + ?2 + "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence != 0",
		"UPDATE registration SET occurrence = occurrence - "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence > "
		"4000000000000000000",
		"UPDATE registration_count SET occurrence = occurrence + ?2 + "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence != 0",
		"UPDATE registration_count SET occurrence = occurrence - "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence > "
		"4000000000000000000",
		"UPDATE attendance SET occurrence = occurrence + ?2 + "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence != 0",
		"UPDATE attendance SET occurrence = occurrence - "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence > "
		"4000000000000000000",
		"UPDATE checkin SET occurrence = occurrence + ?2 + "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence != 0",
		"UPDATE checkin SET occurrence = occurrence - "
		"4611686018427387904 WHERE event_id = ?1 AND occurrence > "
		"4000000000000000000",
		"UPDATE event_exdate SET recurrence_id = recurrence_id + ?2 + "
		"4611686018427387904 WHERE event_id = ?1",
		"UPDATE event_exdate SET recurrence_id = recurrence_id - "
		"4611686018427387904 WHERE event_id = ?1",
		"UPDATE event_override SET recurrence_id = recurrence_id + ?2 + "
		"4611686018427387904 WHERE event_id = ?1",
		"UPDATE event_override SET recurrence_id = recurrence_id - "
		"4611686018427387904 WHERE event_id = ?1",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = store_prepare(db, sql[i]);
		int rc;
		if (st == NULL)
			return store_fault(f, db);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, delta);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_fault(f, db);
	}
	return 0;
}

/* t's local wall-clock time in z as seconds, as if it were UTC. */
static time_t
wall(time_t t, icaltimezone *z)
{
	struct icaltimetype lt = when_local(t, z);

	lt.zone = NULL;
	return icaltime_as_timet(lt);
}

/*
 * Move the extra dates (RDATE) of ev with its first occurrence, now at
 * start in zone z: each keeps its wall-clock distance from it, as the
 * rule's occurrences do across a change of summer time.  One that would
 * fall in a skipped hour moves by the same seconds as the start.
 */
static int
shift_rdates(sqlite3 *db, const struct event *ev, time_t start,
    icaltimezone *z, struct fault *f)
{
	time_t step = wall(start, z) - wall(ev->start, ev->zone);
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (ev->nrdates == 0 || (start == ev->start && z == ev->zone))
		return 0;
	if (store_exec_id(db, "DELETE FROM event_rdate WHERE event_id = ?1",
	    ev->id) || (st = store_prepare(db, "INSERT OR IGNORE INTO "
	    "event_rdate (event_id, start) VALUES (?1, ?2)")) == NULL)
		return store_fault(f, db);
	for (int i = 0; i < ev->nrdates && rc == SQLITE_DONE; i++) {
		struct icaltimetype lt = icaltime_from_timet_with_zone(
		    wall(ev->rdates[i], ev->zone) + step, 0, NULL);
		time_t t;

		if (when_from_local(NULL, "", lt, z, &t))
			t = ev->rdates[i] + (start - ev->start);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, t);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/*
 * Occurrences changed in something other than time (a title, a room) keep
 * following the series when its time or length changes; those moved to a
 * time of their own stay there.
 */
static int
follow_series(sqlite3 *db, const struct event *ev, const struct span *sp,
    icaltimezone *z, struct fault *f)
{
	sqlite3_stmt *st;
	long delta = (long)(sp->start - ev->start);
	int rc = SQLITE_DONE;

	if (sp->start == ev->start && sp->end == ev->end &&
	    sp->days == ev->days)
		return 0;
	if (ev->days == 0 && sp->days == 0) {
		if ((st = store_prepare(db, "UPDATE event_override SET "
		    "start = recurrence_id + ?2, \"end\" = recurrence_id + ?2 + "
		    "?3 WHERE event_id = ?1 AND start = recurrence_id AND "
		    "\"end\" - start = ?4")) == NULL)
			return store_fault(f, db);
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, delta);
		sqlite3_bind_int64(st, 3, sp->end - sp->start);
		sqlite3_bind_int64(st, 4, ev->end - ev->start);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : store_fault(f, db);
	}
	/* A day event's days differ in length: each override on its own. */
	for (int i = 0; i < ev->noverrides && rc == SQLITE_DONE; i++) {
		const struct override *ov = &ev->overrides[i];
		time_t rid = ov->recurrence_id, ns = rid + delta;

		if (ov->start != rid || ov->end != event_end_of(ev, rid))
			continue;	/* moved on its own */
		if ((st = store_prepare(db, "UPDATE event_override SET "
		    "start = ?3, \"end\" = ?4 WHERE event_id = ?1 AND "
		    "recurrence_id = ?2")) == NULL)
			return store_fault(f, db);
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, rid);
		sqlite3_bind_int64(st, 3, ns);
		sqlite3_bind_int64(st, 4, sp->days ? when_days_after(ns,
		    sp->days, z) : ns + (sp->end - sp->start));
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/* Drop exdates/overrides that are no longer occurrences of the series. */
static int
prune_keys(sqlite3 *db, int64_t id, struct fault *f)
{
	struct event *ev;
	icaltimezone *z;
	int rc = 0;

	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	z = ev->zone;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		int n = pass ? ev->noverrides : ev->nexdates;
		for (int i = 0; i < n && rc == 0; i++) {
			time_t rid = pass ? ev->overrides[i].recurrence_id :
			    ev->exdates[i];
			char date[16];
			time_t found;
			struct fault ignore = { 0 };

			/* An extra date (RDATE) stays one. */
			if (ev->rrule[0] && event_is_rdate(ev, rid))
				continue;
			when_format_date(rid, z, date);
			if (ev->rrule[0] && occurrence_on("", date, ev->rrule,
			    ev->start, z, &found, NULL, &ignore) == 0 &&
			    found == rid)
				continue;
			sqlite3_stmt *st = store_prepare(db, pass ?
			    "DELETE FROM event_override WHERE event_id = ?1 AND "
			    "recurrence_id = ?2" :
			    "DELETE FROM event_exdate WHERE event_id = ?1 AND "
			    "recurrence_id = ?2");
			if (st == NULL) {
				rc = store_fault(f, db);
				break;
			}
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, rid);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = store_fault(f, db);
			sqlite3_finalize(st);
		}
	}
	event_free(ev);
	return rc;
}

/* Whole-series (or single event) edit inside an open transaction. */
static int
edit_series(sqlite3 *db, const struct event *ev, const struct event_in *in,
    struct fault *f)
{
	struct where w;
	icaltimezone *z;
	sqlite3_stmt *st;
	const char *rrule = in->rrule ? in->rrule : ev->rrule;
	struct span base = { ev->start, ev->end, ev->days }, sp;
	time_t start, end;
	int64_t gid = ev->group_id;
	long capacity = in->capacity > 0 ? in->capacity : ev->capacity;
	int place_change = in->room || in->location || in->place;
	int rc, matters;

	if (in->group && group_find_id(db, in->group, &gid, f))
		return -1;
	if (place_change) {
		if (resolve_where(db, in->room, in->location, in->place, &w, f))
			return -1;
	} else {
		memset(&w, 0, sizeof(w));
		w.room_id = ev->room_id;
		w.location_id = ev->location_id;
		snprintf(w.timezone, sizeof(w.timezone), "%s", ev->timezone);
		snprintf(w.room, sizeof(w.room), "%s", ev->room);
		w.place = ev->place;
		if (ev->room_id) {
			struct room r;
			if (room_get_id(db, ev->room_id, &r, f))
				return -1;
			w.room_capacity = r.capacity;
		}
	}
	z = when_zone(w.timezone);
	if (parse_span(in, z, &base, ev->zone, w.room_id != 0, &sp, f))
		return -1;
	start = sp.start;
	end = sp.end;
	if (capacity > 0 && w.room_id && capacity > w.room_capacity)
		return fault_set(f, FAULT_INVALID, "--capacity %ld is more than "
		    "room %s holds (%ld)", capacity, w.room, w.room_capacity);
	if (*rrule && (recur_check_start(f, rrule, start, z) ||
	    series_size(f, rrule, start, z)))
		return -1;
	matters = start != ev->start || end != ev->end || sp.days != ev->days ||
	    w.room_id != ev->room_id || w.location_id != ev->location_id ||
	    strcmp(w.place, ev->place) != 0 || strcmp(rrule, ev->rrule) != 0 ||
	    in->nexcept > 0;
	if ((st = store_prepare(db, "UPDATE event SET kind = ?2, title = ?3, "
	    "description = ?4, themes = ?5, group_id = ?6, room_id = ?7, "
	    "location_id = ?8, place = ?9, timezone = ?10, start = ?11, "
	    "\"end\" = ?12, rrule = ?13, capacity = ?14, visibility = ?15, "
	    "sequence = sequence + ?16, modified = ?17, days = ?18 WHERE id = ?1"))
	    == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, ev->id);
	store_bind_text(st, 2, in->kind ? in->kind : ev->kind);
	store_bind_text(st, 3, in->title ? in->title : ev->title);
	store_bind_text(st, 4, in->description ? in->description : ev->description);
	store_bind_text(st, 5, in->themes ? in->themes : ev->themes);
	if (gid)
		sqlite3_bind_int64(st, 6, gid);
	if (w.room_id)
		sqlite3_bind_int64(st, 7, w.room_id);
	if (w.location_id)
		sqlite3_bind_int64(st, 8, w.location_id);
	store_bind_text(st, 9, w.place);
	store_bind_text(st, 10, w.timezone);
	sqlite3_bind_int64(st, 11, start);
	sqlite3_bind_int64(st, 12, end);
	store_bind_text(st, 13, rrule);
	if (capacity > 0)
		sqlite3_bind_int64(st, 14, capacity);
	store_bind_text(st, 15, in->visibility ? in->visibility : ev->visibility);
	sqlite3_bind_int(st, 16, matters ? 1 : 0);
	sqlite3_bind_int64(st, 17, clock_now());
	sqlite3_bind_int(st, 18, sp.days);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	if (*rrule == '\0') {
		if (store_exec_id(db, "DELETE FROM event_exdate WHERE event_id = ?1",
		    ev->id) || store_exec_id(db, "DELETE FROM event_override "
		    "WHERE event_id = ?1", ev->id) || store_exec_id(db,
		    "DELETE FROM event_rdate WHERE event_id = ?1", ev->id))
			return store_fault(f, db);
	} else if (follow_series(db, ev, &sp, z, f) ||
	    shift_keys(db, ev->id, (long)(start - ev->start), f) ||
	    shift_rdates(db, ev, start, z, f) ||
	    prune_keys(db, ev->id, f))
		return -1;
	if (add_exdates(db, ev->id, in, rrule, f) ||
	    (*rrule && check_not_empty(db, ev->id, f)))
		return -1;
	return span_end(db, ev->id, f);
}

/* Create or change the override of occurrence rid inside a transaction. */
static int
edit_occurrence(sqlite3 *db, const struct event *ev, time_t rid,
    const struct event_in *in, int cancel, struct fault *f)
{
	const struct override *ov = find_override(ev, rid);
	struct where w = { 0 };
	icaltimezone *z = ev->zone;
	struct span base, sp;
	time_t start, end;
	sqlite3_stmt *st;
	int64_t room_id = ov ? ov->room_id : 0;
	int rc;

	if (in->kind || in->group || in->rrule || in->nexcept ||
	    in->visibility || in->capacity > 0 || in->themes || in->location ||
	    in->place || in->description)
		return fault_set(f, FAULT_INVALID, "only --title, --start, --end, "
		    "--duration and --room can change for one occurrence; "
		    "leave out --occurrence to change the whole series");
	if (cancel && ov && ov->cancelled)
		return fault_set(f, FAULT_CONFLICT, "that occurrence is already "
		    "cancelled");
	if (in->room) {
		if (resolve_where(db, in->room, NULL, NULL, &w, f))
			return -1;
		if (strcmp(w.timezone, ev->timezone) != 0)
			return fault_set(f, FAULT_INVALID, "room %s is in another "
			    "time zone than the series", in->room);
		room_id = w.room_id;
		if (ev->capacity > 0 && ev->capacity > w.room_capacity)
			return fault_set(f, FAULT_INVALID, "room %s holds %ld, "
			    "less than the event's capacity %ld", in->room,
			    w.room_capacity, ev->capacity);
	}
	/* An occurrence keeps its series' kind: times, or dates. */
	if (ev->days > 0 && (in->start || in->end || in->duration))
		return fault_set(f, FAULT_INVALID, "an occurrence of a day event "
		    "stays a day event: give --date and --days");
	if (ev->days == 0 && (in->date || in->days))
		return fault_set(f, FAULT_INVALID, "an occurrence of a series "
		    "with times keeps times: give --start and --end or "
		    "--duration");
	base.start = ov ? ov->start : rid;
	base.end = ov ? ov->end : event_end_of(ev, rid);
	base.days = ev->days ? event_dates(base.start, base.end, z) : 0;
	if (parse_span(in, z, &base, z, room_id != 0 || ev->room_id != 0, &sp,
	    f))
		return -1;
	start = sp.start;
	end = sp.end;
	if (bump(db, ev->id, f))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO event_override (event_id, "
	    "recurrence_id, start, \"end\", title, room_id, cancelled, "
	    "cancel_reason, sequence, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, (SELECT sequence FROM event WHERE id = ?1), ?9) "
	    "ON CONFLICT (event_id, recurrence_id) DO UPDATE SET "
	    "start = excluded.start, \"end\" = excluded.\"end\", "
	    "title = coalesce(excluded.title, title), room_id = excluded.room_id, "
	    "cancelled = excluded.cancelled, cancel_reason = excluded.cancel_reason, "
	    "sequence = excluded.sequence, modified = excluded.modified")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, ev->id);
	sqlite3_bind_int64(st, 2, rid);
	sqlite3_bind_int64(st, 3, start);
	sqlite3_bind_int64(st, 4, end);
	store_bind_text(st, 5, in->title);
	if (room_id)
		sqlite3_bind_int64(st, 6, room_id);
	sqlite3_bind_int(st, 7, cancel || (ov && ov->cancelled));
	store_bind_text(st, 8, cancel ? (in->reason ? in->reason : "") :
	    (ov ? ov->cancel_reason : ""));
	sqlite3_bind_int64(st, 9, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	return span_end(db, ev->id, f);
}

static int
stop_at_one(time_t t, void *arg)
{
	*(time_t *)arg = t;
	return 1;
}

/*
 * The rules of the two parts of ev split at rid (index n, RDATE_INDEX for
 * an extra date the rule lacks); new strings in *head and *tail.  At an
 * extra date the new part starts there with only the extra dates after it
 * (FREQ=DAILY;COUNT=1 as for an import, see import.c): that is only the
 * same series when the rule has nothing after it.
 */
static int
split_rules(const struct event *ev, time_t rid, long n, char **head,
    char **tail, struct fault *f)
{
	time_t later = 0;
	char day[16];

	*head = *tail = NULL;
	if (n != RDATE_INDEX) {
		*head = recur_truncate(ev->rrule, rid);
		*tail = recur_rest(ev->rrule, n);
	} else {
		recur_expand(ev->rrule, ev->start, ev->zone, rid,
		    (time_t)1 << 40, 100000, stop_at_one, &later);
		if (later != 0) {
			when_format_date(rid, ev->zone, day);
			return fault_set(f, FAULT_INVALID, "--following %s is "
			    "an extra date (RDATE) of the series and its rule "
			    "repeats after it: give a date the rule repeats on",
			    day);
		}
		*head = strdup(ev->rrule);
		*tail = strdup(EVENT_RDATE_ONLY_RULE);
	}
	if (*head == NULL || *tail == NULL) {
		free(*head);
		free(*tail);
		return fault_set(f, FAULT_INTERNAL, "cannot split the series");
	}
	return 0;
}

/*
 * Split ev at occurrence rid (index n > 0): ev ends before it, and a new
 * event (new UID) carries rid and everything after, with the exdates,
 * overrides, extra dates and registrations for one occurrence that
 * belong to it (the latter keep the UID their calendar entry has;
 * registrations for the whole series are copied by reg_event_changed),
 * and the counts kept of removed ones.  The new part starts at
 * ev's SEQUENCE raised by one, as ev's own does: the entries it takes
 * over must be newer than what calendars hold.  The new id goes to
 * *new_id.
 */
static int
split(sqlite3 *db, const struct event *ev, time_t rid, long n,
    int64_t *new_id, struct fault *f)
{
	char uid[160], *head = NULL, *tail = NULL;
	sqlite3_stmt *st;
	int rc;

	if (make_uid(uid, sizeof(uid)))
		return fault_set(f, FAULT_INTERNAL, "no randomness available");
	if (split_rules(ev, rid, n, &head, &tail, f))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO event (uid, kind, title, "
	    "description, themes, group_id, room_id, location_id, place, "
	    "timezone, start, \"end\", rrule, capacity, visibility, status, "
	    "sequence, cancel_reason, created, modified, days) SELECT ?2, kind, "
	    "title, description, themes, group_id, room_id, location_id, place, "
	    "timezone, ?3, ?6, ?4, capacity, visibility, status, sequence + 1, "
	    "cancel_reason, ?5, ?5, days FROM event WHERE id = ?1")) == NULL)
		goto internal;
	sqlite3_bind_int64(st, 1, ev->id);
	store_bind_text(st, 2, uid);
	sqlite3_bind_int64(st, 3, rid);
	store_bind_text(st, 4, tail);
	sqlite3_bind_int64(st, 5, clock_now());
	sqlite3_bind_int64(st, 6, event_end_of(ev, rid));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto internal;
	*new_id = sqlite3_last_insert_rowid(db);
	{
		static const char *move[] = {
			"UPDATE event_exdate SET event_id = ?2 WHERE "
			"event_id = ?1 AND recurrence_id >= ?3",
			"UPDATE event_override SET event_id = ?2 WHERE "
			"event_id = ?1 AND recurrence_id >= ?3",
			"UPDATE registration SET cal_uid = " REG_CAL_UID(
			"(SELECT uid FROM event WHERE id = ?1)") ", event_id = ?2 "
			"WHERE event_id = ?1 AND occurrence >= ?3",
			"UPDATE registration_count SET event_id = ?2 WHERE "
			"event_id = ?1 AND occurrence >= ?3",
			"UPDATE event_rdate SET event_id = ?2 WHERE "
			"event_id = ?1 AND start >= ?3",
			/* The new part's start is no extra date of it. */
			"DELETE FROM event_rdate WHERE event_id = ?2 AND "
			"start = ?3",
			"UPDATE event SET rrule = ?4, sequence = sequence + 1, "
			"modified = ?5 WHERE id = ?1",
		};
		for (size_t i = 0; i < sizeof(move) / sizeof(move[0]); i++) {
			if ((st = store_prepare(db, move[i])) == NULL)
				goto internal;
			sqlite3_bind_int64(st, 1, ev->id);
			sqlite3_bind_int64(st, 2, *new_id);
			sqlite3_bind_int64(st, 3, rid);
			/* Each statement uses some of ?1..?5; extra binds are
			 * refused harmlessly with SQLITE_RANGE. */
			store_bind_text(st, 4, head);
			sqlite3_bind_int64(st, 5, clock_now());
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE)
				goto internal;
		}
	}
	free(head);
	free(tail);
	if (span_end(db, ev->id, f) || span_end(db, *new_id, f))
		return -1;
	return 0;
internal:
	free(head);
	free(tail);
	return store_fault(f, db);
}

/* The occurrence named by --occurrence or --following. */
static int
pick(const struct event *ev, const struct event_in *in, time_t *rid, long *n,
    struct fault *f)
{
	const char *field = in->occurrence ? "--occurrence" : "--following";
	const char *date = in->occurrence ? in->occurrence : in->following;

	if (ev->rrule[0] == '\0')
		return fault_set(f, FAULT_INVALID, "event %lld is not a series; "
		    "leave out %s", (long long)ev->id, field);
	if (occurrence_on_event(field, date, ev, rid, n, f))
		return -1;
	if (is_exdate(ev, *rid))
		return fault_set(f, FAULT_INVALID, "%s %s was excluded from the "
		    "series (--except)", field, date);
	return 0;
}

int
event_pick(const struct event *ev, const char *date, time_t *rid,
    struct fault *f)
{
	struct event_in in = { .occurrence = date };
	long n;

	return pick(ev, &in, rid, &n, f);
}

const struct override *
event_override(const struct event *ev, time_t rid)
{
	return find_override(ev, rid);
}

void
event_occurrence(const struct event *ev, time_t rid, struct occurrence *o)
{
	make_occ(ev, rid, o);
}

int
event_check_edit(const struct event_in *in, struct fault *f)
{
	if (in->propose || in->reason)
		return fault_set(f, FAULT_INVALID, "--propose and --reason do not "
		    "apply to edit");
	if (check_fields(in, f))
		return -1;
	if (in->title && *in->title == '\0')
		return fault_set(f, FAULT_INVALID, "--title must not be empty");
	return 0;
}

int
event_update(sqlite3 *db, const struct event *ev, const struct event_in *in,
    int64_t *new_id, char *detail, size_t len, struct fault *f)
{
	struct event *part = NULL;
	char day[16];
	time_t rid;
	long n = 0;
	int ret = -1;

	*new_id = 0;
	if (strcmp(ev->status, "cancelled") == 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is cancelled",
		    (long long)ev->id);
	if ((in->occurrence || in->following) && pick(ev, in, &rid, &n, f))
		return -1;
	if (in->occurrence) {
		if (edit_occurrence(db, ev, rid, in, 0, f))
			goto done;
		when_format_date(rid, ev->zone, day);
		snprintf(detail, len, "occurrence %s", day);
	} else if (in->following && n > 0) {
		if (split(db, ev, rid, n, new_id, f) ||
		    (part = event_get(db, *new_id, f)) == NULL ||
		    edit_series(db, part, in, f))
			goto done;
		when_format_date(rid, ev->zone, day);
		snprintf(detail, len, "from %s (new event %lld)", day,
		    (long long)*new_id);
	} else {
		if (edit_series(db, ev, in, f))
			goto done;
		snprintf(detail, len, "series");
	}
	ret = 0;
done:
	event_free(part);
	return ret;
}

static int
set_status(sqlite3 *db, int64_t id, const char *status, const char *reason,
    int bump_seq, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE event SET status = ?2, "
	    "cancel_reason = coalesce(?3, cancel_reason), "
	    "sequence = sequence + ?4, modified = ?5 WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	store_bind_text(st, 3, reason);
	sqlite3_bind_int(st, 4, bump_seq);
	sqlite3_bind_int64(st, 5, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
event_check_cancel(const struct event_in *in, struct fault *f)
{
	if (text_check(f, "--reason", in->reason, 500, 0, 0))
		return -1;
	if (in->occurrence && in->following)
		return fault_set(f, FAULT_INVALID, "give --occurrence or "
		    "--following, not both");
	return 0;
}

int
event_set_cancelled(sqlite3 *db, const struct event *ev,
    const struct event_in *in, int64_t *new_id, char *detail, size_t len,
    struct fault *f)
{
	struct event_in none = { .capacity = -1, .reason = in->reason };
	char day[16];
	time_t rid;
	long n = 0;

	*new_id = 0;
	if (strcmp(ev->status, "cancelled") == 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is already "
		    "cancelled", (long long)ev->id);
	if ((in->occurrence || in->following) && pick(ev, in, &rid, &n, f))
		return -1;
	if (in->occurrence) {
		if (edit_occurrence(db, ev, rid, &none, 1, f))
			return -1;
		when_format_date(rid, ev->zone, day);
		snprintf(detail, len, "occurrence %s", day);
	} else if (in->following && n > 0) {
		/* The later part stays visible as cancelled, not gone. */
		if (split(db, ev, rid, n, new_id, f) ||
		    set_status(db, *new_id, "cancelled", in->reason, 1, f))
			return -1;
		when_format_date(rid, ev->zone, day);
		snprintf(detail, len, "from %s (event %lld)", day,
		    (long long)*new_id);
	} else {
		if (set_status(db, ev->id, "cancelled", in->reason ?
		    in->reason : "", 1, f))
			return -1;
		snprintf(detail, len, "series");
	}
	return 0;
}

int
event_check_proposed(const struct event *ev, struct fault *f)
{
	if (strcmp(ev->status, "proposed") != 0)
		return fault_set(f, FAULT_CONFLICT, "event %lld is %s, not "
		    "proposed", (long long)ev->id, ev->status);
	return 0;
}

int
event_set_published(sqlite3 *db, const struct event *ev, struct fault *f)
{
	return set_status(db, ev->id, "published", NULL, 0, f);
}

int
event_set_description(sqlite3 *db, int64_t id, const char *description,
    struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE event SET description = ?2, "
	    "modified = ?3 WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, description);
	sqlite3_bind_int64(st, 3, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
event_delete(sqlite3 *db, int64_t id, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM event WHERE id = ?1", id))
		return store_fault(f, db);
	return 0;
}

/* ---- import: an event as a calendar file describes it ---- */

/* Whether two RRULEs are the same rule once libical has normalised them. */
static int
same_rule(const char *a, const char *b)
{
	struct icalrecurrencetype ra, rb;
	char *sa, *sb;
	int same;

	if (strcmp(a, b) == 0)
		return 1;
	if (*a == '\0' || *b == '\0')
		return 0;
	ra = icalrecurrencetype_from_string(a);
	rb = icalrecurrencetype_from_string(b);
	sa = icalrecurrencetype_as_string_r(&ra);
	sb = icalrecurrencetype_as_string_r(&rb);
	same = sa && sb && strcmp(sa, sb) == 0;
	free(sa);
	free(sb);
	return same;
}

static int
time_cmp(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Whether have[nhave] (in order, as the loader reads exdates and extra
 * dates) holds exactly the n times in v (any order).
 */
static int
same_times(const time_t *have, int nhave, const time_t *v, int n)
{
	time_t *sorted;
	int same = 1;

	if (nhave != n)
		return 0;
	if (n == 0)
		return 1;
	if ((sorted = malloc(n * sizeof(*sorted))) == NULL)
		return 0;
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), time_cmp);
	for (int i = 0; i < n && same; i++)
		same = sorted[i] == have[i];
	free(sorted);
	return same;
}

static int
same_exdates(const struct event *ev, const time_t *v, int n)
{
	return same_times(ev->exdates, ev->nexdates, v, n);
}

static int
same_rdates(const struct event *ev, const time_t *v, int n)
{
	return same_times(ev->rdates, ev->nrdates, v, n);
}

static int
insert_rdates(sqlite3 *db, int64_t id, const time_t *v, int n,
    struct fault *f)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (n == 0)
		return 0;
	if ((st = store_prepare(db, "INSERT OR IGNORE INTO event_rdate "
	    "(event_id, start) VALUES (?1, ?2)")) == NULL)
		return store_fault(f, db);
	for (int i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, v[i]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/* What one override of the file comes to against the stored one. */
struct ov_plan {
	const struct override	*in;
	const struct override	*old;		/* NULL: new */
	const char		*title;		/* to store ("" inherits) */
	int			 cancelled;
	const char		*reason;
	int			 changed;	/* time, title or cancellation */
	int			 sequence;	/* to store, once known */
};

static void
plan_override(const struct event_import *in, const struct event *ev,
    const struct override *o, struct ov_plan *p)
{
	const char *eff_new = o->title[0] ? o->title : in->title;

	memset(p, 0, sizeof(*p));
	p->in = o;
	p->old = ev ? find_override(ev, o->recurrence_id) : NULL;
	p->title = strcmp(eff_new, in->title) == 0 ? "" : o->title;
	if (in->cancelled) {
		/*
		 * In a cancelled series every occurrence reads as cancelled:
		 * the file cannot tell which ones were cancelled by themselves.
		 */
		p->cancelled = p->old ? p->old->cancelled : 0;
		p->reason = p->old ? p->old->cancel_reason : "";
	} else {
		p->cancelled = o->cancelled;
		p->reason = o->cancelled ? o->cancel_reason :
		    p->old ? p->old->cancel_reason : "";
	}
	if (p->old == NULL) {
		p->changed = 1;
		return;
	}
	/* A title equal in effect is the same title; keep the stored form. */
	if (strcmp(p->title, p->old->title) == 0 || strcmp(eff_new,
	    p->old->title[0] ? p->old->title : in->title) == 0)
		p->title = p->old->title;
	else
		p->changed = 1;
	if (o->start != p->old->start || o->end != p->old->end ||
	    p->cancelled != p->old->cancelled ||
	    (p->cancelled && strcmp(p->reason, p->old->cancel_reason) != 0))
		p->changed = 1;
}

static int
write_override(sqlite3 *db, int64_t id, const struct ov_plan *p, time_t now,
    struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	/* The room an occurrence was given here stays (room_id not set). */
	if ((st = store_prepare(db, "INSERT INTO event_override (event_id, "
	    "recurrence_id, start, \"end\", title, cancelled, cancel_reason, "
	    "sequence, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (event_id, recurrence_id) DO UPDATE SET "
	    "start = excluded.start, \"end\" = excluded.\"end\", "
	    "title = excluded.title, cancelled = excluded.cancelled, "
	    "cancel_reason = excluded.cancel_reason, "
	    "sequence = excluded.sequence, modified = excluded.modified")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, p->in->recurrence_id);
	sqlite3_bind_int64(st, 3, p->in->start);
	sqlite3_bind_int64(st, 4, p->in->end);
	/* NULL, as event_edit leaves it, when the title is inherited. */
	store_bind_text(st, 5, *p->title ? p->title : NULL);
	sqlite3_bind_int(st, 6, p->cancelled);
	store_bind_text(st, 7, p->reason);
	sqlite3_bind_int(st, 8, p->sequence);
	sqlite3_bind_int64(st, 9, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/* The checks that keep the store's invariants; the caller said the rest. */
static int
import_check(const struct event_import *in, struct fault *f)
{
	icaltimezone *z = when_zone(in->timezone);

	if (in->uid == NULL || *in->uid == '\0' || strlen(in->uid) >=
	    sizeof(((struct event *)0)->uid))
		return fault_set(f, FAULT_INVALID, "UID is missing or longer "
		    "than %zu bytes", sizeof(((struct event *)0)->uid) - 1);
	if (z == NULL)
		return fault_set(f, FAULT_INVALID, "unknown time zone \"%.64s\"",
		    in->timezone);
	if (in->kind && !one_of(in->kind, kinds))
		return fault_set(f, FAULT_INVALID, "unknown kind \"%.40s\"",
		    in->kind);
	if (in->end <= in->start)
		return fault_set(f, FAULT_INVALID, "the event ends before it "
		    "starts");
	if (in->days ? in->days > EVENT_MAX_DAYS :
	    in->end - in->start > EVENT_MAX_SECONDS)
		return too_long(f, 0);
	if (*in->rrule && (recur_check(f, in->rrule) ||
	    recur_check_start(f, in->rrule, in->start, z) ||
	    series_size(f, in->rrule, in->start, z)))
		return -1;
	if (*in->rrule == '\0' && (in->nexdates || in->noverrides ||
	    in->nrdates))
		return fault_set(f, FAULT_INVALID, "exceptions need a series");
	if (in->nrdates > EVENT_MAX_RDATES)
		return fault_set(f, FAULT_INVALID, "more than %d extra dates "
		    "(RDATE) in one series", EVENT_MAX_RDATES);
	for (int i = 0; i < in->nrdates; i++)
		if (in->rdates[i] < in->start)
			return fault_set(f, FAULT_INVALID, "an extra date (RDATE) "
			    "before the start of the series");
	for (int i = 0; i < in->noverrides; i++) {
		const struct override *o = &in->overrides[i];
		if (o->end <= o->start || o->end - o->start > EVENT_MAX_SECONDS)
			return fault_set(f, FAULT_INVALID, "a changed occurrence "
			    "must end after it starts and last at most %d days",
			    EVENT_MAX_DAYS);
	}
	return 0;
}

/*
 * An event held here in a room keeps it (import.h): its occurrences, and
 * a changed one in a room, stay within a room booking's length.
 */
static int
import_too_long_for_room(const struct event *ev, const struct event_import *in,
    struct fault *f)
{
	int any_room = ev->room_id != 0;

	for (int i = 0; i < ev->noverrides; i++)
		any_room |= ev->overrides[i].room_id != 0;
	if (!any_room)
		return 0;
	if (in->end - in->start > EVENT_ROOM_MAX_SECONDS)
		return fault_set(f, FAULT_INVALID, "it is held in room %s here, "
		    "and an occurrence in a room may last at most %d days (a "
		    "room booking does)", ev->room[0] ? ev->room : "of one of "
		    "its occurrences", EVENT_ROOM_MAX_DAYS);
	for (int i = 0; i < in->noverrides; i++)
		if (in->overrides[i].end - in->overrides[i].start >
		    EVENT_ROOM_MAX_SECONDS)
			return fault_set(f, FAULT_INVALID, "it is held in a room "
			    "here, and a changed occurrence in a room may last at "
			    "most %d days (a room booking does)",
			    EVENT_ROOM_MAX_DAYS);
	return 0;
}

static int
insert_exdates(sqlite3 *db, int64_t id, const time_t *v, int n,
    struct fault *f)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (n == 0)
		return 0;
	if ((st = store_prepare(db, "INSERT OR IGNORE INTO event_exdate "
	    "(event_id, recurrence_id) VALUES (?1, ?2)")) == NULL)
		return store_fault(f, db);
	for (int i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, v[i]);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

static int
import_insert(sqlite3 *db, const struct event_import *in,
    struct ov_plan *plans, time_t now, int64_t *id, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "INSERT INTO event (uid, kind, title, "
	    "description, themes, group_id, place, timezone, start, \"end\", "
	    "rrule, visibility, status, sequence, cancel_reason, created, "
	    "modified, days) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, 'public', ?12, ?13, ?14, ?15, ?15, ?16)")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, in->uid);
	store_bind_text(st, 2, in->kind ? in->kind : "overig");
	store_bind_text(st, 3, in->title);
	store_bind_text(st, 4, in->description ? in->description : "");
	store_bind_text(st, 5, in->themes ? in->themes : "");
	if (in->group_id)
		sqlite3_bind_int64(st, 6, in->group_id);
	store_bind_text(st, 7, in->place ? in->place : "");
	store_bind_text(st, 8, in->timezone);
	sqlite3_bind_int64(st, 9, in->start);
	sqlite3_bind_int64(st, 10, in->end);
	store_bind_text(st, 11, in->rrule);
	store_bind_text(st, 12, in->cancelled ? "cancelled" : "published");
	sqlite3_bind_int(st, 13, in->sequence);
	store_bind_text(st, 14, in->cancelled && in->cancel_reason ?
	    in->cancel_reason : "");
	sqlite3_bind_int64(st, 15, now);
	sqlite3_bind_int(st, 16, in->days);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	*id = sqlite3_last_insert_rowid(db);
	if (insert_exdates(db, *id, in->exdates, in->nexdates, f) ||
	    insert_rdates(db, *id, in->rdates, in->nrdates, f))
		return -1;
	for (int i = 0; i < in->noverrides; i++) {
		plans[i].sequence = in->overrides[i].sequence;
		if (write_override(db, *id, &plans[i], now, f))
			return -1;
	}
	return 0;
}

static int
import_update(sqlite3 *db, const struct event *ev,
    const struct event_import *in, struct ov_plan *plans, time_t now,
    enum event_import_outcome *outcome, struct fault *f)
{
	int keep_where = ev->room_id || ev->location_id;
	const char *kind = in->kind ? in->kind : ev->kind;
	int64_t gid = in->group_id ? in->group_id : ev->group_id;
	const char *place = keep_where ? ev->place : in->place ? in->place : "";
	const char *tz = keep_where ? ev->timezone : in->timezone;
	const char *rrule = same_rule(ev->rrule, in->rrule) ? ev->rrule :
	    in->rrule;
	const char *status = in->cancelled ? "cancelled" : "published";
	const char *reason = in->cancelled ? (in->cancel_reason ?
	    in->cancel_reason : "") : ev->cancel_reason;
	const char *desc = in->description ? in->description : "";
	const char *themes = in->themes ? in->themes : "";
	int matters, changed, seq, gone = 0, ov_changed = 0;
	sqlite3_stmt *st;
	int rc;

	for (int i = 0; i < in->noverrides; i++)
		ov_changed |= plans[i].changed;
	/* Stored overrides the file no longer has: the occurrence is back. */
	for (int i = 0; i < ev->noverrides; i++) {
		int found = 0;
		for (int k = 0; k < in->noverrides && !found; k++)
			found = in->overrides[k].recurrence_id ==
			    ev->overrides[i].recurrence_id;
		gone += !found;
	}
	matters = in->start != ev->start || in->end != ev->end ||
	    in->days != ev->days ||
	    strcmp(place, ev->place) != 0 || strcmp(tz, ev->timezone) != 0 ||
	    rrule != ev->rrule ||
	    !same_exdates(ev, in->exdates, in->nexdates) ||
	    !same_rdates(ev, in->rdates, in->nrdates) ||
	    (strcmp(status, "cancelled") == 0) !=
	    (strcmp(ev->status, "cancelled") == 0) || ov_changed || gone;
	seq = matters ? ev->sequence + 1 : ev->sequence;
	if (in->sequence > seq)
		seq = in->sequence;
	for (int i = 0; i < in->noverrides; i++) {
		struct ov_plan *p = &plans[i];
		int s = p->changed ? seq : p->old->sequence;
		if (p->in->sequence > s)
			s = p->in->sequence;
		p->sequence = s;
		if (!p->changed && s != p->old->sequence)
			p->changed = 2;		/* only its SEQUENCE */
		ov_changed |= p->changed;
	}
	changed = matters || ov_changed || seq != ev->sequence ||
	    strcmp(kind, ev->kind) != 0 || gid != ev->group_id ||
	    strcmp(in->title, ev->title) != 0 ||
	    strcmp(desc, ev->description) != 0 ||
	    strcmp(themes, ev->themes) != 0 ||
	    strcmp(status, ev->status) != 0 ||
	    strcmp(reason, ev->cancel_reason) != 0;
	if (!changed) {
		*outcome = EVENT_IMPORT_UNCHANGED;
		return 0;
	}
	*outcome = EVENT_IMPORT_UPDATED;
	if ((st = store_prepare(db, "UPDATE event SET kind = ?2, title = ?3, "
	    "description = ?4, themes = ?5, group_id = ?6, place = ?7, "
	    "timezone = ?8, start = ?9, \"end\" = ?10, rrule = ?11, "
	    "status = ?12, cancel_reason = ?13, sequence = ?14, "
	    "modified = ?15, days = ?16 WHERE id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, ev->id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, in->title);
	store_bind_text(st, 4, desc);
	store_bind_text(st, 5, themes);
	if (gid)
		sqlite3_bind_int64(st, 6, gid);
	store_bind_text(st, 7, place);
	store_bind_text(st, 8, tz);
	sqlite3_bind_int64(st, 9, in->start);
	sqlite3_bind_int64(st, 10, in->end);
	store_bind_text(st, 11, rrule);
	store_bind_text(st, 12, status);
	store_bind_text(st, 13, reason);
	sqlite3_bind_int(st, 14, seq);
	sqlite3_bind_int64(st, 15, now);
	sqlite3_bind_int(st, 16, in->days);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	if (!same_exdates(ev, in->exdates, in->nexdates) &&
	    (store_exec_id(db, "DELETE FROM event_exdate WHERE event_id = ?1",
	    ev->id) || insert_exdates(db, ev->id, in->exdates, in->nexdates, f)))
		return store_fault(f, db);
	if (!same_rdates(ev, in->rdates, in->nrdates) &&
	    (store_exec_id(db, "DELETE FROM event_rdate WHERE event_id = ?1",
	    ev->id) || insert_rdates(db, ev->id, in->rdates, in->nrdates, f)))
		return store_fault(f, db);
	for (int i = 0; gone && i < ev->noverrides; i++) {
		int found = 0;
		for (int k = 0; k < in->noverrides && !found; k++)
			found = in->overrides[k].recurrence_id ==
			    ev->overrides[i].recurrence_id;
		if (found)
			continue;
		if ((st = store_prepare(db, "DELETE FROM event_override WHERE "
		    "event_id = ?1 AND recurrence_id = ?2")) == NULL)
			return store_fault(f, db);
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, ev->overrides[i].recurrence_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_fault(f, db);
	}
	for (int i = 0; i < in->noverrides; i++)
		if (plans[i].changed && write_override(db, ev->id, &plans[i],
		    now, f))
			return -1;
	return 0;
}

int
event_import(sqlite3 *db, const struct event_import *in, int64_t only_group,
    int64_t *id, enum event_import_outcome *outcome, struct event **before,
    struct fault *f)
{
	struct event *ev = NULL;
	struct ov_plan *plans = NULL;
	sqlite3_stmt *st;
	time_t now = clock_now();
	int rc, ret = -1;

	*id = 0;
	*outcome = EVENT_IMPORT_UNCHANGED;
	*before = NULL;
	if (import_check(in, f))
		return -1;
	if ((st = store_prepare(db, "SELECT id FROM event WHERE uid = ?1")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, in->uid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fault(f, db);
	if (*id && (ev = event_get(db, *id, f)) == NULL)
		return -1;
	if (ev && only_group && ev->group_id != only_group) {
		/* Not even its title: the event may be private. */
		fault_set(f, FAULT_FORBIDDEN, "UID %.100s is an event of another "
		    "group; an organizer may only import its own group's "
		    "events", in->uid);
		goto done;
	}
	if (ev && import_too_long_for_room(ev, in, f))
		goto done;
	if (in->noverrides > 0 && (plans = calloc(in->noverrides,
	    sizeof(*plans))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	for (int i = 0; i < in->noverrides; i++)
		plan_override(in, ev, &in->overrides[i], &plans[i]);
	if (ev == NULL) {
		if (import_insert(db, in, plans, now, id, f))
			goto done;
		*outcome = EVENT_IMPORT_ADDED;
	} else if (import_update(db, ev, in, plans, now, outcome, f))
		goto done;
	if (*outcome != EVENT_IMPORT_UNCHANGED) {
		time_t last;

		/* Only a bounded series can lose all its occurrences. */
		if (*in->rrule && in->nexdates > 0 && recur_last(in->rrule,
		    in->start, when_zone(in->timezone), &last) == 1 &&
		    check_not_empty(db, *id, f))
			goto done;
		if (span_end(db, *id, f))
			goto done;
	}
	if (*outcome == EVENT_IMPORT_UPDATED) {
		*before = ev;
		ev = NULL;
	}
	ret = 0;
done:
	free(plans);
	event_free(ev);
	return ret;
}

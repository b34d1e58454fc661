/*
 * What follows from what.  Each change that has consequences is one
 * function here, and one transaction: begin, the entity's own write, what
 * follows from it in the order below, the audit row, commit.  Mail is
 * queued inside the same transaction, so it is sent if and only if the
 * change is kept.
 *
 *   event add       insert; the room it names is booked (all occurrences
 *                   fit, or nothing is written); a published event is
 *                   announced to the group's followers
 *   event edit      the series, one occurrence, or (--following) a split;
 *                   the room follows the new times (both parts of a
 *                   split); registrants are told of a new time or place,
 *                   waiting lists move up when there is more room
 *   event cancel    the series, one occurrence, or the later part; the
 *                   room is let go; registrants are told, reminders go
 *   event publish   accepted topics join the description; the status;
 *                   the room's request is held as the publisher may;
 *                   the group's followers are told
 *   event remove    registrants' pending mail goes, then the event (its
 *                   booking and registrations by cascade)
 *   import          every event of the file as above for an update (the
 *                   room it is held in follows, registrants are told);
 *                   one audit row, only when something changed
 *   booking add     the booking and its occurrences; the group is mailed
 *                   "booked" or "requested"
 *   booking approve the request is confirmed; the group is mailed
 *   booking decline the request is declined, its slots freed; mailed
 *   closure add     refused while rooms are held in its period, unless
 *                   told what to do: kept for new requests only, or
 *                   everything held there called off (each event
 *                   occurrence cancelled as event cancel does, with the
 *                   closure's reason; bookings released; waiting lists of
 *                   those occurrences emptied; the groups mailed, with
 *                   the rooms free instead)
 *   room edit       a room that holds more moves its waiting lists up
 *   room remove     refused while events or open bookings use it; its
 *                   declined and cancelled bookings and their slots go,
 *                   then its closures and the room
 *   location remove refused while rooms, events or active tokens use
 *                   it; its revoked tokens go, then its closures and
 *                   the location
 *   group remove    refused while events, active tokens or open
 *                   bookings use it; its revoked tokens go, bookings
 *                   that are over keep their record without it, then
 *                   the group
 *   participant edit  reminders are planned anew (lead times, quiet
 *                   hours, language, a resubscription)
 *   participant forget  places they held go to the waiting lists, then
 *                   every row and message naming them (and web requests
 *                   not yet confirmed); the log is checkpointed so that
 *                   no copy stays in it
 *   optin ask       a web request for a registration and the mail with
 *                   its link, or nothing (asked before, or the address
 *                   had its mails for today)
 *   optin confirm   the link is taken (once); the person is added when
 *                   new; the registration as register makes it
 *   participant link  a new personal link replaces the old one and is
 *                   mailed, or nothing (unknown address, or it had its
 *                   mails for today)
 *   nightly (03:00) booked series are extended to the horizon; reminders
 *                   are planned as far as the planning window reaches;
 *                   registrations, check-ins and sent mail of sessions
 *                   that ended over retention.days ago go (their counts
 *                   stay for the reports); web requests whose link
 *                   expired or was used, and old link mails, are dropped;
 *                   the log is checkpointed (again, should a reader have
 *                   kept it busy after an erasure)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hersteld/availability.h"
#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/log.h"
#include "hersteld/melink.h"
#include "hersteld/notice.h"
#include "hersteld/optin.h"
#include "hersteld/registration.h"
#include "hersteld/retention.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/token.h"
#include "hersteld/topic.h"
#include "hersteld/when.h"

/*
 * The room event id holds follows the event, in the open transaction;
 * refuses when an occurrence does not fit.  in (may be NULL: the admin)
 * says who asks and where refusals go.
 */
static int
hold_room(sqlite3 *db, int64_t id, const struct event_in *in,
    const char *actor, struct fault *f)
{
	static const struct booking_viewer admin = { .all = 1 };
	struct conflicts local = { 0 };
	struct event *ev;
	long bid;
	int rc;

	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	rc = booking_sync_event(db, ev, in ? in->confirm : 1,
	    in && in->viewer ? in->viewer : &admin, actor,
	    in && in->refused ? in->refused : &local, f);
	conflicts_free(&local);
	event_free(ev);
	/* A room that needs approval: its location hears of it (once). */
	if (rc == 0 && (bid = store_count(db, "SELECT coalesce((SELECT id FROM "
	    "booking WHERE event_id = ?1 AND status = 'requested'), 0)", id))
	    > 0)
		rc = notice_booking_waiting(db, bid, 0, f);
	return rc;
}

/* Tell the group's followers of event id (published ones only). */
static int
announce(sqlite3 *db, int64_t id, struct fault *f)
{
	struct event *ev;
	int rc;

	if ((ev = event_get(db, id, f)) == NULL)
		return -1;
	rc = reg_announce(db, ev, f);
	event_free(ev);
	return rc;
}

/* ---- events ---- */

int
schedule_event_add(sqlite3 *db, const struct event_in *in, const char *actor,
    int64_t *id, struct fault *f)
{
	struct event *ev = NULL;
	int ret = -1;

	if (event_check_add(in, f) || store_begin_f(db, f))
		return -1;
	if (event_insert(db, in, id, f) ||
	    hold_room(db, *id, in, actor, f) ||
	    (ev = event_get(db, *id, f)) == NULL ||
	    reg_announce(db, ev, f)) {
		store_rollback(db);
		goto done;
	}
	ret = store_finish(db, actor, "event.add", ev->uid, in->title, f);
done:
	event_free(ev);
	return ret;
}

int
schedule_event_edit(sqlite3 *db, int64_t id, const struct event_in *in,
    const char *actor, int64_t *new_id, struct fault *f)
{
	struct event *ev = NULL;
	char detail[64];
	int ret = -1;

	*new_id = 0;
	if (event_check_edit(in, f) || store_begin_f(db, f))
		return -1;
	/* The earlier part of a split lets go of its later slots first. */
	if ((ev = event_get(db, id, f)) == NULL ||
	    event_update(db, ev, in, new_id, detail, sizeof(detail), f) ||
	    hold_room(db, id, in, actor, f) ||
	    (*new_id && hold_room(db, *new_id, in, actor, f)) ||
	    reg_event_changed(db, ev, *new_id, actor, f)) {
		store_rollback(db);
		goto done;
	}
	ret = store_finish(db, actor, "event.edit", ev->uid, detail, f);
done:
	event_free(ev);
	return ret;
}

int
schedule_event_cancel(sqlite3 *db, int64_t id, const struct event_in *in,
    const char *actor, int64_t *new_id, struct fault *f)
{
	struct event *ev = NULL;
	char detail[64];
	int ret = -1;

	*new_id = 0;
	if (event_check_cancel(in, f) || store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, id, f)) == NULL ||
	    event_set_cancelled(db, ev, in, new_id, detail, sizeof(detail),
	    f) ||
	    hold_room(db, id, in, actor, f) ||
	    (*new_id && hold_room(db, *new_id, in, actor, f)) ||
	    reg_event_changed(db, ev, *new_id, actor, f)) {
		store_rollback(db);
		goto done;
	}
	ret = store_finish(db, actor, "event.cancel", ev->uid, detail, f);
done:
	event_free(ev);
	return ret;
}

int
schedule_event_publish(sqlite3 *db, int64_t id, const struct event_in *in,
    const char *actor, struct fault *f)
{
	struct event *ev = NULL;
	int ret = -1;

	if (store_begin_f(db, f))
		return -1;
	/* Accepted topics become part of the description (topic.h). */
	if ((ev = event_get(db, id, f)) == NULL ||
	    event_check_proposed(ev, f) ||
	    topic_publish(db, ev, f) ||
	    event_set_published(db, ev, f) ||
	    hold_room(db, id, in, actor, f) ||
	    announce(db, id, f)) {
		store_rollback(db);
		goto done;
	}
	ret = store_finish(db, actor, "event.publish", ev->uid, NULL, f);
done:
	event_free(ev);
	return ret;
}

int
schedule_event_remove(sqlite3 *db, int64_t id, const char *actor,
    struct fault *f)
{
	struct event *ev = NULL;
	int ret = -1;

	if (store_begin_f(db, f))
		return -1;
	if ((ev = event_get(db, id, f)) == NULL ||
	    reg_event_removed(db, ev, f) ||
	    event_delete(db, id, f)) {
		store_rollback(db);
		goto done;
	}
	ret = store_finish(db, actor, "event.remove", ev->uid, ev->title, f);
done:
	event_free(ev);
	return ret;
}

/* ---- import ---- */

/*
 * What follows from one imported event: an updated one keeps its room in
 * step (when it or one of its occurrences is held in a room) and tells
 * its registrants.  before: the event as it was (NULL when not updated).
 */
static int
import_follows(sqlite3 *db, int64_t id, const struct event *before,
    const struct event_in *ctx, const char *actor, struct fault *f)
{
	int any_room;

	if (before == NULL)
		return 0;
	any_room = before->room_id != 0;
	for (int i = 0; i < before->noverrides; i++)
		any_room |= before->overrides[i].room_id != 0;
	if (any_room && hold_room(db, id, ctx, actor, f))
		return -1;
	return reg_event_changed(db, before, 0, actor, f);
}

int
schedule_import(sqlite3 *db, const struct import_in *in, const char *actor,
    struct import_result *r, struct fault *f)
{
	struct import_plan *plan = NULL;
	int64_t gid = 0;
	char detail[128];
	int n, ret = -1;

	if (import_read(in, r, &plan, f))
		return -1;
	n = import_plan_size(plan);
	if ((r->items = calloc((size_t)n + 1, sizeof(*r->items))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	if (store_begin_f(db, f))
		goto done;
	if (in->group) {
		struct group g;
		if (group_get(db, in->group, &g, f))
			goto fail;
		gid = g.id;
	}
	for (int i = 0; i < n; i++) {
		struct import_item *it = &r->items[r->nitems];
		struct event *before = NULL;
		struct event_import *ei;
		const char *uid, *title;
		struct fault lf = { 0 };
		int rc;

		ei = import_plan_event(plan, i, &uid, &title);
		ei->group_id = gid;
		rc = event_import(db, ei, in->only_group, &it->id, &it->outcome,
		    &before, &lf) || import_follows(db, it->id, before, in->ctx,
		    actor, &lf);
		event_free(before);
		if (rc) {
			import_plan_refused(plan, i, &lf, f);
			goto fail;
		}
		if ((it->uid = strdup(uid)) == NULL ||
		    (it->title = strdup(title)) == NULL) {
			r->nitems++;
			fault_set(f, FAULT_INTERNAL, "out of memory");
			goto fail;
		}
		r->nitems++;
		r->added += it->outcome == EVENT_IMPORT_ADDED;
		r->updated += it->outcome == EVENT_IMPORT_UPDATED;
		r->unchanged += it->outcome == EVENT_IMPORT_UNCHANGED;
	}
	/* Nothing changed, nothing written: not even the audit row. */
	if (r->added + r->updated == 0) {
		store_rollback(db);
		ret = 0;
		goto done;
	}
	snprintf(detail, sizeof(detail), "%d added, %d updated, %d unchanged",
	    r->added, r->updated, r->unchanged);
	if (store_finish(db, actor, "import", in->group ? in->group : "-",
	    detail, f) == 0) {
		ret = 0;
		goto done;
	}
	r->added = r->updated = r->unchanged = 0;
	goto done;
fail:
	store_rollback(db);
	r->added = r->updated = r->unchanged = 0;
done:
	import_plan_free(plan);
	return ret;
}

/* ---- bookings ---- */

int
schedule_booking_add(sqlite3 *db, const struct booking_in *in,
    const struct booking_viewer *v, const char *actor,
    struct booking_result *res, struct conflicts *refused, struct fault *f)
{
	char detail[64];

	memset(res, 0, sizeof(*res));
	if (store_begin_f(db, f))
		return -1;
	if (booking_insert(db, in, v, actor, res, refused, detail,
	    sizeof(detail), f)) {
		store_rollback(db);
		return -1;
	}
	/* A dry run says what would happen and keeps nothing. */
	if (in->dry_run) {
		store_rollback(db);
		return 0;
	}
	if (notice_booking(db, res->id, strcmp(res->status, "confirmed") == 0 ?
	    MAIL_BOOKING_CONFIRMED : MAIL_BOOKING_REQUESTED, f) ||
	    (strcmp(res->status, "requested") == 0 &&
	    notice_booking_waiting(db, res->id, 0, f))) {
		store_rollback(db);
		goto fail;
	}
	if (store_finish(db, actor, "booking.add", in->room, detail, f))
		goto fail;
	return 0;
fail:
	conflicts_free(&res->skipped);
	return -1;
}

/* The audit's name of booking id. */
static void
booking_what(int64_t id, char *out, size_t len)
{
	snprintf(out, len, "booking %lld", (long long)id);
}

int
schedule_booking_approve(sqlite3 *db, int64_t id, const char *actor,
    struct fault *f)
{
	struct booking b;
	char what[64];

	if (store_begin_f(db, f))
		return -1;
	if (booking_set_approved(db, id, &b, f) ||
	    notice_booking(db, id, MAIL_BOOKING_CONFIRMED, f)) {
		store_rollback(db);
		return -1;
	}
	booking_what(id, what, sizeof(what));
	return store_finish(db, actor, "booking.approve", what, b.room, f);
}

int
schedule_booking_decline(sqlite3 *db, int64_t id, const char *reason,
    const char *actor, struct fault *f)
{
	struct booking b;
	char what[64];

	if (booking_check_reason(reason, f) || store_begin_f(db, f))
		return -1;
	if (booking_set_declined(db, id, reason, &b, f) ||
	    notice_booking(db, id, MAIL_BOOKING_DECLINED, f)) {
		store_rollback(db);
		return -1;
	}
	booking_what(id, what, sizeof(what));
	return store_finish(db, actor, "booking.decline", what,
	    reason ? reason : b.room, f);
}

/* ---- rooms ---- */

int
schedule_room_edit(sqlite3 *db, const char *ref, const struct room_in *in,
    const char *actor, struct fault *f)
{
	struct room was;
	long capacity;

	if (store_begin_f(db, f))
		return -1;
	if (room_update(db, ref, in, &was, f))
		goto fail;
	/* More room: the waiting lists of events held there move up. */
	capacity = in->capacity >= 0 ? in->capacity : was.capacity;
	if (capacity > was.capacity && reg_room_grew(db, was.id, f))
		goto fail;
	return store_finish(db, actor, "room.edit", ref, NULL, f);
fail:
	store_rollback(db);
	return -1;
}

int
schedule_room_remove(sqlite3 *db, const char *ref, const char *actor,
    struct fault *f)
{
	struct room r;

	if (store_begin_f(db, f))
		return -1;
	/* Declined and cancelled bookings (and their slots) go first. */
	if (room_unused(db, ref, &r, f) || booking_drop_room(db, r.id, f) ||
	    room_delete(db, &r, f)) {
		store_rollback(db);
		return -1;
	}
	return store_finish(db, actor, "room.remove", ref, NULL, f);
}

/* ---- closures ---- */

void
closure_result_free(struct closure_result *res)
{
	free(res->v);
	res->v = NULL;
	res->n = 0;
}

static int
push_offer(const char *ref, const char *name, long capacity, void *arg)
{
	struct closure_hit *x = arg;
	struct closure_offer *o;

	if (x->noffers >= CLOSURE_OFFERS)
		return 1;
	o = &x->offers[x->noffers++];
	snprintf(o->room, sizeof(o->room), "%s", ref);
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->capacity = capacity;
	return 0;
}

/*
 * Who an occurrence concerns, and the size a room instead must have: the
 * event's capacity, else as many as go (at least one); for a booking,
 * the size of the room it held.
 */
static int
hit_counts(sqlite3 *db, struct closure_hit *x, struct fault *f)
{
	const struct held_slot *h = &x->h;
	time_t rid = h->series ? h->recurrence_id : 0;
	long cap;

	x->size = h->capacity;
	if (h->event_id == 0)
		return 0;
	if ((x->going = reg_going_at(db, h->event_id, rid)) < 0 ||
	    (x->waiting = reg_waiting_at(db, h->event_id, rid)) < 0 ||
	    (cap = store_count(db, "SELECT coalesce(capacity, 0) FROM event "
	    "WHERE id = ?1", h->event_id)) < 0)
		return store_fault(f, db);
	x->size = cap > 0 ? cap : x->going > 0 ? x->going : 1;
	return 0;
}

struct located {
	struct held_slots	*out;
	const struct event	*ev;
	time_t			 from, to, now;
	int			 err;
};

static int
push_located(const struct occurrence *o, void *arg)
{
	struct located *x = arg;
	struct held_slot *nv, *h;

	/* Over, called off, or in a room (held, so found with the rooms). */
	if (o->cancelled || o->start >= x->to || o->end <= x->from ||
	    o->end <= x->now || (o->room && *o->room))
		return 0;
	if ((nv = realloc(x->out->v, (x->out->n + 1) * sizeof(*nv))) == NULL) {
		x->err = 1;
		return 1;
	}
	x->out->v = nv;
	h = &nv[x->out->n++];
	memset(h, 0, sizeof(*h));
	h->event_id = x->ev->id;
	h->group_id = x->ev->group_id;
	h->location_id = x->ev->location_id;
	h->recurrence_id = o->recurrence_id ? o->recurrence_id : o->start;
	h->start = o->start;
	h->end = o->end;
	snprintf(h->room, sizeof(h->room), "%s", x->ev->location);
	snprintf(h->group, sizeof(h->group), "%s", x->ev->group);
	snprintf(h->title, sizeof(h->title), "%s", o->title);
	snprintf(h->timezone, sizeof(h->timezone), "%s", x->ev->timezone);
	h->series = x->ev->rrule[0] != '\0';
	return 0;
}

static int
by_start(const void *a, const void *b)
{
	const struct held_slot *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

/*
 * The occurrences of events at location p->l without a room (they hold
 * none) in p's period that have not ended, added to out in order of
 * start: a closure of the whole location calls them off too.
 */
static int
located_events(sqlite3 *db, const struct closure_plan *p,
    struct held_slots *out, struct fault *f)
{
	struct located x = { out, NULL, p->from, p->to, clock_now(), 0 };
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	int n = 0, rc, ret = -1;

	if ((st = store_prepare(db, "SELECT id FROM event WHERE location_id = ?1 "
	    "AND room_id IS NULL AND status != 'cancelled' AND start < ?3 AND "
	    "(rrule != '' AND span_end IS NULL OR coalesce(span_end, \"end\") "
	    "> ?2) ORDER BY id")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, p->l.id);
	sqlite3_bind_int64(st, 2, p->from);
	sqlite3_bind_int64(st, 3, p->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *nv = realloc(ids, (n + 1) * sizeof(*nv));

		if (nv == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		ids = nv;
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(ids);
		return rc == SQLITE_NOMEM ? fault_set(f, FAULT_INTERNAL,
		    "out of memory") : store_fault(f, db);
	}
	for (int i = 0; i < n; i++) {
		struct event *ev;

		if ((ev = event_get(db, ids[i], f)) == NULL)
			goto done;
		x.ev = ev;
		/* An occurrence lasts at most EVENT_MAX_SECONDS. */
		rc = event_occurrences(ev, p->from - EVENT_MAX_SECONDS, p->to,
		    push_located, &x) < 0 || x.err;
		event_free(ev);
		if (rc) {
			fault_set(f, FAULT_INTERNAL, "cannot expand event %lld",
			    (long long)ids[i]);
			goto done;
		}
	}
	if (out->n > 1)
		qsort(out->v, (size_t)out->n, sizeof(*out->v), by_start);
	ret = 0;
done:
	free(ids);
	return ret;
}

/* The offers of x as the group's mail lists them, one a line. */
static void
offer_lines(const struct closure_hit *x, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < x->noffers && n < len; i++)
		n += snprintf(out + n, len - n, "%s (%s, %ld pers.)\n",
		    x->offers[i].name, x->offers[i].room,
		    x->offers[i].capacity);
}

/*
 * Call off one occurrence x that closure id hits, inside the open
 * transaction: the event's occurrence as event cancel does (or the
 * whole event when it is a single one), or the booking's occurrence;
 * then the group is mailed.
 */
static int
closure_cancel_one(sqlite3 *db, const struct closure_hit *x, int64_t id,
    const char *reason, const char *actor, struct fault *f)
{
	const struct held_slot *h = &x->h;
	time_t rid = h->series ? h->recurrence_id : 0;
	char day[16], detail[160], note[REASON_MAX_CHARS * 4 + 16];
	char rooms[CLOSURE_OFFERS * 1100];
	int rc = -1;

	if (h->event_id) {
		struct event_in in = { .capacity = -1, .reason = reason };
		struct event *ev;
		char what[64];
		int64_t new_id;

		if ((ev = event_get(db, h->event_id, f)) == NULL)
			return -1;
		when_format_date(h->recurrence_id, ev->zone, day);
		in.occurrence = rid ? day : NULL;
		snprintf(detail, sizeof(detail), "%s: closure %lld",
		    rid ? day : "series", (long long)id);
		if (event_set_cancelled(db, ev, &in, &new_id, what,
		    sizeof(what), f) == 0 &&
		    hold_room(db, ev->id, NULL, actor, f) == 0 &&
		    reg_event_changed(db, ev, 0, actor, f) == 0 &&
		    reg_waiting_drop(db, ev->id, rid, f) == 0) {
			if (store_audit(db, actor, "event.cancel", ev->uid,
			    detail))
				store_fault(f, db);
			else
				rc = 0;
		}
		event_free(ev);
	} else {
		struct booking b;
		char obj[64];

		when_format_date(h->recurrence_id, when_zone(h->timezone), day);
		snprintf(note, sizeof(note), "closed (%s)", reason);
		snprintf(obj, sizeof(obj), "booking %lld",
		    (long long)h->booking_id);
		snprintf(detail, sizeof(detail), "%s %s: closure %lld",
		    rid ? "occurrence" : "booking", day, (long long)id);
		if (booking_get(db, h->booking_id, &b, f) == 0 &&
		    booking_release(db, &b, rid, rid ? note : reason, f) == 0) {
			if (store_audit(db, actor, "booking.cancel", obj,
			    detail))
				store_fault(f, db);
			else
				rc = 0;
		}
	}
	if (rc)
		return -1;
	offer_lines(x, rooms, sizeof(rooms));
	return notice_closed(db, h, id, reason, x->going + x->waiting, rooms,
	    f);
}

int
schedule_closure_add(sqlite3 *db, const struct closure_in *in,
    enum closure_mode mode, const char *actor, struct closure_result *res,
    struct fault *f)
{
	struct held_slots held = { 0 };
	char detail[128];
	int64_t id;

	memset(res, 0, sizeof(*res));
	if (store_begin_f(db, f))
		return -1;
	if (closure_resolve(db, in, &res->plan, f) ||
	    booking_held_in(db, res->plan.l.id, res->plan.room_id,
	    res->plan.from, res->plan.to, &held, f) ||
	    (res->plan.room_id == 0 && located_events(db, &res->plan, &held,
	    f)))
		goto fail;
	if (held.n > 0 && (res->v = calloc((size_t)held.n,
	    sizeof(*res->v))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto fail;
	}
	for (int i = 0; i < held.n; i++) {
		res->v[res->n].h = held.v[i];
		if (hit_counts(db, &res->v[res->n++], f))
			goto fail;
	}
	/* With the closure in place, the rooms it closes are not free. */
	if (closure_insert(db, &res->plan, in->reason, &id, f))
		goto fail;
	for (int i = 0; i < res->n; i++) {
		struct closure_hit *x = &res->v[i];

		if (availability_elsewhere(db, x->h.start, x->h.end, x->size,
		    res->plan.l.id, CLOSURE_OFFERS, push_offer, x, f))
			goto fail;
	}
	if (mode == CLOSURE_DRY_RUN) {
		store_rollback(db);
		held_slots_free(&held);
		return 0;
	}
	if (mode == CLOSURE_ASK && res->n > 0) {
		fault_set(f, FAULT_CONFLICT, "%s is held %d time(s) in that "
		    "period; nothing was added: give --cancel-affected to call "
		    "those off (registrants and groups are told) or --keep to "
		    "close for new requests only", in->target, res->n);
		goto fail;
	}
	if (mode == CLOSURE_CANCEL) {
		for (int i = 0; i < res->n; i++)
			if (closure_cancel_one(db, &res->v[i], id, in->reason,
			    actor, f))
				goto fail;
		res->cancelled = res->n > 0;
	}
	if (res->n == 0)
		snprintf(detail, sizeof(detail), "closure %lld", (long long)id);
	else
		snprintf(detail, sizeof(detail), "closure %lld: %d held, %s",
		    (long long)id, res->n, res->cancelled ? "cancelled" :
		    "kept");
	held_slots_free(&held);
	if (store_finish(db, actor, "closure.add", in->target, detail, f))
		return -1;
	res->id = id;
	return 0;
fail:
	store_rollback(db);
	held_slots_free(&held);
	return -1;
}

/* ---- locations and groups ---- */

#define HOURS_LISTED	50	/* held occurrences listed per refusal */

int
schedule_location_edit(sqlite3 *db, const char *slug,
    const struct location_in *in, int keep, const char *actor,
    struct closure_result *res, struct fault *f)
{
	struct held_slots held = { 0 };
	struct location before, now;
	struct hours h;
	char canon[256], detail[320] = "";
	icaltimezone *z;
	int outside = 0;

	memset(res, 0, sizeof(*res));
	if (store_begin_f(db, f))
		return -1;
	if (location_update(db, slug, in, &before, f) ||
	    location_get(db, before.slug, &now, f))
		goto fail;
	/*
	 * Opening hours that no longer cover what is held: each occurrence
	 * that has not ended and would now be outside them (a day event's
	 * hold follows the hours of its dates, so it never is).  Events at
	 * the location without a room hold no room: hours do not bind them.
	 * The first HOURS_LISTED are listed, with the rooms free instead;
	 * the rest are counted (a horizon of series can hold thousands).
	 */
	if (strcmp(now.hours, before.hours) != 0) {
		if (hours_parse(f, now.hours, &h, canon) ||
		    (z = when_zone(now.timezone)) == NULL ||
		    booking_held_in(db, now.id, 0, clock_now(), INT64_MAX,
		    &held, f))
			goto fail;
		for (int i = 0; i < held.n; i++) {
			struct closure_hit *x;

			if (held.v[i].days || hours_within(&h, now.hours, z,
			    held.v[i].start, held.v[i].end))
				continue;
			if (outside++ >= HOURS_LISTED)
				continue;
			if (res->v == NULL && (res->v = calloc(HOURS_LISTED,
			    sizeof(*res->v))) == NULL) {
				fault_set(f, FAULT_INTERNAL, "out of memory");
				goto fail;
			}
			x = &res->v[res->n++];
			x->h = held.v[i];
			if (hit_counts(db, x, f) ||
			    availability_elsewhere(db, x->h.start, x->h.end,
			    x->size, now.id, CLOSURE_OFFERS, push_offer, x, f))
				goto fail;
		}
	}
	if (outside > 0 && !keep) {
		fault_set(f, FAULT_CONFLICT, "%d held occurrence(s) at %s "
		    "fall outside the new opening hours%s; nothing was changed: "
		    "cancel or move them first, or give --keep to apply the "
		    "hours to new requests only", outside, now.slug,
		    outside > res->n ? " (the first listed)" : "");
		goto fail;
	}
	if (outside > 0)
		snprintf(detail, sizeof(detail), "hours %s: %d held outside "
		    "them, kept", now.hours[0] ? now.hours : "none", outside);
	held_slots_free(&held);
	return store_finish(db, actor, "location.edit", now.slug,
	    detail[0] ? detail : NULL, f);
fail:
	store_rollback(db);
	held_slots_free(&held);
	return -1;
}

int
schedule_location_remove(sqlite3 *db, const char *slug, const char *actor,
    struct fault *f)
{
	struct location l;

	if (store_begin_f(db, f))
		return -1;
	if (location_unused(db, slug, &l, f) ||
	    token_drop_location(db, l.id, f) || location_delete(db, &l, f)) {
		store_rollback(db);
		return -1;
	}
	return store_finish(db, actor, "location.remove", slug, NULL, f);
}

int
schedule_group_remove(sqlite3 *db, const char *slug, const char *actor,
    struct fault *f)
{
	struct group g;

	if (store_begin_f(db, f))
		return -1;
	/* Bookings that are over keep their record without the group. */
	if (group_unused(db, slug, &g, f) || token_drop_group(db, g.id, f) ||
	    booking_drop_group(db, g.id, f) || group_delete(db, &g, f)) {
		store_rollback(db);
		return -1;
	}
	return store_finish(db, actor, "group.remove", g.slug, g.name, f);
}

/* ---- participants ---- */

int
schedule_participant_edit(sqlite3 *db, const char *ref,
    const struct participant_in *in, const char *actor, struct fault *f)
{
	int64_t id;
	char obj[40];

	if (participant_check_edit(in, f) || store_begin_f(db, f))
		return -1;
	/* Reminders follow the new lead times, quiet hours and language. */
	if (participant_update(db, ref, in, &id, f) ||
	    reg_plan(db, 0, id, 1, f)) {
		store_rollback(db);
		return -1;
	}
	snprintf(obj, sizeof(obj), "participant %lld", (long long)id);
	return store_finish(db, actor, "participant.edit", obj, NULL, f);
}

int
schedule_participant_forget(sqlite3 *db, const char *ref, const char *actor,
    struct fault *f)
{
	struct participant p;
	char obj[40];

	if (store_begin_f(db, f))
		return -1;
	/* Places they held go to the next on the waiting list first. */
	if (participant_get(db, ref, &p, f) ||
	    reg_release_all(db, p.id, "participant.forget", f) ||
	    participant_delete(db, p.id, f)) {
		store_rollback(db);
		return -1;
	}
	if (optin_forget(db, p.email)) {
		store_fault(f, db);
		store_rollback(db);
		return -1;
	}
	snprintf(obj, sizeof(obj), "participant %lld", (long long)p.id);
	if (store_finish(db, actor, "participant.forget", obj, NULL, f))
		return -1;
	/* Move the freed pages out of the log into the (zeroed) file. */
	store_checkpoint(db);
	return 0;
}

/* ---- web registrations (double opt-in) ---- */

int
schedule_optin_ask(sqlite3 *db, const struct optin_in *in,
    enum optin_outcome *out, struct fault *f)
{
	char obj[40];

	if (optin_check(in, f) || store_begin_f(db, f))
		return -1;
	if (optin_ask(db, in, out, f)) {
		store_rollback(db);
		return -1;
	}
	if (*out != OPTIN_MAILED) {
		store_rollback(db);	/* nothing was written */
		return 0;
	}
	snprintf(obj, sizeof(obj), "event %lld", (long long)in->event_id);
	return store_finish(db, "web", "optin.ask", obj, NULL, f);
}

int
schedule_optin_confirm(sqlite3 *db, const char *token, enum optin_done *done,
    enum optin_state *state, struct reg_result *res, struct fault *f)
{
	struct participant_in pin = { 0 };
	struct participant p;
	struct optin o;
	struct fault pf = { 0 };
	char obj[40];
	int64_t pid;
	int rc = 1;

	memset(res, 0, sizeof(*res));
	*done = OPTIN_GONE;
	if (store_begin_f(db, f))
		return -1;
	/* Taken first, in its own transaction: a replay finds it used. */
	if (optin_find(db, token, &o, state) ||
	    (*state == OPTIN_VALID && (rc = optin_mark(db, o.id, 1)) < 0)) {
		store_fault(f, db);
		store_rollback(db);
		return -1;
	}
	if (*state != OPTIN_VALID || rc == 0) {
		store_rollback(db);
		if (*state == OPTIN_VALID)
			*state = OPTIN_USED;
		return 0;
	}
	snprintf(obj, sizeof(obj), "event %lld", (long long)o.event_id);
	if (store_finish(db, "web", "optin.confirm", obj, NULL, f))
		return -1;
	/* A new person gets the defaults; a known one keeps their wishes. */
	if (participant_get(db, o.email, &p, &pf) != 0) {
		if (pf.kind != FAULT_NOTFOUND) {
			*f = pf;
			goto giveback;
		}
		pin.email = o.email;
		pin.name = o.name[0] ? o.name : NULL;
		pin.lang = o.lang;
		memset(&pf, 0, sizeof(pf));
		if (participant_add(db, &pin, 0, "web", &pid, &pf) &&
		    pf.kind != FAULT_CONFLICT) {
			*f = pf;
			goto giveback;
		}
	}
	memset(&pf, 0, sizeof(pf));
	if (reg_register(db, o.event_id, o.email, o.occurrence[0] ?
	    o.occurrence : NULL, 0, "web", res, &pf) == 0) {
		*done = OPTIN_REGISTERED;
		return 0;
	}
	switch (pf.kind) {
	case FAULT_CONFLICT:
		/* Registered before, or the session no longer takes any. */
		*done = strstr(pf.msg, "is already") ? OPTIN_ALREADY :
		    OPTIN_REFUSED;
		return 0;
	case FAULT_NOTFOUND:
	case FAULT_INVALID:
		*done = OPTIN_REFUSED;
		return 0;
	default:
		*f = pf;
		break;
	}
giveback:
	/* Nothing was registered: the link works again. */
	if (store_begin(db) == 0) {
		if (optin_mark(db, o.id, 0) < 0)
			store_rollback(db);
		else if (store_commit(db))
			store_rollback(db);
	}
	return -1;
}

/* ---- the personal link ---- */

int
schedule_participant_link(sqlite3 *db, const char *email,
    const char *base_url, long per_day, int *mailed, struct fault *f)
{
	struct participant p;
	struct fault pf = { 0 };
	char obj[40];
	long sent;

	*mailed = 0;
	if (store_begin_f(db, f))
		return -1;
	if (participant_get(db, email, &p, &pf) != 0) {
		store_rollback(db);
		if (pf.kind == FAULT_NOTFOUND || pf.kind == FAULT_INVALID)
			return 0;
		*f = pf;
		return -1;
	}
	/* An id is no address: only the address itself finds the person. */
	if (strcasecmp(p.email, email) != 0) {
		store_rollback(db);
		return 0;
	}
	if ((sent = melink_mails_today(db, p.email)) < 0) {
		store_fault(f, db);
		store_rollback(db);
		return -1;
	}
	if (sent >= per_day) {
		store_rollback(db);
		return 0;
	}
	if (melink_renew(db, &p, base_url, f)) {
		store_rollback(db);
		return -1;
	}
	snprintf(obj, sizeof(obj), "participant %lld", (long long)p.id);
	if (store_finish(db, "web", "participant.link", obj, NULL, f))
		return -1;
	*mailed = 1;
	return 0;
}

/* ---- the nightly thread ---- */

static pthread_t	 nightly_thread;
static pthread_mutex_t	 nightly_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 nightly_cond = PTHREAD_COND_INITIALIZER;
static int		 nightly_running, nightly_stopping;

/* The next 03:00 in the configured zone after now. */
static time_t
next_night(time_t now)
{
	icaltimezone *z = when_zone(conf_current()->timezone);
	struct icaltimetype lt = when_local(now, z);
	time_t t;

	if (lt.hour >= 3)
		icaltime_adjust(&lt, 1, 0, 0, 0);
	lt.hour = 3;
	lt.minute = lt.second = 0;
	if (when_from_local(NULL, "", lt, z, &t) || t <= now)
		t = now + 86400;
	return t;
}

/*
 * Drop web requests whose link expired or was used and link mails older
 * than a link lives (and than the one day the per-address limit counts).
 */
static void
purge_web_requests(sqlite3 *db)
{
	long keep = (long)conf_current()->web_confirm_hours * 3600;

	if (keep < 86400)
		keep = 86400;
	if (store_begin(db))
		return;
	if (optin_purge(db, clock_now(), keep)) {
		log_warnx("web requests: cannot purge: %s", sqlite3_errmsg(db));
		store_rollback(db);
		return;
	}
	store_commit(db);
}

/*
 * Registrations, check-ins and sent mail of sessions that ended more
 * than retention.days ago (retention.c); the reports keep their counts.
 */
static void
purge_old_sessions(sqlite3 *db)
{
	struct retention_done done;
	struct fault f = { 0 };
	time_t cutoff = clock_now() -
	    (time_t)conf_current()->retention_days * 86400;

	if (retention_purge(db, cutoff, &done, &f)) {
		log_warnx("retention: cannot remove old registrations: %s",
		    f.msg);
		return;
	}
	log_info("retention: %ld registration(s), %ld check-in(s) and %ld "
	    "message(s) of sessions that ended over %d days ago removed",
	    done.registrations, done.checkins, done.messages,
	    conf_current()->retention_days);
}

#define WAITING_AGAIN	(3 * 86400L)	/* a request's reminder: days before */

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * backup.dir: tonight's copy of the database, hersteld-YYYY-MM-DD.db
 * (the configured zone's date; the same night twice replaces it), and
 * only the newest backup.keep copies of that name are kept.
 */
static void
nightly_backup(sqlite3 *db)
{
	const struct conf *c = conf_current();
	char path[4200], err[512], day[16], *names[1024];
	struct dirent *de;
	long long bytes;
	DIR *dir;
	int n = 0;

	if (c->backup_dir[0] == '\0')
		return;
	/* Made when missing, for the daemon's user alone. */
	if (mkdir(c->backup_dir, 0700) != 0 && errno != EEXIST) {
		log_warnx("backup: none made: %s: %s", c->backup_dir,
		    strerror(errno));
		return;
	}
	when_format_date(clock_now(), when_zone(c->timezone), day);
	snprintf(path, sizeof(path), "%s/hersteld-%s.db", c->backup_dir, day);
	if (store_copy(db, path, &bytes, err, sizeof(err))) {
		log_warnx("backup: none made: %s", err);
		return;
	}
	log_info("backup: %s (%lld bytes)", path, bytes);
	if ((dir = opendir(c->backup_dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL && n < 1024) {
		size_t len = strlen(de->d_name);

		/* Only the daemon's own copies: hersteld-YYYY-MM-DD.db */
		if (len == 22 && strncmp(de->d_name, "hersteld-", 9) == 0 &&
		    strcmp(de->d_name + 19, ".db") == 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++) {
		if (i < n - c->backup_keep) {
			snprintf(path, sizeof(path), "%s/%s", c->backup_dir,
			    names[i]);
			if (unlink(path) != 0)
				log_warnx("backup: cannot remove %s: %s", path,
				    strerror(errno));
		}
		free(names[i]);
	}
}

/*
 * Booking requests still waiting when their first coming date is near:
 * their location is mailed once more (notice_booking_waiting, again).
 */
static void
remind_waiting_bookings(sqlite3 *db)
{
	struct fault f = { 0 };
	sqlite3_stmt *st;
	int64_t ids[256];
	time_t now = clock_now();
	int n = 0, rc;

	if (store_begin(db))
		return;
	if ((st = store_prepare(db, "SELECT b.id FROM booking b WHERE b.status "
	    "= 'requested' AND (SELECT min(s.start) FROM booking_slot s WHERE "
	    "s.booking_id = b.id AND s.start > ?1) <= ?2 ORDER BY b.id "
	    "LIMIT 256")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now + WAITING_AGAIN);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	for (int i = 0; i < n; i++)
		if (notice_booking_waiting(db, ids[i], 1, &f))
			goto fail;
	if (store_commit(db) == 0)
		return;
fail:
	log_warnx("booking requests: cannot remind their locations: %s",
	    f.kind != FAULT_NONE ? f.msg : sqlite3_errmsg(db));
	store_rollback(db);
}

/* Whether the daemon is stopping: long jobs leave off. */
static int
nightly_stop(void)
{
	int v;

	pthread_mutex_lock(&nightly_lock);
	v = nightly_stopping;
	pthread_mutex_unlock(&nightly_lock);
	return v;
}

static void *
nightly_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&nightly_lock);
	while (!nightly_stopping) {
		struct timespec until = { 0 };
		sqlite3 *db;
		long n;

		pthread_mutex_unlock(&nightly_lock);
		/* Each job is idempotent: one the daemon stops before runs
		 * at the next start. */
		if ((db = store_db()) != NULL &&
		    (n = booking_roll(db, clock_now())) > 0)
			log_info("horizon: %ld new occurrence(s) held", n);
		/* Reminders of what the planning window newly reaches. */
		if (db != NULL && !nightly_stop())
			reg_plan_all(db, nightly_stop);
		/* The night's copy of the database, when configured. */
		if (db != NULL && !nightly_stop())
			nightly_backup(db);
		/* Requests whose date nears while they still wait. */
		if (db != NULL && !nightly_stop())
			remind_waiting_bookings(db);
		/* What is kept of people past retention.days. */
		if (db != NULL && !nightly_stop())
			purge_old_sessions(db);
		/* Addresses of web requests nobody confirmed, and link mails. */
		if (db != NULL && !nightly_stop())
			purge_web_requests(db);
		/* An erasure whose log could not be emptied then is now. */
		if (db != NULL && !nightly_stop())
			store_checkpoint(db);
		until.tv_sec = next_night(clock_now());
		pthread_mutex_lock(&nightly_lock);
		while (!nightly_stopping && pthread_cond_timedwait(&nightly_cond,
		    &nightly_lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&nightly_lock);
	return NULL;
}

int
schedule_nightly_start(void)
{
	if (pthread_create(&nightly_thread, NULL, nightly_main, NULL) != 0)
		return -1;
	nightly_running = 1;
	return 0;
}

void
schedule_nightly_stop(void)
{
	if (!nightly_running)
		return;
	pthread_mutex_lock(&nightly_lock);
	nightly_stopping = 1;
	pthread_cond_signal(&nightly_cond);
	pthread_mutex_unlock(&nightly_lock);
	pthread_join(nightly_thread, NULL);
	nightly_running = 0;
}

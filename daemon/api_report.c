/*
 * Accountability over the API: attendance, reports, and the audit trail.
 *
 *   POST attendance {event[, occurrence], count}   admin, owning organizer
 *   GET  attendance/EVENT                          whoever sees the event
 *   GET  reports/groups?from&to[&group]   admin: all; organizer: its own
 *   GET  reports/rooms?from&to[&location] admin: all; manager: its own
 *   GET  audit[?from&to&actor]            admin only
 *
 * The route table at the end says who may call what; the handlers check
 * the event, the group and the location.  Periods are dates (YYYY-MM-DD,
 * both included) or times; they are read in the configured zone, room
 * reports in each location's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/attendance.h"
#include "hersteld/audit.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/report.h"
#include "hersteld/report_cache.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

#define REPORT_MAX_DAYS	3660

/* ---- attendance ---- */

struct att_ctx {
	json_t			*a;
	const struct event	*ev;
};

static int
push_att(const struct attendance *at, void *arg)
{
	struct att_ctx *x = arg;
	char d[16];

	when_format_date(at->occurrence, x->ev->zone, d);
	json_array_append_new(x->a, json_pack("{s:o, s:o, s:I, s:o}",
	    "occurrence", at->occurrence ? json_string(d) : json_null(),
	    "start", api_time_z(at->start, x->ev->zone),
	    "count", (json_int_t)at->count,
	    "recorded", api_time_z(at->recorded, x->ev->zone)));
	return 0;
}

static void
answer_attendance(struct api_resp *resp, const struct event *ev,
    unsigned int status)
{
	struct att_ctx x = { json_array(), ev };
	struct fault f = { 0 };

	if (attendance_list(store_db(), ev->id, push_att, &x, &f)) {
		json_decref(x.a);
		api_fault(resp, &f);
		return;
	}
	resp->status = status;
	resp->json = x.a;
}

static void
attendance_show(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	int64_t id;

	if (api_id(r->seg[1], "event", &id, resp) ||
	    (ev = api_event_for(r, resp, id, STANDING_NONE, "see it")) == NULL)
		return;
	answer_attendance(resp, ev, 200);
	event_free(ev);
}

static void
attendance_record_(const struct api_req *r, struct api_resp *resp)
{
	struct event *ev;
	struct fault f = { 0 };
	const char *occurrence = NULL;
	json_int_t event_id = 0, count = -1;

	if (api_unpack(r, resp, "{s:I, s?s, s:I}", "event", &event_id,
	    "occurrence", &occurrence, "count", &count))
		return;
	if (event_id < 1) {
		api_error(resp, 404, "not_found", "unknown event %lld",
		    (long long)event_id);
		return;
	}
	if ((ev = api_event_for(r, resp, event_id, STANDING_OWNER,
	    "record its attendance")) == NULL)
		return;
	if (attendance_record(store_db(), event_id, occurrence,
	    count > ATTENDANCE_MAX ? -1 : (long)count, api_actor(r), &f))
		api_fault(resp, &f);
	else
		answer_attendance(resp, ev, 200);
	event_free(ev);
}

/* ---- reports ---- */

static int
parse_days(const struct api_req *r, struct api_resp *resp,
    struct report_days *d)
{
	const char *a = r->query(r->query_arg, "from");
	const char *b = r->query(r->query_arg, "to");
	icaltimezone *z = when_zone(conf_current()->timezone);
	struct fault f = { 0 };

	if (a == NULL || b == NULL) {
		api_error(resp, 422, "invalid", "give --from DATE and --to DATE");
		return -1;
	}
	if (when_parse_date(&f, "--from", a, z, &d->fy, &d->fm, &d->fd) ||
	    when_parse_date(&f, "--to", b, z, &d->ty, &d->tm, &d->td)) {
		api_fault(resp, &f);
		return -1;
	}
	if (d->ty * 10000 + d->tm * 100 + d->td <
	    d->fy * 10000 + d->fm * 100 + d->fd) {
		api_error(resp, 422, "invalid", "--to (%s) is before --from (%s)",
		    b, a);
		return -1;
	}
	if ((d->ty - d->fy) * 366 > REPORT_MAX_DAYS) {
		api_error(resp, 422, "invalid", "a report covers at most %d days",
		    REPORT_MAX_DAYS);
		return -1;
	}
	return 0;
}

static int
push_group(const struct report_group *g, void *arg)
{
	json_t *kinds = json_object();

	for (int k = 0; k < REPORT_KINDS; k++)
		json_object_set_new(kinds, report_kinds[k],
		    json_integer(g->sessions[k]));
	json_array_append_new(arg, json_pack("{s:o, s:s, s:o, s:I, s:f, s:I, "
	    "s:I, s:I, s:I}",
	    "group", g->group[0] ? json_string(g->group) : json_null(),
	    "name", g->group[0] ? g->name : "(no group)",
	    "sessions", kinds, "sessions_total", (json_int_t)g->sessions_total,
	    "hours", (double)(g->minutes * 100 / 60) / 100.0,
	    "minutes", (json_int_t)g->minutes,
	    "registrations", (json_int_t)g->registrations,
	    "attendance", (json_int_t)g->attendance,
	    "cancelled", (json_int_t)g->cancelled));
	return 0;
}

static int
push_room(const struct report_room *m, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:f, s:f, s:o, "
	    "s:I, s:I, s:I}",
	    "room", m->room, "name", m->name, "month", m->month,
	    "hours_booked", (double)(m->booked_minutes * 100 / 60) / 100.0,
	    "hours_open", (double)(m->open_minutes * 100 / 60) / 100.0,
	    "occupancy", m->open_minutes > 0 ? json_real((double)(
	    m->booked_minutes * 1000 / m->open_minutes) / 10.0) : json_null(),
	    "minutes_booked", (json_int_t)m->booked_minutes,
	    "minutes_open", (json_int_t)m->open_minutes,
	    "declined", (json_int_t)m->declined));
	return 0;
}

static void
report_groups_api(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	icaltimezone *z = when_zone(conf_current()->timezone);
	const char *slug = r->query(r->query_arg, "group");
	struct report_days d;
	struct group g;
	struct fault f = { 0 };
	time_t from, to;
	int64_t only = 0;
	char a[16], b[16];
	json_t *rows;

	if (parse_days(r, resp, &d))
		return;
	if (slug && group_get(db, slug, &g, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (slug)
		only = g.id;
	if (r->who->role == ROLE_ORGANIZER) {
		if (slug && only != r->who->group_id) {
			api_error(resp, 403, "forbidden", "an organizer sees the "
			    "report of its own group only");
			return;
		}
		only = r->who->group_id;
	}
	snprintf(a, sizeof(a), "%04d-%02d-%02d", d.fy, d.fm, d.fd);
	snprintf(b, sizeof(b), "%04d-%02d-%02d", d.ty, d.tm, d.td);
	if (when_parse(&f, "--from", a, z, &from) ||
	    when_parse(&f, "--to", b, z, &to)) {
		api_fault(resp, &f);
		return;
	}
	to = api_next_day(to, z);
	rows = json_array();
	if (report_groups_cached(db, from, to, only, push_group, rows, &f)) {
		json_decref(rows);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = rows;
}

static void
report_rooms_api(const struct api_req *r, struct api_resp *resp)
{
	sqlite3 *db = store_db();
	const char *slug = r->query(r->query_arg, "location");
	struct report_days d;
	struct location l;
	struct fault f = { 0 };
	int64_t only = 0;
	json_t *rows;

	if (parse_days(r, resp, &d))
		return;
	if (slug && location_get(db, slug, &l, &f)) {
		api_fault(resp, &f);
		return;
	}
	if (slug)
		only = l.id;
	if (r->who->role == ROLE_LOCATION_MANAGER) {
		if (slug && only != r->who->location_id) {
			api_error(resp, 403, "forbidden", "a location manager sees "
			    "the report of its own location only");
			return;
		}
		only = r->who->location_id;
	}
	rows = json_array();
	if (report_rooms_cached(db, &d, only, push_room, rows, &f)) {
		json_decref(rows);
		api_fault(resp, &f);
		return;
	}
	resp->status = 200;
	resp->json = rows;
}

static void
report_unknown(const struct api_req *r, struct api_resp *resp)
{
	api_error(resp, 404, "not_found", "no report \"%.40s\" (groups, "
	    "rooms)", r->seg[1]);
}

/* ---- audit ---- */

static int
push_audit(const struct audit_row *a, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s}",
	    "id", (json_int_t)a->id,
	    "at", api_time(a->at, conf_current()->timezone),
	    "actor", a->actor, "action", a->action, "object", a->object,
	    "detail", a->detail));
	return 0;
}

static void
audit(const struct api_req *r, struct api_resp *resp)
{
	struct fault f = { 0 };
	time_t from, to;
	int truncated;
	json_t *rows;

	if (api_period(r, resp, 0, &from, &to))
		return;
	rows = json_array();
	if (audit_list(store_db(), from, to, r->query(r->query_arg, "actor"),
	    push_audit, rows, &truncated, &f)) {
		json_decref(rows);
		api_fault(resp, &f);
		return;
	}
	if (truncated) {
		json_decref(rows);
		api_error(resp, 422, "too_large", "more than %d audit rows in "
		    "this period; narrow it with --from and --to",
		    AUDIT_MAX_ROWS);
		return;
	}
	resp->status = 200;
	resp->json = rows;
}

const struct api_route api_report_routes[] = {
	{ "GET",	"attendance/:event",	API_ANYONE,	attendance_show,
	    NULL },
	{ "POST",	"attendance",		API_ADMIN | API_ORGANIZER,
	    attendance_record_,
	    "only an admin or an event's organizers may record its attendance" },
	{ "GET",	"reports/groups",	API_ADMIN | API_ORGANIZER,
	    report_groups_api,
	    "group reports are for the admin and organizers" },
	{ "GET",	"reports/rooms",	API_ADMIN | API_MANAGER,
	    report_rooms_api,
	    "room reports are for the admin and location managers" },
	{ "GET",	"reports/:report",	API_ANYONE,	report_unknown,
	    NULL },
	{ "GET",	"audit",		API_ADMIN,	audit,	NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

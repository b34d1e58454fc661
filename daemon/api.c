/*
 * What the API's handlers share: every error shaped the same way, bodies
 * read strictly, ids, times and periods, and the questions several nouns
 * ask of the caller (the events and bookings it sees, the event it may
 * act on, the people it may name).  The router is api_route.c; nothing
 * here knows a route or a handler.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/booking.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

void
api_error(struct api_resp *resp, unsigned int status, const char *code,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Messages echo input; a cut may split a character.  JSON needs UTF-8. */
	text_sanitize(msg);
	json_decref(resp->json);
	resp->status = status;
	resp->json = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", code,
	    "message", msg, "details");
}

void
api_fault(struct api_resp *resp, const struct fault *f)
{
	static const struct {
		unsigned int	 status;
		const char	*code;
	} map[] = {
		[FAULT_NONE] =		{ 500, "internal" },
		[FAULT_INVALID] =	{ 422, "invalid" },
		[FAULT_BADREQ] =	{ 400, "bad_request" },
		[FAULT_NOTFOUND] =	{ 404, "not_found" },
		[FAULT_CONFLICT] =	{ 409, "conflict" },
		[FAULT_FORBIDDEN] =	{ 403, "forbidden" },
		[FAULT_INTERNAL] =	{ 500, "internal" },
		[FAULT_UNAVAILABLE] =	{ 503, "unavailable" },
	};

	api_error(resp, map[f->kind].status, map[f->kind].code, "%s",
	    f->kind == FAULT_NONE ? "internal error" : f->msg);
}

void
api_refused(struct api_resp *resp, const struct fault *f,
    const struct conflicts *c, const char *tz)
{
	json_t *details;

	api_fault(resp, f);
	if (c == NULL || c->n == 0 || resp->json == NULL ||
	    (details = json_array()) == NULL)
		return;
	for (int i = 0; i < c->n; i++)
		json_array_append_new(details, json_pack("{s:o, s:o, s:s, s:s}",
		    "start", api_time(c->v[i].start, tz),
		    "end", api_time(c->v[i].end, tz), "kind", c->v[i].kind,
		    "text", c->v[i].text));
	json_object_set_new(json_object_get(resp->json, "error"), "details",
	    details);
}

int
api_unpack(const struct api_req *r, struct api_resp *resp, const char *fmt, ...)
{
	json_error_t e;
	va_list ap;
	int rc;

	if (r->body == NULL || !json_is_object(r->body)) {
		api_error(resp, 400, "bad_request", "the request needs a JSON object body");
		return -1;
	}
	va_start(ap, fmt);
	rc = json_vunpack_ex(r->body, &e, JSON_STRICT, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		/* jansson says "1 object item(s) left unpacked: foo" for extras. */
		if (strncmp(e.text, "Object item not found: ", 23) == 0)
			api_error(resp, 422, "invalid", "%s is required",
			    e.text + 23);
		else if (strstr(e.text, "left unpacked"))
			api_error(resp, 422, "unknown_field", "unknown field in "
			    "request: %s", strchr(e.text, ':') ?
			    strchr(e.text, ':') + 2 : e.text);
		else
			api_error(resp, 422, "invalid", "bad request field: %s",
			    e.text);
		return -1;
	}
	return 0;
}

json_t *
api_time(time_t t, const char *tz)
{
	icaltimezone *z = when_zone(tz);
	char buf[32];

	if (z == NULL)
		z = icaltimezone_get_utc_timezone();
	when_format_iso(t, z, buf);
	return json_string(buf);
}

json_t *
api_time_z(time_t t, icaltimezone *zone)
{
	char buf[32];

	when_format_iso(t, zone, buf);
	return json_string(buf);
}

json_t *
api_tags(const char *list)
{
	json_t *a = json_array();
	const char *p = list, *c;

	while (a && p && *p) {
		c = strchr(p, ',');
		json_array_append_new(a, json_stringn(p, c ? (size_t)(c - p) :
		    strlen(p)));
		p = c ? c + 1 : NULL;
	}
	return a;
}

int
api_id(const char *seg, const char *what, int64_t *out, struct api_resp *resp)
{
	char *end;
	long long v;

	v = strtoll(seg, &end, 10);
	if (*seg == '\0' || *end != '\0' || v <= 0) {
		api_error(resp, 404, "not_found", "unknown %s \"%.40s\"", what, seg);
		return -1;
	}
	*out = v;
	return 0;
}

const char *
api_actor(const struct api_req *r)
{
	return r->who->name;
}

void
api_event_scope(const struct principal *who, struct event_scope *s)
{
	int64_t *cohosted = NULL;

	memset(s, 0, sizeof(*s));
	s->all = who->role == ROLE_ADMIN;
	if (who->role == ROLE_ORGANIZER) {
		s->group_id = who->group_id;
		if (cohost_events(store_db(), who->group_id, &cohosted,
		    &s->ncohosted) == 0)
			s->cohosted = cohosted;
	}
	if (who->role == ROLE_LOCATION_MANAGER)
		s->location_id = who->location_id;
}

void
api_booking_viewer(const struct principal *who, struct booking_viewer *v)
{
	memset(v, 0, sizeof(*v));
	v->all = who->role == ROLE_ADMIN;
	if (who->role == ROLE_ORGANIZER)
		v->group_id = who->group_id;
	if (who->role == ROLE_LOCATION_MANAGER)
		v->location_id = who->location_id;
}

int64_t
api_people_group(const struct api_req *r)
{
	if (r->who->role == ROLE_ADMIN)
		return 0;
	/* Anyone else without a group may name nobody (never "all"). */
	return r->who->group_id > 0 ? r->who->group_id : -1;
}

struct event *
api_event_for(const struct api_req *r, struct api_resp *resp, int64_t id,
    int need, const char *doing)
{
	sqlite3 *db = store_db();
	struct event_scope scope;
	struct fault f = { 0 };
	struct event *ev;
	enum standing s;

	if ((ev = event_get(db, id, &f)) == NULL) {
		api_fault(resp, &f);
		return NULL;
	}
	s = cohost_standing(db, ev, r->who);
	if (need > STANDING_NONE && (int)s >= need)
		return ev;
	api_event_scope(r->who, &scope);
	if (!event_visible(ev, &scope))
		api_error(resp, 404, "not_found", "unknown event %lld",
		    (long long)id);
	else if (need == STANDING_NONE) {
		free((void *)scope.cohosted);
		return ev;
	} else
		api_error(resp, 403, "forbidden", "only an admin or the "
		    "organizers of event %lld's group%s may %s",
		    (long long)id, need <= STANDING_COHOST ? " and its co-hosts" :
		    "", doing);
	free((void *)scope.cohosted);
	event_free(ev);
	return NULL;
}

/* A bare date "YYYY-MM-DD". */
static int
is_date(const char *s)
{
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

time_t
api_next_day(time_t t, icaltimezone *z)
{
	struct icaltimetype lt = when_local(t, z);
	time_t out;

	icaltime_adjust(&lt, 1, 0, 0, 0);
	return when_from_local(NULL, "", lt, z, &out) ? t + 86400 : out;
}

int
api_period(const struct api_req *r, struct api_resp *resp, int required,
    time_t *from, time_t *to)
{
	icaltimezone *z = when_zone(conf_current()->timezone);
	const char *a = r->query(r->query_arg, "from");
	const char *b = r->query(r->query_arg, "to");
	struct fault f = { 0 };

	if (required && (a == NULL || b == NULL)) {
		api_error(resp, 422, "invalid", "give --from and --to");
		return -1;
	}
	*from = 0;
	*to = (time_t)1 << 40;
	if (a && when_parse(&f, "--from", a, z, from))
		goto fault;
	if (b) {
		if (when_parse(&f, "--to", b, z, to))
			goto fault;
		if (is_date(b))		/* the whole day */
			*to = api_next_day(*to, z);
	}
	if (*to <= *from) {
		api_error(resp, 422, "invalid", "--to (%s) is before --from (%s)",
		    b, a ? a : "");
		return -1;
	}
	return 0;
fault:
	api_fault(resp, &f);
	return -1;
}

int
api_email_arg(json_t *v, const char **out, struct api_resp *resp)
{
	if (v == NULL)
		return 0;
	if (json_is_null(v))
		*out = "";
	else if (json_is_string(v))
		*out = json_string_value(v);
	else {
		api_error(resp, 422, "invalid", "bad request field: email must "
		    "be a string or null");
		return -1;
	}
	return 0;
}

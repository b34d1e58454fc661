/*
 * The JSON API core: parse the body, route by the first path segment, and
 * shape every error the same way.  Body size is capped by the HTTP layer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/booking.h"
#include "hersteld/log.h"
#include "hersteld/when.h"

static const struct {
	const char	*noun;
	void		(*fn)(const struct api_req *, struct api_resp *);
} routes[] = {
	{ "locations",	api_locations },
	{ "rooms",	api_rooms },
	{ "closures",	api_closures },
	{ "groups",	api_groups },
	{ "events",	api_events },
	{ "tokens",	api_tokens },
	{ "bookings",	api_bookings },
	{ "feeds",	api_feeds },
	{ "import",	api_import },
	{ "participants", api_participants },
	{ "outbox",	api_outbox },
	{ "cohosts",	api_cohosts },
	{ "topics",	api_topics },
	{ "signals",	api_signals },
	{ "attendance",	api_attendance },
	{ "reports",	api_reports },
	{ "audit",	api_audit },
};

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

int
api_need_admin(const struct api_req *r, struct api_resp *resp)
{
	if (r->who->role == ROLE_ADMIN)
		return 0;
	api_error(resp, 403, "forbidden", "only an admin may do this");
	return -1;
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
api_handle(const char *method, const char *path, const char *body,
    size_t bodylen, const struct principal *who,
    const char *(*query)(void *, const char *), void *query_arg,
    struct api_resp *resp)
{
	struct api_req r = { 0 };
	char *copy = NULL, *tok;
	json_error_t e;

	resp->status = 500;
	resp->json = NULL;
	r.method = method;
	r.who = who;
	r.query = query;
	r.query_arg = query_arg;

	if (body != NULL && bodylen > 0) {
		r.body = json_loadb(body, bodylen, JSON_REJECT_DUPLICATES, &e);
		if (r.body == NULL) {
			api_error(resp, 400, "bad_json", "malformed JSON at line "
			    "%d, column %d: %s", e.line, e.column, e.text);
			return;
		}
	}
	if ((copy = strdup(path)) == NULL) {
		api_error(resp, 500, "internal", "out of memory");
		goto done;
	}
	/*
	 * Split on '/' keeping empty segments: "locations/x/" or
	 * "rooms/a//b" must never reach another object (MHD has already
	 * decoded %2F into '/').
	 */
	tok = copy[0] == '/' ? copy + 1 : copy;
	if (*tok != '\0') {
		for (;;) {
			char *slash = strchr(tok, '/');

			if (slash)
				*slash = '\0';
			if (*tok == '\0' ||
			    r.nseg == (int)(sizeof(r.seg) / sizeof(r.seg[0]))) {
				api_error(resp, 404, "not_found", "no such API "
				    "path: %.100s", path);
				goto done;
			}
			r.seg[r.nseg++] = tok;
			if (slash == NULL)
				break;
			tok = slash + 1;
		}
	}
	if (r.nseg == 0) {
		resp->status = 200;
		resp->json = json_pack("{s:s}", "api", "hersteld v1");
		goto done;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(r.seg[0], routes[i].noun) == 0) {
			routes[i].fn(&r, resp);
			goto done;
		}
	api_error(resp, 404, "not_found", "no such API path: /%.100s", path);
done:
	if (resp->json == NULL && resp->status != 204)
		api_error(resp, 500, "internal", "internal error");
	json_decref(r.body);
	free(copy);
}

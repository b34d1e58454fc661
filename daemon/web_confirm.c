/*
 * The confirmation link (/confirm/TOKEN).  GET only shows the session
 * and one button, because mail scanners open links; POST, with the
 * form's signed token, confirms through schedule_optin_confirm, once.
 * A link that was used or has expired says so (410); one that never
 * existed, or was purged, is 404.  Neither page changes anything.
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/event.h"
#include "hersteld/log.h"
#include "hersteld/optin.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

static enum MHD_Result
gone(const struct web_req *r, enum optin_state state)
{
	switch (state) {
	case OPTIN_USED:
		return web_message(r, 410, T_LINK_AGAIN, T_LINK_USED);
	case OPTIN_EXPIRED:
		return web_message(r, 410, T_LINK_AGAIN, T_LINK_EXPIRED);
	default:
		return web_message(r, 404, T_LINK_AGAIN, T_LINK_UNKNOWN);
	}
}

static enum MHD_Result
show(const struct web_req *r, const char *token, const struct optin *o)
{
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	struct event *ev;
	struct occurrence occ;
	char purpose[128], csrf[160], when[80];
	time_t rid = 0;
	struct html h;

	if ((ev = event_get(db, o->event_id, &f)) == NULL)
		return gone(r, OPTIN_UNKNOWN);
	snprintf(purpose, sizeof(purpose), "confirm:%s", token);
	if (web_csrf_make(purpose, csrf, sizeof(csrf))) {
		event_free(ev);
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
	if (o->occurrence[0] && event_pick(ev, o->occurrence, &rid, &f) != 0)
		rid = 0;
	event_occurrence(ev, rid ? rid : ev->start, &occ);
	web_when(r, ev->zone, ev->days, occ.start, occ.end, 1, when,
	    sizeof(when));
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_CONFIRM), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_CONFIRM));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_CONFIRM_TEXT));
	html_raw(&h, "</p>\n<p><strong>");
	html_txt(&h, ev->title);
	html_raw(&h, "</strong><br>\n");
	if (ev->rrule[0] && rid == 0) {
		html_txt(&h, web_t(r, T_WHOLE_SERIES_OF));
		html_raw(&h, ", ");
	}
	html_txt(&h, when);
	html_raw(&h, "</p>\n<form method=\"post\" action=\"/confirm/");
	html_url(&h, token);
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, csrf);
	html_raw(&h, "\">\n<button type=\"submit\">");
	html_txt(&h, web_t(r, T_CONFIRM_BUTTON));
	html_raw(&h, "</button>\n</form>\n");
	web_foot(&h, r);
	event_free(ev);
	return web_finish(r, &h, 200);
}

enum MHD_Result
web_confirm(const struct web_req *r, const char *token)
{
	struct web_form form = { .names = { "csrf" } };
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	struct optin o;
	struct reg_result res;
	enum optin_state state;
	enum optin_done done;
	char purpose[128];

	if (db == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	if (!optin_token_ok(token))
		return gone(r, OPTIN_UNKNOWN);
	if (strcmp(r->method, "POST") != 0) {
		if (optin_find(db, token, &o, &state))
			return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
		return state == OPTIN_VALID ? show(r, token, &o) :
		    gone(r, state);
	}
	snprintf(purpose, sizeof(purpose), "confirm:%s", token);
	if (web_form_parse(r->c, r->body, r->len, &form) || form.too_long ||
	    !web_csrf_check(purpose, web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	if (schedule_optin_confirm(db, token, &done, &state, &res, &f) != 0) {
		log_warnx("web: a confirmation could not be completed: %s",
		    f.msg);
		return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
	}
	switch (done) {
	case OPTIN_REGISTERED:
		return strcmp(res.status, "waitlist") == 0 ?
		    web_message(r, 200, T_WAITLISTED, T_WAITLISTED_TEXT) :
		    web_message(r, 200, T_REGISTERED, T_REGISTERED_TEXT);
	case OPTIN_ALREADY:
		return web_message(r, 200, T_ALREADY, T_ALREADY_TEXT);
	case OPTIN_REFUSED:
		return web_message(r, 409, T_REFUSED, T_REFUSED_TEXT);
	default:
		return gone(r, state);
	}
}

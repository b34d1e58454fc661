/*
 * The personal page (/me/TOKEN) and asking for a new link (/link).  The
 * token is the personal link every mail carries (melink.h); an unknown
 * or replaced one gets the same 404 as any missing page.  GET only
 * shows; every change is a POST with the page's signed form token
 * (purpose "me:TOKEN"; "me-forget:TOKEN" for erasure, so that no other
 * form's token erases anyone), done by the same domain functions herstelctl
 * uses: reg_unregister (the waiting list moves up), schedule_participant
 * _edit (reminders planned anew), the one-click unsubscribe, and
 * schedule_participant_forget.  /link answers alike whether the address
 * is known or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/log.h"
#include "hersteld/melink.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

#define ME_DAYS		92	/* how far ahead the page lists dates */
#define ME_ROWS		200	/* registrations shown at most */

struct me {
	const struct web_req	*r;
	struct html		*h;
	const char		*token;
	char			 csrf[160];
	const struct event	*ev;
	char			 ev_id[24];	/* ev's id, for the forms */
	time_t			*out;		/* dates sat out */
	int			 nout;
	time_t			 now;
	int			 shown;
};

static enum MHD_Result
gone(const struct web_req *r)
{
	return web_message(r, 404, T_NOT_FOUND, T_ME_GONE_TEXT);
}

/* The form's opening tag and its token, to /me/TOKEN/action. */
static void
form_open(struct me *m, const char *action)
{
	html_raw(m->h, "<form method=\"post\" action=\"/me/");
	html_url(m->h, m->token);
	html_raw(m->h, "/");
	html_raw(m->h, action);
	web_lang_param(m->h, m->r, 0);
	html_raw(m->h, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(m->h, m->csrf);
	html_raw(m->h, "\">\n");
}

/* One date with its button; date "" for the whole event or series. */
static void
date_row(struct me *m, time_t start, const char *date, const char *status,
    enum web_text button)
{
	char when[32];

	when_format_local(start, m->ev->zone, when);
	html_raw(m->h, "<li>");
	html_txt(m->h, when);
	if (strcmp(status, "waitlist") == 0) {
		html_raw(m->h, " \xc2\xb7 ");
		html_txt(m->h, web_t(m->r, T_ON_WAITLIST));
	}
	form_open(m, "unregister");
	html_raw(m->h, "<input type=\"hidden\" name=\"event\" value=\"");
	html_attr(m->h, m->ev_id);
	html_raw(m->h, "\">\n<input type=\"hidden\" name=\"date\" value=\"");
	html_attr(m->h, date);
	html_raw(m->h, "\">\n<button type=\"submit\">");
	html_txt(m->h, web_t(m->r, button));
	html_raw(m->h, "<span class=\"hp\"> ");
	html_txt(m->h, m->ev->title);
	html_raw(m->h, " ");
	html_txt(m->h, when);
	html_raw(m->h, "</span></button>\n</form></li>\n");
	m->shown++;
}

static int
series_date(const struct occurrence *o, void *arg)
{
	struct me *m = arg;
	char day[16];

	if (o->end <= m->now || o->cancelled)
		return 0;
	for (int i = 0; i < m->nout; i++)
		if (m->out[i] == o->recurrence_id)
			return 0;
	when_format_date(o->recurrence_id, m->ev->zone, day);
	date_row(m, o->start, day, "going", T_UNREGISTER);
	return 0;
}

/* One event's registrations of the person: rows [0, n) of its rows. */
static void
event_rows(struct me *m, sqlite3 *db, int64_t eid, const time_t *occ,
    char status[][12], int n)
{
	struct fault f = { 0 };
	struct event *ev;
	struct occurrence o;
	time_t out[ME_ROWS];
	int nout = 0, whole = -1;
	char day[16];

	if ((ev = event_get(db, eid, &f)) == NULL)
		return;
	if (strcmp(ev->status, "cancelled") == 0)
		goto done;
	m->ev = ev;
	snprintf(m->ev_id, sizeof(m->ev_id), "%lld", (long long)ev->id);
	event_occurrence(ev, ev->start, &o);
	if (!ev->rrule[0] && o.end <= m->now)
		goto done;
	for (int i = 0; i < n; i++) {
		if (occ[i] == 0)
			whole = i;
		else if (strcmp(status[i], "cancelled") == 0)
			out[nout++] = occ[i];
	}
	html_raw(m->h, "<li><h3>");
	html_txt(m->h, ev->title);
	html_raw(m->h, "</h3>\n<ul>\n");
	if (whole >= 0 && ev->rrule[0]) {
		m->out = out;
		m->nout = nout;
		event_occurrences(ev, m->now, m->now + ME_DAYS * 86400L,
		    series_date, m);
		html_raw(m->h, "</ul>\n");
		form_open(m, "unregister");
		html_raw(m->h, "<input type=\"hidden\" name=\"event\" value=\"");
		html_attr(m->h, m->ev_id);
		html_raw(m->h, "\">\n<input type=\"hidden\" name=\"date\" "
		    "value=\"\">\n<button type=\"submit\">");
		html_txt(m->h, web_t(m->r, T_UNREGISTER_SERIES));
		html_raw(m->h, "</button>\n</form></li>\n");
		goto done;
	}
	if (whole >= 0) {
		event_occurrence(ev, ev->start, &o);
		if (o.end > m->now)
			date_row(m, o.start, "", status[whole], T_UNREGISTER);
	}
	for (int i = 0; i < n; i++) {
		if (occ[i] == 0 || strcmp(status[i], "cancelled") == 0)
			continue;
		event_occurrence(ev, occ[i], &o);
		if (o.end <= m->now || o.cancelled)
			continue;
		when_format_date(occ[i], ev->zone, day);
		date_row(m, o.start, day, status[i], T_UNREGISTER);
	}
	html_raw(m->h, "</ul></li>\n");
done:
	m->ev = NULL;
	event_free(ev);
}

/* The person's coming sessions, each event with its dates. */
static int
sessions(struct me *m, sqlite3 *db, int64_t pid)
{
	time_t occ[ME_ROWS];
	char status[ME_ROWS][12];
	int64_t eid[ME_ROWS];
	sqlite3_stmt *st;
	int n = 0, rc, start;

	if ((st = store_prepare(db, "SELECT event_id, occurrence, status FROM "
	    "registration WHERE participant_id = ?1 ORDER BY event_id, "
	    "occurrence LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int(st, 2, ME_ROWS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < ME_ROWS) {
		eid[n] = sqlite3_column_int64(st, 0);
		occ[n] = sqlite3_column_int64(st, 1);
		snprintf(status[n], sizeof(status[n]), "%s", store_text(st, 2));
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return -1;
	html_raw(m->h, "<ul class=\"sessions\">\n");
	for (int i = 0; i < n; i = start) {
		for (start = i; start < n && eid[start] == eid[i]; start++)
			;
		event_rows(m, db, eid[i], occ + i, status + i, start - i);
	}
	html_raw(m->h, "</ul>\n");
	return 0;
}

/* A labelled text field with its hint. */
static void
field(struct html *h, const struct web_req *r, const char *name,
    enum web_text label, enum web_text hint, const char *value)
{
	html_raw(h, "<label for=\"");
	html_raw(h, name);
	html_raw(h, "\">");
	html_txt(h, web_t(r, label));
	html_raw(h, "</label>\n<p class=\"hint\" id=\"");
	html_raw(h, name);
	html_raw(h, "-hint\">");
	html_txt(h, web_t(r, hint));
	html_raw(h, "</p>\n<input type=\"text\" id=\"");
	html_raw(h, name);
	html_raw(h, "\" name=\"");
	html_raw(h, name);
	html_raw(h, "\" aria-describedby=\"");
	html_raw(h, name);
	html_raw(h, "-hint\" maxlength=\"100\" value=\"");
	html_attr(h, value);
	html_raw(h, "\">\n");
}

static enum MHD_Result
page(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p)
{
	const struct conf *c = conf_current();
	struct html h;
	struct me m = { .r = r, .h = &h, .token = token, .now = clock_now() };
	char purpose[128], feed[600];
	const char *host;

	snprintf(purpose, sizeof(purpose), "me:%s", token);
	if (web_csrf_make(purpose, m.csrf, sizeof(m.csrf)))
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_ME), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_ME));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_ME_INTRO));
	html_raw(&h, "</p>\n<p>");
	html_txt(&h, p->name[0] ? p->name : p->email);
	if (p->name[0]) {
		html_raw(&h, " \xc2\xb7 ");
		html_txt(&h, p->email);
	}
	html_raw(&h, "</p>\n<section aria-labelledby=\"sessions\">\n"
	    "<h2 id=\"sessions\">");
	html_txt(&h, web_t(r, T_ME_SESSIONS));
	html_raw(&h, "</h2>\n");
	if (sessions(&m, db, p->id)) {
		html_free(&h);
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
	if (m.shown == 0) {
		html_raw(&h, "<p>");
		html_txt(&h, web_t(r, T_ME_NONE));
		html_raw(&h, "</p>\n");
	}
	/* Reminders, quiet hours, language. */
	html_raw(&h, "</section>\n<section aria-labelledby=\"settings\">\n"
	    "<h2 id=\"settings\">");
	html_txt(&h, web_t(r, T_SETTINGS));
	html_raw(&h, "</h2>\n");
	form_open(&m, "settings");
	field(&h, r, "remind", T_REMIND, T_REMIND_HINT, p->leads_text);
	field(&h, r, "quiet", T_QUIET, T_QUIET_HINT, p->quiet_text);
	html_raw(&h, "<label for=\"lang\">");
	html_txt(&h, web_t(r, T_LANGUAGE));
	html_raw(&h, "</label>\n<select id=\"lang\" name=\"lang\">\n"
	    "<option value=\"nl\"");
	html_raw(&h, strcmp(p->lang, "en") ? " selected" : "");
	html_raw(&h, ">");
	html_txt(&h, web_t(r, T_DUTCH));
	html_raw(&h, "</option>\n<option value=\"en\"");
	html_raw(&h, strcmp(p->lang, "en") ? "" : " selected");
	html_raw(&h, ">");
	html_txt(&h, web_t(r, T_ENGLISH));
	html_raw(&h, "</option>\n</select>\n<button type=\"submit\">");
	html_txt(&h, web_t(r, T_SAVE));
	html_raw(&h, "</button>\n</form>\n</section>\n");
	/* The personal feed. */
	html_raw(&h, "<section aria-labelledby=\"feed\">\n<h2 id=\"feed\">");
	html_txt(&h, web_t(r, T_SUBSCRIBE));
	html_raw(&h, "</h2>\n<p>");
	html_txt(&h, web_t(r, T_ME_FEED_INTRO));
	html_raw(&h, "</p>\n<ul>\n<li><a href=\"");
	snprintf(feed, sizeof(feed), "%s/feeds/personal/%s.ics",
	    c->public_url, p->feed_token);
	html_attr(&h, feed);
	html_raw(&h, "\">https</a></li>\n");
	host = strstr(c->public_url, "://");
	if (host) {
		snprintf(feed, sizeof(feed), "webcal://%s/feeds/personal/%s.ics",
		    host + 3, p->feed_token);
		html_raw(&h, "<li><a href=\"");
		html_attr(&h, feed);
		html_raw(&h, "\">webcal</a></li>\n");
	}
	html_raw(&h, "</ul>\n</section>\n");
	/* No more mail, or mail again. */
	html_raw(&h, "<section aria-labelledby=\"nomail\">\n<h2 id=\"nomail\">");
	html_txt(&h, web_t(r, T_NO_MAIL));
	html_raw(&h, "</h2>\n<p>");
	html_txt(&h, web_t(r, p->unsubscribed ? T_NO_MAIL_IS :
	    T_NO_MAIL_TEXT));
	html_raw(&h, "</p>\n");
	form_open(&m, p->unsubscribed ? "mail" : "nomail");
	html_raw(&h, "<button type=\"submit\">");
	html_txt(&h, web_t(r, p->unsubscribed ? T_MAIL_AGAIN : T_NO_MAIL));
	html_raw(&h, "</button>\n</form>\n</section>\n");
	/* Forget me: one more step. */
	html_raw(&h, "<section aria-labelledby=\"forget\">\n<h2 id=\"forget\">");
	html_txt(&h, web_t(r, T_FORGET));
	html_raw(&h, "</h2>\n<p>");
	html_txt(&h, web_t(r, T_FORGET_TEXT));
	html_raw(&h, "</p>\n<p><a href=\"/me/");
	html_url(&h, token);
	html_raw(&h, "/forget");
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">");
	html_txt(&h, web_t(r, T_FORGET_ASK));
	html_raw(&h, "</a></p>\n</section>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 200);
}

/* GET /me/TOKEN/forget: what will happen, and the one button. */
static enum MHD_Result
forget_page(const struct web_req *r, const char *token)
{
	struct html h;
	struct me m = { .r = r, .h = &h, .token = token };
	char purpose[128];

	/* Its own purpose: no other form's token can erase a person. */
	snprintf(purpose, sizeof(purpose), "me-forget:%s", token);
	if (web_csrf_make(purpose, m.csrf, sizeof(m.csrf)))
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_FORGET), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_FORGET));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_FORGET_TEXT));
	html_raw(&h, "</p>\n");
	form_open(&m, "forget");
	html_raw(&h, "<button type=\"submit\">");
	html_txt(&h, web_t(r, T_FORGET_BUTTON));
	html_raw(&h, "</button>\n</form>\n<p><a href=\"/me/");
	html_url(&h, token);
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">");
	html_txt(&h, web_t(r, T_BACK_ME));
	html_raw(&h, "</a></p>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 200);
}

/* A short page after a change, with the way back to the page. */
static enum MHD_Result
done(const struct web_req *r, const char *token, unsigned int status,
    enum web_text heading, enum web_text text)
{
	struct html h;

	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, heading), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, heading));
	html_raw(&h, "</h1>\n");
	html_raw(&h, status >= 400 ? "<div role=\"alert\"><p>" : "<p>");
	html_txt(&h, web_t(r, text));
	html_raw(&h, status >= 400 ? "</p></div>\n" : "</p>\n");
	if (token) {
		html_raw(&h, "<p><a href=\"/me/");
		html_url(&h, token);
		web_lang_param(&h, r, 0);
		html_raw(&h, "\">");
		html_txt(&h, web_t(r, T_BACK_ME));
		html_raw(&h, "</a></p>\n");
	}
	web_foot(&h, r);
	return web_finish(r, &h, status);
}

/* A POST on the page: the form's token checked, then the action. */
static enum MHD_Result
act(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, const char *action)
{
	struct web_form form = { .names = { "csrf", "event", "date",
	    "remind", "quiet", "lang" } };
	struct participant_in in = { 0 };
	struct fault f = { 0 };
	char purpose[128], ref[32], *end;
	const char *date;
	int64_t eid;

	snprintf(purpose, sizeof(purpose), "%s:%s", strcmp(action, "forget") ==
	    0 ? "me-forget" : "me", token);
	if (web_form_parse(r->c, r->body, r->len, &form) ||
	    !web_csrf_check(purpose, web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	if (form.too_long)
		return done(r, token, 422, T_BAD_INPUT, T_TOO_LARGE);
	snprintf(ref, sizeof(ref), "%lld", (long long)p->id);
	if (strcmp(action, "unregister") == 0) {
		eid = strtoll(web_form_get(&form, "event"), &end, 10);
		if (eid <= 0 || *end != '\0')
			return done(r, token, 404, T_NOT_FOUND,
			    T_NOT_FOUND_TEXT);
		date = web_form_get(&form, "date");
		if (reg_unregister(db, eid, ref, *date ? date : NULL, 0, "web",
		    &f)) {
			if (f.kind == FAULT_NOTFOUND || f.kind == FAULT_INVALID)
				return done(r, token, 404, T_NOT_FOUND,
				    T_NOT_FOUND_TEXT);
			log_warnx("web: an unregistration failed: %s", f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, token, 200, T_UNREGISTERED,
		    T_UNREGISTERED_TEXT);
	}
	if (strcmp(action, "settings") == 0) {
		in.remind = web_form_get(&form, "remind");
		in.quiet = web_form_get(&form, "quiet");
		in.lang = web_form_get(&form, "lang");
		if (*in.quiet == '\0')
			in.quiet = "none";
		if (*in.remind == '\0')
			in.remind = "none";
		if (schedule_participant_edit(db, ref, &in, "web", &f)) {
			if (f.kind == FAULT_INVALID || f.kind == FAULT_BADREQ)
				return done(r, token, 422, T_BAD_INPUT,
				    T_REMIND_HINT);
			log_warnx("web: settings could not be saved: %s", f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, token, 200, T_SAVED, T_SAVED_TEXT);
	}
	if (strcmp(action, "nomail") == 0) {
		if (participant_unsubscribe(db, p->unsub_token) < 0)
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		return done(r, token, 200, T_NO_MAIL_DONE, T_NO_MAIL_DONE_TEXT);
	}
	if (strcmp(action, "mail") == 0) {
		in.resubscribe = 1;
		if (schedule_participant_edit(db, ref, &in, "web", &f)) {
			log_warnx("web: mail could not be resumed: %s", f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, token, 200, T_MAIL_AGAIN_DONE, T_SAVED_TEXT);
	}
	if (strcmp(action, "forget") == 0) {
		if (schedule_participant_forget(db, ref, "web", &f)) {
			log_warnx("web: an erasure failed: %s", f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, NULL, 200, T_FORGOTTEN, T_FORGOTTEN_TEXT);
	}
	return gone(r);
}

enum MHD_Result
web_me(const struct web_req *r, const char *rest)
{
	sqlite3 *db = store_db();
	struct participant p;
	struct fault f = { 0 };
	char token[MELINK_TOKEN_LEN + 1];
	const char *action = "";
	size_t n = strcspn(rest, "/");
	int64_t pid;
	int post = strcmp(r->method, "POST") == 0;

	if (db == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	if (n != MELINK_TOKEN_LEN)
		return gone(r);
	memcpy(token, rest, n);
	token[n] = '\0';
	if (rest[n] == '/')
		action = rest + n + 1;
	switch (melink_find(db, token, &pid)) {
	case 1:
		break;
	case 0:
		return gone(r);
	default:
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
	if (participant_get_id(db, pid, &p, &f))
		return gone(r);
	if (!post) {
		if (*action == '\0')
			return page(r, db, token, &p);
		if (strcmp(action, "forget") == 0)
			return forget_page(r, token);
		return gone(r);
	}
	return act(r, db, token, &p, action);
}

/* ---- /link ---- */

static enum MHD_Result
link_form(const struct web_req *r)
{
	struct html h;
	char csrf[160];

	if (web_csrf_make("link", csrf, sizeof(csrf)))
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_LINK), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_LINK));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_LINK_INTRO));
	html_raw(&h, "</p>\n<form method=\"post\" action=\"/link");
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, csrf);
	html_raw(&h, "\">\n<label for=\"email\">");
	html_txt(&h, web_t(r, T_EMAIL));
	html_raw(&h, "</label>\n<p class=\"hint\" id=\"email-hint\">");
	html_txt(&h, web_t(r, T_EMAIL_HINT));
	html_raw(&h, "</p>\n<input type=\"email\" id=\"email\" name=\"email\" "
	    "required autocomplete=\"email\" maxlength=\"254\" "
	    "aria-describedby=\"email-hint\">\n<div class=\"hp\" "
	    "aria-hidden=\"true\"><label for=\"website\">");
	html_txt(&h, web_t(r, T_HONEYPOT));
	html_raw(&h, "</label><input type=\"text\" id=\"website\" "
	    "name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
	    "<button type=\"submit\">");
	html_txt(&h, web_t(r, T_LINK_BUTTON));
	html_raw(&h, "</button>\n</form>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 200);
}

enum MHD_Result
web_link(const struct web_req *r)
{
	struct web_form form = { .names = { "csrf", "email", "website" } };
	const struct conf *c = conf_current();
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	const char *email;
	int mailed = 0;

	if (strcmp(r->method, "POST") != 0)
		return link_form(r);
	if (db == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	if (web_form_parse(r->c, r->body, r->len, &form) ||
	    !web_csrf_check("link", web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	if (form.too_long)
		return done(r, NULL, 422, T_BAD_INPUT, T_TOO_LARGE);
	email = web_form_get(&form, "email");
	/* A robot filled the hidden field: the usual answer, nothing done. */
	if (*web_form_get(&form, "website") == '\0' && *email &&
	    schedule_participant_link(db, email, c->public_url,
	    c->web_mails_per_day, &mailed, &f) != 0) {
		log_warnx("web: a personal link could not be made: %s", f.msg);
		return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
	}
	return done(r, NULL, 200, T_CHECK_MAIL, T_LINK_SENT_TEXT);
}

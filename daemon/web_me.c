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
#include "hersteld/listing.h"
#include "hersteld/log.h"
#include "hersteld/melink.h"
#include "hersteld/participant.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/topic.h"
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
	int			 series_unmailed;	/* the series' row */
	time_t			 now;
	int			 shown;
	/* After a refused form: its problems, and what was typed. */
	const struct web_err	*e;
	int			 ne;
	int64_t			 err_event;	/* the suggestion's event */
	const char		*typed;
	const char		*typed_remind, *typed_quiet;
};

#define IDEAS_MAX	50	/* proposals listed for ideas */
#define VOTES_MAX	500	/* a person's votes looked at */

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
    int unmailed, enum web_text button)
{
	char when[32];

	web_when(m->r, m->ev->zone, m->ev->days, start, start, 0, when,
	    sizeof(when));
	html_raw(m->h, "<li>");
	html_txt(m->h, when);
	if (strcmp(status, "waitlist") == 0) {
		html_raw(m->h, " \xc2\xb7 ");
		html_txt(m->h, web_t(m->r, T_ON_WAITLIST));
	} else if (unmailed) {
		html_raw(m->h, " \xc2\xb7 <strong>");
		html_txt(m->h, web_t(m->r, T_PROMOTED_UNMAILED));
		html_raw(m->h, "</strong>");
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
	date_row(m, o->start, day, "going", m->series_unmailed, T_UNREGISTER);
	return 0;
}

/* One event's registrations of the person: rows [0, n) of its rows. */
static void
event_rows(struct me *m, sqlite3 *db, int64_t eid, const time_t *occ,
    char status[][12], const int *unmailed, int n)
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
		m->series_unmailed = unmailed[whole];
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
			date_row(m, o.start, "", status[whole],
			    unmailed[whole], T_UNREGISTER);
	}
	for (int i = 0; i < n; i++) {
		if (occ[i] == 0 || strcmp(status[i], "cancelled") == 0)
			continue;
		event_occurrence(ev, occ[i], &o);
		if (o.end <= m->now || o.cancelled)
			continue;
		when_format_date(occ[i], ev->zone, day);
		date_row(m, o.start, day, status[i], unmailed[i],
		    T_UNREGISTER);
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
	int unmailed[ME_ROWS];
	int64_t eid[ME_ROWS];
	sqlite3_stmt *st;
	int n = 0, rc, start;

	if ((st = store_prepare(db, "SELECT event_id, occurrence, status, "
	    "unmailed FROM registration WHERE participant_id = ?1 ORDER BY "
	    "event_id, occurrence LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int(st, 2, ME_ROWS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < ME_ROWS) {
		eid[n] = sqlite3_column_int64(st, 0);
		occ[n] = sqlite3_column_int64(st, 1);
		snprintf(status[n], sizeof(status[n]), "%s", store_text(st, 2));
		unmailed[n] = sqlite3_column_int(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return -1;
	html_raw(m->h, "<ul class=\"sessions\">\n");
	for (int i = 0; i < n; i = start) {
		for (start = i; start < n && eid[start] == eid[i]; start++)
			;
		event_rows(m, db, eid[i], occ + i, status + i, unmailed + i,
		    start - i);
	}
	html_raw(m->h, "</ul>\n");
	return 0;
}

/*
 * The groups a person may follow (every group that is not anonymous) and
 * those they follow, each with its one button.
 */
static int
groups(struct me *m, sqlite3 *db, int64_t pid)
{
	sqlite3_stmt *st;
	int rc, n = 0, on;

	if ((st = store_prepare(db, "SELECT g.slug, g.name, EXISTS (SELECT 1 "
	    "FROM follow fo WHERE fo.participant_id = ?1 AND fo.group_id = "
	    "g.id) AS on_ FROM grp g WHERE g.anonymous = 0 OR EXISTS (SELECT 1 "
	    "FROM follow fo WHERE fo.participant_id = ?1 AND fo.group_id = "
	    "g.id) ORDER BY g.name, g.slug LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int(st, 2, ME_ROWS);
	html_raw(m->h, "<section aria-labelledby=\"follow\">\n<h2 id=\""
	    "follow\">");
	html_txt(m->h, web_t(m->r, T_FOLLOW));
	html_raw(m->h, "</h2>\n<p>");
	html_txt(m->h, web_t(m->r, T_FOLLOW_INTRO));
	html_raw(m->h, "</p>\n<ul class=\"groups\">\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		on = sqlite3_column_int(st, 2);
		html_raw(m->h, "<li>");
		html_txt(m->h, store_text(st, 1));
		if (on) {
			html_raw(m->h, " \xc2\xb7 ");
			html_txt(m->h, web_t(m->r, T_FOLLOWING));
		}
		form_open(m, on ? "unfollow" : "follow");
		html_raw(m->h, "<input type=\"hidden\" name=\"group\" "
		    "value=\"");
		html_attr(m->h, store_text(st, 0));
		html_raw(m->h, "\">\n<button type=\"submit\">");
		html_txt(m->h, web_t(m->r, on ? T_UNFOLLOW_BUTTON :
		    T_FOLLOW_BUTTON));
		html_raw(m->h, "<span class=\"hp\"> ");
		html_txt(m->h, store_text(st, 1));
		html_raw(m->h, "</span></button>\n</form></li>\n");
		n++;
	}
	sqlite3_finalize(st);
	html_raw(m->h, "</ul>\n</section>\n");
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A labelled text field with its hint and, after a refusal, its error. */
static void
field(struct me *m, const char *name, enum web_text label,
    enum web_text hint, const char *value)
{
	struct html *h = m->h;

	html_raw(h, "<label for=\"");
	html_raw(h, name);
	html_raw(h, "\">");
	html_txt(h, web_t(m->r, label));
	html_raw(h, "</label>\n<p class=\"hint\" id=\"");
	html_raw(h, name);
	html_raw(h, "-hint\">");
	html_txt(h, web_t(m->r, hint));
	html_raw(h, "</p>\n");
	web_field_error(h, m->r, m->e, m->ne, name);
	html_raw(h, "<input type=\"text\"");
	web_field_attrs(h, m->e, m->ne, name, NULL, 1);
	html_raw(h, " maxlength=\"100\" value=\"");
	html_attr(h, value);
	html_raw(h, "\">\n");
}

/* The ids of the topics the person voted on, ascending. */
static int
voted(sqlite3 *db, int64_t pid, int64_t *ids, int *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((st = store_prepare(db, "SELECT topic_id FROM topic_vote WHERE "
	    "participant_id = ?1 ORDER BY topic_id LIMIT ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int(st, 2, VOTES_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

struct idea_topics {
	struct me	*m;
	const int64_t	*voted;
	int		 nvoted;
	char		 ev_id[24];
	int		 n;
};

static int
idea_topic(const struct topic *t, void *arg)
{
	struct idea_topics *k = arg;
	struct me *m = k->m;
	char id[24];
	int mine = 0;

	if (!t->shown || strcmp(t->status, "rejected") == 0)
		return 0;
	for (int i = 0; i < k->nvoted && !mine; i++)
		mine = k->voted[i] == t->id;
	html_raw(m->h, "<li>");
	html_txt(m->h, t->text);
	html_raw(m->h, " \xc2\xb7 ");
	html_num(m->h, t->votes);
	html_raw(m->h, " ");
	html_txt(m->h, web_t(m->r, t->votes == 1 ? T_ONE_VOTE : T_VOTES));
	if (mine) {
		html_raw(m->h, " \xc2\xb7 ");
		html_txt(m->h, web_t(m->r, T_VOTED));
	} else {
		snprintf(id, sizeof(id), "%lld", (long long)t->id);
		form_open(m, "vote");
		html_raw(m->h, "<input type=\"hidden\" name=\"topic\" "
		    "value=\"");
		html_attr(m->h, id);
		html_raw(m->h, "\">\n<button type=\"submit\">");
		html_txt(m->h, web_t(m->r, T_VOTE));
		html_raw(m->h, "<span class=\"hp\"> ");
		html_txt(m->h, t->text);
		html_raw(m->h, "</span></button>\n</form>");
	}
	html_raw(m->h, "</li>\n");
	k->n++;
	return 0;
}

/* One proposal open for ideas: its topics with votes, and a suggestion. */
static void
idea(struct me *m, sqlite3 *db, const struct event *ev, const int64_t *v,
    int nv)
{
	struct idea_topics k = { .m = m, .voted = v, .nvoted = nv };
	struct fault f = { 0 };
	char id[40];

	snprintf(k.ev_id, sizeof(k.ev_id), "%lld", (long long)ev->id);
	snprintf(id, sizeof(id), "suggest-%lld", (long long)ev->id);
	html_raw(m->h, "<li><h3><a href=\"/sessions/");
	html_url(m->h, ev->uid);
	web_lang_param(m->h, m->r, 0);
	html_raw(m->h, "\">");
	html_txt(m->h, ev->title);
	html_raw(m->h, "</a></h3>\n<ul>\n");
	topic_list(db, ev->id, idea_topic, &k, &f);
	html_raw(m->h, "</ul>\n");
	form_open(m, "suggest");
	html_raw(m->h, "<input type=\"hidden\" name=\"event\" value=\"");
	html_attr(m->h, k.ev_id);
	html_raw(m->h, "\">\n<label for=\"");
	html_attr(m->h, id);
	html_raw(m->h, "\">");
	html_txt(m->h, web_t(m->r, T_SUGGEST));
	html_raw(m->h, "<span class=\"hp\"> ");
	html_txt(m->h, ev->title);
	html_raw(m->h, "</span></label>\n<p class=\"hint\" id=\"");
	html_attr(m->h, id);
	html_raw(m->h, "-hint\">");
	html_txt(m->h, web_t(m->r, T_SUGGEST_HINT));
	html_raw(m->h, "</p>\n");
	if (m->err_event == ev->id)
		web_field_error(m->h, m->r, m->e, m->ne, id);
	html_raw(m->h, "<input type=\"text\"");
	web_field_attrs(m->h, m->err_event == ev->id ? m->e : NULL,
	    m->err_event == ev->id ? m->ne : 0, id, "text", 1);
	html_raw(m->h, " maxlength=\"500\" required value=\"");
	html_attr(m->h, m->err_event == ev->id && m->typed ? m->typed : "");
	html_raw(m->h, "\">\n<button type=\"submit\">");
	html_txt(m->h, web_t(m->r, T_SUGGEST_BUTTON));
	html_raw(m->h, "</button>\n</form></li>\n");
}

/* The proposals open for ideas that everyone may see: "Denk mee". */
static int
ideas(struct me *m, sqlite3 *db, int64_t pid)
{
	int64_t ids[IDEAS_MAX], v[VOTES_MAX];
	struct fault f = { 0 };
	struct event *ev;
	sqlite3_stmt *st;
	int n = 0, nv, rc, shown = 0;

	if ((st = store_prepare(db, "SELECT id FROM event WHERE status = "
	    "'proposed' AND ideas = 1 AND visibility = 'public' ORDER BY "
	    "start, id LIMIT ?1")) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, IDEAS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || voted(db, pid, v, &nv))
		return -1;
	for (int i = 0; i < n; i++) {
		if ((ev = event_get(db, ids[i], &f)) == NULL)
			return -1;
		if (listing_shows(db, ev, 0) == 1) {
			if (shown++ == 0) {
				html_raw(m->h, "<section aria-labelledby=\"ideas\">"
				    "\n<h2 id=\"ideas\">");
				html_txt(m->h, web_t(m->r, T_IDEAS));
				html_raw(m->h, "</h2>\n<p>");
				html_txt(m->h, web_t(m->r, T_IDEAS_ON_ME));
				html_raw(m->h, "</p>\n<ul class=\"sessions\">\n");
			}
			idea(m, db, ev, v, nv);
		}
		event_free(ev);
	}
	if (shown)
		html_raw(m->h, "</ul>\n</section>\n");
	return 0;
}

/*
 * The page; after a refused form (ne > 0) with its problems listed at
 * the top and at their fields, what was typed kept, and status 422.
 */
static enum MHD_Result
page(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, struct me *m0)
{
	const struct conf *c = conf_current();
	struct html h;
	struct me m = { .r = r, .h = &h, .token = token, .now = clock_now() };
	char purpose[128], feed[600];
	const char *host;

	if (m0) {
		m.e = m0->e;
		m.ne = m0->ne;
		m.err_event = m0->err_event;
		m.typed = m0->typed;
		m.typed_remind = m0->typed_remind;
		m.typed_quiet = m0->typed_quiet;
	}
	snprintf(purpose, sizeof(purpose), "me:%s", token);
	if (web_csrf_make(purpose, m.csrf, sizeof(m.csrf)))
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_ME), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_ME));
	html_raw(&h, "</h1>\n");
	web_errors(&h, r, m.e, m.ne);
	html_raw(&h, "<p>");
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
	field(&m, "remind", T_REMIND, T_REMIND_HINT, m.typed_remind ?
	    m.typed_remind : p->leads_text);
	field(&m, "quiet", T_QUIET, T_QUIET_HINT, m.typed_quiet ?
	    m.typed_quiet : p->quiet_text);
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
	if (groups(&m, db, p->id) || ideas(&m, db, p->id)) {
		html_free(&h);
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
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
	return web_finish(r, &h, m.ne > 0 ? 422 : 200);
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

/*
 * Follow or stop following group slug.  An anonymous group cannot be
 * followed from here (it is not listed); one followed already can be
 * left.  Doing what is done already is not an error to a parent.
 */
static enum MHD_Result
follow(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, const char *slug, int on)
{
	struct fault f = { 0 };
	struct group g;
	char ref[32];

	if (group_get(db, slug, &g, &f) || (on && g.anonymous))
		return done(r, token, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	snprintf(ref, sizeof(ref), "%lld", (long long)p->id);
	if (participant_follow(db, ref, g.slug, on, "web", &f) &&
	    f.kind != FAULT_CONFLICT) {
		log_warnx("web: a follow could not be saved: %s", f.msg);
		return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
	}
	return done(r, token, 200, on ? T_FOLLOWED : T_UNFOLLOWED,
	    on ? T_FOLLOWED_TEXT : T_UNFOLLOWED_TEXT);
}

/*
 * The event of a vote or suggestion, when it is a proposal open for
 * ideas that everyone may see; NULL otherwise.
 */
static struct event *
idea_event(sqlite3 *db, int64_t eid)
{
	struct fault f = { 0 };
	struct event *ev;

	if ((ev = event_get(db, eid, &f)) == NULL)
		return NULL;
	if (strcmp(ev->status, "proposed") != 0 || !ev->ideas ||
	    listing_shows(db, ev, 0) != 1) {
		event_free(ev);
		return NULL;
	}
	return ev;
}

/* One vote, as the person: on a topic shown on the web, once. */
static enum MHD_Result
vote(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, const char *topic)
{
	struct fault f = { 0 };
	struct event *ev;
	struct topic t;
	char ref[32], *end;
	int64_t tid = strtoll(topic, &end, 10);

	if (tid <= 0 || *end != '\0' || topic_get(db, tid, &t, &f) ||
	    !t.shown || strcmp(t.status, "rejected") == 0 ||
	    (ev = idea_event(db, t.event_id)) == NULL)
		return done(r, token, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	event_free(ev);
	snprintf(ref, sizeof(ref), "%lld", (long long)p->id);
	/* A second vote counts nothing and is no error to the person. */
	if (topic_vote(db, tid, ref, 0, "web", &f) &&
	    f.kind != FAULT_CONFLICT) {
		log_warnx("web: a vote could not be stored: %s", f.msg);
		return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
	}
	return done(r, token, 200, T_VOTE_DONE, T_VOTE_DONE_TEXT);
}

/*
 * A suggestion, as the person: kept hidden (shown = 0) until an organiser
 * lets it through.  A refused one shows the page again with the problem
 * at its field.
 */
static enum MHD_Result
suggest(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, int64_t eid, const char *text)
{
	struct fault f = { 0 };
	struct event *ev;
	struct me again = { .err_event = eid, .typed = text };
	struct web_err e[1];
	char ref[32], id[40];
	int64_t tid;
	long n;

	if ((ev = idea_event(db, eid)) == NULL)
		return done(r, token, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	event_free(ev);
	snprintf(id, sizeof(id), "suggest-%lld", (long long)eid);
	e[0].field = id;
	if (text == NULL || (n = utf8_len(text)) > TOPIC_MAX_CHARS)
		e[0].text = T_ERR_TOPIC_LONG;
	else if (text[strspn(text, " \t")] == '\0')
		e[0].text = T_ERR_TOPIC_EMPTY;
	else if (n < 0 || text_check(&f, "the topic", text, TOPIC_MAX_CHARS,
	    1, 0))
		e[0].text = T_ERR_TEXT_CHARS;
	else {
		snprintf(ref, sizeof(ref), "%lld", (long long)p->id);
		if (topic_suggest(db, eid, text, ref, 0, 0, "web", &tid, &f)) {
			if (f.kind == FAULT_CONFLICT)
				return done(r, token, 409, T_IDEAS, T_IDEAS_CLOSED);
			log_warnx("web: a suggestion could not be stored: %s",
			    f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, token, 200, T_SUGGESTED, T_SUGGESTED_TEXT);
	}
	again.e = e;
	again.ne = 1;
	if (e[0].text == T_ERR_TOPIC_LONG)
		again.typed = "";
	return page(r, db, token, p, &again);
}

/* A POST on the page: the form's token checked, then the action. */
static enum MHD_Result
act(const struct web_req *r, sqlite3 *db, const char *token,
    const struct participant *p, const char *action)
{
	struct web_form form = { .names = { "csrf", "event", "date",
	    "remind", "quiet", "lang", "group", "topic", "text" } };
	struct participant_in in = { 0 };
	struct fault f = { 0 };
	struct web_err e[2];
	struct me again = { 0 };
	long leads[CONF_MAX_LEADS];
	char purpose[128], ref[32], *end;
	const char *date;
	int64_t eid;
	int ne = 0, nleads, qf, qt;

	snprintf(purpose, sizeof(purpose), "%s:%s", strcmp(action, "forget") ==
	    0 ? "me-forget" : "me", token);
	if (web_form_parse(r->c, r->body, r->len, &form) ||
	    !web_csrf_check(purpose, web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	/* A suggestion says so at its own field (below). */
	if (form.too_long && strcmp(action, "suggest") != 0)
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
		/* Each field checked on its own, to say which one is wrong. */
		if (participant_parse_leads(&f, in.remind, leads, &nleads))
			e[ne++] = (struct web_err){ "remind", T_ERR_REMIND };
		if (participant_parse_quiet(&f, in.quiet, &qf, &qt))
			e[ne++] = (struct web_err){ "quiet", T_ERR_QUIET };
		if (ne > 0) {
			again.e = e;
			again.ne = ne;
			again.typed_remind = in.remind;
			again.typed_quiet = in.quiet;
			return page(r, db, token, p, &again);
		}
		if (schedule_participant_edit(db, ref, &in, "web", &f)) {
			if (f.kind == FAULT_INVALID || f.kind == FAULT_BADREQ)
				return done(r, token, 422, T_BAD_INPUT,
				    T_REMIND_HINT);
			log_warnx("web: settings could not be saved: %s", f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
		return done(r, token, 200, T_SAVED, T_SAVED_TEXT);
	}
	if (strcmp(action, "vote") == 0)
		return vote(r, db, token, p, web_form_get(&form, "topic"));
	if (strcmp(action, "suggest") == 0) {
		eid = strtoll(web_form_get(&form, "event"), &end, 10);
		if (eid <= 0 || *end != '\0')
			return done(r, token, 404, T_NOT_FOUND,
			    T_NOT_FOUND_TEXT);
		return suggest(r, db, token, p, eid, form.too_long ? NULL :
		    web_form_get(&form, "text"));
	}
	if (strcmp(action, "follow") == 0 || strcmp(action, "unfollow") == 0)
		return follow(r, db, token, p, web_form_get(&form, "group"),
		    action[0] == 'f');
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
			return page(r, db, token, &p, NULL);
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

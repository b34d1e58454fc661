/*
 * One session's page (GET /sessions/UID) and its registration form
 * (POST /sessions/UID/register).  The form asks for an address, an
 * optional name, the language of the mails and, for a series, the whole
 * series or one date; the answer is always the same "check your mail"
 * page, whether the address is known, asked before, or over its mails
 * for today (schedule_optin_ask decides, and says nothing outside).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/cohost.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/listing.h"
#include "hersteld/location.h"
#include "hersteld/log.h"
#include "hersteld/registration.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/topic.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

#define SESSION_DAYS	366	/* coming dates shown */
#define SESSION_DATES	60

struct dates {
	struct html		*h;
	const struct web_req	*r;
	sqlite3			*db;
	const struct event	*ev;
	int			 n, open;
	int			 options;	/* write <option>s, not <li>s */
	time_t			 now;
};

static long
left_at(sqlite3 *db, const struct event *ev, time_t rid)
{
	struct reg_counts rc;
	struct fault f = { 0 };
	char day[16];

	if (rid)
		when_format_date(rid, ev->zone, day);
	if (reg_attendees(db, ev->id, rid ? day : NULL, 0, NULL, NULL, &rc, &f) ||
	    rc.capacity <= 0)
		return -1;
	return rc.capacity > rc.going ? rc.capacity - rc.going : 0;
}

static void
places(struct html *h, const struct web_req *r, long left)
{
	if (left == 0) {
		html_raw(h, " \xc2\xb7 ");
		html_txt(h, web_t(r, T_FULL));
	} else if (left > 0) {
		html_raw(h, " \xc2\xb7 ");
		html_num(h, left);
		html_raw(h, " ");
		html_txt(h, web_t(r, left == 1 ? T_ONE_PLACE_LEFT :
		    T_PLACES_LEFT));
	}
}

static int
date_item(const struct occurrence *o, void *arg)
{
	struct dates *d = arg;
	struct html *h = d->h;
	const struct override *ov;
	char when[32], span[80], day[16];
	int cancelled = o->cancelled || strcmp(d->ev->status, "cancelled") == 0;

	if (o->end <= d->now)
		return 0;
	if (d->n++ == SESSION_DATES)
		return 1;
	web_when(d->r, d->ev->zone, d->ev->days, o->start, o->end, 0, when,
	    sizeof(when));
	if (d->options) {
		if (cancelled || o->start <= d->now)
			return 0;
		when_format_date(o->recurrence_id, d->ev->zone, day);
		html_raw(h, "<option value=\"");
		html_attr(h, day);
		html_raw(h, "\">");
		html_txt(h, when);
		html_raw(h, "</option>\n");
		return 0;
	}
	web_when(d->r, d->ev->zone, d->ev->days, o->start, o->end, 1, span,
	    sizeof(span));
	html_raw(h, cancelled ? "<li class=\"gone\">" : "<li>");
	html_txt(h, span);
	if (cancelled) {
		ov = o->recurrence_id ? event_override(d->ev, o->recurrence_id) :
		    NULL;
		html_raw(h, " \xc2\xb7 <strong>");
		html_txt(h, web_t(d->r, T_CANCELLED));
		html_raw(h, "</strong>");
		if (ov && ov->cancelled && ov->cancel_reason[0]) {
			html_raw(h, ": ");
			html_txt(h, ov->cancel_reason);
		} else if (d->ev->cancel_reason[0]) {
			html_raw(h, ": ");
			html_txt(h, d->ev->cancel_reason);
		}
	} else {
		d->open++;
		if (o->moved) {
			html_raw(h, " \xc2\xb7 ");
			html_txt(h, web_t(d->r, T_MOVED));
		}
		places(h, d->r, left_at(d->db, d->ev, o->recurrence_id));
	}
	html_raw(h, "</li>\n");
	return 0;
}

struct topics {
	struct html		*h;	/* NULL: count them only */
	const struct web_req	*r;
	int			 ideas;	/* a proposal open for ideas */
	int			 n;	/* topics shown */
};

/*
 * A published session shows its accepted topics; a proposal open for
 * ideas every topic let through and not rejected, with its votes.
 */
static int
topic_item(const struct topic *t, void *arg)
{
	struct topics *k = arg;
	struct html *h = k->h;

	if (k->ideas ? !t->shown || strcmp(t->status, "rejected") == 0 :
	    strcmp(t->status, "accepted") != 0)
		return 0;
	if (h == NULL) {
		k->n++;
		return 0;
	}
	html_raw(h, "<li>");
	html_txt(h, t->text);
	if (k->ideas) {
		html_raw(h, " \xc2\xb7 ");
		html_num(h, t->votes);
		html_raw(h, " ");
		html_txt(h, web_t(k->r, t->votes == 1 ? T_ONE_VOTE : T_VOTES));
	}
	html_raw(h, "</li>\n");
	return 0;
}

/* How many groups co-host event id (0 also when it cannot be read). */
static long
cohost_count(sqlite3 *db, int64_t id)
{
	long n = store_count(db, "SELECT count(*) FROM cohost WHERE "
	    "event_id = ?1", id);

	return n > 0 ? n : 0;
}

static int
cohost_item(const struct cohost *c, void *arg)
{
	struct html *h = arg;

	html_raw(h, "<li>");
	html_txt(h, c->name);
	html_raw(h, "</li>\n");
	return 0;
}

static void
where_html(struct html *h, const struct web_req *r, sqlite3 *db,
    const struct event *ev)
{
	struct fault f = { 0 };
	struct room rm;
	struct location loc;
	const char *address = NULL;
	int have_room = 0, have_loc = 0;

	html_raw(h, "<h2>");
	html_txt(h, web_t(r, T_WHERE));
	html_raw(h, "</h2>\n<p>");
	if (ev->room_id && room_get_id(db, ev->room_id, &rm, &f) == 0) {
		have_room = 1;
		html_txt(h, rm.name);
		html_raw(h, ", ");
	}
	if (ev->location_id && location_get_id(db, ev->location_id, &loc,
	    &f) == 0) {
		have_loc = 1;
		html_txt(h, loc.name);
		if (loc.address[0]) {
			html_raw(h, "<br>\n");
			html_txt(h, loc.address);
			address = loc.address;
		}
	} else if (ev->place[0]) {
		html_txt(h, ev->place);
		address = ev->place;
	}
	html_raw(h, "</p>\n");
	if (have_room && rm.accessible) {
		html_raw(h, "<p>");
		html_txt(h, web_t(r, T_ACCESSIBLE));
		html_raw(h, "</p>\n");
	}
	if (address) {
		/* A plain link: nothing of the map is loaded into the page. */
		html_raw(h, "<p><a href=\"https://www.openstreetmap.org/search"
		    "?query=");
		html_url(h, address);
		html_raw(h, "\">");
		html_txt(h, web_t(r, T_MAP));
		html_raw(h, "</a></p>\n");
	}
	(void)have_loc;
}

static int
next_open(const struct occurrence *o, void *arg)
{
	int *found = arg;

	if (o->cancelled || o->start <= clock_now())
		return 0;
	*found = 1;
	return 1;
}

/* Whether ev takes registrations now (reg_register decides in the end). */
static int
open_now(const struct event *ev, time_t now)
{
	int found = 0;

	if (strcmp(ev->status, "published") != 0)
		return 0;
	if (!ev->rrule[0])
		return ev->start > now;
	event_occurrences(ev, now, now + SESSION_DAYS * 86400L, next_open,
	    &found);
	return found;
}

static void
form_html(struct html *h, const struct web_req *r, sqlite3 *db,
    const struct event *ev, time_t now)
{
	char purpose[256], token[160];
	struct dates d = { .h = h, .r = r, .db = db, .ev = ev, .now = now,
	    .options = 1 };

	html_raw(h, "<section aria-labelledby=\"register\">\n<h2 id=\""
	    "register\">");
	html_txt(h, web_t(r, T_REGISTER));
	html_raw(h, "</h2>\n");
	snprintf(purpose, sizeof(purpose), "register:%s", ev->uid);
	if (!open_now(ev, now) || web_csrf_make(purpose, token,
	    sizeof(token))) {
		html_raw(h, "<p>");
		html_txt(h, web_t(r, T_CLOSED));
		html_raw(h, "</p>\n</section>\n");
		return;
	}
	html_raw(h, "<p>");
	html_txt(h, web_t(r, T_REGISTER_INTRO));
	html_raw(h, "</p>\n<form method=\"post\" action=\"");
	html_attr(h, r->base);
	html_raw(h, "/sessions/");
	html_url(h, ev->uid);
	html_raw(h, "/register");
	web_lang_param(h, r, 0);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, token);
	html_raw(h, "\">\n<label for=\"email\">");
	html_txt(h, web_t(r, T_EMAIL));
	html_raw(h, "</label>\n<p class=\"hint\" id=\"email-hint\">");
	html_txt(h, web_t(r, T_EMAIL_HINT));
	html_raw(h, "</p>\n<input type=\"email\" id=\"email\" name=\"email\" "
	    "required autocomplete=\"email\" maxlength=\"254\" "
	    "aria-describedby=\"email-hint\">\n<label for=\"name\">");
	html_txt(h, web_t(r, T_NAME));
	html_raw(h, "</label>\n<p class=\"hint\" id=\"name-hint\">");
	html_txt(h, web_t(r, T_NAME_HINT));
	html_raw(h, "</p>\n<input type=\"text\" id=\"name\" name=\"name\" "
	    "autocomplete=\"name\" maxlength=\"100\" "
	    "aria-describedby=\"name-hint\">\n<fieldset>\n<legend>");
	html_txt(h, web_t(r, T_LANGUAGE));
	html_raw(h, "</legend>\n<input type=\"radio\" id=\"lang-nl\" "
	    "name=\"lang\" value=\"nl\"");
	html_raw(h, r->en ? ">" : " checked>");
	html_raw(h, "<label for=\"lang-nl\">");
	html_txt(h, web_t(r, T_DUTCH));
	html_raw(h, "</label>\n<input type=\"radio\" id=\"lang-en\" "
	    "name=\"lang\" value=\"en\"");
	html_raw(h, r->en ? " checked>" : ">");
	html_raw(h, "<label for=\"lang-en\">");
	html_txt(h, web_t(r, T_ENGLISH));
	html_raw(h, "</label>\n</fieldset>\n");
	if (ev->rrule[0]) {
		html_raw(h, "<label for=\"occurrence\">");
		html_txt(h, web_t(r, T_WHICH));
		html_raw(h, "</label>\n<select id=\"occurrence\" "
		    "name=\"occurrence\">\n<option value=\"\">");
		html_txt(h, web_t(r, T_WHOLE_SERIES));
		html_raw(h, "</option>\n");
		event_occurrences(ev, now, now + SESSION_DAYS * 86400L,
		    date_item, &d);
		html_raw(h, "</select>\n");
	}
	/* Left empty by people; filled by robots that fill every field. */
	html_raw(h, "<div class=\"hp\" aria-hidden=\"true\"><label for=\""
	    "website\">");
	html_txt(h, web_t(r, T_HONEYPOT));
	html_raw(h, "</label><input type=\"text\" id=\"website\" name=\""
	    "website\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
	    "<button type=\"submit\">");
	html_txt(h, web_t(r, T_SEND));
	html_raw(h, "</button>\n</form>\n</section>\n");
}

int
web_session(const struct web_req *r, const char *uid, struct html *h)
{
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	struct event *ev;
	struct group g;
	struct dates d = { .h = h, .r = r, .db = db };
	struct topics k = { .h = h, .r = r };
	time_t now = clock_now();
	char span[80];

	if (db == NULL)
		return 500;
	if ((ev = listing_event(db, uid, r->page_group ? r->page_group->id : 0,
	    &f)) == NULL)
		return f.kind == FAULT_NOTFOUND ? 404 : 500;
	d.ev = ev;
	d.now = now;
	k.ideas = strcmp(ev->status, "proposed") == 0 && ev->ideas;
	web_head(h, r, ev->title, NULL);
	html_raw(h, "<h1>");
	html_txt(h, ev->title);
	html_raw(h, "</h1>\n<p class=\"meta\">");
	html_txt(h, web_kind_name(r, ev->kind));
	if (ev->group_id && group_get_id(db, ev->group_id, &g, &f) == 0) {
		html_raw(h, " \xc2\xb7 ");
		html_txt(h, web_t(r, T_ORGANISED_BY));
		html_raw(h, " ");
		html_txt(h, g.name);
	}
	html_raw(h, "</p>\n");
	if (strcmp(ev->status, "cancelled") == 0) {
		html_raw(h, "<p class=\"cancelled\"><strong>");
		html_txt(h, web_t(r, T_CANCELLED));
		html_raw(h, "</strong>");
		if (ev->cancel_reason[0]) {
			html_raw(h, ": ");
			html_txt(h, ev->cancel_reason);
		}
		html_raw(h, "</p>\n");
	}
	if (!ev->rrule[0]) {
		struct occurrence o;

		event_occurrence(ev, ev->start, &o);
		web_when(r, ev->zone, ev->days, o.start, o.end, 1, span,
		    sizeof(span));
		html_raw(h, "<h2>");
		html_txt(h, web_t(r, T_WHEN));
		html_raw(h, "</h2>\n<p>");
		html_txt(h, span);
		if (o.cancelled && strcmp(ev->status, "cancelled") != 0) {
			html_raw(h, " \xc2\xb7 <strong>");
			html_txt(h, web_t(r, T_CANCELLED));
			html_raw(h, "</strong>");
		} else if (strcmp(ev->status, "cancelled") != 0)
			places(h, r, left_at(db, ev, 0));
		html_raw(h, "</p>\n");
	}
	where_html(h, r, db, ev);
	if (ev->description && ev->description[0]) {
		html_raw(h, "<p class=\"desc\">");
		html_txt(h, ev->description);
		html_raw(h, "</p>\n");
	}
	/* A heading only over something: a proposal's, or topics taken. */
	k.h = NULL;
	topic_list(db, ev->id, topic_item, &k, &f);
	if (k.ideas || k.n > 0) {
		k.h = h;
		html_raw(h, "<section aria-labelledby=\"topics\">\n"
		    "<h2 id=\"topics\">");
		html_txt(h, web_t(r, T_TOPICS));
		html_raw(h, "</h2>\n<ul>\n");
		topic_list(db, ev->id, topic_item, &k, &f);
		html_raw(h, "</ul>\n");
	}
	if (k.ideas) {
		html_raw(h, "<p>");
		html_txt(h, web_t(r, T_IDEAS_INTRO));
		html_raw(h, "</p>\n<p>");
		html_txt(h, web_t(r, T_IDEAS_AGENDA));
		html_raw(h, " <a href=\"/link");
		web_lang_param(h, r, 0);
		html_raw(h, "\">");
		html_txt(h, web_t(r, T_LINK));
		html_raw(h, "</a></p>\n");
	}
	if (k.ideas || k.n > 0)
		html_raw(h, "</section>\n");
	if (cohost_count(db, ev->id) > 0) {
		html_raw(h, "<section aria-labelledby=\"with\">\n"
		    "<h2 id=\"with\">");
		html_txt(h, web_t(r, T_WITH));
		html_raw(h, "</h2>\n<ul>\n");
		cohost_list(db, ev->id, cohost_item, h, &f);
		html_raw(h, "</ul>\n</section>\n");
	}
	/* The event's own .ics is there for public sessions only. */
	if (strcmp(ev->visibility, "public") == 0) {
		html_raw(h, "<p><a href=\"/events/");
		html_url(h, ev->uid);
		html_raw(h, ".ics\">");
		html_txt(h, web_t(r, T_ADD_CALENDAR));
		html_raw(h, "</a></p>\n");
	}
	if (ev->rrule[0]) {
		html_raw(h, "<section aria-labelledby=\"dates\">\n<h2 id=\""
		    "dates\">");
		html_txt(h, web_t(r, T_DATES));
		html_raw(h, "</h2>\n<ul>\n");
		event_occurrences(ev, now, now + SESSION_DAYS * 86400L,
		    date_item, &d);
		html_raw(h, "</ul>\n</section>\n");
	}
	/* A proposal takes ideas, not registrations. */
	if (!k.ideas)
		form_html(h, r, db, ev, now);
	web_foot(h, r);
	event_free(ev);
	return 200;
}

static enum MHD_Result
bad_input(const struct web_req *r, const char *uid, enum web_text what)
{
	struct html h;

	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_BAD_INPUT), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_BAD_INPUT));
	html_raw(&h, "</h1>\n<div role=\"alert\"><p>");
	html_txt(&h, web_t(r, what));
	html_raw(&h, "</p></div>\n<p><a href=\"");
	html_attr(&h, r->base);
	html_raw(&h, "/sessions/");
	html_url(&h, uid);
	web_lang_param(&h, r, 0);
	html_raw(&h, "#register\">");
	html_txt(&h, web_t(r, T_BACK));
	html_raw(&h, "</a></p>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 422);
}

enum MHD_Result
web_register(const struct web_req *r, const char *uid)
{
	struct web_form form = { .names = { "csrf", "email", "name", "lang",
	    "occurrence", "website" } };
	const struct conf *c = conf_current();
	sqlite3 *db = store_db();
	struct fault f = { 0 };
	struct optin_in in = { 0 };
	enum optin_outcome out;
	struct event *ev;
	char purpose[256];
	struct html h;

	if (db == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	if ((ev = listing_event(db, uid, r->page_group ? r->page_group->id : 0,
	    &f)) == NULL)
		return f.kind == FAULT_NOTFOUND ?
		    web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT) :
		    web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	in.event_id = ev->id;
	event_free(ev);
	snprintf(purpose, sizeof(purpose), "register:%s", uid);
	if (web_form_parse(r->c, r->body, r->len, &form) ||
	    !web_csrf_check(purpose, web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	if (form.too_long)
		return bad_input(r, uid, T_TOO_LARGE);
	/* A robot filled the hidden field: the usual answer, nothing done. */
	if (*web_form_get(&form, "website") == '\0') {
		in.email = web_form_get(&form, "email");
		in.name = web_form_get(&form, "name");
		in.lang = web_form_get(&form, "lang");
		if (*in.lang == '\0')
			in.lang = r->en ? "en" : "nl";
		in.occurrence = web_form_get(&form, "occurrence");
		in.base_url = c->public_url;
		in.hours = c->web_confirm_hours;
		in.per_day = c->web_mails_per_day;
		if (schedule_optin_ask(db, &in, &out, &f) != 0) {
			if (f.kind == FAULT_INVALID || f.kind == FAULT_NOTFOUND ||
			    f.kind == FAULT_BADREQ)
				return bad_input(r, uid, T_BAD_INPUT);
			log_warnx("web: a registration could not be stored: %s",
			    f.msg);
			return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
		}
	}
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_CHECK_MAIL), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_CHECK_MAIL));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_CHECK_MAIL_TEXT));
	html_raw(&h, "</p>\n<p>");
	html_txt(&h, web_t(r, T_CHECK_MAIL_HOURS));
	html_raw(&h, "</p>\n<p><a href=\"");
	html_attr(&h, *r->base ? r->base : "/");
	web_lang_param(&h, r, 0);
	html_raw(&h, "\">");
	html_txt(&h, web_t(r, T_BACK));
	html_raw(&h, "</a></p>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 200);
}

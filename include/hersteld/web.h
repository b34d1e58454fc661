/*
 * The parents' door: HTML pages on listen.http next to the feeds.
 *
 *   GET  /                        the agenda (web_agenda.c)
 *   GET  /sessions/UID            one session and its form (web_session.c)
 *   POST /sessions/UID/register   ask for a registration: "check your mail"
 *   GET  /confirm/TOKEN           a page with one button (web_confirm.c)
 *   POST /confirm/TOKEN           confirm: registered as herstelctl would
 *   GET  /me/TOKEN                the personal page (web_me.c)
 *   POST /me/TOKEN/ACTION         unregister, settings, nomail, mail,
 *                                 forget (GET /me/TOKEN/forget asks first)
 *   GET  /link, POST /link        ask for a new personal link
 *   GET  /style.css               the one stylesheet (web_page.c)
 *
 * web.c routes and caches; web_page.c holds what every page shares (the
 * frame, the texts of both languages, the answer and its headers);
 * web_guard.c what guards the forms (signed anti-CSRF tokens, the rate
 * limit per client, the client's address, form parsing).  No cookies, no
 * script; every outside text goes through html.h.
 */
#ifndef HERSTELD_WEB_H
#define HERSTELD_WEB_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "hersteld/group.h"
#include "hersteld/html.h"

#define WEB_MAX_BODY		8192		/* a form's body */
#define WEB_MAX_PAGE		(8u << 20)	/* a rendered page */
#define WEB_FIELD_MAX		1024		/* one form field's value */
#define WEB_FORM_LIFE		(24L * 3600)	/* a form's signed token */

/* ---- for http.c ---- */

/* Whether url is one of the pages (and the pages are enabled). */
int	web_path(const char *url);
/*
 * Answer a whole request for a page: body (len bytes, capped at
 * WEB_MAX_BODY by http.c, too_big when more came).
 */
enum MHD_Result web_answer(struct MHD_Connection *, const char *method,
	    const char *url, const char *body, size_t len, int too_big);
/* Drop the cached pages. */
void	web_shutdown(void);

/* ---- shared by the pages (web_page.c) ---- */

struct web_req {
	struct MHD_Connection	*c;
	const char		*method;
	const char		*path;		/* decoded URL path */
	int			 en;		/* English; else Dutch */
	int			 lang_asked;	/* ?lang= was given */
	const char		*kind, *group, *location;	/* agenda filters */
	const char		*body;		/* POST */
	size_t			 len;
	/*
	 * On a group's secret page (/g/SLUG/KEY...): the group, and the
	 * page's path, which its links to sessions start with; else NULL
	 * and "".
	 */
	const struct group	*page_group;
	const char		*base;
};

/* The texts of the pages, one row per language (see web_page.c). */
enum web_text {
	T_SITE, T_SKIP, T_SWITCH, T_SWITCH_LANG, T_AGENDA, T_AGENDA_INTRO,
	T_FILTERS, T_KIND, T_GROUP, T_LOCATION, T_ALL, T_SUBSCRIBE,
	T_SUBSCRIBE_INTRO, T_ALL_PUBLIC, T_NONE_FOUND, T_CANCELLED,
	T_MOVED, T_FULL, T_PLACES_LEFT, T_ONE_PLACE_LEFT, T_ACCESSIBLE,
	T_MORE, T_ORGANISED_BY, T_WITH, T_TOPICS, T_WHERE, T_WHEN, T_MAP,
	T_ADD_CALENDAR, T_DATES, T_REGISTER, T_REGISTER_INTRO, T_EMAIL,
	T_EMAIL_HINT, T_NAME, T_NAME_HINT, T_LANGUAGE, T_DUTCH, T_ENGLISH,
	T_WHICH, T_WHOLE_SERIES, T_HONEYPOT, T_SEND, T_CLOSED,
	T_CHECK_MAIL, T_CHECK_MAIL_TEXT, T_CHECK_MAIL_HOURS, T_BACK,
	T_CONFIRM, T_CONFIRM_TEXT, T_CONFIRM_BUTTON, T_REGISTERED,
	T_REGISTERED_TEXT, T_WAITLISTED, T_WAITLISTED_TEXT, T_ALREADY,
	T_ALREADY_TEXT, T_REFUSED, T_REFUSED_TEXT, T_LINK_USED,
	T_LINK_EXPIRED, T_LINK_UNKNOWN, T_LINK_AGAIN, T_NOT_FOUND,
	T_NOT_FOUND_TEXT, T_FORBIDDEN, T_FORBIDDEN_TEXT, T_TOO_MANY,
	T_TOO_MANY_TEXT, T_TOO_LARGE, T_BAD_INPUT, T_ERROR, T_ERROR_TEXT,
	T_FEED, T_FOOTER, T_WHOLE_SERIES_OF, T_ONE_DATE,
	T_ME, T_ME_INTRO, T_ME_SESSIONS, T_ME_NONE, T_ME_GONE_TEXT,
	T_UNREGISTER, T_UNREGISTER_SERIES, T_ON_WAITLIST, T_UNREGISTERED,
	T_UNREGISTERED_TEXT, T_SETTINGS, T_REMIND, T_REMIND_HINT, T_QUIET,
	T_QUIET_HINT, T_SAVE, T_SAVED, T_SAVED_TEXT, T_ME_FEED_INTRO,
	T_NO_MAIL, T_NO_MAIL_TEXT, T_NO_MAIL_IS, T_MAIL_AGAIN, T_NO_MAIL_DONE,
	T_NO_MAIL_DONE_TEXT, T_MAIL_AGAIN_DONE, T_FORGET, T_FORGET_TEXT,
	T_FORGET_ASK, T_FORGET_BUTTON, T_FORGOTTEN, T_FORGOTTEN_TEXT,
	T_BACK_ME, T_LINK, T_LINK_INTRO, T_LINK_BUTTON, T_LINK_SENT_TEXT,
	T_LINK_LOST,
	T_NAV, T_SIGNALS, T_SIGNALS_INTRO, T_SIGNAL_ABOUT, T_SIGNAL_TEXT,
	T_SIGNAL_HINT, T_SIGNAL_THANKS, T_SIGNAL_THANKS_TEXT, T_SIGNALS_DONE,
	T_SIGNALS_DONE_INTRO, T_SIGNALS_DONE_NONE, T_SIGNAL_RAISED,
	T_SIGNAL_CLOSED, T_ERRORS, T_ERR_SIGNAL_EMPTY, T_ERR_SIGNAL_LONG,
	T_ERR_CATEGORY, T_ERR_EMAIL, T_ERR_OCCURRENCE, T_ERR_REMIND,
	T_ERR_QUIET, T_FOLLOW, T_FOLLOW_INTRO, T_FOLLOW_BUTTON,
	T_UNFOLLOW_BUTTON, T_FOLLOWING, T_FOLLOWED, T_FOLLOWED_TEXT,
	T_UNFOLLOWED, T_UNFOLLOWED_TEXT, T_GROUP_PAGE_INTRO, T_GROUP_NONE,
	T_REGISTERED_COUNT, T_IDEAS, T_IDEAS_INTRO, T_IDEAS_AGENDA,
	T_IDEAS_ON_ME, T_VOTES, T_ONE_VOTE, T_VOTE, T_VOTED, T_SUGGEST,
	T_SUGGEST_HINT, T_SUGGEST_BUTTON, T_SUGGESTED, T_SUGGESTED_TEXT,
	T_VOTE_DONE, T_VOTE_DONE_TEXT, T_ERR_TOPIC_EMPTY, T_ERR_TOPIC_LONG,
	T_IDEAS_CLOSED, T_ERR_TEXT_CHARS, T_PROMOTED_UNMAILED, T_ALL_DAY,
	T_COUNT
};

const char *web_t(const struct web_req *, enum web_text);
/* The display name of an event kind ("Themabijeenkomst"). */
const char *web_kind_name(const struct web_req *, const char *kind);
/*
 * When an occurrence is, as text, into out[len >= 64]: "2026-12-03
 * 19:00-21:00" (with the end's date when it ends on another day); a day
 * event (days > 0) "2027-04-27, hele dag" or "2027-04-26 - 2027-04-28".
 * with_end 0: the start alone ("2026-12-03 19:00", "2027-04-27").
 */
void	web_when(const struct web_req *, void *zone, int days, time_t start,
	    time_t end, int with_end, char *out, size_t len);

/* "maandag 30 november 2026", into out[64]. */
void	web_day_name(const struct web_req *, time_t t, void *zone,
	    char *out, size_t len);

/*
 * The page frame: doctype, <html lang>, head with title and the
 * stylesheet, the skip link, the header with the language switch, and
 * <main>; web_foot closes it.  switch_query: the query of this page
 * without lang (already URL-encoded), or NULL.
 */
void	web_head(struct html *, const struct web_req *, const char *title,
	    const char *switch_query);
void	web_foot(struct html *, const struct web_req *);
/* A form's problem: the field it belongs to (its id) and what to say. */
struct web_err {
	const char	*field;
	enum web_text	 text;
};

/*
 * The list of a form's problems at its top (role="alert", each a link
 * to its field), written only when n > 0.
 */
void	web_errors(struct html *, const struct web_req *,
	    const struct web_err *, int n);
/*
 * What belongs inside an <input>/<textarea>/<select> tag of field id:
 * its id and name (NULL: the id), aria-describedby (its hint when hint, its error when
 * it has one) and aria-invalid; and, before the field, the error itself.
 * web_field_error writes the error paragraph (nothing when none).
 */
void	web_field_error(struct html *, const struct web_req *,
	    const struct web_err *, int n, const char *id);
void	web_field_attrs(struct html *, const struct web_err *, int n,
	    const char *id, const char *name, int hint);
/* The display name of a signal category ("Geld en schulden"). */
const char *web_category_name(const struct web_req *, const char *cat);

/* "?lang=en" or "" (for links inside the site), or "&lang=en" with amp. */
void	web_lang_param(struct html *, const struct web_req *, int amp);

/*
 * Send a page with the headers every page has (CSP, nosniff, referrer
 * policy, frame-ancestors).  etag NULL: Cache-Control no-store.  Takes
 * body (malloc'd) over.
 */
enum MHD_Result web_send(struct MHD_Connection *, unsigned int status,
	    char *body, size_t len, const char *etag);
/*
 * web_send for bytes the caller keeps: release(cls) is called when the
 * server is done with them (also when the answer could not be made).
 */
enum MHD_Result web_send_kept(struct MHD_Connection *, unsigned int status,
	    const char *body, size_t len, const char *etag,
	    void (*release)(void *), void *cls);
/* A short page: heading and text (both from the table), status. */
enum MHD_Result web_message(const struct web_req *, unsigned int status,
	    enum web_text heading, enum web_text text);
/* Finish h and send it (500 when it could not be made). */
enum MHD_Result web_finish(const struct web_req *, struct html *,
	    unsigned int status);
enum MHD_Result web_stylesheet(struct MHD_Connection *);

/* ---- guarding the forms (web_guard.c) ---- */

/* A signed token for a form with purpose ("register:UID"), into out[96]. */
int	web_csrf_make(const char *purpose, char *out, size_t len);
/* Whether token was made for purpose and has not expired. */
int	web_csrf_check(const char *purpose, const char *token);

/*
 * Count one POST of this request's client; 0 when allowed, else the
 * seconds until it may post again.
 */
long	web_rate(struct MHD_Connection *);

#define WEB_FORM_FIELDS	12

/* A parsed form: known field names in, values out (capped). */
struct web_form {
	const char	*names[WEB_FORM_FIELDS];
	char		 values[WEB_FORM_FIELDS][WEB_FIELD_MAX + 1];
	size_t		 lens[WEB_FORM_FIELDS];
	int		 too_long;	/* a value passed WEB_FIELD_MAX */
};

/*
 * Parse body (application/x-www-form-urlencoded or multipart/form-data,
 * per the request's Content-Type) into the fields form->names names.
 * 0, or -1 when it is not a form.
 */
int	web_form_parse(struct MHD_Connection *, const char *body, size_t len,
	    struct web_form *);
/* The value of field name ("" when absent). */
const char *web_form_get(const struct web_form *, const char *name);

/* ---- the pages ---- */

/*
 * The cached pages render into h and return 200, 404 or 500: the agenda
 * (arg unused), one session (arg: its UID), the signals page.
 */
int	web_agenda(const struct web_req *, const char *unused, struct html *);
int	web_session(const struct web_req *, const char *uid, struct html *);
enum MHD_Result web_register(const struct web_req *, const char *uid);
enum MHD_Result web_confirm(const struct web_req *, const char *token);
/* /me/TOKEN[/ACTION] (web_me.c): rest is what follows "/me/". */
enum MHD_Result web_me(const struct web_req *, const char *rest);
/* /link: ask for a new personal link (web_me.c). */
enum MHD_Result web_link(const struct web_req *);
/* /signals: the form and what was done (web_signal.c). */
int	web_signals(const struct web_req *, const char *unused, struct html *);
enum MHD_Result web_signal_post(const struct web_req *);

#endif

/*
 * Signals on the web (/signals): the form "Wat loop je tegenaan?" and,
 * below it, what was done with the signals an administrator closed with
 * a public note (signal close --public).  A signal from the web is stored
 * exactly like `herstelctl signal add` stores one: its text and category,
 * no group, no event, nothing of who sent it (no address, no name, no IP,
 * no user agent; the audit row names the category only).  The public list
 * shows the category, when, and the note: never the text, which a parent
 * wrote for the people who handle it, not for everyone.
 */
#include <stdio.h>
#include <string.h>

#include "hersteld/log.h"
#include "hersteld/signal.h"
#include "hersteld/store.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

#define PUBLIC_MAX	100	/* closed signals listed */

static const char *const categories[] = { "uht", "buurtteam", "gemeente",
    "financieel", "overig" };

struct shown {
	struct html		*h;
	const struct web_req	*r;
	int			 n;
};

/* Nothing but white space. */
static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* "november 2026": a month is as precise as a public page needs. */
static void
month(struct html *h, const struct web_req *r, time_t t)
{
	char day[64];
	const char *sp;

	web_day_name(r, t, NULL, day, sizeof(day));
	/* "maandag 30 november 2026": drop the weekday and the day. */
	sp = strchr(day, ' ');
	if (sp && (sp = strchr(sp + 1, ' ')) != NULL)
		html_txt(h, sp + 1);
	else
		html_txt(h, day);
}

static int
closed_item(const struct signal_rec *s, void *arg)
{
	struct shown *w = arg;
	struct html *h = w->h;

	html_raw(h, "<li><h3>");
	html_txt(h, web_category_name(w->r, s->category));
	html_raw(h, "</h3>\n<p class=\"meta\">");
	html_txt(h, web_t(w->r, T_SIGNAL_RAISED));
	html_raw(h, " ");
	month(h, w->r, s->created);
	html_raw(h, " \xc2\xb7 ");
	html_txt(h, web_t(w->r, T_SIGNAL_CLOSED));
	html_raw(h, " ");
	month(h, w->r, s->closed);
	html_raw(h, "</p>\n<p class=\"desc\">");
	html_txt(h, s->note);
	html_raw(h, "</p></li>\n");
	w->n++;
	return 0;
}

/*
 * The whole page: the form (with what was typed and its problems, after a
 * refused POST) and the list of closed public signals.
 */
static int
render(const struct web_req *r, struct html *h, const char *cat,
    const char *text, const struct web_err *e, int ne)
{
	struct fault f = { 0 };
	struct shown w = { .h = h, .r = r };
	char token[160];

	if (web_csrf_make("signal", token, sizeof(token)))
		return 500;
	web_head(h, r, web_t(r, T_SIGNALS), NULL);
	html_raw(h, "<h1>");
	html_txt(h, web_t(r, T_SIGNALS));
	html_raw(h, "</h1>\n<p>");
	html_txt(h, web_t(r, T_SIGNALS_INTRO));
	html_raw(h, "</p>\n");
	web_errors(h, r, e, ne);
	html_raw(h, "<form method=\"post\" action=\"/signals");
	web_lang_param(h, r, 0);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, token);
	/*
	 * The radios are the group's fields: the fieldset has an id for the
	 * summary's link but no name of its own (it would be a second
	 * control named "category"), and is the radiogroup that can be
	 * marked invalid.
	 */
	html_raw(h, "\">\n<fieldset id=\"category\" role=\"radiogroup\"");
	for (int i = 0; i < ne; i++)
		if (strcmp(e[i].field, "category") == 0)
			html_raw(h, " aria-describedby=\"category-error\" "
			    "aria-invalid=\"true\"");
	html_raw(h, ">\n<legend>");
	html_txt(h, web_t(r, T_SIGNAL_ABOUT));
	html_raw(h, "</legend>\n");
	web_field_error(h, r, e, ne, "category");
	for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]);
	    i++) {
		html_raw(h, "<div><input type=\"radio\" name=\"category\" "
		    "id=\"cat-");
		html_raw(h, categories[i]);
		html_raw(h, "\" value=\"");
		html_raw(h, categories[i]);
		html_raw(h, "\"");
		if (cat && strcmp(cat, categories[i]) == 0)
			html_raw(h, " checked");
		html_raw(h, "><label for=\"cat-");
		html_raw(h, categories[i]);
		html_raw(h, "\">");
		html_txt(h, web_category_name(r, categories[i]));
		html_raw(h, "</label></div>\n");
	}
	html_raw(h, "</fieldset>\n<label for=\"text\">");
	html_txt(h, web_t(r, T_SIGNAL_TEXT));
	html_raw(h, "</label>\n<p class=\"hint\" id=\"text-hint\">");
	html_txt(h, web_t(r, T_SIGNAL_HINT));
	html_raw(h, "</p>\n");
	web_field_error(h, r, e, ne, "text");
	html_raw(h, "<textarea");
	web_field_attrs(h, e, ne, "text", NULL, 1);
	html_raw(h, " rows=\"8\" required>");
	html_txt(h, text ? text : "");
	html_raw(h, "</textarea>\n<div class=\"hp\" aria-hidden=\"true\">"
	    "<label for=\"website\">");
	html_txt(h, web_t(r, T_HONEYPOT));
	html_raw(h, "</label><input type=\"text\" id=\"website\" "
	    "name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
	    "<button type=\"submit\">");
	html_txt(h, web_t(r, T_SEND));
	html_raw(h, "</button>\n</form>\n<section aria-labelledby=\"done\">\n"
	    "<h2 id=\"done\">");
	html_txt(h, web_t(r, T_SIGNALS_DONE));
	html_raw(h, "</h2>\n<p>");
	html_txt(h, web_t(r, T_SIGNALS_DONE_INTRO));
	html_raw(h, "</p>\n<ul class=\"signals\">\n");
	if (signal_public(store_db(), PUBLIC_MAX, closed_item, &w, &f))
		return 500;
	html_raw(h, "</ul>\n");
	if (w.n == 0) {
		html_raw(h, "<p>");
		html_txt(h, web_t(r, T_SIGNALS_DONE_NONE));
		html_raw(h, "</p>\n");
	}
	html_raw(h, "</section>\n");
	web_foot(h, r);
	return 200;
}

int
web_signals(const struct web_req *r, const char *unused, struct html *h)
{
	(void)unused;
	if (store_db() == NULL)
		return 500;
	return render(r, h, NULL, NULL, NULL, 0);
}

enum MHD_Result
web_signal_post(const struct web_req *r)
{
	struct web_form form = { .names = { "csrf", "category", "text",
	    "website" } };
	struct web_err e[2];
	struct fault f = { 0 };
	sqlite3 *db = store_db();
	const char *cat, *text;
	struct html h;
	int64_t id;
	int ne = 0, status;

	if (db == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	if (web_form_parse(r->c, r->body, r->len, &form) ||
	    !web_csrf_check("signal", web_form_get(&form, "csrf")))
		return web_message(r, 403, T_FORBIDDEN, T_FORBIDDEN_TEXT);
	cat = web_form_get(&form, "category");
	text = web_form_get(&form, "text");
	if (!signal_category_valid(cat))
		e[ne++] = (struct web_err){ "category", T_ERR_CATEGORY };
	if (form.too_long || utf8_len(text) > SIGNAL_MAX_CHARS)
		e[ne++] = (struct web_err){ "text", T_ERR_SIGNAL_LONG };
	else if (blank(text))
		e[ne++] = (struct web_err){ "text", T_ERR_SIGNAL_EMPTY };
	else if (text_check(&f, "the signal", text, SIGNAL_MAX_CHARS, 1, 1))
		e[ne++] = (struct web_err){ "text", T_ERR_TEXT_CHARS };
	if (ne > 0) {
		/* The form again, with what was typed and where it went wrong. */
		html_init(&h, WEB_MAX_PAGE);
		status = render(r, &h, cat, form.too_long ? "" : text, e, ne);
		if (status != 200) {
			html_free(&h);
			return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
		}
		return web_finish(r, &h, 422);
	}
	/* A robot filled the hidden field: the usual answer, nothing kept. */
	if (*web_form_get(&form, "website") == '\0' &&
	    signal_add(db, 0, text, cat, 0, "web", &id, &f)) {
		/* Checked above: what is left is the store's own error. */
		log_warnx("web: a signal could not be stored: %s", f.msg);
		return web_message(r, 503, T_ERROR, T_ERROR_TEXT);
	}
	html_init(&h, WEB_MAX_PAGE);
	web_head(&h, r, web_t(r, T_SIGNAL_THANKS), NULL);
	html_raw(&h, "<h1>");
	html_txt(&h, web_t(r, T_SIGNAL_THANKS));
	html_raw(&h, "</h1>\n<p>");
	html_txt(&h, web_t(r, T_SIGNAL_THANKS_TEXT));
	/*
	 * This page's own address is /signals (the form's): a link to
	 * /signals#done would only look for #done here.  A query of its own
	 * makes it another address, so the list is loaded.
	 */
	html_raw(&h, "</p>\n<p><a href=\"/signals?done");
	web_lang_param(&h, r, 1);
	html_raw(&h, "#done\">");
	html_txt(&h, web_t(r, T_SIGNALS_DONE));
	html_raw(&h, "</a></p>\n");
	web_foot(&h, r);
	return web_finish(r, &h, 200);
}

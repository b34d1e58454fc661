/*
 * The agenda page (GET /): the public sessions of the coming weeks,
 * grouped by day, with filters by kind, group and location as plain
 * links, and the calendar feeds to subscribe to.  Cancelled occurrences
 * stay, marked, with their reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/listing.h"
#include "hersteld/location.h"
#include "hersteld/registration.h"
#include "hersteld/store.h"
#include "hersteld/web.h"
#include "hersteld/when.h"

#define AGENDA_DAYS	91
#define AGENDA_MAX	2000		/* occurrences on one page */

static const char *const kinds[] = { "themabijeenkomst", "dialoogsessie",
    "steungroep", "kennissessie", "netwerksessie", "overig", NULL };

struct item {
	time_t		 start, end;
	icaltimezone	*zone;
	int		 days;		/* a day event */
	char		 uid[160];
	char		 kind[24];
	char		*title, *where, *reason;
	int		 accessible, cancelled, moved;
	long		 left;		/* -1: no limit */
	long		 going;		/* registered (the group's page) */
};

/* A proposal open for ideas: listed apart, with no date. */
struct idea {
	char		 uid[160];
	char		*title;
};

struct collect {
	struct idea		*ideas;
	size_t			 nideas, capideas;
	sqlite3			*db;
	const struct web_req	*r;
	struct item		*v;
	size_t			 n, cap;
	time_t			 from, to;
	const struct event	*ev;
	struct reg_counter	 counter;
	long			 capacity;	/* ev's; 0: no limit */
	char			 where[6400];
	int			 accessible;
	int			 failed;
};

/* The place of ev as people read it, and whether it is step-free. */
static void
place_of(sqlite3 *db, const struct event *ev, char *out, size_t len,
    int *accessible)
{
	struct fault f = { 0 };
	struct room rm;
	struct location loc;

	*accessible = 0;
	out[0] = '\0';
	if (ev->room_id && room_get_id(db, ev->room_id, &rm, &f) == 0) {
		*accessible = rm.accessible;
		if (location_get_id(db, rm.location_id, &loc, &f) == 0)
			snprintf(out, len, "%s, %s%s%s", rm.name, loc.name,
			    loc.address[0] ? ", " : "", loc.address);
		else
			snprintf(out, len, "%s", rm.name);
	} else if (ev->location_id &&
	    location_get_id(db, ev->location_id, &loc, &f) == 0)
		snprintf(out, len, "%s%s%s", loc.name, loc.address[0] ? ", " :
		    "", loc.address);
	else
		snprintf(out, len, "%s", ev->place);
}

/*
 * Places left at occurrence rid of k->ev (0: the single event); -1: no
 * limit.  *going: how many are registered.
 */
static long
left_at(struct collect *k, time_t rid, long *going)
{
	long n = reg_counter_going(&k->counter, k->ev->id, rid);

	if (n < 0) {
		k->failed = 1;
		n = 0;
	}
	*going = n;
	if (k->capacity <= 0)
		return -1;
	return k->capacity > n ? k->capacity - n : 0;
}

static int
take_occ(const struct occurrence *o, void *arg)
{
	struct collect *k = arg;
	const struct event *ev = k->ev;
	const struct override *ov;
	struct item *it;

	if (o->end <= k->from)
		return 0;
	if (k->n == AGENDA_MAX)
		return 1;
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		struct item *nv = realloc(k->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			k->failed = 1;
			return 1;
		}
		k->v = nv;
		k->cap = ncap;
	}
	it = &k->v[k->n];
	memset(it, 0, sizeof(*it));
	it->start = o->start;
	it->end = o->end;
	it->zone = ev->zone;
	it->days = ev->days;
	snprintf(it->uid, sizeof(it->uid), "%s", ev->uid);
	snprintf(it->kind, sizeof(it->kind), "%s", ev->kind);
	it->accessible = k->accessible;
	it->cancelled = o->cancelled || strcmp(ev->status, "cancelled") == 0;
	it->moved = o->moved;
	ov = o->recurrence_id ? event_override(ev, o->recurrence_id) : NULL;
	it->title = strdup(o->title && *o->title ? o->title : ev->title);
	it->where = strdup(k->where);
	it->reason = strdup(ov && ov->cancelled ? ov->cancel_reason :
	    ev->cancel_reason);
	it->left = it->cancelled ? -1 : left_at(k, o->recurrence_id,
	    &it->going);
	if (it->title == NULL || it->where == NULL || it->reason == NULL) {
		free(it->title);
		free(it->where);
		free(it->reason);
		k->failed = 1;
		return 1;
	}
	k->n++;
	return 0;
}

static int
take_idea(struct collect *k, const struct event *ev)
{
	struct idea *nv;

	for (size_t i = 0; i < k->nideas; i++)
		if (strcmp(k->ideas[i].uid, ev->uid) == 0)
			return 0;
	if (k->nideas == AGENDA_MAX)
		return 0;
	if (k->nideas == k->capideas) {
		size_t ncap = k->capideas ? k->capideas * 2 : 8;

		if ((nv = realloc(k->ideas, ncap * sizeof(*nv))) == NULL) {
			k->failed = 1;
			return 1;
		}
		k->ideas = nv;
		k->capideas = ncap;
	}
	snprintf(k->ideas[k->nideas].uid, sizeof(k->ideas[k->nideas].uid),
	    "%s", ev->uid);
	if ((k->ideas[k->nideas].title = strdup(ev->title)) == NULL) {
		k->failed = 1;
		return 1;
	}
	k->nideas++;
	return 0;
}

/* The proposals open for ideas: "Denk mee". */
static void
ideas_html(struct html *h, const struct web_req *r, const struct collect *k)
{
	if (k->nideas == 0)
		return;
	html_raw(h, "<section aria-labelledby=\"ideas\">\n<h2 id=\"ideas\">");
	html_txt(h, web_t(r, T_IDEAS));
	html_raw(h, "</h2>\n<p>");
	html_txt(h, web_t(r, T_IDEAS_INTRO));
	html_raw(h, "</p>\n<ul>\n");
	for (size_t i = 0; i < k->nideas; i++) {
		html_raw(h, "<li><a href=\"");
		html_attr(h, r->base);
		html_raw(h, "/sessions/");
		html_url(h, k->ideas[i].uid);
		web_lang_param(h, r, 0);
		html_raw(h, "\">");
		html_txt(h, k->ideas[i].title);
		html_raw(h, "</a></li>\n");
	}
	html_raw(h, "</ul>\n</section>\n");
}

static int
take_event(const struct event *ev, void *arg)
{
	struct collect *k = arg;
	const struct web_req *r = k->r;

	if (listing_shows(k->db, ev, r->page_group ? r->page_group->id : 0)
	    != 1)
		return 0;
	if ((r->kind && *r->kind && strcmp(ev->kind, r->kind) != 0) ||
	    (r->group && *r->group && strcmp(ev->group, r->group) != 0) ||
	    (r->location && *r->location && strcmp(ev->location,
	    r->location) != 0))
		return 0;
	if (strcmp(ev->status, "proposed") == 0)
		return take_idea(k, ev);
	k->ev = ev;
	if ((k->capacity = reg_capacity(k->db, ev)) < 0) {
		k->failed = 1;
		return 1;
	}
	place_of(k->db, ev, k->where, sizeof(k->where), &k->accessible);
	if (event_occurrences(ev, k->from, k->to, take_occ, k) < 0)
		k->failed = 1;
	return k->failed || k->n == AGENDA_MAX;
}

static int
by_start(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

/* A filter link: the agenda with one filter set (value NULL: cleared). */
static void
filter_link(struct html *h, const struct web_req *r, const char *which,
    const char *value, const char *label, const char *current)
{
	const char *names[3] = { "kind", "group", "location" };
	const char *vals[3] = { r->kind, r->group, r->location };
	int first = 1, on;

	html_raw(h, "<li><a href=\"/");
	for (int i = 0; i < 3; i++) {
		const char *v = strcmp(names[i], which) == 0 ? value : vals[i];

		if (v == NULL || *v == '\0')
			continue;
		html_raw(h, first ? "?" : "&amp;");
		html_raw(h, names[i]);
		html_raw(h, "=");
		html_url(h, v);
		first = 0;
	}
	if (r->en)
		html_raw(h, first ? "?lang=en" : "&amp;lang=en");
	on = value ? current && strcmp(current, value) == 0 :
	    current == NULL || *current == '\0';
	html_raw(h, on ? "\" aria-current=\"page\">" : "\">");
	html_txt(h, label);
	html_raw(h, "</a></li>\n");
}

struct lists {
	struct html		*h;
	const struct web_req	*r;
};

static int
group_link(const struct group *g, void *arg)
{
	struct lists *l = arg;

	if (!g->anonymous)
		filter_link(l->h, l->r, "group", g->slug, g->name, l->r->group);
	return 0;
}

static int
location_link(const struct location *loc, void *arg)
{
	struct lists *l = arg;

	filter_link(l->h, l->r, "location", loc->slug, loc->name,
	    l->r->location);
	return 0;
}

static void
filters(struct html *h, const struct web_req *r, sqlite3 *db)
{
	struct lists l = { h, r };
	struct fault f = { 0 };

	html_raw(h, "<nav aria-labelledby=\"filters\">\n<h2 id=\"filters\">");
	html_txt(h, web_t(r, T_FILTERS));
	html_raw(h, "</h2>\n<h3>");
	html_txt(h, web_t(r, T_KIND));
	html_raw(h, "</h3>\n<ul>\n");
	filter_link(h, r, "kind", NULL, web_t(r, T_ALL), r->kind);
	for (int i = 0; kinds[i]; i++)
		filter_link(h, r, "kind", kinds[i], web_kind_name(r, kinds[i]),
		    r->kind);
	html_raw(h, "</ul>\n<h3>");
	html_txt(h, web_t(r, T_GROUP));
	html_raw(h, "</h3>\n<ul>\n");
	filter_link(h, r, "group", NULL, web_t(r, T_ALL), r->group);
	group_list(db, group_link, &l, &f);
	html_raw(h, "</ul>\n<h3>");
	html_txt(h, web_t(r, T_LOCATION));
	html_raw(h, "</h3>\n<ul>\n");
	filter_link(h, r, "location", NULL, web_t(r, T_ALL), r->location);
	location_list(db, location_link, &l, &f);
	html_raw(h, "</ul>\n</nav>\n");
}

/*
 * The filters that are set, as a URL-encoded query without lang, for the
 * language switch; "" when none is set or they do not fit in len.
 */
static void
filter_query(const struct web_req *r, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *names[3] = { "kind", "group", "location" };
	const char *vals[3] = { r->kind, r->group, r->location };
	const unsigned char *s;
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < 3; i++) {
		if (vals[i] == NULL || *vals[i] == '\0')
			continue;
		if (n + strlen(names[i]) + 3 > len)
			goto toolong;
		n += (size_t)snprintf(out + n, len - n, "%s%s=", n ? "&" : "",
		    names[i]);
		for (s = (const unsigned char *)vals[i]; *s; s++) {
			if (n + 4 > len)
				goto toolong;
			if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
			    *s == '_' || *s == '~')
				out[n++] = (char)*s;
			else {
				out[n++] = '%';
				out[n++] = hex[*s >> 4];
				out[n++] = hex[*s & 15];
			}
		}
		out[n] = '\0';
	}
	return;
toolong:
	out[0] = '\0';
}

/* webcal:// and https:// links of one feed path. */
static void
feed_links(struct html *h, const struct web_req *r, const char *label,
    const char *path)
{
	const char *base = conf_current()->public_url;
	const char *host = strstr(base, "://");

	host = host ? host + 3 : base;
	html_raw(h, "<li>");
	html_txt(h, label);
	html_raw(h, ": <a href=\"webcal://");
	html_attr(h, host);
	html_attr(h, path);
	html_raw(h, "\">webcal</a> \xc2\xb7 <a href=\"");
	html_attr(h, base);
	html_attr(h, path);
	html_raw(h, "\">");
	html_txt(h, strncmp(base, "https:", 6) == 0 ? "https" : "http");
	html_raw(h, "</a></li>\n");
	(void)r;
}

static void
subscribe(struct html *h, const struct web_req *r)
{
	char path[64];

	html_raw(h, "<section aria-labelledby=\"subscribe\">\n<h2 id=\""
	    "subscribe\">");
	html_txt(h, web_t(r, T_SUBSCRIBE));
	html_raw(h, "</h2>\n<p>");
	html_txt(h, web_t(r, T_SUBSCRIBE_INTRO));
	html_raw(h, "</p>\n<ul>\n");
	feed_links(h, r, web_t(r, T_ALL_PUBLIC), "/feeds/public.ics");
	for (int i = 0; kinds[i]; i++) {
		snprintf(path, sizeof(path), "/feeds/kind/%s.ics", kinds[i]);
		feed_links(h, r, web_kind_name(r, kinds[i]), path);
	}
	html_raw(h, "</ul>\n</section>\n");
}

static void
item_html(struct html *h, const struct web_req *r, const struct item *it)
{
	char t1[32], span[80];

	web_when(r, it->zone, it->days, it->start, it->end, 0, t1, sizeof(t1));
	web_when(r, it->zone, it->days, it->start, it->end, 1, span,
	    sizeof(span));
	html_raw(h, it->cancelled ? "<li class=\"cancelled\">\n<h3>" :
	    "<li>\n<h3>");
	html_raw(h, "<a href=\"");
	html_attr(h, r->base);
	html_raw(h, "/sessions/");
	html_url(h, it->uid);
	web_lang_param(h, r, 0);
	html_raw(h, "\">");
	html_txt(h, it->title);
	html_raw(h, "</a></h3>\n<p class=\"meta\">");
	html_txt(h, web_kind_name(r, it->kind));
	html_raw(h, " \xc2\xb7 <time datetime=\"");
	html_attr(h, t1);
	html_raw(h, "\">");
	/* The day is the heading above: from a time on, only the times. */
	html_txt(h, it->days ? span : span + 11);
	html_raw(h, "</time>");
	if (it->moved && !it->cancelled) {
		html_raw(h, " (");
		html_txt(h, web_t(r, T_MOVED));
		html_raw(h, ")");
	}
	html_raw(h, "</p>\n");
	if (it->where[0]) {
		html_raw(h, "<p class=\"meta\">");
		html_txt(h, it->where);
		if (it->accessible) {
			html_raw(h, " \xc2\xb7 ");
			html_txt(h, web_t(r, T_ACCESSIBLE));
		}
		html_raw(h, "</p>\n");
	}
	if (it->cancelled) {
		html_raw(h, "<p class=\"meta\"><strong>");
		html_txt(h, web_t(r, T_CANCELLED));
		html_raw(h, "</strong>");
		if (it->reason[0]) {
			html_raw(h, ": ");
			html_txt(h, it->reason);
		}
		html_raw(h, "</p>\n");
	} else if (it->left >= 0 || r->page_group) {
		html_raw(h, "<p class=\"meta\">");
		/* The group's page counts its people; never names them. */
		if (r->page_group) {
			html_num(h, it->going);
			html_raw(h, " ");
			html_txt(h, web_t(r, T_REGISTERED_COUNT));
			if (it->left >= 0)
				html_raw(h, " \xc2\xb7 ");
		}
		if (it->left == 0)
			html_txt(h, web_t(r, T_FULL));
		else if (it->left > 0) {
			html_num(h, it->left);
			html_raw(h, " ");
			html_txt(h, web_t(r, it->left == 1 ?
			    T_ONE_PLACE_LEFT : T_PLACES_LEFT));
		}
		html_raw(h, "</p>\n");
	}
	html_raw(h, "</li>\n");
}

int
web_agenda(const struct web_req *r, const char *unused, struct html *h)
{
	sqlite3 *db = store_db();
	struct collect k = { 0 };
	struct fault f = { 0 };
	char day[64], prev[16] = "", d[16], query[1024];
	int status = 500;

	(void)unused;
	if (db == NULL)
		return 500;
	k.db = db;
	k.r = r;
	k.from = clock_now();
	k.to = k.from + AGENDA_DAYS * 86400L;
	if (reg_counter_open(&k.counter, db))
		return 500;
	/* event_each finds what is still going on by its span's end. */
	if (event_each(db, k.from, k.to, take_event, &k,
	    &f) || k.failed)
		goto done;
	if (k.n > 1)
		qsort(k.v, k.n, sizeof(*k.v), by_start);
	if (r->page_group) {
		web_head(h, r, r->page_group->name, NULL);
		html_raw(h, "<h1>");
		html_txt(h, r->page_group->name);
		html_raw(h, "</h1>\n<p>");
		html_txt(h, web_t(r, T_GROUP_PAGE_INTRO));
		html_raw(h, "</p>\n");
	} else {
		/* The switch to the other language keeps the filters. */
		filter_query(r, query, sizeof(query));
		web_head(h, r, web_t(r, T_AGENDA), query);
		html_raw(h, "<h1>");
		html_txt(h, web_t(r, T_AGENDA));
		html_raw(h, "</h1>\n<p>");
		html_txt(h, web_t(r, T_AGENDA_INTRO));
		html_raw(h, "</p>\n");
		filters(h, r, db);
	}
	if (k.n == 0) {
		html_raw(h, "<p>");
		html_txt(h, web_t(r, r->page_group ? T_GROUP_NONE :
		    T_NONE_FOUND));
		html_raw(h, "</p>\n");
	}
	for (size_t i = 0; i < k.n; i++) {
		when_format_date(k.v[i].start, k.v[i].zone, d);
		if (strcmp(d, prev) != 0) {
			if (prev[0])
				html_raw(h, "</ul>\n</section>\n");
			web_day_name(r, k.v[i].start, k.v[i].zone, day,
			    sizeof(day));
			html_raw(h, "<section>\n<h2>");
			html_txt(h, day);
			html_raw(h, "</h2>\n<ul class=\"sessions\">\n");
			memcpy(prev, d, sizeof(prev));
		}
		item_html(h, r, &k.v[i]);
	}
	if (prev[0])
		html_raw(h, "</ul>\n</section>\n");
	ideas_html(h, r, &k);
	if (r->page_group == NULL)
		subscribe(h, r);
	web_foot(h, r);
	status = 200;
done:
	for (size_t i = 0; i < k.n; i++) {
		free(k.v[i].title);
		free(k.v[i].where);
		free(k.v[i].reason);
	}
	free(k.v);
	reg_counter_close(&k.counter);
	for (size_t i = 0; i < k.nideas; i++)
		free(k.ideas[i].title);
	free(k.ideas);
	return status;
}

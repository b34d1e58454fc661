/*
 * The web router (see web.h): which page a request is, the language it
 * is read in, and the cache.  The agenda and session pages are kept in
 * memory against the store's generation, like the feeds: an unchanged
 * page costs no query and answers If-None-Match with 304; any committed
 * write makes the next request render afresh.  A kept page is also
 * renewed after CACHE_AGE, because its forms carry signed tokens that
 * expire and the agenda moves with the clock.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/store.h"
#include "hersteld/web.h"

#define CACHE_MAX	128
#define CACHE_AGE	600		/* seconds */
#define KEY_MAX		640

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * One rendering, shared: the cache holds a reference, and so does every
 * answer being sent from it, so that a page goes out without a copy.
 */
struct body {
	int		 refs;		/* under cache_lock */
	size_t		 len;
	char		 data[];
};

static struct page {
	char		 key[KEY_MAX];
	struct body	*body;
	uint64_t	 generation;
	time_t		 made;
	char		 etag[64];
	time_t		 used;
} cache[CACHE_MAX];

/* Drop one reference (the caller holds cache_lock). */
static void
body_unref_locked(struct body *b)
{
	if (b && --b->refs == 0)
		free(b);
}

/* MHD is done with an answer's bytes. */
static void
body_release(void *cls)
{
	pthread_mutex_lock(&cache_lock);
	body_unref_locked(cls);
	pthread_mutex_unlock(&cache_lock);
}

int
web_path(const char *url)
{
	const struct conf *c = conf_current();

	if (c == NULL || !c->web_enabled)
		return 0;
	return strcmp(url, "/") == 0 || strcmp(url, "/style.css") == 0 ||
	    strncmp(url, "/sessions/", 10) == 0 ||
	    strncmp(url, "/confirm/", 9) == 0 ||
	    strncmp(url, "/me/", 4) == 0 || strcmp(url, "/link") == 0 ||
	    strcmp(url, "/signals") == 0 || strncmp(url, "/g/", 3) == 0;
}

void
web_shutdown(void)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_MAX; i++) {
		body_unref_locked(cache[i].body);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	pthread_mutex_unlock(&cache_lock);
}

/* English when ?lang=en, or Accept-Language prefers en to nl. */
static void
language(struct web_req *r)
{
	const char *q = MHD_lookup_connection_value(r->c,
	    MHD_GET_ARGUMENT_KIND, "lang");
	const char *h, *p;
	double best_en = -1, best_nl = -1;

	if (q && (strcmp(q, "en") == 0 || strcmp(q, "nl") == 0)) {
		r->en = strcmp(q, "en") == 0;
		r->lang_asked = 1;
		return;
	}
	h = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	if (h == NULL || strlen(h) > 1024)
		return;
	for (p = h; *p; ) {
		size_t n = strcspn(p, ",");
		const char *semi = memchr(p, ';', n);
		double qv = 1.0;
		const char *t = p;

		while (*t == ' ')
			t++;
		if (semi && strncmp(semi, ";q=", 3) == 0)
			qv = strtod(semi + 3, NULL);
		if (strncasecmp(t, "en", 2) == 0 && (t[2] == '-' || t[2] == ';' ||
		    t[2] == ',' || t[2] == ' ' || t[2] == '\0') && qv > best_en)
			best_en = qv;
		if (strncasecmp(t, "nl", 2) == 0 && (t[2] == '-' || t[2] == ';' ||
		    t[2] == ',' || t[2] == ' ' || t[2] == '\0') && qv > best_nl)
			best_nl = qv;
		p += n;
		if (*p == ',')
			p++;
	}
	r->en = best_en > 0 && best_en > best_nl;
}

static int
etag_matches(const char *header, const char *etag)
{
	return header && (strcmp(header, "*") == 0 ||
	    strstr(header, etag) != NULL);
}

static enum MHD_Result
not_modified(struct MHD_Connection *c, const char *etag)
{
	struct MHD_Response *rs;
	enum MHD_Result ret;

	rs = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (rs == NULL)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "public, no-cache");
	MHD_add_response_header(rs, MHD_HTTP_HEADER_VARY, "Accept-Language");
	ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, rs);
	MHD_destroy_response(rs);
	return ret;
}

/*
 * The cached page of key: 2 (and its etag) when If-None-Match (inm)
 * names it, as a 304 needs no body; 1 (a new reference to its bytes in
 * *out, and its etag) when not; 0 when there is none that is current.
 */
static int
cache_get(const char *key, uint64_t gen, time_t now, const char *inm,
    struct body **out, char *etag)
{
	int found = 0;

	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_MAX; i++) {
		struct page *p = &cache[i];

		if (p->body == NULL || strcmp(p->key, key) != 0)
			continue;
		if (p->generation != gen || now - p->made >= CACHE_AGE ||
		    now < p->made)
			break;
		if (etag_matches(inm, p->etag))
			found = 2;
		else {
			p->body->refs++;
			*out = p->body;
			found = 1;
		}
		strcpy(etag, p->etag);
		p->used = now;
		break;
	}
	pthread_mutex_unlock(&cache_lock);
	return found;
}

/* Keep b as the page of key (the cache takes a reference of its own). */
static void
cache_put(const char *key, uint64_t gen, time_t now, struct body *b,
    const char *etag)
{
	struct page *slot = NULL;

	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_MAX && slot == NULL; i++)
		if (cache[i].body && strcmp(cache[i].key, key) == 0)
			slot = &cache[i];
	for (int i = 0; i < CACHE_MAX && slot == NULL; i++)
		if (cache[i].body == NULL)
			slot = &cache[i];
	if (slot == NULL) {
		slot = &cache[0];
		for (int i = 1; i < CACHE_MAX; i++)
			if (cache[i].used < slot->used)
				slot = &cache[i];
	}
	body_unref_locked(slot->body);
	b->refs++;
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->body = b;
	slot->generation = gen;
	slot->made = slot->used = now;
	snprintf(slot->etag, sizeof(slot->etag), "%s", etag);
	pthread_mutex_unlock(&cache_lock);
}

typedef int (*render_fn)(const struct web_req *, const char *,
    struct html *);

/* A cached page: render(r, arg, h) makes it when the cache has none. */
static enum MHD_Result
cached(struct web_req *r, render_fn render, const char *arg)
{
	char key[KEY_MAX], etag[64], *text = NULL;
	const char *inm = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	uint64_t gen = store_generation();
	time_t now = clock_now();
	struct body *b = NULL;
	struct html h;
	size_t len;
	int status, n;

	n = snprintf(key, sizeof(key), "%s\n%s\n%s\n%s\n%s", r->path,
	    r->en ? "en" : "nl", r->kind ? r->kind : "", r->group ? r->group :
	    "", r->location ? r->location : "");
	if (n < 0 || (size_t)n >= sizeof(key))
		return web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	switch (cache_get(key, gen, now, inm, &b, etag)) {
	case 2:
		metrics_count_page(1);
		return not_modified(r->c, etag);
	case 1:
		metrics_count_page(1);
		return web_send_kept(r->c, 200, b->data, b->len, etag,
		    body_release, b);
	}
	html_init(&h, WEB_MAX_PAGE);
	status = render(r, arg, &h);
	if (status != 200) {
		html_free(&h);
		return status == 404 ?
		    web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT) :
		    web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
	if (html_finish(&h, &text, &len) != HTML_OK)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	metrics_count_page(0);
	/* The generation and the moment name this rendering. */
	snprintf(etag, sizeof(etag), "\"w%llx-%llx-%s\"",
	    (unsigned long long)gen, (unsigned long long)now,
	    r->en ? "en" : "nl");
	if ((b = malloc(sizeof(*b) + len + 1)) == NULL) {
		/* Not kept; this answer still goes out. */
		if (etag_matches(inm, etag)) {
			free(text);
			return not_modified(r->c, etag);
		}
		return web_send(r->c, 200, text, len, etag);
	}
	b->refs = 1;			/* this answer's */
	b->len = len;
	memcpy(b->data, text, len + 1);
	free(text);
	cache_put(key, gen, now, b, etag);
	if (etag_matches(inm, etag)) {
		body_release(b);
		return not_modified(r->c, etag);
	}
	return web_send_kept(r->c, 200, b->data, b->len, etag, body_release, b);
}

/*
 * A group's secret page: /g/SLUG/KEY (its sessions), and below it
 * /sessions/UID and /sessions/UID/register as on the public side, for
 * the sessions the page shows.  Never cached: the key is in the path,
 * and nothing of it should stay anywhere.  A wrong key is the plain 404.
 */
static enum MHD_Result
group_page(struct web_req *r, const char *rest, int get, int post)
{
	struct fault f = { 0 };
	struct group g;
	struct html h;
	char slug[64], key[GROUP_PAGE_KEY_LEN + 1], base[160], uid[400];
	const char *p;
	size_t n;
	int status;

	if (store_db() == NULL)
		return web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	n = strcspn(rest, "/");
	if (n == 0 || n >= sizeof(slug) || rest[n] != '/')
		return web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	memcpy(slug, rest, n);
	slug[n] = '\0';
	p = rest + n + 1;
	n = strcspn(p, "/");
	if (n != GROUP_PAGE_KEY_LEN)
		return web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	memcpy(key, p, n);
	key[n] = '\0';
	p += n;
	if (group_by_page(store_db(), slug, key, &g, &f))
		return f.kind == FAULT_NOTFOUND ?
		    web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT) :
		    web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	snprintf(base, sizeof(base), "/g/%s/%s", g.slug, key);
	r->page_group = &g;
	r->base = base;
	html_init(&h, WEB_MAX_PAGE);
	if (*p == '\0' && get)
		status = web_agenda(r, NULL, &h);
	else if (strncmp(p, "/sessions/", 10) == 0) {
		p += 10;
		n = strlen(p);
		if (post && n > 9 && strcmp(p + n - 9, "/register") == 0 &&
		    n - 9 < sizeof(uid)) {
			html_free(&h);
			memcpy(uid, p, n - 9);
			uid[n - 9] = '\0';
			return web_register(r, uid);
		}
		status = get && n > 0 && n < sizeof(uid) && !strchr(p, '/') ?
		    web_session(r, p, &h) : 404;
	} else
		status = 404;
	if (status != 200) {
		html_free(&h);
		return status == 404 ?
		    web_message(r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT) :
		    web_message(r, 500, T_ERROR, T_ERROR_TEXT);
	}
	return web_finish(r, &h, 200);
}

enum MHD_Result
web_answer(struct MHD_Connection *c, const char *method, const char *url,
    const char *body, size_t len, int too_big)
{
	struct web_req r = { .c = c, .method = method, .path = url,
	    .body = body, .len = len, .base = "" };
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	const char *rest;
	char uid[400];
	size_t n;
	long wait;

	language(&r);
	if (strcmp(url, "/style.css") == 0 && get)
		return web_stylesheet(c);
	if (!get && !post)
		return web_message(&r, 405, T_NOT_FOUND, T_NOT_FOUND_TEXT);
	if (post) {
		/* Every form counts against its client's limit first. */
		if ((wait = web_rate(c)) > 0) {
			struct MHD_Response *rs;
			struct html h;
			char *out, secs[24];
			size_t olen;
			enum MHD_Result ret;

			html_init(&h, WEB_MAX_PAGE);
			web_head(&h, &r, web_t(&r, T_TOO_MANY), NULL);
			html_raw(&h, "<h1>");
			html_txt(&h, web_t(&r, T_TOO_MANY));
			html_raw(&h, "</h1>\n<p>");
			html_txt(&h, web_t(&r, T_TOO_MANY_TEXT));
			html_raw(&h, "</p>\n");
			web_foot(&h, &r);
			if (html_finish(&h, &out, &olen) != HTML_OK)
				return MHD_NO;
			/* web_send's headers, and Retry-After. */
			rs = MHD_create_response_from_buffer(olen, out,
			    MHD_RESPMEM_MUST_FREE);
			if (rs == NULL) {
				free(out);
				return MHD_NO;
			}
			snprintf(secs, sizeof(secs), "%ld", wait);
			MHD_add_response_header(rs, MHD_HTTP_HEADER_RETRY_AFTER,
			    secs);
			MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
			    "text/html; charset=utf-8");
			MHD_add_response_header(rs, "Content-Security-Policy",
			    "default-src 'self'; frame-ancestors 'none'; "
			    "form-action 'self'; base-uri 'none'");
			MHD_add_response_header(rs, "X-Content-Type-Options",
			    "nosniff");
			MHD_add_response_header(rs, "Referrer-Policy",
			    "no-referrer");
			MHD_add_response_header(rs, "X-Frame-Options", "DENY");
			MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
			    "no-store");
			ret = MHD_queue_response(c, 429, rs);
			MHD_destroy_response(rs);
			return ret;
		}
		if (too_big)
			return web_message(&r, 413, T_BAD_INPUT, T_TOO_LARGE);
	}
	if (strcmp(url, "/") == 0 && get) {
		r.kind = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "kind");
		r.group = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "group");
		r.location = MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "location");
		return cached(&r, web_agenda, NULL);
	}
	if (strncmp(url, "/sessions/", 10) == 0) {
		rest = url + 10;
		n = strlen(rest);
		if (post && n > 9 && strcmp(rest + n - 9, "/register") == 0 &&
		    n - 9 < sizeof(uid)) {
			memcpy(uid, rest, n - 9);
			uid[n - 9] = '\0';
			return web_register(&r, uid);
		}
		if (get && n > 0 && n < sizeof(uid))
			return cached(&r, web_session, rest);
	}
	if (strncmp(url, "/confirm/", 9) == 0)
		return web_confirm(&r, url + 9);
	if (strncmp(url, "/me/", 4) == 0)
		return web_me(&r, url + 4);
	if (strcmp(url, "/link") == 0)
		return web_link(&r);
	if (strncmp(url, "/g/", 3) == 0)
		return group_page(&r, url + 3, get, post);
	if (strcmp(url, "/signals") == 0)
		return post ? web_signal_post(&r) :
		    cached(&r, web_signals, NULL);
	return web_message(&r, 404, T_NOT_FOUND, T_NOT_FOUND_TEXT);
}

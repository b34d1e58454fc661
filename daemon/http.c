/*
 * HTTP listeners (libmicrohttpd): the admin UNIX socket and listen.http.
 * This file owns limits and authentication; api.c owns what a request
 * means.  Each request is answered on its second callback so that
 * keep-alive works (see LIBRARIES.md), and its body is capped.
 *
 * listen.http faces the internet, so it bounds what one client can hold:
 * listen.per_client connections per address, and each request must have
 * arrived whole within listen.request_timeout.  The access handler sees a
 * request only once its headers are in, so the deadline is kept from the
 * connection's side: a watcher thread holds the connections that owe a
 * request, in deadline order, and shuts down the socket of one that is
 * late; its MHD thread then reads the end and closes it as usual.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <microhttpd.h>

#include "hersteld/api.h"
#include "hersteld/feed.h"
#include "hersteld/http.h"
#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/participant.h"
#include "hersteld/proto.h"
#include "hersteld/store.h"
#include "hersteld/util.h"
#include "hersteld/web.h"

struct listener {
	struct MHD_Daemon	*mhd;
	int			 is_socket;	/* the admin's door */
	int			 is_metrics;	/* metrics.listen: /metrics, /healthz */
	const char		*what;		/* its setting, for messages */
	char			*path;		/* socket path to unlink */
	MHD_socket		 pending_close;	/* listen fd after quiesce */
	int			 fd;		/* listening socket, or -1 */
	int			 family;
};

struct request {
	char			*body;
	size_t			 len, cap;
	int			 too_big;
	int			 large;	/* a large answer: free memory after it */
	int			 authed;
	int			 seen;	/* the access handler has had it */
	int			 nul;	/* the raw URI encodes a NUL byte */
	int			 web;	/* a web page (web.h) on listen.http */
	enum metrics_class	 cls;	/* for hersteld_http_requests_total */
	struct principal	 who;
};

/*
 * A connection to listen.http; on the watch list while it owes a request.
 * Every deadline is "now + the same timeout" when it is set, so appending
 * keeps the list in deadline order and the head is always due first.
 */
struct conn {
	struct conn		*prev, *next;
	int			 listed;
	int			 fd;
	struct timespec		 deadline;	/* CLOCK_MONOTONIC */
};

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 thread;
	int			 running, stopping;
	struct conn		*head, *tail;
	unsigned int		 timeout;	/* seconds */
} watch = { .lock = PTHREAD_MUTEX_INITIALIZER };

static unsigned int	 per_client = 32;

static struct listener	 unix_l = { .is_socket = 1, .fd = -1,
			    .what = "listen.socket",
			    .pending_close = MHD_INVALID_SOCKET },
			 tcp_l = { .fd = -1, .what = "listen.http",
			    .pending_close = MHD_INVALID_SOCKET },
			 metrics_l = { .is_metrics = 1, .fd = -1,
			    .what = "metrics.listen",
			    .pending_close = MHD_INVALID_SOCKET };
static pthread_mutex_t	 active_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 active_cond = PTHREAD_COND_INITIALIZER;
static int		 active;

static const char *
query_value(void *arg, const char *name)
{
	return MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned int status, json_t *j)
{
	struct MHD_Response *rs;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

	if (j != NULL) {
		text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (text == NULL)
			return MHD_NO;
		len = strlen(text);
		text[len] = '\0';
	}
	rs = MHD_create_response_from_buffer(len, text ? text : (void *)"",
	    text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (rs == NULL) {
		free(text);
		return MHD_NO;
	}
	if (j != NULL)
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "application/json");
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == 401)
		MHD_add_response_header(rs, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"hersteld\"");
	ret = MHD_queue_response(c, status, rs);
	MHD_destroy_response(rs);
	return ret;
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned int status, const char *code,
    const char *msg)
{
	struct api_resp resp = { 0 };
	enum MHD_Result ret;

	api_error(&resp, status, code, "%s", msg);
	ret = send_json(c, status, resp.json);
	json_decref(resp.json);
	return ret;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	struct MHD_Response *rs;
	enum MHD_Result ret;

	rs = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (rs == NULL)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	ret = MHD_queue_response(c, status, rs);
	MHD_destroy_response(rs);
	return ret;
}

static enum MHD_Result
send_html(struct MHD_Connection *c, unsigned int status, const char *html)
{
	struct MHD_Response *rs;
	enum MHD_Result ret;

	rs = MHD_create_response_from_buffer(strlen(html), (void *)html,
	    MHD_RESPMEM_MUST_COPY);
	if (rs == NULL)
		return MHD_NO;
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(rs, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, status, rs);
	MHD_destroy_response(rs);
	return ret;
}

/* ---- unsubscribe (RFC 8058) ---- */

#define PAGE_HEAD "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta " \
	"charset=\"utf-8\"><meta name=\"viewport\" content=\"width=" \
	"device-width\"><title>Afmelden / Unsubscribe</title></head><body>\n"

/*
 * GET shows a button (link checkers in mail systems open links; opening
 * must not unsubscribe); POST, as a mail client's one-click sends it,
 * unsubscribes.
 */
static enum MHD_Result
serve_unsubscribe(struct MHD_Connection *c, const char *method,
    const char *token)
{
	char page[2048];
	if (!hex_token_ok(token, PARTICIPANT_TOKEN_LEN))
		return send_html(c, 404, PAGE_HEAD "<p>Deze link is niet "
		    "geldig.</p><p>This link is not valid.</p></body></html>\n");
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		if (participant_unsub_known(store_db(), token) != 1)
			return send_html(c, 404, PAGE_HEAD "<p>Deze link is niet "
			    "(meer) geldig.</p><p>This link is not (or no "
			    "longer) valid.</p></body></html>\n");
		snprintf(page, sizeof(page), PAGE_HEAD "<form method=\"post\" "
		    "action=\"/unsubscribe/%s\"><p>Wil je geen e-mail meer van "
		    "ons ontvangen? Je aanmeldingen blijven staan.</p><p>Do you "
		    "want to stop receiving our email? Your registrations stay."
		    "</p><input type=\"hidden\" name=\"List-Unsubscribe\" "
		    "value=\"One-Click\"><button type=\"submit\">Afmelden / "
		    "Unsubscribe</button></form></body></html>\n", token);
		return send_html(c, 200, page);
	}
	if (strcmp(method, "POST") != 0)
		return send_text(c, 405, "use GET or POST\n");
	switch (participant_unsubscribe(store_db(), token)) {
	case 1:
		return send_html(c, 200, PAGE_HEAD "<p>Je bent afgemeld: je "
		    "krijgt geen e-mail meer van ons.</p><p>You are "
		    "unsubscribed: you will get no more email from us.</p>"
		    "</body></html>\n");
	case 0:
		return send_html(c, 404, PAGE_HEAD "<p>Deze link is niet "
		    "(meer) geldig.</p><p>This link is not (or no longer) "
		    "valid.</p></body></html>\n");
	default:
		return send_html(c, 500, PAGE_HEAD "<p>Er ging iets mis; "
		    "probeer het later opnieuw.</p><p>Something went wrong; "
		    "please try again later.</p></body></html>\n");
	}
}

/* ---- feeds ---- */

static void
release_doc(void *cls)
{
	feed_release(cls);
}

static void
http_date(time_t t, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int
parse_http_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);

	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* If-None-Match: "*", or a list of tags (weak ones compare too). */
static int
etag_matches(const char *header, const char *etag)
{
	const char *p;

	if (strcmp(header, "*") == 0)
		return 1;
	for (p = header; (p = strstr(p, etag)) != NULL; p++)
		if (p == header || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/')
			return 1;
	return 0;
}

/* Accept-Encoding names gzip, and not with q=0. */
static int
accepts_gzip(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	const char *g;

	if (h == NULL || (g = strstr(h, "gzip")) == NULL)
		return 0;
	g += 4;
	while (*g == ' ')
		g++;
	if (strncmp(g, ";q=0", 4) == 0 && (g[4] == '\0' || g[4] == ',' ||
	    (g[4] == '.' && strspn(g + 5, "0") > 0 && !strpbrk(g + 5,
	    "123456789"))))
		return 0;
	return 1;
}

static void
feed_headers(struct MHD_Response *rs, const struct feed_doc *d, int gz)
{
	char lm[64];

	http_date(d->last_modified, lm, sizeof(lm));
	/* Each form has its own strong tag (RFC 9110, 8.8.3). */
	MHD_add_response_header(rs, MHD_HTTP_HEADER_ETAG, gz ? d->etag_gz :
	    d->etag);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
	/* Clients keep it and ask again each time: a change shows at once. */
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
	    d->private_ ? "private, no-cache" : "public, no-cache");
	MHD_add_response_header(rs, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
}

/* A 200's headers: a 304's and what its body is. */
static void
ok_headers(struct MHD_Response *rs, const struct feed_doc *d, int gz)
{
	feed_headers(rs, d, gz);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/calendar; charset=utf-8");
	if (gz)
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    "gzip");
}

/*
 * What one document's answers are made of, made the first time it is
 * served: the 304s, queued again for every request after (MHD counts the
 * references), and a file holding the 200's bytes, sent with sendfile(2)
 * as a static file server sends one instead of copied out of our buffer
 * each time.
 *
 * The file is an unnamed one (O_TMPFILE) in the database's directory: a
 * regular file's page cache hands sendfile its pages in batches, where a
 * memory file (memfd, tmpfs) is looked up a page at a time, which cost a
 * sixth of a large 200.  It has no name, is mode 0600 and is gone when
 * the daemon closes it or stops, however it stops.  Where the directory
 * cannot hold one, a memory file; where neither can be made, the bytes
 * are served from our buffer.
 *
 * Each thread that serves a 200 of the document has an answer of its own
 * around a dup() of that file, made at its first such 200 and queued
 * again for every one after.  MHD 0.9.75 locks a file answer's mutex for
 * each piece it sends (128 KiB in our mode): one answer shared by the
 * threads made them wait on each other several times per 200.  An answer
 * made for every request instead cost a dozen calloc()s, which glibc
 * serves under the one arena's lock.  A dup'd descriptor shares the file,
 * not an offset: sendfile is given its own.
 */
#define ANSWER_THREADS	8	/* at most tcp_threads(); more share one */

struct feed_answers {
	struct MHD_Response	*same[2];	/* 304: plain, gzip */
	int			 fd[2];		/* 200's bytes; -1: none */
	_Atomic(struct MHD_Response *) ok[2][ANSWER_THREADS];	/* 200s */
};

static atomic_uint threads_seen;
static _Thread_local int answer_slot = -1;

static void
feed_answers_free(void *p)
{
	struct feed_answers *a = p;

	for (int i = 0; i < 2; i++) {
		if (a->same[i])
			MHD_destroy_response(a->same[i]);
		if (a->fd[i] >= 0)
			close(a->fd[i]);
		/* MHD frees each when the last 200 sent with it is done. */
		for (int t = 0; t < ANSWER_THREADS; t++)
			if (a->ok[i][t] != NULL)
				MHD_destroy_response(a->ok[i][t]);
	}
	free(a);
}

static char *file_dir;		/* where the 200s' files are made */

/* A file holding bytes; -1: none (served from the buffer). */
static int
answer_file(const char *bytes, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd = -1;

	if (file_dir != NULL)
		fd = open(file_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (fd = memfd_create("hersteld-feed", MFD_CLOEXEC)) < 0)
		return -1;
	while (off < len) {
		if ((n = write(fd, bytes + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return fd;
}

static struct feed_answers *
feed_answers_make(const struct feed_doc *d)
{
	struct feed_answers *a = malloc(sizeof(*a));

	if (a == NULL)
		return NULL;
	a->same[0] = a->same[1] = NULL;
	a->fd[0] = a->fd[1] = -1;
	for (int i = 0; i < 2; i++)
		for (int t = 0; t < ANSWER_THREADS; t++)
			atomic_init(&a->ok[i][t], NULL);
	for (int gz = 0; gz < 2; gz++) {
		if (gz && d->gz == NULL)
			break;
		if ((a->same[gz] = MHD_create_response_from_buffer(0,
		    (void *)"", MHD_RESPMEM_PERSISTENT)) != NULL)
			feed_headers(a->same[gz], d, gz);
		a->fd[gz] = answer_file(gz ? d->gz : d->body,
		    gz ? d->gzlen : d->len);
	}
	return a;
}

/* d's answers, made once; NULL: none, make each for this one. */
static struct feed_answers *
feed_answers_of(struct feed_doc *d)
{
	struct feed_answers *a = atomic_load(&d->http);
	void *none = NULL;

	if (a == NULL) {
		if ((a = feed_answers_make(d)) == NULL)
			return NULL;
		/* Another thread may have made them meanwhile: keep one. */
		if (!atomic_compare_exchange_strong(&d->http, &none, a)) {
			feed_answers_free(a);
			a = none;
		}
	}
	return a;
}

/* A new 200 of d's bytes, sent from a dup of its file; NULL: none. */
static struct MHD_Response *
file_answer(const struct feed_doc *d, const struct feed_answers *a, int gz)
{
	struct MHD_Response *rs;
	int fd;

	if (a->fd[gz] < 0 || (fd = fcntl(a->fd[gz], F_DUPFD_CLOEXEC, 0)) < 0)
		return NULL;
	/* MHD closes fd with the response. */
	if ((rs = MHD_create_response_from_fd64(gz ? d->gzlen : d->len,
	    fd)) == NULL) {
		close(fd);
		return NULL;
	}
	ok_headers(rs, d, gz);
	return rs;
}

/* This thread's 200 of d, made at its first; NULL: none. */
static struct MHD_Response *
ok_answer(const struct feed_doc *d, struct feed_answers *a, int gz)
{
	_Atomic(struct MHD_Response *) *p;
	struct MHD_Response *rs, *none = NULL;

	if (answer_slot < 0)
		answer_slot = (int)(atomic_fetch_add(&threads_seen, 1) %
		    ANSWER_THREADS);
	p = &a->ok[gz][answer_slot];
	if ((rs = atomic_load(p)) != NULL)
		return rs;
	if ((rs = file_answer(d, a, gz)) == NULL)
		return NULL;
	/* A thread sharing the slot may have made one meanwhile. */
	if (!atomic_compare_exchange_strong(p, &none, rs)) {
		MHD_destroy_response(rs);
		rs = none;
	}
	return rs;
}

static enum MHD_Result
serve_feed(struct MHD_Connection *c, const char *url)
{
	const char *inm, *ims;
	struct feed_doc *d;
	struct fault f = { 0 };
	struct feed_answers *a;
	struct MHD_Response *rs;
	enum MHD_Result ret;
	int not_modified = 0, gz;
	time_t since;

	if ((d = feed_get(url, &f)) == NULL) {
		if (f.kind == FAULT_NOTFOUND && strcmp(f.msg, FEED_REPLACED) == 0)
			return send_text(c, 404, "Deze link is vervangen door een "
			    "nieuwe. Vraag de organisatoren van de groep, of de "
			    "beheerder van de locatie, om de nieuwe link.\n"
			    "This link was replaced by a new one. Ask the group's "
			    "organisers, or the location's manager, for the new "
			    "link.\n");
		return f.kind == FAULT_NOTFOUND ? send_text(c, 404,
		    "no such feed\n") : send_text(c, 500, "internal error\n");
	}
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	gz = d->gz != NULL && accepts_gzip(c);
	if (inm != NULL)
		not_modified = etag_matches(inm, gz ? d->etag_gz : d->etag);
	else if (ims != NULL && parse_http_date(ims, &since) == 0)
		not_modified = d->last_modified <= since;
	if ((a = feed_answers_of(d)) != NULL && not_modified &&
	    a->same[gz] != NULL) {
		ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, a->same[gz]);
		feed_release(d);
		return ret;
	}
	if (a != NULL && !not_modified && (rs = ok_answer(d, a, gz)) != NULL) {
		ret = MHD_queue_response(c, MHD_HTTP_OK, rs);
		feed_release(d);
		return ret;
	}
	if (not_modified) {
		rs = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
		if (rs == NULL) {
			feed_release(d);
			return MHD_NO;
		}
		feed_headers(rs, d, gz);
		feed_release(d);
		ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, rs);
		MHD_destroy_response(rs);
		return ret;
	}
	/* The cached bytes themselves; released when MHD is done. */
	rs = MHD_create_response_from_buffer_with_free_callback_cls(
	    gz ? d->gzlen : d->len, gz ? d->gz : d->body, release_doc, d);
	if (rs == NULL) {
		feed_release(d);
		return MHD_NO;
	}
	ok_headers(rs, d, gz);
	ret = MHD_queue_response(c, MHD_HTTP_OK, rs);
	MHD_destroy_response(rs);
	return ret;
}

/* Whether url is a feed (see feed.h); the fuzz harness routes by it too. */
int
http_feed_path(const char *url)
{
	return strncmp(url, "/feeds/", 7) == 0 ||
	    strncmp(url, "/events/", 8) == 0 ||
	    strncmp(url, "/freebusy/", 10) == 0;
}

/* ---- monitoring ---- */

/* Whether url is answered by serve_monitoring. */
static int
monitoring_path(const char *url)
{
	return strcmp(url, "/metrics") == 0 || strcmp(url, "/healthz") == 0;
}

/* GET /metrics (Prometheus text) or /healthz ("ok", or 503 and why). */
static enum MHD_Result
serve_monitoring(struct MHD_Connection *c, const char *method,
    const char *url)
{
	struct MHD_Response *rs;
	struct dynbuf b = { .max = 1024 * 1024 };
	enum MHD_Result ret;
	char why[300];

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_text(c, 405, "use GET\n");
	if (strcmp(url, "/healthz") == 0) {
		if (metrics_health(store_db(), why, sizeof(why)) == 0)
			return send_text(c, 200, "ok\n");
		log_warnx("healthz: %s", why);
		dynbuf_printf(&b, "%s\n", why);
		if (b.err != DYNBUF_OK) {
			free(b.p);
			return send_text(c, 503, "unhealthy\n");
		}
		rs = MHD_create_response_from_buffer(b.len, b.p,
		    MHD_RESPMEM_MUST_FREE);
		if (rs == NULL) {
			free(b.p);
			return MHD_NO;
		}
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/plain; charset=utf-8");
		MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
		ret = MHD_queue_response(c, 503, rs);
		MHD_destroy_response(rs);
		return ret;
	}
	if (store_db() == NULL || metrics_render(store_db(), &b) != 0) {
		log_warnx("metrics: cannot read the figures%s%s",
		    store_db() ? ": " : "",
		    store_db() ? sqlite3_errmsg(store_db()) : "");
		free(b.p);
		return send_text(c, 500, "cannot read the figures\n");
	}
	rs = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	if (rs == NULL) {
		free(b.p);
		return MHD_NO;
	}
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    METRICS_CONTENT_TYPE);
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, MHD_HTTP_OK, rs);
	MHD_destroy_response(rs);
	return ret;
}

/* ---- the request deadline of listen.http ---- */

static void
watch_unlink(struct conn *k)
{
	if (!k->listed)
		return;
	if (k->prev)
		k->prev->next = k->next;
	else
		watch.head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	else
		watch.tail = k->prev;
	k->prev = k->next = NULL;
	k->listed = 0;
}

/* From now on k owes a (next) request within the timeout. */
static void
watch_arm(struct conn *k)
{
	pthread_mutex_lock(&watch.lock);
	watch_unlink(k);
	clock_gettime(CLOCK_MONOTONIC, &k->deadline);
	k->deadline.tv_sec += watch.timeout;
	k->prev = watch.tail;
	if (watch.tail)
		watch.tail->next = k;
	else
		watch.head = k;
	watch.tail = k;
	k->listed = 1;
	if (watch.head == k)
		pthread_cond_signal(&watch.cond);
	pthread_mutex_unlock(&watch.lock);
}

/* k's request has arrived whole: no deadline while it is answered. */
static void
watch_disarm(struct conn *k)
{
	if (k == NULL)
		return;
	pthread_mutex_lock(&watch.lock);
	watch_unlink(k);
	pthread_mutex_unlock(&watch.lock);
}

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void
notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *k = *socket_context;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL || (k = calloc(1, sizeof(*k))) == NULL)
			return;	/* unwatched; the idle timeout still holds */
		k->fd = ci->connect_fd;
		*socket_context = k;
		watch_arm(k);
		return;
	}
	/* Closed: unlisted before MHD closes the socket, so fd stays ours. */
	if (k == NULL)
		return;
	watch_disarm(k);
	free(k);
	*socket_context = NULL;
}

static void *
watch_main(void *arg)
{
	struct timespec now;
	struct conn *k;

	(void)arg;
	pthread_mutex_lock(&watch.lock);
	while (!watch.stopping) {
		if ((k = watch.head) == NULL) {
			pthread_cond_wait(&watch.cond, &watch.lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec < k->deadline.tv_sec ||
		    (now.tv_sec == k->deadline.tv_sec &&
		    now.tv_nsec < k->deadline.tv_nsec)) {
			/*
			 * A copy: while this waits, the connection may close
			 * and k be freed by its MHD thread.
			 */
			struct timespec until = k->deadline;

			pthread_cond_timedwait(&watch.cond, &watch.lock, &until);
			continue;
		}
		/*
		 * Late.  Shut the socket down rather than close it: the
		 * connection's MHD thread sees the end, closes and cleans up.
		 */
		watch_unlink(k);
		shutdown(k->fd, SHUT_RDWR);
		log_debug("http: closed a connection that sent no complete "
		    "request within %u s", watch.timeout);
	}
	pthread_mutex_unlock(&watch.lock);
	return NULL;
}

static int
watch_start(unsigned int timeout)
{
	pthread_condattr_t ca;

	watch.timeout = timeout;
	watch.stopping = 0;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&watch.cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return -1;
	}
	pthread_condattr_destroy(&ca);
	if (pthread_create(&watch.thread, NULL, watch_main, NULL) != 0) {
		pthread_cond_destroy(&watch.cond);
		return -1;
	}
	watch.running = 1;
	return 0;
}

/* After the listener has stopped: no connection is left on the list. */
static void
watch_stop(void)
{
	if (!watch.running)
		return;
	pthread_mutex_lock(&watch.lock);
	watch.stopping = 1;
	pthread_cond_signal(&watch.cond);
	pthread_mutex_unlock(&watch.lock);
	pthread_join(watch.thread, NULL);
	pthread_cond_destroy(&watch.cond);
	watch.running = 0;
}

/*
 * Called with the raw request line's URI, before MHD decodes it; what it
 * returns is the request's *con_cls.  MHD would cut a decoded NUL short
 * without a word, so note it here and refuse the request later.
 */
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	/* Not calloc: glibc's takes the arena's lock, malloc a cache. */
	struct request *r = malloc(sizeof(*r));

	(void)cls; (void)c;
	if (r != NULL)
		*r = (struct request){ .nul = strstr(uri, "%00") != NULL };
	return r;
}

/* The body cap of a route. */
static size_t
body_cap(const char *url)
{
	return strcmp(url, API_IMPORT_PATH) == 0 ?
	    API_MAX_IMPORT : API_MAX_BODY;
}

/* Content-Length announces more than cap (or a number too big to read). */
static int
announced_too_big(struct MHD_Connection *c, size_t cap)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (h == NULL)
		return 0;
	errno = 0;
	n = strtoull(h, &end, 10);
	if (errno == ERANGE)
		return 1;
	return end != h && n > cap;
}

static int
authenticate(struct MHD_Connection *c, const struct listener *l,
    struct principal *p)
{
	const char *h;

	memset(p, 0, sizeof(*p));
	if (l->is_socket) {
		p->role = ROLE_ADMIN;
		snprintf(p->name, sizeof(p->name), "admin (socket)");
		return 0;
	}
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return -1;
	h += 7;
	while (*h == ' ')
		h++;
	if (strlen(h) > 128)
		return -1;
	return token_authenticate(store_db(), h, p);
}

static enum MHD_Result
too_large(struct MHD_Connection *c, const char *url)
{
	return send_error(c, 413, "too_large", strcmp(url, API_IMPORT_PATH) ==
	    0 ? "the file is larger than 10 MiB" :
	    "request body is larger than 1 MiB");
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct listener *l = cls;
	struct request *r = *con_cls;
	struct api_resp resp = { 0 };
	enum MHD_Result ret;
	char logged[512];
	/* metrics.listen answers two paths and nothing else. */
	int api = !l->is_metrics &&
	    strncmp(url, API_PREFIX, strlen(API_PREFIX)) == 0 &&
	    (url[strlen(API_PREFIX)] == '/' || url[strlen(API_PREFIX)] == '\0');

	if (r == NULL) {
		/* uri_seen() could not allocate it. */
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		*con_cls = r;
	}
	if (!r->seen) {
		r->seen = 1;
		r->web = !api && l == &tcp_l && web_path(url);
		r->cls = api ? METRICS_API : r->web ? METRICS_WEB :
		    l != &metrics_l && http_feed_path(url) ? METRICS_FEED :
		    METRICS_OTHER;
		pthread_mutex_lock(&active_lock);
		active++;
		pthread_mutex_unlock(&active_lock);
		/*
		 * Everything that can refuse a request is decided on its
		 * headers, before any of the body is read.  An answer queued
		 * now makes MHD discard the body and close.
		 */
		if (r->nul) {
			watch_disarm(conn_of(c));
			return api ? send_error(c, 400, "bad_request", "the "
			    "path holds an encoded NUL byte (%00)") :
			    send_text(c, 400, "the path holds an encoded NUL "
			    "byte (%00)\n");
		}
		if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST) == NULL) {
			watch_disarm(conn_of(c));
			return api ? send_error(c, 400, "bad_request", "an "
			    "HTTP/1.1 request needs a Host header") :
			    send_text(c, 400, "an HTTP/1.1 request needs a "
			    "Host header\n");
		}
		/*
		 * Check the token on the headers, so that nobody without one
		 * makes the daemon read (and hold) a request body.
		 */
		if (r->web && announced_too_big(c, WEB_MAX_BODY)) {
			watch_disarm(conn_of(c));
			r->too_big = 1;
			return web_answer(c, method, url, NULL, 0, 1);
		}
		if (api) {
			if (authenticate(c, l, &r->who) != 0) {
				watch_disarm(conn_of(c));
				return send_error(c, 401, "unauthorized", "a valid "
				    "bearer token is required (Authorization: "
				    "Bearer TOKEN)");
			}
			r->authed = 1;
		}
		if (announced_too_big(c, body_cap(url))) {
			watch_disarm(conn_of(c));
			r->too_big = 1;
			return api ? too_large(c, url) :
			    send_text(c, 413, "request body too large\n");
		}
		return MHD_YES;
	}
	if (*size > 0) {
		if (!r->too_big && (r->authed || r->web)) {
			/* An import carries a whole calendar file. */
			size_t cap = r->web ? WEB_MAX_BODY : body_cap(url);

			if (r->len + *size > cap) {
				r->too_big = 1;
			} else {
				if (r->len + *size + 1 > r->cap) {
					size_t ncap = (r->len + *size + 1) * 2;
					char *nb;
					if (ncap > cap + 1)
						ncap = cap + 1;
					if ((nb = realloc(r->body, ncap)) == NULL)
						return MHD_NO;
					r->body = nb;
					r->cap = ncap;
				}
				memcpy(r->body + r->len, data, *size);
				r->len += *size;
			}
		}
		*size = 0;
		return MHD_YES;
	}

	/* The request has arrived whole. */
	watch_disarm(conn_of(c));
	if (r->web)
		return web_answer(c, method, url, r->body, r->len, r->too_big);
	/* Monitoring: the admin's socket and metrics.listen, not listen.http. */
	if (l != &tcp_l && monitoring_path(url))
		return serve_monitoring(c, method, url);
	if (l->is_metrics)
		return send_text(c, 404, "not found (this address answers "
		    "/metrics and /healthz)\n");
	if (!api) {
		if (strncmp(url, "/unsubscribe/", 13) == 0)
			return serve_unsubscribe(c, method, url + 13);
		if (!http_feed_path(url))
			return send_text(c, 404, "not found\n");
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			return send_text(c, 405, "feeds are read with GET\n");
		return serve_feed(c, url);
	}
	if (!r->authed)
		return MHD_NO;	/* answered 401 already */
	if (r->too_big)
		return too_large(c, url);

	url += strlen(API_PREFIX);
	api_handle(method, url, r->body, r->len, &r->who, query_value, c, &resp);
	/* A path may name a participant by address ("participants/a@b"). */
	snprintf(logged, sizeof(logged), "%s", url);
	text_scrub_addresses(logged, sizeof(logged));
	log_debug("%s %s %s -> %u", r->who.name, method, logged, resp.status);
	r->large = json_is_array(resp.json) && json_array_size(resp.json) > 256;
	ret = send_json(c, resp.status, resp.json);
	json_decref(resp.json);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;
	const union MHD_ConnectionInfo *ci;
	struct conn *k;
	int seen;

	(void)cls; (void)toe;
	/* Counted here, one place for every answer that went out. */
	if (r != NULL && r->seen && (ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_HTTP_STATUS)) != NULL)
		metrics_count_http(r->cls, ci->http_status);
	/* A kept-alive connection now owes its next request in time. */
	if ((k = conn_of(c)) != NULL)
		watch_arm(k);
	if (r == NULL)
		return;
	/*
	 * A long list leaves megabytes of freed JSON and event records; an
	 * idle daemon should not keep them.
	 */
	if (r->large)
		malloc_trim(0);
	seen = r->seen;
	free(r->body);
	free(r);
	*con_cls = NULL;
	if (!seen)
		return;	/* ended before its headers were in: not counted */
	pthread_mutex_lock(&active_lock);
	if (--active == 0)
		pthread_cond_broadcast(&active_cond);
	pthread_mutex_unlock(&active_lock);
}

/* What a socket path must be before anything is opened at it. */
static int
check_socket_path(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "listen.socket %s: the path is %zu bytes "
		    "long; a UNIX socket path has at most %zu", path,
		    strlen(path), sizeof(sun.sun_path) - 1);
		return -1;
	}
	return path_dir_check("listen.socket", path, err, errlen);
}

/* A TCP address: the setting what, its text, and what conf made of it. */
struct tcp_addr {
	const char	*what, *text, *host;
	unsigned short	 port;
};

static struct tcp_addr
http_addr(const struct conf *c)
{
	return (struct tcp_addr){ "listen.http", c->listen_http, c->http_host,
	    c->http_port };
}

static struct tcp_addr
metrics_addr(const struct conf *c)
{
	return (struct tcp_addr){ "metrics.listen", c->metrics_listen,
	    c->metrics_host, c->metrics_port };
}

/* a's address; *ai is new, free with freeaddrinfo(). */
static int
resolve_tcp(struct tcp_addr a, struct addrinfo **ai, char *err,
    size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE };
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%u", a.port);
	if ((rc = getaddrinfo(a.host, port, &hints, ai)) != 0) {
		snprintf(err, errlen, "%s %s: %s", a.what, a.text,
		    gai_strerror(rc));
		*ai = NULL;
		return -1;
	}
	return 0;
}

int
http_check(const struct conf *c, char *err, size_t errlen)
{
	struct addrinfo *ai = NULL;

	if (c->listen_socket[0] != '\0' &&
	    check_socket_path(c->listen_socket, err, errlen) != 0)
		return -1;
	if (c->listen_http[0] != '\0') {
		if (resolve_tcp(http_addr(c), &ai, err, errlen) != 0)
			return -1;
		freeaddrinfo(ai);
	}
	if (c->metrics_listen[0] != '\0') {
		if (resolve_tcp(metrics_addr(c), &ai, err, errlen) != 0)
			return -1;
		freeaddrinfo(ai);
	}
	return 0;
}

static int
open_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (check_socket_path(path, err, errlen) != 0)
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	/* A live socket belongs to another daemon; a dead one is stale. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "listen.socket %s: another hersteld is "
		    "already running there", path);
		return -1;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, 0660) != 0 || listen(fd, 64) != 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "listen.socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
open_tcp(struct tcp_addr a, int *family, char *err, size_t errlen)
{
	struct addrinfo *ai = NULL;
	int fd = -1, one = 1;

	if (resolve_tcp(a, &ai, err, errlen) != 0)
		return -1;
	*family = ai->ai_family;
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		snprintf(err, errlen, "%s %s: %s", a.what, a.text,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
http_listen(const struct conf *c, char *err, size_t errlen)
{
	per_client = (unsigned int)c->http_per_client;
	free(file_dir);
	if (strchr(c->database, '/') == NULL)
		file_dir = strdup(".");
	else if ((file_dir = strdup(c->database)) != NULL) {
		char *slash = strrchr(file_dir, '/');

		slash[slash == file_dir] = '\0';
	}
	watch.timeout = (unsigned int)c->http_request_timeout;
	if (c->listen_socket[0] != '\0') {
		if ((unix_l.fd = open_unix(c->listen_socket, err, errlen)) < 0)
			return -1;
		unix_l.path = strdup(c->listen_socket);
	}
	if (c->listen_http[0] != '\0' &&
	    (tcp_l.fd = open_tcp(http_addr(c), &tcp_l.family, err,
	    errlen)) < 0) {
		http_stop();
		return -1;
	}
	if (c->metrics_listen[0] != '\0' &&
	    (metrics_l.fd = open_tcp(metrics_addr(c), &metrics_l.family, err,
	    errlen)) < 0) {
		http_stop();
		return -1;
	}
	return 0;
}

static int
start_one(struct listener *l, unsigned int pool, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC;

	if (l->fd < 0)
		return 0;
	if (l->family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/*
	 * The API answers quickly; a small pool covers SQLite busy waits.
	 * The admin's socket is not an IP door: no per-client limit and no
	 * request deadline there (MHD lets non-IP addresses through anyway).
	 * metrics.listen has the per-client limit but no deadline: it is
	 * meant for a scraper on a private address.
	 *
	 * MHD 0.9.75 clears a connection's whole memory pool before each
	 * next request on it (MHD_pool_reset): at 64 KiB that memset was a
	 * fifth of the time of a kept-alive 304.  The pool holds a request's
	 * headers and read buffer, never the body handed to us nor the
	 * answer's bytes; 16 KiB keeps room for headers of 8 KiB and more
	 * (larger ones are refused with 431).
	 */
	l->mhd = MHD_start_daemon(flags, 0, NULL, NULL, answer, l,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)l->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, pool,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
	    /* For the socket the list ends here. */
	    l->is_socket ? MHD_OPTION_END : MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    per_client,
	    /* For metrics.listen it ends here. */
	    l->is_metrics ? MHD_OPTION_END : MHD_OPTION_NOTIFY_CONNECTION,
	    notify_conn, NULL,
	    MHD_OPTION_END);
	if (l->mhd == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server on %s",
		    l->what);
		return -1;
	}
	return 0;
}

/*
 * listen.http answers with one thread per CPU, as a static web server has
 * one worker per CPU, and at least two, so that a request waiting for the
 * database's write lock leaves another thread answering.  More threads
 * than CPUs took the CPUs from the clients they sent to: side by side on
 * two CPUs, four threads sent a large feed's 200s at 0.93 of nginx's
 * rate, two at 1.17.
 */
static unsigned int
tcp_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > ANSWER_THREADS ? ANSWER_THREADS :
	    (unsigned int)n;
}

int
http_start(char *err, size_t errlen)
{
	feed_set_http_free(feed_answers_free);
	if (tcp_l.fd >= 0 && watch_start(watch.timeout) != 0) {
		snprintf(err, errlen, "cannot start the request deadline "
		    "thread");
		http_stop();
		return -1;
	}
	if (start_one(&unix_l, 2, err, errlen) ||
	    start_one(&tcp_l, tcp_threads(), err, errlen) ||
	    start_one(&metrics_l, 1, err, errlen)) {
		http_stop();
		return -1;
	}
	return 0;
}

static void
stop_one(struct listener *l)
{
	if (l->path != NULL) {
		unlink(l->path);
		free(l->path);
		l->path = NULL;
	}
	if (l->mhd == NULL) {
		/* Opened but never started: just close it. */
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
		return;
	}
	l->pending_close = MHD_quiesce_daemon(l->mhd);
}

void
http_stop(void)
{
	struct timespec until;

	stop_one(&unix_l);
	stop_one(&tcp_l);
	stop_one(&metrics_l);
	/* Requests in flight finish; wait at most ten seconds for them. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&active_lock);
	while (active > 0)
		if (pthread_cond_timedwait(&active_cond, &active_lock,
		    &until) != 0)
			break;
	pthread_mutex_unlock(&active_lock);
	if (unix_l.mhd) {
		MHD_stop_daemon(unix_l.mhd);
		unix_l.mhd = NULL;
	}
	if (tcp_l.mhd) {
		MHD_stop_daemon(tcp_l.mhd);
		tcp_l.mhd = NULL;
	}
	if (metrics_l.mhd) {
		MHD_stop_daemon(metrics_l.mhd);
		metrics_l.mhd = NULL;
	}
	watch_stop();
	if (unix_l.pending_close != MHD_INVALID_SOCKET)
		close(unix_l.pending_close);
	if (tcp_l.pending_close != MHD_INVALID_SOCKET)
		close(tcp_l.pending_close);
	if (metrics_l.pending_close != MHD_INVALID_SOCKET)
		close(metrics_l.pending_close);
	free(file_dir);
	file_dir = NULL;
}

/*
 * The HTTP client of herstelctl (libcurl): over the daemon's UNIX socket by
 * default, or over HTTP(S) with a bearer token.  Answers are capped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>

#include "cli.h"
#include "hersteld/proto.h"

#define MAX_ANSWER	(64 * 1024 * 1024)

struct buf {
	char	*data;
	size_t	 len;
	int	 too_big;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t add = size * n;
	char *nd;

	if (b->len + add > MAX_ANSWER) {
		b->too_big = 1;
		return 0;
	}
	if ((nd = realloc(b->data, b->len + add + 1)) == NULL)
		return 0;
	b->data = nd;
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

char *
client_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *r;

	if (e == NULL) {
		fprintf(stderr, "herstelctl: out of memory\n");
		exit(EX_OSERR);
	}
	r = strdup(e);
	curl_free(e);
	return r;
}

static int
exit_code(long status)
{
	if (status == 401 || status == 403)
		return EX_NOPERM;
	/* The daemon's storage is full or failing: worth trying again. */
	if (status == 503)
		return EX_TEMPFAIL;
	if (status >= 500)
		return EX_SOFTWARE;
	return EX_DATAERR;
}

json_t *
client_do(const char *method, const char *path, json_t *body)
{
	CURL *h;
	CURLcode rc;
	struct curl_slist *hdrs = NULL;
	struct buf b = { 0 };
	char url[4096], auth[256], *text = NULL;
	long status = 0;
	json_t *answer = NULL;
	json_error_t e;

	if ((h = curl_easy_init()) == NULL) {
		fprintf(stderr, "herstelctl: cannot initialise libcurl\n");
		exit(EX_SOFTWARE);
	}
	if (cli.url != NULL) {
		size_t n = strlen(cli.url);
		while (n > 0 && cli.url[n - 1] == '/')
			n--;
		snprintf(url, sizeof(url), "%.*s%s/%s", (int)n, cli.url,
		    API_PREFIX, path);
		if (cli.token != NULL) {
			snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
			    cli.token);
			hdrs = curl_slist_append(hdrs, auth);
		}
	} else {
		snprintf(url, sizeof(url), "http://localhost%s/%s", API_PREFIX,
		    path);
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, cli.socket);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (text == NULL) {
			fprintf(stderr, "herstelctl: cannot encode the request\n");
			exit(EX_SOFTWARE);
		}
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	free(text);

	if (rc != CURLE_OK) {
		if (b.too_big)
			fprintf(stderr, "herstelctl: the answer is too large\n");
		else if (cli.url != NULL)
			fprintf(stderr, "herstelctl: cannot reach hersteld at %s: "
			    "%s\n", cli.url, curl_easy_strerror(rc));
		else
			fprintf(stderr, "herstelctl: cannot reach hersteld at %s "
			    "(%s): is it running?  Start it with 'make run' in "
			    "the source tree or 'hersteld -c FILE', or point "
			    "--socket or $HERSTEL_SOCKET at its socket\n",
			    cli.socket, curl_easy_strerror(rc));
		free(b.data);
		exit(EX_UNAVAILABLE);
	}
	if (b.len > 0) {
		answer = json_loadb(b.data, b.len, 0, &e);
		if (answer == NULL) {
			fprintf(stderr, "herstelctl: HTTP %ld with an answer that "
			    "is not JSON\n", status);
			free(b.data);
			exit(status >= 400 ? exit_code(status) : EX_PROTOCOL);
		}
	}
	free(b.data);
	if (status >= 400) {
		const char *msg = NULL;
		json_t *err = json_object_get(answer, "error");

		msg = json_string_value(json_object_get(err, "message"));
		if (msg != NULL) {
			/* Never let a message drive the terminal. */
			char *m = strdup(msg);
			for (char *q = m; q && *q; q++)
				if ((unsigned char)*q < 0x20 || *q == 0x7f)
					*q = '?';
			msg = m;
		}
		if (cli.json && answer != NULL) {
			char *t = json_dumps(answer, JSON_INDENT(2));
			if (t)
				fprintf(stderr, "%s\n", t);
			free(t);
		} else {
			json_t *details = json_object_get(err, "details"), *d;
			size_t i;

			fprintf(stderr, "herstelctl: %s\n", msg ? msg :
			    "request failed");
			/* A refusal lists what it collides with, one a line. */
			json_array_foreach(details, i, d) {
				const char *t = json_string_value(
				    json_object_get(d, "text"));
				if (t != NULL)
					fprintf(stderr, "  %s\n", t);
			}
		}
		free((char *)msg);
		json_decref(answer);
		exit(exit_code(status));
	}
	return answer ? answer : json_null();
}

/*
 * Fuzz target: URL paths and query strings as the HTTP layer routes
 * them: below /api/v1 to api_handle() as a GET (as the admin and as an
 * organizer), feed paths (http_feed_path) to feed_render_path(), the
 * rest nowhere.  Input: one URL "PATH[?QUERY]", decoded as
 * libmicrohttpd hands it over.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/clock.h"
#include "hersteld/feed.h"
#include "hersteld/http.h"
#include "hersteld/proto.h"
#include "fuzzenv.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzzenv_store();
	return 0;
}

static void
api(const char *path, const struct principal *who)
{
	struct api_resp resp = { 0 };

	api_handle("GET", path, NULL, 0, who, fuzzenv_query, NULL, &resp);
	if (resp.status < 200 || resp.status > 599 || resp.json == NULL) {
		fprintf(stderr, "api: GET %s: status %u\n", path, resp.status);
		abort();
	}
	json_decref(resp.json);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fault f = { 0 };
	struct feed_doc *d;
	char *url, *q;

	if (size > 4096)
		return 0;
	url = fuzzenv_string(data, size);
	if ((q = strchr(url, '?')) != NULL)
		*q++ = '\0';
	fuzzenv_query_set(q);
	if (strncmp(url, API_PREFIX, strlen(API_PREFIX)) == 0 &&
	    (url[strlen(API_PREFIX)] == '/' || url[strlen(API_PREFIX)] == '\0')) {
		api(url + strlen(API_PREFIX), &fuzzenv_admin);
		api(url + strlen(API_PREFIX), &fuzzenv_organizer);
	} else if (http_feed_path(url)) {
		d = feed_render_path(fuzzenv_db(), url, clock_now(), &f);
		if (d == NULL && f.kind == FAULT_NONE) {
			fprintf(stderr, "feed: %s: no document, no fault\n", url);
			abort();
		}
		if (d != NULL)
			feed_release(d);
	}
	fuzzenv_reset();
	free(url);
	return 0;
}

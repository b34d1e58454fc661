/*
 * Fuzz target: JSON API requests through api_handle(), as the HTTP layer
 * hands them over, against an in-memory store with a fixture.  Input:
 * a first line "[ROLE ]METHOD PATH[?QUERY]" (ROLE admin, organizer or
 * manager; PATH with or without /api/v1), then the body.  Every answer
 * must carry a status and, except 204, a JSON body.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/api.h"
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct principal *who = &fuzzenv_admin;
	struct api_resp resp = { 0 };
	char *in, *nl, *line, *method, *path, *q, *sp;
	const char *body = NULL;
	size_t bodylen = 0;

	if (size > 64 * 1024)
		return 0;
	in = fuzzenv_string(data, size);
	if ((nl = memchr(in, '\n', size)) != NULL) {
		*nl = '\0';
		body = nl + 1;
		bodylen = size - (size_t)(nl + 1 - in);
	}
	line = in;
	if (strncmp(line, "organizer ", 10) == 0) {
		who = &fuzzenv_organizer;
		line += 10;
	} else if (strncmp(line, "manager ", 8) == 0) {
		who = &fuzzenv_manager;
		line += 8;
	} else if (strncmp(line, "admin ", 6) == 0)
		line += 6;
	method = line;
	if ((sp = strchr(line, ' ')) == NULL)
		goto done;
	*sp = '\0';
	path = sp + 1;
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	fuzzenv_query_set(q);
	if (strncmp(path, "/api/v1", 7) == 0)
		path += 7;
	api_handle(method, path, body, bodylen, who, fuzzenv_query, NULL,
	    &resp);
	if (resp.status < 200 || resp.status > 599 ||
	    (resp.json == NULL && resp.status != 204)) {
		fprintf(stderr, "api: status %u, json %p\n", resp.status,
		    (void *)resp.json);
		abort();
	}
	json_decref(resp.json);
	fuzzenv_reset();
done:
	free(in);
	return 0;
}

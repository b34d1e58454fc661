/*
 * herstelctl token create|list|revoke
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_CREATE "herstelctl token create " \
	"--role admin|organizer|location-manager [--group G] [--location L] " \
	"--name NAME"
#define USAGE_LIST "herstelctl token list"
#define USAGE_REVOKE "herstelctl token revoke ID"
#define USAGE "herstelctl token create|list|revoke ...\n  " USAGE_CREATE \
	"\n  " USAGE_LIST "\n  " USAGE_REVOKE

/* Never a secret: the daemon does not have it after create. */
static const struct column cols[] = {
	{ "ID", "id", COL_INT },
	{ "NAME", "name", COL_TEXT },
	{ "ROLE", "role", COL_TEXT },
	{ "GROUP", "group", COL_TEXT },
	{ "LOCATION", "location", COL_TEXT },
	{ "CREATED", "created", COL_TIME },
	{ "REVOKED", "revoked", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option create_opts[] = {
	{ "role", required_argument, NULL, 'r' },
	{ "group", required_argument, NULL, 'g' },
	{ "location", required_argument, NULL, 'l' },
	{ "name", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

static void
on_create(int ch, const char *val, void *arg)
{
	set_str(arg, ch == 'r' ? "role" : ch == 'g' ? "group" :
	    ch == 'l' ? "location" : "name", val, USAGE_CREATE);
}

int
cmd_token(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	const char *secret;
	char path[512];
	json_t *r, *body;
	int first;

	if (strcmp(verb, "create") == 0) {
		body = json_object();
		first = parse_opts(argc - 1, argv + 1, USAGE_CREATE, create_opts,
		    on_create, body) + 1;
		if (first < argc)
			usage_error(USAGE_CREATE, "unexpected argument \"%s\"",
			    argv[first]);
		if (json_object_get(body, "role") == NULL)
			usage_error(USAGE_CREATE, "--role is required");
		if (json_object_get(body, "name") == NULL)
			usage_error(USAGE_CREATE, "--name is required");
		r = client_do("POST", "tokens", body);
		secret = json_string_value(json_object_get(r, "token"));
		if (secret == NULL) {
			fprintf(stderr, "herstelctl: the daemon's answer holds "
			    "no token\n");
			json_decref(r);
			return EX_PROTOCOL;
		}
		if (cli.json)
			out_json(r);
		else
			printf("%s\n", secret);
		fflush(stdout);
		fprintf(stderr, "herstelctl: token %lld is shown only this once; "
		    "store it now (it cannot be shown again, only revoked)\n",
		    (long long)json_integer_value(json_object_get(r, "id")));
	} else if (strcmp(verb, "list") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_LIST, NULL, NULL,
		    NULL) + 1;
		if (first < argc)
			usage_error(USAGE_LIST, "unexpected argument \"%s\"",
			    argv[first]);
		r = client_do("GET", "tokens", NULL);
		out_table(r, cols);
	} else if (strcmp(verb, "revoke") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_REVOKE, NULL, NULL,
		    NULL) + 1;
		if (first >= argc || first + 1 < argc)
			usage_error(USAGE_REVOKE, "give one token ID (see "
			    "herstelctl token list)");
		parse_id(USAGE_REVOKE, "token ID", argv[first]);
		snprintf(path, sizeof(path), "tokens/%s", argv[first]);
		r = client_do("DELETE", path, NULL);
		if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: token: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

/*
 * herstelctl location add|list|show|edit|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl location add SLUG --name NAME [--address A] " \
	"[--timezone TZ] [--hours \"mon-fri 09:00-22:00\"]"
#define USAGE_EDIT "herstelctl location edit SLUG [--name NAME] " \
	"[--address A] [--timezone TZ] [--hours \"mon-fri 09:00-22:00\"]"
#define USAGE "herstelctl location add|list|show|edit|remove ...\n" \
	"  " USAGE_ADD "\n  herstelctl location list\n" \
	"  herstelctl location show SLUG\n  " USAGE_EDIT "\n" \
	"  herstelctl location remove SLUG"

static const struct column list_cols[] = {
	{ "SLUG", "slug", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "TIMEZONE", "timezone", COL_TEXT },
	{ "HOURS", "hours", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Slug", "slug", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Address", "address", COL_TEXT },
	{ "Time zone", "timezone", COL_TEXT },
	{ "Opening hours", "hours", COL_TEXT },
	{ "Created", "created", COL_TIME },
	{ "Modified", "modified", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "address", required_argument, NULL, 'a' },
	{ "timezone", required_argument, NULL, 'z' },
	{ "hours", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	json_t		*body;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;
	const char *key = ch == 'n' ? "name" : ch == 'a' ? "address" :
	    ch == 'z' ? "timezone" : "hours";

	set_str(a->body, key, val, a->usage);
}

int
cmd_location(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { .body = json_object() };
	char path[512], *slug;
	json_t *r;
	int first;

	if (strcmp(verb, "add") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		slug = slug_arg(argc, argv, first, a.usage, "location");
		if (json_object_get(a.body, "name") == NULL)
			usage_error(a.usage, "--name is required");
		set_str(a.body, "slug", argv[first], a.usage);
		free(slug);
		r = client_do("POST", "locations", a.body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, "herstelctl location list",
		    NULL, NULL, NULL) + 1;
		if (first < argc)
			usage_error("herstelctl location list", "unexpected "
			    "argument \"%s\"", argv[first]);
		r = client_do("GET", "locations", NULL);
		out_table(r, list_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "remove") == 0) {
		int show = verb[0] == 's';
		const char *u = show ? "herstelctl location show SLUG" :
		    "herstelctl location remove SLUG";

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		slug = slug_arg(argc, argv, first, u, "location");
		snprintf(path, sizeof(path), "locations/%s", slug);
		free(slug);
		r = client_do(show ? "GET" : "DELETE", path, NULL);
		if (show)
			out_object(r, show_cols);
		else if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "edit") == 0) {
		a.usage = USAGE_EDIT;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		slug = slug_arg(argc, argv, first, a.usage, "location");
		if (json_object_size(a.body) == 0)
			usage_error(a.usage, "nothing to change");
		snprintf(path, sizeof(path), "locations/%s", slug);
		free(slug);
		r = client_do("PATCH", path, a.body);
		out_object(r, show_cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		json_decref(a.body);
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		json_decref(a.body);
		fprintf(stderr, "herstelctl: location: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

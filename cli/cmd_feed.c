/*
 * herstelctl feed list [--group G] [--location L]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_LIST "herstelctl feed list [--group G] [--location L]"
#define USAGE "herstelctl feed list ...\n  " USAGE_LIST "\n" \
	"--group adds the group's secret link (with its group-only events);\n" \
	"--location adds the location's and its rooms' full-detail links."

static const struct option opts[] = {
	{ "group", required_argument, NULL, 'g' },
	{ "location", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	char	*group, *location;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	if (ch == 'g') {
		free(a->group);
		a->group = client_escape(val);
	} else {
		free(a->location);
		a->location = client_escape(val);
	}
}

int
cmd_feed(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { NULL, NULL };
	char path[1024];
	json_t *r, *x;
	size_t i;
	int first;

	if (strcmp(verb, "list") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_LIST, opts, on_opt,
		    &a) + 1;
		if (first < argc)
			usage_error(USAGE_LIST, "unexpected argument \"%s\"",
			    argv[first]);
		snprintf(path, sizeof(path), "feeds%s%s%s%s%s",
		    a.group || a.location ? "?" : "", a.group ? "group=" : "",
		    a.group ? a.group : "", a.group && a.location ? "&" : "",
		    a.location ? "location=" : "");
		if (a.location)
			strncat(path, a.location, sizeof(path) - strlen(path) - 1);
		free(a.group);
		free(a.location);
		r = client_do("GET", path, NULL);
		if (cli.json)
			out_json(r);
		else
			/* Name, then both links: they are too long for columns. */
			json_array_foreach(r, i, x) {
				const char *w = json_string_value(
				    json_object_get(x, "webcal"));

				printf("%s%s\n  %s\n", i ? "\n" : "",
				    json_string_value(json_object_get(x, "name")),
				    json_string_value(json_object_get(x, "url")));
				if (w != NULL)
					printf("  %s\n", w);
			}
		json_decref(r);
		return EX_OK;
	}
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	}
	fprintf(stderr, "herstelctl: feed: unknown verb \"%s\"\nusage: %s\n",
	    verb, USAGE);
	return EX_USAGE;
}

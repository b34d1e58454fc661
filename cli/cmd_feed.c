/*
 * herstelctl feed list [--group G] [--location L]
 * herstelctl feed rotate --group G | --location L
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_LIST "herstelctl feed list [--group G] [--location L]"
#define USAGE_ROTATE "herstelctl feed rotate --group G | --location L"
#define USAGE "herstelctl feed list|rotate ...\n  " USAGE_LIST "\n  " \
	USAGE_ROTATE "\n" \
	"--group adds the group's secret link (with its group-only events);\n" \
	"--location adds the location's and its rooms' full-detail links.\n" \
	"rotate replaces the secret links of a group or a location: the old " \
	"ones then\nanswer that they were replaced; the new ones are printed."

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

/* The options as given (rotate sends them in a JSON body). */
struct raw {
	const char	*group, *location;
};

static void
on_raw(int ch, const char *val, void *arg)
{
	struct raw *a = arg;

	if (ch == 'g')
		a->group = val;
	else
		a->location = val;
}

/* Name, then both links: they are too long for columns. */
static void
print_links(json_t *r)
{
	json_t *x;
	size_t i;

	if (cli.json) {
		out_json(r);
		return;
	}
	json_array_foreach(r, i, x) {
		const char *w = json_string_value(json_object_get(x, "webcal"));

		printf("%s%s\n  %s\n", i ? "\n" : "",
		    json_string_value(json_object_get(x, "name")),
		    json_string_value(json_object_get(x, "url")));
		if (w != NULL)
			printf("  %s\n", w);
	}
}

int
cmd_feed(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { NULL, NULL };
	struct raw raw = { NULL, NULL };
	char path[1024];
	json_t *r;
	int first;

	if (strcmp(verb, "rotate") == 0) {
		json_t *body = json_object();

		first = parse_opts(argc - 1, argv + 1, USAGE_ROTATE, opts,
		    on_raw, &raw) + 1;
		if (first < argc)
			usage_error(USAGE_ROTATE, "unexpected argument \"%s\"",
			    argv[first]);
		if ((raw.group == NULL) == (raw.location == NULL))
			usage_error(USAGE_ROTATE, "give --group G or --location L, "
			    "one of them");
		set_str(body, "group", raw.group, USAGE_ROTATE);
		set_str(body, "location", raw.location, USAGE_ROTATE);
		r = client_do("POST", "feeds/rotate", body);
		print_links(r);
		json_decref(r);
		return EX_OK;
	}
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
		print_links(r);
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

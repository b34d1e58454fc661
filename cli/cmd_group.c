/*
 * herstelctl group add|list|show|edit|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl group add SLUG --name NAME " \
	"[--kind steungroep|partner|gemeente] [--email ADDR] [--anonymous]"
#define USAGE_EDIT "herstelctl group edit SLUG [--name NAME] " \
	"[--kind steungroep|partner|gemeente] [--email ADDR] " \
	"[--anonymous | --not-anonymous]"
#define USAGE "herstelctl group add|list|show|edit|remove ...\n" \
	"  " USAGE_ADD "\n  herstelctl group list\n" \
	"  herstelctl group show SLUG\n  " USAGE_EDIT "\n" \
	"  herstelctl group remove SLUG"

static const struct column list_cols[] = {
	{ "SLUG", "slug", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "KIND", "kind", COL_TEXT },
	{ "EMAIL", "email", COL_TEXT },
	{ "ANONYMOUS", "anonymous", COL_BOOL },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Slug", "slug", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Kind", "kind", COL_TEXT },
	{ "Email", "email", COL_TEXT },
	{ "Anonymous", "anonymous", COL_BOOL },
	{ "Created", "created", COL_TIME },
	{ "Modified", "modified", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "kind", required_argument, NULL, 'k' },
	{ "email", required_argument, NULL, 'e' },
	{ "anonymous", no_argument, NULL, 'a' },
	{ "not-anonymous", no_argument, NULL, 'A' },
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

	switch (ch) {
	case 'n': set_str(a->body, "name", val, a->usage); break;
	case 'k': set_str(a->body, "kind", val, a->usage); break;
	case 'e': set_str(a->body, "email", val, a->usage); break;
	case 'a': case 'A':
		json_object_set_new(a->body, "anonymous", json_boolean(ch == 'a'));
		break;
	}
}

int
cmd_group(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { .body = json_object() };
	char path[512], *slug;
	json_t *r;
	int first;

	if (strcmp(verb, "add") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		slug = slug_arg(argc, argv, first, a.usage, "group");
		if (json_object_get(a.body, "name") == NULL)
			usage_error(a.usage, "--name is required");
		set_str(a.body, "slug", argv[first], a.usage);
		free(slug);
		r = client_do("POST", "groups", a.body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, "herstelctl group list",
		    NULL, NULL, NULL) + 1;
		if (first < argc)
			usage_error("herstelctl group list", "unexpected "
			    "argument \"%s\"", argv[first]);
		r = client_do("GET", "groups", NULL);
		out_table(r, list_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "remove") == 0) {
		int show = verb[0] == 's';
		const char *u = show ? "herstelctl group show SLUG" :
		    "herstelctl group remove SLUG";

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		slug = slug_arg(argc, argv, first, u, "group");
		snprintf(path, sizeof(path), "groups/%s", slug);
		free(slug);
		r = client_do(show ? "GET" : "DELETE", path, NULL);
		if (show)
			out_object(r, show_cols);
		else if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "edit") == 0) {
		a.usage = USAGE_EDIT;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		slug = slug_arg(argc, argv, first, a.usage, "group");
		if (json_object_size(a.body) == 0)
			usage_error(a.usage, "nothing to change");
		snprintf(path, sizeof(path), "groups/%s", slug);
		free(slug);
		r = client_do("PATCH", path, a.body);
		out_object(r, show_cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		json_decref(a.body);
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		json_decref(a.body);
		fprintf(stderr, "herstelctl: group: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

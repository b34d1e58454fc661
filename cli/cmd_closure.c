/*
 * herstelctl closure add|list|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl closure add LOC[/ROOM] --from T --to T " \
	"--reason TEXT"
#define USAGE_LIST "herstelctl closure list [LOC] [--all]"
#define USAGE_RM "herstelctl closure remove ID"
#define USAGE "herstelctl closure add|list|remove ...\n  " USAGE_ADD \
	"\n  " USAGE_LIST "\n  " USAGE_RM "\n" TIMES_HELP

static const struct column cols[] = {
	{ "ID", "id", COL_INT },
	{ "LOCATION", "location", COL_TEXT },
	{ "ROOM", "room", COL_TEXT },
	{ "FROM", "from", COL_TIME },
	{ "TO", "to", COL_TIME },
	{ "REASON", "reason", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct option add_opts[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "reason", required_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

static void
on_add(int ch, const char *val, void *arg)
{
	set_str(arg, ch == 'f' ? "from" : ch == 't' ? "to" : "reason", val,
	    USAGE_ADD);
}

static void
on_list(int ch, const char *val, void *arg)
{
	(void)ch; (void)val;
	*(int *)arg = 1;
}

int
cmd_closure(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	char path[512], *p;
	json_t *r, *body;
	int first, all = 0;

	if (strcmp(verb, "add") == 0) {
		body = json_object();
		first = parse_opts(argc - 1, argv + 1, USAGE_ADD, add_opts,
		    on_add, body) + 1;
		if (first >= argc)
			usage_error(USAGE_ADD, "what closes? give LOC or LOC/ROOM");
		if (first + 1 < argc)
			usage_error(USAGE_ADD, "unexpected argument \"%s\"",
			    argv[first + 1]);
		if (!json_object_get(body, "from") || !json_object_get(body, "to"))
			usage_error(USAGE_ADD, "--from and --to are required");
		if (!json_object_get(body, "reason"))
			usage_error(USAGE_ADD, "--reason is required");
		set_str(body, "target", argv[first], USAGE_ADD);
		r = client_do("POST", "closures", body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_LIST, list_opts,
		    on_list, &all) + 1;
		if (first + 1 < argc)
			usage_error(USAGE_LIST, "unexpected argument \"%s\"",
			    argv[first + 1]);
		if (first < argc) {
			p = client_escape(argv[first]);
			snprintf(path, sizeof(path), "closures?location=%s%s", p,
			    all ? "&all=1" : "");
			free(p);
		} else
			snprintf(path, sizeof(path), "closures%s",
			    all ? "?all=1" : "");
		r = client_do("GET", path, NULL);
		out_table(r, cols);
	} else if (strcmp(verb, "remove") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_RM, NULL, NULL,
		    NULL) + 1;
		if (first >= argc || first + 1 < argc)
			usage_error(USAGE_RM, "give one closure ID");
		parse_id(USAGE_RM, "closure ID", argv[first]);
		snprintf(path, sizeof(path), "closures/%s", argv[first]);
		r = client_do("DELETE", path, NULL);
		if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: closure: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

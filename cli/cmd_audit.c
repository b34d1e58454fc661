/*
 * herstelctl audit list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_LIST "herstelctl audit list [--from T] [--to T] " \
	"[--actor TOKEN-NAME]"
#define USAGE "herstelctl audit list ...\n  " USAGE_LIST "\n" \
	"Who created, changed, approved or cancelled what, and when; for the " \
	"admin.\n--actor is a token's name (or \"admin\" for the socket); " \
	"--to as a date takes\nin that whole day.  At most 10000 rows: narrow " \
	"the period for more."

static const struct column cols[] = {
	{ "ID", "id", COL_INT },
	{ "AT", "at", COL_TIME },
	{ "ACTOR", "actor", COL_TEXT },
	{ "ACTION", "action", COL_TEXT },
	{ "OBJECT", "object", COL_TEXT },
	{ "DETAIL", "detail", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct option opts[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "actor", required_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

static void
on_opt(int ch, const char *val, void *arg)
{
	query_add(arg, 1024, ch == 'f' ? "from" : ch == 't' ? "to" : "actor",
	    val);
}

int
cmd_audit(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	char query[1024] = "", path[1100];
	json_t *r;
	int first;

	if (strcmp(verb, "list") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_LIST, opts, on_opt,
		    query) + 1;
		if (first < argc)
			usage_error(USAGE_LIST, "unexpected argument \"%s\"",
			    argv[first]);
		snprintf(path, sizeof(path), "audit%s", query);
		r = client_do("GET", path, NULL);
		out_table(r, cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: audit: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

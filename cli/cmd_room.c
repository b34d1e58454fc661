/*
 * herstelctl room add|list|show|edit|remove as a table for noun_run(), and
 * the two verbs with code of their own: availability (what a room holds
 * between two times) and find (free rooms of a location).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_AVAIL "herstelctl room availability LOC/ROOM --from T --to T"
#define USAGE_FIND "herstelctl room find LOC --start T (--end T | " \
	"--duration D) [--capacity N] [--accessible]"
#define USAGE_OOS "herstelctl room edit LOC/ROOM --out-of-service FROM TO " \
	"--reason TEXT [--dry-run | --cancel-affected | --keep]"

static const struct column list_cols[] = {
	{ "ROOM", "room", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "CAPACITY", "capacity", COL_INT },
	{ "ACCESSIBLE", "accessible", COL_BOOL },
	{ "APPROVAL", "needs_approval", COL_BOOL },
	{ "FEATURES", "features", COL_LIST },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Room", "room", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Capacity", "capacity", COL_INT },
	{ "Accessible", "accessible", COL_BOOL },
	{ "Features", "features", COL_LIST },
	{ "Needs approval", "needs_approval", COL_BOOL },
	{ "Created", "created", COL_TIME },
	{ "Modified", "modified", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct column avail_cols[] = {
	{ "WHEN", "start", COL_SPAN },
	{ "STATE", "state", COL_TEXT },
	{ "WHAT", "what", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column find_cols[] = {
	{ "ROOM", "room", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "CAPACITY", "capacity", COL_INT },
	{ NULL, NULL, 0 }
};

/* Options of availability and find, sent as query parameters. */
static const struct option query_opts[] = {
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "start", required_argument, NULL, 'S' },
	{ "end", required_argument, NULL, 'E' },
	{ "duration", required_argument, NULL, 'D' },
	{ "capacity", required_argument, NULL, 'c' },
	{ "accessible", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

struct query {
	const char	*usage;
	char		 q[1024];
	int		 find;
};

static void
on_query(int ch, const char *val, void *arg)
{
	struct query *x = arg;
	const char *key = ch == 'F' ? "from" : ch == 'T' ? "to" : ch == 'S' ?
	    "start" : ch == 'E' ? "end" : ch == 'D' ? "duration" : ch == 'c' ?
	    "capacity" : "accessible";
	size_t n = strlen(x->q);
	char *e;

	if ((ch == 'F' || ch == 'T') == x->find)
		usage_error(x->usage, "--%s does not apply here", key);
	if (ch == 'c')
		parse_count(x->usage, "--capacity", val);
	e = client_escape(ch == 'a' ? "1" : val);
	snprintf(x->q + n, sizeof(x->q) - n, "%s%s=%s", n ? "&" : "?", key, e);
	free(e);
}

static int
availability(int argc, char **argv)
{
	struct query x = { .usage = USAGE_AVAIL };
	char path[2048], *p;
	json_t *r;
	int first;

	first = parse_opts(argc - 1, argv + 1, x.usage, query_opts, on_query,
	    &x) + 1;
	p = room_arg(argc, argv, first, x.usage);
	if (!strstr(x.q, "from=") || !strstr(x.q, "to="))
		usage_error(x.usage, "--from and --to are required");
	snprintf(path, sizeof(path), "rooms/%s/availability%s", p, x.q);
	free(p);
	r = client_do("GET", path, NULL);
	out_table(r, avail_cols);
	json_decref(r);
	return EX_OK;
}

static int
find(int argc, char **argv)
{
	struct query x = { .usage = USAGE_FIND, .find = 1 };
	char path[2048], *p;
	json_t *r;
	int first;

	first = parse_opts(argc - 1, argv + 1, x.usage, query_opts, on_query,
	    &x) + 1;
	p = slug_arg(argc, argv, first, x.usage, "location");
	if (!strstr(x.q, "start="))
		usage_error(x.usage, "--start is required");
	if (!strstr(x.q, "end=") && !strstr(x.q, "duration="))
		usage_error(x.usage, "give --end or --duration");
	snprintf(path, sizeof(path), "locations/%s/free-rooms%s", p, x.q);
	free(p);
	r = client_do("GET", path, NULL);
	out_table(r, find_cols);
	json_decref(r);
	return EX_OK;
}

static const struct noun_opt opts[] = {
	{ "name",		"name",			OPT_STRING, OPT_REQUIRED },
	{ "capacity",		"capacity",		OPT_INT,    OPT_REQUIRED },
	{ "accessible",		"accessible",		OPT_TRUE,   0 },
	{ "not-accessible",	"accessible",		OPT_FALSE,  0 },
	{ "features",		"features",		OPT_STRING, 0 },
	{ "needs-approval",	"needs_approval",	OPT_TRUE,   0 },
	{ "no-approval",	"needs_approval",	OPT_FALSE,  0 },
	{ NULL, NULL, 0, 0 }
};

static const struct verb_spec verbs[] = {
	{ .name = "add", .kind = VERB_ADD,
	  .usage = "herstelctl room add LOC/ROOM --name NAME "
	    "--capacity N [--accessible] [--features a,b] [--needs-approval]" },
	{ .name = "list", .kind = VERB_LIST,
	  .usage = "herstelctl room list [LOC]" },
	{ .name = "show", .kind = VERB_SHOW,
	  .usage = "herstelctl room show LOC/ROOM" },
	{ .name = "edit", .kind = VERB_EDIT,
	  .usage = "herstelctl room edit LOC/ROOM [--name NAME] "
	    "[--capacity N] [--accessible | --not-accessible] "
	    "[--features a,b] [--needs-approval | --no-approval]\n  "
	    USAGE_OOS },
	{ .name = "remove", .kind = VERB_REMOVE,
	  .usage = "herstelctl room remove LOC/ROOM" },
	{ .name = "availability", .kind = VERB_CALL,
	  .usage = USAGE_AVAIL, .fn = availability },
	{ .name = "find", .kind = VERB_CALL,
	  .usage = USAGE_FIND, .fn = find },
	{ .name = NULL }
};

static const struct noun_spec room = {
	.name = "room",
	.synopsis = "herstelctl room VERB ...",
	.help_tail = TIMES_HELP,
	.path = "rooms",
	.key = KEY_ROOM,
	.what = "room",
	.key_field = "room",
	.list_filter = "location",
	.opts = opts,
	.list_cols = list_cols,
	.show_cols = show_cols,
	.verbs = verbs,
};

/*
 * room edit LOC/ROOM --out-of-service FROM TO --reason TEXT: a closure
 * of the room, as closure add makes it (argv from the noun on).
 */
static int
out_of_service(int argc, char **argv)
{
	char **v;
	int n = 0, seen = 0;

	if ((v = calloc((size_t)argc + 2, sizeof(*v))) == NULL) {
		fprintf(stderr, "herstelctl: out of memory\n");
		return EX_OSERR;
	}
	v[n++] = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 ||
		    strncmp(argv[i], "--from=", 7) == 0 ||
		    strcmp(argv[i], "--to") == 0 ||
		    strncmp(argv[i], "--to=", 5) == 0)
			usage_error(USAGE_OOS, "%s does not apply here; give "
			    "--out-of-service FROM TO", argv[i]);
		if (strcmp(argv[i], "--out-of-service") != 0) {
			v[n++] = argv[i];
			continue;
		}
		if (seen++)
			usage_error(USAGE_OOS, "--out-of-service is given twice");
		if (i + 2 >= argc)
			usage_error(USAGE_OOS, "--out-of-service needs FROM and "
			    "TO");
		/* FROM and TO become the closure's --from and --to. */
		v[n++] = "--from";
		v[n++] = argv[++i];
		v[n++] = "--to";
		v[n++] = argv[++i];
	}
	v[n] = NULL;
	n = closure_add_argv(n, v, USAGE_OOS, 1);
	free(v);
	return n;
}

int
cmd_room(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "edit") == 0)
		for (int i = 2; i < argc; i++)
			if (strcmp(argv[i], "--out-of-service") == 0)
				return out_of_service(argc, argv);
	return noun_run(&room, argc, argv);
}

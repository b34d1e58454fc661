/*
 * herstelctl room add|list|show|edit|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl room add LOC/ROOM --name NAME --capacity N " \
	"[--accessible] [--features a,b] [--needs-approval]"
#define USAGE_EDIT "herstelctl room edit LOC/ROOM [--name NAME] " \
	"[--capacity N] [--accessible | --not-accessible] [--features a,b] " \
	"[--needs-approval | --no-approval]"
#define USAGE_AVAIL "herstelctl room availability LOC/ROOM --from T --to T"
#define USAGE_FIND "herstelctl room find LOC --start T (--end T | " \
	"--duration D) [--capacity N] [--accessible]"
#define USAGE "herstelctl room VERB ...\n" \
	"  " USAGE_ADD "\n  herstelctl room list [LOC]\n" \
	"  herstelctl room show LOC/ROOM\n  " USAGE_EDIT "\n" \
	"  herstelctl room remove LOC/ROOM\n  " USAGE_AVAIL "\n  " USAGE_FIND \
	"\n" TIMES_HELP

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

static const struct option opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "capacity", required_argument, NULL, 'c' },
	{ "accessible", no_argument, NULL, 'a' },
	{ "not-accessible", no_argument, NULL, 'A' },
	{ "features", required_argument, NULL, 'f' },
	{ "needs-approval", no_argument, NULL, 'p' },
	{ "no-approval", no_argument, NULL, 'P' },
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
	case 'f': set_str(a->body, "features", val, a->usage); break;
	case 'c':
		json_object_set_new(a->body, "capacity",
		    json_integer(parse_count(a->usage, "--capacity", val)));
		break;
	case 'a': case 'A':
		json_object_set_new(a->body, "accessible", json_boolean(ch == 'a'));
		break;
	case 'p': case 'P':
		json_object_set_new(a->body, "needs_approval",
		    json_boolean(ch == 'p'));
		break;
	}
}

/* "LOC/ROOM" as an escaped path "LOC/ROOM"; caller frees. */
static char *
room_path(int argc, char **argv, int first, const char *usage)
{
	char *slash, *l, *r, *out;
	size_t n;

	if (first >= argc)
		usage_error(usage, "which room? give LOC/ROOM");
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if ((slash = strchr(argv[first], '/')) == NULL || slash == argv[first] ||
	    slash[1] == '\0' || strchr(slash + 1, '/'))
		usage_error(usage, "room \"%s\" must be named LOC/ROOM",
		    argv[first]);
	*slash = '\0';
	l = client_escape(argv[first]);
	r = client_escape(slash + 1);
	*slash = '/';
	n = strlen(l) + strlen(r) + 8;
	out = malloc(n);
	snprintf(out, n, "%s/%s", l, r);
	free(l);
	free(r);
	return out;
}

int
cmd_room(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { .body = json_object() };
	char path[2048], *p;
	json_t *r;
	int first;

	if (strcmp(verb, "add") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		free(room_path(argc, argv, first, a.usage));
		if (json_object_get(a.body, "name") == NULL)
			usage_error(a.usage, "--name is required");
		if (json_object_get(a.body, "capacity") == NULL)
			usage_error(a.usage, "--capacity is required");
		set_str(a.body, "room", argv[first], a.usage);
		r = client_do("POST", "rooms", a.body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		const char *u = "herstelctl room list [LOC]";

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		if (first + 1 < argc)
			usage_error(u, "unexpected argument \"%s\"", argv[first + 1]);
		if (first < argc) {
			p = client_escape(argv[first]);
			snprintf(path, sizeof(path), "rooms?location=%s", p);
			free(p);
		} else
			snprintf(path, sizeof(path), "rooms");
		r = client_do("GET", path, NULL);
		out_table(r, list_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "remove") == 0) {
		int show = verb[0] == 's';
		const char *u = show ? "herstelctl room show LOC/ROOM" :
		    "herstelctl room remove LOC/ROOM";

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		p = room_path(argc, argv, first, u);
		snprintf(path, sizeof(path), "rooms/%s", p);
		free(p);
		r = client_do(show ? "GET" : "DELETE", path, NULL);
		if (show)
			out_object(r, show_cols);
		else if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "edit") == 0) {
		a.usage = USAGE_EDIT;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt, &a) + 1;
		p = room_path(argc, argv, first, a.usage);
		if (json_object_size(a.body) == 0)
			usage_error(a.usage, "nothing to change");
		snprintf(path, sizeof(path), "rooms/%s", p);
		free(p);
		r = client_do("PATCH", path, a.body);
		out_object(r, show_cols);
	} else if (strcmp(verb, "availability") == 0) {
		struct query x = { .usage = USAGE_AVAIL };

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, x.usage, query_opts,
		    on_query, &x) + 1;
		p = room_path(argc, argv, first, x.usage);
		if (!strstr(x.q, "from=") || !strstr(x.q, "to="))
			usage_error(x.usage, "--from and --to are required");
		snprintf(path, sizeof(path), "rooms/%s/availability%s", p, x.q);
		free(p);
		r = client_do("GET", path, NULL);
		out_table(r, avail_cols);
	} else if (strcmp(verb, "find") == 0) {
		struct query x = { .usage = USAGE_FIND, .find = 1 };

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, x.usage, query_opts,
		    on_query, &x) + 1;
		p = slug_arg(argc, argv, first, x.usage, "location");
		if (!strstr(x.q, "start="))
			usage_error(x.usage, "--start is required");
		if (!strstr(x.q, "end=") && !strstr(x.q, "duration="))
			usage_error(x.usage, "give --end or --duration");
		snprintf(path, sizeof(path), "locations/%s/free-rooms%s", p, x.q);
		free(p);
		r = client_do("GET", path, NULL);
		out_table(r, find_cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		json_decref(a.body);
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		json_decref(a.body);
		fprintf(stderr, "herstelctl: room: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

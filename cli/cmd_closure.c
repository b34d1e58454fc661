/*
 * herstelctl closure add|list|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl closure add LOC[/ROOM] --from T --to T " \
	"--reason TEXT [--dry-run | --cancel-affected | --keep]"
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
	{ "dry-run", no_argument, NULL, 'n' },
	{ "cancel-affected", no_argument, NULL, 'c' },
	{ "keep", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

struct add_args {
	const char	*usage;
	json_t		*body;
	const char	*mode;		/* the one of the three given */
};

static void
on_add(int ch, const char *val, void *arg)
{
	struct add_args *a = arg;
	const char *flag = ch == 'n' ? "dry_run" : ch == 'c' ?
	    "cancel_affected" : ch == 'k' ? "keep" : NULL;

	if (flag == NULL) {
		set_str(a->body, ch == 'f' ? "from" : ch == 't' ? "to" :
		    "reason", val, a->usage);
		return;
	}
	if (a->mode != NULL && strcmp(a->mode, flag) != 0)
		usage_error(a->usage, "give one of --dry-run, --cancel-affected "
		    "and --keep");
	a->mode = flag;
	json_object_set_new(a->body, flag, json_true());
}

/* What a closure hits, one line each. */
static void
print_hits(FILE *fp, json_t *hits)
{
	json_t *x;
	size_t i;

	json_array_foreach(hits, i, x)
		fprintf(fp, "  %s\n", json_string_value(json_object_get(x,
		    "text")));
}

int
closure_add_argv(int argc, char **argv, const char *usage, int room_only)
{
	struct add_args a = { usage, json_object(), NULL };
	json_t *r, *hits;
	int first;

	first = parse_opts(argc, argv, usage, add_opts, on_add, &a);
	if (first >= argc)
		usage_error(usage, room_only ? "which room? give LOC/ROOM" :
		    "what closes? give LOC or LOC/ROOM");
	if (room_only && strchr(argv[first], '/') == NULL)
		usage_error(usage, "room \"%s\" must be named LOC/ROOM",
		    argv[first]);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"",
		    argv[first + 1]);
	if (!json_object_get(a.body, "from") || !json_object_get(a.body, "to"))
		usage_error(usage, "--from and --to are required");
	if (!json_object_get(a.body, "reason"))
		usage_error(usage, "--reason is required");
	set_str(a.body, "target", argv[first], usage);
	r = client_do("POST", "closures", a.body);
	hits = json_object_get(r, "affected");
	if (cli.json)
		out_json(r);
	else if (json_is_true(json_object_get(r, "dry_run"))) {
		if (json_array_size(hits) == 0)
			printf("nothing is held in that period; the closure "
			    "would be added as it is\n");
		else
			printf("%zu occurrence(s) held in that period; with "
			    "--cancel-affected they are called off:\n",
			    json_array_size(hits));
		print_hits(stdout, hits);
	} else {
		out_id(r);
		if (json_array_size(hits) > 0) {
			fprintf(stderr, "closure %lld: %s %zu occurrence(s):\n",
			    (long long)json_integer_value(json_object_get(r,
			    "id")), json_is_true(json_object_get(r,
			    "cancelled")) ? "cancelled" : "kept (not cancelled)",
			    json_array_size(hits));
			print_hits(stderr, hits);
		}
	}
	json_decref(r);
	return EX_OK;
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
	json_t *r;
	int first, all = 0;

	if (strcmp(verb, "add") == 0) {
		return closure_add_argv(argc - 1, argv + 1, USAGE_ADD, 0);
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

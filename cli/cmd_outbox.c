/*
 * herstelctl outbox list|show|retry: mail waiting, sent and failed.  show
 * and retry are table rows for noun_run(); list has its own code for its
 * query options and the default limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_LIST "herstelctl outbox list [--status " \
	"pending|sending|sent|failed] [--limit N]"

static const struct column list_cols[] = {
	{ "ID", "id", COL_INT },
	{ "KIND", "kind", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "TO", "recipient", COL_TEXT },
	{ "DUE", "due", COL_TIME },
	{ "TRIES", "attempts", COL_INT },
	{ "SUBJECT", "subject", COL_TEXT },
	{ "ERROR", "last_error", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Id", "id", COL_INT },
	{ "Kind", "kind", COL_TEXT },
	{ "Status", "status", COL_TEXT },
	{ "To", "recipient", COL_TEXT },
	{ "Subject", "subject", COL_TEXT },
	{ "Due", "due", COL_TIME },
	{ "Next attempt", "next_attempt", COL_TIME },
	{ "Attempts", "attempts", COL_INT },
	{ "Sent", "sent", COL_TIME },
	{ "Last error", "last_error", COL_TEXT },
	{ "Event", "event", COL_INT },
	{ "Participant", "participant", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "status", required_argument, NULL, 's' },
	{ "limit", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 }
};

struct list_args {
	const char	*status;
	long		 limit;
};

static void
on_list(int ch, const char *val, void *arg)
{
	struct list_args *a = arg;

	if (ch == 's')
		a->status = val;
	else
		a->limit = parse_count("herstelctl outbox list", "--limit", val);
}

static int
list(int argc, char **argv)
{
	struct list_args a = { 0 };
	char path[300], *st = NULL;
	json_t *r;
	int first;

	first = parse_opts(argc - 1, argv + 1, USAGE_LIST, list_opts, on_list,
	    &a) + 1;
	if (first < argc)
		usage_error(USAGE_LIST, "unexpected argument \"%s\"", argv[first]);
	if (a.status)
		st = client_escape(a.status);
	snprintf(path, sizeof(path), "outbox?limit=%ld%s%s",
	    a.limit ? a.limit : 1000, st ? "&status=" : "", st ? st : "");
	free(st);
	r = client_do("GET", path, NULL);
	out_table(r, list_cols);
	json_decref(r);
	return EX_OK;
}

static const struct verb_spec verbs[] = {
	{ .name = "list", .kind = VERB_CALL,
	  .usage = USAGE_LIST, .fn = list },
	{ .name = "show", .kind = VERB_SHOW,
	  .usage = "herstelctl outbox show ID" },
	{ .name = "retry", .kind = VERB_SHOW,
	  .usage = "herstelctl outbox retry ID",
	  .method = "POST", .suffix = "/retry" },
	{ .name = NULL }
};

static const struct noun_spec outbox = {
	.name = "outbox",
	.path = "outbox",
	.key = KEY_ID,
	.what = "message",
	.list_cols = list_cols,
	.show_cols = show_cols,
	.verbs = verbs,
};

int
cmd_outbox(int argc, char **argv)
{
	return noun_run(&outbox, argc, argv);
}

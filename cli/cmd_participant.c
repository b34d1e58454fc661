/*
 * herstelctl participant add|list|show|edit|forget as a table for
 * noun_run(), and follow|unfollow, which have code of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"

static const struct column list_cols[] = {
	{ "ID", "id", COL_INT },
	{ "EMAIL", "email", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "LANG", "lang", COL_TEXT },
	{ "REMIND", "remind", COL_TEXT },
	{ "QUIET", "quiet", COL_TEXT },
	{ "UNSUBSCRIBED", "unsubscribed", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Id", "id", COL_INT },
	{ "Email", "email", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Language", "lang", COL_TEXT },
	{ "Reminders", "remind", COL_TEXT },
	{ "Quiet hours", "quiet", COL_TEXT },
	{ "Personal feed", "feed", COL_TEXT },
	{ "Follows", "follows", COL_LIST },
	{ "Unsubscribed", "unsubscribed", COL_TIME },
	{ "Created", "created", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct noun_opt opts[] = {
	{ "email",	"email",	OPT_STRING,	OPT_REQUIRED },
	{ "name",	"name",		OPT_STRING,	0 },
	{ "lang",	"lang",		OPT_STRING,	0 },
	{ "remind",	"remind",	OPT_STRING,	0 },
	{ "quiet",	"quiet",	OPT_STRING,	0 },
	{ "resubscribe", "resubscribe",	OPT_TRUE,	OPT_EDIT_ONLY },
	{ NULL, NULL, 0, 0 }
};

/* follow|unfollow ID|EMAIL GROUP */
static int
follow(int argc, char **argv)
{
	int on = argv[1][0] == 'f';
	const char *u = on ? "herstelctl participant follow ID|EMAIL GROUP" :
	    "herstelctl participant unfollow ID|EMAIL GROUP";
	json_t *body = json_object(), *r;
	char path[600], *who;
	int first;

	first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
	who = who_arg(argc, argv, first, 2, u);
	if (first + 1 >= argc)
		usage_error(u, "which group? give its SLUG");
	set_str(body, "group", argv[first + 1], u);
	snprintf(path, sizeof(path), "participants/%s/follow", who);
	free(who);
	r = client_do(on ? "POST" : "DELETE", path, body);
	out_object(r, show_cols);
	json_decref(r);
	return EX_OK;
}

static const struct verb_spec verbs[] = {
	{ .name = "add", .kind = VERB_ADD,
	  .usage = "herstelctl participant add --email ADDR [--name NAME] "
	    "[--lang nl|en] [--remind 7d,1d,2h|none] "
	    "[--quiet 21:00-08:00|none]" },
	{ .name = "list", .kind = VERB_LIST,
	  .usage = "herstelctl participant list" },
	{ .name = "show", .kind = VERB_SHOW,
	  .usage = "herstelctl participant show ID|EMAIL" },
	{ .name = "edit", .kind = VERB_EDIT,
	  .usage = "herstelctl participant edit ID|EMAIL [--email ADDR] "
	    "[--name NAME] [--lang nl|en] [--remind 7d,1d|none] "
	    "[--quiet 21:00-08:00|none] [--resubscribe]" },
	{ .name = "forget", .kind = VERB_REMOVE,
	  .usage = "herstelctl participant forget ID|EMAIL",
	  .done = "participant %lld forgotten\n", .done_field = "forgotten" },
	{ .name = "follow", .kind = VERB_CALL,
	  .usage = "herstelctl participant follow ID|EMAIL GROUP", .fn = follow },
	{ .name = "unfollow", .kind = VERB_CALL,
	  .usage = "herstelctl participant unfollow ID|EMAIL GROUP",
	  .fn = follow },
	{ .name = NULL }
};

static const struct noun_spec participant = {
	.name = "participant",
	.path = "participants",
	.key = KEY_WHO,
	.what = "participant",
	.opts = opts,
	.list_cols = list_cols,
	.show_cols = show_cols,
	.verbs = verbs,
};

int
cmd_participant(int argc, char **argv)
{
	return noun_run(&participant, argc, argv);
}

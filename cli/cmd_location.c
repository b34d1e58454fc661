/*
 * herstelctl location add|list|show|edit|remove: locations and their
 * opening hours, as a table for noun_run().
 */
#include "cli.h"

static const struct column list_cols[] = {
	{ "SLUG", "slug", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "TIMEZONE", "timezone", COL_TEXT },
	{ "HOURS", "hours", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Slug", "slug", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Address", "address", COL_TEXT },
	{ "Time zone", "timezone", COL_TEXT },
	{ "Opening hours", "hours", COL_TEXT },
	{ "Email", "email", COL_TEXT },
	{ "Created", "created", COL_TIME },
	{ "Modified", "modified", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct noun_opt opts[] = {
	{ "name",	"name",		OPT_STRING,	OPT_REQUIRED },
	{ "address",	"address",	OPT_STRING,	0 },
	{ "timezone",	"timezone",	OPT_STRING,	0 },
	{ "hours",	"hours",	OPT_STRING,	0 },
	{ "email",	"email",	OPT_STRING,	0 },
	{ "keep",	"keep",		OPT_TRUE,	OPT_EDIT_ONLY },
	{ NULL, NULL, 0, 0 }
};

static const struct verb_spec verbs[] = {
	{ .name = "add", .kind = VERB_ADD,
	  .usage = "herstelctl location add SLUG --name NAME "
	    "[--address A] [--timezone TZ] [--hours \"mon-fri 09:00-22:00\"] "
	    "[--email ADDR]" },
	{ .name = "list", .kind = VERB_LIST,
	  .usage = "herstelctl location list" },
	{ .name = "show", .kind = VERB_SHOW,
	  .usage = "herstelctl location show SLUG" },
	{ .name = "edit", .kind = VERB_EDIT,
	  .usage = "herstelctl location edit SLUG [--name NAME] "
	    "[--address A] [--timezone TZ] [--hours \"mon-fri 09:00-22:00\" "
	    "[--keep]] [--email ADDR]" },
	{ .name = "remove", .kind = VERB_REMOVE,
	  .usage = "herstelctl location remove SLUG" },
	{ .name = NULL }
};

static const struct noun_spec location = {
	.name = "location",
	.path = "locations",
	.key = KEY_SLUG,
	.what = "location",
	.key_field = "slug",
	.opts = opts,
	.list_cols = list_cols,
	.show_cols = show_cols,
	.verbs = verbs,
};

int
cmd_location(int argc, char **argv)
{
	return noun_run(&location, argc, argv);
}

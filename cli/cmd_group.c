/*
 * herstelctl group add|list|show|edit|remove: support groups, partners and
 * the municipality, as a table for noun_run().
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"

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
	{ "Page", "page", COL_BOOL },
	{ "Created", "created", COL_TIME },
	{ "Modified", "modified", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct noun_opt opts[] = {
	{ "name",		"name",		OPT_STRING,	OPT_REQUIRED },
	{ "kind",		"kind",		OPT_STRING,	0 },
	{ "email",		"email",	OPT_STRING,	0 },
	{ "anonymous",		"anonymous",	OPT_TRUE,	0 },
	{ "not-anonymous",	"anonymous",	OPT_FALSE,	0 },
	{ NULL, NULL, 0, 0 }
};

#define USAGE_PAGE "herstelctl group page SLUG [--off]"

static const struct option page_opts[] = {
	{ "off", no_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

static void
on_off(int ch, const char *val, void *arg)
{
	(void)ch;
	(void)val;
	*(int *)arg = 1;
}

/*
 * The group's secret page: a new address (printed once; the old one stops
 * working), or --off to take the page away.
 */
static int
page(int argc, char **argv)
{
	json_t *r;
	char path[300], *slug;
	int off = 0, first;

	first = parse_opts(argc - 1, argv + 1, USAGE_PAGE, page_opts, on_off,
	    &off) + 1;
	slug = slug_arg(argc, argv, first, USAGE_PAGE, "group");
	snprintf(path, sizeof(path), "groups/%s/page", slug);
	free(slug);
	r = client_do(off ? "DELETE" : "POST", path, off ? NULL :
	    json_object());
	if (cli.json)
		out_json(r);
	else if (!off)
		printf("%s\n", json_string_value(json_object_get(r, "url")));
	json_decref(r);
	return EX_OK;
}

static const struct verb_spec verbs[] = {
	{ .name = "add", .kind = VERB_ADD,
	  .usage = "herstelctl group add SLUG --name NAME "
	    "[--kind steungroep|partner|gemeente] [--email ADDR] [--anonymous]" },
	{ .name = "list", .kind = VERB_LIST,
	  .usage = "herstelctl group list" },
	{ .name = "show", .kind = VERB_SHOW,
	  .usage = "herstelctl group show SLUG" },
	{ .name = "edit", .kind = VERB_EDIT,
	  .usage = "herstelctl group edit SLUG [--name NAME] "
	    "[--kind steungroep|partner|gemeente] [--email ADDR] "
	    "[--anonymous | --not-anonymous]" },
	{ .name = "remove", .kind = VERB_REMOVE,
	  .usage = "herstelctl group remove SLUG" },
	{ .name = "page", .kind = VERB_CALL, .usage = USAGE_PAGE, .fn = page },
	{ .name = NULL }
};

static const struct noun_spec group = {
	.name = "group",
	.path = "groups",
	.key = KEY_SLUG,
	.what = "group",
	.key_field = "slug",
	.opts = opts,
	.list_cols = list_cols,
	.show_cols = show_cols,
	.verbs = verbs,
};

int
cmd_group(int argc, char **argv)
{
	return noun_run(&group, argc, argv);
}

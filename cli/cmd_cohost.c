/*
 * herstelctl cohost add|remove|list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_ADD "herstelctl cohost add EVENT --group G"
#define USAGE_REMOVE "herstelctl cohost remove EVENT --group G"
#define USAGE_LIST "herstelctl cohost list EVENT"
#define USAGE "herstelctl cohost add|remove|list ...\n  " USAGE_ADD "\n  " \
	USAGE_REMOVE "\n  " USAGE_LIST "\n" \
	"A co-host is another group whose organizers may see the event while " \
	"it is\nproposed, edit it and its topics.  Only the admin or the " \
	"owning group's\norganizers add and remove co-hosts."

static const struct column cols[] = {
	{ "GROUP", "group", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "KIND", "kind", COL_TEXT },
	{ "SINCE", "since", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option group_opts[] = {
	{ "group", required_argument, NULL, 'g' },
	{ NULL, 0, NULL, 0 }
};

static void
on_group(int ch, const char *val, void *arg)
{
	(void)ch;
	*(const char **)arg = val;
}

int
cmd_cohost(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "", *usage, *group = NULL;
	char path[512];
	long long id;
	json_t *r, *body;
	int first;

	if (strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0 ||
	    strcmp(verb, "list") == 0) {
		usage = verb[0] == 'a' ? USAGE_ADD : verb[0] == 'r' ?
		    USAGE_REMOVE : USAGE_LIST;
		first = parse_opts(argc - 1, argv + 1, usage,
		    verb[0] == 'l' ? NULL : group_opts, on_group, &group) + 1;
		if (first >= argc)
			usage_error(usage, "which event? give its ID");
		if (first + 1 < argc)
			usage_error(usage, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(usage, "event ID", argv[first]);
		if (verb[0] != 'l' && (group == NULL || *group == '\0'))
			usage_error(usage, "--group is required");
		if (verb[0] == 'a') {
			body = json_object();
			set_str(body, "group", group, usage);
			snprintf(path, sizeof(path), "cohosts/%lld", id);
			r = client_do("POST", path, body);
		} else if (verb[0] == 'r') {
			char *g = client_escape(group);

			snprintf(path, sizeof(path), "cohosts/%lld/%.200s", id, g);
			free(g);
			r = client_do("DELETE", path, NULL);
		} else {
			snprintf(path, sizeof(path), "cohosts/%lld", id);
			r = client_do("GET", path, NULL);
		}
		out_table(r, cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: cohost: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

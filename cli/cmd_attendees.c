/*
 * herstelctl attendees EVENT [--occurrence DATE]: who goes to an event and
 * who waits; for an anonymous group only the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"

static const struct column att_cols[] = {
	{ "PARTICIPANT", "participant", COL_INT },
	{ "NAME", "name", COL_TEXT },
	{ "EMAIL", "email", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ "UNMAILED", "unmailed", COL_BOOL },
	{ NULL, NULL, 0 }
};

int
cmd_attendees(int argc, char **argv)
{
	const char *usage = "herstelctl attendees EVENT [--occurrence DATE]";
	struct occ_args a = { .usage = usage };
	char path[600], *occ = NULL;
	json_t *r, *list;
	long long id;
	int first;

	first = occ_parse(argc, argv, &a);
	id = event_arg(argc, argv, first, usage);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if (a.occurrence)
		occ = client_escape(a.occurrence);
	snprintf(path, sizeof(path), "events/%lld/attendees%s%s", id,
	    occ ? "?occurrence=" : "", occ ? occ : "");
	free(occ);
	r = client_do("GET", path, NULL);
	if (cli.json) {
		out_json(r);
		json_decref(r);
		return EX_OK;
	}
	list = json_object_get(r, "attendees");
	if (json_is_array(list) && json_array_size(list) > 0)
		out_table(list, att_cols);
	if (json_is_true(json_object_get(r, "anonymous")))
		printf("(anonymous group: counts only)\n");
	printf("going: %lld", (long long)json_integer_value(json_object_get(r,
	    "going")));
	if (json_is_integer(json_object_get(r, "capacity")))
		printf(" of %lld", (long long)json_integer_value(
		    json_object_get(r, "capacity")));
	printf(", waiting list: %lld\n", (long long)json_integer_value(
	    json_object_get(r, "waitlist")));
	if (json_integer_value(json_object_get(r, "promoted_unmailed")) > 0)
		printf("promoted, not mailed: %lld (they asked for no more mail "
		    "and may not know they have a place)\n", (long long)
		    json_integer_value(json_object_get(r,
		    "promoted_unmailed")));
	json_decref(r);
	return EX_OK;
}

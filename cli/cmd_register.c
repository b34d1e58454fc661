/*
 * herstelctl register, unregister and checkin EVENT PARTICIPANT
 * [--occurrence DATE]: one participant and one event (or one occurrence
 * of a series).  The three differ only in the API call and what they say.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

int
cmd_register(int argc, char **argv)
{
	int reg = strcmp(argv[0], "register") == 0;
	int in = strcmp(argv[0], "checkin") == 0;
	const char *usage = reg ? "herstelctl register EVENT PARTICIPANT "
	    "[--occurrence DATE]" : in ? "herstelctl checkin EVENT PARTICIPANT "
	    "[--occurrence DATE]" : "herstelctl unregister EVENT PARTICIPANT "
	    "[--occurrence DATE]";
	struct occ_args a = { .usage = usage };
	json_t *body = json_object(), *r;
	char path[64];
	long long id;
	int first;

	first = occ_parse(argc, argv, &a);
	id = event_arg(argc, argv, first, usage);
	if (first + 1 >= argc)
		usage_error(usage, "which participant? give an ID or address");
	if (first + 2 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 2]);
	set_str(body, "participant", argv[first + 1], usage);
	set_str(body, "occurrence", a.occurrence, usage);
	snprintf(path, sizeof(path), "events/%lld/%s", id, reg ? "register" :
	    in ? "checkin" : "unregister");
	r = client_do("POST", path, body);
	if (cli.json)
		out_json(r);
	else if (in)
		printf("checked in (%lld came)\n", (long long)
		    json_integer_value(json_object_get(r, "count")));
	else if (reg)
		printf("%s\n", strcmp(json_string_value(json_object_get(r,
		    "status")), "going") == 0 ? "registered" :
		    "full: on the waiting list");
	json_decref(r);
	return EX_OK;
}

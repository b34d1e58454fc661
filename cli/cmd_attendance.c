/*
 * herstelctl attendance record|list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_RECORD "herstelctl attendance record EVENT [--occurrence DATE] " \
	"--count N"
#define USAGE_LIST "herstelctl attendance list EVENT"
#define USAGE "herstelctl attendance record|list ...\n  " USAGE_RECORD \
	"\n  " USAGE_LIST "\n" \
	"How many came, as a count.  A series needs --occurrence (the " \
	"occurrence's\noriginal date).  Only once the session has started; " \
	"not for proposals or\ncancelled sessions.  Recording again replaces " \
	"the count."

static const struct column cols[] = {
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ "STARTED", "start", COL_TIME },
	{ "COUNT", "count", COL_INT },
	{ "RECORDED", "recorded", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option rec_opts[] = {
	{ "occurrence", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*occurrence, *count;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	if (ch == 'o')
		a->occurrence = val;
	else
		a->count = val;
}

int
cmd_attendance(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { 0 };
	char path[128], *end;
	long long id;
	long n;
	json_t *r, *body;
	int first;

	if (strcmp(verb, "record") == 0 || strcmp(verb, "list") == 0) {
		const char *usage = verb[0] == 'r' ? USAGE_RECORD : USAGE_LIST;

		first = parse_opts(argc - 1, argv + 1, usage, verb[0] == 'r' ?
		    rec_opts : NULL, on_opt, &a) + 1;
		if (first >= argc)
			usage_error(usage, "which event? give its ID");
		if (first + 1 < argc)
			usage_error(usage, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(usage, "event ID", argv[first]);
		if (verb[0] == 'l') {
			snprintf(path, sizeof(path), "attendance/%lld", id);
			r = client_do("GET", path, NULL);
			out_table(r, cols);
			json_decref(r);
			return EX_OK;
		}
		if (a.count == NULL)
			usage_error(usage, "--count is required");
		n = strtol(a.count, &end, 10);
		if (*a.count == '\0' || *end != '\0' || n < 0 || n > 100000)
			usage_error(usage, "--count must be a whole number from 0 "
			    "to 100000, not \"%s\"", a.count);
		body = json_pack("{s:I, s:I}", "event", (json_int_t)id, "count",
		    (json_int_t)n);
		set_str(body, "occurrence", a.occurrence, usage);
		r = client_do("POST", "attendance", body);
		if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: attendance: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

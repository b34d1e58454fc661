/*
 * herstelctl report groups|rooms
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define FORMAT "[--format table|csv|json]"
#define USAGE_GROUPS "herstelctl report groups [--group G] --from DATE " \
	"--to DATE " FORMAT
#define USAGE_ROOMS "herstelctl report rooms [--location L] --from DATE " \
	"--to DATE " FORMAT
#define USAGE "herstelctl report groups|rooms ...\n  " USAGE_GROUPS "\n  " \
	USAGE_ROOMS "\n" \
	"Both dates are included.  groups: per group, sessions held by kind, " \
	"hours,\nregistrations, attendance and cancelled sessions (counts " \
	"only).  rooms: per\nroom and month, hours booked (confirmed), opening " \
	"hours, occupancy and\ndeclined requests.  Organizers see their own " \
	"group, location managers\ntheir own location.\n" TIMES_HELP

static const char *kinds[] = { "themabijeenkomst", "dialoogsessie",
    "steungroep", "kennissessie", "netwerksessie", "overig", NULL };

static const struct column group_cols[] = {
	{ "GROUP", "group", COL_TEXT },
	{ "SESSIONS", "sessions_total", COL_INT },
	{ "THEMA", "themabijeenkomst", COL_INT },
	{ "DIALOOG", "dialoogsessie", COL_INT },
	{ "STEUNGROEP", "steungroep", COL_INT },
	{ "KENNIS", "kennissessie", COL_INT },
	{ "NETWERK", "netwerksessie", COL_INT },
	{ "OVERIG", "overig", COL_INT },
	{ "HOURS", "hours_text", COL_TEXT },
	{ "REGISTRATIONS", "registrations", COL_INT },
	{ "ATTENDANCE", "attendance", COL_INT },
	{ "CANCELLED", "cancelled", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct column group_csv[] = {
	{ "group", "group", COL_TEXT },
	{ "name", "name", COL_TEXT },
	{ "sessions", "sessions_total", COL_INT },
	{ "themabijeenkomst", "themabijeenkomst", COL_INT },
	{ "dialoogsessie", "dialoogsessie", COL_INT },
	{ "steungroep", "steungroep", COL_INT },
	{ "kennissessie", "kennissessie", COL_INT },
	{ "netwerksessie", "netwerksessie", COL_INT },
	{ "overig", "overig", COL_INT },
	{ "hours", "hours_text", COL_TEXT },
	{ "registrations", "registrations", COL_INT },
	{ "attendance", "attendance", COL_INT },
	{ "cancelled", "cancelled", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct column room_cols[] = {
	{ "ROOM", "room", COL_TEXT },
	{ "MONTH", "month", COL_TEXT },
	{ "HOURS BOOKED", "booked_text", COL_TEXT },
	{ "HOURS OPEN", "open_text", COL_TEXT },
	{ "OCCUPANCY", "occupancy_text", COL_TEXT },
	{ "DECLINED", "declined", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct column room_csv[] = {
	{ "room", "room", COL_TEXT },
	{ "month", "month", COL_TEXT },
	{ "hours_booked", "booked_text", COL_TEXT },
	{ "hours_open", "open_text", COL_TEXT },
	{ "occupancy_percent", "occupancy_text", COL_TEXT },
	{ "declined", "declined", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct option opts[] = {
	{ "group", required_argument, NULL, 'g' },
	{ "location", required_argument, NULL, 'l' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	int		 rooms;
	char		 query[1024];
	const char	*format;
	int		 from, to;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	switch (ch) {
	case 'g':
		if (a->rooms)
			usage_error(a->usage, "--group is for report groups");
		query_add(a->query, sizeof(a->query), "group", val);
		break;
	case 'l':
		if (!a->rooms)
			usage_error(a->usage, "--location is for report rooms");
		query_add(a->query, sizeof(a->query), "location", val);
		break;
	case 'f':
		a->from = 1;
		query_add(a->query, sizeof(a->query), "from", val);
		break;
	case 't':
		a->to = 1;
		query_add(a->query, sizeof(a->query), "to", val);
		break;
	case 'F':
		a->format = val;
		break;
	}
}

/* Text cells for a number of hours (two decimals) or a percentage. */
static void
set_num(json_t *o, const char *key, json_t *v, const char *fmt)
{
	char buf[32];

	if (v == NULL || !json_is_number(v)) {
		json_object_set_new(o, key, json_null());
		return;
	}
	snprintf(buf, sizeof(buf), fmt, json_number_value(v));
	json_object_set_new(o, key, json_string(buf));
}

static void
flatten(json_t *rows, int rooms)
{
	size_t i;
	json_t *o;

	json_array_foreach(rows, i, o) {
		if (rooms) {
			set_num(o, "booked_text", json_object_get(o,
			    "hours_booked"), "%.2f");
			set_num(o, "open_text", json_object_get(o, "hours_open"),
			    "%.2f");
			set_num(o, "occupancy_text", json_object_get(o,
			    "occupancy"), "%.1f");
			continue;
		}
		for (int k = 0; kinds[k]; k++)
			json_object_set(o, kinds[k], json_object_get(
			    json_object_get(o, "sessions"), kinds[k]));
		set_num(o, "hours_text", json_object_get(o, "hours"), "%.2f");
		if (json_is_null(json_object_get(o, "group")))
			json_object_set_new(o, "group", json_string("-"));
	}
}

int
cmd_report(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { 0 };
	char path[1200];
	json_t *r;
	int first;

	if (strcmp(verb, "groups") == 0 || strcmp(verb, "rooms") == 0) {
		a.rooms = verb[0] == 'r';
		a.usage = a.rooms ? USAGE_ROOMS : USAGE_GROUPS;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt,
		    &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		if (!a.from || !a.to)
			usage_error(a.usage, "give --from DATE and --to DATE");
		if (a.format && strcmp(a.format, "table") &&
		    strcmp(a.format, "csv") && strcmp(a.format, "json"))
			usage_error(a.usage, "--format must be table, csv or json, "
			    "not \"%s\"", a.format);
		if (a.format && strcmp(a.format, "json") == 0)
			cli.json = 1;
		snprintf(path, sizeof(path), "reports/%s%s", verb, a.query);
		r = client_do("GET", path, NULL);
		if (cli.json)
			out_json(r);
		else {
			flatten(r, a.rooms);
			if (a.format && strcmp(a.format, "csv") == 0)
				out_csv(r, a.rooms ? room_csv : group_csv);
			else
				out_table(r, a.rooms ? room_cols : group_cols);
		}
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: report: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

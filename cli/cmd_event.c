/*
 * herstelctl event add|propose|list|show|edit|cancel|publish|remove
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define FIELDS "[--room LOC/ROOM | --location LOC | --place TEXT] " \
	"[--group SLUG] [--repeat RRULE] [--except DATE ...] [--capacity N] " \
	"[--visibility public|group|private] [--description TEXT] " \
	"[--theme TAG ...]"
#define USAGE_ADD "herstelctl event add --kind KIND --title TEXT " \
	"(--start T (--end T | --duration D) | --date DATE [--days N]) " FIELDS \
	" [--propose]"
#define USAGE_EDIT "herstelctl event edit ID [--occurrence DATE | " \
	"--following DATE] [--kind KIND] [--title TEXT] [--start T] " \
	"[--end T | --duration D] [--date DATE] [--days N] " FIELDS
#define USAGE_LIST "herstelctl event list [--from T] [--to T] [--kind K] " \
	"[--group G] [--status proposed|published|cancelled]"
#define USAGE_CANCEL "herstelctl event cancel ID [--occurrence DATE | " \
	"--following DATE] [--reason TEXT]"
#define USAGE "herstelctl event VERB ...\n  " USAGE_ADD "\n  " USAGE_LIST \
	"\n  herstelctl event show ID\n  " USAGE_EDIT "\n  " USAGE_CANCEL \
	"\n  herstelctl event publish ID\n  herstelctl event remove ID\n" \
	TIMES_HELP "\nTimes are read in the zone of the event's location; " \
	"durations are\n90m, 2h, 1h30m.  A day event (--date) lasts --days dates, "\
	"1 unless given.\nKIND is themabijeenkomst, " \
	"dialoogsessie, steungroep,\nkennissessie, netwerksessie or overig.  " \
	"event list shows each occurrence\nfrom today for 90 days unless " \
	"--from/--to say otherwise."

static const struct column list_cols[] = {
	{ "ID", "id", COL_INT },
	{ "WHEN", "start", COL_SPAN },
	{ "KIND", "kind", COL_TEXT },
	{ "TITLE", "title", COL_TEXT },
	{ "WHERE", "where", COL_TEXT },
	{ "GROUP", "group", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Id", "id", COL_INT },
	{ "UID", "uid", COL_TEXT },
	{ "Title", "title", COL_TEXT },
	{ "Kind", "kind", COL_TEXT },
	{ "Status", "status", COL_TEXT },
	{ "When", "start", COL_SPAN },
	{ "Repeats", "repeat", COL_TEXT },
	{ "Except", "except", COL_LIST },
	{ "Also on", "extra", COL_LIST },
	{ "Room", "room", COL_TEXT },
	{ "Location", "location", COL_TEXT },
	{ "Place", "place", COL_TEXT },
	{ "Group", "group", COL_TEXT },
	{ "Capacity", "capacity", COL_INT },
	{ "Visibility", "visibility", COL_TEXT },
	{ "Themes", "themes", COL_LIST },
	{ "Time zone", "timezone", COL_TEXT },
	{ "Sequence", "sequence", COL_INT },
	{ "Description", "description", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column override_cols[] = {
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ "NOW", "start", COL_SPAN },
	{ "TITLE", "title", COL_TEXT },
	{ "ROOM", "room", COL_TEXT },
	{ "CANCELLED", "cancelled", COL_BOOL },
	{ "REASON", "reason", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column occ_cols[] = {
	{ "WHEN", "start", COL_SPAN },
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ "TITLE", "title", COL_TEXT },
	{ "ROOM", "room", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ NULL, NULL, 0 }
};

enum {
	O_KIND = 1, O_TITLE, O_START, O_END, O_DURATION, O_ROOM, O_LOCATION,
	O_PLACE, O_GROUP, O_REPEAT, O_EXCEPT, O_CAPACITY, O_VISIBILITY,
	O_DESCRIPTION, O_THEME, O_PROPOSE, O_OCCURRENCE, O_FOLLOWING,
	O_REASON, O_FROM, O_TO, O_STATUS, O_DATE, O_DAYS
};

static const struct option add_opts[] = {
	{ "kind", required_argument, NULL, O_KIND },
	{ "title", required_argument, NULL, O_TITLE },
	{ "start", required_argument, NULL, O_START },
	{ "end", required_argument, NULL, O_END },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "date", required_argument, NULL, O_DATE },
	{ "days", required_argument, NULL, O_DAYS },
	{ "room", required_argument, NULL, O_ROOM },
	{ "location", required_argument, NULL, O_LOCATION },
	{ "place", required_argument, NULL, O_PLACE },
	{ "group", required_argument, NULL, O_GROUP },
	{ "repeat", required_argument, NULL, O_REPEAT },
	{ "except", required_argument, NULL, O_EXCEPT },
	{ "capacity", required_argument, NULL, O_CAPACITY },
	{ "visibility", required_argument, NULL, O_VISIBILITY },
	{ "description", required_argument, NULL, O_DESCRIPTION },
	{ "theme", required_argument, NULL, O_THEME },
	{ "propose", no_argument, NULL, O_PROPOSE },
	{ "occurrence", required_argument, NULL, O_OCCURRENCE },
	{ "following", required_argument, NULL, O_FOLLOWING },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "kind", required_argument, NULL, O_KIND },
	{ "group", required_argument, NULL, O_GROUP },
	{ "status", required_argument, NULL, O_STATUS },
	{ NULL, 0, NULL, 0 }
};

static const struct option cancel_opts[] = {
	{ "occurrence", required_argument, NULL, O_OCCURRENCE },
	{ "following", required_argument, NULL, O_FOLLOWING },
	{ "reason", required_argument, NULL, O_REASON },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	const char	*verb;
	json_t		*body;
	char		 query[2048];
};

static void
append_list(struct args *a, const char *key, const char *val)
{
	json_t *arr = json_object_get(a->body, key), *s;

	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(a->body, key, arr);
	}
	if ((s = json_string(val)) == NULL)
		usage_error(a->usage, "--%s is not valid UTF-8", key);
	json_array_append_new(arr, s);
}

static void
add_query(struct args *a, const char *key, const char *val)
{
	char *e = client_escape(val);
	size_t n = strlen(a->query);

	snprintf(a->query + n, sizeof(a->query) - n, "%s%s=%s",
	    n ? "&" : "?", key, e);
	free(e);
}

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;
	static const char *keys[] = {
		[O_KIND] = "kind", [O_TITLE] = "title", [O_START] = "start",
		[O_END] = "end", [O_DURATION] = "duration", [O_ROOM] = "room",
		[O_LOCATION] = "location", [O_PLACE] = "place",
		[O_GROUP] = "group", [O_REPEAT] = "repeat",
		[O_VISIBILITY] = "visibility", [O_DESCRIPTION] = "description",
		[O_OCCURRENCE] = "occurrence", [O_FOLLOWING] = "following",
		[O_REASON] = "reason", [O_FROM] = "from", [O_TO] = "to",
		[O_STATUS] = "status", [O_DATE] = "date",
	};

	if (strcmp(a->verb, "list") == 0) {
		add_query(a, keys[ch], val);
		return;
	}
	switch (ch) {
	case O_EXCEPT:
		append_list(a, "except", val);
		break;
	case O_THEME:
		append_list(a, "themes", val);
		break;
	case O_CAPACITY:
		json_object_set_new(a->body, "capacity",
		    json_integer(parse_count(a->usage, "--capacity", val)));
		break;
	case O_DAYS:
		json_object_set_new(a->body, "days",
		    json_integer(parse_count(a->usage, "--days", val)));
		break;
	case O_PROPOSE:
		if (strcmp(a->verb, "edit") == 0)
			usage_error(a->usage, "--propose is for add; use event "
			    "publish to publish a proposal");
		json_object_set_new(a->body, "propose", json_true());
		break;
	case O_OCCURRENCE:
	case O_FOLLOWING:
		if (strcmp(a->verb, "add") == 0 || strcmp(a->verb, "propose") == 0)
			usage_error(a->usage, "--%s is for edit and cancel",
			    keys[ch]);
		/* FALLTHROUGH */
	default:
		set_str(a->body, keys[ch], val, a->usage);
	}
}

static long long
one_id(int argc, char **argv, int first, const char *usage)
{
	if (first >= argc)
		usage_error(usage, "which event? give its ID");
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	return parse_id(usage, "event ID", argv[first]);
}

static void
add_where(json_t *rows)
{
	size_t i;
	json_t *o;

	json_array_foreach(rows, i, o) {
		const char *w = json_string_value(json_object_get(o, "room"));
		if (w == NULL)
			w = json_string_value(json_object_get(o, "location"));
		if (w == NULL)
			w = json_string_value(json_object_get(o, "place"));
		json_object_set_new(o, "where", json_string(w ? w : "-"));
	}
}

/* After --following the answer is the later part: say so. */
static void
split_note(json_t *r, long long id)
{
	const struct column when = { "", "start", COL_TIME };
	char buf[64];

	if (cli.json || json_integer_value(json_object_get(r, "id")) == id)
		return;
	printf("The series was split: from %s on it is event %lld.\n\n",
	    out_cell(r, &when, buf, sizeof(buf)),
	    (long long)json_integer_value(json_object_get(r, "id")));
}

static void
show(json_t *ev)
{
	json_t *next = json_object_get(ev, "next");

	out_object(ev, show_cols);
	if (cli.json)
		return;
	if (json_array_size(json_object_get(ev, "overrides")) > 0) {
		printf("\nChanged occurrences:\n");
		out_table(json_object_get(ev, "overrides"), override_cols);
	}
	if (json_array_size(next) > 0) {
		printf("\nNext:\n");
		out_table(next, occ_cols);
	}
}

int
cmd_event(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { .verb = verb, .body = json_object() };
	char path[2200];
	json_t *r;
	int first;
	long long id;

	if (strcmp(verb, "add") == 0 || strcmp(verb, "propose") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, add_opts,
		    on_opt, &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		if (verb[0] == 'p')
			json_object_set_new(a.body, "propose", json_true());
		if (!json_object_get(a.body, "kind"))
			usage_error(a.usage, "--kind is required");
		if (!json_object_get(a.body, "title"))
			usage_error(a.usage, "--title is required");
		if (json_object_get(a.body, "date") ||
		    json_object_get(a.body, "days")) {
			if (json_object_get(a.body, "start") ||
			    json_object_get(a.body, "end") ||
			    json_object_get(a.body, "duration"))
				usage_error(a.usage, "give --date (a day event) "
				    "or --start, not both");
			if (!json_object_get(a.body, "date"))
				usage_error(a.usage, "--days needs --date");
		} else if (!json_object_get(a.body, "start"))
			usage_error(a.usage, "--start is required (or --date, "
			    "for a day event)");
		else if (!json_object_get(a.body, "end") &&
		    !json_object_get(a.body, "duration"))
			usage_error(a.usage, "give --end or --duration");
		r = client_do("POST", "events", a.body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		json_decref(a.body);
		a.usage = USAGE_LIST;
		first = parse_opts(argc - 1, argv + 1, a.usage, list_opts,
		    on_opt, &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		snprintf(path, sizeof(path), "events%s", a.query);
		r = client_do("GET", path, NULL);
		if (!cli.json)
			add_where(r);
		out_table(r, list_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "remove") == 0 ||
	    strcmp(verb, "publish") == 0) {
		char u[64];

		json_decref(a.body);
		snprintf(u, sizeof(u), "herstelctl event %s ID", verb);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		id = one_id(argc, argv, first, u);
		if (verb[0] == 'p') {
			snprintf(path, sizeof(path), "events/%lld/publish", id);
			r = client_do("POST", path, NULL);
		} else {
			snprintf(path, sizeof(path), "events/%lld", id);
			r = client_do(verb[0] == 's' ? "GET" : "DELETE", path, NULL);
		}
		if (verb[0] != 'r')
			show(r);
		else if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "edit") == 0) {
		a.usage = USAGE_EDIT;
		first = parse_opts(argc - 1, argv + 1, a.usage, add_opts,
		    on_opt, &a) + 1;
		id = one_id(argc, argv, first, a.usage);
		if (json_object_size(a.body) == 0 ||
		    (json_object_size(a.body) == 1 &&
		    (json_object_get(a.body, "occurrence") ||
		    json_object_get(a.body, "following"))))
			usage_error(a.usage, "nothing to change");
		snprintf(path, sizeof(path), "events/%lld", id);
		r = client_do("PATCH", path, a.body);	/* body is gone now */
		split_note(r, id);
		show(r);
	} else if (strcmp(verb, "cancel") == 0) {
		a.usage = USAGE_CANCEL;
		first = parse_opts(argc - 1, argv + 1, a.usage, cancel_opts,
		    on_opt, &a) + 1;
		id = one_id(argc, argv, first, a.usage);
		snprintf(path, sizeof(path), "events/%lld/cancel", id);
		r = client_do("POST", path, a.body);
		split_note(r, id);
		show(r);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		json_decref(a.body);
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		json_decref(a.body);
		fprintf(stderr, "herstelctl: event: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

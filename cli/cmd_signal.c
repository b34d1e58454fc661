/*
 * herstelctl signal add|list|export|close
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define CATS "uht|buurtteam|gemeente|financieel|overig"
#define FILTER "[--from DATE] [--to DATE] [--category C] [--status open|closed]"
#define USAGE_ADD "herstelctl signal add [EVENT] TEXT [--category " CATS "]"
#define USAGE_LIST "herstelctl signal list " FILTER
#define USAGE_EXPORT "herstelctl signal export --format csv " FILTER
#define USAGE_CLOSE "herstelctl signal close ID --note TEXT [--public]"
#define USAGE "herstelctl signal add|list|export|close ...\n  " USAGE_ADD \
	"\n  " USAGE_LIST "\n  " USAGE_EXPORT "\n  " USAGE_CLOSE "\n" \
	"A signal is what parents ran into, never linked to a person; the " \
	"category\ndefaults to overig.  Organizers record and see their own " \
	"group's signals,\nthe admin all of them.  --to takes in that whole " \
	"day.  With --public the note\n(not the signal's text) is listed on " \
	"the web page /signals, newest first."

static const struct column cols[] = {
	{ "ID", "id", COL_INT },
	{ "CREATED", "created", COL_TIME },
	{ "CATEGORY", "category", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "GROUP", "group", COL_TEXT },
	{ "EVENT", "event", COL_INT },
	{ "TEXT", "text", COL_TEXT },
	{ "NOTE", "note", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column csv_cols[] = {
	{ "id", "id", COL_INT },
	{ "created", "created", COL_TIME },
	{ "category", "category", COL_TEXT },
	{ "status", "status", COL_TEXT },
	{ "group", "group", COL_TEXT },
	{ "event", "event", COL_INT },
	{ "text", "text", COL_TEXT },
	{ "note", "note", COL_TEXT },
	{ "closed", "closed", COL_TIME },
	{ NULL, NULL, 0 }
};

enum { O_CATEGORY = 1, O_FROM, O_TO, O_STATUS, O_FORMAT, O_NOTE,
    O_PUBLIC };

static const struct option add_opts[] = {
	{ "category", required_argument, NULL, O_CATEGORY },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "category", required_argument, NULL, O_CATEGORY },
	{ "status", required_argument, NULL, O_STATUS },
	{ "format", required_argument, NULL, O_FORMAT },
	{ NULL, 0, NULL, 0 }
};

static const struct option close_opts[] = {
	{ "note", required_argument, NULL, O_NOTE },
	{ "public", no_argument, NULL, O_PUBLIC },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	char		 query[1024];
	const char	*category, *format, *note;
	int		 public;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	switch (ch) {
	case O_CATEGORY:
		a->category = val;
		if (strcmp(a->usage, USAGE_ADD) != 0)
			query_add(a->query, sizeof(a->query), "category", val);
		break;
	case O_FROM:
		query_add(a->query, sizeof(a->query), "from", val);
		break;
	case O_TO:
		query_add(a->query, sizeof(a->query), "to", val);
		break;
	case O_STATUS:
		query_add(a->query, sizeof(a->query), "status", val);
		break;
	case O_FORMAT:
		if (strcmp(a->usage, USAGE_EXPORT) != 0)
			usage_error(a->usage, "--format is for signal export");
		a->format = val;
		break;
	case O_NOTE:
		a->note = val;
		break;
	case O_PUBLIC:
		a->public = 1;
		break;
	}
}

int
cmd_signal(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { 0 };
	char path[1200];
	json_t *r, *body;
	int first;

	if (strcmp(verb, "add") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, add_opts, on_opt,
		    &a) + 1;
		if (first >= argc)
			usage_error(a.usage, "what did parents run into? give the "
			    "signal's TEXT");
		if (first + 2 < argc)
			usage_error(a.usage, "unexpected argument \"%s\" (quote "
			    "the signal's text)", argv[first + 2]);
		body = json_object();
		if (first + 2 == argc)
			json_object_set_new(body, "event", json_integer(parse_id(
			    a.usage, "EVENT", argv[first++])));
		set_str(body, "text", argv[first], a.usage);
		set_str(body, "category", a.category, a.usage);
		r = client_do("POST", "signals", body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0 || strcmp(verb, "export") == 0) {
		a.usage = verb[0] == 'l' ? USAGE_LIST : USAGE_EXPORT;
		first = parse_opts(argc - 1, argv + 1, a.usage, list_opts, on_opt,
		    &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		if (verb[0] == 'e' && a.format == NULL)
			usage_error(a.usage, "--format is required (csv)");
		if (verb[0] == 'e' && strcmp(a.format, "csv") != 0)
			usage_error(a.usage, "--format must be csv, not \"%s\"",
			    a.format);
		snprintf(path, sizeof(path), "signals%s", a.query);
		r = client_do("GET", path, NULL);
		if (verb[0] == 'e' && !cli.json)
			out_csv(r, csv_cols);
		else
			out_table(r, cols);
	} else if (strcmp(verb, "close") == 0) {
		a.usage = USAGE_CLOSE;
		first = parse_opts(argc - 1, argv + 1, a.usage, close_opts,
		    on_opt, &a) + 1;
		if (first >= argc)
			usage_error(a.usage, "which signal? give its ID");
		if (first + 1 < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first + 1]);
		if (a.note == NULL)
			usage_error(a.usage, "--note is required: say what was "
			    "done");
		snprintf(path, sizeof(path), "signals/%lld/close",
		    parse_id(a.usage, "signal ID", argv[first]));
		body = json_object();
		set_str(body, "note", a.note, a.usage);
		if (a.public)
			json_object_set_new(body, "public", json_true());
		r = client_do("POST", path, body);
		if (cli.json)
			out_json(r);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: signal: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}
